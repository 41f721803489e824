"""Request handling without a server: routes, identity, payload fields, sizes, gzip, config."""
from __future__ import annotations

import gzip
import json
import uuid
import zlib
from pathlib import Path

import jsonschema
import orjson
import pytest

from snowplow_beam.collector.config import ConfigError, Settings, load_settings
from snowplow_beam.collector.core import (
    PIXEL, Handler, Request, RequestError, canonical_header_name, client_ip, cookie_value, decode_body,
    filter_cookie_header, query_param, query_values, valid_nuid,
)
from tests.helpers import read_collector_payload
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, decode_payload

SIZE_VIOLATION = json.loads((Path(__file__).parent / "data" / "size_violation-1-0-0.json").read_text())
NOW = 1_795_849_373_123
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
NUID = "4f3c2b1a-1111-4222-8333-444455556666"


def validate_size_violation(data: dict) -> None:
    """Iglu schemas are draft 4; check the date-time format too."""
    jsonschema.Draft4Validator(SIZE_VIOLATION, format_checker=jsonschema.FormatChecker()).validate(data)


def settings(**overrides) -> Settings:
    return Settings(good_path="/tmp/g", bad_path="/tmp/b", **overrides).validate()


def get(path="/i", query="e=pv&p=web&tv=js-3", headers=None, remote="10.1.2.3") -> Request:
    base = [("host", "collector.example.com:8080"), ("user-agent", UA), ("referer", "https://site.example/page")]
    return Request("GET", path, query, base + list(headers or []), None, remote)


def post(body: bytes, headers=None, path="/com.snowplowanalytics.snowplow/tp2", query=None) -> Request:
    base = [("host", "collector.example.com"), ("user-agent", UA), ("content-type", "application/json; charset=UTF-8")]
    return Request("POST", path, query, base + list(headers or []), body, "10.1.2.3")


def tp2_body(events: list[dict]) -> bytes:
    return orjson.dumps({"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", "data": events})


def header(outcome, name):
    return [value for key, value in outcome.response.headers if key == name]


# ---------------------------------------------------------------------------- payload fields
def test_get_pixel_payload_has_every_field_as_snowplow_fills_it():
    outcome = Handler(settings()).handle(get(headers=[("cookie", f"sp={NUID}; other=1")]), NOW)
    assert outcome.response.status == 200
    assert outcome.response.body == PIXEL and len(PIXEL) == 43
    assert header(outcome, "content-type") == ["image/gif"]
    assert header(outcome, "cache-control") == ["no-cache, no-store, must-revalidate"]
    assert len(outcome.good) == 1 and not outcome.bad
    payload = decode_payload(outcome.good[0])
    assert payload.schema == COLLECTOR_PAYLOAD_SCHEMA
    assert payload.ipAddress == "10.1.2.3"
    assert payload.timestamp == NOW
    assert payload.encoding == "UTF-8"
    assert payload.collector == "beam-collector-0.1.0-file"
    assert payload.userAgent == UA
    assert payload.refererUri == "https://site.example/page"
    assert payload.path == "/i"
    assert payload.querystring == "e=pv&p=web&tv=js-3"
    assert payload.body is None
    assert payload.contentType is None
    assert payload.hostname == "collector.example.com"
    assert payload.networkUserId == NUID
    assert payload.headers == [
        "Host: collector.example.com:8080", f"User-Agent: {UA}", "Referer: https://site.example/page",
        f"Cookie: sp={NUID}; other=1",
    ]


def test_independent_thrift_reader_reads_the_same_record():
    body = tp2_body([{"e": "pv", "url": "https://a.example/ü"}])
    outcome = Handler(settings(sink="file")).handle(post(body, query="x=1"), NOW)
    ours = decode_payload(outcome.good[0])
    theirs = read_collector_payload(outcome.good[0])
    for name in ("schema", "ipAddress", "timestamp", "encoding", "collector", "userAgent", "path", "querystring",
                 "body", "headers", "contentType", "hostname", "networkUserId"):
        assert theirs[name] == getattr(ours, name), name
    assert theirs["body"] == body
    assert theirs["contentType"] == "application/json; charset=utf-8"  # lower-cased like Snowplow


def test_post_answers_ok_and_stores_body():
    body = tp2_body([{"e": "se", "se_ca": "c", "se_ac": "a"}])
    outcome = Handler(settings()).handle(post(body), NOW)
    assert (outcome.response.status, outcome.response.body) == (200, b"ok")
    assert decode_payload(outcome.good[0]).body == body


def test_x_forwarded_for_first_address_wins_and_garbage_falls_back():
    assert client_ip("203.0.113.7, 10.0.0.1", "127.0.0.1") == "203.0.113.7"
    assert client_ip("not-an-ip", "127.0.0.1") == "127.0.0.1"
    assert client_ip(None, None) == "unknown"
    assert client_ip("2001:db8::1", "127.0.0.1") == "2001:db8::1"
    assert client_ip("203.0.113.7", "127.0.0.1", trust_forwarded=False) == "127.0.0.1"
    outcome = Handler(settings()).handle(get(headers=[("x-forwarded-for", "198.51.100.9, 10.0.0.2")]), NOW)
    assert decode_payload(outcome.good[0]).ipAddress == "198.51.100.9"


def test_header_names_are_restored_and_invalid_cookie_parts_dropped():
    assert canonical_header_name("user-agent") == "User-Agent"
    assert canonical_header_name("sp-anonymous") == "SP-Anonymous"
    assert canonical_header_name("x-forwarded-for") == "X-Forwarded-For"
    assert filter_cookie_header('sp=abc; bad cookie; q="x"; =v; ok=1') == 'sp=abc; q="x"; ok=1'
    assert filter_cookie_header("no good") is None
    assert cookie_value('a=1; sp="quoted"', "sp") == "quoted"


def test_query_param_decodes_plus_and_percent():
    assert query_param("u=https%3A%2F%2Fa.example%2Fx+y&b=1", "u") == "https://a.example/x y"
    assert query_param("a=1", "u") is None
    assert query_param(None, "u") is None
    assert query_values("u=1&b=2&u=3&%75=4&u", "u") == ["1", "3", "4", ""]
    assert valid_nuid(NUID) == NUID and valid_nuid("x") is None and valid_nuid(None) is None


# ---------------------------------------------------------------------------- identity
def test_new_visitor_gets_uuid_cookie_with_all_attributes():
    s = settings(cookie_name="sp", cookie_domains=["example.com"], cookie_fallback_domain="fallback.example",
                 cookie_expiration_days=30)
    outcome = Handler(s).handle(get(headers=[("origin", "https://www.example.com")]), NOW)
    nuid = decode_payload(outcome.good[0]).networkUserId
    assert str(uuid.UUID(nuid)) == nuid
    (cookie,) = header(outcome, "set-cookie")
    parts = cookie.split("; ")
    assert parts[0] == f"sp={nuid}"
    assert "Max-Age=2592000" in parts and "Domain=example.com" in parts and "Path=/" in parts
    assert {"Secure", "HttpOnly", "SameSite=None"} <= set(parts)
    assert any(part.startswith("Expires=") and part.endswith("GMT") for part in parts)
    other = Handler(s).handle(get(headers=[("origin", "https://elsewhere.example")]), NOW)
    assert "Domain=fallback.example" in header(other, "set-cookie")[0]


def test_cookie_name_path_and_nuid_parameter():
    s = settings(cookie_name="collector_id", cookie_path="/t", cookie_same_site="Lax", cookie_secure=False)
    outcome = Handler(s).handle(get(headers=[("cookie", f"collector_id={NUID}")]), NOW)
    assert decode_payload(outcome.good[0]).networkUserId == NUID
    cookie = header(outcome, "set-cookie")[0]
    assert cookie.startswith(f"collector_id={NUID};") and "Path=/t" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie.split("; ")
    other = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    forced = Handler(s).handle(get(query=f"e=pv&nuid={other}", headers=[("cookie", f"collector_id={NUID}")]), NOW)
    assert decode_payload(forced.good[0]).networkUserId == other
    assert header(forced, "set-cookie")[0].startswith(f"collector_id={other};")


@pytest.mark.parametrize("query,cookie", [
    ("e=pv&nuid=x%3BDomain%3Devil.com%3BPath%3D%2Fadmin", None),  # nuid=x;Domain=evil.com;Path=/admin
    ("e=pv&nuid=" + NUID + "%3B%20Domain%3Devil.com", None),  # a real id with attributes after it
    ("e=pv&nuid=abc-123", None),  # not UUID-shaped
    ("e=pv&nuid=%0D%0ASet-Cookie%3A%20a%3D1", None),  # header splitting
    ("e=pv", 'sp="x; Domain=evil.com"'),  # the cookie itself
    ("e=pv", "sp=evil.com%3B%20Domain%3Devil.com"),
    ("e=pv", "sp=" + NUID + "x"),  # one character too many
])
def test_nuid_that_is_not_uuid_shaped_is_ignored_and_a_fresh_id_used(query, cookie):
    headers = [("cookie", cookie)] if cookie else []
    outcome = Handler(settings(cookie_domains=["site.example"], cookie_fallback_domain="site.example")).handle(
        get(query=query, headers=headers), NOW)
    nuid = decode_payload(outcome.good[0]).networkUserId
    assert nuid != NUID and str(uuid.UUID(nuid)) == nuid and uuid.UUID(nuid).version == 4
    (cookie_header,) = header(outcome, "set-cookie")
    parts = cookie_header.split("; ")
    assert parts[0] == f"sp={nuid}"
    assert [p for p in parts if p.startswith(("Domain=", "Path="))] == ["Domain=site.example", "Path=/"]
    assert "evil" not in cookie_header and "\r" not in cookie_header and "\n" not in cookie_header


def test_uuid_shaped_nuid_is_kept_and_the_last_repeated_nuid_wins_like_the_pipeline():
    other = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"  # upper case is still UUID-shaped
    handler = Handler(settings())
    assert decode_payload(handler.handle(get(query=f"e=pv&nuid={other}"), NOW).good[0]).networkUserId == other
    both = handler.handle(get(query=f"e=pv&nuid={NUID}&nuid={other}"), NOW)
    assert decode_payload(both.good[0]).networkUserId == other
    bad_param = handler.handle(get(query="e=pv&nuid=nope", headers=[("cookie", f"sp={NUID}")]), NOW)
    assert decode_payload(bad_param.good[0]).networkUserId == NUID  # the cookie, still valid, is used


def test_cookie_disabled_sets_no_cookie_but_still_records_a_nuid():
    outcome = Handler(settings(cookie_enabled=False)).handle(get(), NOW)
    assert header(outcome, "set-cookie") == []
    assert decode_payload(outcome.good[0]).networkUserId


def test_sp_anonymous_records_no_ip_no_cookie_no_nuid():
    request = get(headers=[("sp-anonymous", "*"), ("x-forwarded-for", "203.0.113.1"), ("x-real-ip", "203.0.113.1"),
                           ("cookie", f"sp={NUID}")])
    outcome = Handler(settings()).handle(request, NOW)
    payload = decode_payload(outcome.good[0])
    assert payload.ipAddress == "unknown"
    assert payload.networkUserId is None
    assert not any(h.split(":")[0] in ("X-Forwarded-For", "X-Real-Ip", "Cookie") for h in payload.headers)
    assert "SP-Anonymous: *" in payload.headers
    (cookie,) = header(outcome, "set-cookie")  # the old cookie is expired, no new one is set
    assert cookie.startswith("sp=;") and "Max-Age=0" in cookie
    fresh = Handler(settings()).handle(get(headers=[("sp-anonymous", "*")]), NOW)
    assert header(fresh, "set-cookie") == []


def test_do_not_track_cookie_stores_nothing_and_answers_normally():
    s = settings(dnt_cookie_enabled=True, dnt_cookie_name="dnt", dnt_cookie_value="1|yes")
    outcome = Handler(s).handle(get(headers=[("cookie", "dnt=yes")]), NOW)
    assert outcome.response.status == 200 and outcome.response.body == PIXEL
    assert outcome.good == [] and outcome.bad == [] and header(outcome, "set-cookie") == []
    tracked = Handler(s).handle(get(headers=[("cookie", "dnt=no")]), NOW)
    assert len(tracked.good) == 1


# ---------------------------------------------------------------------------- routes
def test_preflight_echoes_origin_and_allows_credentials():
    handler = Handler(settings())
    outcome = handler.handle(Request("OPTIONS", "/com.snowplowanalytics.snowplow/tp2", None,
                                     [("origin", "https://app.example")]), NOW)
    headers = dict(outcome.response.headers)
    assert outcome.response.status == 200 and not outcome.good
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["access-control-allow-credentials"] == "true"
    assert "SP-Anonymous" in headers["access-control-allow-headers"]
    assert headers["access-control-max-age"] == "3600"
    no_origin = handler.handle(Request("OPTIONS", "/i", None, []), NOW)
    assert dict(no_origin.response.headers)["access-control-allow-origin"] == "*"
    simple = handler.handle(post(tp2_body([{"e": "pv"}]), headers=[("origin", "https://app.example")]), NOW)
    assert header(simple, "access-control-allow-origin") == ["https://app.example"]
    assert header(simple, "access-control-allow-credentials") == ["true"]


@pytest.mark.parametrize("path,status,body,stored", [
    ("/health", 200, b"ok", False),
    ("/robots.txt", 200, b"User-agent: *\nDisallow: /\n", False),
    ("/ice.png", 200, PIXEL, True),
    ("/com.snowplowanalytics.iglu/v1", 200, PIXEL, True),  # webhooks / GET tp2
    ("/wp-admin/setup.php", 200, PIXEL, True),  # any vendor/version: the pipeline judges (adapter_failures)
    ("/", 404, b"not found", False),
    ("/a/b/c", 404, b"not found", False),
    ("/favicon.ico", 404, b"not found", False),
])
def test_routes(path, status, body, stored):
    outcome = Handler(settings()).handle(get(path=path), NOW)
    assert (outcome.response.status, outcome.response.body, bool(outcome.good)) == (status, body, stored)


def test_head_pixel_has_no_body_and_wrong_methods_get_405():
    handler = Handler(settings())
    head = handler.handle(Request("HEAD", "/i", "e=pv", []), NOW)
    assert head.response.status == 200 and head.response.body == b"" and len(head.good) == 1
    put = handler.handle(Request("PUT", "/i", None, []), NOW)
    assert put.response.status == 405 and not put.good
    delete = handler.handle(Request("DELETE", "/com.snowplowanalytics.snowplow/tp2", None, []), NOW)
    assert delete.response.status == 405 and not delete.good


def test_custom_paths_map_onto_standard_ones():
    handler = Handler(settings(paths={"/com.acme/track": "/com.snowplowanalytics.snowplow/tp2", "/com.acme/px": "/i"}))
    outcome = handler.handle(post(tp2_body([{"e": "pv"}]), path="/com.acme/track"), NOW)
    assert outcome.response.body == b"ok"
    assert decode_payload(outcome.good[0]).path == "/com.snowplowanalytics.snowplow/tp2"
    pixel = handler.handle(get(path="/com.acme/px"), NOW)
    assert decode_payload(pixel.good[0]).path == "/i"
    with pytest.raises(ConfigError):
        settings(paths={"/x": "/not-standard-path/with/3"})


def test_redirect_is_off_by_default():
    outcome = Handler(settings()).handle(get(path="/r/tp2", query="u=https%3A%2F%2Fexample.com%2F"), NOW)
    assert outcome.response.status == 404 and not outcome.good


@pytest.mark.parametrize("target,allowed", [
    ("https://example.com/landing?a=1", True),
    ("http://docs.example.com/x", True),
    ("https://evil.com/", False),
    ("https://example.com.evil.com/", False),
    ("https://evilexample.com/", False),
    ("javascript:alert(1)", False),
    ("//evil.com/", False),
    ("https://example.com@evil.com/", False),
    ("https://example.com\\@evil.com/", False),
    ("https://evil.com\\.example.com/", False),
    ("https:/\\evil.com", False),
    ("/relative", False),
])
def test_redirect_only_to_allowlisted_hosts(target, allowed):
    from urllib.parse import quote

    handler = Handler(settings(redirect_enabled=True, redirect_domains=["example.com"]))
    outcome = handler.handle(get(path="/r/tp2", query="e=pv&u=" + quote(target, safe="")), NOW)
    if allowed:
        assert outcome.response.status == 302
        assert header(outcome, "location") == [target]
        assert decode_payload(outcome.good[0]).path == "/r/tp2"
    else:
        assert outcome.response.status == 400 and not outcome.good and not header(outcome, "location")


def test_redirect_with_empty_allowlist_refuses_everything_and_macro_inserts_nuid():
    outcome = Handler(settings(redirect_enabled=True)).handle(
        get(path="/r/tp2", query="u=https%3A%2F%2Fexample.com%2F"), NOW)
    assert outcome.response.status == 400
    missing = Handler(settings(redirect_enabled=True, redirect_domains=["example.com"])).handle(
        get(path="/r/tp2", query="e=pv"), NOW)
    assert missing.response.status == 400
    macro = Handler(settings(redirect_enabled=True, redirect_domains=["example.com"], redirect_macro_enabled=True))
    outcome = macro.handle(get(path="/r/tp2", query="u=https%3A%2F%2Fexample.com%2F%3Fid%3D%24%7BSP_NUID%7D",
                               headers=[("cookie", f"sp={NUID}")]), NOW)
    assert header(outcome, "location") == [f"https://example.com/?id={NUID}"]


def macro_handler(**overrides) -> Handler:
    values = dict(redirect_enabled=True, redirect_domains=["allowed.com"], redirect_macro_enabled=True)
    values.update(overrides)
    return Handler(settings(**values))


def test_redirect_macro_is_checked_after_substitution():
    handler = macro_handler()
    # the reported attack: the macro put 'evil.com#' in front of the allowlisted suffix
    attack = handler.handle(get(path="/r/tp2", query="u=http://${SP_NUID}.allowed.com/&nuid=evil.com%23"), NOW)
    (location,) = header(attack, "location") or [None]
    assert attack.response.status == 302, "a fresh UUID replaces the bad nuid; the host stays on allowed.com"
    nuid = decode_payload(attack.good[0]).networkUserId
    assert str(uuid.UUID(nuid)) == nuid and location == f"http://{nuid}.allowed.com/"
    # a target that is only allowed once the macro is filled in: the final URL is what is checked
    ok = handler.handle(get(path="/r/tp2", query="u=https%3A%2F%2F%24%7BSP_NUID%7D.allowed.com%2Fx",
                            headers=[("cookie", f"sp={NUID}")]), NOW)
    assert (ok.response.status, header(ok, "location")) == (302, [f"https://{NUID}.allowed.com/x"])
    # and the other way round: allowed before the macro, not after (placeholder in the host)
    swap = macro_handler(redirect_placeholder="allowed.com")
    refused = swap.handle(get(path="/r/tp2", query="u=https%3A%2F%2Fallowed.com%2F",
                              headers=[("cookie", f"sp={NUID}")]), NOW)
    assert refused.response.status == 400 and not refused.good and not header(refused, "location")
    assert not header(refused, "set-cookie")
    # anonymous: no nuid, the placeholder stays and the host is not a host
    anonymous = handler.handle(get(path="/r/tp2", query="u=http://${SP_NUID}.allowed.com/",
                                   headers=[("sp-anonymous", "*")]), NOW)
    assert anonymous.response.status == 400 and not anonymous.good


@pytest.mark.parametrize("query", [
    "u=http%3A%2F%2Fevil.com%2523.allowed.com%2F",  # host evil.com%23.allowed.com: a browser goes to evil.com
    "u=http%3A%2F%2Fevil.com%252F.allowed.com%2F",  # %2F in the host
    "u=http%3A%2F%2F%2565vil.allowed.com%2F",  # any percent-encoding in the host
    "u=http%3A%2F%2Fevil.com%EF%BC%83.allowed.com%2F",  # U+FF03 FULLWIDTH NUMBER SIGN: browsers map it to #
    "u=http%3A%2F%2Fallowed.com%3Ax%40evil.com%2F",  # userinfo
    "u=http%3A%2F%2Fallowed.com%3A99999999%2F",  # not a port
])
def test_redirect_refuses_hosts_a_browser_would_read_differently(query):
    outcome = macro_handler().handle(get(path="/r/tp2", query=query), NOW)
    assert outcome.response.status == 400 and not outcome.good and not header(outcome, "location")


@pytest.mark.parametrize("query", [
    "u=https%3A%2F%2Fallowed.com%2F&u=https%3A%2F%2Fevil.com%2F",
    "u=https%3A%2F%2Fevil.com%2F&u=https%3A%2F%2Fallowed.com%2F",
    "u=https%3A%2F%2Fallowed.com%2F&%75=https%3A%2F%2Fevil.com%2F",  # %75 is u for the pipeline's parser
    "u=https%3A%2F%2Fallowed.com%2F&u",  # a bare u: the pipeline's last u is empty
])
def test_repeated_redirect_target_is_refused(query):
    outcome = macro_handler().handle(get(path="/r/tp2", query=query), NOW)
    assert outcome.response.status == 400 and outcome.response.body == b"more than one redirect target u"
    assert not outcome.good and not header(outcome, "location")


def test_redirect_target_is_the_one_the_pipeline_records():
    from snowplow_beam.transforms.querystring import parse_querystring

    query = "e=pv&u=https%3A%2F%2Fdocs.allowed.com%2Fa%3Fb%3D1%26c%3D2"
    outcome = macro_handler().handle(get(path="/r/tp2", query=query), NOW)
    assert header(outcome, "location") == [parse_querystring(decode_payload(outcome.good[0]).querystring)["u"]]
    assert query_param("a=1&a=2", "a") == "2"


def test_do_not_track_redirect_is_checked_too():
    handler = macro_handler(dnt_cookie_enabled=True, dnt_cookie_name="dnt", dnt_cookie_value="1")
    outcome = handler.handle(get(path="/r/tp2", query="u=http%3A%2F%2Fevil.com%2523.allowed.com%2F",
                                 headers=[("cookie", "dnt=1")]), NOW)
    assert outcome.response.status == 400 and not header(outcome, "location")
    fine = handler.handle(get(path="/r/tp2", query="u=http%3A%2F%2Fallowed.com%2F", headers=[("cookie", "dnt=1")]), NOW)
    assert (fine.response.status, header(fine, "location"), fine.good) == (302, ["http://allowed.com/"], [])


# ---------------------------------------------------------------------------- sizes
def test_records_up_to_the_limit_pass_as_they_are():
    handler = Handler(settings())
    body = tp2_body([{"e": "pv", "pad": "x" * 990_000}])
    outcome = handler.handle(post(body), NOW)
    assert len(outcome.good) == 1 and len(outcome.good[0]) <= 1_000_000 and not outcome.bad
    assert decode_payload(outcome.good[0]).body == body


def test_large_post_is_split_by_events_with_same_headers_and_querystring():
    handler = Handler(settings())
    events = [{"e": "pv", "eid": str(i), "pad": "y" * 91_000} for i in range(11)]  # ~1,001 KB: over 1,000,000 B,
    body = tp2_body(events)  # under 1 MiB
    request = post(body, query="aid=app")
    outcome = handler.handle(request, NOW)
    assert not outcome.bad
    assert len(outcome.good) == 2
    seen = []
    for record in outcome.good:
        assert len(record) <= 1_000_000
        payload = decode_payload(record)
        child = json.loads(payload.body)
        assert child["schema"] == "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
        assert payload.querystring == "aid=app" and payload.path == "/com.snowplowanalytics.snowplow/tp2"
        assert f"User-Agent: {UA}" in payload.headers
        seen += child["data"]
    assert seen == events


def test_split_with_a_single_event_too_large_makes_one_bad_row():
    handler = Handler(settings())
    events = [{"e": "pv", "eid": "small"}, {"e": "pv", "eid": "huge", "pad": "z" * 1_010_000}]
    outcome = handler.handle(post(tp2_body(events)), NOW)
    assert len(outcome.good) == 1 and json.loads(decode_payload(outcome.good[0]).body)["data"] == [events[0]]
    (row,) = [json.loads(b) for b in outcome.bad]
    validate_size_violation(row["data"])
    assert row["schema"] == "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"
    assert "still too large" in row["data"]["failure"]["expectation"]
    assert row["data"]["failure"]["maximumAllowedSizeBytes"] == 1_000_000
    assert row["data"]["failure"]["actualSizeBytes"] > 1_000_000
    assert len(row["data"]["payload"]) == 100_000  # truncated to max/10 like Snowplow


@pytest.mark.parametrize("make", [
    lambda: post(tp2_body([{"e": "pv", "pad": "q" * 1_100_000}])),  # over 1 MiB: no splitting
    lambda: get(query="e=pv&pad=" + "g" * 1_010_000),  # a GET cannot be split
    lambda: post(b"not json " * 112_000),  # not JSON
    lambda: post(orjson.dumps({"data": "x" * 1_010_000})),  # not self-describing with a data array
])
def test_oversized_payloads_that_cannot_be_split_become_one_size_violation(make):
    outcome = Handler(settings()).handle(make(), NOW)
    assert outcome.good == [] and len(outcome.bad) == 1
    row = json.loads(outcome.bad[0])
    validate_size_violation(row["data"])
    failure = row["data"]["failure"]
    assert failure["actualSizeBytes"] > failure["maximumAllowedSizeBytes"] >= 1_000_000
    assert failure["expectation"].startswith("oversized collector payload")
    assert failure["timestamp"] == "2026-11-28T07:02:53.123Z"
    assert row["data"]["processor"] == {"artifact": "beam-collector", "version": "0.1.0"}
    assert row["data"]["payload"].startswith("CollectorPayload(schema:iglu:com.snowplowanalytics.snowplow/")


# ---------------------------------------------------------------------------- bodies
def test_gzip_and_deflate_bodies_are_decoded():
    raw = tp2_body([{"e": "pv"}])
    assert decode_body(gzip.compress(raw), "gzip", 2_097_152) == (raw, "gzip")
    assert decode_body(zlib.compress(raw), "deflate", 2_097_152) == (raw, "deflate")
    raw_deflate = zlib.compressobj(wbits=-15)
    assert decode_body(raw_deflate.compress(raw) + raw_deflate.flush(), "deflate", 2_097_152)[0] == raw
    assert decode_body(raw, None, 10) == (raw, None)
    assert decode_body(raw, "identity", 10) == (raw, None)


def test_every_gzip_member_is_read():
    first, second = tp2_body([{"e": "pv", "m": "one"}]), tp2_body([{"e": "pv", "m": "two"}])
    two_members = gzip.compress(first) + gzip.compress(second)
    assert gzip.decompress(two_members) == first + second  # the stdlib agrees: this is valid gzip
    assert decode_body(two_members, "gzip", 2_097_152) == (first + second, "gzip")
    many = b"".join(gzip.compress(bytes([65 + i]) * 10) for i in range(5))
    assert decode_body(many, "x-gzip", 2_097_152)[0] == b"".join(bytes([65 + i]) * 10 for i in range(5))
    # the limit counts every member: two members of 1.5 MB each inflate past 2 MiB
    with pytest.raises(RequestError) as info:
        decode_body(gzip.compress(b"0" * 1_500_000) * 2, "gzip", 2_097_152)
    assert info.value.status == 413
    # many small members: still bounded by the limit, never more than limit + 1 bytes held
    with pytest.raises(RequestError) as info:
        decode_body(gzip.compress(b"1" * 100_000) * 30, "gzip", 2_097_152)
    assert info.value.status == 413


@pytest.mark.parametrize("data,encoding,status", [
    (b"not gzip at all", "gzip", 400),
    (gzip.compress(b"x" * 1000)[:-12], "gzip", 400),  # truncated
    (gzip.compress(b"x" * 1000) + b"trailing garbage", "gzip", 400),
    (gzip.compress(b"x" * 1000) + b"\x00" * 8, "gzip", 400),  # zero padding is not a member either
    (gzip.compress(b"x" * 1000) + gzip.compress(b"y" * 1000)[:-4], "gzip", 400),  # second member truncated
    (gzip.compress(b"x" * 1000) + b"\x1f\x8b", "gzip", 400),  # the start of a member and nothing else
    (zlib.compress(b"x" * 1000) + b"junk", "deflate", 400),
    (b"", "gzip", 400),
    (b"whatever", "br", 415),
    (gzip.compress(b"0" * 3_000_000), "gzip", 413),  # a small bomb: 3 MB out of 3 KB
])
def test_bad_encoded_bodies_are_refused(data, encoding, status):
    with pytest.raises(RequestError) as info:
        decode_body(data, encoding, 2_097_152)
    assert info.value.status == status


def test_decoded_body_drops_content_encoding_header():
    raw = tp2_body([{"e": "pv"}])
    request = post(raw, headers=[("content-encoding", "gzip")])
    request.decoded_encoding = "gzip"
    payload = decode_payload(Handler(settings()).handle(request, NOW).good[0])
    assert payload.body == raw and not any(h.startswith("Content-Encoding") for h in payload.headers)


def test_odd_inputs_are_stored_for_the_pipeline_to_judge():
    handler = Handler(settings())
    for request in (
        get(query="e=pv&bad=%zz%&&=&x"),  # malformed querystring
        post(b"{not json", headers=[]),  # not JSON
        post(b"\xff\xfe\x00binary", headers=[("content-type", "application/octet-stream")]),  # wrong type, not UTF-8
        Request("POST", "/com.snowplowanalytics.snowplow/tp2", None, [], None, None),  # nothing at all
    ):
        outcome = handler.handle(request, NOW)
        assert outcome.response.status == 200 and len(outcome.good) == 1
        payload = decode_payload(outcome.good[0])
        assert payload.querystring == request.query and payload.body == (request.body or None)
    empty = decode_payload(handler.handle(Request("POST", "/com.snowplowanalytics.snowplow/tp2", None, [], None, None),
                                          NOW).good[0])
    assert empty.ipAddress == "unknown" and empty.hostname is None


# ---------------------------------------------------------------------------- config
def test_config_from_flags_and_json_file(tmp_path):
    config = tmp_path / "collector.json"
    config.write_text(json.dumps({"sink": "kinesis", "good_stream": "g", "bad_stream": "b", "port": 9000,
                                  "cookie_domains": ["a.example", "b.example"], "redirect_enabled": True}))
    s = load_settings(["--config", str(config), "--port", "9100", "--cookie_secure", "false"])
    assert (s.sink, s.good_stream, s.bad_stream, s.port, s.cookie_secure) == ("kinesis", "g", "b", 9100, False)
    assert s.cookie_domains == ["a.example", "b.example"] and s.redirect_enabled is True
    assert s.collector_string == "beam-collector-0.1.0-kinesis"
    flags = load_settings(["--sink", "file", "--good_path", "/g", "--bad_path", "/b",
                           "--paths", '{"/com.acme/t": "/i"}', "--redirect_domains", "x.example, y.example"])
    assert flags.paths == {"/com.acme/t": "/i"} and flags.redirect_domains == ["x.example", "y.example"]


@pytest.mark.parametrize("argv", [
    ["--sink", "file"],
    ["--sink", "kinesis", "--good_stream", "g"],
    ["--sink", "s3", "--good_path", "/g", "--bad_path", "/b"],
    ["--sink", "file", "--good_path", "/g", "--bad_path", "/b", "--port", "notanumber"],
    ["--sink", "file", "--good_path", "/g", "--bad_path", "/b", "--max_record_bytes", "5000000"],
    ["--sink", "file", "--good_path", "/g", "--bad_path", "/b", "--cookie_secure", "maybe"],
])
def test_bad_config_is_refused(argv):
    with pytest.raises(ConfigError):
        load_settings(argv)


def test_unknown_key_in_config_file_is_refused(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"sink": "file", "good_path": "/g", "bad_path": "/b", "goodpath": "typo"}))
    with pytest.raises(ConfigError, match="goodpath"):
        load_settings(["--config", str(config)])
