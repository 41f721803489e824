"""The configurable enrichments: Snowplow's documented example configs, golden events, failures as
enrichment_failures bad rows, config errors naming their file, assets from local paths, HTTP and S3,
derived contexts that validate, and a whole pipeline run with every enrichment on."""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from jsonschema import Draft4Validator
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import ConfigurationError, run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from tests.helpers import SAMPLE_START_MS
from snowplow_beam.transforms import native
from snowplow_beam.transforms.adapters import RawEvent, Source
from snowplow_beam.transforms.enrich import EnrichmentError, EventEnricher
from snowplow_beam.transforms.enrichments import (AnonIp, CampaignAttribution, CookieExtractor, CrossNavigation,
                                    EnrichmentConfigError, EventFingerprint, HttpHeaderExtractor, IpLookups,
                                    RefererParser, UaParser, assets, default_enrichments, load_enrichments)
from snowplow_beam.transforms.enrichments.referer import SHIPPED_DATABASE, parse_database
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator

REGISTRY = Path(__file__).resolve().parents[1] / "transforms" / "iglu_registry" / "schemas"
SP = "iglu:com.snowplowanalytics.snowplow"
SPE = "iglu:com.snowplowanalytics.snowplow.enrichments"
RESOLVER = Resolver.embedded()
VALIDATOR = Validator(RESOLVER)
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:106.0) Gecko/20100101 Firefox/106.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/48.0.2564.116 "
                  "Safari/537.36")
LONDON_IP = "81.2.69.142"
MILFORD_IP = "216.160.83.56"


# ---- helpers -------------------------------------------------------------------------------------

def raw_event(params: dict | None = None, headers: list[str] | None = None, ip: str | None = "203.0.113.9",
              useragent: str | None = FIREFOX_MAC, referer: str | None = None) -> RawEvent:
    params = {"e": "pv", "p": "web", "tv": "js-3.0.0", **(params or {})}
    source = Source(vendor="com.snowplowanalytics.snowplow", version="tp2", timestamp=SAMPLE_START_MS,
                    ip_address=ip, encoding="UTF-8", collector="ssc-3.4.0-kinesis", user_agent=useragent,
                    referer_uri=referer, headers=headers or [])
    return RawEvent(params, source)


def enrich(enrichments, params=None, **source) -> dict:
    return EventEnricher(enrichments).enrich(raw_event(params, **source), hashlib.sha256(b"seed").digest(), 0)


def contexts(event: dict, schema: str) -> list[dict]:
    """The data of the derived contexts with ``schema``; every derived context must validate."""
    envelope = event.get("derived_contexts") or {"data": []}
    assert envelope.get("schema", f"{SP}/contexts/jsonschema/1-0-1") == f"{SP}/contexts/jsonschema/1-0-1"
    for entity in envelope["data"]:
        assert VALIDATOR.validate(entity) == [], entity
    return [entity["data"] for entity in envelope["data"] if entity["schema"] == schema]


def sdj(schema: str, name: str, parameters: dict | None, enabled: bool = True,
        vendor: str = "com.snowplowanalytics.snowplow") -> dict:
    data = {"name": name, "vendor": vendor, "enabled": enabled}
    if parameters is not None:
        data["parameters"] = parameters
    return {"schema": schema, "data": data}


def write_configs(directory: Path, *configs: dict) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    for config in configs:
        name = config["schema"].split("/")[1]
        (directory / f"{name}.json").write_text(json.dumps(config, indent=2))
    return str(directory)


def load(directory) -> list:
    return load_enrichments(str(directory), RESOLVER, BEAM_FILES)


def badrow_validator(row: dict) -> Draft4Validator:
    schema = json.loads((REGISTRY / row["schema"].removeprefix("iglu:")).read_text())
    schema.pop("$schema", None)
    schema.pop("self", None)
    return Draft4Validator(schema)


def enrichment_failure(enrichments, params=None, **source) -> dict:
    """The enrichment_failures bad row an event becomes; it must validate against its schema."""
    with pytest.raises(EnrichmentError) as caught:
        enrich(enrichments, params, **source)
    row = caught.value.bad_row.row
    assert caught.value.bad_row.type_name == "enrichment_failures"
    errors = list(badrow_validator(row).iter_errors(row["data"]))
    assert errors == [], errors
    return row


def city_record(city, country, subdivision, subdivision_name, lat, lon, zone, postal):
    return {"city": {"geoname_id": 1, "names": {"en": city, "de": city + "-de"}},
            "continent": {"code": "EU", "names": {"en": "Europe"}},
            "country": {"iso_code": country, "names": {"en": country}},
            "location": {"accuracy_radius": 100, "latitude": lat, "longitude": lon, "time_zone": zone},
            "postal": {"code": postal},
            "subdivisions": [{"iso_code": subdivision, "names": {"en": subdivision_name}}]}


def write_mmdb(path: Path, database_type: str, networks: dict[str, dict]) -> Path:
    """A MaxMind DB (IPv6 tree, IPv4 reachable) with one record per network."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type=database_type, languages=["en"],
                        description="test database written by tests/test_enrichments.py")
    for network, record in networks.items():
        writer.insert_network(IPSet([network]), record)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path


@pytest.fixture
def maxmind(tmp_path) -> Path:
    """A directory of the five MaxMind databases Snowplow's ip_lookups reads, with test records."""
    return write_maxmind(tmp_path / "maxmind")


def write_maxmind(root: Path) -> Path:
    """The databases of :func:`maxmind`, written in ``root``."""
    write_mmdb(root / "GeoLite2-City.mmdb", "GeoLite2-City", {
        "81.2.69.0/24": city_record("London", "GB", "ENG", "England", 51.5142, -0.0931, "Europe/London", "EC2V"),
        "216.160.83.0/24": city_record("Milford", "US", "WA", "Washington", 47.2513, -122.3149,
                                       "America/Los_Angeles", "98354"),
        "2001:db8::/32": {"country": {"iso_code": "DE", "names": {"en": "Germany"}}},
    })
    write_mmdb(root / "GeoIP2-City.mmdb", "GeoIP2-City", {
        "81.2.69.0/24": city_record("London", "GB", "ENG", "England", 51.5142, -0.0931, "Europe/London", "EC2V")})
    write_mmdb(root / "GeoIP2-ISP.mmdb", "GeoIP2-ISP", {
        "81.2.69.0/24": {"isp": "Andrews & Arnold Ltd", "organization": "STONEHOUSE office network",
                         "autonomous_system_number": 20712,
                         "autonomous_system_organization": "Andrews & Arnold Ltd"}})
    write_mmdb(root / "GeoIP2-Domain.mmdb", "GeoIP2-Domain", {"81.2.69.0/24": {"domain": "aaisp.net.uk"}})
    write_mmdb(root / "GeoIP2-Connection-Type.mmdb", "GeoIP2-Connection-Type",
               {"81.2.69.0/24": {"connection_type": "Corporate"}, "216.160.83.0/24": {"connection_type": "Cable/DSL"}})
    write_mmdb(root / "GeoLite2-ASN.mmdb", "GeoLite2-ASN", {
        "216.160.83.0/24": {"autonomous_system_number": 209, "autonomous_system_organization": "Qwest"}})
    return root


# ---- campaign_attribution ------------------------------------------------------------------------

def campaign_config(fields: dict, schema_version: str = "1-0-1") -> dict:
    return sdj(f"{SP}/campaign_attribution/jsonschema/{schema_version}", "campaign_attribution",
               {"mapping": "static", "fields": fields})


GOOGLE_FIELDS = {"mktMedium": ["utm_medium"], "mktSource": ["utm_source"], "mktTerm": ["utm_term"],
                 "mktContent": ["utm_content"], "mktCampaign": ["utm_campaign"]}


def test_campaign_attribution_docs_example_utm_parameters(tmp_path):
    [campaign, _] = load(write_configs(tmp_path / "conf", campaign_config(GOOGLE_FIELDS)))
    assert isinstance(campaign, CampaignAttribution)
    event = enrich([campaign], {"url": "https://www.acme.com/spring_offer_product?utm_source=influencer"
                                       "&utm_medium=blog&utm_campaign=spring_offer"})
    assert {k: v for k, v in event.items() if k.startswith("mkt_")} == {
        "mkt_source": "influencer", "mkt_medium": "blog", "mkt_campaign": "spring_offer"}
    clicked = enrich([campaign], {"url": "https://www.acme.com/?gclid=abc"})
    assert (clicked["mkt_clickid"], clicked["mkt_network"]) == ("abc", "Google")


def test_campaign_attribution_docs_example_omniture_cid():
    campaign = CampaignAttribution.from_config(campaign_config(
        {"mktMedium": [], "mktSource": [], "mktTerm": [], "mktContent": [], "mktCampaign": ["cid"]})["data"])
    event = enrich([campaign], {"url": "https://acme.com/?cid=summer&utm_source=ignored"})
    assert {k: v for k, v in event.items() if k.startswith("mkt_")} == {"mkt_campaign": "summer"}


@pytest.mark.parametrize("query, expected", [
    ("utm_campaign=abc", "abc"),
    ("legacy_campaign=abc", "abc"),
    ("legacy_campaign=abc&utm_campaign=def", "def"),  # the first parameter of the config wins
])
def test_campaign_attribution_docs_example_multiple_parameters(query, expected):
    campaign = CampaignAttribution.from_config(campaign_config(
        {**GOOGLE_FIELDS, "mktCampaign": ["utm_campaign", "legacy_campaign"]})["data"])
    assert enrich([campaign], {"url": f"https://acme.com/?{query}"})["mkt_campaign"] == expected


@pytest.mark.parametrize("query, clickid, network", [
    ("wbraid=abc", "abc", "Google"),
    ("msclkid=abc", "abc", "NotMicrosoft"),
    ("xyzid=abc", "abc", "XYZ"),
    ("gclid=abc", "abc", "Google"),
    ("dclid=abc", "abc", "DoubleClick"),
])
def test_campaign_attribution_docs_example_click_ids(query, clickid, network):
    campaign = CampaignAttribution.from_config(campaign_config({**GOOGLE_FIELDS, "mktClickId": {
        "wbraid": "Google", "gbraid": "Google", "msclkid": "NotMicrosoft", "xyzid": "XYZ"}})["data"])
    event = enrich([campaign], {"url": f"https://acme.com/?{query}"})
    assert (event["mkt_clickid"], event["mkt_network"]) == (clickid, network)


def test_campaign_attribution_snowplow_example_config_golden_event(tmp_path):
    config = campaign_config({"mktMedium": ["utm_medium", "medium"], "mktSource": ["utm_source", "source"],
                              "mktTerm": ["utm_term", "legacy_term"], "mktContent": ["utm_content"],
                              "mktCampaign": ["utm_campaign", "cid", "legacy_campaign"]}, "1-0-0")
    enrichments = load(write_configs(tmp_path / "conf", config))
    event = enrich(enrichments, {"url": "https://shop.acme.com/p?medium=cpc&source=bing&legacy_term=red+shoes"
                                        "&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="})
    assert {k: v for k, v in event.items() if k.startswith("mkt_")} == {
        "mkt_medium": "cpc", "mkt_term": "red shoes", "mkt_content": "banner 1", "mkt_campaign": "c42",
        "mkt_clickid": "ms-1", "mkt_network": "Microsoft"}  # utm_source= is present but empty: nothing set
    assert "mkt_source" not in event
    assert enrich(enrichments, {"url": "https://shop.acme.com/p"}).keys().isdisjoint(
        {"mkt_medium", "mkt_source", "mkt_term", "mkt_content", "mkt_campaign", "mkt_clickid", "mkt_network"})


# ---- referer_parser ------------------------------------------------------------------------------

def referer_config(parameters: dict, version: str = "2-0-1") -> dict:
    return sdj(f"{SP}/referer_parser/jsonschema/{version}", "referer_parser", parameters)


def refr(event: dict) -> tuple:
    return event.get("refr_medium"), event.get("refr_source"), event.get("refr_term")


def test_referer_parser_docs_example_with_internal_domains_and_custom_referrers(tmp_path):
    config = referer_config({
        "internalDomains": ["community.snowplow.io", "docs.snowplow.io"],
        "database": "referers.json", "uri": "builtin:data",
        "referrers": {"search": {"Corporate Search": {"domains": ["search.example.com"], "parameters": ["q", "query"]}},
                      "social": {"Internal Forum": {"domains": ["forum.example.com"]}}}})
    enrichments = load(write_configs(tmp_path / "conf", config))
    [parser] = [e for e in enrichments if isinstance(e, RefererParser)]

    def classify(referer, page="https://snowplow.io/pricing"):
        return refr(enrich([parser], {"url": page, "refr": referer}))

    assert classify("https://search.example.com/?q=snowplow") == ("search", "Corporate Search", "snowplow")
    assert classify("https://forum.example.com/t/1") == ("social", "Internal Forum", None)
    assert classify("https://docs.snowplow.io/docs/") == ("internal", None, None)
    assert classify("https://snowplow.io/blog") == ("internal", None, None)  # the page's own host
    assert classify("https://www.google.co.uk/search?hl=en&q=event+pipeline&oq=x") == (
        "search", "Google", "event pipeline")
    assert classify("https://www.google.com/") == ("search", "Google", None)
    assert classify("https://l.facebook.com/l.php?u=x") == ("social", "Facebook", None)
    assert classify("https://mail.google.com/mail/u/0/") == ("email", "Gmail", None)
    assert classify("https://www.icloud.com/mail/inbox") == ("email", "iCloud Mail", None)  # a domain with a path
    assert classify("https://www.icloud.com/photos") == ("unknown", None, None)
    assert classify("https://blog.example.org/post") == ("unknown", None, None)
    assert classify("android-app://com.google.android.gm") == (None, None, None)  # not http(s): nothing


def test_referer_parser_reads_a_user_supplied_database_and_version_1_0_0_uses_the_shipped_one(tmp_path):
    database = {"search": {"Acme Search": {"domains": ["find.acme.com"], "parameters": ["k"]}},
                "social": {"Acme Social": {"domains": ["acme.social"]}}}
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "referers-latest.json").write_text(json.dumps(database))
    own = load(write_configs(tmp_path / "own", referer_config(
        {"internalDomains": [], "database": "referers-latest.json", "uri": (tmp_path / "db").as_uri()})))
    assert refr(enrich(own, {"url": "https://a.com/", "refr": "https://find.acme.com/s?k=anvils"})) == (
        "search", "Acme Search", "anvils")
    assert refr(enrich(own, {"url": "https://a.com/", "refr": "https://www.google.com/"})) == ("unknown", None, None)
    legacy = load(write_configs(tmp_path / "legacy", referer_config({"internalDomains": ["a.net"]}, "1-0-0")))
    assert refr(enrich(legacy, {"url": "https://a.com/", "refr": "https://bing.com/?q=x"})) == ("search", "Bing", "x")
    assert refr(enrich(legacy, {"url": "https://a.com/", "refr": "http://a.net/"})) == ("internal", None, None)


def test_the_shipped_referer_database_is_well_formed_without_duplicate_domains():
    database = parse_database(assets.read_bytes(SHIPPED_DATABASE), SHIPPED_DATABASE)
    domains = [domain for sources in database.values() for spec in sources.values() for domain in spec["domains"]]
    assert len(domains) == len(set(domains)) > 150
    assert set(database) == {"search", "social", "email", "paid"}


# ---- ua_parser_config ----------------------------------------------------------------------------

UA_CONFIG_1_0_1 = sdj(f"{SP}/ua_parser_config/jsonschema/1-0-1", "ua_parser_config", {})


def test_ua_parser_golden_contexts_and_cache(tmp_path):
    [parser, _] = load(write_configs(tmp_path / "conf", UA_CONFIG_1_0_1))
    firefox = contexts(enrich([parser], useragent=FIREFOX_MAC), f"{SP}/ua_parser_context/jsonschema/1-0-0")
    assert firefox == [{
        "useragentFamily": "Firefox", "useragentMajor": "106", "useragentMinor": "0", "useragentPatch": None,
        "useragentVersion": "Firefox 106.0", "osFamily": "Mac OS X", "osMajor": "10", "osMinor": "15",
        "osPatch": None, "osPatchMinor": None, "osVersion": "Mac OS X 10.15", "deviceFamily": "Mac"}]
    chrome = contexts(enrich([parser], useragent=CHROME_WINDOWS), f"{SP}/ua_parser_context/jsonschema/1-0-0")
    assert (chrome[0]["useragentFamily"], chrome[0]["useragentVersion"], chrome[0]["useragentPatch"]) == (
        "Chrome", "Chrome 48.0.2564", "2564")
    # The ua param wins over the User-Agent header, as the enriched useragent field does.
    bot = contexts(enrich([parser], {"ua": "python-requests/2.34.2"}), f"{SP}/ua_parser_context/jsonschema/1-0-0")
    assert (bot[0]["useragentFamily"], bot[0]["osFamily"], bot[0]["deviceFamily"]) == ("Python Requests", "Other",
                                                                                      "Other")
    assert "derived_contexts" not in enrich([parser], useragent=None)
    parsed = []
    writes = parser.writes
    parser.writes = lambda useragent: parsed.append(useragent) or writes(useragent)
    enricher = EventEnricher([parser])  # one worker's chain, with its cache
    for _ in range(3):
        enricher.enrich(raw_event(useragent=FIREFOX_MAC), hashlib.sha256(b"seed").digest(), 0)
    assert parsed == [FIREFOX_MAC]  # parsed once, served from the chain's cache after
    # Each event gets its own copy of the cached context.
    first, second = (enrich([parser], useragent=FIREFOX_MAC) for _ in range(2))
    assert first["derived_contexts"]["data"][0]["data"] is not second["derived_contexts"]["data"][0]["data"]


def test_ua_parser_config_1_0_0_and_custom_rules_from_a_uri(tmp_path):
    legacy = load(write_configs(tmp_path / "legacy", sdj(f"{SP}/ua_parser_config/jsonschema/1-0-0",
                                                         "ua_parser_config", None)))
    assert any(isinstance(e, UaParser) for e in legacy)
    rules = tmp_path / "rules" / "regexes-latest.yaml"
    rules.parent.mkdir()
    rules.write_text("user_agent_parsers:\n"
                     "  - regex: '(AcmeBrowser)/(\\d+)\\.(\\d+)'\n"
                     "os_parsers:\n"
                     "  - regex: '(AcmeOS) (\\d+)'\n"
                     "device_parsers:\n"
                     "  - regex: 'AcmePhone'\n"
                     "    device_replacement: 'Acme Phone'\n")
    custom = load(write_configs(tmp_path / "custom", sdj(f"{SP}/ua_parser_config/jsonschema/1-0-1",
                                                         "ua_parser_config",
                                                         {"database": "regexes-latest.yaml",
                                                          "uri": rules.parent.as_uri()})))
    [data] = contexts(enrich(custom, useragent="AcmeBrowser/3.7 (AcmeOS 12; AcmePhone)"),
                      f"{SP}/ua_parser_context/jsonschema/1-0-0")
    assert (data["useragentVersion"], data["osVersion"], data["deviceFamily"]) == ("AcmeBrowser 3.7", "AcmeOS 12",
                                                                                   "Acme Phone")
    [firefox] = contexts(enrich(custom, useragent=FIREFOX_MAC), f"{SP}/ua_parser_context/jsonschema/1-0-0")
    assert firefox["useragentFamily"] == "Other"  # only the custom rules apply


def test_ua_parser_failure_is_an_enrichment_failure():
    def broken(useragent, domains):
        raise RuntimeError("rules exploded")

    row = enrichment_failure([UaParser(resolver=broken)])
    [message] = row["data"]["failure"]["messages"]
    assert message == {"enrichment": {"schemaKey": f"{SP}/ua_parser_config/jsonschema/1-0-1",
                                      "identifier": "ua-parser"},
                       "message": {"field": "useragent", "value": FIREFOX_MAC,
                                   "expectation": "could not parse useragent: RuntimeError"}}


# ---- ip_lookups and anon_ip ----------------------------------------------------------------------

def ip_config(databases: dict[str, str], uri: str, version: str = "2-0-1") -> dict:
    return sdj(f"{SP}/ip_lookups/jsonschema/{version}", "ip_lookups",
               {name: {"database": database, "uri": uri} for name, database in databases.items()})


FREE_TIER = {"geo": "GeoLite2-City.mmdb", "asn": "GeoLite2-ASN.mmdb"}
PAID_TIER = {"geo": "GeoIP2-City.mmdb", "isp": "GeoIP2-ISP.mmdb", "domain": "GeoIP2-Domain.mmdb",
             "connectionType": "GeoIP2-Connection-Type.mmdb"}


def test_ip_lookups_docs_example_free_tier_golden_events(tmp_path, maxmind):
    enrichments = load(write_configs(tmp_path / "conf", ip_config(FREE_TIER, maxmind.as_uri())))
    london = enrich(enrichments, ip=LONDON_IP)
    assert {k: v for k, v in london.items() if k.startswith(("geo_", "ip_"))} == {
        "geo_country": "GB", "geo_region": "ENG", "geo_region_name": "England", "geo_city": "London",
        "geo_zipcode": "EC2V", "geo_latitude": 51.5142, "geo_longitude": -0.0931, "geo_timezone": "Europe/London"}
    assert contexts(london, f"{SP}/asn/jsonschema/1-0-1") == []
    milford = enrich(enrichments, ip=MILFORD_IP)
    assert (milford["geo_country"], milford["geo_region"], milford["geo_city"]) == ("US", "WA", "Milford")
    assert contexts(milford, f"{SP}/asn/jsonschema/1-0-1") == [{"number": 209, "organization": "Qwest"}]
    # IPv6, an IPv4-mapped IPv6 address, and an address with its port.
    assert enrich(enrichments, ip="2001:db8::8")["geo_country"] == "DE"
    assert enrich(enrichments, ip=f"::ffff:{LONDON_IP}")["geo_city"] == "London"
    assert enrich(enrichments, ip=f"{LONDON_IP}:41234")["geo_city"] == "London"


def test_ip_lookups_docs_example_paid_tier_golden_event(tmp_path, maxmind):
    enrichments = load(write_configs(tmp_path / "conf", ip_config(PAID_TIER, maxmind.as_uri() + "/", "2-0-0")))
    event = enrich(enrichments, ip=LONDON_IP)
    assert {k: v for k, v in event.items() if k.startswith(("geo_", "ip_"))} == {
        "geo_country": "GB", "geo_region": "ENG", "geo_region_name": "England", "geo_city": "London",
        "geo_zipcode": "EC2V", "geo_latitude": 51.5142, "geo_longitude": -0.0931, "geo_timezone": "Europe/London",
        "ip_isp": "Andrews & Arnold Ltd", "ip_organization": "STONEHOUSE office network",
        "ip_domain": "aaisp.net.uk", "ip_netspeed": "Corporate"}
    assert contexts(event, f"{SP}/asn/jsonschema/1-0-1") == [{"number": 20712, "organization": "Andrews & Arnold Ltd"}]


@pytest.mark.parametrize("ip", ["198.51.100.1", "not an ip", "", "2001:db9::1", "999.1.1.1"])
def test_ip_lookups_that_find_nothing_do_not_fail_the_event(maxmind, ip):
    lookups = IpLookups(geo=str(maxmind / "GeoLite2-City.mmdb"), isp=str(maxmind / "GeoIP2-ISP.mmdb"))
    event = enrich([lookups], ip=ip)
    assert not any(key.startswith(("geo_", "ip_")) for key in event)
    assert "derived_contexts" not in event  # no asn context either


def test_ip_lookups_config_errors_name_the_file(tmp_path, maxmind):
    missing = write_configs(tmp_path / "missing", ip_config({"geo": "GeoLite2-City.mmdb"}, (tmp_path / "nowhere").as_uri()))
    with pytest.raises(EnrichmentConfigError, match=r"ip_lookups\.json.*nowhere/GeoLite2-City\.mmdb"):
        load(missing)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "GeoLite2-City.mmdb").write_bytes(b"not a maxmind database")
    junk = write_configs(tmp_path / "junkconf", ip_config({"geo": "GeoLite2-City.mmdb"}, (tmp_path / "junk").as_uri()))
    with pytest.raises(EnrichmentConfigError, match=r"ip_lookups\.json.*not a MaxMind database"):
        load(junk)
    legacy = write_configs(tmp_path / "legacy", sdj(f"{SP}/ip_lookups/jsonschema/1-0-0", "ip_lookups", {
        "geo": {"database": "GeoLiteCity.dat", "uri": "http://example.com/maxmind"}}))
    with pytest.raises(EnrichmentConfigError, match=r"ip_lookups\.json: ip_lookups version 1-0-0 is not supported"):
        load(legacy)
    wrong_name = write_configs(tmp_path / "wrong", ip_config({"geo": "GeoLite2-Country.mmdb"}, maxmind.as_uri()))
    with pytest.raises(EnrichmentConfigError, match=r"ip_lookups\.json: does not validate against its schema"):
        load(wrong_name)


@pytest.mark.parametrize("octets, segments, address, expected", [
    (3, None, "94.15.223.151", "94.x.x.x"),
    (1, None, "94.15.223.151", "94.15.223.x"),
    (4, None, "94.15.223.151", "x.x.x.x"),
    (1, 4, "2605:2700:0:3::4713:93e3", "2605:2700:0:3:x:x:x:x"),
    (1, 1, "2605:2700:0000:0003:0000:0000:4713:93e3", "2605:2700:0:3:0:0:4713:x"),
    (2, None, "2605:2700:0:3::4713:93e3", "2605:2700:0:3:0:0:x:x"),  # segments default to the octets
    (2, 8, "::ffff:94.15.223.151", "::ffff:94.15.x.x"),
    (2, 8, "777.2.23", "777.2.x"),  # not an address: masked by its shape, as Snowplow does
    (2, 8, "localhost", "localhost"),
    (1, 1, "fe80::1%eth0", "fe80:0:0:0:0:0:0:x"),  # a zoned address: masked, the zone dropped
])
def test_anon_ip_masks_octets_and_segments(octets, segments, address, expected):
    assert enrich([AnonIp(octets, segments)], ip=address)["user_ipaddress"] == expected


def test_anon_ip_docs_example_config_and_geography_from_the_real_address(tmp_path, maxmind):
    example = sdj(f"{SP}/anon_ip/jsonschema/1-0-1", "anon_ip", {"anonOctets": 1, "anonSegments": 1}, enabled=False)
    assert [type(e) for e in load(write_configs(tmp_path / "disabled", example))] == [CrossNavigation]
    example["data"]["enabled"] = True
    enrichments = load(write_configs(tmp_path / "conf", example, ip_config(FREE_TIER, maxmind.as_uri())))
    assert [type(e) for e in enrichments] == [CrossNavigation, IpLookups, AnonIp]  # Snowplow's order
    event = enrich(enrichments, ip=LONDON_IP)
    assert (event["user_ipaddress"], event["geo_city"]) == ("81.2.69.x", "London")
    assert enrich(enrichments, ip="2001:db8::8")["user_ipaddress"] == "2001:db8:0:0:0:0:0:x"
    bad = write_configs(tmp_path / "bad", sdj(f"{SP}/anon_ip/jsonschema/1-0-1", "anon_ip", {"anonOctets": 5}))
    with pytest.raises(EnrichmentConfigError, match=r"anon_ip\.json: does not validate against its schema"):
        load(bad)


# ---- event_fingerprint_config --------------------------------------------------------------------

def test_event_fingerprint_docs_example_config(tmp_path):
    config = sdj(f"{SP}/event_fingerprint_config/jsonschema/1-0-1", "event_fingerprint_config",
                 {"excludeParameters": ["eid", "nuid", "stm", "cv"], "hashAlgorithm": "MD5"})
    [_, fingerprint] = load(write_configs(tmp_path / "conf", config))
    params = {"e": "pv", "p": "web", "tv": "js-3.0.0", "url": "https://a.com/", "eid": "3e1b7f6a-0c8e-4f0e-9c1f-1a2b3c4d5e6f",
              "stm": "1764320400000", "aid": "shop"}
    event = enrich([fingerprint], params)
    text = "aid\x1fshop\x1fe\x1fpv\x1fp\x1fweb\x1ftv\x1fjs-3.0.0\x1furl\x1fhttps://a.com/\x1f"
    assert event["event_fingerprint"] == hashlib.md5(text.encode()).hexdigest()
    # Excluded parameters do not change it; others do.
    assert enrich([fingerprint], {**params, "stm": "1", "eid": "00000000-0000-4000-8000-000000000000"})["event_fingerprint"] == event["event_fingerprint"]
    assert enrich([fingerprint], {**params, "aid": "other"})["event_fingerprint"] != event["event_fingerprint"]
    sha = EventFingerprint.from_config({"parameters": {"hashAlgorithm": "SHA256", "excludeParameters": []}})
    assert enrich([sha], {"e": "pv", "p": "web", "tv": "t"})["event_fingerprint"] == hashlib.sha256(
        "e\x1fpv\x1fp\x1fweb\x1ftv\x1ft\x1f".encode()).hexdigest()


# ---- cookie and header extractors ----------------------------------------------------------------

HEADERS = ["Host: collector.acme.com", "User-Agent: test-agent", "Accept-Language: en-US,en;q=0.9",
           "Cookie: sp=4b1c2d5e-0b6c-4e8f-9a1d-2f3e4a5b6c7d; _ga=GA1.2.3; theme=\"dark\"",
           "cookie: flag", "X-Forwarded-For: 81.2.69.142"]


def test_cookie_extractor_docs_example_config(tmp_path):
    config = sdj(f"{SP}/cookie_extractor_config/jsonschema/1-0-0", "cookie_extractor_config",
                 {"cookies": ["sp", "theme", "flag"]})
    enrichments = load(write_configs(tmp_path / "conf", config))
    event = enrich(enrichments, headers=HEADERS)
    assert contexts(event, "iglu:org.ietf/http_cookie/jsonschema/1-0-0") == [
        {"name": "sp", "value": "4b1c2d5e-0b6c-4e8f-9a1d-2f3e4a5b6c7d"}, {"name": "theme", "value": "dark"},
        {"name": "flag", "value": None}]
    assert "derived_contexts" not in enrich([CookieExtractor(["sp"])], headers=["Host: a"])


def test_cookie_extractor_reads_bare_empty_and_empty_named_cookies_as_snowplow():
    # Snowplow's cookie extractor: "ck1" has no value (null), "=cv2" is the cookie named "", "ck3=" is
    # empty, a quoted value is unquoted; empty items (a trailing ";") are no cookie
    header = 'Cookie: ck1;=cv2;ck3=;ck4=cv4;ck5="cv5";'
    event = enrich([CookieExtractor(["ck1", "", "ck3", "ck4", "ck5"])], headers=[header])
    assert contexts(event, "iglu:org.ietf/http_cookie/jsonschema/1-0-0") == [
        {"name": "ck1", "value": None}, {"name": "", "value": "cv2"}, {"name": "ck3", "value": ""},
        {"name": "ck4", "value": "cv4"}, {"name": "ck5", "value": "cv5"}]
    # a cookie named "" is extracted only when "" is configured
    assert "derived_contexts" not in enrich([CookieExtractor(["ck4x"])], headers=["Cookie: =cv2"])


def test_http_header_extractor_docs_example_configs(tmp_path):
    everything = sdj(f"{SPE}/http_header_extractor_config/jsonschema/1-0-0", "http_header_extractor_config",
                     {"headersPattern": ".*"}, vendor="com.snowplowanalytics.snowplow.enrichments")
    enrichments = load(write_configs(tmp_path / "all", everything))
    headers = contexts(enrich(enrichments, headers=HEADERS), "iglu:org.ietf/http_header/jsonschema/1-0-0")
    assert [h["name"] for h in headers] == ["Host", "User-Agent", "Accept-Language", "Cookie", "cookie",
                                            "X-Forwarded-For"]
    assert headers[2] == {"name": "Accept-Language", "value": "en-US,en;q=0.9"}
    host_only = HttpHeaderExtractor.from_config({"parameters": {"headersPattern": "Host"}})
    assert contexts(enrich([host_only], headers=HEADERS + ["X-Host: b"]),
                    "iglu:org.ietf/http_header/jsonschema/1-0-0") == [{"name": "Host", "value": "collector.acme.com"}]
    bad = sdj(f"{SPE}/http_header_extractor_config/jsonschema/1-0-0", "http_header_extractor_config",
              {"headersPattern": "([unclosed"}, vendor="com.snowplowanalytics.snowplow.enrichments")
    with pytest.raises(EnrichmentConfigError, match=r"http_header_extractor_config\.json: headersPattern"):
        load(write_configs(tmp_path / "bad", bad))
    # valid for Python's re, beyond the native engine (a lookahead): refused at start-up, naming the file
    beyond = sdj(f"{SPE}/http_header_extractor_config/jsonschema/1-0-0", "http_header_extractor_config",
                 {"headersPattern": "X-(?!Secret).*"}, vendor="com.snowplowanalytics.snowplow.enrichments")
    with pytest.raises(EnrichmentConfigError, match=r"http_header_extractor_config\.json: .*headersPattern"):
        load(write_configs(tmp_path / "beyond", beyond))


# ---- cross_navigation_config ---------------------------------------------------------------------

def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


CROSS_NAV_CONFIG = sdj(f"{SPE}/cross_navigation_config/jsonschema/1-0-0", "cross_navigation_config", None,
                       vendor="com.snowplowanalytics.snowplow.enrichments")


def test_cross_navigation_short_format_always_fills_the_fields():
    for enrichments in (default_enrichments(), load_enrichments(None, RESOLVER)):
        event = enrich(enrichments, {"url": "https://b.com/landing?_sp=duid-123.1764320000123&x=1"})
        assert (event["refr_domain_userid"], event["refr_dvce_tstamp"]) == ("duid-123", 1764320000123)
        assert contexts(event, f"{SP}/cross_navigation/jsonschema/1-0-0") == []
    assert "refr_dvce_tstamp" not in enrich([CrossNavigation(False)], {"url": "https://b.com/?_sp=only-duid"})


def test_cross_navigation_enrichment_extended_format_context(tmp_path):
    enrichments = load(write_configs(tmp_path / "conf", CROSS_NAV_CONFIG))
    assert [type(e) for e in enrichments] == [CrossNavigation]
    sp = ".".join(["abc-duid", "1764320000123", "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9", b64("user@acme.com"),
                   b64("shop-app"), "mob", b64("checkout link")])
    event = enrich(enrichments, {"url": f"https://b.com/?_sp={sp}"})
    assert (event["refr_domain_userid"], event["refr_dvce_tstamp"]) == ("abc-duid", 1764320000123)
    assert contexts(event, f"{SP}/cross_navigation/jsonschema/1-0-0") == [{
        "domain_user_id": "abc-duid", "timestamp": "2025-11-28T08:53:20.123Z",
        "session_id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9", "user_id": "user@acme.com", "source_id": "shop-app",
        "source_platform": "mob", "reason": "checkout link"}]
    short = enrich(enrichments, {"url": "https://b.com/?_sp=abc-duid.1764320000123"})
    assert contexts(short, f"{SP}/cross_navigation/jsonschema/1-0-0") == [{
        "domain_user_id": "abc-duid", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": None,
        "user_id": None, "source_id": None, "source_platform": None, "reason": None}]
    too_long = enrich(enrichments, {"url": "https://b.com/?_sp=" + ".".join(["a"] * 8)})
    assert "refr_domain_userid" not in too_long and "derived_contexts" not in too_long


def test_cross_navigation_bad_timestamp_and_bad_base64_are_enrichment_failures(tmp_path):
    enrichments = load(write_configs(tmp_path / "conf", CROSS_NAV_CONFIG))
    row = enrichment_failure(enrichments, {"url": "https://b.com/?_sp=abc.yesterday"})
    assert row["data"]["failure"]["messages"] == [{
        "enrichment": {"schemaKey": f"{SPE}/cross_navigation_config/jsonschema/1-0-0",
                       "identifier": "cross-navigation"},
        "message": {"field": "sp_dtm", "value": "yesterday", "expectation": "not in the expected format: ms since epoch"}}]
    assert row["data"]["payload"]["enriched"]["page_url"] == "https://b.com/?_sp=abc.yesterday"
    row = enrichment_failure(enrichments, {"url": "https://b.com/?_sp=abc.1764320000123..%25%25%25"})
    [message] = row["data"]["failure"]["messages"]
    assert message["message"] == {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}
    # Without the enrichment a bad timestamp still fails, as Snowplow's built-in step does.
    enrichment_failure(default_enrichments(), {"url": "https://b.com/?_sp=abc.99999999999999999"})


def test_several_failures_make_one_bad_row_with_every_message(tmp_path):
    def broken(useragent, domains):
        raise ValueError("no")

    row = enrichment_failure([UaParser(resolver=broken), CrossNavigation(False)],
                             {"url": "https://b.com/?_sp=a.b"})
    assert [m["enrichment"]["identifier"] for m in row["data"]["failure"]["messages"]] == [
        "ua-parser", "cross-navigation"]


# ---- loading: order, defaults, errors ------------------------------------------------------------

def every_enrichment(maxmind: Path) -> list[dict]:
    """One config per supported enrichment, as Snowplow documents them (all enabled)."""
    return [
        campaign_config({"mktMedium": ["utm_medium", "medium"], "mktSource": ["utm_source", "source"],
                         "mktTerm": ["utm_term", "legacy_term"], "mktContent": ["utm_content"],
                         "mktCampaign": ["utm_campaign", "cid", "legacy_campaign"],
                         "mktClickId": {"wbraid": "Google"}}),
        referer_config({"internalDomains": ["docs.gitlab.com"], "database": "referers.json", "uri": "builtin:data"}),
        UA_CONFIG_1_0_1,
        ip_config({"geo": "GeoLite2-City.mmdb", "isp": "GeoIP2-ISP.mmdb", "domain": "GeoIP2-Domain.mmdb",
                   "connectionType": "GeoIP2-Connection-Type.mmdb", "asn": "GeoLite2-ASN.mmdb"}, maxmind.as_uri()),
        sdj(f"{SP}/anon_ip/jsonschema/1-0-1", "anon_ip", {"anonOctets": 2, "anonSegments": 3}),
        sdj(f"{SP}/event_fingerprint_config/jsonschema/1-0-1", "event_fingerprint_config",
            {"excludeParameters": ["eid", "nuid", "stm", "cv"], "hashAlgorithm": "SHA256"}),
        sdj(f"{SP}/cookie_extractor_config/jsonschema/1-0-0", "cookie_extractor_config", {"cookies": ["sp"]}),
        sdj(f"{SPE}/http_header_extractor_config/jsonschema/1-0-0", "http_header_extractor_config",
            {"headersPattern": "Host|Accept.*"}, vendor="com.snowplowanalytics.snowplow.enrichments"),
        CROSS_NAV_CONFIG,
    ]


def test_enrichments_run_in_snowplows_order_whatever_the_file_names(tmp_path, maxmind):
    directory = tmp_path / "conf"
    directory.mkdir()
    for index, config in enumerate(reversed(every_enrichment(maxmind))):
        (directory / f"{index:02d}-{config['data']['name']}.json").write_text(json.dumps(config))
    assert [type(e).__name__ for e in load(directory)] == [
        "UaParser", "RefererParser", "CampaignAttribution", "CrossNavigation", "EventFingerprint",
        "CookieExtractor", "HttpHeaderExtractor", "IpLookups", "AnonIp"]


def test_the_default_set_and_an_empty_directory(tmp_path):
    assert [type(e).__name__ for e in default_enrichments()] == [
        "UaParser", "RefererParser", "CampaignAttribution", "CrossNavigation", "EventFingerprint"]
    assert [type(e).__name__ for e in load_enrichments(None, RESOLVER)] == [
        "UaParser", "RefererParser", "CampaignAttribution", "CrossNavigation", "EventFingerprint"]
    (tmp_path / "empty").mkdir()
    assert [type(e).__name__ for e in load(tmp_path / "empty")] == ["CrossNavigation"]
    with pytest.raises(EnrichmentConfigError, match=r"enrichmets: the enrichments directory does not exist"):
        load(tmp_path / "enrichmets")
    event = enrich(default_enrichments(), {
        "url": "https://gitlab.com/explore?utm_source=newsletter&utm_medium=email&utm_campaign=nov&gclid=g1",
        "refr": "https://www.google.com/search?q=gitlab"})
    assert (event["mkt_source"], event["mkt_medium"], event["mkt_campaign"], event["mkt_clickid"],
            event["mkt_network"]) == ("newsletter", "email", "nov", "g1", "Google")
    assert refr(event) == ("search", "Google", "gitlab")
    assert len(event["event_fingerprint"]) == 32
    assert [c["useragentFamily"] for c in contexts(event, f"{SP}/ua_parser_context/jsonschema/1-0-0")] == ["Firefox"]
    assert not any(key.startswith("geo_") for key in event) and event["user_ipaddress"] == "203.0.113.9"


def test_bad_config_files_stop_loading_with_a_message_naming_the_file(tmp_path):
    def fails(config_text: str, match: str, name: str = "enrichment.json"):
        directory = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
        directory.mkdir()
        (directory / name).write_text(config_text)
        with pytest.raises(EnrichmentConfigError, match=match) as caught:
            load(directory)
        assert str(directory / name) in str(caught.value)

    fails("{not json", r"not valid JSON")
    fails(json.dumps({"data": {}}), r"does not validate against its schema")
    fails(json.dumps(campaign_config({"mktMedium": "utm_medium"})), r"does not validate against its schema")
    fails(json.dumps(sdj(f"{SPE}/iab_spiders_and_robots_enrichment/jsonschema/1-0-0",
                         "iab_spiders_and_robots_enrichment", {
                             "ipFile": {"database": "ip_exclude_current_cidr.txt", "uri": "s3://b/iab"},
                             "excludeUseragentFile": {"database": "exclude_current.txt", "uri": "s3://b/iab"},
                             "includeUseragentFile": {"database": "include_current.txt", "uri": "s3://b/iab"}},
                         vendor="com.snowplowanalytics.snowplow.enrichments")),
          r"enrichment com.snowplowanalytics.snowplow.enrichments/iab_spiders_and_robots_enrichment is not supported")
    fails(json.dumps(referer_config({"internalDomains": [], "database": "missing.json",
                                     "uri": (tmp_path / "nowhere").as_uri()})), r"cannot read the asset .*missing\.json")
    (tmp_path / "baddb").mkdir()
    (tmp_path / "baddb" / "referers.json").write_text(json.dumps({"search": {"X": {"parameters": ["q"]}}}))
    fails(json.dumps(referer_config({"internalDomains": [], "database": "referers.json",
                                     "uri": (tmp_path / "baddb").as_uri()})), r"not a referer database")
    fails(json.dumps(referer_config({"internalDomains": [], "database": "referers.json", "uri": "/relative/path"})),
          r"does not validate against its schema")  # Snowplow's schema wants a URI: file:///relative/path
    fails(json.dumps(sdj(f"{SP}/ua_parser_config/jsonschema/1-0-1", "ua_parser_config", {"database": "r.yaml"})),
          r"give both \"uri\" and \"database\"")
    # Disabled enrichments are skipped, even unsupported ones.
    disabled = tmp_path / "disabled"
    write_configs(disabled, sdj(f"{SP}/javascript_script_config/jsonschema/1-0-0", "javascript_script_config",
                                {"script": "ZnVuY3Rpb24gcHJvY2VzcyhldmVudCkgeyByZXR1cm4gW107IH0="}, enabled=False))
    assert [type(e) for e in load(disabled)] == [CrossNavigation]


def test_the_same_enrichment_twice_is_an_error(tmp_path):
    directory = tmp_path / "conf"
    directory.mkdir()
    for name in ("a.json", "b.json"):
        (directory / name).write_text(json.dumps(UA_CONFIG_1_0_1))
    with pytest.raises(EnrichmentConfigError, match=r"b\.json: ua_parser_config is already configured by .*a\.json"):
        load(directory)


# ---- native settings -----------------------------------------------------------------------------

def configured_enrichments() -> list:
    """Enrichments run by the native core alone (the lookups hold a callable: tests/test_native_lookups.py), in
    several configurations."""
    return [
        CrossNavigation(extended=False), CrossNavigation(),
        CrossNavigation(True, "iglu:com.acme/cross_navigation_config/jsonschema/1-0-0"),
        EventFingerprint(), EventFingerprint("SHA256", ["eid", "dtm", "url"]), EventFingerprint("SHA1", []),
        EventFingerprint("SHA512", ["e"]), EventFingerprint("SHA384", ["p"]),
        CookieExtractor(["sp", "theme", "", "k\u00e9"]), CookieExtractor([]),
        HttpHeaderExtractor("(?i)Host|Accept.*|x-[a-z]+"), HttpHeaderExtractor(".*"), HttpHeaderExtractor(r"[\w-]+"),
        HttpHeaderExtractor(r"\S*\s\S*"),
        AnonIp(2, 3), AnonIp(4, 8), AnonIp(1), AnonIp(3, 1),
        RefererParser(), RefererParser.from_config(referer_config({
            "internalDomains": ["community.snowplow.io", "docs.snowplow.io"], "database": "referers.json",
            "uri": "builtin:data",
            "referrers": {"search": {"Corporate Search": {"domains": ["search.example.com"],
                                                          "parameters": ["q"]}}}})["data"]),
        CampaignAttribution(), CampaignAttribution.from_config(campaign_config(
            {**GOOGLE_FIELDS, "mktClickId": {"wbraid": "Google", "msclkid": "NotMicrosoft"}})["data"]),
    ]


def test_native_settings_are_json_and_name_the_config_schemas():
    kinds = set()
    for enrichment in configured_enrichments():
        settings = enrichment.native_settings()
        assert json.loads(json.dumps(settings)) == settings
        assert len(EventEnricher([enrichment]).chain) == 1
        kinds.add(enrichment.NATIVE_KIND)
    assert kinds == {"cross_navigation_config", "event_fingerprint_config", "cookie_extractor_config",
                     "http_header_extractor_config", "anon_ip", "referer_parser", "campaign_attribution"}


def test_referer_and_campaign_settings_keep_snowplows_precedence():
    database = {"search": {"S1": {"domains": ["dup.com", "s1.com"], "parameters": ["k", "kw"]}},
                "social": {"Dup": {"domains": ["dup.com"]}}}
    settings = RefererParser(database, [" intra.net ", "intra.org"], {"email": {"Mine": {"domains": ["s1.com"]}}},
                             cache_size=5).native_settings()
    assert settings == {"lookup": {"dup.com": {"medium": "social", "source": "Dup", "parameters": []},
                                   "s1.com": {"medium": "email", "source": "Mine", "parameters": []}},
                        "internal_domains": ["intra.net", "intra.org"], "cache_size": 5}
    settings = CampaignAttribution({"mktMedium": ["", "utm_medium"], "mktTerm": [],
                                    "mktCampaign": ["cid", "utm_campaign"]},
                                   {"msclkid": "NotMicrosoft", "k": "Kay"}, cache_size=3).native_settings()
    assert settings == {"fields": [["mkt_medium", ["", "utm_medium"]], ["mkt_source", ["utm_source"]],
                                   ["mkt_term", []], ["mkt_content", ["utm_content"]],
                                   ["mkt_campaign", ["cid", "utm_campaign"]]],
                        "click_ids": [["gclid", "Google"], ["msclkid", "NotMicrosoft"], ["dclid", "DoubleClick"],
                                      ["k", "Kay"]],
                        "cache_size": 3}


@pytest.mark.parametrize("kind, settings", [
    ("anon_ip", {"anonOctets": 5}), ("event_fingerprint_config", {"hashAlgorithm": "CRC32"}),
    ("cross_navigation_config", {}), ("cookie_extractor_config", {"cookies": "sp"}),
    ("http_header_extractor_config", {"headersPattern": r"(?=Host)Host"}),
    ("referer_parser", {"lookup": [], "internal_domains": []}),
    ("campaign_attribution", {"fields": [["mkt_x", []]], "click_ids": []}),
])
def test_the_native_core_refuses_bad_settings_naming_the_kind(kind, settings):
    with pytest.raises(ValueError, match=kind):
        native.EnrichmentChain([(kind, settings)])


# ---- assets over HTTP and S3 ---------------------------------------------------------------------

@pytest.fixture
def http_assets(tmp_path):
    """A static HTTP server on 127.0.0.1 serving ``tmp_path/www``."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_assets_from_http(tmp_path, http_assets, maxmind):
    root, base = http_assets
    (root / "referer-parser").mkdir()
    (root / "referer-parser" / "referers-latest.json").write_text(json.dumps(
        {"search": {"Acme Search": {"domains": ["find.acme.com"], "parameters": ["k"]}}}))
    (root / "maxmind").mkdir()
    (root / "maxmind" / "GeoLite2-City.mmdb").write_bytes((maxmind / "GeoLite2-City.mmdb").read_bytes())
    enrichments = load(write_configs(
        tmp_path / "conf",
        referer_config({"internalDomains": [], "database": "referers-latest.json", "uri": f"{base}/referer-parser/"}),
        ip_config({"geo": "GeoLite2-City.mmdb"}, f"{base}/maxmind")))
    event = enrich(enrichments, {"url": "https://a.com/", "refr": "https://find.acme.com/?k=x"}, ip=MILFORD_IP)
    assert (refr(event), event["geo_city"]) == (("search", "Acme Search", "x"), "Milford")
    with pytest.raises(EnrichmentConfigError, match=r"cannot read the asset http://127\.0\.0\.1.*/nothing\.json"):
        load(write_configs(tmp_path / "missing", referer_config(
            {"internalDomains": [], "database": "nothing.json", "uri": base})))


@pytest.mark.slow
@pytest.mark.moto
def test_assets_and_configs_from_s3(s3, maxmind):
    client = s3.client()
    client.create_bucket(Bucket="assets")
    database = {"social": {"Acme Social": {"domains": ["acme.social"]}}}
    client.put_object(Bucket="assets", Key="third-party/referer-parser/referers-latest.json",
                         Body=json.dumps(database).encode())
    client.put_object(Bucket="assets", Key="third-party/maxmind/GeoLite2-City.mmdb",
                         Body=(maxmind / "GeoLite2-City.mmdb").read_bytes())
    for config in (referer_config({"internalDomains": [], "database": "referers-latest.json",
                                   "uri": "s3://assets/third-party/referer-parser/"}),
                   ip_config({"geo": "GeoLite2-City.mmdb"}, "s3://assets/third-party/maxmind")):
        client.put_object(Bucket="assets", Key=f"enrichments/{config['data']['name']}.json",
                             Body=json.dumps(config).encode())
    enrichments = load_enrichments("s3://assets/enrichments", RESOLVER, BEAM_FILES)
    assert [type(e) for e in enrichments] == [RefererParser, CrossNavigation, IpLookups]
    event = enrich(enrichments, {"url": "https://a.com/", "refr": "https://acme.social/p/1"}, ip=LONDON_IP)
    assert (refr(event), event["geo_country"]) == (("social", "Acme Social", None), "GB")
    with pytest.raises(EnrichmentConfigError, match=r"ip_lookups.*s3://assets/third-party/maxmind/GeoIP2-City\.mmdb"):
        client.put_object(Bucket="assets", Key="broken/ip_lookups.json", Body=json.dumps(
            ip_config({"geo": "GeoIP2-City.mmdb"}, "s3://assets/third-party/maxmind")).encode())
        load_enrichments("s3://assets/broken", RESOLVER, BEAM_FILES)


# ---- the whole pipeline with every enrichment on --------------------------------------------------

@pytest.mark.slow
def test_a_pipeline_run_with_every_enrichment_on(tmp_path, salt_file):
    # One database record for the whole address space: every sample event gets geography and ISP data.
    root = tmp_path / "maxmind"
    everywhere = ["0.0.0.0/1", "128.0.0.0/1"]
    write_mmdb(root / "GeoLite2-City.mmdb", "GeoLite2-City", {n: city_record(
        "Berlin", "DE", "BE", "Land Berlin", 52.52, 13.405, "Europe/Berlin", "10117") for n in everywhere})
    write_mmdb(root / "GeoIP2-ISP.mmdb", "GeoIP2-ISP", {n: {"isp": "Acme ISP", "organization": "Acme Org",
                                                            "autonomous_system_number": 64500,
                                                            "autonomous_system_organization": "Acme AS"}
                                                        for n in everywhere})
    write_mmdb(root / "GeoIP2-Domain.mmdb", "GeoIP2-Domain", {n: {"domain": "acme.net"} for n in everywhere})
    write_mmdb(root / "GeoIP2-Connection-Type.mmdb", "GeoIP2-Connection-Type",
               {n: {"connection_type": "Cable/DSL"} for n in everywhere})
    write_mmdb(root / "GeoLite2-ASN.mmdb", "GeoLite2-ASN",
               {n: {"autonomous_system_number": 64501, "autonomous_system_organization": "Other AS"} for n in everywhere})
    configs = write_configs(tmp_path / "enrichments", *every_enrichment(root))
    source = tmp_path / "raw.txt"
    source.write_text("\n".join(generate_lines(200, SAMPLE_START_MS)) + "\n")
    out = tmp_path / "out"
    summary = run(["--input", str(source), "--output", str(out), "--salt_file", str(salt_file),
                   "--enrichments", configs])
    assert summary.records_accounted and summary.outputs_accounted, summary.report()
    good = pq.read_table(out / "good").to_pylist()
    assert len(good) == summary.get("good") > 150
    page_views = [row for row in good if row["event"] == "page_view"]
    assert page_views and all(
        (row["mkt_source"], row["mkt_medium"], row["mkt_campaign"], row["refr_medium"], row["refr_source"])
        == ("newsletter", "email", "nov", "search", "Google") for row in page_views)
    for row in good:
        assert (row["geo_country"], row["geo_region"], row["geo_timezone"], row["ip_isp"], row["ip_netspeed"]) == (
            "DE", "BE", "Europe/Berlin", "Acme ISP", "Cable/DSL")
        assert len(row["event_fingerprint"]) == 64  # SHA256
        # The address was anonymized (anon_ip) and then pseudonymized: neither form is in clear.
        assert row["user_ipaddress"] and ".x.x" not in row["user_ipaddress"] and "." not in row["user_ipaddress"]
        derived = json.loads(row["derived_contexts"]) if isinstance(row["derived_contexts"], str) \
            else row["derived_contexts"]
        schemas = [entity["schema"] for entity in derived["data"]]
        assert schemas[0] == f"{SP}/ua_parser_context/jsonschema/1-0-0"
        assert "iglu:org.ietf/http_cookie/jsonschema/1-0-0" in schemas
        assert schemas.count("iglu:org.ietf/http_header/jsonschema/1-0-0") == 2  # Host and Accept
        assert schemas[-1] == f"{SP}/asn/jsonschema/1-0-1"
    bad_rows = [json.loads(line) for path in (out / "enriched_bad").rglob("*.json")
                for line in path.read_text().splitlines() if line]
    assert not [row for row in bad_rows if "enrichment_failures" in row["schema"]]


def test_a_bad_enrichment_directory_stops_the_pipeline_before_it_runs(tmp_path, salt_file):
    configs = write_configs(tmp_path / "enrichments", sdj(f"{SP}/anon_ip/jsonschema/1-0-1", "anon_ip",
                                                          {"anonOctets": 9}))
    source = tmp_path / "raw.txt"
    source.write_text("\n".join(generate_lines(5, SAMPLE_START_MS)) + "\n")
    with pytest.raises(ConfigurationError, match=r"anon_ip\.json: does not validate"):
        run(["--input", str(source), "--output", str(tmp_path / "out"), "--salt_file", str(salt_file),
             "--enrichments", configs])


# ---- speed ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_default_set_keeps_most_of_the_enrichers_throughput():
    from tests.enrichments_bench import compare, raw_events

    bare, default = compare(raw_events(2000), passes=3)
    # See the README for the figures; the bound leaves room for a busy machine but catches, for
    # instance, an uncached user-agent parser (which costs over 90% of the throughput).
    assert default > 0.4 * bare, (bare, default)
