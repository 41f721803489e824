"""Runner presets: turn "where to run" into Beam options. No pipeline logic here.

| module | preset | when |
| --- | --- | --- |
| ``runners/local.py`` | FnApiRunner, DirectRunner without Prism downloads | tests, the demo, batch and bounded runs |
| ``runners/prism.py`` | PrismRunner (``.tools/go/bin/prism``), Prism as a job server | continuous streaming on this machine; CI |
| ``runners/flink.py`` | Flink through Beam's portable runner | production (deploy/kubernetes) |
| ``runners/portable.py`` | PortableRunner + an EXTERNAL worker pool | the path Flink and Prism's job server share |

The launcher makes one call, :func:`prepare_runner`, with the options it parsed: every runner quirk the pipeline
depends on is applied there, and nowhere in ``beam_pipeline/``.
"""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, PrismRunnerOptions, StandardOptions

from snowplow_beam.runners.local import BATCH_RUNNERS, DIRECT_RUNNERS, NO_PRISM, apply_local_defaults, runner_name
from snowplow_beam.runners.portable import keep_unbounded_job_alive


class UnsuitableRunner(ValueError):
    """The chosen runner cannot run this pipeline; the message says what to choose instead."""


def prepare_runner(options: PipelineOptions, unbounded: bool) -> PipelineOptions:
    """Apply the runner quirks to ``options`` (in place; returned for convenience).

    Always: the local defaults (:func:`runners.local.apply_local_defaults`). For an ``unbounded`` read (a Kinesis
    stream without a bound): refuse the batch runners, which never finish a window of it; set ``streaming``; and
    keep the portable runners' job state stream open (:func:`runners.portable.keep_unbounded_job_alive`).
    """
    apply_local_defaults(options)
    if unbounded:
        runner = runner_name(options)
        if runner in BATCH_RUNNERS:
            raise UnsuitableRunner(
                f"an unbounded Kinesis read never finishes a window on {runner}: give --kinesis_max_records, "
                "--kinesis_max_read_seconds or --kinesis_read_to_tip, or a streaming runner "
                "(--runner=PrismRunner --prism_location=..., or Flink); see beam_pipeline/STREAMING.md")
        options.view_as(StandardOptions).streaming = True
        keep_unbounded_job_alive(options)
    return options


def spreads_restrictions(options: PipelineOptions) -> bool:
    """Whether the runner spreads a source's restrictions over several workers, so that a stream read split by
    shard is read in parallel. Not Prism (``--runner=PrismRunner``, or the DirectRunner given a Prism binary):
    it runs one SDK worker per environment, so a split gains nothing there; and with two restrictions of a stream
    in flight at once, Prism 2.73 let the watermark pass records still being read (observed here under overload:
    6-21% of the rows of a window in late panes; none with one restriction per stream)."""
    runner = runner_name(options)
    on_prism = runner == "prismrunner" or (
        runner in DIRECT_RUNNERS and options.view_as(PrismRunnerOptions).prism_location not in (None, NO_PRISM))
    return not on_prism
