"""``campaign_attribution``: marketing fields (``mkt_*``) from the page URL's querystring."""
from __future__ import annotations

import re
from functools import lru_cache

from snowplow_beam.transforms.querystring import parse_querystring

SCHEMA = "iglu:com.snowplowanalytics.snowplow/campaign_attribution/jsonschema/1-0-1"
IDENTIFIER = "campaign-attribution"
# Click-id parameter -> network; a config's mktClickId adds to these and may override them.
DEFAULT_CLICK_IDS = {"gclid": "Google", "msclkid": "Microsoft", "dclid": "DoubleClick"}
# Config field -> enriched field, and the parameters used when none are configured (Google's utm_*).
FIELDS = (
    ("mktMedium", "mkt_medium", ("utm_medium",)),
    ("mktSource", "mkt_source", ("utm_source",)),
    ("mktTerm", "mkt_term", ("utm_term",)),
    ("mktContent", "mkt_content", ("utm_content",)),
    ("mktCampaign", "mkt_campaign", ("utm_campaign",)),
)


class CampaignAttribution:
    """Each ``mkt_*`` field takes the value of the first of its parameters (in the configured order)
    present in the page URL's querystring; ``mkt_clickid``/``mkt_network`` come from the first click-id
    parameter present. Empty values set nothing. Never fails."""

    NATIVE_KIND = "campaign_attribution"

    def __init__(self, parameters: dict[str, list[str]] | None = None, click_ids: dict[str, str] | None = None,
                 cache_size: int = 4096):
        parameters = parameters or {}
        self._fields = tuple(
            (field, tuple(parameters.get(name, default))) for name, field, default in FIELDS
        )
        networks = dict(DEFAULT_CLICK_IDS)
        networks.update(click_ids or {})
        self._click_ids = tuple(networks.items())
        names = {name for _, names in self._fields for name in names} | set(networks)
        # One C-level search tells whether the querystring can hold any of the parameters at all.
        self._candidates = re.compile("|".join(sorted(map(re.escape, names)))) if names else None
        self._cache_size = cache_size
        self._fields_for = lru_cache(maxsize=cache_size)(self._fields_uncached)

    def native_settings(self) -> dict:
        """The settings of the native ``campaign_attribution`` (``native/src/enrichments/campaign.rs``): each
        ``mkt_*`` field with its parameters, the click ids in the order they are tried, the cache size."""
        return {
            "fields": [[field, list(names)] for field, names in self._fields],
            "click_ids": [[name, network] for name, network in self._click_ids],
            "cache_size": self._cache_size,
        }

    @classmethod
    def from_config(cls, data: dict) -> "CampaignAttribution":
        # ``mapping`` ("static" or "script") is ignored, as Snowplow ignores it: only static mappings exist.
        fields = data["parameters"]["fields"]
        return cls({name: fields[name] for name, _, _ in FIELDS}, fields.get("mktClickId"))

    def enrich(self, event: dict, raw) -> list[dict]:
        query = event.get("page_urlquery")
        if not query or self._candidates is None or self._candidates.search(query) is None:
            return []
        fields = self._fields_for(query)
        if fields:
            event.update(fields)
        return []

    def _fields_uncached(self, query: str) -> dict[str, str]:
        params = parse_querystring(query)
        fields = {}
        for field, names in self._fields:
            for name in names:
                if name in params:
                    if params[name]:
                        fields[field] = params[name]
                    break
        for name, network in self._click_ids:
            if name in params:
                if params[name]:
                    fields["mkt_clickid"] = params[name]
                    fields["mkt_network"] = network
                break
        return fields
