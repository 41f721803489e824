"""Writers of the lake: good events (Parquet or TSV) and bad rows (JSON lines), by collector hour.

Layout under the output root::

    good/date=YYYY-MM-DD/hour=HH/part-<run>-<shard>.parquet   (or .tsv)
    enriched_bad/date=YYYY-MM-DD/hour=HH/part-<run>-<shard>.json
    raw_bad/date=YYYY-MM-DD/hour=HH/part-<run>-<shard>.json

``<run>`` is derived from the input (see :func:`beam_pipeline.sources.input_fingerprint`), so
running the same input again replaces its files instead of adding duplicates. Each file is
written under ``_temporary/`` first and renamed into place when complete, so readers (and
Snowpipe) never see half a file.

Metrics (namespace ``snowplow``): ``files_written``, ``rows_written``, and for good events the
distribution ``e2e_latency_ms``: from each event's ``collector_tstamp`` to the moment its file is
written (the clock is read once per file).
"""
from __future__ import annotations

import time
import uuid
import zlib
from typing import Tuple
from datetime import datetime, timezone
from functools import lru_cache

import apache_beam as beam
import orjson
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from snowplow_beam.transforms.atomic import to_arrow_table, to_tsv

GOOD = "good"
TEMPORARY = "_temporary"
MS_PER_HOUR = 3_600_000


@lru_cache(maxsize=4096)
def _hour_path(hour: int) -> str:
    moment = datetime.fromtimestamp(hour * 3600, tz=timezone.utc)
    return f"date={moment:%Y-%m-%d}/hour={moment:%H}"


def partition_path(millis: int) -> str:
    """``date=YYYY-MM-DD/hour=HH`` of a UTC timestamp in milliseconds."""
    return _hour_path(millis // MS_PER_HOUR)


# Records cross the shuffle before the writers as compact JSON bytes: Beam's coder for bytes is
# far cheaper than its generic encoding of dicts, and JSON keeps the events' types (timestamps
# are int milliseconds; the JSON fields are objects).

class ParquetFormat:
    """Good events as Parquet, typed by :data:`transforms.atomic.ARROW_SCHEMA`."""

    suffix = ".parquet"

    @staticmethod
    def write(handle, records: list[bytes]) -> None:
        ParquetFormat.write_events(handle, [orjson.loads(record) for record in records])

    @staticmethod
    def write_events(handle, events: list[dict]) -> None:
        pq.write_table(to_arrow_table(events), handle, compression="snappy")


class TsvFormat:
    """Good events as Snowplow's canonical enriched TSV."""

    suffix = ".tsv"

    @staticmethod
    def write(handle, records: list[bytes]) -> None:
        TsvFormat.write_events(handle, [orjson.loads(record) for record in records])

    @staticmethod
    def write_events(handle, events: list[dict]) -> None:
        handle.write("".join(to_tsv(event) + "\n" for event in events).encode("utf-8"))


class JsonLinesFormat:
    """Bad rows, one self-describing JSON per line."""

    suffix = ".json"

    @staticmethod
    def write(handle, records: list[bytes]) -> None:
        handle.write(b"".join(record + b"\n" for record in records))


GOOD_FORMATS = {"parquet": ParquetFormat, "tsv": TsvFormat}


class _WriteFileFn(beam.DoFn):
    def __init__(self, root: str, run_id: str, file_format):
        self._root = root.rstrip("/")
        self._run_id = run_id
        self._format = file_format
        self._files = Metrics.counter("snowplow", "files_written")
        self._rows = Metrics.counter("snowplow", "rows_written")
        self._latency = Metrics.distribution("snowplow", "e2e_latency_ms")

    def process(self, element):
        (directory, shard), records = element
        records = list(records)
        final_dir = f"{self._root}/{directory}"
        final = f"{final_dir}/part-{self._run_id}-{shard:03d}{self._format.suffix}"
        temporary = f"{self._root}/{TEMPORARY}/{self._run_id}/{uuid.uuid4().hex}{self._format.suffix}"
        with FileSystems.create(temporary, compression_type="uncompressed") as handle:
            if hasattr(self._format, "write_events"):  # good events: parsed once, for the file and the latency
                events = [orjson.loads(record) for record in records]
                self._format.write_events(handle, events)
                observe_latency(self._latency, events)
            else:
                self._format.write(handle, records)
        try:
            FileSystems.mkdirs(final_dir)
        except IOError:
            pass  # it exists
        FileSystems.rename([temporary], [final])
        self._files.inc()
        self._rows.inc(len(records))
        yield final, len(records)


def observe_latency(distribution, events: list[dict], now_ms: int | None = None) -> None:
    """``e2e_latency_ms`` of events written now: one clock reading for the whole file."""
    now_ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    update = distribution.update
    for event in events:
        stamp = event.get("collector_tstamp")
        if isinstance(stamp, int):
            update(now_ms - stamp)


class WritePartitioned(beam.PTransform):
    """``(directory, shard, record)`` -> one file per (directory, shard): ``ROOT/<directory>/part-<run>-<shard><suffix>``.

    ``record`` is a JSON-ready dict; it is encoded once, before the shuffle that gathers a file's records.
    """

    def __init__(self, root: str, run_id: str, file_format, label: str | None = None):
        super().__init__(label)
        self._root = root
        self._run_id = run_id
        self._format = file_format

    def expand(self, records):
        return (
            records
            | "KeyByFile" >> beam.Map(lambda item: ((item[0], item[1]), orjson.dumps(item[2])))
            .with_output_types(Tuple[Tuple[str, int], bytes])
            | "GroupByFile" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WriteFileFn(self._root, self._run_id, self._format))
        )

    def display_data(self):
        return {"root": self._root, "run_id": self._run_id, "format": self._format.__name__}


def place_good_event(event: dict, shards: int) -> tuple[str, int, dict]:
    """``(directory, shard, event)``: the collector-hour partition of ``good/`` and a shard by event id."""
    shard = zlib.crc32(event["event_id"].encode()) % shards if shards > 1 else 0
    return f"{GOOD}/{partition_path(event['collector_tstamp'])}", shard, event


class WriteGoodEvents(beam.PTransform):
    """Pseudonymized events -> ``ROOT/good/``, partitioned by collector hour, ``shards`` files per hour."""

    def __init__(self, root: str, run_id: str, good_format: str = "parquet", shards: int = 1,
                 label: str | None = None):
        super().__init__(label)
        self._root, self._run_id, self._shards = root, run_id, shards
        self._format = GOOD_FORMATS[good_format]

    def expand(self, events):
        return (events
                | "PlaceEvents" >> beam.Map(place_good_event, self._shards)
                | "Write" >> WritePartitioned(self._root, self._run_id, self._format))


class WriteBadRows(beam.PTransform):
    """Pseudonymized :class:`~transforms.badrows.BadRow` -> ``ROOT/raw_bad/`` and ``ROOT/enriched_bad/``."""

    def __init__(self, root: str, run_id: str, label: str | None = None):
        super().__init__(label)
        self._root, self._run_id = root, run_id

    def expand(self, bad_rows):
        return (bad_rows
                | "PlaceBadRows" >> beam.Map(lambda bad: (f"{bad.output}/{partition_path(bad.partition_ms)}", 0, bad.row))
                | "Write" >> WritePartitioned(self._root, self._run_id, JsonLinesFormat))
