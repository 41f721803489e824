"""Event logic of the pipeline as plain Python (decode, adapt, enrich, validate, pseudonymize,
serialize), plus the thin Beam PTransforms that wrap it (:mod:`transforms.steps`)."""

__version__ = "0.1.0"
ARTIFACT = "snowplow-beam-pipeline"
