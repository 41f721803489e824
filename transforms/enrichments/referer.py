"""``referer_parser``: ``refr_medium``, ``refr_source`` and ``refr_term`` from the referer URL.

The database has Snowplow's referer-parser JSON shape: ``{medium: {source: {"domains": [...],
"parameters": [...]}}}``, mediums such as ``search``, ``social``, ``email``, ``paid``, ``unknown``.
A domain entry may carry a path (``icloud.com/mail``).

Classification of an http(s) referer, as the referer-parser library does it:

1. ``internal`` if its host is the page's host or one of the configured internal domains;
2. else look the host up with the full path, then with the first path segment, then without path,
   each time dropping leading labels of the host until one matches (``www.google.co.uk`` finds
   ``google.co.uk``); a match gives the medium and source, and for ``search`` the term: the first
   querystring parameter of the referer named in the source's ``parameters``;
3. else ``unknown``.

Other schemes (``android-app://``, ``file:``) set nothing. Never fails.
"""
from __future__ import annotations

import json
from functools import lru_cache

from snowplow_beam.transforms.atomic import fix_tabs_newlines
from snowplow_beam.transforms.enrichments import assets
from snowplow_beam.transforms.querystring import query_pairs

SCHEMA = "iglu:com.snowplowanalytics.snowplow/referer_parser/jsonschema/2-0-1"
IDENTIFIER = "referer-parser"
SHIPPED_DATABASE = assets.location("builtin:data", "referers.json")


def parse_database(content: bytes | str, where: str) -> dict:
    """A referer database (JSON text) checked for shape; raises :class:`assets.AssetError` naming ``where``."""
    try:
        database = json.loads(content)
    except ValueError as exc:
        raise assets.AssetError(f"{where}: the referer database is not valid JSON ({exc})") from None
    check_database(database, where)
    return database


def check_database(database, where: str) -> None:
    problem = None
    if not isinstance(database, dict):
        problem = "must be an object of mediums"
    else:
        for medium, sources in database.items():
            if not isinstance(sources, dict):
                problem = f"medium {medium!r} must be an object of sources"
                break
            for source, spec in sources.items():
                domains = spec.get("domains") if isinstance(spec, dict) else None
                parameters = spec.get("parameters", []) if isinstance(spec, dict) else None
                if not (isinstance(domains, list) and domains and all(isinstance(d, str) for d in domains)):
                    problem = f"{medium}/{source}: \"domains\" must be a non-empty list of strings"
                elif not (isinstance(parameters, list) and all(isinstance(p, str) for p in parameters)):
                    problem = f"{medium}/{source}: \"parameters\" must be a list of strings"
                if problem:
                    break
            if problem:
                break
    if problem:
        raise assets.AssetError(f"{where}: not a referer database: {problem}")


class RefererParser:
    """Classifies referers against a database (the shipped one by default) plus ``custom`` mappings,
    which win over the database for the domains they list."""

    NATIVE_KIND = "referer_parser"

    def __init__(self, database: dict | None = None, internal_domains=(), custom: dict | None = None,
                 cache_size: int = 10_000):
        if database is None:
            database = parse_database(assets.read_bytes(SHIPPED_DATABASE), SHIPPED_DATABASE)
        lookup: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for source_database in (database, custom or {}):
            for medium, sources in source_database.items():
                for source, spec in sources.items():
                    entry = (medium, source, tuple(spec.get("parameters") or ()))
                    for domain in spec["domains"]:
                        lookup[domain] = entry
        self._lookup = lookup
        self._internal = frozenset(domain.strip() for domain in internal_domains)
        self._cache_size = cache_size
        self._classify = lru_cache(maxsize=cache_size)(self._classify_uncached)

    def native_settings(self) -> dict:
        """The settings of the native ``referer_parser`` (``native/src/enrichments/referer.rs``): the domain table
        (the database, then the ``referrers`` mappings, each domain with the entry that won), the internal domains
        and the cache size."""
        return {
            "lookup": {domain: {"medium": medium, "source": source, "parameters": list(parameters)}
                       for domain, (medium, source, parameters) in self._lookup.items()},
            "internal_domains": sorted(self._internal),
            "cache_size": self._cache_size,
        }

    @classmethod
    def from_config(cls, data: dict) -> "RefererParser":
        parameters = data["parameters"]
        custom = parameters.get("referrers")
        if custom is not None:
            check_database(custom, "the referrers parameter")
        if "database" in parameters:  # 2-0-x
            where = assets.location(parameters["uri"], parameters["database"])
            database = parse_database(assets.read_bytes(where), where)
        else:  # 1-0-0 names no database: the shipped one
            database = None
        return cls(database, parameters.get("internalDomains", ()), custom)

    def enrich(self, event: dict, raw) -> list[dict]:
        host = event.get("refr_urlhost")
        if host is None:
            return []
        details = self._classify(event.get("refr_urlscheme"), host, event.get("refr_urlpath") or "",
                                 event.get("refr_urlquery"), event.get("page_urlhost"))
        if details is not None:
            medium, source, term = details
            event["refr_medium"] = medium
            if source is not None:
                event["refr_source"] = source
            if term is not None:
                event["refr_term"] = term
        return []

    def classify(self, url_scheme: str | None, host: str, path: str = "", query: str | None = None,
                 page_host: str | None = None) -> tuple[str, str | None, str | None] | None:
        """``(medium, source, term)`` of a referer, or None if it is not an http(s) URL."""
        return self._classify(url_scheme, host, path, query, page_host)

    def _classify_uncached(self, scheme, host, path, query, page_host):
        if scheme not in ("http", "https") or not host:
            return None
        if host == page_host or host in self._internal:
            return "internal", None, None
        found = self._find(host, path, True) or self._find(host, path, False)
        if found is None:
            return "unknown", None, None
        medium, source, parameters = found
        term = None
        if medium == "search" and query and parameters:
            for name, value in query_pairs(query):  # the first configured name present gives the term
                if name in parameters:
                    term = fix_tabs_newlines(value) or None
                    break
        return medium, source, term

    def _find(self, host: str, path: str, with_path: bool):
        lookup = self._lookup
        while True:
            if with_path:
                found = lookup.get(host + path)
                if found is None:
                    segments = path.split("/")
                    if len(segments) > 1:
                        found = lookup.get(host + "/" + segments[1])
            else:
                found = lookup.get(host)
            if found is not None:
                return found
            dot = host.find(".")
            if dot < 0:
                return None
            host = host[dot + 1:]
