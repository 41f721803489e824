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

The classification runs in the native core (``native/src/enrichments/referer.rs``, with its cache of
referers); this module reads and checks the database and the configuration into its domain table.
"""
from __future__ import annotations

import json

from snowplow_beam.transforms.enrichments import assets

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
