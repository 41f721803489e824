"""``campaign_attribution``: marketing fields (``mkt_*``) from the page URL's querystring.

The per-event work runs in the native core (``native/src/enrichments/campaign.rs``, with its cache of
querystrings); this module reads the configuration into the native settings.
"""
from __future__ import annotations

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
        self._cache_size = cache_size

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
