"""The record processor: a batch of raw records in, the batch's good events and bad rows out, ready to write.

Beam-free, so that batch, streaming and recover run the same code behind one DoFn, and so that tests and
benchmarks call it directly. One record's path, in :meth:`RecordProcessor.enriched`:

1. decode: a base64 line (files) or raw Thrift bytes (Kinesis) -> a CollectorPayload, else a
   ``collector_payload_format_violation`` (raw bad);
2. adapt: the payload's request path chooses the adapter -> its raw events, else ``adapter_failures`` or
   ``tracker_protocol_violations``;
3. map: each raw event -> its fields and the built-in enrichments, else ``schema_violations`` or
   ``enrichment_failures`` (steps 1 to 3 in the native core, one call per batch:
   :meth:`~transforms.adapters.AdapterRegistry.adapt_records`);
4. enrich: the configured enrichments and the field lengths (:meth:`~transforms.enrich.EventEnricher.finish_batch`,
   once over the events of the batch that the native call left open),
   else ``enrichment_failures`` or ``schema_violations``;
5. validate: the event's self-describing JSON against Iglu, else ``schema_violations``.

Then :meth:`RecordProcessor.process` pseudonymizes and serializes once, at the edge: the good events of each
(hour partition, shard) as one :class:`GoodPiece` (an Arrow IPC stream for Parquet, lines for TSV), the bad rows
of each (output, partition) as one :class:`BadPiece` of JSON lines, each bad row pseudonymized and carrying its raw
record sealed with the recovery key (when one is set). The counters of the batch come back with it.

A failure that is not the record's fault (an unreachable Iglu registry, :class:`IgluSystemError`) is raised, so
that the runner retries the batch; any other unexpected error becomes that record's ``generic_error`` row.
"""
from __future__ import annotations

import base64
import contextlib
import gc
import logging
import sys
import time
import traceback
import zlib
from collections import Counter, defaultdict
from typing import NamedTuple, Sequence

import orjson
import pyarrow as pa

from snowplow_beam.lake import layout
from snowplow_beam.transforms import badrows, native
from snowplow_beam.transforms.adapters import AdapterRegistry, RawEvent, Source, rejection
from snowplow_beam.transforms.badrows import BadRow, Unreadable
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.enrich import V_ETL, EnrichmentError, EventEnricher
from snowplow_beam.transforms.iglu.errors import IgluSystemError
from snowplow_beam.transforms.recovery import RECOVERY_FIELD, Original
from snowplow_beam.transforms.thrift_model import PayloadProblem, encode_payload, line_bytes
from snowplow_beam.transforms.timestamps import now_ms

PARQUET, TSV = "parquet", "tsv"
GOOD_FORMATS = (PARQUET, TSV)
MAX_ERROR_LENGTH = 512
_LOG = logging.getLogger(__name__)


class GoodPiece(NamedTuple):
    """The good events of one batch that go to one file: ``(partition, shard)``; ``data`` as the format writes it
    (Parquet: an Arrow IPC stream of one table; TSV: canonical lines); ``stamps``: their collector timestamps."""

    partition: str
    shard: int
    data: bytes
    rows: int
    stamps: tuple[int, ...]


class BadPiece(NamedTuple):
    """The bad rows of one batch that go to ``<output>/<partition>``, as JSON lines."""

    output: str
    partition: str
    data: bytes
    rows: int


class BatchResult(NamedTuple):
    good: list[GoodPiece]
    bad: list[BadPiece]
    counters: Counter
    enrich_micros: list[int]  # the batch's decode-to-validated time per event (one value per batch with events)
    stage_ns: Counter  # nanoseconds per stage (see :meth:`RecordProcessor.process`), for the benchmark


def _elapsed_ns(started: int) -> int:
    return time.perf_counter_ns() - started


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused for one batch. A batch makes many containers (events, bad rows,
    their JSON) that reference counting frees; with thousands of them alive, every automatic collection walks them
    all, so a record of 20,000 bad events took 5 s, most of it in the collector. Cycles made meanwhile are collected
    once it runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep_original(bad: BadRow, record) -> BadRow:
    """``bad`` with the raw record it came from attached, for the pseudonymizer to seal (or drop)."""
    return bad._replace(original=Original(record))


def _internal_error(payload) -> BadRow:
    """A ``generic_error`` bad row for an unexpected exception, holding the whole record.

    The error names the exception type and where it was raised, never its message: messages can quote event
    data, and bad rows and logs must not hold it in clear."""
    exc_type, _, tb = sys.exc_info()
    frames = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)[-5:]]
    error = f"{exc_type.__name__} at " + " <- ".join(reversed(frames))
    _LOG.error("unexpected error while enriching a record, kept as a generic_error bad row: %s", error)
    return badrows.generic_error(
        base64.b64encode(encode_payload(payload)).decode("ascii"), [error[:MAX_ERROR_LENGTH]], payload.timestamp
    )


def arrow_table(data: bytes) -> pa.Table:
    """The table of a Parquet piece's data."""
    return pa.ipc.open_stream(data).read_all()


def _record_text(record, base64_lines: bool):
    """A record as its bad rows keep it: a line read as bytes as text, one character per byte (any line, exactly;
    base64 is ASCII); Thrift bytes as they are."""
    return record.decode("latin-1") if base64_lines and type(record) is bytes else record


def _format_violation(record, problem) -> BadRow:
    """A record the decoder refused (``record``: the line as text, or Thrift bytes); a failure of the decoder
    itself, never the record's fault, is a ``generic_error``."""
    text = record if isinstance(record, str) else base64.b64encode(record).decode("ascii")
    if problem.internal:
        _LOG.error("internal error in the native decoder, kept as a generic_error bad row")
        return badrows.generic_error(text, [problem.message], now_ms())
    if problem.field is None:
        message = {"error": problem.message[:MAX_ERROR_LENGTH]}
    else:
        message = {"payloadField": problem.field, "value": problem.value, "expectation": problem.message}
    return badrows.format_violation(text, message)


# Pieces wait in the runner (a batch run's FnApiRunner holds every piece until the writers group them): their
# buffers are compressed, about 7x for the sample mix (2.8 KB -> 0.4 KB per event) for ~4 µs per event.
_PIECE_OPTIONS = pa.ipc.IpcWriteOptions(compression=pa.Codec("zstd", compression_level=1))


def arrow_ipc(table: pa.Table) -> bytes:
    """A table as a Parquet piece carries it: an Arrow IPC stream, buffers compressed (read back by
    :func:`arrow_table`)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_PIECE_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


class RecordProcessor:
    """Processes batches of raw records with the resources of one worker (built once: adapters, enrichments
    and their assets, the Iglu validator, the pseudonymizer).

    ``good_format``: ``parquet`` or ``tsv``; ``shards``: files per hour partition (events spread by event id).
    """

    def __init__(self, config: PipelineConfig, good_format: str = PARQUET, shards: int = 1):
        if good_format not in GOOD_FORMATS:
            raise ValueError(f"good_format must be one of {', '.join(GOOD_FORMATS)}, not {good_format!r}")
        self._good_format = good_format
        self._shards = max(1, shards)
        self._validator = config.event_validator()
        self._adapters = AdapterRegistry(self._validator.payload_data)
        self._enricher = EventEnricher(config.enrichments())
        self._config = config
        self._pseudonymizer = None  # built on first use: enriched() needs no salt

    # ---- one batch ---------------------------------------------------------------------------------------------

    def process(self, records: Sequence, base64_lines: bool = True) -> BatchResult:
        """Raw records (base64 lines as bytes, :class:`Unreadable` where a file could not be read; or raw Thrift
        bytes with ``base64_lines=False``) -> their good events and bad rows, pseudonymized and serialized.

        Its ``stage_ns``: the native call's stages (``decode``, ``adapt``, ``map``, ``enrich``, ``validate``: see
        ``GoodBatch.stage_ns``), ``results`` (the rest of the batch's path: the events and bad rows that leave the
        native call as Python objects, Python enrichments and validation), ``pseudonymize`` (the good events'
        columns or lines), ``serialize`` (their Arrow IPC stream) and ``bad_rows`` (pseudonymized, as JSON lines)."""
        with _collector_paused():
            return self._processed(records, base64_lines)

    def _processed(self, records: Sequence, base64_lines: bool) -> BatchResult:
        """:meth:`process` itself: its events and bad rows are freed when it returns, before the collector runs
        again (else its next collection walks them all)."""
        counters: Counter = Counter()
        stages: Counter = Counter()
        micros: list[int] = []
        started = time.perf_counter_ns()
        native_good, events, bad = self._run(records, base64_lines, counters, micros,
                                             keep_good=self._enricher.all_native)
        stages.update(dict(native_good.stage_ns()))
        stages["results"] = _elapsed_ns(started) - sum(stages.values())
        good = self._good_pieces(native_good, events, counters, stages)
        started = time.perf_counter_ns()
        bad_pieces = self._bad_pieces(bad, counters)
        stages["bad_rows"] = _elapsed_ns(started)
        return BatchResult(good, bad_pieces, counters, micros, stages)

    def process_bad_rows(self, lines: Sequence) -> BatchResult:
        """Lines of the collector's raw-bad output (files or stream; :class:`Unreadable` where a file could not be
        read) -> its bad rows, pseudonymized (what cannot be read as one is kept as a ``generic_error``)."""
        counters: Counter = Counter({"collector_bad_rows": len(lines)})
        with _collector_paused():
            rows = [badrows.parse_collector_bad_row(line) for line in lines]
            return BatchResult([], self._bad_pieces(rows, counters), counters, [], Counter())

    def enriched(self, records: Sequence, base64_lines: bool = True) -> tuple[list[dict], list[BadRow]]:
        """The valid enriched events of a batch (as dicts) and its bad rows, before pseudonymization (each bad row
        made from a raw record carries it as its ``original``): what tests and tools inspect."""
        with _collector_paused():
            _, events, bad = self._run(records, base64_lines, Counter(), [], keep_good=False)
        return events, bad

    def _run(self, records: Sequence, base64_lines: bool, counters: Counter, micros: list,
             keep_good: bool) -> tuple["native.GoodBatch", list[dict], list[BadRow]]:
        """The batch's good events (with ``keep_good``, those the native call finished stay in the native batch;
        the others, and all without it, as dicts), its bad rows, its counters and its time per event."""
        events: list[dict] = []
        bad: list[BadRow] = []
        counters["raw_records"] += len(records)
        open_events: list[tuple] = []  # (record, adapted, raw event, mapped event)
        readable = []
        for record in records:
            if isinstance(record, Unreadable):  # a line too long to read, or the damaged rest of a file
                counters["records_unreadable"] += 1
                bad.append(badrows.unreadable_record(record))
            else:
                readable.append(record)
        started, events_before = time.perf_counter_ns(), counters["events"]
        validator = self._validator.validator
        results, native_good = self._adapters.adapt_records(
            [line_bytes(record) for record in readable], base64_lines, self._enricher.clock(), V_ETL,
            self._enricher.chain, validator.store, validator.store_now_ms(), keep_good)
        for record, result in zip(readable, results):
            if type(result) is int:  # a record whose events all stayed native: how many
                counters["records_adapted"] += 1
                counters["events"] += result
            elif isinstance(result, PayloadProblem):
                counters["records_unreadable"] += 1
                record = _record_text(record, base64_lines)
                bad.append(keep_original(_format_violation(record, result), record))
            elif isinstance(result, native.Rejected):
                counters["records_rejected"] += 1
                if result.kind == "generic_error":
                    _LOG.error("internal error in the native adapters, kept as a generic_error bad row")
                bad.append(keep_original(rejection(result), _record_text(record, base64_lines)))
            else:
                counters["records_adapted"] += 1
                counters["events"] += result.good + len(result.events)
                if result.events:  # events the native call did not finish (invalid, failed, or left to Python)
                    record = _record_text(record, base64_lines)
                    source = Source.from_payload(result.payload, result.vendor, result.version)
                    open_events += [(record, result, RawEvent(mapped.parameters, source), mapped)
                                    for mapped in result.events]
        self._finish_events(open_events, events, bad)
        if counters["events"] > events_before:
            micros.append((time.perf_counter_ns() - started) // 1000 // (counters["events"] - events_before))
        return native_good, events, bad

    def _finish_events(self, open_events: list[tuple], events: list, bad: list) -> None:
        """The events the native call left open, finished as one batch (the enrichments written in Python run once
        over it) and validated. When the batch's finishing raises, each event is finished alone, so that only the
        events it fails on become ``generic_error`` rows."""
        if not open_events:
            return
        try:
            finished = self._enricher.finish_batch([(raw, mapped) for _, _, raw, mapped in open_events])
        except IgluSystemError:
            raise
        except Exception:  # a bug must not lose the batch: find the events it fails on
            finished = [self._finish_alone(adapted, raw, mapped) for _, adapted, raw, mapped in open_events]
        validate = self._validator.event
        for (record, _, raw, _), outcome in zip(open_events, finished):
            if isinstance(outcome, EnrichmentError):
                bad.append(keep_original(outcome.bad_row, record))
            else:
                event, validated = outcome
                messages = [] if validated else validate(event)
                if messages:
                    bad.append(keep_original(badrows.schema_violations(raw, event, messages), record))
                else:
                    events.append(event)

    def _finish_alone(self, adapted, raw: RawEvent, mapped):
        """One event finished on its own; when that raises, its record's ``generic_error`` row (as an
        :class:`EnrichmentError`)."""
        try:
            return self._enricher.finish_batch([(raw, mapped)])[0]
        except IgluSystemError:
            raise
        except Exception:
            return EnrichmentError(_internal_error(adapted.payload))

    # ---- the edge: pseudonymized and serialized once ------------------------------------------------------------

    def _pseudonymizing(self):
        if self._pseudonymizer is None:
            self._pseudonymizer = self._config.pseudonymizer()
        return self._pseudonymizer

    def _shard(self, event_id: str, pseudonymizer) -> int:
        return zlib.crc32(pseudonymizer.event_id_text(event_id).encode()) % self._shards if self._shards > 1 else 0

    def _good_pieces(self, native_good: "native.GoodBatch", events: list[dict], counters: Counter,
                     stages: Counter) -> list[GoodPiece]:
        """One piece per (partition, shard) of the batch's good events: those kept native and those finished in
        Python, written together."""
        counters["good"] += len(native_good) + len(events)
        pseudonymizer = self._pseudonymizing()
        partitions: dict[int, str] = {}  # hour -> its partition path

        def partition(stamp: int) -> str:
            hour = stamp // 3_600_000
            if hour not in partitions:
                partitions[hour] = layout.partition_path(stamp)
            return partitions[hour]

        natives: dict[tuple[str, int], list[int]] = defaultdict(list)
        stamps = native_good.stamps()
        ids = native_good.event_ids() if self._shards > 1 else ()
        for at, stamp in enumerate(stamps):
            natives[partition(stamp), self._shard(ids[at], pseudonymizer) if ids else 0].append(at)
        dicts: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for event in events:
            dicts[partition(event[layout.PARTITION_FIELD]), self._shard(event["event_id"], pseudonymizer)].append(event)
        pieces = []
        for key in {**natives, **dicts}:
            indices, group = natives.get(key, []), dicts.get(key, [])
            started = time.perf_counter_ns()
            if self._good_format == PARQUET:
                table, pseudonymized = pseudonymizer.good_table(group, native_good, indices)
                stages["pseudonymize"] += _elapsed_ns(started)
                started = time.perf_counter_ns()
                data = arrow_ipc(table)
                stages["serialize"] += _elapsed_ns(started)
            else:
                data, pseudonymized = pseudonymizer.good_tsv(group, native_good, indices)
                stages["pseudonymize"] += _elapsed_ns(started)
            counters["pseudonymized_values"] += pseudonymized
            piece_stamps = tuple(stamps[at] for at in indices) + tuple(event[layout.PARTITION_FIELD] for event in group)
            pieces.append(GoodPiece(key[0], key[1], data, len(indices) + len(group), piece_stamps))
        return pieces

    def _bad_pieces(self, rows: list[BadRow], counters: Counter) -> list[BadPiece]:
        groups: dict[tuple[str, str], list[bytes]] = defaultdict(list)
        pseudonymizer = self._pseudonymizing() if rows else None
        for bad in rows:
            counters[f"{bad.output}_{bad.type_name}"] += 1
            counters[bad.output] += 1
            out = pseudonymizer.bad_row(bad)
            if bad.original is not None and RECOVERY_FIELD in out.row:
                counters["bad_rows_sealed"] += 1
            groups[out.output, layout.partition_path(out.partition_ms)].append(orjson.dumps(out.row) + b"\n")
        return [BadPiece(output, partition, b"".join(lines), len(lines)) for (output, partition), lines in groups.items()]
