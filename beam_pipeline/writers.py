"""The one writer of the lake, for batch, streaming and recover: good events (Parquet or TSV) and bad rows
(JSON lines), by collector hour, with the layout of :mod:`snowplow_beam.lake.layout`.

- :func:`write_file` is the only place a lake file is written: under the temporary area, then renamed into
  place, so readers (and Snowpipe) never see half a file.
- What reaches a writer is already serialized by the record processor: pieces
  (:class:`~snowplow_beam.transforms.processor.GoodPiece`, :class:`~snowplow_beam.transforms.processor.BadPiece`),
  each the rows of one batch for one file. The formats share one interface: ``suffix`` and
  ``write(handle, pieces)``, which writes the pieces' data and returns the row count; Parquet gathers pieces into
  row groups of up to ``CHUNK_ROWS``, so a file's memory is bounded by a row group, not by its window or partition.
- Batch (:class:`WriteGoodEvents`, :class:`WriteBadRows`): one file per partition and shard,
  ``part-<run>-<shard>``; ``<run>`` is derived from the input, so a rerun replaces its files. Before the shuffle
  that groups them by file, a bundle's pieces beyond :data:`SPILL_BYTES` wait in spill files of the run's
  temporary area and only references to them are shuffled (:class:`_SpillPiecesFn`): a runner that holds a
  shuffle in memory (the FnApiRunner does) then holds a bounded part of the run, not all of its events.
- Streaming (:class:`WriteWindowedGoodEvents`, :class:`WriteWindowedBadRows`): the pieces come windowed by arrival
  time (:func:`arrival_windows`, applied before the records are batched); one file per window, pane, partition and
  shard, ``stream-<window>-<seconds>s-p<pane>-<shard>``. The partition is the event's collector hour, so a record
  of an earlier hour that arrives late lands in that hour's partition, in the file of the window it arrived in.
  The on-time pane is ``p0``; records behind the watermark (up to ``allowed_lateness_seconds``) go to later panes
  ``p1``, ``p2``, ... (a late pane fires per bundle of late records: with arrival-time windows they only come from
  clock skew beyond the source's allowance, so they are rare; a processing-time late trigger would batch them,
  but it stalls Beam's TestStream runner). A replay after a crash rewrites the same files.

Metrics (namespace ``snowplow``), the same for batch and streaming: ``files_written``, ``rows_written``,
``late_files_written`` (files of late panes), and for good events the distribution ``e2e_latency_ms``: from
each event's ``collector_tstamp`` to the moment its file is written (the clock is read once per file); batch
runs also count ``pieces_spilled``.

Recover reads the lake through :func:`finished_files` and :func:`existing_event_ids` (Beam's FileSystems, so
local folders and ``s3://`` alike), and picks rows of pieces with the formats' ``event_ids`` and ``take``.
"""
from __future__ import annotations

import pickle
from array import array
from typing import Iterable, Iterator, NamedTuple, Sequence

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import MIN_TIMESTAMP, Duration
from apache_beam.utils.windowed_value import WindowedValue

from snowplow_beam.beam_pipeline.summary import NAMESPACE
from snowplow_beam.lake import layout
from snowplow_beam.transforms.atomic import ARROW_SCHEMA, FIELD_NAMES
from snowplow_beam.transforms.processor import arrow_ipc, arrow_table
from snowplow_beam.transforms.timestamps import now_ms

CHUNK_ROWS = 20_000
SPILL_BYTES = 64 * 2 ** 20  # piece data a batch writer's bundle holds before it spills (see _SpillPiecesFn)
_EVENT_ID_COLUMN = FIELD_NAMES.index("event_id")


def _write_pieces(handle, pieces: Iterable) -> int:
    count = 0
    for piece in pieces:
        handle.write(piece.data)
        count += piece.rows
    return count


# ---- formats ------------------------------------------------------------------------------------------------

class ParquetFormat:
    """Good events as Parquet, typed by :data:`transforms.atomic.ARROW_SCHEMA`; pieces are Arrow IPC streams,
    gathered into row groups of up to ``CHUNK_ROWS``."""

    suffix = layout.PARQUET

    @staticmethod
    def write(handle, pieces: Iterable) -> int:
        count = 0
        pending: list[pa.Table] = []
        rows = 0
        writer = pq.ParquetWriter(handle, ARROW_SCHEMA, compression="snappy")
        try:
            for piece in pieces:
                pending.append(arrow_table(piece.data))
                rows += piece.rows
                if rows >= CHUNK_ROWS:
                    writer.write_table(pa.concat_tables(pending))
                    count, pending, rows = count + rows, [], 0
            if pending:
                writer.write_table(pa.concat_tables(pending))
                count += rows
        finally:
            writer.close()
        return count

    @staticmethod
    def event_ids(data: bytes) -> list[str]:
        """The ``event_id`` of each row of a piece's data."""
        return arrow_table(data).column("event_id").to_pylist()

    @staticmethod
    def take(datas: Sequence[bytes], picks: Iterable[tuple[int, int]]) -> bytes:
        """One piece's data holding the rows ``(piece, row)`` of ``datas``, in that order."""
        tables = [arrow_table(data) for data in datas]
        starts = [0]
        for table in tables:
            starts.append(starts[-1] + table.num_rows)
        indices = pa.array([starts[piece] + row for piece, row in picks], type=pa.int64())
        return arrow_ipc(pa.concat_tables(tables).take(indices))

    @staticmethod
    def file_event_ids(handle) -> Iterator[str]:
        """A file's ``event_id`` values (read a column batch at a time)."""
        parquet = pq.ParquetFile(handle)
        if "event_id" in parquet.schema_arrow.names:
            for batch in parquet.iter_batches(columns=["event_id"], batch_size=65_536):
                yield from batch.column(0).to_pylist()


def _tsv_event_id(line: bytes) -> str:
    fields = line.split(b"\t", _EVENT_ID_COLUMN + 1)
    return fields[_EVENT_ID_COLUMN].decode("utf-8", "replace") if len(fields) > _EVENT_ID_COLUMN else ""


class TsvFormat:
    """Good events as Snowplow's canonical enriched TSV; pieces are lines."""

    suffix = layout.TSV
    write = staticmethod(_write_pieces)

    @staticmethod
    def event_ids(data: bytes) -> list[str]:
        return [_tsv_event_id(line) for line in data.splitlines()]

    @staticmethod
    def take(datas: Sequence[bytes], picks: Iterable[tuple[int, int]]) -> bytes:
        lines = [data.splitlines(keepends=True) for data in datas]
        return b"".join(lines[piece][row] for piece, row in picks)

    @staticmethod
    def file_event_ids(handle) -> Iterator[str]:
        """A file's ``event_id`` values (read a line at a time)."""
        for line in handle:
            yield _tsv_event_id(line)


class JsonLinesFormat:
    """Bad rows, one self-describing JSON per line; pieces are lines."""

    suffix = layout.JSON_LINES
    write = staticmethod(_write_pieces)


GOOD_FORMATS = {"parquet": ParquetFormat, "tsv": TsvFormat}
_GOOD_BY_SUFFIX = {file_format.suffix: file_format for file_format in GOOD_FORMATS.values()}


# ---- files --------------------------------------------------------------------------------------------------

def write_file(root: str, run: str, final: str, file_format, pieces: Iterable) -> int:
    """Write ``pieces`` to ``final`` through the run's temporary area (a complete file or none); the row count.

    A file already at ``final`` (an earlier attempt, a rerun of the same input) is replaced."""
    temporary = layout.temporary_path(root, run, file_format.suffix)
    with FileSystems.create(temporary, compression_type="uncompressed") as handle:
        count = file_format.write(handle, pieces)
    try:
        FileSystems.mkdirs(final.rsplit("/", 1)[0])
    except IOError:
        pass  # it exists
    FileSystems.rename([temporary], [final])
    return count


def finished_files(root: str, outputs: Iterable[str], partitions: Iterable[str]) -> list[tuple[str, int]]:
    """``(path, size)`` of the finished files of ``outputs`` in ``partitions``, sorted."""
    root = root.rstrip("/")
    partitions = list(partitions)
    found = []
    for output in outputs:
        for partition in partitions:
            matches = FileSystems.match([f"{root}/{layout.partition_dir(output, partition)}/*"])  # none: []
            found += [(metadata.path, metadata.size_in_bytes) for match in matches for metadata in match.metadata_list
                      if layout.is_finished_name(metadata.path.rsplit("/", 1)[-1], layout.SUFFIXES[output])]
    return sorted(found)


def existing_event_ids(root: str, partition: str, wanted: set[str]) -> set[str]:
    """Which of ``wanted`` are already in the good events of ``partition`` (any Parquet or TSV file there)."""
    found: set[str] = set()
    if not wanted:
        return found
    for path, _ in finished_files(root, (layout.GOOD,), [partition]):
        file_format = _GOOD_BY_SUFFIX[path[path.rindex("."):]]
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            found.update(wanted.intersection(file_format.file_event_ids(handle)))
    return found


# ---- the writers --------------------------------------------------------------------------------------------

class _Spilled(NamedTuple):
    """Pieces of one file that wait in a spill file (``path``, in the run's temporary area) for its writer."""

    path: str


def _unspilled(pieces: Iterable) -> Iterator:
    """The pieces of a file as its writer takes them: a :class:`_Spilled` reference read back, in order."""
    for piece in pieces:
        if not isinstance(piece, _Spilled):
            yield piece
            continue
        with FileSystems.open(piece.path, compression_type="uncompressed") as handle:
            while True:
                try:
                    yield pickle.load(handle)
                except EOFError:
                    break


class _SpillPiecesFn(beam.DoFn):
    """``(file, piece)`` -> the same, or ``(file, _Spilled)`` for pieces a bundle spilled (batch runs only: the
    elements are in the global window).

    A bundle holds its pieces by file; when they pass :data:`SPILL_BYTES`, the pieces of its largest file go to
    one spill file and a reference replaces them. At the end of the bundle what is held goes on as it is if the
    bundle never spilled (a small run touches no disk), else it is spilled too. Spill files are named afresh for
    each attempt, so a retried bundle never shares one; they go with the run's temporary area."""

    def __init__(self, root: str, run_id: str, limit: int | None = None):
        self._root = root.rstrip("/")
        self._run_id = run_id
        self._limit = SPILL_BYTES if limit is None else limit
        self._pieces_spilled = Metrics.counter(NAMESPACE, "pieces_spilled")

    def start_bundle(self):
        self._held: dict[tuple, list] = {}
        self._bytes: dict[tuple, int] = {}
        self._total = 0
        self._spilled = False

    def process(self, element):
        key, piece = element
        self._held.setdefault(key, []).append(piece)
        self._bytes[key] = self._bytes.get(key, 0) + len(piece.data)
        self._total += len(piece.data)
        if self._total > self._limit:
            largest = max(self._bytes, key=self._bytes.__getitem__)
            yield largest, self._spill(largest)

    def finish_bundle(self):
        for key in list(self._held):
            values = [self._spill(key)] if self._spilled else self._held.pop(key)
            for value in values:
                yield WindowedValue((key, value), MIN_TIMESTAMP, [window.GlobalWindow()])

    def _spill(self, key) -> _Spilled:
        path = layout.temporary_path(self._root, self._run_id, ".spill")
        with FileSystems.create(path, compression_type="uncompressed") as handle:
            pieces = self._held.pop(key)
            for piece in pieces:
                pickle.dump(piece, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._pieces_spilled.inc(len(pieces))
        self._total -= self._bytes.pop(key)
        self._spilled = True
        return _Spilled(path)


class _WriteFilesFn(beam.DoFn):
    """``((directory, shard), pieces)`` -> one finished file; batch names without ``window_seconds``,
    streaming names (window and pane) with it."""

    def __init__(self, root: str, file_format, run_id: str | None = None, window_seconds: int | None = None,
                 good: bool = False):
        self._root = root.rstrip("/")
        self._format = file_format
        self._run_id = run_id
        self._window_seconds = window_seconds
        self._good = good
        self._files = Metrics.counter(NAMESPACE, "files_written")
        self._rows = Metrics.counter(NAMESPACE, "rows_written")
        self._late_files = Metrics.counter(NAMESPACE, "late_files_written")
        self._latency = Metrics.distribution(NAMESPACE, "e2e_latency_ms")

    def process(self, element, win=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        (directory, shard), pieces = element
        if self._window_seconds is None:
            name = layout.batch_file_name(self._run_id, shard, self._format.suffix)
            run = self._run_id
        else:
            name = layout.stream_file_name(float(win.start), self._window_seconds, pane.index, shard,
                                           self._format.suffix)
            run = layout.STREAMING_RUN
        final = f"{self._root}/{directory}/{name}"
        stamps = array("q")

        def taken(pieces):  # the pieces as they are written, one at a time, their collector times kept
            for piece in _unspilled(pieces):
                if self._good:
                    stamps.extend(piece.stamps)
                yield piece

        count = write_file(self._root, run, final, self._format, taken(pieces))
        if self._good:
            observe_latency(self._latency, stamps)
        self._files.inc()
        self._rows.inc(count)
        if pane.index > 0:
            self._late_files.inc()
        yield final, count


def observe_latency(distribution, collector_stamps: Iterable[int]) -> None:
    """``e2e_latency_ms`` of events written now: one clock reading for the whole file."""
    now = now_ms()
    update = distribution.update
    for stamp in collector_stamps:
        update(now - stamp)


def _good_file(piece) -> tuple:
    return (layout.partition_dir(layout.GOOD, piece.partition), piece.shard), piece


def _bad_file(piece) -> tuple:
    return (layout.partition_dir(piece.output, piece.partition), 0), piece


class _WriteFiles(beam.PTransform):
    """Pieces -> one file per (directory, shard) (and window and pane, when the pieces are windowed); in batch
    runs, through ``spill`` (a :class:`_SpillPiecesFn`) before the shuffle."""

    def __init__(self, fn: _WriteFilesFn, place, spill: _SpillPiecesFn | None = None, label: str | None = None):
        super().__init__(label)
        self._fn = fn
        self._place = place
        self._spill = spill

    def expand(self, pieces):
        keyed = pieces | "KeyByFile" >> beam.Map(self._place)
        if self._spill is not None:
            keyed = keyed | "Spill" >> beam.ParDo(self._spill)
        return (
            keyed
            | "GroupByFile" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(self._fn)
        )


def arrival_windows(window_seconds: int, allowed_lateness_seconds: int) -> beam.WindowInto:
    """The windows of a streaming job's files: fixed windows of arrival time, late records in later panes."""
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    return beam.WindowInto(window.FixedWindows(window_seconds),
                           trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
                           accumulation_mode=trigger.AccumulationMode.DISCARDING,
                           allowed_lateness=Duration(seconds=allowed_lateness_seconds))


class WriteGoodEvents(beam.PTransform):
    """Good pieces -> ``ROOT/good/``, partitioned by collector hour, one file per hour and shard."""

    def __init__(self, root: str, run_id: str, good_format: str = "parquet", label: str | None = None):
        super().__init__(label)
        self._fn = _WriteFilesFn(root, GOOD_FORMATS[good_format], run_id=run_id, good=True)
        self._spill = _SpillPiecesFn(root, run_id)

    def expand(self, pieces):
        return pieces | "Write" >> _WriteFiles(self._fn, _good_file, self._spill)


class WriteBadRows(beam.PTransform):
    """Bad pieces -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``, by partition."""

    def __init__(self, root: str, run_id: str, label: str | None = None):
        super().__init__(label)
        self._fn = _WriteFilesFn(root, JsonLinesFormat, run_id=run_id)
        self._spill = _SpillPiecesFn(root, run_id)

    def expand(self, pieces):
        return pieces | "Write" >> _WriteFiles(self._fn, _bad_file, self._spill)


class WriteWindowedGoodEvents(beam.PTransform):
    """Windowed good pieces -> ``ROOT/good/<collector hour>/``, one file per window (and pane and shard)."""

    def __init__(self, root: str, window_seconds: int = 60, good_format: str = "parquet", label: str | None = None):
        super().__init__(label)
        self._fn = _WriteFilesFn(root, GOOD_FORMATS[good_format], window_seconds=window_seconds, good=True)

    def expand(self, pieces):
        return pieces | "Write" >> _WriteFiles(self._fn, _good_file)


class WriteWindowedBadRows(beam.PTransform):
    """Windowed bad pieces -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``, one file per window (and pane)."""

    def __init__(self, root: str, window_seconds: int = 60, label: str | None = None):
        super().__init__(label)
        self._fn = _WriteFilesFn(root, JsonLinesFormat, window_seconds=window_seconds)

    def expand(self, pieces):
        return pieces | "Write" >> _WriteFiles(self._fn, _bad_file)
