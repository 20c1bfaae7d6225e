terraform {
  required_version = ">= 1.6.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 5.30"
    }
  }
}

provider "google" {
  project = var.project
  region  = "europe-west1"
}

variable "project" {
  type        = string
  description = "The Google Cloud project of the web shop"
}

resource "google_container_node_pool" "rates" {
  name       = "rates-api"
  cluster    = "shop"
  location   = "europe-west1"
  node_count = 1

  node_config {
    machine_type = "e2-small"
  }
}
