"""``cookie_extractor_config`` and ``http_header_extractor_config``: derived contexts from the collector's headers.

The collector keeps the request's headers as ``Name: value`` strings in the payload. The cookie
extractor adds one ``org.ietf/http_cookie`` context per configured cookie found in ``Cookie`` headers;
the header extractor adds one ``org.ietf/http_header`` context per header whose name matches the
configured regular expression (the whole name must match, as Java's ``String.matches``). Neither fails.
"""
from __future__ import annotations

import re

from snowplow_beam.transforms.enrichments.base import add_derived_contexts

COOKIE_SCHEMA = "iglu:com.snowplowanalytics.snowplow/cookie_extractor_config/jsonschema/1-0-0"
COOKIE_IDENTIFIER = "cookie-extractor"
COOKIE_CONTEXT = "iglu:org.ietf/http_cookie/jsonschema/1-0-0"
HEADER_SCHEMA = "iglu:com.snowplowanalytics.snowplow.enrichments/http_header_extractor_config/jsonschema/1-0-0"
HEADER_IDENTIFIER = "http-header-extractor"
HEADER_CONTEXT = "iglu:org.ietf/http_header/jsonschema/1-0-0"
_PAIR_SEPARATORS = re.compile(r"[;,]")


def cookie_pairs(value: str):
    """``(name, value)`` pairs of a ``Cookie`` header value; ``value`` is None for a bare name.

    Pairs are separated by ``;`` or ``,`` (as Apache HttpCore's header parser does), names and values
    are trimmed and a double-quoted value is unquoted. A pair with an empty name (``=value``) is the
    cookie named ``""``, as Snowplow's cookie extractor reads it; empty items are skipped.
    """
    for item in _PAIR_SEPARATORS.split(value):
        name, sep, text = item.partition("=")
        name = name.strip()
        if not name and not sep:
            continue
        if not sep:
            yield name, None
            continue
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        yield name, text


class CookieExtractor:
    NATIVE_KIND = "cookie_extractor_config"

    def __init__(self, cookies):
        self._names = frozenset(cookies)

    @classmethod
    def from_config(cls, data: dict) -> "CookieExtractor":
        return cls(data["parameters"]["cookies"])

    def native_settings(self) -> dict:
        """The settings of the native ``CookieExtractor`` (native/src/enrichments/extractors.rs)."""
        return {"cookies": sorted(self._names)}

    def enrich(self, event: dict, raw) -> list[dict]:
        headers = raw.source.headers
        if not headers or not self._names:
            return []
        entities = []
        for header in headers:
            name, sep, value = header.partition(":")
            if sep and name.lower() == "cookie":
                entities.extend(
                    {"schema": COOKIE_CONTEXT, "data": {"name": cookie, "value": text}}
                    for cookie, text in cookie_pairs(value) if cookie in self._names
                )
        if entities:
            add_derived_contexts(event, entities)
        return []


class HttpHeaderExtractor:
    NATIVE_KIND = "http_header_extractor_config"

    def __init__(self, headers_pattern: str):
        try:
            self._pattern = re.compile(headers_pattern)
        except re.error as exc:
            raise ValueError(f"headersPattern is not a valid regular expression: {exc}") from None

    @classmethod
    def from_config(cls, data: dict) -> "HttpHeaderExtractor":
        return cls(data["parameters"]["headersPattern"])

    def native_settings(self) -> dict:
        """The settings of the native ``HttpHeaderExtractor`` (native/src/enrichments/extractors.rs), which reads the
        pattern as Python's ``re`` does, or refuses it (constructs whose meaning it cannot match exactly)."""
        return {"headersPattern": self._pattern.pattern}

    def enrich(self, event: dict, raw) -> list[dict]:
        headers = raw.source.headers
        if not headers:
            return []
        entities = []
        for header in headers:
            name, sep, value = header.partition(":")
            if sep and self._pattern.fullmatch(name):
                entities.append({"schema": HEADER_CONTEXT, "data": {"name": name.strip(), "value": value.strip()}})
        if entities:
            add_derived_contexts(event, entities)
        return []
