terraform {
  required_version = ">= 1.6"
}

resource "aws_s3_bucket" "uploads" {
  bucket = 
}
