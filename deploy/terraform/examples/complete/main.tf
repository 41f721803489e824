# Example root: the whole pipeline's AWS side in one account and region, for an existing EKS cluster.
# Walk-through: deploy/README.md.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "snowplow-beam-pipeline"
      environment = var.environment
    }
  }
}

module "snowplow_pipeline" {
  source = "../../modules/snowplow_pipeline"

  name_prefix       = var.name_prefix
  bucket_name       = var.bucket_name
  oidc_provider_arn = var.oidc_provider_arn

  stream_mode            = var.stream_mode
  raw_good_shard_count   = var.raw_good_shard_count
  raw_bad_shard_count    = var.raw_bad_shard_count
  stream_retention_hours = 48

  image_tag                 = var.image_tag
  collector_certificate_arn = var.collector_certificate_arn

  # Second apply, once the Snowflake storage integration and pipes exist (deploy/README.md, step 7).
  snowflake_storage_aws_iam_user_arn = var.snowflake_storage_aws_iam_user_arn
  snowflake_storage_aws_external_id  = var.snowflake_storage_aws_external_id
  snowpipe_sqs_queue_arn             = var.snowpipe_sqs_queue_arn

  alarm_sns_topic_arn = var.alarm_sns_topic_arn
}
