output "raw_good_stream_name" {
  description = "Collector --good_stream, pipeline --kinesis_stream."
  value       = module.snowplow_pipeline.raw_good_stream_name
}

output "raw_bad_stream_name" {
  description = "Collector --bad_stream, pipeline --raw_bad_stream."
  value       = module.snowplow_pipeline.raw_bad_stream_name
}

output "lake_url" {
  description = "Pipeline --output."
  value       = module.snowplow_pipeline.lake_url
}

output "salt_secret_name" {
  description = "Put the salt here (deploy/README.md, step 3); pipeline --salt_secret_id."
  value       = module.snowplow_pipeline.salt_secret_name
}

output "recovery_key_secret_name" {
  description = "Put the recovery key here (deploy/README.md, step 3)."
  value       = module.snowplow_pipeline.recovery_key_secret_name
}

output "image_repositories" {
  description = "Where to push the images (deploy/README.md, step 4)."
  value       = module.snowplow_pipeline.image_repositories
}

output "snowflake_role_arn" {
  description = "STORAGE_AWS_ROLE_ARN of the Snowflake storage integration."
  value       = module.snowplow_pipeline.snowflake_role_arn
}

output "alarm_topic_arn" {
  description = "Subscribe on-call to this topic."
  value       = module.snowplow_pipeline.alarm_topic_arn
}

output "kubernetes_params" {
  description = "terraform output -raw kubernetes_params > ../../../kubernetes/overlays/aws/params.env"
  value       = module.snowplow_pipeline.kubernetes_params
}
