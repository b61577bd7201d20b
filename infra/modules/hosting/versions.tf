terraform {
  required_version = ">= 1.6"

  required_providers {
    # Firebase resources are only in google-beta. The root pins the exact version.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.50.0, < 7.0.0"
    }
  }
}
