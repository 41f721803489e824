"""Streaming assembly: Kinesis -> Decode -> Enrich -> Validate -> Pseudonymize -> windowed files.

The same steps and the same bad-row flow as :func:`beam_pipeline.pipeline.build`: raw-good
records from ``--kinesis_stream`` (raw Thrift bytes), the collector's raw-bad rows from
``--raw_bad_stream`` (JSON), bad rows of every step pseudonymized like good events. Writers are
the windowed ones of :mod:`beam_pipeline.windowed_sinks`. See ``beam_pipeline/STREAMING.md``.

:func:`run_streaming` is reached through :func:`beam_pipeline.pipeline.run` when a Kinesis
stream is given. With ``--kinesis_max_records`` / ``--kinesis_max_read_seconds`` the read is
bounded: the pipeline finishes its windows and returns its counters (any runner; tests use
FnApiRunner). Without a bound it runs until cancelled, and needs a streaming runner (Prism, Flink).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.options.pipeline_options import PipelineOptions, PortableOptions, StandardOptions

from snowplow_beam.beam_pipeline.kinesis import AT_TIMESTAMP, KinesisSettings, ReadFromKinesis
from snowplow_beam.beam_pipeline.options import KinesisOptions, SnowplowOptions
from snowplow_beam.beam_pipeline.sources import parse_collector_bad_row
from snowplow_beam.beam_pipeline.windowed_sinks import WriteWindowedBadRows, WriteWindowedGoodEvents
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.steps import BAD, MAIN, NAMESPACE, Decode, Enrich, Pseudonymize, Validate

_LOG = logging.getLogger(__name__)
_BATCH_RUNNERS = ("fnapirunner", "bundlebaseddirectrunner", "switchingdirectrunner")
_DEFAULT_JOB_SERVER_TIMEOUT = 300
_STREAMING_JOB_SERVER_TIMEOUT = 30 * 24 * 3600


def parse_start_timestamp(value: str | None) -> float | None:
    """``--kinesis_start_timestamp``: ISO 8601 (a ``Z`` or offset; naive means UTC) or epoch seconds."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def kinesis_settings(options: KinesisOptions, stream: str) -> KinesisSettings:
    return KinesisSettings(
        stream=stream, endpoint_url=options.kinesis_endpoint_url, region=options.kinesis_region,
        initial_position=options.kinesis_initial_position,
        start_timestamp=parse_start_timestamp(options.kinesis_start_timestamp),
        max_records=options.kinesis_max_records, max_read_seconds=options.kinesis_max_read_seconds,
        idle_poll_seconds=options.kinesis_poll_seconds)


def check_streaming_startup(options: PipelineOptions, config: PipelineConfig) -> None:
    """What :func:`beam_pipeline.pipeline.check_startup` checks, for Kinesis inputs."""
    from snowplow_beam.beam_pipeline.pipeline import ConfigurationError, check_config

    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    if not snowplow.output:
        raise ConfigurationError("--output (the root of the lake) is required")
    if snowplow.good_shards < 1:
        raise ConfigurationError("--good_shards must be at least 1")
    if kinesis.window_seconds < 1:
        raise ConfigurationError("--window_seconds must be at least 1")
    if kinesis.kinesis_initial_position == AT_TIMESTAMP:
        try:
            if parse_start_timestamp(kinesis.kinesis_start_timestamp) is None:
                raise ValueError("missing")
        except ValueError:
            raise ConfigurationError("--kinesis_initial_position AT_TIMESTAMP needs --kinesis_start_timestamp "
                                     "(ISO 8601 or epoch seconds)") from None
    bounded = kinesis.kinesis_max_records is not None or kinesis.kinesis_max_read_seconds is not None
    runner = (options.view_as(StandardOptions).runner or "").lower()
    if not bounded and runner in _BATCH_RUNNERS:
        raise ConfigurationError(
            f"an unbounded Kinesis read never finishes a window on {runner}: give --kinesis_max_records or "
            "--kinesis_max_read_seconds, or a streaming runner (--runner=PrismRunner --prism_location=..., "
            "or Flink); see beam_pipeline/STREAMING.md")
    check_config(config)


class _ParseRawBadRecordFn(beam.DoFn):
    """A record of the raw-bad stream (a JSON bad row) -> BadRow; counted like the batch source."""

    def __init__(self):
        self._rows = Metrics.counter(NAMESPACE, "collector_bad_rows")

    def process(self, record):
        self._rows.inc()
        text = record.decode("utf-8", errors="replace") if isinstance(record, bytes) else record
        yield parse_collector_bad_row(text)


class ReadRawBadStream(beam.PTransform):
    """The collector's raw-bad Kinesis stream as BadRows."""

    def __init__(self, settings: KinesisSettings, label: str | None = None):
        super().__init__(label)
        self._settings = settings

    def expand(self, pbegin):
        return (pbegin
                | "Read" >> ReadFromKinesis(self._settings)
                | "ParseBadRows" >> beam.ParDo(_ParseRawBadRecordFn()))


def build_streaming(pipeline: beam.Pipeline, options: PipelineOptions, config: PipelineConfig) -> dict:
    """Wire the streaming graph; returns the ``good`` and ``bad`` PCollections and the written files."""
    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    bad_streams = []
    good = None
    if kinesis.kinesis_stream:
        records = (pipeline
                   | "ReadRawGood" >> ReadFromKinesis(kinesis_settings(kinesis, kinesis.kinesis_stream))
                   | "Spread" >> beam.Reshuffle())
        decoded = records | "Decode" >> Decode(base64_lines=False)
        enriched = decoded[MAIN] | "Enrich" >> Enrich(config)
        validated = enriched[MAIN] | "Validate" >> Validate(config)
        good = validated[MAIN] | "Pseudonymize" >> Pseudonymize(config)
        bad_streams += [decoded[BAD], enriched[BAD], validated[BAD]]
    if kinesis.raw_bad_stream:
        bad_streams.append(pipeline | "ReadRawBad" >> ReadRawBadStream(
            kinesis_settings(kinesis, kinesis.raw_bad_stream)))
    bad = (bad_streams
           | "CollectBadRows" >> beam.Flatten()
           | "PseudonymizeBadRows" >> Pseudonymize(config, bad_rows=True))
    window, lateness = kinesis.window_seconds, kinesis.allowed_lateness_seconds
    files = [bad | "WriteBadRows" >> WriteWindowedBadRows(snowplow.output, window, lateness)]
    if good is not None:
        files.append(good | "WriteGood" >> WriteWindowedGoodEvents(
            snowplow.output, window, snowplow.good_format, snowplow.good_shards, lateness))
    return {"good": good, "bad": bad, "files": files}


def run_streaming(options: PipelineOptions):
    """Run the Kinesis pipeline; bounded: to completion, returning its counters (a RunSummary)."""
    from snowplow_beam.beam_pipeline.pipeline import config_from_options, summarize

    kinesis = options.view_as(KinesisOptions)
    config = config_from_options(options.view_as(SnowplowOptions))
    check_streaming_startup(options, config)
    bounded = kinesis.kinesis_max_records is not None or kinesis.kinesis_max_read_seconds is not None
    if not bounded:
        options.view_as(StandardOptions).streaming = True
        portable = options.view_as(PortableOptions)
        if portable.job_server_timeout == _DEFAULT_JOB_SERVER_TIMEOUT:
            # Beam's portable runners (Prism, Flink) also use this timeout for the job's state stream:
            # left at 300 s, wait_until_finish fails with DEADLINE_EXCEEDED after five minutes.
            portable.job_server_timeout = _STREAMING_JOB_SERVER_TIMEOUT
    pipeline = beam.Pipeline(options=options)
    build_streaming(pipeline, options, config)
    result = pipeline.run()
    result.wait_until_finish()
    return summarize(result)
