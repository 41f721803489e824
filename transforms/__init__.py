"""Event logic of the pipeline as plain Python, free of Beam (decode, adapt, enrich, validate, pseudonymize,
serialize); the Beam composites that wrap it are in :mod:`beam_pipeline.steps`."""

__version__ = "0.1.0"
ARTIFACT = "snowplow-beam-pipeline"
