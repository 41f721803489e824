# The secrets exist here; their values never do. Terraform creates no secret version, so no value is ever in
# the code, the plan or the state: an operator puts it (deploy/README.md, step 3).
#
# - the pseudonymization salt: the HMAC-SHA256 key of every pseudonym. The pipeline reads it on its workers
#   (--salt_secret_id, transforms/secrets.py SecretSource): the secret's whole SecretString (or SecretBinary)
#   is the salt, so it must hold the bare value, not a JSON document.
# - the recovery key: reserved for re-identifying bad rows during recovery (GitLab: download enriched_bad,
#   decode, fix, re-send). Only the pipeline role may read it.

resource "aws_secretsmanager_secret" "salt" {
  name                    = local.salt_secret_name
  description             = "HMAC-SHA256 salt of the pseudonymization (plain SecretString, no JSON). Put by an operator, never by Terraform."
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = 30
  tags                    = local.tags

  #checkov:skip=CKV2_AWS_57:Rotating the salt changes every pseudonym and breaks joins across time (GitLab's requirement: deterministic pseudonyms); it is rotated by a deliberate, documented procedure, not on a schedule.
}

resource "aws_secretsmanager_secret" "recovery_key" {
  name                    = local.recovery_key_secret_name
  description             = "Key used to recover (re-process) bad rows. Put by an operator, never by Terraform."
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = 30
  tags                    = local.tags

  #checkov:skip=CKV2_AWS_57:Rotation would make bad rows written under the previous key unrecoverable; rotate by the documented manual procedure.
}
