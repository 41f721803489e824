# The lake: s3://<bucket>/good/, enriched_bad/, raw_bad/ (the pipeline's outputs, partitioned
# date=YYYY-MM-DD/hour=HH/), _temporary/ (files being written; renamed into place when complete) and
# flink/ (Flink checkpoints, savepoints and HA metadata). Encrypted with the KMS key, private, versioned,
# TLS only, access-logged, with lifecycle rules per prefix.

resource "aws_s3_bucket" "lake" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = local.tags

  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage and transfer costs; versioning already protects against overwrites and deletes. Add replication outside the module where a second-region copy is required.
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket                  = aws_s3_bucket.lake.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "lake" {
  bucket        = aws_s3_bucket.lake.id
  target_bucket = local.log_bucket_name
  target_prefix = "s3/${var.bucket_name}/"
}

data "aws_iam_policy_document" "lake" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.lake.arn, "${aws_s3_bucket.lake.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "lake" {
  bucket = aws_s3_bucket.lake.id
  policy = data.aws_iam_policy_document.lake.json

  depends_on = [aws_s3_bucket_public_access_block.lake]
}

locals {
  good_lifecycle = anytrue([for days in [var.good_transition_ia_days, var.good_transition_glacier_ir_days, var.good_expiration_days] : days != null])
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    id     = "all-versions-and-uploads"
    status = "Enabled"
    filter {
      prefix = ""
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }

  dynamic "rule" {
    for_each = local.good_lifecycle ? [local.lake_prefixes.good] : []
    content {
      id     = "good"
      status = "Enabled"
      filter {
        prefix = rule.value
      }
      dynamic "transition" {
        for_each = var.good_transition_ia_days == null ? [] : [var.good_transition_ia_days]
        content {
          days          = transition.value
          storage_class = "STANDARD_IA"
        }
      }
      dynamic "transition" {
        for_each = var.good_transition_glacier_ir_days == null ? [] : [var.good_transition_glacier_ir_days]
        content {
          days          = transition.value
          storage_class = "GLACIER_IR"
        }
      }
      dynamic "expiration" {
        for_each = var.good_expiration_days == null ? [] : [var.good_expiration_days]
        content {
          days = expiration.value
        }
      }
    }
  }

  dynamic "rule" {
    for_each = { for key in ["enriched_bad", "raw_bad"] : key => local.lake_prefixes[key] if var.bad_rows_expiration_days != null }
    content {
      id     = rule.key
      status = "Enabled"
      filter {
        prefix = rule.value
      }
      expiration {
        days = var.bad_rows_expiration_days
      }
    }
  }

  rule {
    id     = "temporary"
    status = "Enabled"
    filter {
      prefix = local.temporary_prefix
    }
    expiration {
      days = var.temporary_expiration_days
    }
    # A rename is a copy and a delete: without this, every file would stay in _temporary/ as an old version.
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.lake]
}

# ------------------------------------------------------------------ access logs
# S3 server access logs cannot be written to an SSE-KMS bucket: the log bucket uses SSE-S3.
resource "aws_s3_bucket" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket        = "${var.bucket_name}-access-logs"
  force_destroy = var.force_destroy
  tags          = local.tags

  #checkov:skip=CKV_AWS_18:This is the access-log bucket itself; logging it into itself would loop.
  #checkov:skip=CKV_AWS_144:Access logs are not replicated across regions; they are an audit trail, not data.
  #checkov:skip=CKV_AWS_145:S3 server access logging does not support SSE-KMS destination buckets; SSE-S3 (AES256) is used.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of new log objects.
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.access_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {
      prefix = ""
    }
    expiration {
      days = var.access_log_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

data "aws_iam_policy_document" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  statement {
    sid       = "S3ServerAccessLogsFromTheLake"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs[0].arn}/s3/${var.bucket_name}/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.lake.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.access_logs[0].arn, "${aws_s3_bucket.access_logs[0].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  policy = data.aws_iam_policy_document.access_logs[0].json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}
