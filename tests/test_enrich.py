"""transforms.enrich: tracker parameters onto the canonical fields, derived fields, and the bad rows of bad input."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest

from tests.helpers import COLLECTOR, COLLECTOR_TSTAMP, event_validator, raw_event
from snowplow_beam.transforms.enrich import ATOMIC_SCHEMA, V_ETL, EnrichmentError, EventEnricher
from snowplow_beam.transforms.enrichments.fingerprint import EventFingerprint

ETL_TSTAMP = 1_795_849_400_000
SEED = hashlib.sha256(b"a raw record").digest()
BASE = {"e": "pv", "p": "web", "tv": "js-3.0.0"}
EID = "1863683f-182d-4a37-8016-9f79fa293648"
LINK_CLICK = {"schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
              "data": {"schema": "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
                       "data": {"targetUrl": "https://example.com/docs", "elementId": "nav"}}}
CONTEXTS = {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
            "data": [{"schema": "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9",
                      "data": {"environment": "production", "source": "gitlab-rails", "plan": "free"}}]}


def derive_event_id(seed: bytes, index: int) -> str:
    """The event id the pipeline derives for the ``index``-th event of a record without ``eid``: the UUID v4 layout
    of SHA-256(seed || index as 4 bytes big-endian)."""
    digest = hashlib.sha256(seed + index.to_bytes(4, "big")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def b64url(value: dict, padding: bool = True) -> str:
    text = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    return text if padding else text.rstrip("=")


def enricher(*enrichments) -> EventEnricher:
    return EventEnricher(enrichments, clock=lambda: ETL_TSTAMP)


def enrich(params: dict, index: int = 0, **source) -> dict:
    return enricher().enrich(raw_event({**BASE, **params}, **source), SEED, index)


def rejected(params: dict, *enrichments, **source):
    with pytest.raises(EnrichmentError) as caught:
        enricher(*enrichments).enrich(raw_event({**BASE, **params}, **source), SEED, 0)
    bad = caught.value.bad_row
    return bad.type_name, bad.row["data"]["failure"]["messages"]


def atomic(*reports) -> dict:
    return {"schemaKey": ATOMIC_SCHEMA, "error": {"error": "ValidationError", "dataReports": list(reports)}}


def report(field, message, keyword, value) -> dict:
    return {"message": message, "path": f"$.{field}", "keyword": keyword, "targets": [value]}


def enrichment_failure(field, value, expectation) -> dict:
    return {"enrichment": None, "message": {"field": field, "value": value, "expectation": expectation}}


# ---- the parameter mapping (reference §1.5) -----------------------------------------------------------

MAPPING = [
    ("e", "pv", "event", "page_view"), ("e", "pp", "event", "page_ping"), ("e", "se", "event", "struct"),
    ("e", "ev", "event", "struct"), ("e", "tr", "event", "transaction"), ("e", "ti", "event", "transaction_item"),
    ("e", "ad", "event", "ad_impression"),
    ("aid", "shop", "app_id", "shop"), ("p", "mob", "platform", "mob"), ("p", "headset", "platform", "headset"),
    ("tna", "cf", "name_tracker", "cf"), ("tv", "py-1.1.0", "v_tracker", "py-1.1.0"),
    ("cv", "clj-1.1.0-tom-0.2.0", "v_collector", "clj-1.1.0-tom-0.2.0"),
    ("eid", EID.upper(), "event_id", EID), ("tid", "508780", "txn_id", 508780), ("tid", "-7", "txn_id", -7),
    ("dtm", "1795849373011", "dvce_created_tstamp", 1795849373011),
    ("stm", "1795849373000", "dvce_sent_tstamp", 1795849373000),
    ("ttm", "1795849372999", "true_tstamp", 1795849372999),
    ("uid", "user-123", "user_id", "user-123"), ("duid", "d7c1", "domain_userid", "d7c1"),
    ("nuid", "n-1", "network_userid", "n-1"), ("tnuid", "t-1", "network_userid", "t-1"),
    ("sid", "AB4C2F8E-3E64-4D2E-9C3A-1B2C3D4E5F60", "domain_sessionid", "ab4c2f8e-3e64-4d2e-9c3a-1b2c3d4e5f60"),
    ("vid", "42", "domain_sessionidx", 42), ("fp", "2212841561", "user_fingerprint", "2212841561"),
    ("ip", "198.51.100.7", "user_ipaddress", "198.51.100.7"), ("ua", "Mozilla/5.0 (X11)", "useragent", "Mozilla/5.0 (X11)"),
    ("url", "https://example.com/a", "page_url", "https://example.com/a"), ("page", "A page", "page_title", "A page"),
    ("refr", "https://ref.example/", "page_referrer", "https://ref.example/"),
    ("lang", "en-GB", "br_lang", "en-GB"), ("cs", "UTF-8", "doc_charset", "UTF-8"), ("cd", "24", "br_colordepth", "24"),
    ("tz", "Europe/London", "os_timezone", "Europe/London"),
    ("cookie", "1", "br_cookies", True), ("cookie", "0", "br_cookies", False),
    ("f_pdf", "1", "br_features_pdf", True), ("f_fla", "0", "br_features_flash", False),
    ("f_java", "1", "br_features_java", True), ("f_dir", "0", "br_features_director", False),
    ("f_qt", "1", "br_features_quicktime", True), ("f_realp", "0", "br_features_realplayer", False),
    ("f_wma", "1", "br_features_windowsmedia", True), ("f_gears", "0", "br_features_gears", False),
    ("f_ag", "1", "br_features_silverlight", True),
    ("se_ca", "projects", "se_category", "projects"), ("se_ac", "create", "se_action", "create"),
    ("se_la", "new", "se_label", "new"), ("se_pr", "ui", "se_property", "ui"), ("se_va", "1.5", "se_value", "1.5"),
    ("se_va", "-2", "se_value", "-2"), ("se_va", "1e3", "se_value", "1000"),
    ("ev_ca", "c", "se_category", "c"), ("ev_ac", "a", "se_action", "a"), ("ev_la", "l", "se_label", "l"),
    ("ev_pr", "p", "se_property", "p"), ("ev_va", "0.25", "se_value", "0.25"),
    ("tr_id", "order-1", "tr_orderid", "order-1"), ("tr_af", "shop", "tr_affiliation", "shop"),
    ("tr_tt", "99.95", "tr_total", "99.95"), ("tr_tx", "8.5", "tr_tax", "8.5"), ("tr_sh", "0", "tr_shipping", "0"),
    ("tr_ci", "Leeds", "tr_city", "Leeds"), ("tr_st", "Yorks", "tr_state", "Yorks"),
    ("tr_co", "UK", "tr_country", "UK"), ("tr_cu", "GBP", "tr_currency", "GBP"),
    ("ti_id", "order-1", "ti_orderid", "order-1"), ("ti_sk", "sku-9", "ti_sku", "sku-9"),
    ("ti_nm", "Widget", "ti_name", "Widget"), ("ti_na", "Gadget", "ti_name", "Gadget"),
    ("ti_ca", "tools", "ti_category", "tools"), ("ti_pr", "12.5", "ti_price", "12.5"),
    ("ti_qu", "3", "ti_quantity", 3), ("ti_cu", "EUR", "ti_currency", "EUR"),
    ("pp_mix", "0", "pp_xoffset_min", 0), ("pp_max", "1280", "pp_xoffset_max", 1280),
    ("pp_miy", "-5", "pp_yoffset_min", -5), ("pp_may", "2301.7", "pp_yoffset_max", 2301),
]


@pytest.mark.parametrize("param, value, field, expected", MAPPING,
                         ids=[f"{p}={v}" for p, v, _, _ in MAPPING])
def test_each_tracker_parameter_lands_in_its_field_with_its_type(param, value, field, expected):
    event = enrich({param: value})
    assert event[field] == expected
    assert type(event[field]) is type(expected)


@pytest.mark.parametrize("param, fields", [
    ("res", ("dvce_screenwidth", "dvce_screenheight")),
    ("vp", ("br_viewwidth", "br_viewheight")),
    ("ds", ("doc_width", "doc_height")),
])
def test_dimension_pairs(param, fields):
    event = enrich({param: "1920x1080"})
    assert (event[fields[0]], event[fields[1]]) == (1920, 1080)


@pytest.mark.parametrize("params", [
    {"e": "ue", "ue_pr": json.dumps(LINK_CLICK)},
    {"e": "ue", "ue_px": b64url(LINK_CLICK)},
    {"e": "ue", "ue_px": b64url(LINK_CLICK, padding=False)},
    {"e": "ue", "ue_pr": '{"broken', "ue_px": b64url(LINK_CLICK)},  # the base64 form wins
], ids=["ue_pr", "ue_px", "ue_px_unpadded", "ue_px_wins"])
def test_unstruct_event_parameters(params):
    assert enrich(params)["unstruct_event"] == LINK_CLICK


@pytest.mark.parametrize("params", [
    {"co": json.dumps(CONTEXTS)}, {"cx": b64url(CONTEXTS)}, {"cx": b64url(CONTEXTS, padding=False)},
])
def test_contexts_parameters(params):
    assert enrich(params)["contexts"] == CONTEXTS


def test_unmapped_parameters_are_ignored():
    event = enrich({"ctype": "x", "mac": "m", "sa": "1", "unknown": "?"})
    assert not {"ctype", "mac", "sa", "unknown"} & set(event)


def test_a_page_view_from_the_python_tracker():
    params = {"e": "pv", "url": "https://example.com/a?b=c", "page": "A page", "refr": "https://ref.example/",
              "p": "srv", "uid": "user-123", "lang": "en", "tz": "UTC", "eid": "820c6f14-8c57-4aea-975d-33e5cf574f6f",
              "dtm": "1795849373011", "tv": "py-1.1.0", "tna": "py-get", "aid": "spike-app", "stm": "1795849373000"}
    event = enricher().enrich(raw_event(params, user_agent="python-requests/2.34.2"), SEED, 0)
    assert event == {
        "app_id": "spike-app", "platform": "srv", "etl_tstamp": ETL_TSTAMP, "collector_tstamp": COLLECTOR_TSTAMP,
        "dvce_created_tstamp": 1795849373011, "event": "page_view", "event_id": "820c6f14-8c57-4aea-975d-33e5cf574f6f",
        "name_tracker": "py-get", "v_tracker": "py-1.1.0", "v_collector": COLLECTOR, "v_etl": V_ETL,
        "user_id": "user-123", "user_ipaddress": "203.0.113.9",
        "page_url": "https://example.com/a?b=c", "page_title": "A page", "page_referrer": "https://ref.example/",
        "page_urlscheme": "https", "page_urlhost": "example.com", "page_urlport": 443, "page_urlpath": "/a",
        "page_urlquery": "b=c", "refr_urlscheme": "https", "refr_urlhost": "ref.example", "refr_urlport": 443,
        "refr_urlpath": "/", "useragent": "python-requests/2.34.2", "br_lang": "en", "os_timezone": "UTC",
        "dvce_sent_tstamp": 1795849373000, "derived_tstamp": COLLECTOR_TSTAMP,  # dtm > stm: stm has 1 s resolution
        "event_vendor": "com.snowplowanalytics.snowplow", "event_name": "page_view", "event_format": "jsonschema",
        "event_version": "1-0-0",
    }


# ---- derived fields -------------------------------------------------------------------------------------


def test_collector_and_etl_fields():
    event = enrich({})
    assert event["v_etl"] == V_ETL == "snowplow-beam-pipeline-0.1.0"
    assert event["etl_tstamp"] == ETL_TSTAMP
    assert event["collector_tstamp"] == COLLECTOR_TSTAMP
    assert event["v_collector"] == COLLECTOR


def test_event_id_from_eid_is_lower_cased():
    assert enrich({"eid": "1863683F-182D-4A37-8016-9F79FA293648"})["event_id"] == EID


def test_event_id_without_eid_is_derived_from_the_record_and_the_index():
    first, again, second = enrich({})["event_id"], enrich({})["event_id"], enrich({}, index=1)["event_id"]
    other_record = enricher().enrich(raw_event(BASE), hashlib.sha256(b"another record").digest(), 0)["event_id"]
    assert first == again == derive_event_id(SEED, 0)
    assert len({first, second, other_record}) == 3


@pytest.mark.parametrize("index", [0, 1, 2, 255, 2**32 - 1])
def test_derived_event_ids_have_the_uuid_v4_layout(index):
    text = enrich({}, index=index)["event_id"]
    assert text == derive_event_id(SEED, index)
    parsed = uuid.UUID(text)
    assert str(parsed) == text  # canonical, lower-case
    assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
    assert text[14] == "4" and text[19] in "89ab"


def test_network_userid_from_the_collector_cookie():
    assert enrich({}, network_user_id="cookie-id")["network_userid"] == "cookie-id"
    assert "network_userid" not in enrich({})


@pytest.mark.parametrize("params, expected", [
    ({"nuid": "n"}, "n"),
    ({"tnuid": "t"}, "t"),
    ({"nuid": "n", "tnuid": "t"}, "t"),
    ({"tnuid": "t", "nuid": "n"}, "t"),
])
def test_network_userid_nuid_overrides_the_cookie_and_tnuid_wins(params, expected):
    assert enrich(params, network_user_id="cookie-id")["network_userid"] == expected


@pytest.mark.parametrize("headers, ip_address, params, expected", [
    (None, "203.0.113.9", {}, "203.0.113.9"),
    (["X-Forwarded-For: 198.51.100.1, 10.0.0.1, 10.0.0.2"], "10.0.0.3", {}, "198.51.100.1"),
    (["x-forwarded-for: 198.51.100.1 10.0.0.1"], "10.0.0.3", {}, "198.51.100.1"),
    (["X-Forwarded-For: 198.51.100.1|10.0.0.1"], "10.0.0.3", {}, "198.51.100.1"),
    (["X-Forwarded-For: 2001:db8::1, 10.0.0.1"], "10.0.0.3", {}, "2001:db8::1"),
    (["Host: c.example", "X-Real-Ip: 192.0.2.1"], "10.0.0.3", {}, "10.0.0.3"),
    (["X-Forwarded-For: 198.51.100.1"], "10.0.0.3", {"ip": "192.0.2.99"}, "192.0.2.99"),
    (None, None, {}, None),
    # Snowplow's IpAddressExtractor and extractIp (issue 14):
    (None, "10.0.0.3", {"ip": "192.0.2.99, 10.0.0.1"}, "192.0.2.99"),  # ip: only its first address
    (["X-Forwarded-For: localhost"], "10.0.0.3", {}, "10.0.0.3"),  # not an address: the next source
    (["X-Forwarded-For: unknown"], "10.0.0.3", {}, "10.0.0.3"),
    (["X-Forwarded-For: unknown", "Forwarded: for=192.0.2.43"], "10.0.0.3", {}, "192.0.2.43"),
    (["X-Forwarded-For: 203.0.113.7:8080"], "10.0.0.3", {}, "203.0.113.7"),  # ports removed
    (["X-Forwarded-For: [1fff:0:a88:85a3::ac1f]:8001"], "10.0.0.3", {}, "1fff:0:a88:85a3::ac1f"),
    (['X-Forwarded-For: "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]"'], "10.0.0.3", {},
     "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    (["Forwarded: for=129.78.138.66, 129.78.64.103"], "10.0.0.3", {}, "129.78.138.66"),
    (['Forwarded: for="[2001:db8::1]:443", for=129.78.138.56'], "10.0.0.3", {}, "2001:db8::1"),
    (["Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43"], "10.0.0.3", {}, "192.0.2.60"),
    (["Forwarded: for=2.2.2.2", "X-Forwarded-For: 1.1.1.1"], "10.0.0.3", {}, "1.1.1.1"),  # XFF first
    (["Forwarded: for=_hidden"], "10.0.0.3", {}, "10.0.0.3"),  # an obfuscated identifier
    (["Forwarded: for=unknown"], "10.0.0.3", {}, "10.0.0.3"),
    (["Forwarded: for=192.0.2.43"], "10.0.0.3", {"ip": "192.0.2.99"}, "192.0.2.99"),  # ip wins
])
def test_user_ipaddress(headers, ip_address, params, expected):
    event = enrich(params, headers=headers, ip_address=ip_address)
    assert event.get("user_ipaddress") == expected


@pytest.mark.parametrize("user_agent, params, expected", [
    ("Mozilla/5.0", {}, "Mozilla/5.0"),
    ("Mozilla/5.0", {"ua": "Custom/1.0"}, "Custom/1.0"),
    ("A\tB\nC\r\nD", {}, "A    BCD"),
    (None, {"ua": "x\ty\n"}, "x    y"),
    (None, {}, None),
])
def test_useragent(user_agent, params, expected):
    assert enrich(params, user_agent=user_agent).get("useragent") == expected


def test_page_url_from_url_else_from_the_referer_header():
    assert enrich({"url": "https://a.example/"}, referer_uri="https://b.example/")["page_url"] == "https://a.example/"
    event = enrich({}, referer_uri="https://b.example:8443/p?q=1")
    assert (event["page_url"], event["page_urlhost"], event["page_urlport"]) == \
        ("https://b.example:8443/p?q=1", "b.example", 8443)
    assert "page_url" not in enrich({})


URL_COMPONENTS = [
    ("https://www.example.com/a/b?c=d&e=f#top", ("https", "www.example.com", 443, "/a/b", "c=d&e=f", "top")),
    ("http://example.com", ("http", "example.com", 80, None, None, None)),
    ("http://example.com:8080/x", ("http", "example.com", 8080, "/x", None, None)),
    ("https://example.com:443/", ("https", "example.com", 443, "/", None, None)),
    ("HTTPS://Example.COM/Path%20x?Q=%41", ("https", "example.com", 443, "/Path%20x", "Q=%41", None)),
    ("http://[2001:db8::1]:81/v6", ("http", "2001:db8::1", 81, "/v6", None, None)),
    # Snowplow: 443 for https, 80 for every other scheme when the URL has no port
    ("android-app://com.example.app/", ("android-app", "com.example.app", 80, "/", None, None)),
    ("file:///home/jane/page.html", ("file", None, 80, "/home/jane/page.html", None, None)),
    ("ftp://files.example.com/a.txt", ("ftp", "files.example.com", 80, "/a.txt", None, None)),
    ("ftp://files.example.com:2121/a.txt", ("ftp", "files.example.com", 2121, "/a.txt", None, None)),
]


@pytest.mark.parametrize("url, parts", URL_COMPONENTS, ids=[u for u, _ in URL_COMPONENTS])
@pytest.mark.parametrize("param, prefix", [("url", "page"), ("refr", "refr")])
def test_url_components_with_default_ports(param, prefix, url, parts):
    event = enrich({param: url})
    suffixes = ("urlscheme", "urlhost", "urlport", "urlpath", "urlquery", "urlfragment")
    assert tuple(event.get(f"{prefix}_{s}") for s in suffixes) == parts


@pytest.mark.parametrize("params, expected", [
    ({"ttm": "1795849300000", "dtm": "1795849373000", "stm": "1795849373500"}, 1795849300000),
    ({"dtm": "1795849373000", "stm": "1795849373500"}, COLLECTOR_TSTAMP - 500),
    ({"dtm": "1795849000000", "stm": "1795849373000"}, COLLECTOR_TSTAMP - 373000),
    ({"dtm": "1795849373011", "stm": "1795849373000"}, COLLECTOR_TSTAMP),  # device clock ahead of stm
    ({"dtm": "1795849373000", "stm": "1795849373000"}, COLLECTOR_TSTAMP),
    ({"dtm": "1795849373000"}, COLLECTOR_TSTAMP),
    ({"stm": "1795849373000"}, COLLECTOR_TSTAMP),
    ({}, COLLECTOR_TSTAMP),
], ids=["ttm", "stm_after_dtm", "queued_events", "dtm_after_stm", "equal", "no_stm", "no_dtm", "none"])
def test_derived_tstamp(params, expected):
    assert enrich(params)["derived_tstamp"] == expected


@pytest.mark.parametrize("e, schema", [
    ("pv", ("com.snowplowanalytics.snowplow", "page_view", "jsonschema", "1-0-0")),
    ("pp", ("com.snowplowanalytics.snowplow", "page_ping", "jsonschema", "1-0-0")),
    ("se", ("com.google.analytics", "event", "jsonschema", "1-0-0")),
    ("ev", ("com.google.analytics", "event", "jsonschema", "1-0-0")),
    ("tr", ("com.snowplowanalytics.snowplow", "transaction", "jsonschema", "1-0-0")),
    ("ti", ("com.snowplowanalytics.snowplow", "transaction_item", "jsonschema", "1-0-0")),
    ("ad", ("com.snowplowanalytics.snowplow", "ad_impression", "jsonschema", "1-0-0")),
])
def test_event_schema_fields_of_atomic_events(e, schema):
    event = enrich({"e": e})
    assert (event["event_vendor"], event["event_name"], event["event_format"], event["event_version"]) == schema


def test_event_schema_fields_of_an_unstruct_event_come_from_its_schema():
    inner = {"schema": "iglu:com.gitlab/gitlab_experiment/jsonschema/1-2-3", "data": {}}
    event = enrich({"e": "ue", "ue_pr": json.dumps({"schema": LINK_CLICK["schema"], "data": inner})})
    assert (event["event_vendor"], event["event_name"], event["event_format"], event["event_version"]) == \
        ("com.gitlab", "gitlab_experiment", "jsonschema", "1-2-3")


# ---- event fingerprint ----------------------------------------------------------------------------------


def expected_fingerprint(params: dict, algorithm=hashlib.md5, excluded=("eid", "nuid", "stm", "cv")) -> str:
    text = "".join(f"{k}\x1f{v}\x1f" for k, v in sorted(params.items()) if k not in excluded)
    return algorithm(text.encode("utf-8")).hexdigest()


FINGERPRINTED = {**BASE, "aid": "shop", "url": "https://example.com/ü", "dtm": "1795849373000", "uid": "u"}


def fingerprint(params: dict, enrichment=None) -> str:
    enrichment = enrichment or EventFingerprint()
    return enricher(enrichment).enrich(raw_event(params), SEED, 0)["event_fingerprint"]


def test_event_fingerprint_is_md5_of_the_sorted_parameters_by_default():
    assert fingerprint(FINGERPRINTED) == expected_fingerprint(FINGERPRINTED)
    assert len(fingerprint(FINGERPRINTED)) == 32


@pytest.mark.parametrize("excluded", [{"eid": EID}, {"nuid": "n"}, {"stm": "1795849373999"}, {"cv": "x"}])
def test_event_fingerprint_ignores_the_excluded_parameters(excluded):
    assert fingerprint({**FINGERPRINTED, **excluded}) == fingerprint(FINGERPRINTED)


@pytest.mark.parametrize("change", [{"aid": "other"}, {"dtm": "1795849373001"}, {"tnuid": "t"}])
def test_event_fingerprint_changes_with_any_other_parameter(change):
    assert fingerprint({**FINGERPRINTED, **change}) != fingerprint(FINGERPRINTED)


def test_event_fingerprint_from_config():
    enrichment = EventFingerprint.from_config({"parameters": {"excludeParameters": ["dtm"], "hashAlgorithm": "SHA256"}})
    assert fingerprint(FINGERPRINTED, enrichment) == \
        expected_fingerprint(FINGERPRINTED, hashlib.sha256, excluded=("dtm",))


def test_event_fingerprint_rejects_an_unknown_algorithm():
    with pytest.raises(ValueError, match="hashAlgorithm must be one of MD5, SHA1, SHA256, SHA384, SHA512"):
        EventFingerprint("CRC32")


# ---- bad input: schema_violations (phase 1) ---------------------------------------------------------------

INVALID = [
    ("tid", "abc", "txn_id", "tid: cannot be converted to an integer", "type"),
    ("tid", "3000000000", "txn_id", "tid: must be at most 2147483647", "maximum"),
    ("tid", "-2147483649", "txn_id", "tid: must be at least -2147483648", "minimum"),
    ("vid", "1.5", "domain_sessionidx", "vid: cannot be converted to an integer", "type"),
    ("vid", "1_000", "domain_sessionidx", "vid: cannot be converted to an integer", "type"),
    ("vid", " 7", "domain_sessionidx", "vid: cannot be converted to an integer", "type"),
    ("vid", "99999999999999999999", "domain_sessionidx", "vid: must be at most 2147483647", "maximum"),
    ("ti_qu", "two", "ti_quantity", "ti_qu: cannot be converted to an integer", "type"),
    ("pp_mix", "1e300", "pp_xoffset_min", "pp_mix: must have at most 20 digits before the decimal point", "maximum"),
    ("pp_max", "wide", "pp_xoffset_max", "pp_max: cannot be converted to a number", "type"),
    ("dtm", "yesterday", "dvce_created_tstamp", "dtm: must be milliseconds since the epoch", "format"),
    ("dtm", "1795849373000.5", "dvce_created_tstamp", "dtm: must be milliseconds since the epoch", "format"),
    ("stm", "253402300800000", "dvce_sent_tstamp", "stm: timestamp out of range (years 1 to 9999)", "format"),
    ("ttm", "-62135596800001", "true_tstamp", "ttm: timestamp out of range (years 1 to 9999)", "format"),
    ("eid", "not-a-uuid", "event_id", "eid: must be a UUID", "format"),
    ("eid", EID + "\n", "event_id", "eid: must be a UUID", "format"),
    ("sid", "1234", "domain_sessionid", "sid: must be a UUID", "format"),
    ("e", "xx", "event", "e: must be one of ad, ev, pp, pv, se, ti, tr, ue", "enum"),
    ("p", "desktop", "platform", "p: must be one of app, cnsl, headset, iot, mob, pc, srv, tv, web", "enum"),
    ("res", "1920*1080", "dvce_screenwidth", "res: must be WIDTHxHEIGHT integers", "pattern"),
    ("vp", "-1x-1", "br_viewwidth", "vp: must be WIDTHxHEIGHT integers", "pattern"),
    ("ds", "1x99999999999", "doc_width", "ds: must be at most 2147483647", "maximum"),
    ("f_pdf", "yes", "br_features_pdf", "f_pdf: must be 1 or 0", "enum"),
    ("cookie", "true", "br_cookies", "cookie: must be 1 or 0", "enum"),
    ("se_va", "NaN", "se_value", "se_va: cannot be converted to a number", "type"),
    ("se_va", "Infinity", "se_value", "se_va: cannot be converted to a number", "type"),
    ("se_va", "1,5", "se_value", "se_va: cannot be converted to a number", "type"),
    ("tr_tt", "1e400", "tr_total", "tr_tt: must have at most 20 digits before the decimal point", "maximum"),
    ("ti_pr", "", "ti_price", "ti_pr: cannot be converted to a number", "type"),
]


@pytest.mark.parametrize("param, value, field, message, keyword", INVALID,
                         ids=[f"{p}={v!r}" for p, v, *_ in INVALID])
def test_unparseable_parameters_are_atomic_schema_violations(param, value, field, message, keyword):
    kind, messages = rejected({param: value})
    assert kind == "schema_violations"
    assert messages == [atomic(report(field, message, keyword, value))]


def test_every_unparseable_parameter_is_reported_in_one_row():
    kind, messages = rejected({"tid": "x", "p": "desktop", "co": "{", "ue_px": "%%%"})
    assert kind == "schema_violations"
    assert messages == [
        atomic(report("platform", "p: must be one of app, cnsl, headset, iot, mob, pc, srv, tv, web", "enum", "desktop"),
               report("txn_id", "tid: cannot be converted to an integer", "type", "x")),
        {"field": "ue_px", "value": "%%%", "error": "invalid base64"},
        {"field": "co", "value": "{", "error": "EOF while parsing an object at line 1 column 1"},
    ]


@pytest.mark.parametrize("param, value, error", [
    ("ue_px", "not base64!", "invalid base64"),
    ("cx", "e30=x", "invalid base64"),
    ("ue_px", base64.urlsafe_b64encode(b'{"schema": ').decode(), "EOF while parsing a value at line 1 column 11"),
    ("cx", base64.urlsafe_b64encode(b"\xff\xfe").decode(),
     "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    ("co", "{not json", "key must be a string at line 1 column 2"),
    ("ue_pr", "", "EOF while parsing a value at line 1 column 0"),
])
def test_self_describing_parameters_that_are_not_json(param, value, error):
    kind, messages = rejected({param: value})
    assert kind == "schema_violations"
    assert messages == [{"field": param, "value": value, "error": error}]


def test_a_rejected_event_still_has_an_event_id_and_its_parsed_fields():
    with pytest.raises(EnrichmentError) as caught:
        enricher().enrich(raw_event({**BASE, "aid": "shop", "tid": "x"}), SEED, 3)
    enriched = caught.value.bad_row.row["data"]["payload"]["enriched"]
    assert enriched["event_id"] == derive_event_id(SEED, 3)
    assert (enriched["app_id"], enriched["event"]) == ("shop", "page_view")
    assert "txn_id" not in enriched


@pytest.mark.parametrize("params, source, reports", [
    ({"aid": "a" * 256}, {}, [("app_id", 255, "a" * 256)]),
    ({"tr_cu": "EURO"}, {}, [("tr_currency", 3, "EURO")]),
    ({"url": "https://e.example/" + "p" * 4079}, {},
     [("page_url", 4096, "https://e.example/" + "p" * 4079), ("page_urlpath", 3000, "/" + "p" * 4079)]),
    ({"ip": "1" * 129}, {}, [("user_ipaddress", 128, "1" * 129)]),
    ({"ua": "u" * 1001, "se_la": "l" * 4097}, {}, [("se_label", 4096, "l" * 4097), ("useragent", 1000, "u" * 1001)]),
], ids=["app_id", "tr_currency", "page_url_and_path", "ip_param", "two_fields"])
def test_over_long_fields_are_schema_violations(params, source, reports):
    kind, messages = rejected(params, **source)
    assert kind == "schema_violations"
    assert messages == [atomic(*(report(f, f"exceeds maxLength {limit}", "maxLength", v) for f, limit, v in reports))]


def test_fields_at_their_max_length_pass():
    event = enrich({"aid": "a" * 255, "tr_cu": "EUR", "se_la": "l" * 4096})
    assert (len(event["app_id"]), len(event["se_label"])) == (255, 4096)


# ---- bad input: enrichment_failures (phase 2) -------------------------------------------------------------


@pytest.mark.parametrize("param, field, url", [
    ("url", "page_url", "http://[::1/broken"),
    ("url", "page_url", "https://example.com:99999/"),
    ("refr", "page_referrer", "http://example.com:port/"),
])
def test_an_unparseable_url_is_an_enrichment_failure(param, field, url):
    assert rejected({param: url}) == ("enrichment_failures", [enrichment_failure(field, url, "a valid URI")])


def test_an_unparseable_referer_header_is_an_enrichment_failure():
    assert rejected({}, referer_uri="http://[bad") == \
        ("enrichment_failures", [enrichment_failure("page_url", "http://[bad", "a valid URI")])


@pytest.mark.parametrize("source, params", [({"collector": ""}, {}), ({}, {"cv": ""})])
def test_an_empty_v_collector_is_an_enrichment_failure(source, params):
    assert rejected(params, **source) == \
        ("enrichment_failures", [enrichment_failure("v_collector", None, "v_collector should be set")])


def test_a_missing_event_type_is_an_enrichment_failure():
    with pytest.raises(EnrichmentError) as caught:
        enricher().enrich(raw_event({"p": "web", "tv": "t"}), SEED, 0)
    assert caught.value.bad_row.row["data"]["failure"]["messages"] == \
        [enrichment_failure("event", None, "the e parameter must be set")]


def test_an_unstruct_event_without_ue_pr_or_ue_px_is_accepted_without_an_unstruct_event():
    # Snowplow accepts e=ue alone: the event has no unstruct_event and no schema fields (issue 14)
    event = enrich({"e": "ue", "eid": EID})
    assert event["event"] == "unstruct" and event["event_id"] == EID
    assert not {"unstruct_event", "event_vendor", "event_name", "event_format", "event_version"} & set(event)


@pytest.mark.parametrize("param, field", [
    ("tid", "txn_id"), ("vid", "domain_sessionidx"), ("ti_qu", "ti_quantity"), ("pp_mix", "pp_xoffset_min"),
    ("pp_max", "pp_xoffset_max"), ("pp_miy", "pp_yoffset_min"), ("pp_may", "pp_yoffset_max"),
])
@pytest.mark.parametrize("text", ["null", "NULL", "Null"])
def test_the_text_null_in_an_integer_field_is_no_value(param, field, text):
    # Snowplow's stringToJInteger reads "null" (any case) as no value, not as a parse error
    event = enrich({"e": "pp", param: text})
    assert field not in event
    assert enrich({"e": "pp", param: "7"})[field] == 7


@pytest.mark.parametrize("ue_pr", [
    '{"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": {"a": 1}}',  # missing the unstruct_event wrapper
    '{"a": 1}', "[]", '"text"',
])
def test_an_unstruct_event_that_is_not_self_describing_is_left_to_iglu_validation(ue_pr):
    # Regression: this was an enrichment failure; Snowplow reports it as a schema violation, which the
    # Validate step does.
    event = enrich({"e": "ue", "ue_pr": ue_pr})
    assert event["unstruct_event"] == json.loads(ue_pr)
    assert "event_vendor" not in event
    messages = event_validator().event(event)
    assert len(messages) == 1
    assert set(messages[0]) in ({"json", "error"}, {"schemaKey", "schemaCriterion"})


def test_a_derived_tstamp_before_year_1_is_an_enrichment_failure():
    # Regression: dtm in year 1 and stm in year 9999 gave a derived_tstamp that no serializer could write.
    kind, messages = rejected({"dtm": "-62135596800000", "stm": "253402300799999"})
    assert (kind, messages) == ("enrichment_failures", [
        enrichment_failure("derived_tstamp", None, "collector_tstamp - (stm - dtm) in years 1 to 9999")])


def test_configured_enrichments_run_in_order_and_their_failures_are_reported():
    seen = []

    class First:
        def enrich_batch(self, events, raws):
            for event in events:
                seen.append(("first", event.get("page_urlhost")))
                event["geo_country"] = "GB"
            return [[] for _ in events]

    class Failing:
        def enrich_batch(self, events, raws):
            seen.extend(("failing", event.get("geo_country")) for event in events)
            return [[{"enrichment": {"schemaKey": "iglu:com.acme/e/jsonschema/1-0-0", "identifier": "e"},
                      "message": {"error": "lookup timed out"}}] for _ in events]

    kind, messages = rejected({"url": "https://h.example/"}, First(), Failing())
    assert seen == [("first", "h.example"), ("failing", "GB")]
    assert (kind, messages) == ("enrichment_failures", [
        {"enrichment": {"schemaKey": "iglu:com.acme/e/jsonschema/1-0-0", "identifier": "e"},
         "message": {"error": "lookup timed out"}}])


WEB_PAGE = {"schema": "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
            "data": {"id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9"}}


@pytest.mark.parametrize("version", ["1-0-0", "1-0-1"])
def test_valid_contexts_are_written_as_contexts_1_0_1(version):
    # Snowplow writes contexts and derived_contexts as contexts/jsonschema/1-0-1, whatever 1-*-* was sent
    sent = {"schema": f"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/{version}", "data": [WEB_PAGE]}
    event = enrich({"co": json.dumps(sent)})
    event["derived_contexts"] = dict(sent)
    assert event_validator().event(event) == []
    expected = {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [WEB_PAGE]}
    assert (event["contexts"], event["derived_contexts"]) == (expected, expected)


def test_an_empty_contexts_list_is_no_contexts():
    # Snowplow's formatContexts writes nothing for an empty list of entities
    event = enrich({"co": json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
                                      "data": []})})
    assert event_validator().event(event) == []
    assert "contexts" not in event


def test_invalid_contexts_are_left_as_sent():
    sent = {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
            "data": [{"schema": WEB_PAGE["schema"], "data": {"id": 42}}]}
    event = enrich({"co": json.dumps(sent)})
    assert event_validator().event(event) != []
    assert event["contexts"] == sent


def test_spaces_in_urls_are_encoded_before_parsing_as_snowplow():
    # Snowplow replaces " " with %20 before parsing; page_url is the URL it parsed, page_referrer stays as sent
    event = enrich({"url": "https://example.com/a b/c?q=x y#f g", "refr": "https://ref.example/s p?t=u v"})
    assert event["page_url"] == "https://example.com/a%20b/c?q=x%20y#f%20g"
    assert (event["page_urlpath"], event["page_urlquery"], event["page_urlfragment"]) == \
        ("/a%20b/c", "q=x%20y", "f%20g")
    assert event["page_referrer"] == "https://ref.example/s p?t=u v"
    assert (event["refr_urlpath"], event["refr_urlquery"]) == ("/s%20p", "t=u%20v")
