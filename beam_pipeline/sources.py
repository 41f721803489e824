"""Sources of raw records: files of base64 Thrift lines and the collector's raw-bad files, read in batches.

Files are read as bytes, line by line, by :func:`read_lines`, and leave the reader as batches of lines
(:data:`~snowplow_beam.beam_pipeline.steps.BATCH_RECORDS` at most), Beam's elements from there on: nothing in a file (bytes that are not
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

from snowplow_beam.beam_pipeline.summary import DAMAGED_FILES_NAMESPACE, NAMESPACE
from snowplow_beam.transforms.badrows import Unreadable
# The longest line read as a record: a collector record is at most 1 MiB of Thrift (1.4 MB in base64);
# longer lines are unreadable records, skipped without holding them in memory.
MAX_LINE_BYTES = 8 << 20
SPLIT_BYTES = 64 << 20  # plain files larger than this are read in ranges of this size, by several workers
_DECOMPRESSORS = {".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"), ".bz2": bz2.BZ2File}


def _skip_line(handle) -> int:
    """Read past the end of the current line (of any length); the bytes read."""
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def read_lines(path: str, max_line: int = MAX_LINE_BYTES, start: int = 0, end: int | None = None):
    """The lines of a raw file (plain, ``.gz`` with any number of members, or ``.bz2``) as bytes, without
    their line ends; an :class:`Unreadable` for a line over ``max_line`` bytes, and one (``damaged``) for
    whatever could not be read after the last good line, after which the file is left.

    ``start``, ``end``: of a plain file, only the lines that start in ``[start, end)`` (a line that crosses ``end``
    is read whole), so that ranges of one file are read by several workers and every line once. Line numbers
    count from the range's first line (0, "unknown", in what a range after the first reports)."""
    number = offset = 0
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
            opener = next((make for suffix, make in _DECOMPRESSORS.items() if path.lower().endswith(suffix)), None)
            handle = opener(raw) if opener else raw
            if start:  # the line that straddles start belongs to the range before
                raw.seek(start - 1)
                offset = start - 1 + _skip_line(raw)
            while (end is None or offset < end) and (line := handle.readline(max_line + 1)):
                number += 1
                begin, offset = offset, offset + len(line)
                if len(line) > max_line and not line.endswith(b"\n"):
                    offset += _skip_line(handle)
                    yield Unreadable(path, number if not start else 0, begin, f"a line longer than {max_line:,} bytes")
                    continue
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield line
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        # BadGzipFile's message quotes the file's first bytes: say what it means instead
        reason = "not a gzip file" if isinstance(exc, gzip.BadGzipFile) else f"{type(exc).__name__}: {exc}"[:300]
        yield Unreadable(path, number + 1 if not start else 0, offset, reason, damaged=True)


def file_ranges(path: str, size: int, split_bytes: int = SPLIT_BYTES) -> list[tuple[str, int, int | None]]:
    """``(path, start, end)`` ranges of about ``split_bytes`` of a plain file, for workers to share; a compressed
    file (which cannot be read from the middle) or a small one is one range."""
    if size <= split_bytes or any(path.lower().endswith(suffix) for suffix in _DECOMPRESSORS):
        return [(path, 0, None)]
    return [(path, begin, min(begin + split_bytes, size)) for begin in range(0, size, split_bytes)]


class _SplitFilesFn(beam.DoFn):
    def __init__(self, split_bytes: int):
        self._split_bytes = split_bytes
        self._read = Metrics.counter(NAMESPACE, "files_read")

    def process(self, metadata):
        self._read.inc()
        yield from file_ranges(metadata.path, metadata.size_in_bytes, self._split_bytes)


class _ReadRangesFn(beam.DoFn):
    def __init__(self, batch: int):
        self._batch = batch
        self._damaged = Metrics.counter(NAMESPACE, "files_damaged")

    def process(self, file_range):
        path, start, end = file_range
        batch = []
        for line in read_lines(path, start=start, end=end):
            if isinstance(line, Unreadable) and line.damaged:
                self._damaged.inc()
                Metrics.counter(DAMAGED_FILES_NAMESPACE, line.path).inc()
            batch.append(line)
            if len(batch) >= self._batch:
                yield batch
                batch = []
        if batch:
            yield batch


class ReadLines(beam.PTransform):
    """The lines of the files a glob matches, as batches of bytes (see :func:`read_lines`); files, and ranges of
    large plain files (:func:`file_ranges`), spread over workers. The collector's raw-bad files are read with it
    too."""

    def __init__(self, glob: str, batch: int, split_bytes: int = SPLIT_BYTES, label: str | None = None):
        super().__init__(label)
        self._glob = glob
        self._batch = batch
        self._split_bytes = split_bytes

    def expand(self, pbegin):
        return (pbegin
                | "MatchFiles" >> fileio.MatchFiles(self._glob)
                | "SplitFiles" >> beam.ParDo(_SplitFilesFn(self._split_bytes))
                | "SpreadRanges" >> beam.Reshuffle()
                | "ReadRanges" >> beam.ParDo(_ReadRangesFn(self._batch)))


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


