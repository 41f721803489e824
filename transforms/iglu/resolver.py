"""`Resolver`: looks Iglu schemas up, as the Iglu Scala client that Snowplow enrich uses does.

Lookup order:

1. the built-in embedded registry shipped in ``transforms/iglu_registry/schemas`` (always first; it appears as
   ``"Iglu Client Embedded"`` in lookup histories);
2. the repositories of the resolver config (``com.snowplowanalytics.iglu/resolver-config`` 1-0-0 .. 1-0-3), sorted
   by: ``vendorPrefixes`` matching the schema vendor first, then embedded before HTTP, then ``priority`` ascending
   (config order breaks ties). Every repository is tried until one has the schema (see `registries` for how each
   is asked and retried).

Outcome of a lookup:

* a repository has the schema: the schema (a dict; shared and cached, do not mutate it);
* otherwise `IgluSystemError` (the pipeline must stop rather than turn traffic into bad rows) when there is at
  least one HTTP repository and either every HTTP repository failed (RepoFailure / ClientFailure after its
  retries), or an HTTP repository whose ``vendorPrefixes`` match the schema's vendor failed (the registry
  responsible for that vendor could not be asked). NotFound answers of embedded registries do not count as
  answers here: they are local and cannot be "down";
* otherwise `SchemaNotFound`, whose ``lookup_history`` is the ``lookupHistory`` of the ``ResolutionError`` in a
  ``schema_violations`` bad row.

Both hits and not-found results are cached in an LRU of ``cacheSize`` entries that expire after ``cacheTtl``
seconds (never when ``cacheTtl`` is absent/null); system errors are not cached. The cache is thread-safe, and
concurrent lookups of the same key wait for a single resolution (single-flight).

`Resolver.resolve` also follows ``$supersededBy``. Nothing here touches the network at import time;
`Resolver.from_config` does no I/O besides stat-ing embedded paths, so it is cheap to call in ``DoFn.setup``.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

from snowplow_beam.transforms.backoff import Backoff
from snowplow_beam.transforms.iglu.errors import IgluSystemError, SchemaNotFound
from snowplow_beam.transforms.iglu.keys import SchemaKey
from snowplow_beam.transforms.iglu.registries import (BUILTIN_REPOSITORY_NAME, EmbeddedRepository, Repository,
                                                      repository_from_config)
from snowplow_beam.transforms.timestamps import format_iso_timestamp, now_ms

_HIT = 0
_MISS = 1
# $supersededBy names a version; Iglu clients take any three numbers (a superseding URI is then looked up).
_SUPERSEDING_VERSION_RE = re.compile(r"[0-9]{1,9}-[0-9]{1,9}-[0-9]{1,9}")
_MAX_SUPERSEDING = 10  # schemas followed in one $supersededBy chain


class Resolution(NamedTuple):
    """The schema to validate the data of a schema key with."""

    key: SchemaKey              # the key asked for, or the last of its $supersededBy chain
    schema: Any
    expires: float | None       # resolver-clock time after which this answer may change; None: never
    superseded_by: str | None   # the version of ``key`` when the schema asked for is superseded


class Resolver:
    """Resolves `SchemaKey` to JSON schemas; see the module docstring for order, errors and caching.

    ``attempts`` (tries per HTTP repository and lookup), ``backoff`` (first wait, doubled each retry, capped at
    ``max_backoff``), ``timeout`` (per HTTP request), ``clock`` (monotonic seconds, for the cache TTL) and
    ``sleep`` are injectable so tests stay fast.
    """

    def __init__(
        self,
        repositories: Sequence[Repository] = (),
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
        self.repositories: list[Repository] = list(repositories)
        self.cache_size = int(cache_size)
        self.cache_ttl = None if cache_ttl is None else float(cache_ttl)
        self.attempts = attempts
        self.retry_backoff = Backoff(initial=backoff, maximum=max_backoff)
        self.timeout = timeout
        self.clock = clock
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
        repositories = [repository_from_config(r) for r in repos_conf]
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

    def resolve(self, key: SchemaKey) -> Resolution:
        """The schema to validate data of ``key`` with: its own, or when it is superseded the last schema of its
        ``$supersededBy`` chain, followed as Iglu clients do (a version that is not a SchemaVer, or a chain that
        loops, is ignored). Raises as `lookup`, `SchemaNotFound` also when a superseding schema does not exist."""
        expires, _, schema = self._lookup(key)
        superseding = self._superseding(key, schema)
        if superseding is None:
            return Resolution(key, schema, expires, None)
        key, later, schema = superseding
        if later is not None and (expires is None or later < expires):
            expires = later
        return Resolution(key, schema, expires, key.version)

    def _superseding(self, key: SchemaKey, schema: Any) -> tuple[SchemaKey, Any, Any] | None:
        """The ``(key, expiry, schema)`` of the last schema of the ``$supersededBy`` chain from ``schema`` (the
        schema of ``key``), or None when ``schema`` is not superseded."""
        found = None
        seen = {key.version}
        while isinstance(schema, dict):
            version = schema.get("$supersededBy")
            if not isinstance(version, str) or not _SUPERSEDING_VERSION_RE.fullmatch(version) or version in seen:
                break
            seen.add(version)
            key = SchemaKey(key.vendor, key.name, key.format, version)
            expires, _, schema = self._lookup(key)
            found = (key, expires, schema)
            if len(seen) > _MAX_SUPERSEDING:
                break
        return found

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
                    entry = self._ask_repositories(key)  # IgluSystemError propagates, uncached
                    self._cache_put(key, entry)
                return self._unwrap(key, entry)
        finally:
            with self._lock:
                flight[1] -= 1
                if flight[1] == 0 and self._inflight.get(key) is flight:
                    del self._inflight[key]

    def ordered_repositories(self, vendor: str) -> list[Repository]:
        """Repositories in lookup order for a schema vendor (the built-in embedded registry first)."""
        ranked = sorted(
            self.repositories,
            key=lambda r: (0 if r.matches_vendor(vendor) else 1, r.class_priority, r.priority),
        )
        return [self._builtin, *ranked]

    def _cache_get(self, key: SchemaKey):
        cache = self._cache
        with self._lock:
            entry = cache.get(key)
            if entry is None:
                return None
            expires = entry[0]
            if expires is not None and expires <= self.clock():
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

    def _ask_repositories(self, key: SchemaKey) -> tuple:
        history: list[dict] = []
        remote_total = remote_failed = 0
        responsible_failed = False
        for repo in self.ordered_repositories(key.vendor):
            answer = repo.ask(key, attempts=self.attempts, backoff=self.retry_backoff, timeout=self.timeout,
                              sleep=self._sleep)
            if answer.schema is not None:
                return (self._expiry(), _HIT, answer.schema)
            history.append({"repository": repo.name, "errors": answer.errors, "attempts": answer.attempts,
                            "lastAttempt": format_iso_timestamp(now_ms())})
            if repo.remote:
                remote_total += 1
                if answer.failed:
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
        return None if self.cache_ttl is None else self.clock() + self.cache_ttl
