"""transforms.pseudonymize: the HMAC (known answers), the salt sources, the policy file, events, and bad rows.

The property tests over arbitrary events and payloads, and the end-to-end checks, are in test_privacy.py; the
helpers both use (``hmac_hex``, ``run_steps``, ``badrow_errors``...) are in tests/helpers.py.
"""
from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlencode

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snowplow_beam.collector import badrows as collector_badrows
from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.transforms.badrows import parse_collector_bad_row
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.adapters import RawEvent
from snowplow_beam.transforms.atomic import FIELD_NAMES, FIELD_TYPES, to_partial_enriched
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.pseudonymize import Hasher, Policy, Pseudonymizer
from tests.helpers import (
    good_row,
    CONTEXTS, GITLAB_STANDARD, POLICY, PSEUDONYMIZER, SALT, SAMPLE_START_MS, SP, UNSTRUCT, b64, badrow_errors, hmac_hex,
    hmac_uuid, record, run_steps, sample_payload, sample_source,
)


# ---- HMAC: known answers ------------------------------------------------------------------------------

@pytest.mark.parametrize("salt, value, expected", [
    # RFC 4231 test case 2 (HMAC-SHA-256)
    (b"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    # the HMAC example of the Wikipedia article
    (b"key", "The quick brown fox jumps over the lazy dog",
     "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
    # computed once with `printf %s VALUE | openssl dgst -sha256 -hmac pepper-2024`
    (SALT, "jane.doe@example.com", "c77df59bd995d6fa5b3451f38af3729df0a11d74a1a6ad7ada6d3ef56a06446b"),
    (SALT, "Zürich", "9f73e276e4f54b8b6c597788ddb5d0eb9d0b26fee6457977de08ad6647b652f5"),  # UTF-8 bytes
])
def test_known_answers(salt, value, expected):
    assert Hasher(salt).text(value) == expected
    assert hmac_hex(value, salt) == expected
    assert good_row(Pseudonymizer(POLICY, salt), {"user_id": value}) == {"user_id": expected}


@settings(max_examples=150, deadline=None)
@given(salt=st.binary(min_size=1, max_size=80), value=st.text(max_size=200))
def test_pseudonym_is_hmac_sha256_hex_of_the_utf8_text(salt, value):
    hasher = Hasher(salt)
    assert hasher.text(value) == hmac_hex(value, salt)
    assert hasher.text(value) == hasher.text(value)  # deterministic (and cached)


def test_numbers_and_booleans_are_hashed_as_their_json_text_and_null_stays_null():
    hasher = Hasher(SALT)
    assert hasher.leaf(42) == "88058dafef15033dbb0351541e229edcbc8c4ad3a4ed3fdaa7f8009aae96d0fe"  # openssl, "42"
    assert hasher.leaf(True) == "e2cc7c5f8fd170a11788776e39b83cecc0ec8e2efbc1c99c1db18a5f4a277ddd"  # "true"
    assert hasher.leaf(42) == hmac_hex("42")
    assert hasher.leaf(-7) == hmac_hex("-7")
    assert hasher.leaf(False) == hmac_hex("false")
    assert hasher.leaf(1.5) == hmac_hex("1.5")
    assert hasher.leaf(0.25) == hmac_hex("0.25")
    assert hasher.leaf("42") == hmac_hex("42")  # the string "42" and the number 42 share a pseudonym
    assert hasher.leaf(None) is None
    assert hasher.leaf(2 ** 70) == hmac_hex(str(2 ** 70))  # beyond orjson's 64 bits: no crash


def test_opaque_and_uuid_forms():
    hasher = Hasher(SALT)
    assert hasher.opaque("abc") == f"hmac-sha256:{hmac_hex('abc')};length=3"
    assert hasher.uuid("6a3f2b9e-0000-4000-8000-000000000000") == hmac_uuid("6a3f2b9e-0000-4000-8000-000000000000")
    assert hmac_hex("x").startswith(hasher.uuid("x").replace("-", ""))  # joinable with the 64-digit pseudonym


# ---- policy -------------------------------------------------------------------------------------------

CUSTOM = Policy.from_dict({
    "atomic_allowlist": ["app_id", "event", "page_urlport"],
    "entities": [
        {"schema": "iglu:com.acme/allowed/jsonschema/1-*-*", "allow": ["$.a.b", "$.list.id", "$.whole"]},
        {"schema": "iglu:com.acme/denied/jsonschema/1-0-*", "deny": ["$.secret", "$.nested.pin", "$.items.email"]},
        {"schema": "iglu:com.acme/everything/jsonschema/1-*-*", "allow": ["$"]},
        {"schema": "iglu:com.acme/nothing/jsonschema/1-*-*", "deny": ["$"]},
    ],
    "header_allowlist": ["Content-Type"],
})
CUSTOM_P = Pseudonymizer(CUSTOM, SALT)


def sdj(schema: str, data) -> dict:
    return {"schema": schema, "data": data}


def test_allow_rule_keeps_listed_paths_and_hashes_every_other_leaf():
    data = {"a": {"b": "kept", "c": "hashed"}, "list": [{"id": "k1", "name": "n1"}, {"id": 7}, "loose"],
            "whole": {"x": 1, "y": ["z", None, True]}, "other": 5, "nothing": None, "flag": False}
    out = CUSTOM_P.entity(sdj("iglu:com.acme/allowed/jsonschema/1-2-3", data))
    assert out == sdj("iglu:com.acme/allowed/jsonschema/1-2-3", {
        "a": {"b": "kept", "c": hmac_hex("hashed")},
        "list": [{"id": "k1", "name": hmac_hex("n1")}, {"id": 7}, hmac_hex("loose")],  # arrays are transparent
        "whole": {"x": 1, "y": ["z", None, True]},  # a path covers everything below it
        "other": hmac_hex("5"), "nothing": None, "flag": hmac_hex("false"),
    })


def test_deny_rule_hashes_only_listed_paths():
    data = {"secret": {"deep": ["s1", 2]}, "nested": {"pin": 1234, "other": "kept"},
            "items": [{"email": "e@x.io", "n": 1}, {"email": None}], "plain": "kept", "pin": "kept"}
    out = CUSTOM_P.entity(sdj("iglu:com.acme/denied/jsonschema/1-0-4", data))
    assert out["data"] == {
        "secret": {"deep": [hmac_hex("s1"), hmac_hex("2")]},
        "nested": {"pin": hmac_hex("1234"), "other": "kept"},
        "items": [{"email": hmac_hex("e@x.io"), "n": 1}, {"email": None}],
        "plain": "kept", "pin": "kept",
    }


def test_root_paths_and_unmatched_schemas():
    data = {"k": ["v", 1, {"z": "w"}]}
    hashed = {"k": [hmac_hex("v"), hmac_hex("1"), {"z": hmac_hex("w")}]}
    assert CUSTOM_P.entity(sdj("iglu:com.acme/everything/jsonschema/1-0-0", data))["data"] == data
    assert CUSTOM_P.entity(sdj("iglu:com.acme/nothing/jsonschema/1-0-0", data))["data"] == hashed
    # no rule for the schema, or a version outside the criterion: every leaf hashed, keys kept
    assert CUSTOM_P.entity(sdj("iglu:com.acme/unknown/jsonschema/1-0-0", data))["data"] == hashed
    assert CUSTOM_P.entity(sdj("iglu:com.acme/denied/jsonschema/1-1-0", data))["data"] == hashed
    assert CUSTOM_P.entity(sdj("iglu:com.acme/denied/jsonschema/2-0-0", data))["data"] == hashed
    assert CUSTOM_P.entity(sdj("iglu:com.acme/unknown/jsonschema/1-0-0", ["a", None]))["data"] == [hmac_hex("a"), None]


def test_schema_that_is_not_an_iglu_uri_is_hashed_and_never_crashes():
    # in bad rows, contexts can be anything: the schema is data then
    out = CUSTOM_P.entity({"schema": "jane.doe@example.com", "data": {"a": "x"}})
    assert out == {"schema": hmac_hex("jane.doe@example.com"), "data": {"a": hmac_hex("x")}}
    out = CUSTOM_P.entity({"schema": {"owner": "jane"}, "data": {"a": "x"}})  # unhashable: was a TypeError
    assert out == {"schema": {"owner": hmac_hex("jane")}, "data": {"a": hmac_hex("x")}}
    assert CUSTOM_P.entity(["jane", 3]) == [hmac_hex("jane"), hmac_hex("3")]


def test_keys_beside_schema_and_data_are_hashed():
    # Iglu validation reads only `schema` and `data`: anything else in the envelope must not pass in clear
    envelope = {"schema": CONTEXTS, "data": [{"schema": "iglu:com.acme/everything/jsonschema/1-0-0",
                                              "data": {"k": "v"}, "note": "jane@x.io"}], "user": "jane"}
    out = CUSTOM_P.envelope("contexts", envelope)
    assert out == {"schema": CONTEXTS, "data": [{"schema": "iglu:com.acme/everything/jsonschema/1-0-0",
                                                  "data": {"k": "v"}, "note": hmac_hex("jane@x.io")}],
                   "user": hmac_hex("jane")}
    out = CUSTOM_P.envelope("unstruct_event", {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/x/jsonschema/1-0-0", 1),
                                               "ip": "198.51.100.4"})
    assert out == {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/x/jsonschema/1-0-0", hmac_hex("1")),
                   "ip": hmac_hex("198.51.100.4")}


def test_event_applies_the_atomic_allowlist():
    event = {"app_id": "gitlab", "event": "page_view", "page_urlport": 443, "user_id": "jane",
             "geo_latitude": 52.5, "geo_city": "Berlin", "br_cookies": True, "collector_tstamp": SAMPLE_START_MS,
             "unstruct_event": {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/allowed/jsonschema/1-0-0", {"a": {"b": 1}})}}
    out = good_row(CUSTOM_P, event)
    assert out == {"app_id": "gitlab", "event": "page_view", "page_urlport": 443, "user_id": hmac_hex("jane"),
                   "geo_city": hmac_hex("Berlin"),
                   "unstruct_event": {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/allowed/jsonschema/1-0-0",
                                                                      {"a": {"b": 1}})}}
    # non-string fields outside the allowlist are removed (null): geo_latitude, br_cookies, collector_tstamp


@pytest.mark.parametrize("policy, message", [
    ({"atomic_allowlist": ["app_id", "not_a_field"]}, "not_a_field"),
    ({"atomic_allowlist": "app_id"}, "atomic_allowlist must be a list of strings"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "allow": ["a.b"]}]}, "must be '\\$' or start with"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "deny": ["$..a"]}]}, "empty key"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "deny": ["$.a."]}]}, "empty key"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "deny": ["$.items[0].email"]}]}, "brackets"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "deny": ["$.items.*"]}]}, "wildcards"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "deny": ["$['a']"]}]}, "must be '\\$' or start"),
    # a bare string was read as its characters, and its "$" as "keep the whole entity in clear"
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "allow": "$.id"}]}, "must be a list of strings"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*", "allow": ["$.a"], "deny": ["$.b"]}]},
     "one of 'allow' or 'deny'"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-*-*"}]}, "one of 'allow' or 'deny'"),
    ({"entities": [{"schema": "iglu:com.acme/x/jsonschema/1-0", "allow": ["$"]}]}, "invalid schema criterion"),
    ({"entities": {"schema": "iglu:com.acme/x/jsonschema/1-*-*", "allow": ["$"]}}, "entities must be a list"),
    ({"header_allowlist": [1]}, "header_allowlist must be a list of strings"),
    ({"atomic_allowlst": ["app_id"]}, "unknown keys .*atomic_allowlst"),
])
def test_invalid_policies_are_rejected_with_clear_messages(tmp_path, policy, message):
    with pytest.raises(ValueError, match=message):
        Policy.from_dict(policy)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    with pytest.raises(ValueError, match=message) as caught:
        Policy.from_file(str(path), BEAM_FILES)
    assert str(path) in str(caught.value)


def test_policy_file_that_is_not_json(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match=f"invalid pseudonymization policy {re.escape(str(path))}"):
        Policy.from_file(str(path), BEAM_FILES)


def test_policy_file_round_trip(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"atomic_allowlist": ["app_id"], "entities": [
        {"schema": "iglu:com.acme/x/jsonschema/1-*-*", "allow": ["$.id"]}]}))
    p = Pseudonymizer(Policy.from_file(str(path), BEAM_FILES), SALT)
    assert good_row(p, {"app_id": "a", "platform": "web"}) == {"app_id": "a", "platform": hmac_hex("web")}
    assert p.entity(sdj("iglu:com.acme/x/jsonschema/1-0-0", {"id": 1, "n": 2}))["data"] == {"id": 1, "n": hmac_hex("2")}


# ---- the default policy ------------------------------------------------------------------------------

IDENTIFIERS = ("user_id", "user_ipaddress", "user_fingerprint", "domain_userid", "domain_sessionid",
               "network_userid", "refr_domain_userid")
URLS_AND_TEXT = ("page_url", "page_referrer", "page_urlpath", "page_urlquery", "page_urlfragment", "refr_urlpath",
                 "refr_urlquery", "refr_urlfragment", "page_title", "se_label", "se_property", "useragent",
                 "mkt_term", "mkt_content", "mkt_clickid", "geo_city", "geo_zipcode", "geo_latitude",
                 "geo_longitude", "ip_organization", "ip_domain", "tr_orderid", "ti_orderid", "tr_city",
                 "tr_state", "tr_country", "event_fingerprint")
KEPT = ("event_id", "event", "app_id", "platform", "etl_tstamp", "collector_tstamp", "dvce_created_tstamp",
        "dvce_sent_tstamp", "derived_tstamp", "true_tstamp", "name_tracker", "v_tracker", "v_collector", "v_etl",
        "event_vendor", "event_name", "event_format", "event_version", "br_family", "br_name", "os_family",
        "dvce_type", "dvce_ismobile", "br_lang", "page_urlhost", "se_category", "se_action")


def test_default_allowlist():
    assert not set(IDENTIFIERS + URLS_AND_TEXT) & POLICY.atomic_allowlist
    assert set(KEPT) <= POLICY.atomic_allowlist
    assert POLICY.atomic_allowlist <= set(FIELD_NAMES)
    assert POLICY.header_allowlist == {"content-type", "content-length", "accept", "accept-encoding", "connection",
                                       "host"}


def test_event_fingerprint_is_hashed_by_default_and_still_finds_duplicates():
    # event_fingerprint is an unsalted MD5 of the tracker parameters: in clear, anyone could confirm a guessed
    # user id of a server-side event (`e=se&p=srv&tv=...&uid=<guess>`); hashed, equal events still match
    out1 = good_row(PSEUDONYMIZER, {"event_fingerprint": "0f343b0931126a20f133d67c2b018a3b"})
    out2 = good_row(PSEUDONYMIZER, {"event_fingerprint": "0f343b0931126a20f133d67c2b018a3b"})
    assert out1 == out2 == {"event_fingerprint": hmac_hex("0f343b0931126a20f133d67c2b018a3b")}


def test_default_policy_on_a_typical_event():
    event = {name: f"clear-{name}" for name in ("app_id", "platform", "event", "name_tracker", "v_tracker",
                                                 "event_vendor", "event_name", "event_format", "event_version")}
    event.update({name: f"secret-{name}" for name in IDENTIFIERS + ("page_url", "page_title", "useragent")})
    event.update(event_id="0b5b3f5c-1d1e-4d5a-9d6e-6a0b1c2d3e4f", collector_tstamp=SAMPLE_START_MS,
                 derived_tstamp=SAMPLE_START_MS,
                 geo_latitude=52.52, geo_longitude=13.4, domain_sessionidx=3, br_cookies=True)
    out = good_row(PSEUDONYMIZER, event)
    for name, value in event.items():
        if name in POLICY.atomic_allowlist:
            assert out[name] == value
        elif isinstance(value, str):
            assert out[name] == hmac_hex(value)
        else:
            assert name not in out
    assert "geo_latitude" not in out and "geo_longitude" not in out


def test_gitlab_standard_deny_list():
    data = {"environment": "production", "source": "gitlab-rails", "plan": "free", "namespace_id": 9,
            "project_id": 10, "user_id": 4242, "global_user_id": "g-4242", "google_analytics_id": "GA1.2.3",
            "host_name": "web-01.example.com", "correlation_id": "01HX", "is_gitlab_team_member": False,
            "extra": {"feature": "search"}}
    out = PSEUDONYMIZER.entity(sdj(GITLAB_STANDARD, data))["data"]
    denied = ("user_id", "global_user_id", "google_analytics_id", "host_name", "correlation_id")
    # a denied leaf becomes the HMAC of its JSON text (a string as it is)
    assert out == {k: (hmac_hex(v if isinstance(v, str) else json.dumps(v)) if k in denied else v)
                   for k, v in data.items()}
    assert out["user_id"] == hmac_hex("4242")


def test_default_entity_rules():
    link = PSEUDONYMIZER.entity(sdj(f"{SP}/link_click/jsonschema/1-0-1", {
        "targetUrl": "https://x.io/jane", "elementId": "nav", "elementClasses": ["a", "b"], "elementContent": "Jane"}))
    assert link["data"] == {"targetUrl": hmac_hex("https://x.io/jane"), "elementId": "nav",
                            "elementClasses": ["a", "b"], "elementContent": hmac_hex("Jane")}
    page = PSEUDONYMIZER.entity(sdj(f"{SP}/web_page/jsonschema/1-0-0", {"id": "6a3f2b9e-0000-4000-8000-0000000000aa"}))
    assert page["data"] == {"id": "6a3f2b9e-0000-4000-8000-0000000000aa"}
    yauaa = PSEUDONYMIZER.entity(sdj("iglu:nl.basjes/yauaa_context/jsonschema/1-0-4", {
        "deviceClass": "Desktop", "agentName": "Chrome", "agentInformationEmail": "jane@x.io",
        "agentUuid": "8c1e0f5e-0000-4000-8000-000000000001"}))
    assert yauaa["data"] == {"deviceClass": "Desktop", "agentName": "Chrome",
                             "agentInformationEmail": hmac_hex("jane@x.io"),
                             "agentUuid": hmac_hex("8c1e0f5e-0000-4000-8000-000000000001")}


# ---- bad rows: parameters, headers, payload fields ----------------------------------------------------

def test_parameters_follow_their_fields_and_unknown_names_are_hashed():
    raw = RawEvent({"aid": "gitlab", "e": "pv", "uid": "jane", "url": "https://x.io/?email=jane@x.io",
                    "res": "1920x1080", "u": "https://x.io/jane", "jane.doe@example.com": "", "zz": "v"},
                   sample_source(vendor="com.snowplowanalytics.snowplow", version="tp1"))
    row = PSEUDONYMIZER.bad_row(badrows.schema_violations(raw, {"app_id": "gitlab"}, [])).row
    assert row["data"]["payload"]["raw"]["parameters"] == [
        {"name": "aid", "value": "gitlab"}, {"name": "e", "value": "pv"}, {"name": "uid", "value": hmac_hex("jane")},
        {"name": "url", "value": hmac_hex("https://x.io/?email=jane@x.io")}, {"name": "res", "value": "1920x1080"},
        {"name": "u", "value": hmac_hex("https://x.io/jane")},
        {"name": hmac_hex("jane.doe@example.com"), "value": hmac_hex("")},
        {"name": hmac_hex("zz"), "value": hmac_hex("v")},
    ]


def test_json_parameters_follow_the_entity_rules():
    contexts = {"schema": CONTEXTS, "data": [sdj(GITLAB_STANDARD, {"environment": "production", "user_id": 7})]}
    expected = {"schema": CONTEXTS, "data": [sdj(GITLAB_STANDARD, {"environment": "production",
                                                                   "user_id": hmac_hex("7")})]}
    assert orjson.loads(PSEUDONYMIZER.parameter("co", json.dumps(contexts))) == expected
    cx = PSEUDONYMIZER.parameter("cx", b64(contexts))
    assert orjson.loads(base64.urlsafe_b64decode(cx + "=" * (-len(cx) % 4))) == expected
    assert PSEUDONYMIZER.parameter("cx", "bm90IGpzb24") == hmac_hex("bm90IGpzb24")  # "not json"
    assert PSEUDONYMIZER.parameter("cx", "***") == hmac_hex("***")  # not base64
    assert PSEUDONYMIZER.parameter("schema", "iglu:com.acme/x/jsonschema/1-0-0") == "iglu:com.acme/x/jsonschema/1-0-0"
    assert PSEUDONYMIZER.parameter("schema", "jane@x.io") == hmac_hex("jane@x.io")


def test_json_parameter_too_long_for_the_bad_row_becomes_its_pseudonym_and_length():
    contexts = {"schema": CONTEXTS, "data": [sdj("iglu:com.acme/x/jsonschema/1-0-0", {f"k{i}": i for i in range(20)})]}
    value = b64(contexts)
    raw = RawEvent({"cx": value}, sample_source(version="tp1"))
    parameters = PSEUDONYMIZER.bad_row(badrows.schema_violations(raw, {}, [])).row["data"]["payload"]["raw"]["parameters"]
    assert parameters == [{"name": "cx", "value": f"hmac-sha256:{hmac_hex(value)};length={len(value)}"}]


def test_headers():
    headers = ["Content-Type: application/json", "content-length: 12", "Cookie: sp=6a3f; session=jane",
               "X-Forwarded-For: 198.51.100.4, 10.0.0.1", "Authorization:Bearer t0ken", "jane.doe@example.com",
               "Cookie sp=6a3f", "My Header: x", ": empty name"]
    out = PSEUDONYMIZER._headers(headers)
    assert out == ["Content-Type: application/json", "content-length: 12", f"Cookie: {hmac_hex('sp=6a3f; session=jane')}",
                   f"X-Forwarded-For: {hmac_hex('198.51.100.4, 10.0.0.1')}", f"Authorization: {hmac_hex('Bearer t0ken')}",
                   hmac_hex("jane.doe@example.com"), hmac_hex("Cookie sp=6a3f"), hmac_hex("My Header: x"),
                   hmac_hex(": empty name")]


def test_collector_fields_of_an_adapter_failure():
    src = sample_source(vendor="com.acme", version="v1", ip_address="198.51.100.4", user_agent="Mozilla/5.0 (jane)",
                 referer_uri="https://x.io/jane", network_user_id="6a3f2b9e-1111-4000-8000-000000000000",
                 querystring="a=1&uid=jane", content_type="text/plain", body=b"jane's body",
                 headers=["Host: c.example.com", "Cookie: sp=1"])
    bad = badrows.adapter_failures(src, [{"field": "vendor/version", "value": "com.acme/v1",
                                          "expectation": "vendor/version combination is not supported"}])
    row = PSEUDONYMIZER.bad_row(bad).row
    data = row["data"]
    assert data["failure"]["vendor"] == data["payload"]["vendor"] == "com.acme"  # the request path, like a schema
    assert data["failure"]["version"] == data["payload"]["version"] == "v1"
    assert data["failure"]["messages"][0]["value"] == hmac_hex("com.acme/v1")
    payload = data["payload"]
    assert payload["ipAddress"] == hmac_hex("198.51.100.4")
    assert payload["useragent"] == hmac_hex("Mozilla/5.0 (jane)")
    assert payload["refererUri"] == hmac_hex("https://x.io/jane")
    assert payload["networkUserId"] == hmac_uuid("6a3f2b9e-1111-4000-8000-000000000000")
    assert payload["querystring"] == [{"name": hmac_hex("a"), "value": hmac_hex("1")},
                                      {"name": "uid", "value": hmac_hex("jane")}]
    assert payload["body"] == f"hmac-sha256:{hmac_hex(chr(106) + 'ane' + chr(39) + 's body')};length=11"
    assert payload["headers"] == ["Host: c.example.com", f"Cookie: {hmac_hex('sp=1')}"]
    assert (payload["contentType"], payload["hostname"], payload["collector"]) == (
        "text/plain", "c.example.com", "ssc-3.4.0-kinesis")
    assert badrow_errors(row) == []


def test_vendor_and_version_stay_in_clear_unless_too_long_for_the_schema():
    for vendor, version in (("com.snowplowanalytics.snowplow", "tp2"), ("r", "tp2"), ("com.acme", "v1")):
        bad = badrows.tracker_protocol_violations(sample_source(vendor=vendor, version=version), [])
        data = PSEUDONYMIZER.bad_row(bad).row["data"]
        assert (data["failure"]["vendor"], data["failure"]["version"]) == (vendor, version)
        assert (data["payload"]["vendor"], data["payload"]["version"]) == (vendor, version)
    vendor, version = "v" * 65, "x" * 17
    row = PSEUDONYMIZER.bad_row(badrows.adapter_failures(sample_source(vendor=vendor, version=version), [])).row
    assert (row["data"]["failure"]["vendor"], row["data"]["failure"]["version"]) == (hmac_hex(vendor), hmac_hex(version)[:16])
    assert badrow_errors(row) == []


def test_bodies():
    body = {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "extra": "jane",
            "data": [{"e": "pv", "uid": "jane", "jane@x.io": "1", "ue_pr": json.dumps(
                {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/x/jsonschema/1-0-0", {"n": "jane"})})}, "loose", 4]}
    out = orjson.loads(PSEUDONYMIZER._body(json.dumps(body), "application/json"))
    assert out == {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "extra": hmac_hex("jane"), "data": [
        {"e": "pv", "uid": hmac_hex("jane"), hmac_hex("jane@x.io"): hmac_hex("1"), "ue_pr": json.dumps(
            {"schema": UNSTRUCT, "data": sdj("iglu:com.acme/x/jsonschema/1-0-0", {"n": hmac_hex("jane")})},
            separators=(",", ":"))},
        hmac_hex("loose"), hmac_hex("4")]}
    junk = {"schema": "jane", "data": [{"uid": "x"}]}  # not an Iglu URI
    assert orjson.loads(PSEUDONYMIZER._body(json.dumps(junk), None))["schema"] == hmac_hex("jane")
    assert orjson.loads(PSEUDONYMIZER._body('{"who": ["jane", 1]}', None)) == {"who": [hmac_hex("jane"), hmac_hex("1")]}
    form = PSEUDONYMIZER._body("aid=gitlab&uid=jane&jane%40x.io", "application/x-www-form-urlencoded")
    assert form == urlencode([("aid", "gitlab"), ("uid", hmac_hex("jane")), (hmac_hex("jane@x.io"), hmac_hex(""))])
    assert PSEUDONYMIZER._body("jane, plain text", "text/plain") == f"hmac-sha256:{hmac_hex('jane, plain text')};length=16"


def test_partial_enriched_event():
    enriched = {"app_id": "gitlab", "user_id": "jane", "geo_latitude": 52.5, "collector_tstamp": SAMPLE_START_MS,
                "domain_sessionidx": 3, "contexts": {"schema": CONTEXTS, "data": [sdj("iglu:com.acme/x/jsonschema/1-0-0",
                                                                                   {"a": "jane"})]}}
    raw = RawEvent({"e": "pv"}, sample_source(version="tp1", network_user_id="not-a-uuid"))
    row = PSEUDONYMIZER.bad_row(badrows.enrichment_failures(raw, enriched, [
        {"enrichment": None, "message": {"field": "page_url", "value": "https://x.io/jane", "expectation": "a valid URI"}}
    ])).row
    partial = row["data"]["payload"]["enriched"]
    assert partial == {"app_id": "gitlab", "collector_tstamp": to_partial_enriched(enriched)["collector_tstamp"],
                       "user_id": hmac_hex("jane"), "domain_sessionidx": 3,
                       "contexts": orjson.dumps({"schema": CONTEXTS, "data": [sdj("iglu:com.acme/x/jsonschema/1-0-0",
                                                                                  {"a": hmac_hex("jane")})]}).decode()}
    assert row["data"]["failure"]["messages"][0]["message"]["value"] == hmac_hex("https://x.io/jane")
    assert row["data"]["payload"]["raw"]["userId"] == hmac_uuid("not-a-uuid")
    assert badrow_errors(row) == []


def test_bad_row_of_an_unexpected_shape_has_every_leaf_hashed():
    # a line of the collector's raw-bad files is taken as it is: it need not have the builders' shape
    line = json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0",
                       "data": {"failure": {"timestamp": "2025-11-28T09:00:00Z", "who": "jane"},
                                "payload": ["jane"], "note": "jane"}, "extra": "jane"})
    out = PSEUDONYMIZER.bad_row(parse_collector_bad_row(line)).row
    assert "jane" not in json.dumps(out)
    line = json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
                       "data": {"failure": {"timestamp": "2025-11-28T09:00:00Z"}, "who": "jane"}})  # no payload
    unchecked = Pseudonymizer(POLICY, SALT)  # no schema check at the end: the hashed row as it is
    out = unchecked.bad_row(parse_collector_bad_row(line)).row
    # a timestamp that is one stays in clear, as in every other bad row; everything else is hashed
    assert out["data"] == {"failure": {"timestamp": "2025-11-28T09:00:00Z"}, "who": hmac_hex("jane")}
    # checked, as the pipeline does: the row fails its schema (no processor, no payload), so it is kept whole,
    # as its pseudonym, in a generic_error that does validate
    out = PSEUDONYMIZER.bad_row(parse_collector_bad_row(line)).row
    assert out["schema"].endswith("/generic_error/jsonschema/1-0-0")
    hashed_row = json.dumps(
        {"schema": line and json.loads(line)["schema"], "data": {"failure": {"timestamp": "2025-11-28T09:00:00Z"},
                                                                 "who": hmac_hex("jane")}}, separators=(",", ":"))
    assert out["data"]["payload"] == f"hmac-sha256:{hmac_hex(hashed_row)};length={len(hashed_row)}"
    assert badrow_errors(out) == []


# ---- pseudonymized bad rows of every type validate against their Iglu Central schemas ---------------

LONG = "jane.doe@example.com/" * 60  # 1260 characters: over every maxLength of the values that get hashed


def bad_rows_of_every_type() -> dict[str, list[BadRow]]:
    """Bad rows as the pipeline makes them (its DoFns, adapters, enrichment, builders), with long values."""
    rows: dict[str, list[BadRow]] = {}

    def add(found):
        for bad in found:
            rows.setdefault(bad.type_name, []).append(bad)

    long_fields = dict(ipAddress="198.51.100.4, " * 20, userAgent="Mozilla/5.0 " + LONG * 4, refererUri=LONG * 7,
                       networkUserId=LONG, headers=["Host: c.example.com", "Cookie: " + LONG * 7, LONG * 7,
                                                    "Content-Type: application/json"])
    add(run_steps("not base64 " + LONG)[1])  # collector_payload_format_violation {error}
    add(run_steps(base64.b64encode(b"\x0b\x7a\x69" + LONG.encode()).decode())[1])
    add(run_steps(record(sample_payload(schema="iglu:com.acme/" + LONG)))[1])  # {payloadField, value, expectation}
    add(run_steps(record(sample_payload(path="/" + LONG.replace("/", "_"))))[1])
    add(run_steps(record(sample_payload(path="/" + "v" * 70 + "/" + "x" * 20, querystring=urlencode({"uid": LONG,
                                                                                                     LONG: "1"}),
                                 **long_fields)))[1])  # adapter_failures
    add(run_steps(record(sample_payload(path="/com.snowplowanalytics.iglu/v1", querystring="schema=" + LONG)))[1])
    add(run_steps(record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body="{" + LONG,
                                 content_type="application/json", **long_fields)))[1])  # tracker_protocol_violations
    add(run_steps(record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body=json.dumps(
        {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [{"e": "pv", "uid": LONG, "k" * 600: LONG}]}),
        content_type="application/json; charset=utf-8")))[1])
    add(run_steps(record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body=LONG,
                                        content_type="text/plain")))[1])
    contexts = {"schema": CONTEXTS, "data": [sdj(GITLAB_STANDARD, {"environment": "production" * 9, "user_id": LONG}),
                                             sdj("iglu:com.acme/unknown/jsonschema/1-0-0", {"k": LONG})]}
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js", "uid": LONG,
                                                        "sid": LONG, "dtm": "yesterday", "cx": b64(contexts)}),
                                 **long_fields)))[1])  # schema_violations (atomic + NotJSON)
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js", "uid": LONG,
                                                        "cx": b64(contexts)}), **long_fields)))[1])  # Iglu
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js", "co": json.dumps(
        {"schema": CONTEXTS, "data": [{"schema": LONG, "data": {}}]})}))))[1])  # NotIglu
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "ue", "p": "web", "tv": "js", "ue_pr": json.dumps(
        {"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": {"k": LONG}})}))))[1])  # CriterionMismatch
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js", "uid": "x" * 300,
                                                        "page": LONG * 2}))))[1])  # atomic maxLength
    add(run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js",
                                                               "url": "http://[" + LONG,
                                                        "refr": "http://[jane"}), **long_fields)))[1])  # enrichment
    src = sample_source(user_agent=LONG, network_user_id=LONG, headers=[LONG])
    add([badrows.enrichment_failures(RawEvent({"e": "pv", "uid": LONG}, src), {"user_id": LONG},
                                     [{"enrichment": None, "message": {"error": "lookup failed"}}])])
    add([badrows.size_violation(LONG * 100, 1_000_000, 1_250_000, "oversized collector payload: Payload exceeds max size")])
    add([parse_collector_bad_row(collector_badrows.size_violation(
        artifact="snowplow-beam-collector", version="0.1.0", now_ms=SAMPLE_START_MS, maximum=1_000_000,
        actual=2_000_000, expectation="oversized collector payload: Payload exceeds max size", payload=LONG * 100,
        truncate_to=100_000).decode())])
    add([badrows.generic_error(record(sample_payload(querystring="uid=" + LONG)), ["ValueError at enrich.py:1 in f"],
                               SAMPLE_START_MS)])
    add([parse_collector_bad_row("jane.doe@example.com is not a bad row")])
    return rows


EMITTED = ("collector_payload_format_violation", "adapter_failures", "tracker_protocol_violations",
           "schema_violations", "enrichment_failures", "size_violation", "generic_error")


def test_pseudonymized_bad_rows_of_every_type_validate_against_their_schemas():
    rows = bad_rows_of_every_type()
    assert set(rows) == set(EMITTED)
    invalid_before = 0
    for kind, found in rows.items():
        for bad in found:
            invalid_before += bool(badrow_errors(bad.row))
            out = PSEUDONYMIZER.bad_row(bad)
            assert out.type_name == kind and out.output == bad.output and out.partition_ms == bad.partition_ms
            assert badrow_errors(out.row) == [], (kind, out.row)
            assert "jane" not in orjson.dumps(out.row).decode()
    assert invalid_before >= 5  # the long values broke maxLength (or uuid) before hashing


def test_atomic_field_types_are_covered():
    # the property tests in test_privacy.py draw values per field type; they know every type there is
    assert set(FIELD_TYPES.values()) == {"string", "int", "float", "decimal", "bool", "timestamp", "json"}


def test_default_rules_for_the_enrichments_derived_contexts():
    def entity(schema, data):
        return PSEUDONYMIZER.entity({"schema": f"iglu:{schema}", "data": data})["data"]

    assert entity("org.ietf/http_header/jsonschema/1-0-0", {"name": "X-Team", "value": "jane"}) == {
        "name": "X-Team", "value": hmac_hex("jane", SALT)}
    assert entity("org.ietf/http_cookie/jsonschema/1-0-0", {"name": "sp", "value": "abc"}) == {
        "name": "sp", "value": hmac_hex("abc", SALT)}
    assert entity("com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1", {"number": 64496, "organization": "ISP"}) == {
        "number": 64496, "organization": "ISP"}
    navigation = entity("com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", {
        "domain_user_id": "duid-1", "timestamp": "2025-11-28T09:00:00.000Z", "source_platform": "web", "reason": "x"})
    assert navigation == {"domain_user_id": hmac_hex("duid-1", SALT), "timestamp": "2025-11-28T09:00:00.000Z",
                          "source_platform": "web", "reason": "x"}
