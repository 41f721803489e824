terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 7.0.0"
    }
  }

  # Keep the state in S3 (encrypted, versioned, with locking), e.g.:
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "snowplow-pipeline/terraform.tfstate"
  #   region       = "us-east-2"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}
