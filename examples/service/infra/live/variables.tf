variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "image_tag" {
  type        = string
  description = "The container image tag to deploy"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}
