"""The recovery graph: bad-row files -> open the sealed copies -> the pipeline's steps -> one good file per partition.

Each raw record is re-processed once however many bad rows it made (grouped by its digest), through the same
:class:`~snowplow_beam.beam_pipeline.steps.ProcessRecords` as the pipeline; the results are grouped by collector
hour, so that events already in their good partition are dropped (exactly once) and the rest written in one file
named by what it holds (``lake.layout.recovered_file_name``).
"""
from __future__ import annotations

import hashlib

import apache_beam as beam
import orjson
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from snowplow_beam.beam_pipeline.steps import BAD, GOOD, LINES, THRIFT, BatchRecords, ProcessRecords
from snowplow_beam.beam_pipeline.summary import NAMESPACE
from snowplow_beam.beam_pipeline.writers import GOOD_FORMATS, existing_event_ids, write_file
from snowplow_beam.lake import layout
from snowplow_beam.lake.layout import partition_dir, recovered_file_name
from snowplow_beam.transforms.badrows import bad_row_type
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.processor import BadPiece, GoodPiece
from snowplow_beam.transforms.progress import BatchedCount, process_meter
from snowplow_beam.transforms.recovery import RECOVERY_FIELD, EnvelopeError, UnknownKey

FAILING = "failing"
RECOVERED = "recovered"
PROGRESS_WHAT = "bad rows read"  # what recover's progress lines call what they count
_PROGRESS_BATCH = 256


def bad_row_event_id(row: dict) -> str | None:
    """The ``event_id`` of an event-level bad row (schema violations, enrichment failures), else None."""
    try:
        event_id = row["data"]["payload"]["enriched"]["event_id"]
    except (KeyError, TypeError):
        return None
    return event_id if isinstance(event_id, str) and event_id else None


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


class _OpenFn(beam.DoFn):
    """``(file, bad-row line)`` -> ``(digest of the raw record, raw record)``; what cannot be opened is counted."""

    def __init__(self, config: PipelineConfig):
        self._config = config
        self._read = Metrics.counter(NAMESPACE, "bad_rows_read")
        self._opened = Metrics.counter(NAMESPACE, "bad_rows_opened")
        self._without_copy = Metrics.counter(NAMESPACE, "bad_rows_without_copy")
        self._unopenable = Metrics.counter(NAMESPACE, "bad_rows_unopenable")
        self._unreadable = Metrics.counter(NAMESPACE, "bad_rows_unreadable")
        self._progress = BatchedCount(None, _PROGRESS_BATCH)

    def setup(self):
        self._keyring = self._config.recovery_keyring()
        if self._keyring is None:
            raise RuntimeError(f"no recovery key in the {self._config.recovery.describe()}")
        self._progress = BatchedCount(process_meter(PROGRESS_WHAT), _PROGRESS_BATCH)

    def finish_bundle(self):
        self._progress.flush()

    def process(self, element):
        _, line = element
        self._read.inc()
        self._progress.one()
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
        good: dict[str, tuple[int, int]] = {}  # event id -> (piece, row) of its first copy
        datas: list[bytes] = []
        failing: list[tuple[str | None, bytes]] = []
        for kind, event_id, payload in values:
            if kind == GOOD:
                for row, good_id in enumerate(self._format.event_ids(payload)):
                    if good_id in good:
                        self._duplicates.inc()
                    else:
                        good[good_id] = (len(datas), row)
                datas.append(payload)
            else:
                failing.append((event_id, payload))
        wanted = set(good) | {event_id for event_id, _ in failing if event_id}
        present = existing_event_ids(self._root, partition, wanted) if partition else set()
        new = sorted(event_id for event_id in good if event_id not in present)
        self._present.inc(len(good) - len(new))
        self._recovered.inc(len(new))
        if new:
            name = recovered_file_name(partition, new, self._format.suffix)
            final = f"{self._root}/{partition_dir(layout.GOOD, partition)}/{name}"
            if not self._dry_run:
                data = self._format.take(datas, [good[event_id] for event_id in new])
                write_file(self._root, self._run_id, final, self._format, [GoodPiece(partition, 0, data, len(new), ())])
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


def _key_good(piece: GoodPiece):
    return piece.partition, (GOOD, None, piece.data)


def _key_failing(piece: BadPiece):
    for line in piece.data.splitlines():
        event_id = bad_row_event_id(orjson.loads(line))
        # Event-level rows are checked against their event's good partition; others need no look-up.
        yield (piece.partition if event_id else ""), (FAILING, event_id, line)


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
    batches = {LINES: lines | "BatchLines" >> BatchRecords(), THRIFT: thrift | "BatchThrift" >> BatchRecords()}
    processed = batches | "Process" >> ProcessRecords(config, good_format, progress=None)
    good, bad = processed[GOOD], processed[BAD]
    resolved = ((good | "KeyGood" >> beam.Map(_key_good), bad | "KeyFailing" >> beam.FlatMap(_key_failing))
                | "Together" >> beam.Flatten()
                | "ByPartition" >> beam.GroupByKey()
                | "Resolve" >> beam.ParDo(_ResolvePartitionFn(root, good_format, run_id, dry_run))
                .with_outputs(FAILING, main=RECOVERED))
    if report:
        (resolved[FAILING]
         | "ReportLines" >> beam.Map(lambda row: row.decode("utf-8"))
         | "WriteReport" >> beam.io.WriteToText(report, num_shards=1, shard_name_template=""))
    return {"files": resolved[RECOVERED], "failing": resolved[FAILING]}
