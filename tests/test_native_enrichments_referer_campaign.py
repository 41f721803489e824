"""The native referer_parser and campaign_attribution (native/src/enrichments/referer.rs, campaign.rs) against their
Python reference (transforms/enrichments/referer.py, campaign.py): random events mapped by native.map_event with
the native chain give the events the Python ``enrich`` methods make of the same events mapped without it."""
from __future__ import annotations

import hashlib
import random

import pytest

from snowplow_beam.transforms import native
from snowplow_beam.transforms.enrich import payload_of
from snowplow_beam.transforms.enrichments.campaign import CampaignAttribution
from snowplow_beam.transforms.enrichments.referer import RefererParser
from tests.helpers import raw_event

SEED = hashlib.sha256(b"referer-campaign").digest()
ETL_TSTAMP = 1_795_849_400_000

CUSTOM_DATABASE = {
    "search": {"S1": {"domains": ["dup.com", "s1.com", "s1.com/path/deep", "p.com/seg"], "parameters": ["k", "kw"]},
               "S2": {"domains": ["np.com"]}},
    "social": {"Dup": {"domains": ["dup.com"]}, "Pathy": {"domains": ["p.com", "x.p.com/only"]}},
    "paid": {"Ads": {"domains": ["ads.com"], "parameters": ["q"]}},
}


def configurations():
    """(name, referer parser, campaign attribution) pairs."""
    docs = RefererParser.from_config({"parameters": {
        "internalDomains": ["community.snowplow.io", "docs.snowplow.io"],
        "database": "referers.json", "uri": "builtin:data",
        "referrers": {"search": {"Corporate Search": {"domains": ["search.example.com"], "parameters": ["q", "query"]}},
                      "social": {"Internal Forum": {"domains": ["forum.example.com"]}}}}})
    example = CampaignAttribution.from_config({"parameters": {"mapping": "static", "fields": {
        "mktMedium": ["utm_medium", "medium"], "mktSource": ["utm_source", "source"],
        "mktTerm": ["utm_term", "legacy_term"], "mktContent": ["utm_content"],
        "mktCampaign": ["utm_campaign", "cid", "legacy_campaign"],
        "mktClickId": {"wbraid": "Google", "msclkid": "NotMicrosoft"}}}})
    odd = CampaignAttribution({"mktMedium": ["", "utm_medium"], "mktTerm": [], "mktCampaign": ["cid", "utm_campaign"]},
                              {"k": "Kay"}, cache_size=3)
    custom = RefererParser(CUSTOM_DATABASE, [" intra.net ", "intra.org"], {"email": {"Mine": {"domains": ["s1.com"]}}},
                           cache_size=5)
    return [("defaults", RefererParser(), CampaignAttribution()), ("docs", docs, example), ("custom", custom, odd)]


NAMES = ["q", "query", "as_q", "p", "Q", "k", "kw", "utm_medium", "utm_source", "utm_term", "utm_content",
         "utm_campaign", "medium", "source", "legacy_term", "cid", "legacy_campaign", "gclid", "msclkid", "dclid",
         "wbraid", "x", "", "utm%5Fsource", "UTM_SOURCE", "q%00", "caf%C3%A9"]
VALUES = ["", "a", "a+b", "%09tab%0Anl%0D", "%0A", "%FF", "%C3%A9", "caf%C3", "x%2By", "v=w", "%E2%9C%93",
          "%", "%2", "%zz", "\u00e9t\u00e9", "a;b", "1"]
HOSTS = ["google.com", "google.co.uk", "bing.com", "cn.bing.com", "search.yahoo.com", "facebook.com",
         "mail.google.com", "icloud.com", "duckduckgo.com", "search.example.com", "forum.example.com",
         "docs.snowplow.io", "community.snowplow.io", "snowplow.io", "dup.com", "s1.com", "p.com", "x.p.com",
         "np.com", "ads.com", "intra.net", "intra.org", "example.org", "com", "a", "xn--bcher-kva.example",
         "b\u00fccher.s1.com", "127.0.0.1", "[::1]", "[2001:db8::1]"]
PATHS = ["", "/", "/search", "/mail", "/mail/", "/mail/inbox", "/path/deep", "/path/deep/x", "/path", "/seg",
         "/seg/more", "/only", "/only/", "/a/b/c", "/%7Ex", "/l.php", "//double"]


SEARCH_NAMES = ["q", "query", "as_q", "p", "Q", "k", "kw", "x"]


def query(rng: random.Random, names: list[str] = NAMES) -> str:
    pairs = []
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8])):
        name = rng.choice(names)
        roll = rng.random()
        if roll < 0.1:
            pairs.append(name)
        elif roll < 0.15:
            pairs.append("")
        elif roll < 0.18:
            pairs.append(f"{name}=" + "z" * rng.choice([300, 3000]))
        else:
            pairs.append(f"{name}={rng.choice(VALUES)}")
    return "&".join(pairs)


def url(rng: random.Random) -> str:
    scheme = rng.choice(["https://", "https://", "http://", "HTTPS://", "ftp://", "android-app://", "//", "file:///"])
    host = rng.choice(["", "www.", "m.", "a.b.", "WWW.", "www.www."]) + rng.choice(HOSTS)
    host += rng.choice(["", "", "", ".", ":8080", ":443"])
    if rng.random() < 0.05:
        host = "user:pw@" + host
    text = scheme + host + rng.choice(PATHS)
    if rng.random() < 0.8:
        text += "?" + query(rng, rng.choice([NAMES, SEARCH_NAMES]))
    if rng.random() < 0.1:
        text += "#q=fragment"
    return text


def parameters(rng: random.Random) -> dict[str, str]:
    params = {"e": "pv", "p": "web", "tv": "js-3.0.0"}
    if rng.random() < 0.85:
        params["refr"] = url(rng)
    if rng.random() < 0.85:
        params["url"] = rng.choice([url(rng), f"https://snowplow.io/pricing?{query(rng)}", "https://s1.com/?utm_source=s",
                                    "https://[bad/?utm_source=x"])
        if "refr" in params and rng.random() < 0.1:  # the page on the referer's host
            params["url"] = params["refr"].split("?")[0] + "/page?" + query(rng)
    return params


def python_enriched(payload, params, referer, campaign):
    mapped = native.map_event(payload, params, SEED, 0, ETL_TSTAMP, "v")
    event = mapped.event
    failures = list(mapped.failures)
    if mapped.invalid is None:
        failures += referer.enrich(event, None) + campaign.enrich(event, None)
    return mapped.invalid, event, failures


@pytest.mark.parametrize("name, referer, campaign", configurations(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_native_enrichments_give_pythons_events(name, referer, campaign):
    chain = native.EnrichmentChain([(referer.NATIVE_KIND, referer.native_settings()),
                                    (campaign.NATIVE_KIND, campaign.native_settings())])
    rng = random.Random(f"referer-campaign-{name}")
    set_fields = 0
    for n in range(4000):
        params = parameters(rng)
        payload = payload_of(raw_event(params).source)
        invalid, expected, failures = python_enriched(payload, params, referer, campaign)
        got = native.map_event(payload, params, SEED, 0, ETL_TSTAMP, "v", chain)
        assert list(got.event.items()) == list(expected.items()), params
        assert list(got.failures) == failures, params
        if invalid is None and not failures:
            # the native chain checks maxLength after the enrichments (a refr_term or mkt_* too long)
            assert (got.invalid is not None) == bool(native.too_long_fields(expected)), params
        else:
            assert got.invalid == invalid, params
        set_fields += any(key in expected for key in ("refr_medium", "mkt_medium", "mkt_source", "mkt_clickid"))
    assert set_fields > 1000  # the random events do exercise the enrichments


def test_settings_are_json_and_name_the_config_schemas():
    for _, referer, campaign in configurations():
        assert (referer.NATIVE_KIND, campaign.NATIVE_KIND) == ("referer_parser", "campaign_attribution")
        for settings in (referer.native_settings(), campaign.native_settings()):
            import json
            assert json.loads(json.dumps(settings)) == settings
    with pytest.raises(ValueError, match="referer_parser"):
        native.EnrichmentChain([("referer_parser", {"lookup": [], "internal_domains": []})])
    with pytest.raises(ValueError, match="campaign_attribution"):
        native.EnrichmentChain([("campaign_attribution", {"fields": [["mkt_x", []]], "click_ids": []})])
