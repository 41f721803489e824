"""One launcher for every run: batch (files), streaming (Kinesis) and recover (``recover/``).

    options -> runner preset -> PipelineConfig -> check_startup -> graph (sources -> ProcessRecords -> writers)
    -> launch -> RunSummary

- :func:`check_startup` is the one set of start-up checks: what would otherwise fail on every worker fails here,
  before launching, with a message that says what to change.
- :func:`run` is the one place that chooses batch or streaming (a Kinesis stream given: streaming).
- :class:`ProcessRecords` is the one processing step (the record processor behind one DoFn, over batches), with
  the bad rows of every stage (and the collector's) pseudonymized like good events; the batch and streaming graphs
  here and the recovery graph use it.

Bounded Kinesis reads (``--kinesis_max_records``, ``--kinesis_max_read_seconds``, ``--kinesis_read_to_tip``) finish
their windows and return their counters on any runner; unbounded ones run until cancelled on a streaming runner
(Prism, Flink).
"""
from __future__ import annotations

import logging
import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from snowplow_beam.beam_pipeline.files import BEAM_FILES, use_options
from snowplow_beam.beam_pipeline.kinesis.settings import AT_TIMESTAMP, KinesisSettings
from snowplow_beam.beam_pipeline.kinesis.source import ReadFromKinesis
from snowplow_beam.beam_pipeline.options import KinesisOptions, SnowplowOptions
from snowplow_beam.beam_pipeline.sources import ReadLines, input_files, input_fingerprint
from snowplow_beam.beam_pipeline.steps import (BAD, BAD_ROWS, BATCH_RECORDS, GOOD, LINES, RAW_PROGRESS, THRIFT,
                                               BatchRecords, ProcessRecords)
from snowplow_beam.beam_pipeline.summary import RunSummary, summarize
from snowplow_beam.beam_pipeline.writers import (WriteBadRows, WriteGoodEvents, WriteWindowedBadRows,
                                                 WriteWindowedGoodEvents, arrival_windows)
from snowplow_beam.lake.layout import PARTITION_FIELD, temporary_dir
from snowplow_beam.runners import UnsuitableRunner, prepare_runner, spreads_restrictions
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.progress import reset_meter
from snowplow_beam.transforms.secrets import SecretSource, SecretUnavailable
from snowplow_beam.transforms.timestamps import parse_time

_LOG = logging.getLogger(__name__)
BATCH, STREAMING, RECOVER = "batch", "streaming", "recover"


class ConfigurationError(ValueError):
    """The pipeline cannot start as configured; the message says what to change."""


def config_from_options(options: SnowplowOptions) -> PipelineConfig:
    return PipelineConfig(
        files=BEAM_FILES,
        iglu_resolver=options.iglu_resolver,
        enrichments_dir=options.enrichments,
        pseudonymization_config=options.pseudonymization_config,
        salt=SecretSource.salt(options.salt_file, options.salt_secret_id, options.salt_secret_region),
        recovery=SecretSource.recovery_key(options.recovery_key_file, options.recovery_key_secret_id,
                                           options.recovery_key_secret_region),
    )


def mode_of(options: PipelineOptions) -> str:
    kinesis = options.view_as(KinesisOptions)
    return STREAMING if kinesis.kinesis_stream or kinesis.raw_bad_stream else BATCH


def is_bounded(kinesis: KinesisOptions) -> bool:
    return (kinesis.kinesis_max_records is not None or kinesis.kinesis_max_read_seconds is not None
            or kinesis.kinesis_read_to_tip)


def check_startup(options: PipelineOptions, config: PipelineConfig, mode: str) -> None:
    """Fail before launching, with a clear message, on what would otherwise fail on every worker."""
    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    if mode == BATCH and not snowplow.input and not snowplow.raw_bad_input:
        raise ConfigurationError("--input (raw records) or --raw_bad_input (collector bad rows) is required")
    if mode in (BATCH, STREAMING):
        if not snowplow.output:
            raise ConfigurationError("--output (the root of the lake) is required")
        if snowplow.good_shards < 1:
            raise ConfigurationError("--good_shards must be at least 1")
    if mode == STREAMING:
        _check_streaming(kinesis)
    if mode == RECOVER and not config.recovery.configured():
        raise ConfigurationError("no recovery key: give --recovery_key_file, --recovery_key_secret_id or "
                                 "RECOVERY_KEY. Without it the bad rows' copies cannot be opened (see "
                                 "recover/RECOVERY.md for what can be done without one)")
    _check_config(config)


def _check_streaming(kinesis: KinesisOptions) -> None:
    if kinesis.window_seconds < 1:
        raise ConfigurationError("--window_seconds must be at least 1")
    if kinesis.kinesis_initial_position == AT_TIMESTAMP:
        try:
            parse_time(kinesis.kinesis_start_timestamp or "")
        except ValueError:
            raise ConfigurationError("--kinesis_initial_position AT_TIMESTAMP needs --kinesis_start_timestamp "
                                     "(ISO 8601 or epoch seconds)") from None


def _check_config(config: PipelineConfig) -> None:
    """The checks every run shares: the salt, the recovery key, the policy, the enrichments."""
    try:
        config.check_secrets()
    except SecretUnavailable as exc:
        raise ConfigurationError(str(exc)) from None
    try:
        policy = config.policy()
        config.enrichments()
    except (ValueError, OSError) as exc:
        raise ConfigurationError(str(exc)) from None
    if PARTITION_FIELD not in policy.atomic_allowlist:
        raise ConfigurationError(
            f"the pseudonymization policy must keep {PARTITION_FIELD} in clear (atomic_allowlist): the lake is "
            "partitioned by it, and a pseudonymized timestamp is removed from the event")


def kinesis_settings(options: KinesisOptions, stream: str, split_by_shard: bool = True) -> KinesisSettings:
    start = options.kinesis_start_timestamp
    return KinesisSettings(
        stream=stream, endpoint_url=options.kinesis_endpoint_url, region=options.kinesis_region,
        initial_position=options.kinesis_initial_position,
        start_timestamp=parse_time(start).timestamp() if start else None,
        max_records=options.kinesis_max_records, max_read_seconds=options.kinesis_max_read_seconds,
        read_to_tip=options.kinesis_read_to_tip, idle_poll_seconds=options.kinesis_poll_seconds,
        split_by_shard=split_by_shard)


def build(pipeline: beam.Pipeline, options: PipelineOptions, config: PipelineConfig, run_id: str | None = None) -> dict:
    """Wire the batch graph (files; ``run_id`` names the files) or the streaming one (Kinesis; windowed files).

    Returns the pseudonymized ``good`` and ``bad`` PCollections and the written ``files``.
    """
    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    inputs = {}
    if mode_of(options) == STREAMING:
        window, lateness = kinesis.window_seconds, kinesis.allowed_lateness_seconds
        for kind, stream in ((THRIFT, kinesis.kinesis_stream), (BAD_ROWS, kinesis.raw_bad_stream)):
            if stream:
                name = "RawGood" if kind == THRIFT else "RawBad"
                # the Reshuffle spreads the records of a reader over all workers. Fused instead (read and process in
                # one step), Prism 2.73 stalled once after an overload with windows left open: kept (STREAMING.md)
                inputs[kind] = (pipeline
                                | f"Read{name}" >> ReadFromKinesis(
                                    kinesis_settings(kinesis, stream, spreads_restrictions(options)))
                                | f"Spread{name}" >> beam.Reshuffle()
                                | f"Window{name}" >> arrival_windows(window, lateness)
                                | f"Batch{name}" >> BatchRecords())
        processed = inputs | "Process" >> ProcessRecords(config, snowplow.good_format, snowplow.good_shards)
        files = [processed[BAD] | "WriteBadRows" >> WriteWindowedBadRows(snowplow.output, window)]
        if processed[GOOD] is not None:
            files.append(processed[GOOD] | "WriteGood" >> WriteWindowedGoodEvents(
                snowplow.output, window, snowplow.good_format))
        return {**processed, "files": files}
    if snowplow.input:
        inputs[LINES] = pipeline | "ReadRaw" >> ReadLines(snowplow.input, BATCH_RECORDS)
    if snowplow.raw_bad_input:
        inputs[BAD_ROWS] = pipeline | "ReadCollectorBad" >> ReadLines(snowplow.raw_bad_input, BATCH_RECORDS)
    processed = inputs | "Process" >> ProcessRecords(config, snowplow.good_format, snowplow.good_shards)
    files = [processed[BAD] | "WriteBadRows" >> WriteBadRows(snowplow.output, run_id)]
    if processed[GOOD] is not None:
        files.append(processed[GOOD] | "WriteGood" >> WriteGoodEvents(snowplow.output, run_id, snowplow.good_format))
    return {**processed, "files": files}


def launch(pipeline: beam.Pipeline, progress: str | None = RAW_PROGRESS):
    """Run ``pipeline`` to its end, with progress lines (in-process runners print them here); returns its result."""
    meter = reset_meter(progress) if progress else None
    result = pipeline.run()
    result.wait_until_finish()
    if meter is not None:
        meter.finish()
    return result


def remove_temporary(path: str) -> None:
    """Remove a run's temporary area; leftovers are harmless (nothing reads ``_temporary/``)."""
    try:
        if FileSystems.exists(path):
            FileSystems.delete([path])
    except OSError as exc:
        _LOG.warning("could not remove %s: %s", path, exc)


def run(argv: list[str] | None = None) -> RunSummary:
    """Run the pipeline the options describe (batch, or streaming from Kinesis) and return its counters."""
    options = PipelineOptions(sys.argv[1:] if argv is None else argv)
    mode = mode_of(options)
    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    try:
        prepare_runner(options, unbounded=mode == STREAMING and not is_bounded(kinesis))
    except UnsuitableRunner as exc:
        raise ConfigurationError(str(exc)) from None
    use_options(options)
    config = config_from_options(snowplow)
    check_startup(options, config, mode)
    if mode == STREAMING:
        pipeline = beam.Pipeline(options=options)
        build(pipeline, options, config)
        return summarize(launch(pipeline, progress=None))
    files = input_files(snowplow.input, snowplow.raw_bad_input)
    run_id = input_fingerprint((f.path, f.size_in_bytes) for f in files)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, options, config, run_id)
    result = launch(pipeline)
    remove_temporary(temporary_dir(snowplow.output, run_id))
    return summarize(result, sum(f.size_in_bytes for f in files))


def command(prog: str, run_to_end) -> int:
    """A command-line run: ``run_to_end()`` returns a summary (``report()``, ``ok``); the exit status a user reads:
    0 accounted for, 1 a mismatch (or a damaged input file), 2 a configuration error, with its message."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        summary = run_to_end()
    except (ConfigurationError, FileNotFoundError) as exc:  # FileNotFoundError: no input file matches
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    print(summary.report())
    return 0 if summary.ok else 1
