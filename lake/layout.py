"""The lake's layout: the one place that knows where each file goes and what it is called.

Under the lake's ``ROOT`` (a local folder or ``s3://bucket/prefix``)::

    good/date=YYYY-MM-DD/hour=HH/part-<run>-<shard>.parquet                      batch run (or .tsv)
    good/date=YYYY-MM-DD/hour=HH/stream-<window start>-<seconds>s-p<pane>-<shard>.parquet   streaming window
    good/date=YYYY-MM-DD/hour=HH/part-recovered-<digest>-000.parquet             recovered events
    enriched_bad/date=YYYY-MM-DD/hour=HH/<the same names>.json                   bad rows, one JSON a line
    raw_bad/date=YYYY-MM-DD/hour=HH/<the same names>.json
    _temporary/<run>/  _temporary/streaming/                                     files being written

Partitions are UTC hours of the collector timestamp (of the failure, for a raw-bad row without one). Names come
from the input (run), the window or the recovered events only, so writing the same data again replaces files
instead of adding duplicates. A file is written under ``_temporary/`` and renamed into place when complete:
readers skip ``_temporary/`` and hidden files, and never see half a file.

Plain Python (no Beam, no pyarrow): the pipeline's writers, recover, the report and the warehouse loader all
read the layout from here.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable

GOOD = "good"
ENRICHED_BAD = "enriched_bad"
RAW_BAD = "raw_bad"
OUTPUTS = (GOOD, ENRICHED_BAD, RAW_BAD)
BAD_OUTPUTS = (ENRICHED_BAD, RAW_BAD)

PARQUET = ".parquet"
TSV = ".tsv"
JSON_LINES = ".json"
SUFFIXES = {GOOD: (PARQUET, TSV), ENRICHED_BAD: (JSON_LINES,), RAW_BAD: (JSON_LINES,)}

TEMPORARY = "_temporary"
STREAMING_RUN = "streaming"  # the temporary area of streaming writers: _temporary/streaming/

PARTITION_GLOB = "date=*/hour=*"
# The event field partitions are cut by (its UTC hour): the pseudonymization policy must keep it in clear.
PARTITION_FIELD = "collector_tstamp"
MS_PER_HOUR = 3_600_000
_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})/hour=(\d{1,2})$")
_RECOVERED_PREFIX = "part-recovered-"


# ---- partitions ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _hour_path(hour: int) -> str:
    moment = datetime.fromtimestamp(hour * 3600, tz=timezone.utc)
    return f"date={moment:%Y-%m-%d}/hour={moment:%H}"


def partition_path(millis: int) -> str:
    """``date=YYYY-MM-DD/hour=HH`` of a UTC timestamp in milliseconds."""
    return _hour_path(millis // MS_PER_HOUR)


def event_partition(event: dict) -> str:
    """The partition of a good event: the hour of its collector timestamp."""
    return partition_path(event[PARTITION_FIELD])


def partition_dir(output: str, partition: str) -> str:
    """``good/date=YYYY-MM-DD/hour=HH``: a partition's folder under the lake's root."""
    return f"{output}/{partition}"


def partition_hour(partition: str) -> datetime | None:
    """The UTC hour a ``date=YYYY-MM-DD/hour=HH`` path stands for; None for a path that is not a partition."""
    match = _PARTITION.match(partition)
    if not match:
        return None
    try:
        day = datetime.strptime(match.group(1), "%Y-%m-%d")
        return day.replace(hour=int(match.group(2)), tzinfo=timezone.utc)
    except ValueError:  # 2025-02-30, hour=24
        return None


def partitions_between(start: datetime, end: datetime) -> list[str]:
    """The ``date=YYYY-MM-DD/hour=HH`` partitions that overlap ``[start, end)``."""
    first = int(start.timestamp() * 1000) // MS_PER_HOUR
    last = -(-int(end.timestamp() * 1000) // MS_PER_HOUR)  # exclusive, rounded up
    return [_hour_path(hour) for hour in range(first, last)]


# ---- file names ---------------------------------------------------------------------------------------------

def batch_file_name(run_id: str, shard: int, suffix: str) -> str:
    """``part-<run>-000.parquet``: a batch run's file of one partition and shard."""
    return f"part-{run_id}-{shard:03d}{suffix}"


def stream_file_name(window_start_s: float, window_seconds: int, pane_index: int, shard: int, suffix: str) -> str:
    """``stream-20261128T090100Z-60s-p0-000.parquet``: a streaming file's name from its window, pane and shard."""
    start = datetime.fromtimestamp(window_start_s, tz=timezone.utc)
    return f"stream-{start:%Y%m%dT%H%M%SZ}-{window_seconds}s-p{pane_index}-{shard:03d}{suffix}"


def recovered_file_name(partition: str, event_ids: Iterable[str], suffix: str) -> str:
    """``part-recovered-<digest>-000<suffix>``: the same recovered events of a partition give the same name."""
    digest = hashlib.sha256("\n".join([partition, *sorted(event_ids)]).encode("utf-8")).hexdigest()[:16]
    return f"{_RECOVERED_PREFIX}{digest}-000{suffix}"


# ---- the temporary area -------------------------------------------------------------------------------------

def temporary_dir(root: str, run: str) -> str:
    """``ROOT/_temporary/<run>``: where a run's files are written before they are renamed into place."""
    return f"{root.rstrip('/')}/{TEMPORARY}/{run}"


def temporary_path(root: str, run: str, suffix: str) -> str:
    """A fresh file name in a run's temporary area (unique, so that retried attempts never share a file)."""
    return f"{temporary_dir(root, run)}/{uuid.uuid4().hex}{suffix}"


# ---- finished files -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LakeFile:
    """A finished file of the lake: its output, its partition (``date=…/hour=…``), where it is and its size."""

    output: str
    partition: str
    path: str
    size: int


def is_finished_name(name: str, suffixes: tuple[str, ...]) -> bool:
    """A file a reader takes: not hidden, not ``_``-prefixed (being written elsewhere), of one of ``suffixes``."""
    return not name.startswith((".", "_")) and name.endswith(suffixes)


def finished_partition(output: str, relative: str, suffixes: tuple[str, ...] | None = None) -> str | None:
    """The partition of a file at ``relative`` (its path under ``ROOT/<output>/``) when it is a finished file of
    that output (``date=…/hour=…/<name>``, a suffix of the output's, or of ``suffixes``); else None."""
    parts = relative.strip("/").split("/")
    if len(parts) != 3 or not is_finished_name(parts[2], suffixes or SUFFIXES[output]):
        return None
    partition = f"{parts[0]}/{parts[1]}"
    return partition if partition_hour(partition) else None


def list_finished_files(root: str | Path, output: str, suffixes: tuple[str, ...] | None = None) -> list[LakeFile]:
    """The finished files of one output of a lake in a local folder, sorted by path (``_temporary/`` is outside
    every output, hidden files and other suffixes are skipped)."""
    base = Path(root) / output
    found = []
    if base.is_dir():
        for path in base.glob(f"{PARTITION_GLOB}/*"):
            partition = finished_partition(output, path.relative_to(base).as_posix(), suffixes)
            if partition and path.is_file():
                found.append(LakeFile(output, partition, str(path), path.stat().st_size))
    return sorted(found, key=lambda file: file.path)
