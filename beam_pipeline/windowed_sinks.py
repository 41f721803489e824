"""Streaming writers of the lake: fixed windows, one file per window, partition and shard.

Layout under the output root (partitions as in :mod:`beam_pipeline.sinks`, by collector hour)::

    good/date=YYYY-MM-DD/hour=HH/stream-<window start>-<window seconds>s-p<pane>-<shard>.parquet
    enriched_bad/date=YYYY-MM-DD/hour=HH/stream-<...>.json
    raw_bad/date=YYYY-MM-DD/hour=HH/stream-<...>.json

The window is the record's arrival time in Kinesis (the element timestamp of
:class:`~beam_pipeline.kinesis.ReadFromKinesis`); the partition is the event's collector hour,
so a record of an earlier hour that arrives late lands in that hour's partition, in the file of
the window it arrived in. The on-time pane is ``p0``; records behind the watermark (up to
``allowed_lateness_seconds``) go to later panes ``p1``, ``p2``, ... (a late pane fires per bundle
of late records: with arrival-time windows, late records only come from clock skew beyond the
source's allowance, so they are rare; a processing-time late trigger would batch them, but it
stalls Beam's TestStream runner).

Names come from the window, pane, partition and shard only, so a replay after a crash rewrites
the same files instead of adding duplicates. Each file is written under ``ROOT/_temporary/streaming/``
and renamed into place when complete. Records are grouped per file before writing (no file per
bundle) and written in chunks of ``CHUNK_ROWS`` (Parquet row groups), so a file's size is bounded
by the window, not by the runner's bundles.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from itertools import islice

from typing import Tuple

import apache_beam as beam
import orjson
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration

from snowplow_beam.beam_pipeline.sinks import (GOOD_FORMATS, TEMPORARY, JsonLinesFormat, ParquetFormat, partition_path,
                                  place_good_event)
from snowplow_beam.transforms.atomic import ARROW_SCHEMA, to_arrow_table

CHUNK_ROWS = 20_000
STREAMING_TEMPORARY = f"{TEMPORARY}/streaming"


def window_file_name(window_start_s: float, window_seconds: int, pane_index: int, shard: int, suffix: str) -> str:
    """``stream-20261128T090100Z-60s-p0-000.parquet``: a file's name from its window, pane and shard."""
    start = datetime.fromtimestamp(window_start_s, tz=timezone.utc)
    return f"stream-{start:%Y%m%dT%H%M%SZ}-{window_seconds}s-p{pane_index}-{shard:03d}{suffix}"


def _chunks(records, size: int = CHUNK_ROWS):
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_records(handle, file_format, records) -> int:
    """Write ``records`` (JSON bytes, as they cross the shuffle) in chunks with the formats of
    :mod:`beam_pipeline.sinks` (Parquet: one row group per chunk); returns the count."""
    count = 0
    if file_format is ParquetFormat:
        writer = pq.ParquetWriter(handle, ARROW_SCHEMA, compression="snappy")
        try:
            for chunk in _chunks(records):
                writer.write_table(to_arrow_table([orjson.loads(record) for record in chunk]))
                count += len(chunk)
        finally:
            writer.close()
        return count
    for chunk in _chunks(records):
        file_format.write(handle, chunk)
        count += len(chunk)
    return count


class _WriteWindowFileFn(beam.DoFn):
    def __init__(self, root: str, file_format, window_seconds: int):
        self._root = root.rstrip("/")
        self._format = file_format
        self._window_seconds = window_seconds
        self._files = Metrics.counter("snowplow", "files_written")
        self._late_files = Metrics.counter("snowplow", "late_files_written")

    def process(self, element, win=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        (directory, shard), records = element
        name = window_file_name(float(win.start), self._window_seconds, pane.index, shard, self._format.suffix)
        final_dir = f"{self._root}/{directory}"
        final = f"{final_dir}/{name}"
        temporary = f"{self._root}/{STREAMING_TEMPORARY}/{uuid.uuid4().hex}{self._format.suffix}"
        with FileSystems.create(temporary, compression_type="uncompressed") as handle:
            count = write_records(handle, self._format, records)
        try:
            FileSystems.mkdirs(final_dir)
        except IOError:
            pass  # it exists
        FileSystems.rename([temporary], [final])  # replaces the file of an earlier attempt at this window
        self._files.inc()
        if pane.index > 0:
            self._late_files.inc()
        yield final, count


class WriteWindowedFiles(beam.PTransform):
    """``(directory, shard, record)`` -> one file per window, pane and (directory, shard).

    ``record`` is a JSON-ready dict, encoded once before the shuffle (as in :mod:`beam_pipeline.sinks`).
    """

    def __init__(self, root: str, file_format, window_seconds: int = 60, allowed_lateness_seconds: int = 3600,
                 label: str | None = None):
        super().__init__(label)
        if window_seconds < 1:
            raise ValueError("window_seconds must be at least 1")
        self._root, self._format = root, file_format
        self._window_seconds, self._lateness = window_seconds, allowed_lateness_seconds

    def expand(self, records):
        return (
            records
            | "Window" >> beam.WindowInto(
                window.FixedWindows(self._window_seconds),
                trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
                accumulation_mode=trigger.AccumulationMode.DISCARDING,
                allowed_lateness=Duration(seconds=self._lateness))
            | "KeyByFile" >> beam.Map(lambda item: ((item[0], item[1]), orjson.dumps(item[2])))
            .with_output_types(Tuple[Tuple[str, int], bytes])
            | "GroupByFile" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WriteWindowFileFn(self._root, self._format, self._window_seconds))
        )

    def display_data(self):
        return {"root": self._root, "format": self._format.__name__, "window_seconds": self._window_seconds,
                "allowed_lateness_seconds": self._lateness}


class WriteWindowedGoodEvents(beam.PTransform):
    """Pseudonymized events -> ``ROOT/good/<collector hour>/``, one file per window (and shard)."""

    def __init__(self, root: str, window_seconds: int = 60, good_format: str = "parquet", shards: int = 1,
                 allowed_lateness_seconds: int = 3600, label: str | None = None):
        super().__init__(label)
        self._root, self._window_seconds, self._shards = root, window_seconds, shards
        self._format = GOOD_FORMATS[good_format]
        self._lateness = allowed_lateness_seconds

    def expand(self, events):
        return (events
                | "PlaceEvents" >> beam.Map(place_good_event, self._shards)
                | "Write" >> WriteWindowedFiles(self._root, self._format, self._window_seconds, self._lateness))


class WriteWindowedBadRows(beam.PTransform):
    """Pseudonymized :class:`~transforms.badrows.BadRow` -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``."""

    def __init__(self, root: str, window_seconds: int = 60, allowed_lateness_seconds: int = 3600,
                 label: str | None = None):
        super().__init__(label)
        self._root, self._window_seconds, self._lateness = root, window_seconds, allowed_lateness_seconds

    def expand(self, bad_rows):
        return (bad_rows
                | "PlaceBadRows" >> beam.Map(lambda bad: (f"{bad.output}/{partition_path(bad.partition_ms)}", 0,
                                                          bad.row))
                | "Write" >> WriteWindowedFiles(self._root, JsonLinesFormat, self._window_seconds, self._lateness))
