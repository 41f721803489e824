"""Sources of raw records: files of base64 Thrift lines, the collector's raw-bad files and raw-bad Kinesis stream.

Files are read as bytes, line by line, by :func:`read_lines`: nothing in a file (bytes that are not
UTF-8, a line of gigabytes, a ``.gz`` that is not gzip or was cut short) can stop a run. What cannot be
read becomes an :class:`Unreadable` element in place of the record, which the next step turns into a
bad row: every line a file held, and the damaged rest of a file, ends somewhere and is counted.

Metrics (namespace ``snowplow``): ``files_read``, ``files_damaged``; and in ``snowplow.damaged_files``
one counter per damaged file, named by its path, for the run's summary.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import zlib

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from snowplow_beam.beam_pipeline.kinesis.settings import KinesisSettings
from snowplow_beam.beam_pipeline.kinesis.source import ReadFromKinesis
from snowplow_beam.beam_pipeline.summary import DAMAGED_FILES_NAMESPACE, NAMESPACE
from snowplow_beam.lake.layout import RAW_BAD
from snowplow_beam.transforms import badrows, bounded_json
from snowplow_beam.transforms.atomic import MAX_TIMESTAMP_MS
from snowplow_beam.transforms.badrows import BAD_ROW_TYPES, BadRow, Unreadable
from snowplow_beam.transforms.badrow_json import BADROWS
from snowplow_beam.transforms.iglu.keys import schema_key_of
from snowplow_beam.transforms.timestamps import now_ms, parse_time

_BADROWS_VENDOR = BADROWS.removeprefix("iglu:")
# The longest line read as a record: a collector record is at most 1 MiB of Thrift (1.4 MB in base64);
# longer lines are unreadable records, skipped without holding them in memory.
MAX_LINE_BYTES = 8 << 20
_DECOMPRESSORS = {".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"), ".bz2": bz2.BZ2File}


def read_lines(path: str, max_line: int = MAX_LINE_BYTES):
    """The lines of a raw file (plain, ``.gz`` with any number of members, or ``.bz2``) as bytes, without
    their line ends; an :class:`Unreadable` for a line over ``max_line`` bytes, and one (``damaged``) for
    whatever could not be read after the last good line, after which the file is left."""
    number = offset = 0
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
            opener = next((make for suffix, make in _DECOMPRESSORS.items() if path.lower().endswith(suffix)), None)
            handle = opener(raw) if opener else raw
            while line := handle.readline(max_line + 1):
                number += 1
                start, offset = offset, offset + len(line)
                if len(line) > max_line and not line.endswith(b"\n"):
                    while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                        offset += len(rest)
                    offset += len(rest)
                    yield Unreadable(path, number, start, f"a line longer than {max_line:,} bytes")
                    continue
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield line
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        # BadGzipFile's message quotes the file's first bytes: say what it means instead
        reason = "not a gzip file" if isinstance(exc, gzip.BadGzipFile) else f"{type(exc).__name__}: {exc}"[:300]
        yield Unreadable(path, number + 1, offset, reason, damaged=True)


class _ReadFilesFn(beam.DoFn):
    def __init__(self):
        self._read = Metrics.counter(NAMESPACE, "files_read")
        self._damaged = Metrics.counter(NAMESPACE, "files_damaged")

    def process(self, metadata):
        self._read.inc()
        for line in read_lines(metadata.path):
            if isinstance(line, Unreadable) and line.damaged:
                self._damaged.inc()
                Metrics.counter(DAMAGED_FILES_NAMESPACE, line.path).inc()
            yield line


class ReadLines(beam.PTransform):
    """The lines of the files a glob matches, as bytes (see :func:`read_lines`), files spread over workers."""

    def __init__(self, glob: str, label: str | None = None):
        super().__init__(label)
        self._glob = glob

    def expand(self, pbegin):
        return (pbegin
                | "MatchFiles" >> fileio.MatchFiles(self._glob)
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadFiles" >> beam.ParDo(_ReadFilesFn()))


def input_files(*globs: str | None) -> list:
    """The files the globs match (Beam ``FileMetadata``: path and size); FileNotFoundError when none does."""
    files = [m for glob in globs if glob for match in FileSystems.match([glob]) for m in match.metadata_list]
    if not files:
        raise FileNotFoundError(f"no input file matches {', '.join(g for g in globs if g)}")
    return files


def input_fingerprint(files) -> str:
    """A short digest of the input files (``(path, size)`` pairs): the run's file-name stem.

    The same input gives the same output file names, so a rerun replaces rather than duplicates.
    """
    lines = sorted(f"{path}\t{size}" for path, size in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def parse_collector_bad_row(line: str | bytes | Unreadable) -> BadRow:
    """A line of the collector's raw-bad files; anything unreadable is kept as a generic_error row."""
    if isinstance(line, Unreadable):
        return _unreadable_collector_row(line.describe(), line.describe())
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
        row = bounded_json.loads(text)
        key = schema_key_of(row.get("schema")) if isinstance(row, dict) else None
        if not (key and key.vendor == _BADROWS_VENDOR and key.format == "jsonschema" and key.name in BAD_ROW_TYPES
                and isinstance(row.get("data"), dict)):
            raise ValueError("not a self-describing bad row of a known type")
        stamp = row["data"].get("failure", {}).get("timestamp")
        partition_ms = int(parse_time(stamp).timestamp() * 1000)
        if not 0 <= partition_ms < MAX_TIMESTAMP_MS:  # a collector's stamp picks the partition: 1970 on
            raise ValueError("failure timestamp outside 1970..9999")
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        text = line if isinstance(line, str) else line.decode("latin-1")
        return _unreadable_collector_row(
            text, f"unreadable line in the collector's raw-bad output ({type(exc).__name__})")
    return BadRow(RAW_BAD, partition_ms, row, built_here=False)


def _unreadable_collector_row(payload: str, error: str) -> BadRow:
    now = now_ms()
    return BadRow(RAW_BAD, now, badrows.generic_error(payload, [error], now).row)


class _ParseCollectorBadRowFn(beam.DoFn):
    """A line of the collector's raw-bad files, or a record of its raw-bad stream -> BadRow (counted)."""

    def __init__(self):
        self._rows = Metrics.counter(NAMESPACE, "collector_bad_rows")

    def process(self, line):
        self._rows.inc()
        yield parse_collector_bad_row(line)


class ReadCollectorBadRows(beam.PTransform):
    """The collector's raw-bad files (JSON lines of bad rows, e.g. size violations) as BadRows."""

    def __init__(self, glob: str, label: str | None = None):
        super().__init__(label)
        self._glob = glob

    def expand(self, pbegin):
        return (pbegin
                | "ReadLines" >> ReadLines(self._glob)
                | "ParseBadRows" >> beam.ParDo(_ParseCollectorBadRowFn()))


class ReadRawBadStream(beam.PTransform):
    """The collector's raw-bad Kinesis stream (JSON bad rows) as BadRows."""

    def __init__(self, settings: KinesisSettings, label: str | None = None):
        super().__init__(label)
        self._settings = settings

    def expand(self, pbegin):
        return (pbegin
                | "Read" >> ReadFromKinesis(self._settings)
                | "ParseBadRows" >> beam.ParDo(_ParseCollectorBadRowFn()))
