# Names and ARNs the next steps need (deploy/README.md). No output holds a secret value: the module never has one.

output "raw_good_stream_name" {
  description = "Kinesis stream of raw-good records: collector --good_stream, pipeline --kinesis_stream."
  value       = aws_kinesis_stream.this["raw_good"].name
}

output "raw_bad_stream_name" {
  description = "Kinesis stream of the collector's bad rows: collector --bad_stream, pipeline --raw_bad_stream."
  value       = aws_kinesis_stream.this["raw_bad"].name
}

output "stream_arns" {
  description = "ARNs of the raw streams, by role (raw_good, raw_bad)."
  value       = { for key, stream in aws_kinesis_stream.this : key => stream.arn }
}

output "bucket_name" {
  description = "The lake bucket: pipeline --output s3://<bucket_name>."
  value       = aws_s3_bucket.lake.id
}

output "bucket_arn" {
  description = "ARN of the lake bucket."
  value       = aws_s3_bucket.lake.arn
}

output "lake_prefixes" {
  description = "The prefixes of the pipeline's outputs (the Snowflake stages' URLs end in them)."
  value       = local.lake_prefixes
}

output "lake_url" {
  description = "The pipeline's --output."
  value       = "s3://${aws_s3_bucket.lake.id}"
}

output "flink_state_url" {
  description = "Where Flink keeps checkpoints, savepoints and HA metadata."
  value       = "s3://${aws_s3_bucket.lake.id}/${trimsuffix(local.flink_prefix, "/")}"
}

output "kms_key_arn" {
  description = "The KMS key of the streams, the lake, the secrets and the alarm topic."
  value       = local.kms_key_arn
}

output "salt_secret_name" {
  description = "Secrets Manager secret of the pseudonymization salt: pipeline --salt_secret_id. Put its value by hand."
  value       = aws_secretsmanager_secret.salt.name
}

output "salt_secret_arn" {
  description = "ARN of the salt secret."
  value       = aws_secretsmanager_secret.salt.arn
}

output "recovery_key_secret_name" {
  description = "Secrets Manager secret of the bad-row recovery key. Put its value by hand."
  value       = aws_secretsmanager_secret.recovery_key.name
}

output "recovery_key_secret_arn" {
  description = "ARN of the recovery key secret."
  value       = aws_secretsmanager_secret.recovery_key.arn
}

output "collector_role_arn" {
  description = "IAM role of the collector's service account (IRSA annotation eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.collector.arn
}

output "pipeline_role_arn" {
  description = "IAM role of the pipeline's service account (IRSA annotation eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.pipeline.arn
}

output "snowflake_role_arn" {
  description = "IAM role for the Snowflake storage integration (STORAGE_AWS_ROLE_ARN). Known before the role exists: it is created once the integration's IAM user ARN and external id are set."
  value       = local.snowflake_role_arn
}

output "snowflake_role_created" {
  description = "Whether the Snowflake role exists yet (false until snowflake_storage_aws_iam_user_arn and snowflake_storage_aws_external_id are set)."
  value       = local.create_snowflake_role
}

output "image_repositories" {
  description = "ECR repository URLs of the images, by target of deploy/Dockerfile (collector, pipeline)."
  value       = { for key, repository in aws_ecr_repository.this : key => repository.repository_url }
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify: subscribe on-call to it."
  value       = local.alarm_topic_arn
}

output "kubernetes_params" {
  description = "Content of deploy/kubernetes/overlays/aws/params.env (terraform output -raw kubernetes_params > params.env)."
  value       = join("", [for key in sort(keys(local.kubernetes_params)) : "${key}=${local.kubernetes_params[key]}\n"])
}
