# The collector's two outputs. Records are Thrift CollectorPayloads (raw-good) and JSON bad rows (raw-bad);
# the pipeline reads both (beam_pipeline/kinesis/). Retention is how long the pipeline may be down.

locals {
  streams = {
    raw_good = { name = local.raw_good_stream_name, shards = var.raw_good_shard_count }
    raw_bad  = { name = local.raw_bad_stream_name, shards = var.raw_bad_shard_count }
  }
}

resource "aws_kinesis_stream" "this" {
  for_each = local.streams

  name                = each.value.name
  shard_count         = var.stream_mode == "PROVISIONED" ? each.value.shards : null
  retention_period    = var.stream_retention_hours
  shard_level_metrics = var.shard_level_metrics
  encryption_type     = "KMS"
  kms_key_id          = local.kms_key_arn

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  tags = local.tags
}
