"""The one writer of the lake, for batch, streaming and recover: good events (Parquet or TSV) and bad rows
(JSON lines), by collector hour, with the layout of :mod:`snowplow_beam.lake.layout`.

- :func:`write_file` is the only place a lake file is written: under the temporary area, then renamed into
  place, so readers (and Snowpipe) never see half a file.
- The formats share one interface: ``suffix`` and ``write(handle, records)``, which writes an iterable of
  JSON-ready dicts in chunks of ``CHUNK_ROWS`` (a Parquet row group each) and returns the count, so a file's
  memory is bounded by a chunk, not by its window or partition.
- Batch (:class:`WriteGoodEvents`, :class:`WriteBadRows`): one file per partition and shard,
  ``part-<run>-<shard>``; ``<run>`` is derived from the input, so a rerun replaces its files.
- Streaming (:class:`WriteWindowedGoodEvents`, :class:`WriteWindowedBadRows`): fixed windows of arrival time,
  one file per window, pane, partition and shard, ``stream-<window>-<seconds>s-p<pane>-<shard>``. The partition
  is the event's collector hour, so a record of an earlier hour that arrives late lands in that hour's
  partition, in the file of the window it arrived in. The on-time pane is ``p0``; records behind the watermark
  (up to ``allowed_lateness_seconds``) go to later panes ``p1``, ``p2``, ... (a late pane fires per bundle of
  late records: with arrival-time windows they only come from clock skew beyond the source's allowance, so
  they are rare; a processing-time late trigger would batch them, but it stalls Beam's TestStream runner).
  A replay after a crash rewrites the same files.

Records cross the shuffle before a file as compact JSON bytes: Beam's coder for bytes is far cheaper than its
generic encoding of dicts, and JSON keeps the events' types (timestamps are int milliseconds).

Metrics (namespace ``snowplow``), the same for batch and streaming: ``files_written``, ``rows_written``,
``late_files_written`` (files of late panes), and for good events the distribution ``e2e_latency_ms``: from
each event's ``collector_tstamp`` to the moment its file is written (the clock is read once per file).

Recover reads the lake through :func:`finished_files` and :func:`existing_event_ids` (Beam's FileSystems, so
local folders and ``s3://`` alike).
"""
from __future__ import annotations

import zlib
from itertools import islice
from typing import Callable, Iterable, Iterator, Tuple

import apache_beam as beam
import orjson
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration

from snowplow_beam.beam_pipeline.summary import NAMESPACE
from snowplow_beam.lake import layout
from snowplow_beam.transforms.atomic import ARROW_SCHEMA, FIELD_NAMES, to_arrow_table, to_tsv
from snowplow_beam.transforms.timestamps import now_ms

CHUNK_ROWS = 20_000
_EVENT_ID_COLUMN = FIELD_NAMES.index("event_id")


def _chunks(records: Iterable, size: int = CHUNK_ROWS) -> Iterator[list]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _write_lines(handle, records: Iterable[dict], line: Callable[[dict], bytes]) -> int:
    count = 0
    for chunk in _chunks(records):
        handle.write(b"".join(line(record) for record in chunk))
        count += len(chunk)
    return count


# ---- formats ------------------------------------------------------------------------------------------------

class ParquetFormat:
    """Good events as Parquet, typed by :data:`transforms.atomic.ARROW_SCHEMA`, one row group per chunk."""

    suffix = layout.PARQUET

    @staticmethod
    def write(handle, records: Iterable[dict]) -> int:
        count = 0
        writer = pq.ParquetWriter(handle, ARROW_SCHEMA, compression="snappy")
        try:
            for chunk in _chunks(records):
                writer.write_table(to_arrow_table(chunk))
                count += len(chunk)
        finally:
            writer.close()
        return count

    @staticmethod
    def event_ids(handle) -> Iterator[str]:
        """The file's ``event_id`` values (read a column batch at a time)."""
        parquet = pq.ParquetFile(handle)
        if "event_id" in parquet.schema_arrow.names:
            for batch in parquet.iter_batches(columns=["event_id"], batch_size=65_536):
                yield from batch.column(0).to_pylist()


class TsvFormat:
    """Good events as Snowplow's canonical enriched TSV."""

    suffix = layout.TSV

    @staticmethod
    def write(handle, records: Iterable[dict]) -> int:
        return _write_lines(handle, records, lambda event: (to_tsv(event) + "\n").encode("utf-8"))

    @staticmethod
    def event_ids(handle) -> Iterator[str]:
        """The file's ``event_id`` values (read a line at a time)."""
        for line in handle:
            fields = line.split(b"\t", _EVENT_ID_COLUMN + 1)
            if len(fields) > _EVENT_ID_COLUMN:
                yield fields[_EVENT_ID_COLUMN].decode("utf-8", "replace")


class JsonLinesFormat:
    """Bad rows, one self-describing JSON per line."""

    suffix = layout.JSON_LINES

    @staticmethod
    def write(handle, records: Iterable[dict]) -> int:
        return _write_lines(handle, records, lambda row: orjson.dumps(row) + b"\n")


GOOD_FORMATS = {"parquet": ParquetFormat, "tsv": TsvFormat}
_GOOD_BY_SUFFIX = {file_format.suffix: file_format for file_format in GOOD_FORMATS.values()}


# ---- files --------------------------------------------------------------------------------------------------

def write_file(root: str, run: str, final: str, file_format, records: Iterable[dict]) -> int:
    """Write ``records`` to ``final`` through the run's temporary area (a complete file or none); the count.

    A file already at ``final`` (an earlier attempt, a rerun of the same input) is replaced."""
    temporary = layout.temporary_path(root, run, file_format.suffix)
    with FileSystems.create(temporary, compression_type="uncompressed") as handle:
        count = file_format.write(handle, records)
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
            found.update(wanted.intersection(file_format.event_ids(handle)))
    return found


# ---- the writers --------------------------------------------------------------------------------------------

class _WriteFilesFn(beam.DoFn):
    """``((directory, shard), JSON records)`` -> one finished file; batch names without ``window_seconds``,
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
        (directory, shard), records = element
        if self._window_seconds is None:
            name = layout.batch_file_name(self._run_id, shard, self._format.suffix)
            run = self._run_id
        else:
            name = layout.stream_file_name(float(win.start), self._window_seconds, pane.index, shard,
                                           self._format.suffix)
            run = layout.STREAMING_RUN
        final = f"{self._root}/{directory}/{name}"
        stamps: list[int] = []
        records = (orjson.loads(record) for record in records)
        if self._good:
            records = _noting_collector_stamps(records, stamps)
        count = write_file(self._root, run, final, self._format, records)
        observe_latency(self._latency, stamps)
        self._files.inc()
        self._rows.inc(count)
        if pane.index > 0:
            self._late_files.inc()
        yield final, count


def _noting_collector_stamps(events: Iterable[dict], stamps: list[int]) -> Iterator[dict]:
    for event in events:
        stamp = event.get(layout.PARTITION_FIELD)
        if isinstance(stamp, int):
            stamps.append(stamp)
        yield event


def observe_latency(distribution, collector_stamps: Iterable[int]) -> None:
    """``e2e_latency_ms`` of events written now: one clock reading for the whole file."""
    now = now_ms()
    update = distribution.update
    for stamp in collector_stamps:
        update(now - stamp)


class _WriteFiles(beam.PTransform):
    """``(directory, shard, record)`` -> one file per (directory, shard) (and window and pane, when windowed).

    ``record`` is a JSON-ready dict; it is encoded once, before the shuffle that gathers a file's records.
    """

    def __init__(self, fn: _WriteFilesFn, windowing: beam.WindowInto | None = None, label: str | None = None):
        super().__init__(label)
        self._fn = fn
        self._windowing = windowing

    def expand(self, records):
        if self._windowing is not None:
            records = records | "Window" >> self._windowing
        return (
            records
            | "KeyByFile" >> beam.Map(lambda item: ((item[0], item[1]), orjson.dumps(item[2])))
            .with_output_types(Tuple[Tuple[str, int], bytes])
            | "GroupByFile" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(self._fn)
        )


def _windows(window_seconds: int, allowed_lateness_seconds: int) -> beam.WindowInto:
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    return beam.WindowInto(window.FixedWindows(window_seconds),
                           trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
                           accumulation_mode=trigger.AccumulationMode.DISCARDING,
                           allowed_lateness=Duration(seconds=allowed_lateness_seconds))


def place_good_event(event: dict, shards: int) -> tuple[str, int, dict]:
    """``(directory, shard, event)``: the collector-hour partition of ``good/`` and a shard by event id."""
    shard = zlib.crc32(event["event_id"].encode()) % shards if shards > 1 else 0
    return layout.partition_dir(layout.GOOD, layout.event_partition(event)), shard, event


def place_bad_row(bad) -> tuple[str, int, dict]:
    """``(directory, 0, row)``: the output and partition of a :class:`~transforms.badrows.BadRow`."""
    return layout.partition_dir(bad.output, layout.partition_path(bad.partition_ms)), 0, bad.row


class WriteGoodEvents(beam.PTransform):
    """Pseudonymized events -> ``ROOT/good/``, partitioned by collector hour, ``shards`` files per hour."""

    def __init__(self, root: str, run_id: str, good_format: str = "parquet", shards: int = 1,
                 label: str | None = None):
        super().__init__(label)
        self._shards = shards
        self._fn = _WriteFilesFn(root, GOOD_FORMATS[good_format], run_id=run_id, good=True)

    def expand(self, events):
        return (events
                | "PlaceEvents" >> beam.Map(place_good_event, self._shards)
                | "Write" >> _WriteFiles(self._fn))


class WriteBadRows(beam.PTransform):
    """Pseudonymized :class:`~transforms.badrows.BadRow` -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``."""

    def __init__(self, root: str, run_id: str, label: str | None = None):
        super().__init__(label)
        self._fn = _WriteFilesFn(root, JsonLinesFormat, run_id=run_id)

    def expand(self, bad_rows):
        return (bad_rows
                | "PlaceBadRows" >> beam.Map(place_bad_row)
                | "Write" >> _WriteFiles(self._fn))


class WriteWindowedGoodEvents(beam.PTransform):
    """Pseudonymized events -> ``ROOT/good/<collector hour>/``, one file per window (and pane and shard)."""

    def __init__(self, root: str, window_seconds: int = 60, good_format: str = "parquet", shards: int = 1,
                 allowed_lateness_seconds: int = 3600, label: str | None = None):
        super().__init__(label)
        self._shards = shards
        self._windowing = _windows(window_seconds, allowed_lateness_seconds)
        self._fn = _WriteFilesFn(root, GOOD_FORMATS[good_format], window_seconds=window_seconds, good=True)

    def expand(self, events):
        return (events
                | "PlaceEvents" >> beam.Map(place_good_event, self._shards)
                | "Write" >> _WriteFiles(self._fn, self._windowing))


class WriteWindowedBadRows(beam.PTransform):
    """Pseudonymized :class:`~transforms.badrows.BadRow` -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``,
    one file per window (and pane)."""

    def __init__(self, root: str, window_seconds: int = 60, allowed_lateness_seconds: int = 3600,
                 label: str | None = None):
        super().__init__(label)
        self._windowing = _windows(window_seconds, allowed_lateness_seconds)
        self._fn = _WriteFilesFn(root, JsonLinesFormat, window_seconds=window_seconds)

    def expand(self, bad_rows):
        return (bad_rows
                | "PlaceBadRows" >> beam.Map(place_bad_row)
                | "Write" >> _WriteFiles(self._fn, self._windowing))
