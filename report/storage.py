"""Where the report reads the lake: a local folder or ``s3://bucket/prefix`` (pyarrow's S3 filesystem and the
standard AWS environment; ``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL`` for an emulator), listed into typed
hourly partitions with the layout of :mod:`snowplow_beam.lake.layout`.

The partitions come from the paths ``<output>/date=YYYY-MM-DD/hour=HH/``; ``date`` and ``hour`` are typed here,
never inferred (DuckDB would read ``hour=09`` as VARCHAR, pyarrow as int32), and ``since``/``until`` prune on
them before anything is read. ``_temporary/`` and hidden files are skipped.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from snowplow_beam.lake.layout import OUTPUTS, finished_partition, list_finished_files, partition_hour


@dataclass(frozen=True)
class Partition:
    """The finished files of one output in one hour (``start``, UTC)."""

    output: str
    start: datetime
    files: tuple[str, ...]
    bytes: int


class LocalLake:
    """A lake in a local folder."""

    remote = False

    def __init__(self, root: str):
        self.root = Path(root)
        self.name = str(root)

    def exists(self) -> bool:
        return self.root.is_dir()

    def list_files(self, output: str) -> list[tuple[str, str, int]]:
        """``(partition path "date=…/hour=…", file path, size)`` of every finished file of an output."""
        return [(file.partition, file.path, file.size) for file in list_finished_files(self.root, output)]

    def local_files(self, files: Iterable[str], scratch: Path) -> list[str]:
        return list(files)


class S3Lake:
    """A lake under ``s3://bucket/prefix``, through pyarrow's S3 filesystem."""

    remote = True

    def __init__(self, url: str, filesystem=None):
        from pyarrow import fs as pafs

        self.name = url
        self.path = url[len("s3://"):].rstrip("/")
        if filesystem is None:
            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if not region and not endpoint:
                try:  # the bucket's own region (one HEAD request)
                    region = pafs.resolve_s3_region(self.path.split("/", 1)[0])
                except (OSError, ValueError):
                    region = None
            kwargs = {"region": region or "us-east-1"}
            if endpoint:
                kwargs["endpoint_override"] = endpoint
                kwargs["scheme"] = "https" if endpoint.startswith("https") else "http"
            filesystem = pafs.S3FileSystem(**kwargs)
        self.fs = filesystem

    def exists(self) -> bool:
        from pyarrow import fs as pafs

        info = self.fs.get_file_info(self.path)
        if info.type == pafs.FileType.Directory:
            return True
        # S3 has no folders: a prefix "exists" when something is under it.
        return any(True for _ in self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True)))

    def list_files(self, output: str) -> list[tuple[str, str, int]]:
        from pyarrow import fs as pafs

        base = f"{self.path}/{output}"
        found = []
        for info in self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True)):
            if info.type != pafs.FileType.File:
                continue
            partition = finished_partition(output, info.path[len(base) + 1:])
            if partition:
                found.append((partition, info.path, info.size or 0))
        return found

    def local_files(self, files: Iterable[str], scratch: Path) -> list[str]:
        """Copies of the files in ``scratch`` (for the formats read from local files)."""
        copies = []
        for index, remote in enumerate(files):
            target = scratch / f"{index:05d}-{remote.rsplit('/', 1)[-1]}"
            with self.fs.open_input_stream(remote) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            copies.append(str(target))
        return copies


def open_lake(root: str) -> LocalLake | S3Lake:
    root = str(root)
    if root.startswith("s3://"):
        return S3Lake(root)
    if "://" in root:
        raise ValueError(f"unsupported lake URL {root!r}: a local folder or s3://bucket/prefix")
    return LocalLake(root)


def list_partitions(lake, since: datetime | None = None, until: datetime | None = None) -> list[Partition]:
    """Every partition of the three outputs between ``since`` and ``until`` (hours, inclusive), in time order."""
    partitions = []
    for output in OUTPUTS:
        groups: dict[str, list[tuple[str, int]]] = {}
        for key, path, size in lake.list_files(output):
            groups.setdefault(key, []).append((path, size))
        for key, files in groups.items():
            part = Partition(output, partition_hour(key), tuple(sorted(p for p, _ in files)),
                             sum(s for _, s in files))
            if (since and part.start < since) or (until and part.start > until):
                continue
            partitions.append(part)
    return sorted(partitions, key=lambda p: (p.start, OUTPUTS.index(p.output)))

