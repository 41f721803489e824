# Least-privilege roles. The collector and the pipeline run on EKS and assume their roles through IRSA
# (their service accounts are annotated with the role ARNs: deploy/kubernetes/overlays/aws). Snowflake
# assumes its role through the storage integration's IAM user and external id.

# ------------------------------------------------------------------ trust
data "aws_iam_policy_document" "irsa_trust" {
  for_each = {
    collector = var.collector_service_account
    pipeline  = var.pipeline_service_account
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.kubernetes_namespace}:${each.value}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

# ------------------------------------------------------------------ collector: put records on both streams
data "aws_iam_policy_document" "collector" {
  statement {
    sid = "PutRawRecords"
    actions = [
      "kinesis:PutRecord",
      "kinesis:PutRecords",
      "kinesis:DescribeStreamSummary", # the sink checks its stream at start
    ]
    resources = [for stream in aws_kinesis_stream.this : stream.arn]
  }

  statement {
    sid       = "EncryptRecords"
    actions   = ["kms:GenerateDataKey"]
    resources = [local.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["kinesis.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "collector" {
  name                 = local.collector_role_name
  description          = "Snowplow collector pods: put records on ${local.raw_good_stream_name} and ${local.raw_bad_stream_name}"
  assume_role_policy   = data.aws_iam_policy_document.irsa_trust["collector"].json
  max_session_duration = 3600
  tags                 = local.tags
}

resource "aws_iam_role_policy" "collector" {
  name   = "put-raw-streams"
  role   = aws_iam_role.collector.id
  policy = data.aws_iam_policy_document.collector.json
}

# ------------------------------------------------------------------ pipeline: read streams, write the lake, read the secrets
data "aws_iam_policy_document" "pipeline" {
  statement {
    sid = "ReadRawStreams"
    actions = [
      "kinesis:DescribeStreamSummary",
      "kinesis:ListShards",
      "kinesis:GetShardIterator",
      "kinesis:GetRecords",
    ]
    resources = [for stream in aws_kinesis_stream.this : stream.arn]
  }

  statement {
    sid       = "ListLake"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [aws_s3_bucket.lake.arn]
  }

  statement {
    sid = "WriteLakeAndFlinkState"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject", # renames out of _temporary/, Flink's checkpoint clean-up, reruns replacing files
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = [
      for prefix in concat(values(local.lake_prefixes), [local.temporary_prefix, local.flink_prefix]) :
      "${aws_s3_bucket.lake.arn}/${prefix}*"
    ]
  }

  statement {
    sid       = "ReadSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.salt.arn, aws_secretsmanager_secret.recovery_key.arn]
  }

  statement {
    sid       = "UseKeyForStreamsLakeAndSecrets"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "kinesis.${local.region}.amazonaws.com",
        "s3.${local.region}.amazonaws.com",
        "secretsmanager.${local.region}.amazonaws.com",
      ]
    }
  }
}

resource "aws_iam_role" "pipeline" {
  name                 = local.pipeline_role_name
  description          = "Snowplow Beam pipeline on Flink: read the raw streams, write s3://${var.bucket_name}, read the salt"
  assume_role_policy   = data.aws_iam_policy_document.irsa_trust["pipeline"].json
  max_session_duration = 3600
  tags                 = local.tags
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "read-streams-write-lake"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline.json
}

# ------------------------------------------------------------------ Snowflake: read the loaded prefixes
data "aws_iam_policy_document" "snowflake_trust" {
  count = local.create_snowflake_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.snowflake_storage_aws_iam_user_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.snowflake_storage_aws_external_id]
    }
  }
}

data "aws_iam_policy_document" "snowflake" {
  statement {
    sid       = "ReadLoadedPrefixes"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for prefix in values(local.lake_prefixes) : "${aws_s3_bucket.lake.arn}/${prefix}*"]
  }

  statement {
    sid       = "ListLoadedPrefixes"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for prefix in values(local.lake_prefixes) : [prefix, "${prefix}*"]])
    }
  }

  statement {
    sid       = "DecryptLake"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "snowflake" {
  count = local.create_snowflake_role ? 1 : 0

  name                 = local.snowflake_role_name
  description          = "Snowflake storage integration: read good/, enriched_bad/ and raw_bad/ of s3://${var.bucket_name}"
  assume_role_policy   = data.aws_iam_policy_document.snowflake_trust[0].json
  max_session_duration = 3600
  tags                 = local.tags
}

resource "aws_iam_role_policy" "snowflake" {
  count = local.create_snowflake_role ? 1 : 0

  name   = "read-lake"
  role   = aws_iam_role.snowflake[0].id
  policy = data.aws_iam_policy_document.snowflake.json
}
