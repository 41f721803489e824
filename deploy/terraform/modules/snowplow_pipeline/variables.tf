# Inputs of the module. Names the code depends on (stream names, lake prefixes, secret names) are derived in
# locals.tf from name_prefix; tests/test_deploy.py checks them against the code's defaults.

variable "name_prefix" {
  description = "Prefix of every name: streams <prefix>-raw-good / <prefix>-raw-bad, secrets <prefix>/..., roles, alarms."
  type        = string
  default     = "snowplow"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix: 3-32 characters, lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

# ------------------------------------------------------------------ encryption
variable "kms_key_arn" {
  description = "An existing customer-managed KMS key for the streams, the lake bucket, the secrets and the alarm topic. Null: the module creates one (rotation on)."
  type        = string
  default     = null
}

# ------------------------------------------------------------------ Kinesis
variable "stream_mode" {
  description = "ON_DEMAND (Kinesis scales shards itself) or PROVISIONED (the shard counts below)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "raw_good_shard_count" {
  description = "Shards of the raw-good stream when stream_mode is PROVISIONED (1 shard: 1,000 records/s or 1 MB/s in)."
  type        = number
  default     = 2
}

variable "raw_bad_shard_count" {
  description = "Shards of the raw-bad stream when stream_mode is PROVISIONED."
  type        = number
  default     = 1
}

variable "stream_retention_hours" {
  description = "How long Kinesis keeps records: the time the pipeline may be down without losing data (GitLab: 48 h)."
  type        = number
  default     = 48

  validation {
    condition     = var.stream_retention_hours >= 24 && var.stream_retention_hours <= 8760
    error_message = "stream_retention_hours must be within 24..8760."
  }
}

variable "shard_level_metrics" {
  description = "Enhanced (per-shard, billed) Kinesis metrics, e.g. [\"IteratorAgeMilliseconds\", \"IncomingRecords\"]. The alarms use stream-level metrics and need none."
  type        = list(string)
  default     = []
}

# ------------------------------------------------------------------ S3 lake
variable "bucket_name" {
  description = "Name of the lake bucket (globally unique). The pipeline's --output is s3://<bucket_name>."
  type        = string
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a bucket that still holds objects. Keep false in production."
  type        = bool
  default     = false
}

variable "access_log_bucket_name" {
  description = "An existing bucket for S3 server access logs of the lake. Null: the module creates <bucket_name>-access-logs."
  type        = string
  default     = null
}

variable "access_log_retention_days" {
  description = "Days the access logs are kept (only for the log bucket this module creates)."
  type        = number
  default     = 365
}

variable "good_transition_ia_days" {
  description = "Days after which good/ objects move to STANDARD_IA (Snowpipe loads them within minutes). Null: never."
  type        = number
  default     = 30

  validation {
    condition     = var.good_transition_ia_days == null || try(var.good_transition_ia_days >= 30, false)
    error_message = "S3 moves objects to STANDARD_IA no earlier than 30 days after creation."
  }
}

variable "good_transition_glacier_ir_days" {
  description = "Days after which good/ objects move to GLACIER_IR. Null: never."
  type        = number
  default     = 180
}

variable "good_expiration_days" {
  description = "Days after which good/ objects are deleted. Null: kept for ever."
  type        = number
  default     = null
}

variable "bad_rows_expiration_days" {
  description = "Days after which enriched_bad/ and raw_bad/ objects are deleted (they are pseudonymized, and recovery happens within weeks). Null: kept for ever."
  type        = number
  default     = 180
}

variable "temporary_expiration_days" {
  description = "Days after which leftovers under _temporary/ (files of failed runs; complete files are renamed out of it) are deleted."
  type        = number
  default     = 2
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept (versioning protects against bad overwrites and deletes)."
  type        = number
  default     = 30
}

# ------------------------------------------------------------------ Kubernetes identities (IRSA)
variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider (aws_iam_openid_connect_provider); the collector and pipeline roles trust its service accounts."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)."
  }
}

variable "kubernetes_namespace" {
  description = "Namespace of the collector and the pipeline (deploy/kubernetes/base/namespace.yaml)."
  type        = string
  default     = "snowplow"
}

variable "collector_service_account" {
  description = "Service account of the collector pods (deploy/kubernetes/base/collector/serviceaccount.yaml)."
  type        = string
  default     = "snowplow-collector"
}

variable "pipeline_service_account" {
  description = "Service account of the Flink JobManager and TaskManager pods (deploy/kubernetes/base/pipeline/serviceaccount.yaml)."
  type        = string
  default     = "snowplow-pipeline"
}

# ------------------------------------------------------------------ Snowflake
variable "snowflake_storage_aws_iam_user_arn" {
  description = "STORAGE_AWS_IAM_USER_ARN of the Snowflake storage integration (DESC INTEGRATION). Null until the integration exists: the Snowflake role is then not created yet (its ARN is already an output)."
  type        = string
  default     = null
}

variable "snowflake_storage_aws_external_id" {
  description = "STORAGE_AWS_EXTERNAL_ID of the Snowflake storage integration (DESC INTEGRATION)."
  type        = string
  default     = null
}

variable "snowpipe_sqs_queue_arn" {
  description = "The notification_channel of the Snowpipe pipes (SHOW PIPES): S3 sends ObjectCreated events of the loaded prefixes there. Null: no notifications yet."
  type        = string
  default     = null
}

variable "snowpipe_prefixes" {
  description = "Lake prefixes whose new objects are announced to Snowpipe."
  type        = list(string)
  default     = ["good/", "enriched_bad/", "raw_bad/"]

  validation {
    condition     = alltrue([for p in var.snowpipe_prefixes : contains(["good/", "enriched_bad/", "raw_bad/"], p)])
    error_message = "snowpipe_prefixes may only hold good/, enriched_bad/ and raw_bad/."
  }
}

# ------------------------------------------------------------------ alarms
variable "alarm_sns_topic_arn" {
  description = "An existing SNS topic for alarm notifications. Null: the module creates <name_prefix>-alarms (KMS-encrypted); subscribe to it."
  type        = string
  default     = null
}

variable "iterator_age_warning_seconds" {
  description = "Records age (GetRecords.IteratorAgeMilliseconds) that raises the warning alarm: the pipeline is falling behind."
  type        = number
  default     = 3600
}

variable "iterator_age_critical_seconds" {
  description = "Records age that raises the critical alarm. Past stream_retention_hours records are lost; default: half of it."
  type        = number
  default     = null
}

variable "pipeline_metric_alarms" {
  description = "Create the good-volume and bad/good-ratio alarms on the pipeline's output counts (namespace pipeline_metrics_namespace; see deploy/README.md, Monitoring)."
  type        = bool
  default     = true
}

variable "pipeline_metrics_namespace" {
  description = "CloudWatch namespace of the pipeline's output counts (metrics good, enriched_bad, raw_bad; dimension Pipeline = name_prefix)."
  type        = string
  default     = "SnowplowPipeline"
}

variable "good_volume_band_width" {
  description = "Width (standard deviations) of the anomaly band under which the good-event volume counts as a drop."
  type        = number
  default     = 3
}

variable "bad_share_threshold_percent" {
  description = "Alarm when bad rows (enriched_bad + raw_bad) exceed this share of all outputs over an hour (GitLab's usual share: about 7%)."
  type        = number
  default     = 20
}

# ------------------------------------------------------------------ images and endpoint
variable "create_ecr_repositories" {
  description = "Create the ECR repositories <name_prefix>-collector and <name_prefix>-pipeline (immutable tags, scan on push, KMS)."
  type        = bool
  default     = true
}

variable "ecr_images_kept" {
  description = "Images kept per ECR repository; older ones expire."
  type        = number
  default     = 30
}

variable "image_tag" {
  description = "Tag of the collector and pipeline images the Kubernetes manifests run (output kubernetes_params)."
  type        = string
  default     = "0.1.0"
}

variable "collector_certificate_arn" {
  description = "ACM certificate of the collector's HTTPS endpoint (the ALB of deploy/kubernetes). Null: add COLLECTOR_CERTIFICATE_ARN to params.env yourself."
  type        = string
  default     = null
}
