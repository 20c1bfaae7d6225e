variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "db_password" {
  type    = string
  default = "changeme"
}
