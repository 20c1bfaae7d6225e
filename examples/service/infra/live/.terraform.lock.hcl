# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.40.0"
  constraints = "~> 5.40"
  hashes = [
    "h1:KEqMoJwLw6Z9bTO4K8nPVvQQa6aXx6+5ByqA3F1HvNY=",
  ]
}
