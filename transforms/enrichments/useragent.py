"""``ua_parser_config``: the ``ua_parser_context`` derived context from the user agent (ua-parser, uap-core rules).

Rules: the ones shipped with ``ua-parser-builtins`` by default, or a ``regexes.yaml`` (uap-core format)
named by the config's ``uri`` + ``database`` (1-0-1). Matching uses the Rust accelerator
(``ua-parser-rs``) when installed, else ua-parser's pure-Python resolver.

The enrichment runs in the native core's chain (``native/src/python/lookups.rs``): it reads the event's
``useragent``, keeps a per-worker cache of results per user agent (user agents repeat) and, on a miss,
calls :meth:`UaParser.writes`, the parsing engine of this module.
"""
from __future__ import annotations

import threading

import ua_parser
from ua_parser import BasicResolver, Domain
from ua_parser.loaders import load_builtins, load_data, load_lazy, load_lazy_builtins

from snowplow_beam.transforms.atomic import MAX_LENGTHS
from snowplow_beam.transforms.enrichments import assets
from snowplow_beam.transforms.enrichments.base import failure

SCHEMA = "iglu:com.snowplowanalytics.snowplow/ua_parser_config/jsonschema/1-0-1"
_MAX_USERAGENT = MAX_LENGTHS["useragent"]
IDENTIFIER = "ua-parser"
CONTEXT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0"
_ACCELERATED = ua_parser.BestAvailableResolver is not BasicResolver

_BUILTIN_LOCK = threading.Lock()
_builtin_resolver = None


def builtin_resolver():
    """The resolver for the shipped rules, built once per process."""
    global _builtin_resolver
    with _BUILTIN_LOCK:
        if _builtin_resolver is None:
            matchers = load_lazy_builtins() if _ACCELERATED else load_builtins()
            _builtin_resolver = ua_parser.BestAvailableResolver(matchers)
        return _builtin_resolver


def rules_resolver(content: bytes, where: str):
    """A resolver for a uap-core ``regexes.yaml``; raises :class:`assets.AssetError` naming ``where``."""
    import yaml

    try:
        rules = yaml.safe_load(content)
        data = (rules["user_agent_parsers"], rules["os_parsers"], rules["device_parsers"])
    except (yaml.YAMLError, TypeError, KeyError) as exc:
        raise assets.AssetError(f"{where}: not a ua-parser regexes file ({type(exc).__name__}: {exc})"[:1000]) from None
    try:
        if _ACCELERATED:
            try:
                return ua_parser.BestAvailableResolver(load_lazy(data))
            except Exception:  # rules the accelerated engine cannot compile: the Python engine may
                pass
        return BasicResolver(load_data(data))
    except Exception as exc:
        raise assets.AssetError(f"{where}: invalid ua-parser rules ({type(exc).__name__}: {exc})"[:1000]) from None


def _version(*parts: str | None) -> str:
    """``family major.minor.patch``, leaving out what is unknown (Snowplow's version string)."""
    family, major, *rest = parts
    text = family or ""
    if major is not None:
        text += " " + major
    for part in rest:
        if part is not None:
            text += "." + part
    return text


class UaParser:
    """Adds one ``ua_parser_context`` when the event has a user agent; an unparseable user agent fails the event.

    :meth:`writes` is the one computation per user agent, what the enrichment writes as plain data; the native
    chain (``native_settings()``, ``native/src/python/lookups.rs``) applies it to the event, behind its cache of
    ``cache_size`` user agents (failures are not cached).
    """

    NATIVE_KIND = "ua_parser_config"

    def __init__(self, resolver=None, schema: str = SCHEMA, cache_size: int = 10_000):
        self._resolver = resolver or builtin_resolver()
        self._schema = schema
        self._cache_size = cache_size

    @classmethod
    def from_config(cls, data: dict, schema: str = SCHEMA) -> "UaParser":
        parameters = data.get("parameters") or {}
        if "uri" in parameters or "database" in parameters:
            if "uri" not in parameters or "database" not in parameters:
                raise ValueError("ua_parser_config: give both \"uri\" and \"database\" for custom rules, or neither")
            where = assets.location(parameters["uri"], parameters["database"])
            return cls(rules_resolver(assets.read_bytes(where), where), schema)
        return cls(None, schema)

    def native_settings(self) -> dict:
        """The settings of the native enrichment: ``writes`` (called on a cache miss with the GIL held),
        ``cache_size``, ``max_length`` (longer user agents are not parsed), and ``schema`` / ``identifier`` for
        its error message when ``writes`` itself raises."""
        return {"writes": self.writes, "cache_size": self._cache_size, "max_length": _MAX_USERAGENT,
                "schema": self._schema, "identifier": IDENTIFIER}

    def writes(self, useragent: str) -> tuple[list, list[dict], list[dict]]:
        """What the enrichment writes for ``useragent`` (uncached): ``(fields, contexts, failures)``, the
        ``(name, value)`` fields to set (none), the derived contexts to add and the enrichment_failures messages
        (the engine's exception, by type, when it cannot parse it)."""
        try:
            data = self._parse(useragent)
        except Exception as exc:
            return [], [], [failure(self._schema, IDENTIFIER, "useragent", useragent,
                                    f"could not parse useragent: {type(exc).__name__}")]
        return [], [{"schema": CONTEXT_SCHEMA, "data": data}], []

    def _parse(self, useragent: str) -> dict:
        result = self._resolver(useragent, Domain.ALL).complete().with_defaults()
        agent, os, device = result.user_agent, result.os, result.device
        return {
            "useragentFamily": agent.family,
            "useragentMajor": agent.major,
            "useragentMinor": agent.minor,
            "useragentPatch": agent.patch,
            "useragentVersion": _version(agent.family, agent.major, agent.minor, agent.patch),
            "osFamily": os.family,
            "osMajor": os.major,
            "osMinor": os.minor,
            "osPatch": os.patch,
            "osPatchMinor": os.patch_minor,
            "osVersion": _version(os.family, os.major, os.minor, os.patch, os.patch_minor),
            "deviceFamily": device.family,
        }
