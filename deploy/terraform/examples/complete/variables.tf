variable "region" {
  description = "AWS region of the pipeline (the EKS cluster's region)."
  type        = string
  default     = "us-east-2"
}

variable "environment" {
  description = "Tag value: production, staging, ..."
  type        = string
  default     = "production"
}

variable "name_prefix" {
  description = "Prefix of every name (streams <prefix>-raw-good / -raw-bad, secrets <prefix>/...). Keep the default unless two pipelines share an account."
  type        = string
  default     = "snowplow"
}

variable "bucket_name" {
  description = "Globally unique name of the lake bucket."
  type        = string
}

variable "oidc_provider_arn" {
  description = "IAM OIDC provider of the EKS cluster (aws eks describe-cluster ... identity.oidc.issuer)."
  type        = string
}

variable "stream_mode" {
  description = "ON_DEMAND or PROVISIONED."
  type        = string
  default     = "ON_DEMAND"
}

variable "raw_good_shard_count" {
  description = "Shards of raw-good when PROVISIONED."
  type        = number
  default     = 2
}

variable "raw_bad_shard_count" {
  description = "Shards of raw-bad when PROVISIONED."
  type        = number
  default     = 1
}

variable "snowflake_storage_aws_iam_user_arn" {
  description = "STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION (null on the first apply)."
  type        = string
  default     = null
}

variable "snowflake_storage_aws_external_id" {
  description = "STORAGE_AWS_EXTERNAL_ID from DESC INTEGRATION (null on the first apply)."
  type        = string
  default     = null
}

variable "snowpipe_sqs_queue_arn" {
  description = "notification_channel from SHOW PIPES (null until the pipes exist)."
  type        = string
  default     = null
}

variable "alarm_sns_topic_arn" {
  description = "Existing SNS topic for alarms (null: the module creates one)."
  type        = string
  default     = null
}

variable "image_tag" {
  description = "Tag of the images pushed to ECR (deploy/README.md, step 4), e.g. the git commit."
  type        = string
  default     = "0.1.0"
}

variable "collector_certificate_arn" {
  description = "ACM certificate (in this region) for the collector's HTTPS host name."
  type        = string
  default     = null
}
