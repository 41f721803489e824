"""transforms.adapters: from a CollectorPayload to raw events (tp1, tp2, redirect, Iglu webhook) or one bad row."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl

import pytest

from tests.helpers import (
    COLLECTOR_TSTAMP,
    TP2,
    adapter_registry,
    capture_names,
    capture_payload,
    load_capture,
    payload,
)
from snowplow_beam.transforms.adapters import AdapterError, decode_base64url
from snowplow_beam.transforms.thrift_model import decode_payload, encode_payload

PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"
UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
URI_REDIRECT = "iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0"
IGLU = "/com.snowplowanalytics.iglu/v1"
SCHEMA = "iglu:com.acme/signup/jsonschema/1-0-0"


def adapt(p):
    return adapter_registry().adapt(p)


def adapt_params(p) -> list[dict]:
    return [event.parameters for event in adapt(p)]


def rejected(p) -> tuple[str, list[dict]]:
    """The bad row type and its failure messages."""
    with pytest.raises(AdapterError) as caught:
        adapt(p)
    row = caught.value.bad_row.row
    return caught.value.bad_row.type_name, row["data"]["failure"]["messages"]


def tp2_body(*events, schema=PAYLOAD_DATA) -> str:
    return json.dumps({"schema": schema, "data": list(events)})


PV = {"e": "pv", "p": "web", "tv": "js-3.0.0", "url": "https://www.example.com/a"}


# ---- paths, querystrings, base64 --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/i", "/ice.png", "/com.snowplowanalytics.snowplow/tp2",
                                  "/com.snowplowanalytics.snowplow/tp2/", "/com.snowplowanalytics.snowplow/tp1"])
def test_the_tracker_paths_choose_the_tracker_adapters(path):
    (event,) = adapt(payload(path, "e=pv&p=web"))
    assert event.parameters == {"e": "pv", "p": "web"}
    assert (event.source.vendor, event.source.version) == (
        ("com.snowplowanalytics.snowplow", "tp2") if "tp2" in path else ("com.snowplowanalytics.snowplow", "tp1"))


@pytest.mark.parametrize("path", ["/", "", None, "/robots.txt", "/a/b/c", "//x"])
def test_a_path_without_the_vendor_version_shape_is_a_format_violation(path):
    with pytest.raises(AdapterError) as caught:
        adapt(payload(path, "e=pv"))
    bad = caught.value.bad_row
    assert bad.type_name == "collector_payload_format_violation"
    assert bad.row["data"]["failure"]["message"] == {
        "payloadField": "path", "value": path, "expectation": "a request path of the form /vendor/version"}


CONTEXT_JSON = b'{"schema":"iglu:x/y/jsonschema/1-0-0","data":{"a":"\xc3\xa9?>"}}'


@pytest.mark.parametrize("encoded", [
    base64.urlsafe_b64encode(CONTEXT_JSON).decode(),  # python tracker: URL-safe, padded
    base64.urlsafe_b64encode(CONTEXT_JSON).decode().rstrip("="),  # node tracker: padding stripped
    base64.b64encode(CONTEXT_JSON).decode(),  # standard alphabet
    base64.b64encode(CONTEXT_JSON).decode().rstrip("="),
])
def test_decode_base64url_takes_both_alphabets_with_or_without_padding(encoded):
    assert decode_base64url(encoded) == CONTEXT_JSON


def test_the_base64_sample_exercises_padding_and_both_alphabets():
    assert base64.b64encode(CONTEXT_JSON).endswith(b"==") and b"/" in base64.b64encode(CONTEXT_JSON)
    assert b"_" in base64.urlsafe_b64encode(CONTEXT_JSON)


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5])
def test_decode_base64url_without_padding_for_every_remainder(length):
    data = bytes(range(250, 250 - length, -1))
    assert decode_base64url(base64.urlsafe_b64encode(data).decode().rstrip("=")) == data


@pytest.mark.parametrize("text", ["!!!!", "ab$d", "a"])
def test_decode_base64url_rejects_what_is_not_base64(text):
    with pytest.raises(ValueError):
        decode_base64url(text)


# ---- tracker protocol v1 ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/i", "/ice.png", "/com.snowplowanalytics.snowplow/tp1"])
def test_tp1_is_one_event_from_the_querystring(path):
    assert adapt_params(payload(path, "e=pv&p=web&tv=js-3&page=A+page&refr=a%20b")) == [
        {"e": "pv", "p": "web", "tv": "js-3", "page": "A page", "refr": "a b"}]


def test_tp1_ignores_a_body():
    assert adapt_params(payload("/i", "e=pv", body="e=pp", content_type="text/plain")) == [{"e": "pv"}]


@pytest.mark.parametrize("querystring", [None, ""])
def test_tp1_without_a_querystring_is_a_tracker_protocol_violation(querystring):
    # A deliberate difference: Snowplow's Tp1Adapter makes it an adapter failure (README)
    kind, messages = rejected(payload("/i", querystring))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"field": "querystring", "value": querystring,
                         "expectation": "empty querystring: not a valid tracker protocol event"}]


# ---- tracker protocol v2 ------------------------------------------------------------------------------


def test_tp2_get_is_one_event_from_the_querystring():
    assert adapt_params(payload(TP2, "e=pv&p=web&tv=t&aid=x")) == [{"e": "pv", "p": "web", "tv": "t", "aid": "x"}]


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8",
    "Application/JSON;charset=utf-8",
])
def test_tp2_post_content_types(content_type):
    events = adapt_params(payload(TP2, body=tp2_body(PV, {**PV, "e": "pp"}), content_type=content_type))
    assert events == [PV, {**PV, "e": "pp"}]


def test_tp2_post_merges_the_querystring_into_every_event_and_it_wins():
    body = tp2_body({**PV, "aid": "from-body"}, {"e": "se", "p": "mob", "tv": "t2", "se_ca": "c"})
    events = adapt_params(payload(TP2, "aid=from-qs&cv=custom", body=body, content_type="application/json"))
    assert events == [
        {**PV, "aid": "from-qs", "cv": "custom"},
        {"e": "se", "p": "mob", "tv": "t2", "se_ca": "c", "aid": "from-qs", "cv": "custom"},
    ]


def test_tp2_events_share_the_source_of_their_payload():
    p = payload(TP2, body=tp2_body(PV, PV), content_type="application/json", networkUserId="n-1")
    first, second = adapt(p)
    assert first.source is second.source
    assert (first.source.timestamp, first.source.network_user_id, first.source.body) == \
        (COLLECTOR_TSTAMP, "n-1", p.body)


def test_tp2_empty_body_and_querystring_is_a_violation():
    kind, messages = rejected(payload(TP2, body=b"", content_type="application/json"))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"field": "body", "value": None,
                         "expectation": "empty body and querystring: not a valid tracker protocol event"}]


def test_tp2_empty_body_with_a_querystring_is_one_event():
    assert adapt_params(payload(TP2, "e=pv&p=web&tv=t", body=b"")) == [{"e": "pv", "p": "web", "tv": "t"}]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonp"])
def test_tp2_body_with_another_content_type_is_a_violation(content_type):
    kind, messages = rejected(payload(TP2, body=tp2_body(PV), content_type=content_type))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"field": "contentType", "value": content_type,
                         "expectation": "expected application/json (optionally with a charset) for a tp2 body"}]


def test_tp2_body_that_is_not_json():
    kind, messages = rejected(payload(TP2, body='{"schema": ', content_type="application/json"))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"field": "body", "value": '{"schema": ',
                         "error": "EOF while parsing a value at line 1 column 11"}]


@pytest.mark.parametrize("body, expected", [
    ({"e": "pv"}, [{"json": {"e": "pv"}, "error": "INVALID_IGLUURI"}]),
    ([PV], [{"json": [PV], "error": "INVALID_DATA_PAYLOAD"}]),
    ({"schema": CONTEXTS, "data": [PV]},
     [{"schemaKey": CONTEXTS, "schemaCriterion": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-*-*"}]),
], ids=["no_schema", "array", "other_schema"])
def test_tp2_body_that_is_not_payload_data(body, expected):
    kind, messages = rejected(payload(TP2, body=json.dumps(body), content_type="application/json"))
    assert (kind, messages) == ("tracker_protocol_violations", expected)


def test_tp2_empty_data_array_is_a_violation():
    kind, messages = rejected(payload(TP2, body=tp2_body(), content_type="application/json"))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"schemaKey": PAYLOAD_DATA, "error": {"error": "ValidationError", "dataReports": [
        {"message": "$: expected at least 1 items", "path": "$", "keyword": "minItems", "targets": ["1"]}]}}]


@pytest.mark.parametrize("value, found", [(1, "integer"), (1.5, "number"), (None, "null"), (True, "boolean"),
                                          ({"a": "b"}, "object"), (["x"], "array")])
def test_tp2_non_string_values_are_a_violation(value, found):
    kind, messages = rejected(payload(TP2, body=tp2_body({**PV, "vid": value}), content_type="application/json"))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"schemaKey": PAYLOAD_DATA, "error": {"error": "ValidationError", "dataReports": [
        {"message": f"$[0].vid: {found} found, string expected", "path": "$[0].vid", "keyword": "type",
         "targets": [found, "string"]}]}}]


def test_tp2_unknown_parameter_in_a_body_is_a_violation():
    kind, messages = rejected(payload(TP2, body=tp2_body({**PV, "zz": "1"}), content_type="application/json"))
    assert kind == "tracker_protocol_violations"
    assert messages[0]["error"]["dataReports"][0]["keyword"] == "additionalProperties"


def test_tp2_body_that_is_not_utf8_is_read_with_replacement():
    body = tp2_body({**PV, "page": "caf#"}).encode("utf-8").replace(b"#", b"\xe9")
    assert adapt_params(payload(TP2, body=body, content_type="application/json"))[0]["page"] == "caf\ufffd"


# ---- the real tracker captures ------------------------------------------------------------------------


def expected_events(capture: dict) -> list[dict]:
    """What the request carried, read independently of the adapters."""
    if capture["body"] is None:
        return [dict(parse_qsl(capture["querystring"], keep_blank_values=True))]
    return json.loads(capture["body"])["data"]


@pytest.mark.parametrize("name", capture_names())
def test_python_tracker_captures_give_every_parameter(name):
    capture = load_capture(name)
    p = decode_payload(encode_payload(capture_payload(capture)))  # as it reaches the pipeline
    events = adapt_params(p)
    assert events == expected_events(capture)
    for event in events:
        assert {"e", "p", "tv", "tna", "aid", "uid", "eid", "dtm", "stm"} <= set(event)


def test_python_tracker_get_captures_decode_plus_and_percent_encoding():
    page_view, self_describing, _ = (adapt_params(capture_payload(load_capture(n)))[0] for n in capture_names()[:3])
    assert page_view["page"] == "A page"
    assert page_view["url"] == "https://example.com/a?b=c"
    assert self_describing["ue_px"].endswith("fQ==")  # %3D%3D: padded URL-safe base64
    assert json.loads(decode_base64url(self_describing["ue_px"]))["data"]["data"] == {
        "targetUrl": "https://example.com/docs", "elementId": "nav-docs"}


def test_python_tracker_post_batch_is_three_events():
    events = adapt_params(capture_payload(load_capture(capture_names()[3])))
    assert [e["e"] for e in events] == ["pv", "ue", "se"]
    assert events[2]["se_va"] == "1.5"


# ---- URI redirect ---------------------------------------------------------------------------------------


def redirect_entity(uri="https://example.com/x?y=1"):
    return {"schema": URI_REDIRECT, "data": {"uri": uri}}


def test_redirect_without_e_is_a_uri_redirect_event():
    events = adapt_params(payload("/r/tp2", "u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&aid=app"))
    assert len(events) == 1
    event = events[0]
    assert json.loads(event.pop("ue_pr")) == {"schema": UNSTRUCT, "data": redirect_entity()}
    assert event == {"e": "ue", "aid": "app", "tv": "r-tp2", "p": "web"}


def test_redirect_keeps_the_platform_but_always_marks_the_tracker_version():
    # Regression: a tv sent on the link used to survive; Snowplow always sets r-tp2 for redirects.
    event = adapt_params(payload("/r/tp2", "u=https%3A%2F%2Fexample.com%2F&p=mob&tv=js-3.0.0"))[0]
    assert (event["p"], event["tv"]) == ("mob", "r-tp2")


def test_redirect_with_e_adds_a_context():
    event = adapt_params(payload("/r/tp2", "u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv"))[0]
    assert json.loads(event["co"]) == {"schema": CONTEXTS, "data": [redirect_entity()]}
    assert "ue_pr" not in event and event["e"] == "pv"


def test_redirect_with_e_puts_its_context_first_in_an_existing_co():
    existing = {"schema": CONTEXTS, "data": [{"schema": "iglu:com.acme/c/jsonschema/1-0-0", "data": {"k": 1}}]}
    event = adapt_params(payload("/r/tp2", "u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&co="
                                 + json.dumps(existing).replace(" ", "")))[0]
    assert json.loads(event["co"])["data"] == [redirect_entity(), existing["data"][0]]


def test_redirect_with_e_and_an_empty_co_makes_a_new_one():
    # Regression: an empty co was left as it was, so the redirect context was lost (and co was not JSON).
    event = adapt_params(payload("/r/tp2", "u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&co="))[0]
    assert json.loads(event["co"]) == {"schema": CONTEXTS, "data": [redirect_entity()]}


def test_redirect_with_e_adds_to_an_existing_cx():
    existing = {"schema": CONTEXTS, "data": [{"schema": "iglu:com.acme/c/jsonschema/1-0-0", "data": {"k": "é"}}]}
    cx = base64.urlsafe_b64encode(json.dumps(existing).encode()).decode().rstrip("=")
    event = adapt_params(payload("/r/tp2", f"u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&cx={cx}"))[0]
    assert "co" not in event
    assert json.loads(decode_base64url(event["cx"]))["data"] == [redirect_entity(), existing["data"][0]]


@pytest.mark.parametrize("field, value", [("co", '{"schema":"x","data":5}'), ("co", '[1]'),
                                          ("cx", base64.urlsafe_b64encode(b'{"data":{}}').decode())])
def test_redirect_leaves_contexts_without_a_data_list_for_iglu_validation(field, value):
    event = adapt_params(payload("/r/tp2", f"u=https%3A%2F%2Fx.example%2F&e=pv&{field}={value}"))[0]
    assert event[field] == value


@pytest.mark.parametrize("field, value, message", [
    ("co", "{not json", {"field": "co", "value": "{not json", "error": None}),
    ("cx", base64.urlsafe_b64encode(b"{not json").decode(), {"field": "cx", "error": None}),
    ("cx", "!!!", {"field": "cx", "value": "!!!", "expectation": "base64url-encoded contexts"}),
])
def test_redirect_with_unreadable_contexts_is_a_tracker_protocol_violation(field, value, message):
    # Snowplow's redirect adapter cannot add its context to them: a tracker protocol violation (issue 14)
    kind, messages = rejected(payload("/r/tp2", f"u=https%3A%2F%2Fx.example%2F&e=pv&{field}={value}"))
    assert kind == "tracker_protocol_violations"
    assert len(messages) == 1
    got = messages[0]
    assert set(got) == set(message) | {"value"}
    assert got["field"] == field and got["value"] == value
    assert ("error" in got and got["error"]) or got.get("expectation") == message["expectation"]


@pytest.mark.parametrize("querystring", [None, "e=pv", "u="])
def test_redirect_without_u_is_a_violation(querystring):
    kind, messages = rejected(payload("/r/tp2", querystring))
    assert kind == "tracker_protocol_violations"
    assert messages == [{"field": "querystring", "value": querystring,
                         "expectation": "querystring does not contain u parameter: not a valid URI redirect"}]


# ---- Iglu webhook -----------------------------------------------------------------------------------


def webhook_event(params: dict) -> tuple[dict, dict]:
    """(the unstruct event's inner self-describing JSON, the other parameters)."""
    params = dict(params)
    envelope = json.loads(params.pop("ue_pr"))
    assert envelope["schema"] == UNSTRUCT
    return envelope["data"], params


def test_iglu_webhook_get():
    events = adapt_params(payload(IGLU, f"schema={SCHEMA}&name=Ada+L&plan=free&aid=shop&nuid=n1&p=srv&eid=e1"))
    assert len(events) == 1
    inner, params = webhook_event(events[0])
    assert inner == {"schema": SCHEMA, "data": {"name": "Ada L", "plan": "free", "eid": "e1"}}
    assert params == {"tv": "com.snowplowanalytics.iglu-v1", "e": "ue", "p": "srv", "aid": "shop", "nuid": "n1",
                      "eid": "e1"}


def test_iglu_webhook_get_empty_and_bare_parameters_are_null():
    # Snowplow's IgluAdapter: "source=" and "tracking_id=" become null in the event's data
    events = adapt_params(payload(IGLU, f"schema={SCHEMA}&name=download&source=&tracking_id&aid=&nuid="))
    inner, params = webhook_event(events[0])
    assert inner == {"schema": SCHEMA, "data": {"name": "download", "source": None, "tracking_id": None}}
    assert params == {"tv": "com.snowplowanalytics.iglu-v1", "e": "ue", "p": "app", "aid": "", "nuid": ""}


def test_iglu_webhook_get_defaults_the_platform_to_app():
    inner, params = webhook_event(adapt_params(payload(IGLU, f"schema={SCHEMA}&a=1"))[0])
    assert (inner["data"], params["p"]) == ({"a": "1"}, "app")


def test_iglu_webhook_post_json_object():
    body = {"name": "Ada", "age": 36, "tags": ["x"], "nested": {"ok": True}}
    events = adapt_params(payload(IGLU, f"schema={SCHEMA}&aid=shop&other=ignored", body=json.dumps(body),
                                  content_type="application/json; charset=utf-8"))
    inner, params = webhook_event(events[0])
    assert inner == {"schema": SCHEMA, "data": body}
    assert params == {"tv": "com.snowplowanalytics.iglu-v1", "e": "ue", "p": "app", "aid": "shop"}


def test_iglu_webhook_post_json_array_is_one_event_per_item():
    items = [{"n": 1}, {"n": 2}, {"n": 3}]
    events = adapt_params(payload(IGLU, f"schema={SCHEMA}", body=json.dumps(items), content_type="application/json"))
    assert [webhook_event(e)[0] for e in events] == [{"schema": SCHEMA, "data": item} for item in items]


def test_iglu_webhook_post_form_body():
    events = adapt_params(payload(IGLU, f"schema={SCHEMA}", body="name=Ada+L&city=L%C3%BCbeck",
                                  content_type="application/x-www-form-urlencoded"))
    inner, params = webhook_event(events[0])
    assert inner == {"schema": SCHEMA, "data": {"name": "Ada L", "city": "Lübeck"}}
    assert params["p"] == "srv"


def test_iglu_webhook_self_describing_body_without_a_schema_parameter():
    body = {"schema": SCHEMA, "data": {"name": "Ada"}}
    inner, params = webhook_event(adapt_params(payload(IGLU, "aid=shop", body=json.dumps(body),
                                                       content_type="application/json"))[0])
    assert inner == body
    assert params == {"tv": "com.snowplowanalytics.iglu-v1", "e": "ue", "p": "app", "aid": "shop"}


def failure(field, value, expectation):
    return [{"field": field, "value": value, "expectation": expectation}]


@pytest.mark.parametrize("querystring, body, content_type, expected", [
    (None, None, None, failure("schema", None, "the schema parameter must be provided in the querystring")),
    ("name=x", None, None, failure("schema", None, "the schema parameter must be provided in the querystring")),
    ("schema=iglu:com.acme/signup/jsonschema/1-0", None, None,
     failure("schema", "iglu:com.acme/signup/jsonschema/1-0", "a valid Iglu schema URI (INVALID_SCHEMAVER)")),
    ("schema=com.acme.signup", None, None,
     failure("schema", "com.acme.signup", "a valid Iglu schema URI (INVALID_IGLUURI)")),
    (f"schema={SCHEMA}", "a=1", None,
     failure("contentType", None, "expected application/json or application/x-www-form-urlencoded")),
    (f"schema={SCHEMA}", "a=1", "text/plain",
     failure("contentType", "text/plain", "expected application/json or application/x-www-form-urlencoded")),
    (f"schema={SCHEMA}", "[]", "application/json", failure("body", "[]", "empty array of events")),
    (f"schema={SCHEMA}", "{}", "application/json", failure("body", "{}", "has no key-value pairs")),
    (f"schema={SCHEMA}", '"text"', "application/json", failure("body", '"text"', "has no key-value pairs")),
    (f"schema={SCHEMA}", "{nope", "application/json",
     [{"field": "body", "value": "{nope", "error": "key must be a string at line 1 column 2"}]),
    (None, "a=1", "application/x-www-form-urlencoded",
     failure("contentType", "application/x-www-form-urlencoded", "expected application/json for a self-describing body")),
    (None, '{"name": "x"}', "application/json", [{"json": {"name": "x"}, "error": "INVALID_IGLUURI"}]),
    (None, f'{{"schema": "{SCHEMA}"}}', "application/json",
     [{"json": {"schema": SCHEMA}, "error": "INVALID_DATA_PAYLOAD"}]),
], ids=["nothing", "no_schema", "bad_schemaver", "bad_uri", "no_content_type", "text_plain", "empty_array",
        "empty_object", "json_string", "not_json", "form_without_schema", "body_not_sd", "body_without_data"])
def test_iglu_webhook_failures_are_adapter_failures(querystring, body, content_type, expected):
    kind, messages = rejected(payload(IGLU, querystring, body=body, content_type=content_type))
    assert (kind, messages) == ("adapter_failures", expected)


# ---- unknown adapters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/com.acme/v1", "/com.snowplowanalytics.snowplow/tp3", "/wp-login.php/x",
                                  "/com.mailchimp/v1"])
def test_unknown_vendor_version_is_an_adapter_failure(path):
    kind, messages = rejected(payload(path, "e=pv"))
    vendor, version = path.strip("/").split("/")
    assert kind == "adapter_failures"
    assert messages == [{"field": "vendor/version", "value": f"{vendor}/{version}",
                         "expectation": "vendor/version combination is not supported"}]


def test_adapter_bad_rows_carry_the_collector_payload():
    p = payload("/com.acme/v1", "a=1&b=x+y", body=b"caf\xe9", content_type="text/plain",
                headers=["Host: c.example", "User-Agent: ua"], userAgent="ua", refererUri="https://r.example/",
                hostname="c.example", networkUserId="6e9f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b")
    with pytest.raises(AdapterError) as caught:
        adapt(p)
    bad = caught.value.bad_row
    assert (bad.output, bad.partition_ms) == ("enriched_bad", COLLECTOR_TSTAMP)
    assert bad.row["data"]["payload"] == {
        "vendor": "com.acme", "version": "v1",
        "querystring": [{"name": "a", "value": "1"}, {"name": "b", "value": "x y"}],
        "body": "caf\ufffd", "collector": "ssc-3.4.0-kinesis", "networkUserId": "6e9f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "contentType": "text/plain", "encoding": "UTF-8", "hostname": "c.example",
        "timestamp": "2026-11-28T07:02:54.000Z", "ipAddress": "203.0.113.9", "useragent": "ua",
        "refererUri": "https://r.example/", "headers": ["Host: c.example", "User-Agent: ua"],
    }
    assert bad.row["data"]["failure"]["vendor"] == "com.acme"
    assert bad.row["data"]["failure"]["version"] == "v1"
