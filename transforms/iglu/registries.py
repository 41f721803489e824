"""Where schemas are read from: Iglu repositories (registries), each asked with its retries.

* `EmbeddedRepository`: a registry on the local file system with the static-registry layout,
  ``root/<vendor>/<name>/<format>/<version>``; ``root=None`` is the registry shipped in
  ``transforms/iglu_registry/schemas`` (`BUILTIN_REGISTRY`).
* `HttpRepository`: ``GET U/schemas/<vendor>/<name>/<format>/<version>`` with an ``apikey`` header when one is set
  (Iglu Server: ``U`` ends in ``/api``). 404 is NotFound; connection errors, timeouts, 5xx, 408, 429 and unparsable
  bodies are RepoFailure (retried with backoff, ``attempts`` tries in all); other 4xx (bad API key, ...) are
  ClientFailure (not retried).
* `repository_from_config`: one item of the ``repositories`` of a resolver config (``embedded`` or ``http``).
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from snowplow_beam.transforms.backoff import Backoff
from snowplow_beam.transforms.iglu.errors import bounded_message
from snowplow_beam.transforms.iglu.keys import SchemaKey

#: Root of the registry shipped with this package (``<vendor>/<name>/<format>/<version>`` below it).
BUILTIN_REGISTRY = Path(__file__).resolve().parent.parent / "iglu_registry" / "schemas"
#: Name of the built-in embedded registry in lookup histories (the Scala client's name for it).
BUILTIN_REPOSITORY_NAME = "Iglu Client Embedded"


class _NotFound(Exception):
    pass


class _RepoFailure(Exception):
    kind = "RepoFailure"


class _ClientFailure(Exception):
    kind = "ClientFailure"


class Answer(NamedTuple):
    """What one repository said about a schema key, after its retries."""

    schema: dict | None  # None: not there, or the repository failed
    errors: list[dict]   # lookupHistory errors: {"error": "NotFound"|"RepoFailure"|"ClientFailure", "message"?}
    attempts: int
    failed: bool         # the last attempt failed (RepoFailure / ClientFailure), rather than found nothing


def _unsafe(key: SchemaKey) -> bool:
    # The vendor grammar allows "." and ".."; never let them walk out of a registry root or URL path.
    return key.vendor.strip(".") == ""


class Repository:
    """One registry of a resolver: its name, ``priority`` and ``vendorPrefixes`` (which decide the lookup order)."""

    class_priority = 0  # embedded registries are asked before HTTP ones of the same rank
    remote = False
    retryable = False

    def __init__(self, name: str, priority: float = 0, vendor_prefixes: Iterable[str] = ()):
        self.name = name
        self.priority = priority
        self.vendor_prefixes = tuple(vendor_prefixes)

    def matches_vendor(self, vendor: str) -> bool:
        return any(vendor.startswith(p) for p in self.vendor_prefixes)

    def fetch(self, key: SchemaKey, timeout: float) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def ask(self, key: SchemaKey, *, attempts: int, backoff: Backoff, timeout: float,
            sleep: Callable[[float], None]) -> Answer:
        """Fetch ``key``, trying a retryable repository up to ``attempts`` times while it fails."""
        tries = attempts if self.retryable else 1
        errors: list[dict] = []
        failed = False
        attempt = 0
        while attempt < tries:
            attempt += 1
            try:
                schema = self.fetch(key, timeout)
            except _NotFound:
                errors.append({"error": "NotFound"})
                failed = False
                break
            except (_RepoFailure, _ClientFailure) as exc:
                error = {"error": exc.kind, "message": bounded_message(str(exc))}
                if error not in errors:
                    errors.append(error)
                failed = True
                if isinstance(exc, _ClientFailure) or attempt >= tries:
                    break
                sleep(backoff.delay(attempt))
            else:
                return Answer(schema, errors, attempt, False)
        return Answer(None, errors, attempt, failed)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, priority={self.priority}, vendor_prefixes={self.vendor_prefixes})"


class EmbeddedRepository(Repository):
    """A registry on the local file system: ``root/<vendor>/<name>/<format>/<version>``.
    ``root=None`` is the registry shipped with this package."""

    class_priority = 0

    def __init__(self, name: str, priority: float = 0, vendor_prefixes: Iterable[str] = (), root: str | Path | None = None):
        super().__init__(name, priority, vendor_prefixes)
        self.root = Path(root) if root is not None else BUILTIN_REGISTRY

    def fetch(self, key: SchemaKey, timeout: float) -> dict:
        if _unsafe(key):
            raise _NotFound()
        path = self.root / key.vendor / key.name / key.format / key.version
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise _NotFound() from None
        except OSError as exc:
            raise _RepoFailure(f"cannot read {path}: {exc}") from None
        return _schema_object(raw, str(path))


def _schema_object(raw: bytes, where: str) -> dict:
    """A registry's answer parsed as a JSON schema object; anything else is a failure of that repository."""
    try:
        schema = json.loads(raw)
    except ValueError as exc:
        raise _RepoFailure(f"invalid JSON from {where}: {exc}") from None
    if not isinstance(schema, dict):
        raise _RepoFailure(f"the schema from {where} is not a JSON object")
    return schema


class HttpRepository(Repository):
    """A static Iglu registry or an Iglu Server (``uri`` ending in ``/api``)."""

    class_priority = 1
    remote = True
    retryable = True

    def __init__(self, name: str, priority: float = 0, vendor_prefixes: Iterable[str] = (), uri: str = "", apikey: str | None = None):
        super().__init__(name, priority, vendor_prefixes)
        if not uri:
            raise ValueError(f"repository {name!r}: http connection needs a uri")
        self.uri = uri.rstrip("/")
        self.apikey = apikey
        self._opener = urllib.request.build_opener()

    def fetch(self, key: SchemaKey, timeout: float) -> dict:
        if _unsafe(key):
            raise _NotFound()
        url = f"{self.uri}/schemas/{key.path()}"
        headers = {"Accept": "application/json", "User-Agent": "snowplow-beam-pipeline-iglu"}
        if self.apikey:
            headers["apikey"] = self.apikey
        request = urllib.request.Request(url, headers=headers, method="GET")
        try:
            with self._opener.open(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404:
                raise _NotFound() from None
            if exc.code >= 500 or exc.code in (408, 429):
                raise _RepoFailure(f"HTTP {exc.code} {exc.reason} from {url}") from None
            raise _ClientFailure(f"HTTP {exc.code} {exc.reason} from {url}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _RepoFailure(f"cannot reach {url}: {reason}") from None
        return _schema_object(body, url)


def repository_from_config(conf: Any) -> Repository:
    """One repository of a resolver config. An embedded ``path`` that is an existing directory is read as a local
    registry (``P/schemas/...``, or ``P/...`` when ``P`` has no ``schemas`` subdirectory); any other path
    (``/iglu-embedded``, the usual classpath prefix of the Scala client) means the registry shipped with this
    package. Raises ValueError when the item is malformed."""
    if not isinstance(conf, dict):
        raise ValueError("resolver config: each repository must be a JSON object")
    name = conf.get("name")
    if not isinstance(name, str):
        raise ValueError("resolver config: repository name must be a string")
    priority = conf.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, (int, float)):
        raise ValueError(f"resolver config: repository {name!r}: priority must be a number")
    prefixes = conf.get("vendorPrefixes", [])
    if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
        raise ValueError(f"resolver config: repository {name!r}: vendorPrefixes must be an array of strings")
    connection = conf.get("connection")
    if not isinstance(connection, dict) or len(connection) != 1:
        raise ValueError(f"resolver config: repository {name!r}: connection must have exactly one of embedded, http")
    if "embedded" in connection:
        path = (connection["embedded"] or {}).get("path")
        if not isinstance(path, str):
            raise ValueError(f"resolver config: repository {name!r}: embedded.path must be a string")
        local = Path(path)
        root: Path | None = None
        if local.is_dir():
            root = local / "schemas" if (local / "schemas").is_dir() else local
        return EmbeddedRepository(name, priority, prefixes, root)
    if "http" in connection:
        http_conf = connection["http"] or {}
        uri = http_conf.get("uri")
        if not isinstance(uri, str) or not uri:
            raise ValueError(f"resolver config: repository {name!r}: http.uri must be a string")
        apikey = http_conf.get("apikey")
        if apikey is not None and not isinstance(apikey, str):
            raise ValueError(f"resolver config: repository {name!r}: http.apikey must be a string or null")
        return HttpRepository(name, priority, prefixes, uri, apikey)
    raise ValueError(f"resolver config: repository {name!r}: unknown connection {sorted(connection)}")
