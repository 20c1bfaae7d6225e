terraform {
  required_version = ">= 1.6.0"
}

variable "name" {
  type = string
}

variable "cidr_block" {
  type = string
}
