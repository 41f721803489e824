"""Sources of raw records: files of base64 Thrift lines, and the collector's raw-bad files."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime

import apache_beam as beam
import orjson
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms import badrows
from transforms.badrows import BAD_ROW_TYPES, RAW_BAD, BadRow

_BADROW_SCHEMA = re.compile(r"^iglu:com\.snowplowanalytics\.snowplow\.badrows/([a-z_]+)/jsonschema/\d+-\d+-\d+$")


def input_fingerprint(*globs: str | None) -> str:
    """A short digest of the files the globs match (paths and sizes): the run's file-name stem.

    The same input gives the same output file names, so a rerun replaces rather than duplicates.
    """
    lines = []
    for glob in globs:
        if glob:
            for match in FileSystems.match([glob]):
                lines.extend(f"{m.path}\t{m.size_in_bytes}" for m in match.metadata_list)
    if not lines:
        raise FileNotFoundError(f"no input file matches {', '.join(g for g in globs if g)}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16]


class ReadRawRecords(beam.PTransform):
    """Lines of base64-encoded Thrift CollectorPayloads from files (plain or .gz; local or s3://)."""

    def __init__(self, glob: str, label: str | None = None):
        super().__init__(label)
        self._glob = glob

    def expand(self, pbegin):
        return pbegin | "ReadLines" >> beam.io.ReadFromText(self._glob)


def parse_collector_bad_row(line: str) -> BadRow:
    """A line of the collector's raw-bad files; anything unreadable is kept as a generic_error row."""
    try:
        row = orjson.loads(line)
        match = _BADROW_SCHEMA.match(str(row.get("schema", ""))) if isinstance(row, dict) else None
        if not (match and match.group(1) in BAD_ROW_TYPES and isinstance(row.get("data"), dict)):
            raise ValueError("not a self-describing bad row of a known type")
        stamp = row["data"].get("failure", {}).get("timestamp")
        partition_ms = int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
    except (ValueError, TypeError, AttributeError) as exc:
        return BadRow(RAW_BAD, badrows.now_ms(), badrows.generic_error(
            line, [f"unreadable line in the collector's raw-bad output ({type(exc).__name__})"],
            badrows.now_ms()).row)
    return BadRow(RAW_BAD, partition_ms, row)


class _ParseCollectorBadRowFn(beam.DoFn):
    def __init__(self):
        self._rows = Metrics.counter("snowplow", "collector_bad_rows")

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
                | "ReadLines" >> beam.io.ReadFromText(self._glob)
                | "ParseBadRows" >> beam.ParDo(_ParseCollectorBadRowFn()))
