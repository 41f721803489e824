"""Cross-navigation: the ``_sp`` parameter of the page URL into ``refr_domain_userid`` and ``refr_dvce_tstamp``.

``_sp`` is ``domainUserId.timestamp`` (short format) or, from trackers with cross-navigation enabled,
``domainUserId.timestamp.sessionId.userId.sourceId.sourcePlatform.reason`` (extended; ``userId``,
``sourceId`` and ``reason`` base64url-encoded; any may be empty).

As in Snowplow, the two fields are always filled (this step runs even without the
``cross_navigation_config`` enrichment: :func:`transforms.enrichments.load_enrichments` adds it);
the enabled enrichment also parses the extended format into a ``cross_navigation`` derived context.
A timestamp that is not milliseconds since the epoch fails the event, as does (extended format) a
field that is not valid base64url.

The parsing runs in the native core (``native/src/enrichments/cross_navigation.rs``); this module
holds the configuration.
"""
from __future__ import annotations

SCHEMA = "iglu:com.snowplowanalytics.snowplow.enrichments/cross_navigation_config/jsonschema/1-0-0"


class CrossNavigation:
    """``extended=False``: the short format only, no context (Snowplow's behaviour without the enrichment).
    ``schema`` is the config schema its failure messages name."""

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
