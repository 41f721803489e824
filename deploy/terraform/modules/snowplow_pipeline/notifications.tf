# New objects under the loaded prefixes are announced to Snowpipe's SQS queue (the pipes' notification_channel),
# so auto_ingest pipes load them within a minute. The writers create final files by copying them out of
# _temporary/, which is an ObjectCreated:Copy event: s3:ObjectCreated:* covers it, and _temporary/ itself is
# never announced.

resource "aws_s3_bucket_notification" "snowpipe" {
  count = var.snowpipe_sqs_queue_arn == null ? 0 : 1

  bucket = aws_s3_bucket.lake.id

  dynamic "queue" {
    for_each = toset(var.snowpipe_prefixes)
    content {
      id            = "snowpipe-${trimsuffix(queue.value, "/")}"
      queue_arn     = var.snowpipe_sqs_queue_arn
      events        = ["s3:ObjectCreated:*"]
      filter_prefix = queue.value
    }
  }
}
