"""Conformance with Snowplow enrich (issue 14): request -> the enriched event Snowplow writes for it.

Each case is a collector request run through the whole pipeline (``beam_pipeline.pipeline.run``, TSV
output), read back field by field and with snowplow-analytics-sdk. Expected values are written from
Snowplow's documented behaviour (the tracker protocol, the enrichment docs and the facts of issue 14),
never computed with the code under test. Every one of the 131 fields is compared: the expected dict
lists the fields that are set, every other field must be empty; ``etl_tstamp`` (the processing
time) is only checked to be a timestamp.

The runs keep every field in clear (a policy that allowlists all atomic fields and the entities used
here) and run only the enrichments a case configures, so that what is compared is enrich itself.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import quote

from snowplow_beam.beam_pipeline.launcher import run
from snowplow_analytics_sdk.event_transformer import transform
from snowplow_beam.transforms import ARTIFACT, __version__
from snowplow_beam.transforms.atomic import FIELD_NAMES, JSON_FIELDS
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload

COLLECTOR_TSTAMP = 1_764_320_400_000  # 2025-11-28 09:00:00.000 UTC
COLLECTOR_TEXT = "2025-11-28 09:00:00.000"
COLLECTOR = "ssc-3.4.0-kinesis"
COLLECTOR_IP = "198.51.100.20"
USER_AGENT = "Mozilla/5.0 (conformance)"
TP2 = "/com.snowplowanalytics.snowplow/tp2"
SP = "iglu:com.snowplowanalytics.snowplow"
CONTEXTS_1_0_0 = f"{SP}/contexts/jsonschema/1-0-0"
CONTEXTS_1_0_1 = f"{SP}/contexts/jsonschema/1-0-1"
UNSTRUCT = f"{SP}/unstruct_event/jsonschema/1-0-0"
EID = "c6ef3124-b53a-4b13-a233-0088f79dcbcb"
CLEAR_ENTITIES = [
    f"{SP}/uri_redirect/jsonschema/1-*-*", f"{SP}/web_page/jsonschema/1-*-*",
    "iglu:org.ietf/http_cookie/jsonschema/1-*-*", "iglu:com.acme/webhook/jsonschema/1-*-*",
    "iglu:com.acme/signup/jsonschema/1-*-*", "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-*-*",
]
# What the pipeline always sets: the collector's fields and its own.
BASE = {
    "collector_tstamp": COLLECTOR_TEXT, "v_collector": COLLECTOR, "v_etl": f"{ARTIFACT}-{__version__}",
    "useragent": USER_AGENT, "derived_tstamp": COLLECTOR_TEXT,
}
PAGE_VIEW = {"event": "page_view", "event_vendor": "com.snowplowanalytics.snowplow", "event_name": "page_view",
             "event_format": "jsonschema", "event_version": "1-0-0"}
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def raw_line(path: str = "/i", querystring: str | None = None, body: str | None = None,
             content_type: str | None = None, ip: str = COLLECTOR_IP, headers: list[str] | None = None,
             user_agent: str | None = USER_AGENT, timestamp: int = COLLECTOR_TSTAMP, **fields) -> str:
    """One raw record as the collector stores it: a base64 Thrift CollectorPayload."""
    payload = CollectorPayload(
        schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress=ip, timestamp=timestamp, encoding="UTF-8",
        collector=COLLECTOR, path=path, querystring=querystring, userAgent=user_agent,
        headers=["Host: c.example.com", *(headers or [])], hostname="c.example.com", **fields)
    if body is not None:
        payload.body = body.encode()
        payload.contentType = content_type or "application/json"
    elif content_type is not None:
        payload.contentType = content_type
    return base64.b64encode(encode_payload(payload)).decode()


def qs(**params: str) -> str:
    """A querystring as trackers send it (values percent-encoded)."""
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({
        "atomic_allowlist": [name for name in FIELD_NAMES if name not in JSON_FIELDS],
        "entities": [{"schema": schema, "allow": ["$"]} for schema in CLEAR_ENTITIES],
        "header_allowlist": [],
    }))
    return path


def enrich(tmp_path: Path, lines: list[str], enrichments: list[dict] = (), registry: dict | None = None):
    """Run the pipeline on ``lines``; returns (good events as {field: TSV text}, bad rows as JSON)."""
    source = tmp_path / "raw.txt"
    source.write_text("\n".join(lines) + "\n")
    enrichments_dir = tmp_path / "enrichments"
    enrichments_dir.mkdir()
    for index, config in enumerate(enrichments):
        (enrichments_dir / f"{index}.json").write_text(json.dumps(config))
    salt = tmp_path / "salt"
    salt.write_text("conformance-salt-of-enough-bytes")
    out = tmp_path / "out"
    argv = ["--input", str(source), "--output", str(out), "--salt_file", str(salt), "--good_format", "tsv",
            "--pseudonymization_config", str(_policy(tmp_path)), "--enrichments", str(enrichments_dir)]
    if registry is not None:
        argv += ["--iglu_resolver", str(_resolver(tmp_path, registry))]
    summary = run(argv)
    assert summary.records_accounted and summary.outputs_accounted
    tsv = [line for f in sorted((out / "good").rglob("*.tsv")) for line in f.read_text().splitlines()]
    bad = [json.loads(line) for f in sorted(out.rglob("*.json")) for line in f.read_text().splitlines()]
    events = []
    for line in tsv:
        fields = line.split("\t")
        assert len(fields) == 131
        transform(line)  # Snowplow's analytics SDK reads the line
        events.append(dict(zip(FIELD_NAMES, fields)))
    return events, bad


def _resolver(tmp_path: Path, schemas: dict) -> Path:
    """A resolver config with a local registry holding ``schemas`` ({"vendor/name/format/version": schema})."""
    root = tmp_path / "registry"
    for key, schema in schemas.items():
        path = root / "schemas" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema))
    config = tmp_path / "resolver.json"
    config.write_text(json.dumps({
        "schema": "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
        "data": {"cacheSize": 100, "repositories": [
            {"name": "local", "priority": 0, "vendorPrefixes": ["com.acme"],
             "connection": {"embedded": {"path": str(root)}}}]}}))
    return config


def assert_event(actual: dict, expected: dict) -> None:
    """Every field: those in ``expected`` (with BASE) have these values, all others are empty.

    An expected value that is a compiled pattern must match the whole field (event ids the pipeline
    derives when the tracker sent none)."""
    want = {**BASE, **expected}
    assert _TIMESTAMP.fullmatch(actual["etl_tstamp"])
    got = {name: value for name, value in actual.items() if value != "" and name != "etl_tstamp"}
    for name, pattern in list(want.items()):
        if isinstance(pattern, re.Pattern):
            assert pattern.fullmatch(got.pop(name, "")), (name, actual.get(name))
            del want[name]
    for name in JSON_FIELDS:  # compare JSON as JSON, and the envelope schema exactly
        if name in got:
            got[name] = json.loads(got[name])
    assert got == want


def by_id(events: list[dict]) -> dict[str, dict]:
    return {event["event_id"]: event for event in events}


# ---- baseline: the harness itself ----------------------------------------------------------------

def test_a_tp1_page_view_is_every_field_snowplow_writes(tmp_path):
    query = qs(e="pv", p="web", tv="js-3.0.0", aid="shop", eid=EID, url="https://shop.example.com/a/b?x=1#top",
               page="Home", dtm="1764320399000", stm="1764320399500", uid="u1", vid="3", res="1920x1080")
    events, bad = enrich(tmp_path, [raw_line(querystring=query)])
    assert bad == []
    assert_event(events[0], {
        **PAGE_VIEW, "app_id": "shop", "platform": "web", "event_id": EID, "v_tracker": "js-3.0.0",
        "user_id": "u1", "user_ipaddress": COLLECTOR_IP, "domain_sessionidx": "3",
        "dvce_created_tstamp": "2025-11-28 08:59:59.000", "dvce_sent_tstamp": "2025-11-28 08:59:59.500",
        "derived_tstamp": "2025-11-28 08:59:59.500",
        "page_url": "https://shop.example.com/a/b?x=1#top", "page_title": "Home",
        "page_urlscheme": "https", "page_urlhost": "shop.example.com", "page_urlport": "443",
        "page_urlpath": "/a/b", "page_urlquery": "x=1", "page_urlfragment": "top",
        "dvce_screenwidth": "1920", "dvce_screenheight": "1080",
    })


# ---- 1. page_urlport / refr_urlport ----------------------------------------------------------------

def test_ports_default_to_80_for_every_scheme_but_https(tmp_path):
    """Snowplow's explodeUri: the URL's port, else 443 for https and 80 for any other scheme."""
    common = dict(e="pv", p="web", tv="js-3.0.0")
    lines = [
        raw_line(querystring=qs(**common, eid="00000000-0000-4000-8000-000000000001",
                                url="file:///home/jane/page.html", refr="ftp://files.example.com/a.txt")),
        raw_line(querystring=qs(**common, eid="00000000-0000-4000-8000-000000000002",
                                url="android-app://com.example.app/start", refr="https://www.example.org/")),
        raw_line(querystring=qs(**common, eid="00000000-0000-4000-8000-000000000003",
                                url="http://example.com:8080/x", refr="ftp://files.example.com:2121/")),
    ]
    events, bad = enrich(tmp_path, lines)
    assert bad == []
    events = by_id(events)
    base = {**PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "user_ipaddress": COLLECTOR_IP}
    assert_event(events["00000000-0000-4000-8000-000000000001"], {
        **base, "event_id": "00000000-0000-4000-8000-000000000001",
        "page_url": "file:///home/jane/page.html", "page_urlscheme": "file", "page_urlport": "80",
        "page_urlpath": "/home/jane/page.html",
        "page_referrer": "ftp://files.example.com/a.txt", "refr_urlscheme": "ftp",
        "refr_urlhost": "files.example.com", "refr_urlport": "80", "refr_urlpath": "/a.txt",
    })
    assert_event(events["00000000-0000-4000-8000-000000000002"], {
        **base, "event_id": "00000000-0000-4000-8000-000000000002",
        "page_url": "android-app://com.example.app/start", "page_urlscheme": "android-app",
        "page_urlhost": "com.example.app", "page_urlport": "80", "page_urlpath": "/start",
        "page_referrer": "https://www.example.org/", "refr_urlscheme": "https",
        "refr_urlhost": "www.example.org", "refr_urlport": "443", "refr_urlpath": "/",
    })
    assert_event(events["00000000-0000-4000-8000-000000000003"], {
        **base, "event_id": "00000000-0000-4000-8000-000000000003",
        "page_url": "http://example.com:8080/x", "page_urlscheme": "http", "page_urlhost": "example.com",
        "page_urlport": "8080", "page_urlpath": "/x",
        "page_referrer": "ftp://files.example.com:2121/", "refr_urlscheme": "ftp",
        "refr_urlhost": "files.example.com", "refr_urlport": "2121", "refr_urlpath": "/",
    })


# ---- 2. Iglu webhook: empty and bare parameters ------------------------------------------------------

WEBHOOK = "iglu:com.acme/webhook/jsonschema/1-0-0"
WEBHOOK_SCHEMA = {  # null, or a non-empty string: an empty string would not validate
    "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
    "self": {"vendor": "com.acme", "name": "webhook", "format": "jsonschema", "version": "1-0-0"},
    "type": "object",
    "properties": {key: {"type": ["string", "null"], "minLength": 1} for key in ("name", "source", "tracking_id")},
    "additionalProperties": False,
}
WEBHOOK_EVENT = {"event": "unstruct", "event_vendor": "com.acme", "event_name": "webhook",
                 "event_format": "jsonschema", "event_version": "1-0-0",
                 "v_tracker": "com.snowplowanalytics.iglu-v1", "user_ipaddress": COLLECTOR_IP}


def test_iglu_webhook_empty_and_bare_parameters_are_null(tmp_path):
    """Snowplow's IgluAdapter: ``source=`` and a bare ``tracking_id`` are null in the event's data."""
    query = f"schema={WEBHOOK}&name=download&source=&tracking_id&aid=hooks"
    events, bad = enrich(tmp_path, [raw_line("/com.snowplowanalytics.iglu/v1", query)],
                         registry={"com.acme/webhook/jsonschema/1-0-0": WEBHOOK_SCHEMA})
    assert bad == []
    assert_event(events[0], {
        **WEBHOOK_EVENT, "event_id": UUID4, "app_id": "hooks", "platform": "app",
        "unstruct_event": {"schema": UNSTRUCT, "data": {"schema": WEBHOOK, "data": {
            "name": "download", "source": None, "tracking_id": None}}},
    })


# ---- 3. IP address: ip parameter, X-Forwarded-For, Forwarded, ports -----------------------------------

def test_user_ipaddress_as_snowplow_extracts_it(tmp_path):
    """The ``ip`` parameter wins, first address only; else the first X-Forwarded-For that holds an
    address; else ``Forwarded: for=`` (RFC 7239); else the collector's address. Ports, quotes and
    IPv6 brackets are removed."""
    cases = {  # event id -> (ip parameter, headers, expected user_ipaddress)
        "00000000-0000-4000-8000-000000000031": ("192.0.2.99, 10.0.0.1", ["X-Forwarded-For: 198.51.100.1"],
                                                 "192.0.2.99"),
        "00000000-0000-4000-8000-000000000032": (None, ["X-Forwarded-For: localhost"], COLLECTOR_IP),
        "00000000-0000-4000-8000-000000000033": (None, ["X-Forwarded-For: unknown",
                                                        'Forwarded: for="[2001:db8::1]:443";proto=https'],
                                                 "2001:db8::1"),
        "00000000-0000-4000-8000-000000000034": (None, ["X-Forwarded-For: 203.0.113.7:8080, 10.0.0.1"],
                                                 "203.0.113.7"),
        "00000000-0000-4000-8000-000000000035": (None, ["Forwarded: for=192.0.2.60:4711, for=10.0.0.1",
                                                        "X-Forwarded-For: 129.78.138.66"], "129.78.138.66"),
        "00000000-0000-4000-8000-000000000036": (None, ["Forwarded: for=192.0.2.60:4711;by=10.0.0.9"],
                                                 "192.0.2.60"),
    }
    lines = []
    for eid, (ip, headers, _) in cases.items():
        params = dict(e="pv", p="web", tv="js-3.0.0", eid=eid, **({"ip": ip} if ip else {}))
        lines.append(raw_line(querystring=qs(**params), headers=headers))
    events, bad = enrich(tmp_path, lines)
    assert bad == []
    events = by_id(events)
    for eid, (_, _, expected) in cases.items():
        assert_event(events[eid], {**PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "event_id": eid,
                                   "user_ipaddress": expected})


# ---- 4. valid input Snowplow accepts: "null" integers, e=ue alone -------------------------------------

def test_null_integers_and_an_unstruct_event_without_its_event_are_accepted(tmp_path):
    """Snowplow reads the text ``null`` in integer fields as no value, and accepts ``e=ue`` without
    ``ue_pr``/``ue_px`` (an unstruct event with no unstruct_event and no schema fields)."""
    ping, unstruct = "00000000-0000-4000-8000-000000000041", "00000000-0000-4000-8000-000000000042"
    lines = [
        raw_line(querystring=qs(e="pp", p="web", tv="js-3.0.0", eid=ping, tid="null", vid="null",
                                pp_mix="null", pp_max="NULL", pp_miy="0", pp_may="640")),
        raw_line(querystring=qs(e="ue", p="web", tv="js-3.0.0", eid=unstruct, ti_qu="null")),
    ]
    events, bad = enrich(tmp_path, lines)
    assert bad == []
    events = by_id(events)
    common = {"platform": "web", "v_tracker": "js-3.0.0", "user_ipaddress": COLLECTOR_IP}
    assert_event(events[ping], {
        **common, "event_id": ping, "event": "page_ping", "pp_yoffset_min": "0", "pp_yoffset_max": "640",
        "event_vendor": "com.snowplowanalytics.snowplow", "event_name": "page_ping",
        "event_format": "jsonschema", "event_version": "1-0-0",
    })
    assert_event(events[unstruct], {**common, "event_id": unstruct, "event": "unstruct"})


# ---- 5. cookie extractor: a cookie with an empty name --------------------------------------------------

def test_cookie_extractor_extracts_a_cookie_with_an_empty_name(tmp_path):
    """Snowplow's cookie extractor reads ``=cv2`` as the cookie named "" (extracted when "" is configured)."""
    config = {"schema": f"{SP}/cookie_extractor_config/jsonschema/1-0-0",
              "data": {"vendor": "com.snowplowanalytics.snowplow", "name": "cookie_extractor_config",
                       "enabled": True, "parameters": {"cookies": ["", "ck1", "ck4"]}}}
    line = raw_line(querystring=qs(e="pv", p="web", tv="js-3.0.0", eid=EID),
                    headers=["Cookie: ck1;=cv2;ck4=cv4;other=x"])
    events, bad = enrich(tmp_path, [line], enrichments=[config])
    assert bad == []
    assert_event(events[0], {
        **PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "event_id": EID, "user_ipaddress": COLLECTOR_IP,
        "derived_contexts": {"schema": CONTEXTS_1_0_1, "data": [
            {"schema": "iglu:org.ietf/http_cookie/jsonschema/1-0-0", "data": {"name": "ck1", "value": None}},
            {"schema": "iglu:org.ietf/http_cookie/jsonschema/1-0-0", "data": {"name": "", "value": "cv2"}},
            {"schema": "iglu:org.ietf/http_cookie/jsonschema/1-0-0", "data": {"name": "ck4", "value": "cv4"}}]},
    })


# ---- 6. contexts envelopes are written as contexts 1-0-1 -----------------------------------------------

WEB_PAGE = {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9"}}
URI_REDIRECT = f"{SP}/uri_redirect/jsonschema/1-0-0"


def test_contexts_sent_as_1_0_0_are_written_as_1_0_1(tmp_path):
    """Snowplow writes the contexts field as ``contexts/jsonschema/1-0-1`` whatever 1-*-* the tracker sent,
    including when a redirect puts its ``uri_redirect`` context first in a 1-0-0 ``co``."""
    sent = json.dumps({"schema": CONTEXTS_1_0_0, "data": [WEB_PAGE]})
    cx = base64.urlsafe_b64encode(sent.encode()).decode().rstrip("=")
    tp1, redirect = "00000000-0000-4000-8000-000000000061", "00000000-0000-4000-8000-000000000062"
    lines = [
        raw_line(querystring=qs(e="pv", p="web", tv="js-3.0.0", eid=tp1, cx=cx)),
        raw_line("/r/tp2", qs(u="https://www.example.com/landing", e="pv", eid=redirect, co=sent)),
    ]
    events, bad = enrich(tmp_path, lines)
    assert bad == []
    events = by_id(events)
    assert_event(events[tp1], {
        **PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "event_id": tp1, "user_ipaddress": COLLECTOR_IP,
        "contexts": {"schema": CONTEXTS_1_0_1, "data": [WEB_PAGE]},
    })
    assert_event(events[redirect], {
        **PAGE_VIEW, "platform": "web", "v_tracker": "r-tp2", "event_id": redirect, "user_ipaddress": COLLECTOR_IP,
        "contexts": {"schema": CONTEXTS_1_0_1, "data": [
            {"schema": URI_REDIRECT, "data": {"uri": "https://www.example.com/landing"}}, WEB_PAGE]},
    })


# ---- 7. bad-row types (Snowplow 6.x) -------------------------------------------------------------------

BADROWS = "iglu:com.snowplowanalytics.snowplow.badrows"


def test_bad_row_types_as_snowplow_chooses_them(tmp_path):
    """A redirect whose ``co`` is not JSON: ``tracker_protocol_violations``, as Snowplow's redirect adapter.

    Two deliberate differences (README, "Differences from Snowplow enrich"), pinned here: tp1 with an
    empty querystring is a ``tracker_protocol_violations`` (Snowplow's Tp1Adapter: ``adapter_failures``),
    and a collector timestamp beyond year 9999 a raw-bad ``collector_payload_format_violation``
    (Snowplow: ``schema_violations`` of the atomic field)."""
    lines = [
        raw_line("/i", None),
        raw_line("/r/tp2", qs(u="https://www.example.com/", e="pv", co="{not json")),
        raw_line(querystring=qs(e="pv", p="web", tv="js-3.0.0", eid=EID), timestamp=253402300800000),
    ]
    events, bad = enrich(tmp_path, lines)
    assert events == []
    kinds = sorted((row["schema"], row["data"]["failure"].get("vendor"), row["data"]["failure"].get("version"))
                   for row in bad)
    assert kinds == [
        (f"{BADROWS}/collector_payload_format_violation/jsonschema/1-0-0", None, None),
        (f"{BADROWS}/tracker_protocol_violations/jsonschema/1-0-1", "com.snowplowanalytics.snowplow", "tp1"),
        (f"{BADROWS}/tracker_protocol_violations/jsonschema/1-0-1", "r", "tp2"),
    ]
    redirect = next(row for row in bad if row["data"]["failure"].get("vendor") == "r")
    [message] = redirect["data"]["failure"]["messages"]
    assert message["field"] == "co" and message["error"]  # NotJSON (the value itself is pseudonymized)


# ---- 9. $supersededBy --------------------------------------------------------------------------------

def signup_schema(version: str, properties: dict, superseded_by: str | None = None) -> dict:
    schema = {
        "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
        "self": {"vendor": "com.acme", "name": "signup", "format": "jsonschema", "version": version},
        "type": "object", "properties": properties, "required": ["name"], "additionalProperties": False,
    }
    if superseded_by:
        schema["$supersededBy"] = superseded_by
    return schema


SIGNUP_REGISTRY = {  # 1-0-0 is superseded by 1-0-1, which adds "plan"
    "com.acme/signup/jsonschema/1-0-0": signup_schema("1-0-0", {"name": {"type": "string"}}, "1-0-1"),
    "com.acme/signup/jsonschema/1-0-1": signup_schema(
        "1-0-1", {"name": {"type": "string"}, "plan": {"type": "string"}}),
}
SIGNUP = "iglu:com.acme/signup/jsonschema/1-0-0"
VALIDATION_INFO = "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0"


def test_a_superseded_schema_is_followed_and_recorded_in_validation_info(tmp_path):
    """Snowplow validates an entity whose schema declares ``$supersededBy`` against the superseding schema and
    adds a ``validation_info`` derived context ``{originalSchema, validatedWith}``; the entity keeps its schema.
    Data invalid against the superseding schema is a schema_violations row whose error names ``supersededBy``."""
    entity = {"schema": SIGNUP, "data": {"name": "Ada", "plan": "free"}}  # valid against 1-0-1 only
    good, bad_id = "00000000-0000-4000-8000-000000000091", "00000000-0000-4000-8000-000000000092"
    lines = [
        raw_line(querystring=qs(e="ue", p="srv", tv="py-1.0.0", eid=good,
                                ue_pr=json.dumps({"schema": UNSTRUCT, "data": entity}),
                                co=json.dumps({"schema": CONTEXTS_1_0_1, "data": [entity]}))),
        raw_line(querystring=qs(e="ue", p="srv", tv="py-1.0.0", eid=bad_id,
                                ue_pr=json.dumps({"schema": UNSTRUCT, "data": {"schema": SIGNUP, "data": {
                                    "name": "Ada", "plan": 7}}}))),
    ]
    events, bad = enrich(tmp_path, lines, registry=SIGNUP_REGISTRY)
    info = {"schema": VALIDATION_INFO, "data": {"originalSchema": SIGNUP, "validatedWith": "1-0-1"}}
    assert_event(by_id(events)[good], {
        "event": "unstruct", "platform": "srv", "v_tracker": "py-1.0.0", "event_id": good,
        "user_ipaddress": COLLECTOR_IP, "event_vendor": "com.acme", "event_name": "signup",
        "event_format": "jsonschema", "event_version": "1-0-0",
        "unstruct_event": {"schema": UNSTRUCT, "data": entity},
        "contexts": {"schema": CONTEXTS_1_0_1, "data": [entity]},
        "derived_contexts": {"schema": CONTEXTS_1_0_1, "data": [info, info]},
    })
    assert len(events) == 1
    [row] = bad
    assert row["schema"] == "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1"
    [message] = row["data"]["failure"]["messages"]
    assert message["schemaKey"] == SIGNUP
    assert message["error"]["error"] == "ValidationError" and message["error"]["supersededBy"] == "1-0-1"


def test_superseding_chains_are_followed_and_loops_and_bad_versions_ignored(tmp_path):
    from snowplow_beam.transforms.iglu.resolver import Resolver
    from snowplow_beam.transforms.iglu.validator import Validator

    config = _resolver(tmp_path, {
        "com.acme/signup/jsonschema/1-0-0": signup_schema("1-0-0", {"name": {"type": "string"}}, "1-0-1"),
        "com.acme/signup/jsonschema/1-0-1": signup_schema("1-0-1", {"name": {"type": "string"}}, "1-0-2"),
        "com.acme/signup/jsonschema/1-0-2": signup_schema(
            "1-0-2", {"name": {"type": "string"}, "plan": {"type": "string"}}, "1-0-0"),  # loops back to 1-0-0
        "com.acme/signup/jsonschema/2-0-0": signup_schema("2-0-0", {"name": {"type": "string"}}, "not-a-version"),
    })
    validator = Validator(Resolver.from_config(json.loads(config.read_text())))
    assert validator.validate({"schema": SIGNUP, "data": {"name": "Ada", "plan": "free"}}) == []
    assert validator.validated_with(SIGNUP) == "1-0-2"  # 1-0-0 -> 1-0-1 -> 1-0-2, then the loop is ignored
    other = "iglu:com.acme/signup/jsonschema/2-0-0"
    assert validator.validate({"schema": other, "data": {"name": "Ada"}}) == []
    assert validator.validated_with(other) is None


# ---- 8. URL encoding before parsing (spaces) ----------------------------------------------------------

def test_spaces_in_page_and_referer_urls_are_encoded_before_parsing(tmp_path):
    """Snowplow replaces spaces with ``%20`` before parsing a URL; ``page_url`` is the URL it parsed,
    ``page_referrer`` stays as sent, and the components of both come from the encoded URLs."""
    query = qs(e="pv", p="web", tv="js-3.0.0", eid=EID, url="https://shop.example.com/a b?q=x y#f g",
               refr="http://ref.example.org/s p?t=u v")
    events, bad = enrich(tmp_path, [raw_line(querystring=query)])
    assert bad == []
    assert_event(events[0], {
        **PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "event_id": EID, "user_ipaddress": COLLECTOR_IP,
        "page_url": "https://shop.example.com/a%20b?q=x%20y#f%20g", "page_urlscheme": "https",
        "page_urlhost": "shop.example.com", "page_urlport": "443", "page_urlpath": "/a%20b",
        "page_urlquery": "q=x%20y", "page_urlfragment": "f%20g",
        "page_referrer": "http://ref.example.org/s p?t=u v", "refr_urlscheme": "http",
        "refr_urlhost": "ref.example.org", "refr_urlport": "80", "refr_urlpath": "/s%20p", "refr_urlquery": "t=u%20v",
    })


# ---- decimals: the exact decimal text, as Snowplow writes its BigDecimal fields ----------------------------

def test_decimals_are_written_as_snowplow_writes_them(tmp_path):
    """Snowplow parses tr_tt, tr_tx, tr_sh, ti_pr and se_va/ev_va as Java BigDecimals (a negative scale set to 0) and
    writes them in plain notation: 8000 stays 8000, 200.00 keeps its scale, 1e7 is 10000000, 1E-7 is 0.0000001."""
    transaction = dict(e="tr", p="web", tv="js-3.0.0", eid="00000000-0000-4000-8000-00000000000a", tr_id="o-1",
                       tr_tt="8000", tr_tx="200.00", tr_sh="1e7")
    item = dict(e="ti", p="web", tv="js-3.0.0", eid="00000000-0000-4000-8000-00000000000b", ti_id="o-1",
                ti_sk="sku-1", ti_pr="1E-7", ti_qu="2")
    struct = dict(e="se", p="web", tv="js-3.0.0", eid="00000000-0000-4000-8000-00000000000c", se_ca="c",
                  se_ac="a", se_va="-12.50")
    events, bad = enrich(tmp_path, [raw_line(querystring=qs(**transaction)), raw_line(querystring=qs(**item)),
                                    raw_line(querystring=qs(**struct))])
    assert bad == []
    events = by_id(events)
    tr = events["00000000-0000-4000-8000-00000000000a"]
    assert (tr["tr_total"], tr["tr_tax"], tr["tr_shipping"]) == ("8000", "200.00", "10000000")
    assert events["00000000-0000-4000-8000-00000000000b"]["ti_price"] == "0.0000001"
    assert events["00000000-0000-4000-8000-00000000000c"]["se_value"] == "-12.50"


def test_decimals_are_exact_in_parquet(tmp_path):
    import pyarrow.parquet as pq
    from decimal import Decimal

    source = tmp_path / "raw.txt"
    source.write_text(raw_line(querystring=qs(e="tr", p="web", tv="js-3.0.0", tr_id="o-1", tr_tt="0.1",
                                              tr_tx="123456789012345678.25", tr_sh="200.00")) + "\n")
    salt = tmp_path / "salt"
    salt.write_text("conformance-salt-of-enough-bytes")
    summary = run(["--input", str(source), "--output", str(tmp_path / "out"), "--salt_file", str(salt)])
    assert summary.ok
    row = pq.read_table(tmp_path / "out" / "good").to_pylist()[0]
    assert (row["tr_total"], row["tr_tax"], row["tr_shipping"]) == (
        Decimal("0.1"), Decimal("123456789012345678.25"), Decimal("200"))  # exact: a double holds neither 0.1 nor 25


def test_characters_a_uri_may_not_hold_are_percent_encoded_before_parsing(tmp_path):
    """Where Java's URI parser refuses a URL (``{``, ``}``, ``|``, ``^``, a stray ``%``), Snowplow re-parses it with
    scala-uri, which percent-encodes those characters: ``/${a}`` is the path ``/$%7Ba%7D``."""
    query = qs(e="pv", p="web", tv="js-3.0.0", eid=EID, url="http://www.example.com/${a}?x=1|2&p=100%#top^",
               refr="https://ref.example.org/{id}")
    events, bad = enrich(tmp_path, [raw_line(querystring=query)])
    assert bad == []
    assert_event(events[0], {
        **PAGE_VIEW, "platform": "web", "v_tracker": "js-3.0.0", "event_id": EID, "user_ipaddress": COLLECTOR_IP,
        "page_url": "http://www.example.com/$%7Ba%7D?x=1%7C2&p=100%25#top%5E", "page_urlscheme": "http",
        "page_urlhost": "www.example.com", "page_urlport": "80", "page_urlpath": "/$%7Ba%7D",
        "page_urlquery": "x=1%7C2&p=100%25", "page_urlfragment": "top%5E",
        "page_referrer": "https://ref.example.org/{id}", "refr_urlscheme": "https",
        "refr_urlhost": "ref.example.org", "refr_urlport": "443", "refr_urlpath": "/%7Bid%7D",
    })
