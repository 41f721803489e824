"""``snowplow-recover`` / ``python -m snowplow_beam.beam_pipeline.recover``: turn bad rows that now pass into good events.

    snowplow-recover --lake ROOT --from 2025-11-28T09 --to 2025-11-28T12 \\
        --salt_file /run/secrets/salt --recovery_key_file /run/secrets/recovery.keys [--report failing.json]

The bad rows of the hourly partitions in ``[from, to)`` (``enriched_bad/`` and ``raw_bad/``) that carry a
recovery copy (:mod:`transforms.recovery`) are opened with the recovery key, their raw records (each one
once, however many bad rows it made) run through the current Decode -> Enrich -> Validate -> Pseudonymize,
and the events that pass are written to ``ROOT/good/<collector hour>/part-recovered-<digest>-000.parquet``:

- the same raw record gives the same ``event_id`` (sent by the tracker, or derived from the record) and
  the same ``collector_tstamp``, hence the same partition;
- events whose ``event_id`` is already in their good partition (a POST whose other events were good, an
  earlier recovery) are skipped, and the file name is a digest of the partition and the recovered event
  ids, so running recover twice writes nothing new the second time (and two identical runs write one file);
- rows that still fail are counted by type and, with ``--report FILE``, written there (pseudonymized,
  JSON lines); the original bad rows stay where they are: nothing is deleted.

Use the salt, policy, enrichments and Iglu resolver of the pipeline (same options), so that pseudonyms
match. See ``beam_pipeline/RECOVERY.md``.
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

import apache_beam as beam
import orjson
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pvalue import TaggedOutput

from snowplow_beam.beam_pipeline.options import SnowplowOptions
from snowplow_beam.beam_pipeline.launcher import ConfigurationError, config_from_options
from snowplow_beam.beam_pipeline.summary import RunSummary, summarize
from snowplow_beam.beam_pipeline.writers import GOOD_FORMATS, existing_event_ids, finished_files, write_file
from snowplow_beam.lake.layout import (BAD_OUTPUTS, GOOD, partition_dir, partition_path, partitions_between,
                                       recovered_file_name, temporary_dir)
from snowplow_beam.runners import prepare_runner
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.progress import process_meter, reset_meter
from snowplow_beam.transforms.recovery import RECOVERY_FIELD, EnvelopeError, UnknownKey, generate_key
from snowplow_beam.transforms.secrets import SecretUnavailable
from snowplow_beam.beam_pipeline.steps import BAD, MAIN, NAMESPACE, Decode, Enrich, Pseudonymize, Validate

_LOG = logging.getLogger(__name__)
FAILING = "failing"
_PROGRESS_BATCH = 256
_PROGRESS_WHAT = "bad rows read"


# ---- plain logic -----------------------------------------------------------------------------------

def parse_time(text: str) -> datetime:
    """An ISO 8601 time (``2025-11-28``, ``2025-11-28T09``, ``2025-11-28T09:30:00Z``, an offset); naive is UTC."""
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if len(value) == 13 and value[10] in "T ":  # 2025-11-28T09: Python wants minutes
        value += ":00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"not an ISO 8601 time: {text!r} (e.g. 2025-11-28T09:00Z)") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def bad_row_event_id(row: dict) -> str | None:
    """The ``event_id`` of an event-level bad row (schema violations, enrichment failures), else None."""
    try:
        event_id = row["data"]["payload"]["enriched"]["event_id"]
    except (KeyError, TypeError):
        return None
    return event_id if isinstance(event_id, str) and event_id else None


def bad_row_type(row) -> str:
    try:
        return str(row["schema"]).split("/")[1]
    except (KeyError, TypeError, IndexError):
        return "unknown"


def failing_schema_keys(row: dict) -> list[str]:
    """The Iglu schemas a still-failing row names in its messages (what to fix next), as they are in clear."""
    keys = []
    try:
        messages = row["data"]["failure"].get("messages") or []
    except (KeyError, TypeError, AttributeError):
        return keys
    for message in messages:
        key = message.get("schemaKey") if isinstance(message, dict) else None
        if isinstance(key, str) and key.startswith("iglu:") and len(key) < 256 and key not in keys:
            keys.append(key)
    return keys


# ---- the pipeline ----------------------------------------------------------------------------------

class _OpenFn(beam.DoFn):
    """``(file, bad-row line)`` -> ``(digest of the raw record, raw record)``; what cannot be opened is counted."""

    def __init__(self, config: PipelineConfig):
        self._config = config
        self._read = Metrics.counter(NAMESPACE, "bad_rows_read")
        self._opened = Metrics.counter(NAMESPACE, "bad_rows_opened")
        self._without_copy = Metrics.counter(NAMESPACE, "bad_rows_without_copy")
        self._unopenable = Metrics.counter(NAMESPACE, "bad_rows_unopenable")
        self._unreadable = Metrics.counter(NAMESPACE, "bad_rows_unreadable")
        self._seen = self._reported = 0
        self._progress = None

    def setup(self):
        self._keyring = self._config.recovery_keyring()
        if self._keyring is None:
            raise RuntimeError(f"no recovery key in the {self._config.recovery.describe()}")
        self._progress = process_meter(_PROGRESS_WHAT)

    def finish_bundle(self):
        if self._progress is not None and self._seen > self._reported:
            self._progress.add(self._seen - self._reported)
            self._reported = self._seen

    def process(self, element):
        _, line = element
        self._read.inc()
        self._seen += 1
        if not self._seen % _PROGRESS_BATCH and self._progress is not None:
            self._progress.add(self._seen - self._reported)
            self._reported = self._seen
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            self._unreadable.inc()
            return
        envelope = row.get(RECOVERY_FIELD) if isinstance(row, dict) else None
        if envelope is None:
            self._without_copy.inc()
            Metrics.counter(NAMESPACE, f"without_copy_{bad_row_type(row)}").inc()
            return
        try:
            original = self._keyring.open(envelope)
        except UnknownKey as exc:
            key = exc.key_id if len(exc.key_id) <= 16 and exc.key_id.isalnum() else "malformed"
            Metrics.counter(NAMESPACE, f"bad_rows_unknown_key_{key}").inc()
            return
        except EnvelopeError:
            self._unopenable.inc()
            return
        self._opened.inc()
        record = original.record
        data = record.encode("utf-8", "surrogatepass") if isinstance(record, str) else record
        yield hashlib.sha256(data).hexdigest(), record


def _first(item):
    _, records = item
    for record in records:
        return record


class _ResolvePartitionFn(beam.DoFn):
    """One good partition: drop events already there (exactly once), write the rest in one file; sort the
    still-failing rows from those whose event is good anyway."""

    def __init__(self, root: str, good_format: str, run_id: str, dry_run: bool):
        self._root = root.rstrip("/")
        self._format = GOOD_FORMATS[good_format]
        self._run_id = run_id
        self._dry_run = dry_run
        self._recovered = Metrics.counter(NAMESPACE, "recovered")
        self._present = Metrics.counter(NAMESPACE, "recovered_already_present")
        self._duplicates = Metrics.counter(NAMESPACE, "recovered_duplicates")
        self._failing = Metrics.counter(NAMESPACE, "still_failing")
        self._failing_but_good = Metrics.counter(NAMESPACE, "failing_already_good")
        self._files = Metrics.counter(NAMESPACE, "recovered_files")

    def process(self, element):
        partition, values = element
        good: dict[str, bytes] = {}
        failing: list[tuple[str | None, bytes]] = []
        for kind, event_id, payload in values:
            if kind == GOOD:
                if event_id in good:
                    self._duplicates.inc()
                else:
                    good[event_id] = payload
            else:
                failing.append((event_id, payload))
        wanted = set(good) | {event_id for event_id, _ in failing if event_id}
        present = existing_event_ids(self._root, partition, wanted) if partition else set()
        new = sorted(event_id for event_id in good if event_id not in present)
        self._present.inc(len(good) - len(new))
        self._recovered.inc(len(new))
        if new:
            name = recovered_file_name(partition, new, self._format.suffix)
            final = f"{self._root}/{partition_dir(GOOD, partition)}/{name}"
            if not self._dry_run:
                write_file(self._root, self._run_id, final, self._format,
                           (orjson.loads(good[event_id]) for event_id in new))
                self._files.inc()
            yield final, len(new)
        for event_id, row in failing:
            if event_id and (event_id in present or event_id in good):
                self._failing_but_good.inc()
                continue
            self._failing.inc()
            parsed = orjson.loads(row)
            Metrics.counter(NAMESPACE, f"still_failing_{bad_row_type(parsed)}").inc()
            for key in failing_schema_keys(parsed):
                Metrics.counter(NAMESPACE, f"still_failing_schema {key}").inc()
            yield TaggedOutput(FAILING, row)


def _key_good(event: dict):
    return partition_path(event["collector_tstamp"]), (GOOD, event["event_id"], orjson.dumps(event))


def _key_failing(bad):
    event_id = bad_row_event_id(bad.row)
    # Event-level rows are checked against their event's good partition; others need no look-up.
    partition = partition_path(bad.partition_ms) if event_id else ""
    return partition, (FAILING, event_id, orjson.dumps(bad.row))


def build_recovery(pipeline: beam.Pipeline, files: list[str], config: PipelineConfig, root: str,
                   good_format: str, run_id: str, dry_run: bool = False, report: str | None = None) -> dict:
    """Wire the recovery graph over the bad-row ``files``; returns the written files and the failing rows."""
    records = (pipeline
               | "BadRowFiles" >> beam.Create(sorted(files))
               | "ReadBadRows" >> beam.io.ReadAllFromText(with_filename=True)
               | "Open" >> beam.ParDo(_OpenFn(config))
               | "OneCopyPerRecord" >> beam.GroupByKey()
               | "First" >> beam.Map(_first))
    lines, thrift = records | "ByFormat" >> beam.Partition(lambda record, _: 0 if isinstance(record, str) else 1, 2)
    decoded_lines = lines | "DecodeLines" >> Decode(base64_lines=True, progress=None)
    decoded_thrift = thrift | "DecodeThrift" >> Decode(base64_lines=False, progress=None)
    decoded = (decoded_lines[MAIN], decoded_thrift[MAIN]) | "Decoded" >> beam.Flatten()
    enriched = decoded | "Enrich" >> Enrich(config)
    validated = enriched[MAIN] | "Validate" >> Validate(config)
    good = validated[MAIN] | "Pseudonymize" >> Pseudonymize(config)
    bad = ((decoded_lines[BAD], decoded_thrift[BAD], enriched[BAD], validated[BAD])
           | "CollectBadRows" >> beam.Flatten()
           | "PseudonymizeBadRows" >> Pseudonymize(config, bad_rows=True))
    resolved = ((good | "KeyGood" >> beam.Map(_key_good), bad | "KeyFailing" >> beam.Map(_key_failing))
                | "Together" >> beam.Flatten()
                | "ByPartition" >> beam.GroupByKey()
                | "Resolve" >> beam.ParDo(_ResolvePartitionFn(root, good_format, run_id, dry_run))
                .with_outputs(FAILING, main=MAIN))
    if report:
        (resolved[FAILING]
         | "ReportLines" >> beam.Map(lambda row: row.decode("utf-8"))
         | "WriteReport" >> beam.io.WriteToText(report, num_shards=1, shard_name_template=""))
    return {"files": resolved[MAIN], "failing": resolved[FAILING]}


# ---- the run ---------------------------------------------------------------------------------------

@dataclass
class RecoverSummary:
    """What a recovery did, from its counters (those of the pipeline's steps included)."""

    run: RunSummary
    partitions: int = 0
    dry_run: bool = False

    def get(self, name: str) -> int:
        return self.run.get(name)

    @property
    def unknown_keys(self) -> dict[str, int]:
        prefix = "bad_rows_unknown_key_"
        return {name[len(prefix):]: value for name, value in self.run.counters.items() if name.startswith(prefix)}

    @property
    def rows_accounted(self) -> bool:
        """Every bad row read was opened, or had no copy, an unknown key, or could not be opened or parsed."""
        return self.get("bad_rows_read") == (
            self.get("bad_rows_opened") + self.get("bad_rows_without_copy") + sum(self.unknown_keys.values())
            + self.get("bad_rows_unopenable") + self.get("bad_rows_unreadable"))

    @property
    def events_accounted(self) -> bool:
        """Every re-processed event is recovered, already present, a duplicate, or still failing."""
        return (self.get("good") == self.get("recovered") + self.get("recovered_already_present")
                + self.get("recovered_duplicates")
                and self.get("enriched_bad") + self.get("raw_bad")
                == self.get("still_failing") + self.get("failing_already_good"))

    @property
    def accounted(self) -> bool:
        return (self.rows_accounted and self.events_accounted
                and self.run.records_accounted and self.run.outputs_accounted)

    def report(self) -> str:
        lines = [self.run.report().rsplit("\n", 1)[0]]
        verdict = "OK" if self.accounted else "MISMATCH"
        lines.append(f"{'accounting (every bad row and event in one place)':>45}: {verdict}")
        lines.append("")
        lines.append(f"read {self.get('bad_rows_read'):,} bad rows in {self.partitions:,} partitions; "
                     f"{self.get('bad_rows_opened'):,} opened ({self.get('raw_records'):,} distinct raw records)")
        if self.dry_run:
            lines.append(f"dry run: {self.get('recovered'):,} events would be recovered; "
                         f"{self.get('recovered_already_present'):,} are already in the lake")
        else:
            lines.append(f"recovered {self.get('recovered'):,} events into {self.get('recovered_files'):,} files; "
                         f"{self.get('recovered_already_present'):,} were already in the lake")
        if self.get("still_failing"):
            lines.append(f"{self.get('still_failing'):,} rows still fail (still_failing_* above; they stay in "
                         "the lake)")
        if self.get("bad_rows_without_copy"):
            lines.append(f"{self.get('bad_rows_without_copy'):,} bad rows carry no recovery copy (written without a "
                         "recovery key, or not made from a raw record): they cannot be recovered")
        for key, count in sorted(self.unknown_keys.items()):
            lines.append(f"{count:,} bad rows were sealed with key {key}, which the keyring does not hold")
        if self.get("bad_rows_unopenable"):
            lines.append(f"{self.get('bad_rows_unopenable'):,} recovery copies could not be opened (malformed or "
                         "tampered with)")
        return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-recover", description=__doc__.split("\n\n")[0],
        epilog="Pipeline options (--salt_file, --recovery_key_file, --pseudonymization_config, --iglu_resolver, "
               "--enrichments, --good_format, Beam options) are those of snowplow-pipeline.")
    parser.add_argument("--lake", help="the lake's ROOT (local or s3://)")
    parser.add_argument("--from", dest="start", help="start of the range (ISO 8601, UTC when naive), inclusive")
    parser.add_argument("--to", dest="end", help="end of the range, exclusive; hours that overlap are read whole")
    parser.add_argument("--report", help="write the rows that still fail here (JSON lines, pseudonymized)")
    parser.add_argument("--dry_run", "--dry-run", action="store_true",
                        help="re-process and count, but write nothing")
    parser.add_argument("--generate_key", "--generate-key", action="store_true",
                        help="print a new recovery key (a line for the key file) and exit")
    return parser


def recover(argv: list[str] | None = None, out=None) -> RecoverSummary:
    """Run a recovery to completion; ``argv`` as on the command line."""
    out = out or sys.stderr
    args, rest = _parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    if not args.lake or not args.start or not args.end:
        raise ConfigurationError("--lake, --from and --to are required")
    start, end = parse_time(args.start), parse_time(args.end)
    if end <= start:
        raise ConfigurationError("--to must be after --from")
    options = prepare_runner(PipelineOptions(rest), unbounded=False)
    snowplow = options.view_as(SnowplowOptions)
    config = config_from_options(snowplow)
    if not config.recovery.configured():
        raise ConfigurationError("no recovery key: give --recovery_key_file, --recovery_key_secret_id or "
                                 "RECOVERY_KEY. Without it the bad rows' copies cannot be opened (see "
                                 "beam_pipeline/RECOVERY.md for what can be done without one)")
    try:
        config.check_secrets()
    except SecretUnavailable as exc:
        raise ConfigurationError(str(exc)) from None
    try:
        config.policy()
        config.enrichments()
    except (ValueError, OSError) as exc:
        raise ConfigurationError(str(exc)) from None

    root = args.lake.rstrip("/")
    partitions = partitions_between(start, end)
    files = finished_files(root, BAD_OUTPUTS, partitions)
    total = sum(size for _, size in files)
    print(f"snowplow-recover: {len(files):,} bad-row files ({total / 1e6:,.1f} MB) in {len(partitions):,} hourly "
          f"partitions from {start:%Y-%m-%dT%H:%M}Z to {end:%Y-%m-%dT%H:%M}Z", file=out)
    if not files:
        return RecoverSummary(RunSummary(), len(partitions), args.dry_run)
    run_id = "recover-" + hashlib.sha256("\n".join(f"{p}\t{s}" for p, s in files).encode()).hexdigest()[:16]
    pipeline = beam.Pipeline(options=options)
    build_recovery(pipeline, [path for path, _ in files], config, root, snowplow.good_format, run_id,
                   dry_run=args.dry_run, report=args.report)
    progress = reset_meter(_PROGRESS_WHAT)
    result = pipeline.run()
    result.wait_until_finish()
    progress.finish()
    _remove(temporary_dir(root, run_id))
    return RecoverSummary(summarize(result), len(partitions), args.dry_run)


def _remove(path: str) -> None:
    try:
        if FileSystems.exists(path):
            FileSystems.delete([path])
    except OSError as exc:
        _LOG.warning("could not remove %s: %s", path, exc)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    args, _ = _parser().parse_known_args(argv)
    if args.generate_key:
        print(generate_key())
        return 0
    try:
        summary = recover(argv)
    except ConfigurationError as exc:
        print(f"snowplow-recover: {exc}", file=sys.stderr)
        return 2
    print(summary.report())
    return 0 if summary.accounted else 1


if __name__ == "__main__":
    sys.exit(main())
