"""Cross-navigation: the ``_sp`` parameter of the page URL into ``refr_domain_userid`` and ``refr_dvce_tstamp``.

``_sp`` is ``domainUserId.timestamp`` (short format) or, from trackers with cross-navigation enabled,
``domainUserId.timestamp.sessionId.userId.sourceId.sourcePlatform.reason`` (extended; ``userId``,
``sourceId`` and ``reason`` base64url-encoded; any may be empty).

As in Snowplow, the two fields are always filled (this step runs even without the
``cross_navigation_config`` enrichment: :func:`transforms.enrichments.load_enrichments` adds it);
the enabled enrichment also parses the extended format into a ``cross_navigation`` derived context.
A timestamp that is not milliseconds since the epoch fails the event, as does (extended format) a
field that is not valid base64url.
"""
from __future__ import annotations

from snowplow_beam.transforms.adapters import decode_base64url
from snowplow_beam.transforms.atomic import MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, fix_tabs_newlines
from snowplow_beam.transforms.querystring import parse_querystring
from snowplow_beam.transforms.timestamps import format_iso_timestamp
from snowplow_beam.transforms.enrichments.base import add_derived_contexts, error, failure

SCHEMA = "iglu:com.snowplowanalytics.snowplow.enrichments/cross_navigation_config/jsonschema/1-0-0"
IDENTIFIER = "cross-navigation"
CONTEXT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0"
_EXTENDED_FIELDS = ("domain_user_id", "timestamp", "session_id", "user_id", "source_id", "source_platform", "reason")
_ENCODED = frozenset(("user_id", "source_id", "reason"))


class CrossNavigation:
    """``extended=False``: the short format only, no context (Snowplow's behaviour without the enrichment)."""

    NATIVE_KIND = "cross_navigation_config"

    def __init__(self, extended: bool = True, schema: str = SCHEMA):
        self._extended = extended
        self._schema = schema

    @classmethod
    def from_config(cls, data: dict, schema: str = SCHEMA) -> "CrossNavigation":
        return cls(True, schema)

    def native_settings(self) -> dict:
        """The settings of the native ``CrossNavigation`` (native/src/enrichments/cross_navigation.rs)."""
        return {"extended": self._extended, "schema": self._schema}

    def enrich(self, event: dict, raw) -> list[dict]:
        query = event.get("page_urlquery")
        if not query or "_sp=" not in query:
            return []
        sp = parse_querystring(query).get("_sp")  # the last one wins, as for other repeated parameters
        if not sp:
            return []
        parts = sp.split(".")
        if self._extended:
            if len(parts) > len(_EXTENDED_FIELDS):
                return []  # not the format: ignored, as Snowplow ignores it
            parts += [""] * (len(_EXTENDED_FIELDS) - len(parts))
        duid = fix_tabs_newlines(parts[0]) or None
        stamp_text = parts[1] if len(parts) > 1 else ""
        stamp = None
        if stamp_text:
            try:
                stamp = int(stamp_text) if len(stamp_text) <= 16 and stamp_text.isascii() and stamp_text.lstrip("-").isdigit() else None
                if stamp is None or not MIN_TIMESTAMP_MS <= stamp < MAX_TIMESTAMP_MS:
                    raise ValueError
            except ValueError:
                return [failure(self._schema, IDENTIFIER, "sp_dtm", stamp_text,
                                "not in the expected format: ms since epoch")]
        values = {"domain_user_id": duid, "timestamp": stamp}
        if self._extended:
            for name, text in zip(_EXTENDED_FIELDS[2:], parts[2:]):
                if name in _ENCODED and text:
                    try:
                        text = decode_base64url(text).decode("utf-8")
                    except ValueError:
                        return [error(self._schema, IDENTIFIER,
                                      f"_sp: the {name} field is not valid base64url-encoded UTF-8")]
                values[name] = text if text.strip() else None
        if duid is not None:
            event["refr_domain_userid"] = duid
        if stamp is not None:
            event["refr_dvce_tstamp"] = stamp
        if self._extended and duid is not None and stamp is not None:
            values["timestamp"] = format_iso_timestamp(stamp)
            add_derived_contexts(event, [{"schema": CONTEXT_SCHEMA, "data": values}])
        return []
