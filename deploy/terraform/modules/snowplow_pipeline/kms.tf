# One customer-managed key for the streams, the lake, the secrets and the alarm topic (unless kms_key_arn is given).
# Principals of this account get access through IAM policies (the roles in iam.tf), which the key policy delegates
# to the account; CloudWatch may use the key to publish to the encrypted alarm topic.

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; full control goes to the account root only, which hands it to IAM policies (AWS's default key policy).
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; write access is limited to the account root (delegated to IAM) and CloudWatch of this account.
  #checkov:skip=CKV_AWS_356:In a key policy "*" can only mean this key; there is no other resource to name.
  statement {
    sid       = "AccountAdministersAndDelegatesToIAM"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" is this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name_prefix}: Kinesis raw streams, S3 lake, Secrets Manager secrets, alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this[0].key_id
}
