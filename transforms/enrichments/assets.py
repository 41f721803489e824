"""Enrichment assets (referer database, MaxMind databases, ua-parser rules): where they are and reading them.

An asset is named as Snowplow's configs name it, by a ``uri`` (a directory) and a ``database`` (a file
name in it): :func:`location` joins them. Locations can be

- ``s3://bucket/key``, ``gs://...`` or any other scheme the pipeline's file reader reads (Apache Beam's
  ``FileSystems``; credentials and endpoint from the usual AWS environment, e.g. ``AWS_ENDPOINT_URL``);
- ``http://`` or ``https://`` URLs (fetched once, with a timeout);
- ``file:///absolute/path`` or a plain local path;
- ``builtin:PATH``: a file shipped with this project, ``PATH`` relative to the ``transforms`` package
  (``builtin:data`` + ``referers.json`` is the shipped referer database).

Every asset is read once per process and kept (:func:`read_bytes`, :func:`local_path`): enrichments
are built once per worker, and two enrichments naming the same asset share it.

Those remote schemes are read with the :class:`transforms.files.Files` that
:func:`transforms.enrichments.load_enrichments` was given, for the time it builds an enrichment
(:func:`reading_assets_with`). A context variable rather than an argument: each enrichment is built by its
Snowplow-shaped ``from_config(data)``, which names its assets deep inside (a MaxMind database opened by
the enrichment's constructor); the reader reaches them without every enrichment passing it on, and only
while ``load_enrichments`` builds them.
"""
from __future__ import annotations

import os
import tempfile
import threading
import urllib.request
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import unquote, urlsplit

from snowplow_beam.transforms.files import Files

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the ``transforms`` package
HTTP_TIMEOUT_S = 60

_BYTES: dict[str, bytes] = {}
_PATHS: dict[str, str] = {}
_LOCK = threading.Lock()
_DOWNLOADS: str | None = None
_FILES: ContextVar[Files | None] = ContextVar("enrichment_asset_files", default=None)


class AssetError(ValueError):
    """An asset that cannot be read; the message names its location."""


def location(uri: str, database: str) -> str:
    """Snowplow's ``uri`` + ``database``: the database file inside the ``uri`` directory."""
    return uri.rstrip("/") + "/" + database.lstrip("/")


def _local(where: str) -> str | None:
    """The local file system path of ``where``, or None if it is remote."""
    parts = urlsplit(where)
    if parts.scheme == "builtin":
        return str(PACKAGE_ROOT / where[len("builtin:"):].lstrip("/"))
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise AssetError(f"{where}: file URIs must name a local path (file:///path)")
        return unquote(parts.path)
    if parts.scheme == "":
        return where
    return None


def _fetch(where: str) -> bytes:
    local = _local(where)
    try:
        if local is not None:
            return Path(local).read_bytes()
        scheme = urlsplit(where).scheme
        if scheme in ("http", "https"):
            with urllib.request.urlopen(where, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310 (http/https only)
                return response.read()
        files = _FILES.get()
        if files is None:
            raise AssetError(f"cannot read the asset {where}: no file reader for its scheme")
        return files.read_bytes(where)
    except AssetError:
        raise
    except Exception as exc:  # any client error: the message says where and what kind of failure
        raise AssetError(f"cannot read the asset {where}: {type(exc).__name__}: {exc}"[:1000]) from None


@contextmanager
def reading_assets_with(files: Files | None):
    """Within this block, remote assets (``s3://``, ``gs://``...) are read with ``files``."""
    token = _FILES.set(files)
    try:
        yield
    finally:
        _FILES.reset(token)


def read_bytes(where: str) -> bytes:
    """The content of the asset at ``where``, read once per process."""
    with _LOCK:
        content = _BYTES.get(where)
        if content is None:
            content = _BYTES[where] = _fetch(where)
        return content


def local_path(where: str) -> str:
    """A local file holding the asset at ``where`` (remote assets are downloaded once per process).

    For readers that want a file (MaxMind databases are memory-mapped rather than copied into the heap).
    """
    global _DOWNLOADS
    local = _local(where)
    if local is not None:
        if not Path(local).is_file():
            raise AssetError(f"cannot read the asset {where}: no such file")
        return local
    with _LOCK:
        path = _PATHS.get(where)
        if path is not None and Path(path).is_file():
            return path
    content = _fetch(where)
    with _LOCK:
        if _DOWNLOADS is None:
            _DOWNLOADS = tempfile.mkdtemp(prefix="enrichment-assets-")
        handle, path = tempfile.mkstemp(dir=_DOWNLOADS, suffix="-" + Path(urlsplit(where).path).name)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        _PATHS[where] = path
        return path
