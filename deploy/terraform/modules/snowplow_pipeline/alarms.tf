# The alarms GitLab runs its Snowplow pipeline with (handbook, "Snowplow Monitoring and Incident Response"):
#
# - stream records age ("Raw Good Stream Backing Up"; the most important dashboard metric): how far behind the
#   pipeline reads. Past the stream's retention records are lost, so the critical alarm fires at half of it.
#   The metric only exists while a consumer calls GetRecords (the pipeline polls even an idle stream), so
#   missing data means no consumer: it counts as breaching.
# - good-event volume drop ("Low good events record volume", P2) and the bad/good ratio (Monte Carlo's
#   "bad/good ratio higher than usual"): on the pipeline's output counts, published per minute to the
#   namespace pipeline_metrics_namespace as metrics good, enriched_bad and raw_bad with dimension
#   Pipeline = name_prefix (deploy/README.md, Monitoring). Missing data leaves them INSUFFICIENT_DATA:
#   a stopped pipeline is the records-age alarm's job.

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = local.kms_key_arn
  tags              = local.tags
}

resource "aws_cloudwatch_metric_alarm" "records_age_warning" {
  for_each = local.streams

  alarm_name          = "${each.value.name}-records-age-warning"
  alarm_description   = "The pipeline reads ${each.value.name} more than ${var.iterator_age_warning_seconds} s behind: it is falling behind (scale the Flink job), or stopped."
  namespace           = "AWS/Kinesis"
  metric_name         = "GetRecords.IteratorAgeMilliseconds"
  dimensions          = { StreamName = aws_kinesis_stream.this[each.key].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.iterator_age_warning_seconds * 1000
  treat_missing_data  = "breaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "records_age_critical" {
  for_each = local.streams

  alarm_name          = "${each.value.name}-records-age-critical"
  alarm_description   = "Records of ${each.value.name} are ${local.iterator_age_critical_seconds} s old unread; at ${var.stream_retention_hours} h they are deleted: data loss is near."
  namespace           = "AWS/Kinesis"
  metric_name         = "GetRecords.IteratorAgeMilliseconds"
  dimensions          = { StreamName = aws_kinesis_stream.this[each.key].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.iterator_age_critical_seconds * 1000
  treat_missing_data  = "breaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "good_volume_drop" {
  count = var.pipeline_metric_alarms ? 1 : 0

  alarm_name          = "${var.name_prefix}-good-volume-drop"
  alarm_description   = "Good events written by the pipeline fell below the expected band (GitLab: low good events record volume)."
  comparison_operator = "LessThanLowerThreshold"
  evaluation_periods  = 4
  datapoints_to_alarm = 3
  threshold_metric_id = "band"
  treat_missing_data  = "missing"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = local.tags

  metric_query {
    id          = "good"
    return_data = true
    metric {
      namespace   = var.pipeline_metrics_namespace
      metric_name = "good"
      dimensions  = { Pipeline = var.name_prefix }
      period      = 900
      stat        = "Sum"
    }
  }

  metric_query {
    id          = "band"
    expression  = "ANOMALY_DETECTION_BAND(good, ${var.good_volume_band_width})"
    label       = "good events (expected)"
    return_data = true
  }
}

resource "aws_cloudwatch_metric_alarm" "bad_ratio_high" {
  count = var.pipeline_metric_alarms ? 1 : 0

  alarm_name          = "${var.name_prefix}-bad-ratio-high"
  alarm_description   = "Bad rows (enriched_bad + raw_bad) exceed ${var.bad_share_threshold_percent}% of the pipeline's outputs over an hour (GitLab: bad/good ratio higher than usual)."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.bad_share_threshold_percent
  treat_missing_data  = "missing"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = local.tags

  metric_query {
    id          = "share"
    expression  = "100 * (FILL(enriched, 0) + FILL(raw, 0)) / (FILL(good, 0) + FILL(enriched, 0) + FILL(raw, 0))"
    label       = "bad rows, % of outputs"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { good = "good", enriched = "enriched_bad", raw = "raw_bad" }
    content {
      id = metric_query.key
      metric {
        namespace   = var.pipeline_metrics_namespace
        metric_name = metric_query.value
        dimensions  = { Pipeline = var.name_prefix }
        period      = 3600
        stat        = "Sum"
      }
    }
  }
}
