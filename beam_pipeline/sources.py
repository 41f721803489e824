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
    def __init__(self, batch: int):
        self._batch = batch
        self._read = Metrics.counter(NAMESPACE, "files_read")
        self._damaged = Metrics.counter(NAMESPACE, "files_damaged")

    def process(self, metadata):
        self._read.inc()
        batch = []
        for line in read_lines(metadata.path):
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
    """The lines of the files a glob matches, as batches of bytes (see :func:`read_lines`), files spread over
    workers. The collector's raw-bad files are read with it too."""

    def __init__(self, glob: str, batch: int, label: str | None = None):
        super().__init__(label)
        self._glob = glob
        self._batch = batch

    def expand(self, pbegin):
        return (pbegin
                | "MatchFiles" >> fileio.MatchFiles(self._glob)
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadFiles" >> beam.ParDo(_ReadFilesFn(self._batch)))


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


