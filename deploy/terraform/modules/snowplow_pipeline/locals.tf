# Every name the code and the Kubernetes manifests rely on is spelled here once.
# tests/test_deploy.py reads this file: the lake prefixes must equal beam_pipeline.sinks.GOOD,
# transforms.badrows.ENRICHED_BAD / RAW_BAD and beam_pipeline.sinks.TEMPORARY; the stream and secret
# names must equal deploy/kubernetes/base/params.yaml.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  # Kinesis: the collector writes, the pipeline reads (--kinesis_stream / --raw_bad_stream).
  raw_good_stream_name = "${var.name_prefix}-raw-good"
  raw_bad_stream_name  = "${var.name_prefix}-raw-bad"

  # The lake (pipeline --output s3://<bucket>): outputs, the writers' scratch space, Flink's state.
  lake_prefixes = {
    good         = "good/"
    enriched_bad = "enriched_bad/"
    raw_bad      = "raw_bad/"
  }
  temporary_prefix = "_temporary/"
  flink_prefix     = "flink/"

  # Secrets Manager: values are put by hand (deploy/README.md), never by Terraform.
  salt_secret_name         = "${var.name_prefix}/pseudonymization-salt"
  recovery_key_secret_name = "${var.name_prefix}/recovery-key"

  collector_role_name = "${var.name_prefix}-collector"
  pipeline_role_name  = "${var.name_prefix}-pipeline"
  snowflake_role_name = "${var.name_prefix}-snowflake"
  snowflake_role_arn  = "arn:${local.partition}:iam::${local.account_id}:role/${local.snowflake_role_name}"

  oidc_issuer = element(split("oidc-provider/", var.oidc_provider_arn), 1)

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  create_log_bucket = var.access_log_bucket_name == null
  log_bucket_name   = local.create_log_bucket ? aws_s3_bucket.access_logs[0].id : var.access_log_bucket_name

  create_alarm_topic            = var.alarm_sns_topic_arn == null
  alarm_topic_arn               = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_sns_topic_arn
  iterator_age_critical_seconds = coalesce(var.iterator_age_critical_seconds, var.stream_retention_hours * 3600 / 2)

  create_snowflake_role = var.snowflake_storage_aws_iam_user_arn != null && var.snowflake_storage_aws_external_id != null

  tags = merge({ "app.kubernetes.io/part-of" = "snowplow-beam-pipeline" }, var.tags)

  # The values deploy/kubernetes/overlays/aws/params.env needs (output kubernetes_params); the keys are those
  # of deploy/kubernetes/base/params.yaml.
  kubernetes_params = { for key, value in {
    AWS_REGION                = local.region
    AWS_DEFAULT_REGION        = local.region
    RAW_GOOD_STREAM           = local.raw_good_stream_name
    RAW_BAD_STREAM            = local.raw_bad_stream_name
    LAKE_BUCKET               = aws_s3_bucket.lake.id
    SALT_SECRET_ID            = aws_secretsmanager_secret.salt.name
    COLLECTOR_ROLE_ARN        = aws_iam_role.collector.arn
    PIPELINE_ROLE_ARN         = aws_iam_role.pipeline.arn
    COLLECTOR_IMAGE           = var.create_ecr_repositories ? "${try(aws_ecr_repository.this["collector"].repository_url, "")}:${var.image_tag}" : null
    PIPELINE_IMAGE            = var.create_ecr_repositories ? "${try(aws_ecr_repository.this["pipeline"].repository_url, "")}:${var.image_tag}" : null
    COLLECTOR_CERTIFICATE_ARN = var.collector_certificate_arn
  } : key => value if value != null }
}
