"""The lake: its layout (:mod:`snowplow_beam.lake.layout`), known here and nowhere else."""
