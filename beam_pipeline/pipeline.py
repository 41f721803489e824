"""Assembly: raw files -> Decode -> Enrich -> Validate -> Pseudonymize -> the lake.

Bad rows branch off at every step into one stream, are pseudonymized like good events, and are
written beside them. :func:`run` is the batch entry point; :func:`build` wires the graph onto a
given pipeline (tests use it with TestPipeline).
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from snowplow_beam.beam_pipeline.options import KinesisOptions, SnowplowOptions
from snowplow_beam.beam_pipeline.sinks import TEMPORARY, WriteBadRows, WriteGoodEvents
from snowplow_beam.beam_pipeline.sources import DAMAGED_FILES_NAMESPACE, ReadCollectorBadRows, ReadLines, input_files, input_fingerprint
from snowplow_beam.runners.direct import local_args
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.progress import reset_meter
from snowplow_beam.transforms.pseudonymize import SaltSource, SaltUnavailable
from snowplow_beam.transforms.recovery import RecoveryKeySource
from snowplow_beam.transforms.steps import BAD, MAIN, NAMESPACE, Decode, Enrich, Pseudonymize, Validate

_LOG = logging.getLogger(__name__)
LAYOUT_FIELDS = ("collector_tstamp",)  # the fields the lake's layout is built from: never pseudonymized


class ConfigurationError(ValueError):
    """The pipeline cannot start as configured; the message says what to change."""


def config_from_options(options: SnowplowOptions) -> PipelineConfig:
    return PipelineConfig(
        iglu_resolver=options.iglu_resolver,
        enrichments_dir=options.enrichments,
        pseudonymization_config=options.pseudonymization_config,
        salt=SaltSource(options.salt_file, options.salt_secret_id, options.salt_secret_region),
        recovery=RecoveryKeySource(options.recovery_key_file, options.recovery_key_secret_id,
                                   options.recovery_key_secret_region),
    )


def check_startup(options: SnowplowOptions, config: PipelineConfig) -> None:
    """Fail before launching, with a clear message, on what would otherwise fail on every worker."""
    if not options.input and not options.raw_bad_input:
        raise ConfigurationError("--input (raw records) or --raw_bad_input (collector bad rows) is required")
    if not options.output:
        raise ConfigurationError("--output (the root of the lake) is required")
    if options.good_shards < 1:
        raise ConfigurationError("--good_shards must be at least 1")
    check_config(config)


def check_config(config: PipelineConfig) -> None:
    """The checks every run shares, batch or streaming: the salt, the recovery key, the policy, the enrichments."""
    if not config.salt.configured():
        raise ConfigurationError(
            "no pseudonymization salt: give --salt_file, --salt_secret_id or the PSEUDONYMIZATION_SALT "
            "environment variable. The pipeline never writes unpseudonymized output."
        )
    if config.salt.salt_file and not FileSystems.exists(config.salt.salt_file):
        raise ConfigurationError(f"the salt file {config.salt.salt_file} does not exist")
    if not config.salt.secret_id:  # a check only (an empty file, say); the workers read the salt themselves
        try:
            config.salt.read()
        except SaltUnavailable as exc:
            raise ConfigurationError(str(exc)) from None
    if config.recovery.key_file and not FileSystems.exists(config.recovery.key_file):
        raise ConfigurationError(f"the recovery key file {config.recovery.key_file} does not exist")
    try:
        policy = config.policy()
        config.enrichments()
    except (ValueError, OSError) as exc:
        raise ConfigurationError(str(exc)) from None
    hidden = [name for name in LAYOUT_FIELDS if name not in policy.atomic_allowlist]
    if hidden:
        raise ConfigurationError(
            f"the pseudonymization policy must keep {', '.join(hidden)} in clear (atomic_allowlist): the lake is "
            "partitioned by it, and a pseudonymized timestamp is removed from the event")


def build(pipeline: beam.Pipeline, options: SnowplowOptions, config: PipelineConfig, run_id: str) -> dict:
    """Wire the graph; returns the pseudonymized ``good`` and ``bad`` PCollections and the written files."""
    bad_streams = []
    good = None
    if options.input:
        decoded = pipeline | "ReadRaw" >> ReadLines(options.input) | "Decode" >> Decode()
        enriched = decoded[MAIN] | "Enrich" >> Enrich(config)
        validated = enriched[MAIN] | "Validate" >> Validate(config)
        good = validated[MAIN] | "Pseudonymize" >> Pseudonymize(config)
        bad_streams += [decoded[BAD], enriched[BAD], validated[BAD]]
    if options.raw_bad_input:
        bad_streams.append(pipeline | "ReadCollectorBad" >> ReadCollectorBadRows(options.raw_bad_input))
    bad = (bad_streams
           | "CollectBadRows" >> beam.Flatten()
           | "PseudonymizeBadRows" >> Pseudonymize(config, bad_rows=True))
    files = [bad | "WriteBadRows" >> WriteBadRows(options.output, run_id)]
    if good is not None:
        files.append(good | "WriteGood" >> WriteGoodEvents(
            options.output, run_id, options.good_format, options.good_shards))
    return {"good": good, "bad": bad, "files": files}


@dataclass
class RunSummary:
    """The counters of a finished run, and whether they prove that no record was lost; and its
    distributions (``name -> (count, sum, min, max)``: ``enrich_micros``, ``e2e_latency_ms``...).

    ``input_bytes``: what the run's input files held (counters of zero records for input that held
    bytes prove nothing: a runner that reports no metrics); ``damaged_files``: the input files that
    could not be read to their end (their readable lines were processed, the rest is a raw-bad row).
    """

    counters: dict[str, int] = field(default_factory=dict)
    distributions: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    input_bytes: int = 0
    damaged_files: tuple[str, ...] = ()

    def get(self, name: str) -> int:
        return self.counters.get(name, 0)

    def mean(self, name: str) -> float | None:
        count, total, _, _ = self.distributions.get(name, (0, 0, 0, 0))
        return total / count if count else None

    @property
    def records_counted(self) -> bool:
        """Input that held bytes was counted as records (or as the collector's bad rows)."""
        return not self.input_bytes or self.get("raw_records") + self.get("collector_bad_rows") > 0

    @property
    def records_accounted(self) -> bool:
        """Every raw record was unreadable (raw-bad), rejected whole (one bad row) or adapted into events."""
        return self.records_counted and self.get("raw_records") == (
            self.get("records_unreadable") + self.get("records_rejected") + self.get("records_adapted"))

    @property
    def outputs_accounted(self) -> bool:
        """Every event is good or one bad row; every unreadable or rejected record, one bad row."""
        inputs = (self.get("events") + self.get("records_rejected") + self.get("records_unreadable")
                  + self.get("collector_bad_rows"))
        return inputs == self.get("good") + self.get("enriched_bad") + self.get("raw_bad")

    @property
    def ok(self) -> bool:
        """The run may exit 0: everything accounted for, and every input file read to its end."""
        return self.records_accounted and self.outputs_accounted and not self.damaged_files

    def report(self) -> str:
        lines = [f"{name:>45}: {value:,}" for name, value in sorted(self.counters.items())]
        for name, (count, total, low, high) in sorted(self.distributions.items()):
            if count:
                lines.append(f"{name:>45}: min {low:,} / mean {total / count:,.1f} / max {high:,} ({count:,} samples)")
        for path in self.damaged_files:
            lines.append(f"{'DAMAGED input file (see its raw_bad row)':>45}: {path}")
        if not self.records_counted:
            verdict = f"FAILED (no record counted from {self.input_bytes:,} bytes of input: the runner reported no metrics?)"
        else:
            verdict = "OK" if self.records_accounted and self.outputs_accounted else "MISMATCH"
        lines.append(f"{'accounting (every record in exactly one place)':>45}: {verdict}")
        return "\n".join(lines)


def summarize(result, input_bytes: int = 0) -> RunSummary:
    query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    counters: dict[str, int] = {}
    for counter in query["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] = counters.get(counter.key.metric.name, 0) + (value or 0)
    distributions: dict[str, tuple[int, int, int, int]] = {}
    for distribution in query.get("distributions", ()):
        data = distribution.committed if distribution.committed is not None else distribution.attempted
        if data is None or not data.count:
            continue
        name = distribution.key.metric.name
        count, total, low, high = distributions.get(name, (0, 0, data.min, data.max))
        distributions[name] = (count + data.count, total + data.sum, min(low, data.min), max(high, data.max))
    damaged = result.metrics().query(MetricsFilter().with_namespace(DAMAGED_FILES_NAMESPACE))["counters"]
    damaged_files = tuple(sorted({counter.key.metric.name for counter in damaged}))
    return RunSummary(counters, distributions, input_bytes, damaged_files)


def run(argv: list[str] | None = None) -> RunSummary:
    """Run a batch pipeline to completion and return its counters."""
    options = PipelineOptions(local_args(sys.argv[1:] if argv is None else argv))
    kinesis = options.view_as(KinesisOptions)
    if kinesis.kinesis_stream or kinesis.raw_bad_stream:  # streaming from Kinesis: beam_pipeline/STREAMING.md
        from snowplow_beam.beam_pipeline.streaming import run_streaming

        return run_streaming(options)
    snowplow = options.view_as(SnowplowOptions)
    config = config_from_options(snowplow)
    check_startup(snowplow, config)
    files = input_files(snowplow.input, snowplow.raw_bad_input)
    run_id = input_fingerprint(files)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, snowplow, config, run_id)
    progress = reset_meter("raw records")  # progress lines of the Decode step (in-process runners print them here)
    result = pipeline.run()
    result.wait_until_finish()
    progress.finish()
    _remove_temporary(snowplow.output, run_id)
    return summarize(result, sum(f.size_in_bytes for f in files))


def _remove_temporary(root: str, run_id: str) -> None:
    path = f"{root.rstrip('/')}/{TEMPORARY}/{run_id}"
    try:
        if FileSystems.exists(path):
            FileSystems.delete([path])
    except OSError as exc:  # leftovers are harmless: the stage never reads _temporary/
        _LOG.warning("could not remove %s: %s", path, exc)
