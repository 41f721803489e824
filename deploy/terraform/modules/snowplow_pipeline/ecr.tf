# Repositories of the two images built from deploy/Dockerfile (targets collector and pipeline).
# Tags are immutable: deploy a new tag (e.g. the git commit) rather than overwriting one.

resource "aws_ecr_repository" "this" {
  for_each = var.create_ecr_repositories ? toset(["collector", "pipeline"]) : toset([])

  name                 = "${var.name_prefix}-${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_destroy

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = local.kms_key_arn
  }

  tags = local.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.ecr_images_kept} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_images_kept
      }
      action = { type = "expire" }
    }]
  })
}
