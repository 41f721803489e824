"""Iglu resolver and JSON-schema validator, as plain Python (no Beam imports).

What is here, following the Iglu Scala client that Snowplow enrich uses:

* `SchemaKey` / `SchemaCriterion`: ``iglu:vendor/name/format/M-R-A`` and ``iglu:vendor/name/format/1-*-*``.
* `Resolver`: looks schemas up in registries, in this order:

  1. the built-in embedded registry shipped in ``transforms/iglu_registry/schemas`` (always first;
     it appears as ``"Iglu Client Embedded"`` in lookup histories);
  2. the repositories of the resolver config (``com.snowplowanalytics.iglu/resolver-config`` 1-0-0 .. 1-0-3),
     sorted by: ``vendorPrefixes`` matching the schema vendor first, then embedded before HTTP, then
     ``priority`` ascending (config order breaks ties). Every repository is tried until one has the schema.

  Connections:

  * ``{"embedded": {"path": P}}``: if ``P`` is an existing directory on disk it is read as a local registry
    with the static-registry layout, ``P/schemas/<vendor>/<name>/<format>/<version>`` (or
    ``P/<vendor>/<name>/<format>/<version>`` when ``P`` has no ``schemas`` subdirectory). Any other path
    (``/iglu-embedded``, the usual classpath prefix of the Scala client) means the registry shipped with
    this package.
  * ``{"http": {"uri": U, "apikey": K}}``: ``GET U/schemas/<vendor>/<name>/<format>/<version>`` with an
    ``apikey`` header when ``K`` is set (Iglu Server: ``U`` ends in ``/api``). 404 is ``NotFound``;
    connection errors, timeouts, 5xx, 408, 429 and unparsable bodies are ``RepoFailure`` (retried with
    exponential backoff, ``attempts`` tries in all); other 4xx (bad API key, ...) are ``ClientFailure``
    (not retried).

  Outcome of a lookup:

  * a repository has the schema: the schema (a dict; shared and cached, do not mutate it);
  * otherwise `IgluSystemError` (the pipeline must stop rather than turn traffic into bad rows) when
    there is at least one HTTP repository and either every HTTP repository failed (RepoFailure /
    ClientFailure after its retries), or an HTTP repository whose ``vendorPrefixes`` match the schema's
    vendor failed (the registry responsible for that vendor could not be asked). NotFound answers of
    embedded registries do not count as answers here: they are local and cannot be "down";
  * otherwise `SchemaNotFound`, whose ``lookup_history`` is the ``lookupHistory`` of the ``ResolutionError``
    in a ``schema_violations`` bad row.

  Both hits and not-found results are cached in an LRU of ``cacheSize`` entries that expire after
  ``cacheTtl`` seconds (never when ``cacheTtl`` is absent/null); system errors are not cached. The cache is
  thread-safe, and concurrent lookups of the same key wait for a single resolution (single-flight).

* `Validator`: validates self-describing JSON (``{"schema": "iglu:...", "data": ...}``) and returns failure
  messages shaped as the items of ``failure.messages`` in
  ``com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1``. Each schema is compiled once
  with ``fastjsonschema`` (draft-04; the Iglu ``$schema`` and ``self`` keywords are stripped, remote ``$ref``
  is refused); only when that says "invalid" is ``jsonschema`` (Draft4Validator, same format checks) run to
  collect every error for ``dataReports``. Formats checked by both: date-time, email, hostname, ipv4, ipv6,
  uri (fastjsonschema's draft-04 regexes), uuid and regex; other formats are not asserted.

Nothing here touches the network at import time; `Resolver.from_config` does no I/O besides stat-ing
embedded paths, so it is cheap to call in ``DoFn.setup``.
"""
from __future__ import annotations

import copy
import datetime
import functools
import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import fastjsonschema
from fastjsonschema.draft04 import CodeGeneratorDraft04

__all__ = [
    "SchemaKey",
    "SchemaCriterion",
    "InvalidSchemaKey",
    "IgluSystemError",
    "SchemaNotFound",
    "EmbeddedRepository",
    "HttpRepository",
    "Resolver",
    "Validator",
    "BUILTIN_REGISTRY",
    "BUILTIN_REPOSITORY_NAME",
]

#: Root of the registry shipped with this package (``<vendor>/<name>/<format>/<version>`` below it).
BUILTIN_REGISTRY = Path(__file__).resolve().parent / "iglu_registry" / "schemas"
#: Name of the built-in embedded registry in lookup histories (the Scala client's name for it).
BUILTIN_REPOSITORY_NAME = "Iglu Client Embedded"

# iglu-core: vendor [a-zA-Z0-9-_.]+, name and format [a-zA-Z0-9-_]+, SchemaVer M-R-A with M >= 1, no leading zeros.
_PART = r"[a-zA-Z0-9\-_]+"
_VENDOR = r"[a-zA-Z0-9\-_.]+"
_URI_RE = re.compile(
    rf"iglu:({_VENDOR})/({_PART})/({_PART})/([1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))"
)
_LOOSE_URI_RE = re.compile(rf"iglu:{_VENDOR}/{_PART}/{_PART}/[^/]*")
_CRITERION_RE = re.compile(
    rf"iglu:({_VENDOR})/({_PART})/({_PART})/([1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)"
)

_KEY_CACHE: dict[str, "SchemaKey"] = {}
_KEY_CACHE_MAX = 10_000


# --------------------------------------------------------------------------------------------------------------
# Schema keys and criteria
# --------------------------------------------------------------------------------------------------------------


class InvalidSchemaKey(ValueError):
    """An Iglu URI that cannot be parsed. ``code`` is the NotIglu error of the bad row:
    ``INVALID_SCHEMAVER`` (well-formed URI with a bad version such as ``01-0-0``) or ``INVALID_IGLUURI``."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class SchemaKey:
    """Coordinates of one schema: ``iglu:vendor/name/format/MODEL-REVISION-ADDITION``."""

    vendor: str
    name: str
    format: str
    version: str

    @classmethod
    def parse(cls, uri: str) -> "SchemaKey":
        """Parse ``iglu:vendor/name/format/M-R-A``; raises `InvalidSchemaKey` (a ValueError) if invalid."""
        if not isinstance(uri, str):
            raise InvalidSchemaKey(f"Iglu URI must be a string, not {type(uri).__name__}", "INVALID_IGLUURI")
        key = _KEY_CACHE.get(uri)
        if key is not None:
            return key
        m = _URI_RE.fullmatch(uri)
        if m is None:
            if _LOOSE_URI_RE.fullmatch(uri):
                raise InvalidSchemaKey(f"invalid SchemaVer in Iglu URI {uri[:200]!r}", "INVALID_SCHEMAVER")
            raise InvalidSchemaKey(f"invalid Iglu URI {uri[:200]!r}", "INVALID_IGLUURI")
        key = cls(*m.groups())
        if len(_KEY_CACHE) >= _KEY_CACHE_MAX:
            _KEY_CACHE.clear()
        _KEY_CACHE[uri] = key
        return key

    def to_uri(self) -> str:
        return f"iglu:{self.vendor}/{self.name}/{self.format}/{self.version}"

    def path(self) -> str:
        return f"{self.vendor}/{self.name}/{self.format}/{self.version}"

    @property
    def model(self) -> int:
        return int(self.version.split("-", 1)[0])

    @property
    def revision(self) -> int:
        return int(self.version.split("-")[1])

    @property
    def addition(self) -> int:
        return int(self.version.split("-")[2])

    def __str__(self) -> str:
        return self.to_uri()


@dataclass(frozen=True, slots=True)
class SchemaCriterion:
    """``iglu:vendor/name/format/M-R-A`` where any of M, R, A may be ``*`` (stored as None)."""

    vendor: str
    name: str
    format: str
    model: int | None
    revision: int | None
    addition: int | None

    @classmethod
    def parse(cls, text: str) -> "SchemaCriterion":
        if not isinstance(text, str):
            raise ValueError(f"schema criterion must be a string, not {type(text).__name__}")
        m = _CRITERION_RE.fullmatch(text)
        if m is None:
            raise ValueError(f"invalid schema criterion {text[:200]!r}")
        vendor, name, fmt, *ver = m.groups()
        model, revision, addition = (None if v == "*" else int(v) for v in ver)
        return cls(vendor, name, fmt, model, revision, addition)

    def matches(self, key: SchemaKey) -> bool:
        if key.vendor != self.vendor or key.name != self.name or key.format != self.format:
            return False
        m, r, a = (int(p) for p in key.version.split("-"))
        return (
            (self.model is None or self.model == m)
            and (self.revision is None or self.revision == r)
            and (self.addition is None or self.addition == a)
        )

    def to_uri(self) -> str:
        ver = "-".join("*" if v is None else str(v) for v in (self.model, self.revision, self.addition))
        return f"iglu:{self.vendor}/{self.name}/{self.format}/{ver}"

    def __str__(self) -> str:
        return self.to_uri()


# --------------------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------------------


class IgluSystemError(RuntimeError):
    """No registry could answer (RepoFailure / ClientFailure after retries): a system error, not a bad row."""

    def __init__(self, message: str, schema_key: SchemaKey | None = None, lookup_history: list | None = None):
        super().__init__(message)
        self.schema_key = schema_key
        self.lookup_history = lookup_history or []


class SchemaNotFound(LookupError):
    """No repository has the schema. ``lookup_history`` is shaped as the bad row's ResolutionError lookupHistory:
    ``[{"repository", "errors": [{"error": "NotFound"|"RepoFailure"|"ClientFailure", "message"?}],
    "attempts", "lastAttempt"}]``."""

    def __init__(self, schema_key: SchemaKey, lookup_history: list[dict]):
        super().__init__(f"schema {schema_key.to_uri()} not found in any Iglu repository")
        self.schema_key = schema_key
        self.lookup_history = lookup_history


class _NotFound(Exception):
    pass


class _RepoFailure(Exception):
    kind = "RepoFailure"


class _ClientFailure(Exception):
    kind = "ClientFailure"


def _now_iso() -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _message(text: str) -> str:
    return text if len(text) <= 256 else text[:253] + "..."


# --------------------------------------------------------------------------------------------------------------
# Repositories
# --------------------------------------------------------------------------------------------------------------


def _unsafe(key: SchemaKey) -> bool:
    # The vendor grammar allows "." and ".."; never let them walk out of a registry root or URL path.
    return key.vendor.strip(".") == ""


class _Repository:
    class_priority = 0
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, priority={self.priority}, vendor_prefixes={self.vendor_prefixes})"


class EmbeddedRepository(_Repository):
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


class HttpRepository(_Repository):
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


# --------------------------------------------------------------------------------------------------------------
# Resolver
# --------------------------------------------------------------------------------------------------------------

_HIT = 0
_MISS = 1


class Resolver:
    """Resolves `SchemaKey` to JSON schemas; see the module docstring for order, errors and caching.

    ``attempts`` (tries per HTTP repository and lookup), ``backoff`` (first wait, doubled each retry, capped at
    ``max_backoff``), ``timeout`` (per HTTP request), ``clock`` (monotonic seconds, for the cache TTL) and
    ``sleep`` are injectable so tests stay fast.
    """

    def __init__(
        self,
        repositories: Sequence[_Repository] = (),
        cache_size: int = 500,
        cache_ttl: float | None = None,
        *,
        attempts: int = 3,
        backoff: float = 0.2,
        max_backoff: float = 5.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if attempts < 1:
            raise ValueError("attempts must be >= 1")
        self._builtin = EmbeddedRepository(BUILTIN_REPOSITORY_NAME, 0, (), None)
        self.repositories: list[_Repository] = list(repositories)
        self.cache_size = int(cache_size)
        self.cache_ttl = None if cache_ttl is None else float(cache_ttl)
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # key -> (expires_at | None, _HIT | _MISS, schema | lookup_history)
        self._cache: OrderedDict[SchemaKey, tuple] = OrderedDict()
        self._inflight: dict[SchemaKey, list] = {}  # key -> [lock, waiters]

    # -- construction ------------------------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: dict, **kwargs: Any) -> "Resolver":
        """Build from a resolver config: the self-describing JSON (``resolver-config`` 1-0-0 .. 1-0-3) or its
        ``data`` object. Raises ValueError when the config is malformed."""
        if not isinstance(config, dict):
            raise ValueError("resolver config must be a JSON object")
        data = config
        if "schema" in config:
            key = SchemaKey.parse(config["schema"])
            if (key.vendor, key.name, key.model) != ("com.snowplowanalytics.iglu", "resolver-config", 1):
                raise ValueError(f"not a resolver config: {key.to_uri()}")
            data = config.get("data")
            if not isinstance(data, dict):
                raise ValueError("resolver config: data must be a JSON object")
        cache_size = data.get("cacheSize")
        if isinstance(cache_size, bool) or not isinstance(cache_size, (int, float)):
            raise ValueError("resolver config: cacheSize must be a number")
        cache_ttl = data.get("cacheTtl")
        if cache_ttl is not None and (isinstance(cache_ttl, bool) or not isinstance(cache_ttl, (int, float)) or cache_ttl < 0):
            raise ValueError("resolver config: cacheTtl must be a non-negative integer or null")
        repos_conf = data.get("repositories")
        if not isinstance(repos_conf, list):
            raise ValueError("resolver config: repositories must be an array")
        repositories = [_repository_from_config(r) for r in repos_conf]
        return cls(repositories, cache_size=int(cache_size), cache_ttl=cache_ttl, **kwargs)

    @classmethod
    def from_file(cls, path: str, **kwargs: Any) -> "Resolver":
        """Read the resolver config JSON from a local path or ``s3://bucket/key`` (with boto3)."""
        path = str(path)
        if path.startswith("s3://"):
            import boto3  # only needed for S3-hosted configs

            bucket, _, obj = path[len("s3://"):].partition("/")
            if not bucket or not obj:
                raise ValueError(f"invalid S3 path {path!r}")
            body = boto3.client("s3").get_object(Bucket=bucket, Key=obj)["Body"].read()
        else:
            body = Path(path).read_bytes()
        return cls.from_config(json.loads(body), **kwargs)

    @classmethod
    def embedded(cls, **kwargs: Any) -> "Resolver":
        """Only the embedded registry shipped in ``transforms/iglu_registry``."""
        kwargs.setdefault("cache_size", 500)
        return cls([], **kwargs)

    # -- lookups -----------------------------------------------------------------------------------------------

    def lookup(self, key: SchemaKey) -> dict:
        """The schema for ``key``; raises `SchemaNotFound` or `IgluSystemError`. The returned dict is shared
        (cached): do not mutate it."""
        return self._lookup(key)[2]

    def _lookup(self, key: SchemaKey) -> tuple:
        """The cache entry ``(expires_at | None, _HIT, schema)`` for ``key``; raises as `lookup`."""
        entry = self._cache_get(key)
        if entry is not None:
            return self._unwrap(key, entry)
        with self._lock:
            flight = self._inflight.get(key)
            if flight is None:
                flight = self._inflight[key] = [threading.Lock(), 0]
            flight[1] += 1
        try:
            with flight[0]:
                entry = self._cache_get(key)  # resolved by another thread meanwhile?
                if entry is None:
                    entry = self._resolve(key)  # IgluSystemError propagates, uncached
                    self._cache_put(key, entry)
                return self._unwrap(key, entry)
        finally:
            with self._lock:
                flight[1] -= 1
                if flight[1] == 0 and self._inflight.get(key) is flight:
                    del self._inflight[key]

    def ordered_repositories(self, vendor: str) -> list[_Repository]:
        """Repositories in lookup order for a schema vendor (the built-in embedded registry first)."""
        ranked = sorted(
            self.repositories,
            key=lambda r: (0 if r.matches_vendor(vendor) else 1, r.class_priority, r.priority),
        )
        return [self._builtin, *ranked]

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _cache_get(self, key: SchemaKey):
        cache = self._cache
        with self._lock:
            entry = cache.get(key)
            if entry is None:
                return None
            expires = entry[0]
            if expires is not None and expires <= self._clock():
                del cache[key]
                return None
            cache.move_to_end(key)
            return entry

    def _cache_put(self, key: SchemaKey, entry: tuple) -> None:
        if self.cache_size <= 0:
            return
        with self._lock:
            self._cache[key] = entry
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    @staticmethod
    def _unwrap(key: SchemaKey, entry: tuple) -> tuple:
        if entry[1] == _HIT:
            return entry
        history = [dict(h, errors=[dict(e) for e in h["errors"]]) for h in entry[2]]
        raise SchemaNotFound(key, history)

    def _resolve(self, key: SchemaKey) -> tuple:
        history: list[dict] = []
        remote_total = remote_failed = 0
        responsible_failed = False
        for repo in self.ordered_repositories(key.vendor):
            tries = self.attempts if repo.retryable else 1
            errors: list[dict] = []
            failed = False
            attempt = 0
            while attempt < tries:
                attempt += 1
                try:
                    schema = repo.fetch(key, self.timeout)
                except _NotFound:
                    errors.append({"error": "NotFound"})
                    failed = False
                    break
                except (_RepoFailure, _ClientFailure) as exc:
                    error = {"error": exc.kind, "message": _message(str(exc))}
                    if error not in errors:
                        errors.append(error)
                    failed = True
                    if isinstance(exc, _ClientFailure) or attempt >= tries:
                        break
                    self._sleep(min(self.backoff * (2 ** (attempt - 1)), self.max_backoff))
                else:
                    return (self._expiry(), _HIT, schema)
            history.append({"repository": repo.name, "errors": errors, "attempts": attempt, "lastAttempt": _now_iso()})
            if repo.remote:
                remote_total += 1
                if failed:
                    remote_failed += 1
                    responsible_failed = responsible_failed or repo.matches_vendor(key.vendor)
        if remote_total and (remote_failed == remote_total or responsible_failed):
            summary = "; ".join(
                f"{h['repository']}: {h['errors'][-1].get('message', h['errors'][-1]['error'])}" for h in history
            )
            raise IgluSystemError(
                f"Iglu registries unavailable while resolving {key.to_uri()}: {summary}", key, history
            )
        return (self._expiry(), _MISS, history)

    def _expiry(self) -> float | None:
        return None if self.cache_ttl is None else self._clock() + self.cache_ttl


def _repository_from_config(conf: Any) -> _Repository:
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


# --------------------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------------------

_DRAFT4 = "http://json-schema.org/draft-04/schema#"
MAX_DATA_REPORTS = 100  # failures reported per schema in a bad row; the rest are left out
_STRIPPED_KEYWORDS = ("$schema", "self", "$supersededBy")
_SCHEMAVER_RE = re.compile(r"[0-9]{1,9}-[0-9]{1,9}-[0-9]{1,9}")
_MAX_SUPERSEDING = 10  # schemas followed in one $supersededBy chain

# The same format assertions for fastjsonschema (fast path) and jsonschema (error collection), so they agree.
# Event data meets these patterns, and some backtrack on long text (email's look-ahead is quadratic): each
# runs only on text no longer than a value of that format can be (RFC 5321, 1035, 3339, 4291); longer fails.
_FORMAT_REGEXES: dict[str, str] = dict(CodeGeneratorDraft04.FORMAT_REGEXS)
_FORMAT_REGEXES["uuid"] = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z"
_FORMAT_MAX_LENGTHS = {"email": 254, "hostname": 253, "date-time": 64, "ipv4": 15, "ipv6": 45, "uuid": 36}


def _format_check(name: str, pattern: str):
    compiled = re.compile(pattern)
    limit = _FORMAT_MAX_LENGTHS.get(name)
    if limit is None:  # linear patterns (uri)
        return lambda value: not isinstance(value, str) or compiled.match(value) is not None
    return lambda value: not isinstance(value, str) or (len(value) <= limit and compiled.match(value) is not None)


_FORMAT_CHECKS = {name: _format_check(name, pattern) for name, pattern in _FORMAT_REGEXES.items()}


def _refuse_remote_ref(uri: str):
    raise ValueError(f"remote $ref not supported: {uri}")


_NO_REMOTE = {scheme: _refuse_remote_ref for scheme in ("http", "https", "file", "ftp", "iglu")}

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_js_format_checker = None


def _format_checker():
    global _js_format_checker
    if _js_format_checker is None:
        from jsonschema import FormatChecker

        checker = FormatChecker(formats=())
        for fmt, check in _FORMAT_CHECKS.items():
            checker.checks(fmt)(check)
        checker.checks("regex", raises=re.error)(lambda v: not isinstance(v, str) or re.compile(v) is not None)
        _js_format_checker = checker
    return _js_format_checker


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.fullmatch(part):
            out += "." + part
        else:
            out += "['" + str(part).replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _schema_text(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _report(message: str, path: str, keyword: str | None, targets: list | None) -> dict:
    return {"message": message, "path": path, "keyword": keyword, "targets": targets}


def _reports_for_error(err, seen: set) -> list[dict]:
    """networknt-style data reports (what enrich writes) for one jsonschema error; never quotes the data."""
    keyword = err.validator
    value = err.validator_value
    instance = err.instance
    path = _json_path(err.absolute_path)
    if keyword == "required":
        # jsonschema yields one error per missing property; report each missing property once per keyword
        marker = (path, "required", tuple(value) if isinstance(value, list) else repr(value))
        if marker in seen:
            return []
        seen.add(marker)
        missing = [p for p in value if isinstance(instance, dict) and p not in instance]
        return [_report(f"{_json_path([*err.absolute_path, p])}: is missing but it is required", path, "required", [p]) for p in missing]
    if keyword == "additionalProperties" and value is False:
        props = err.schema.get("properties", {}) or {}
        patterns = list((err.schema.get("patternProperties", {}) or {}).keys())
        extras = [
            k for k in instance if k not in props and not any(re.search(p, k) for p in patterns)
        ] if isinstance(instance, dict) else []
        return [
            _report(
                f"{_json_path([*err.absolute_path, k])}: is not defined in the schema and the schema does not allow additional properties",
                path, "additionalProperties", [k],
            )
            for k in extras
        ] or [_report(f"{path}: additional properties are not allowed", path, keyword, [])]
    if keyword == "type":
        found = _type_name(instance)
        expected = value if isinstance(value, str) else "[" + ", ".join(map(str, value)) + "]"
        return [_report(f"{path}: {found} found, {expected} expected", path, "type", [found, expected])]
    simple = {
        "maxLength": "may only be {} characters long",
        "minLength": "must be at least {} characters long",
        "pattern": "does not match the regex pattern {}",
        "format": "does not match the {} pattern",
        "multipleOf": "must be multiple of {}",
        "minItems": "expected at least {} items",
        "maxItems": "expected at most {} items",
        "minProperties": "should have a minimum of {} properties",
        "maxProperties": "may only have a maximum of {} properties",
        "enum": "does not have a value in the enumeration {}",
    }
    if keyword in simple:
        shown = _schema_text(value) if keyword == "enum" else str(value)
        return [_report(f"{path}: " + simple[keyword].format(shown), path, keyword, [shown])]
    if keyword in ("minimum", "maximum"):
        exclusive = bool(err.schema.get("exclusiveMinimum" if keyword == "minimum" else "exclusiveMaximum"))
        word = ("greater than" if keyword == "minimum" else "less than") if exclusive else None
        text = f"must be {word} {value}" if word else f"must have a {keyword} value of {value}"
        return [_report(f"{path}: {text}", path, keyword, [str(value)])]
    fixed = {
        "uniqueItems": "the items in the array must be unique",
        "anyOf": "should be valid to any of the schemas",
        "oneOf": "should be valid to one and only one of the schemas",
        "allOf": "should be valid to all the schemas",
        "not": "should not be valid to the schema",
        "additionalItems": "no additional items are allowed in the array",
        "dependencies": "has a missing dependency",
        "additionalProperties": "has a property that does not match the additionalProperties schema",
    }
    text = fixed.get(keyword, f"fails the {keyword!r} constraint")
    return [_report(f"{path}: {text}", path, keyword, [])]


class _CompiledSchema:
    __slots__ = ("schema", "fast", "definition", "issues", "_slow")

    def __init__(self, schema: Any):
        self.schema = schema
        self.fast = None
        self.definition = None
        self.issues: list[dict] | None = None
        self._slow = None
        if not isinstance(schema, dict):
            self.issues = [{"path": "$", "message": f"schema is a JSON {_type_name(schema)}, not an object"}]
            return
        definition = {k: v for k, v in schema.items() if k not in _STRIPPED_KEYWORDS}
        definition["$schema"] = _DRAFT4
        issues = _schema_issues(definition)
        if issues:
            self.issues = issues
            return
        try:
            self.fast = fastjsonschema.compile(
                definition, handlers=_NO_REMOTE, formats=_FORMAT_CHECKS, use_default=False
            )
        except Exception as exc:  # JsonSchemaDefinitionException, re.error, ref resolution, ...
            self.issues = [{"path": "$", "message": _message(f"cannot compile schema: {exc}")}]
            return
        self.definition = definition

    def data_reports(self, data: Any, fast_error: Exception) -> list[dict]:
        reports: list[dict] = []
        try:
            if self._slow is None:
                from jsonschema import Draft4Validator

                self._slow = Draft4Validator(self.definition, format_checker=_format_checker())
            seen: set = set()
            for err in self._slow.iter_errors(data):
                reports.extend(_reports_for_error(err, seen))
                if len(reports) >= MAX_DATA_REPORTS:  # an array of a million bad items: a bounded bad row
                    del reports[MAX_DATA_REPORTS:]
                    break
        except Exception:  # unresolvable $ref, exotic schema: fall back to fastjsonschema's message
            reports = []
        if not reports:
            reports = [_fast_report(fast_error)]
        return reports


def _fast_report(exc: Exception) -> dict:
    name = getattr(exc, "name", None) or "data"
    parts = list(getattr(exc, "path", None) or ["data"])[1:]
    path = _json_path(int(p) if p.isdigit() else p for p in parts)
    message = getattr(exc, "message", str(exc))
    if message.startswith(name):
        message = path + ":" + message[len(name):]
    return _report(message, path, getattr(exc, "rule", None), [])


def _schema_issues(definition: dict) -> list[dict]:
    from jsonschema import Draft4Validator

    meta = Draft4Validator(Draft4Validator.META_SCHEMA)
    issues = []
    try:
        for err in meta.iter_errors(definition):
            issues.append({"path": _json_path(err.absolute_path), "message": _message(err.message)})
    except Exception as exc:
        issues.append({"path": "$", "message": _message(f"cannot check schema: {exc}")})
    return issues


def _not_self_describing(instance: Any) -> dict | None:
    """The NotIglu message for an instance that is not ``{"schema": <valid uri>, "data": ...}``, else None."""
    if not isinstance(instance, dict):
        return {"json": instance, "error": "INVALID_DATA_PAYLOAD"}
    uri = instance.get("schema")
    try:
        SchemaKey.parse(uri)
    except InvalidSchemaKey as exc:
        return {"json": instance, "error": exc.code}
    if "data" not in instance:
        return {"json": instance, "error": "INVALID_DATA_PAYLOAD"}
    return None


@functools.lru_cache(maxsize=4096)
def _parse_key(uri: str) -> SchemaKey:
    """SchemaKey.parse for the URIs that repeat on every event (envelopes, common entities)."""
    return SchemaKey.parse(uri)


class Validator:
    """Validates self-describing JSON against schemas from a `Resolver`; compiled schemas are cached per key
    (recompiled only when the resolver hands out a different schema, e.g. changed in the registry after the TTL).

    Results are lists of ``schema_violations`` 2-0-1 ``failure.messages`` items (``[]`` when valid).
    `IgluSystemError` from the resolver propagates.
    """

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self._compiled: dict[SchemaKey, _CompiledSchema] = {}
        # Fast path: Iglu URI -> (compiled fastjsonschema function, expiry of the resolver's cache entry).
        self._fast: dict[str, tuple] = {}
        # Iglu URI -> the version its schema's ``$supersededBy`` chain led to (only for superseded schemas).
        self._superseded: dict[str, str] = {}
        self._lock = threading.Lock()

    def validated_with(self, uri: str) -> str | None:
        """The version the data of ``uri`` was validated with when its schema is superseded (``$supersededBy``),
        else None. Known for every URI this validator has validated."""
        return self._superseded.get(uri)

    def _superseding(self, key: SchemaKey, schema: Any) -> tuple[SchemaKey, Any, Any] | None:
        """Follow ``$supersededBy`` from ``schema`` (the schema of ``key``), as Iglu clients do: the
        ``(key, expiry, schema)`` of the last schema of the chain, or None when ``schema`` is not superseded.
        A version that is not a SchemaVer, or a chain that loops, is ignored. Raises `SchemaNotFound` when a
        superseding schema does not exist."""
        found = None
        seen = {key.version}
        while isinstance(schema, dict):
            version = schema.get("$supersededBy")
            if not isinstance(version, str) or not _SCHEMAVER_RE.fullmatch(version) or version in seen:
                break
            seen.add(version)
            key = SchemaKey(key.vendor, key.name, key.format, version)
            expires, _, schema = self.resolver._lookup(key)
            found = (key, expires, schema)
            if len(seen) > _MAX_SUPERSEDING:
                break
        return found

    def validate(self, instance: dict) -> list[dict]:
        try:
            uri = instance["schema"]
            data = instance["data"]
            hit = self._fast.get(uri)
            if hit is not None and (hit[1] is None or hit[1] > self.resolver._clock()):
                try:
                    hit[0](data)
                    return []
                except Exception:
                    pass  # the slow path below builds the failure messages
            key = SchemaKey.parse(uri)
        except Exception:
            failure = _not_self_describing(instance)
            if failure is None:  # pragma: no cover - defensive
                raise
            return [failure]
        return self._validate_slow(key, uri, data)

    def validate_with_criterion(self, instance: dict, criterion: SchemaCriterion) -> list[dict]:
        """As `validate`, but first requires the schema key to match ``criterion`` (CriterionMismatch otherwise),
        as enrich does for the ``unstruct_event`` and ``contexts`` envelopes."""
        try:
            uri = instance["schema"]
            data = instance["data"]
            key = _parse_key(uri)
        except Exception:
            failure = _not_self_describing(instance)
            if failure is None:  # pragma: no cover - defensive
                raise
            return [failure]
        if not criterion.matches(key):
            return [{"schemaKey": uri, "schemaCriterion": criterion.to_uri()}]
        return self.validate_data(key, data, uri)

    def validate_data(self, key: SchemaKey, data: Any, uri: str | None = None) -> list[dict]:
        """Validate ``data`` against the schema of ``key`` (the SDJ already split; ``uri`` is ``key.to_uri()``)."""
        if uri is None:
            uri = key.to_uri()
        hit = self._fast.get(uri)
        if hit is not None and (hit[1] is None or hit[1] > self.resolver._clock()):
            try:
                hit[0](data)
                return []
            except Exception:
                pass  # build the failure messages below
        return self._validate_slow(key, uri, data)

    def _validate_slow(self, key: SchemaKey, uri: str, data: Any) -> list[dict]:
        try:
            expires, _, schema = self.resolver._lookup(key)
            superseding = self._superseding(key, schema)
        except SchemaNotFound as exc:
            return [{
                "schemaKey": uri,
                "error": {"error": "ResolutionError", "lookupHistory": exc.lookup_history},
            }]
        validated_with = None
        if superseding is not None:
            key, later, schema = superseding
            validated_with = key.version
            if later is not None and (expires is None or later < expires):
                expires = later
            self._superseded[uri] = validated_with
        else:
            self._superseded.pop(uri, None)
        compiled = self._compiled.get(key)
        if compiled is None or (compiled.schema is not schema and compiled.schema != schema):
            compiled = self._compile(key, schema)
        fast = compiled.fast
        if fast is None:
            return [{
                "schemaKey": uri,
                "error": {"error": "ValidationError", "schemaIssues": copy.deepcopy(compiled.issues)},
            }]
        if self.resolver.cache_size > 0:
            if len(self._fast) >= 10_000:
                self._fast.clear()
            self._fast[uri] = (fast, expires)
        try:
            fast(data)
            return []
        except fastjsonschema.JsonSchemaValueException as exc:
            reports = compiled.data_reports(data, exc)
        except Exception as exc:  # e.g. data holding non-JSON values; report rather than crash the worker
            reports = [_report(f"$: cannot validate data: {_message(str(exc))}", "$", None, [])]
        error = {"error": "ValidationError", "dataReports": reports}
        if validated_with is not None:
            error["supersededBy"] = validated_with
        return [{"schemaKey": uri, "error": error}]

    def _compile(self, key: SchemaKey, schema: Any) -> _CompiledSchema:
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is not None and (compiled.schema is schema or compiled.schema == schema):
                return compiled
            compiled = _CompiledSchema(schema)
            if len(self._compiled) >= 10_000:
                self._compiled.clear()
            self._compiled[key] = compiled
            return compiled
