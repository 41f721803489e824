"""``cookie_extractor_config`` and ``http_header_extractor_config``: derived contexts from the collector's headers.

The collector keeps the request's headers as ``Name: value`` strings in the payload. The cookie
extractor adds one ``org.ietf/http_cookie`` context per configured cookie found in ``Cookie`` headers
(header name case-insensitive; pairs separated by ``;`` or ``,`` as Apache HttpCore's header parser
does, names and values trimmed, a double-quoted value unquoted, a bare name with a null value, ``=value``
the cookie named ``""`` as Snowplow reads it, empty items skipped); the header extractor adds one
``org.ietf/http_header`` context per header whose name matches the configured regular expression (the
whole name must match, as Java's ``String.matches``). Neither fails.

Both run in the native core (``native/src/enrichments/extractors.rs``), which reads the header pattern
as Python's ``re`` does or refuses it at start-up; this module reads and checks the configuration.
"""
from __future__ import annotations

import re


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


class HttpHeaderExtractor:
    NATIVE_KIND = "http_header_extractor_config"

    def __init__(self, headers_pattern: str):
        try:  # Python's re says what is wrong with an invalid pattern
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
