terraform {
  required_version = ">= 1.6"

  required_providers {
    # The root module pins the exact version; modules state the major they are written for.
    google = {
      source  = "hashicorp/google"
      version = ">= 6.50.0, < 7.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.7.2, < 4.0.0"
    }
  }
}
