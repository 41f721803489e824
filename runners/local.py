"""The local preset: runs on this machine, in this process, with no network attempt.

When to use it: tests, the demo, batch runs over files, bounded Kinesis reads (``--kinesis_max_records`` /
``--kinesis_max_read_seconds``). What it sets, only where the user chose nothing:

- no ``--runner``: ``FnApiRunner``. Beam's default ``DirectRunner`` first tries to download a Prism binary for
  every pipeline, batch too, with no timeout; batch pipelines end up on the FnApiRunner anyway.
- ``--runner=DirectRunner`` without ``--prism_location``: a location that does not exist, so the attempt fails at
  once and Beam falls back as usual (pipeline options then still reach multi-process workers, which they do not
  with ``--runner=FnApiRunner --direct_running_mode=multi_processing``).

The local runners are batch runners: with ``--streaming`` they write nothing before the input ends, so a read that
never ends never finishes a window on them (:data:`BATCH_RUNNERS`). Continuous streaming on this machine needs
Prism (:mod:`runners.prism`).
"""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, PrismRunnerOptions, StandardOptions

NO_PRISM = "/nonexistent/prism"
BATCH_RUNNERS = frozenset({"fnapirunner", "bundlebaseddirectrunner", "switchingdirectrunner"})
DIRECT_RUNNERS = frozenset({"directrunner", "direct"})


def runner_name(options: PipelineOptions) -> str:
    """The ``--runner`` given, lower-cased; empty when none was."""
    return (options.view_as(StandardOptions).runner or "").lower()


def apply_local_defaults(options: PipelineOptions) -> None:
    """Fill in the local runner's defaults where the user chose nothing (``options`` changes in place)."""
    runner = runner_name(options)
    if not runner:
        options.view_as(StandardOptions).runner = "FnApiRunner"
    elif runner in DIRECT_RUNNERS and not options.view_as(PrismRunnerOptions).prism_location:
        options.view_as(PrismRunnerOptions).prism_location = NO_PRISM
