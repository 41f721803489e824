"""transforms.badrows: every builder's output validates against its Iglu Central schema.

Bad rows are written after pseudonymization, which turns most values into 64-hex strings; these tests use
short values, so what they check is the shape of the rows (see test_values_are_not_truncated).
"""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from tests.helpers import (
    COLLECTOR_TSTAMP, TP2, adapter_registry, event_validator, full_event, payload, raw_event,
)
from snowplow_beam.collector import badrows as collector_badrows
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.adapters import AdapterError, Source
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.enrich import EnrichmentError, EventEnricher
from snowplow_beam.transforms.recovery import Original
from snowplow_beam.transforms.processor import keep_original
from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record

SCHEMAS = Path(badrows.__file__).parent / "iglu_registry" / "schemas"
PROCESSOR = {"artifact": "snowplow-beam-pipeline", "version": "0.1.0"}
FAILED_AT = 1_795_849_999_000


def schema_for(uri: str) -> dict:
    vendor, name, fmt, version = uri.removeprefix("iglu:").split("/")
    schema = json.loads((SCHEMAS / vendor / name / fmt / version).read_text())
    return {k: v for k, v in schema.items() if k not in ("$schema", "self")}


def assert_valid(bad: BadRow, type_name: str) -> dict:
    """The row validates against the schema it names; returns its data."""
    assert bad.type_name == type_name
    assert bad.row["schema"].startswith(f"iglu:com.snowplowanalytics.snowplow.badrows/{type_name}/jsonschema/")
    validator = Draft4Validator(schema_for(bad.row["schema"]), format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(bad.row["data"])]
    assert errors == []
    assert bad.row["data"]["processor"] == PROCESSOR
    return bad.row["data"]


def adapter_bad_row(p) -> BadRow:
    with pytest.raises(AdapterError) as caught:
        adapter_registry().adapt(p)
    return caught.value.bad_row


def enrich_bad_row(params, *enrichments, **source) -> BadRow:
    with pytest.raises(EnrichmentError) as caught:
        EventEnricher(enrichments).enrich(raw_event(params, **source), hashlib.sha256(b"seed").digest(), 0)
    return caught.value.bad_row


def test_the_schemas_reject_a_malformed_row():
    bad = badrows.generic_error("cGF5bG9hZA==", ["boom"], COLLECTOR_TSTAMP)
    bad.row["data"]["failure"]["errors"] = []
    with pytest.raises(AssertionError):
        assert_valid(bad, "generic_error")


# ---- raw bad rows -------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["", "%%%", base64.b64encode(b"garbage, not thrift").decode()])
def test_collector_payload_format_violation_with_an_error(line):
    with pytest.raises(PayloadFormatError) as caught:
        decode_base64_record(line)
    bad = badrows.format_violation(line, {"error": str(caught.value)}, FAILED_AT)
    data = assert_valid(bad, "collector_payload_format_violation")
    assert (bad.output, bad.partition_ms) == ("raw_bad", FAILED_AT)
    assert data["failure"] == {"timestamp": "2026-11-28T07:13:19.000Z", "loader": "thrift",
                               "message": {"error": str(caught.value)}}
    assert data["payload"] == line


def test_collector_payload_format_violation_with_a_field():
    message = {"payloadField": "schema", "value": "iglu:com.acme/x/thrift/1-0-0", "expectation": "not a CollectorPayload 1-*-*"}
    data = assert_valid(badrows.format_violation("cmVjb3Jk", message), "collector_payload_format_violation")
    assert data["failure"]["message"] == message


def test_size_violation():
    bad = badrows.size_violation("eyJhIjoxfQ" * 10, 1_000_000, 1_048_577, "a record of at most 1000000 bytes",
                                 partition_ms=COLLECTOR_TSTAMP)
    data = assert_valid(bad, "size_violation")
    assert (bad.output, bad.partition_ms) == ("raw_bad", COLLECTOR_TSTAMP)
    assert (data["failure"]["maximumAllowedSizeBytes"], data["failure"]["actualSizeBytes"]) == (1_000_000, 1_048_577)


def test_the_collectors_size_violation_is_the_same_row_with_the_collector_as_processor():
    line = collector_badrows.size_violation(
        artifact="beam-collector", version="0.1.0", now_ms=FAILED_AT, maximum=1_000_000, actual=1_048_577,
        expectation="oversized collector payload: " + "x" * 300, payload="GET /i?e=pv", truncate_to=5)
    assert json.loads(line) == {
        "schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
        "data": {
            "processor": {"artifact": "beam-collector", "version": "0.1.0"},
            "failure": {"timestamp": "2026-11-28T07:13:19.000Z", "maximumAllowedSizeBytes": 1_000_000,
                        "actualSizeBytes": 1_048_577,
                        "expectation": ("oversized collector payload: " + "x" * 300)[:256]},  # the schema's maxLength
            "payload": "GET /",
        },
    }


def test_the_raw_record_travels_beside_the_row_not_inside_it():
    bad = keep_original(badrows.format_violation("cmVjb3Jk", {"error": "not Thrift"}), "cmVjb3Jk")
    assert bad.original == Original("cmVjb3Jk")
    assert set(bad.row) == {"schema", "data"}  # what a sink would write, were it not pseudonymized first


# ---- adapter failures and tracker protocol violations ---------------------------------------------------

ADAPTER_FAILURES = {
    "unknown_vendor": payload("/com.acme/v1", "a=1", body="x", content_type="text/plain",
                              headers=["Host: c.example"], userAgent="ua", refererUri="https://r.example/",
                              hostname="c.example", networkUserId="6e9f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b"),
    "webhook_without_schema": payload("/com.snowplowanalytics.iglu/v1"),
    "webhook_bad_schema": payload("/com.snowplowanalytics.iglu/v1", "schema=iglu:com.acme/x/jsonschema/01-0-0"),
    "webhook_not_json": payload("/com.snowplowanalytics.iglu/v1", "schema=iglu:com.acme/x/jsonschema/1-0-0",
                                body="{x", content_type="application/json"),
    "webhook_not_iglu": payload("/com.snowplowanalytics.iglu/v1", body='{"a": [1, {"b": null}]}',
                                content_type="application/json"),
    "webhook_empty_array": payload("/com.snowplowanalytics.iglu/v1", "schema=iglu:com.acme/x/jsonschema/1-0-0",
                                   body="[]", content_type="application/json"),
}


@pytest.mark.parametrize("name", ADAPTER_FAILURES)
def test_adapter_failures(name):
    bad = adapter_bad_row(ADAPTER_FAILURES[name])
    data = assert_valid(bad, "adapter_failures")
    assert (bad.output, bad.partition_ms) == ("enriched_bad", COLLECTOR_TSTAMP)
    assert data["payload"]["timestamp"] == "2026-11-28T07:02:54.000Z"


def tp2(body, content_type="application/json", querystring=None):
    return payload(TP2, querystring, body=json.dumps(body) if not isinstance(body, str) else body,
                   content_type=content_type)


PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
TRACKER_PROTOCOL_VIOLATIONS = {
    "tp1_empty": payload("/i"),
    "tp2_empty": payload(TP2),
    "content_type": tp2({"schema": PAYLOAD_DATA, "data": []}, content_type="text/plain"),
    "not_json": tp2("{not json"),
    "not_iglu": tp2({"data": [{"e": "pv"}]}),
    "criterion_mismatch": tp2({"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": []}),
    "validation_error": tp2({"schema": PAYLOAD_DATA, "data": [{"e": "pv", "p": "web", "tv": 3, "x": "y"}, {}]}),
    "resolution_error": tp2({"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-99",
                             "data": [{"e": "pv"}]}),
    "redirect_without_u": payload("/r/tp2", "e=pv&aid=x"),
}


@pytest.mark.parametrize("name", TRACKER_PROTOCOL_VIOLATIONS)
def test_tracker_protocol_violations(name):
    bad = adapter_bad_row(TRACKER_PROTOCOL_VIOLATIONS[name])
    data = assert_valid(bad, "tracker_protocol_violations")
    assert data["failure"]["vendor"] in ("com.snowplowanalytics.snowplow", "r")
    assert data["payload"]["collector"] == "ssc-3.4.0-kinesis"


# ---- schema violations and enrichment failures ---------------------------------------------------------

BASE = {"e": "pv", "p": "web", "tv": "js-3.0.0", "aid": "shop"}


@pytest.mark.parametrize("params, source", [
    ({"tid": "x", "dtm": "soon", "f_pdf": "2", "res": "big"}, {}),
    ({"co": "{", "ue_px": "%%%"}, {}),
    ({"aid": "a" * 300, "tr_cu": "EURO"}, {}),
    ({"vid": "5"}, {"headers": ["X-Forwarded-For: " + "9" * 200], "user_agent": "ua\tx",
                    "network_user_id": "6e9f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b"}),
], ids=["atomic_parse", "not_json", "max_length", "long_forwarded_ip"])
def test_schema_violations_from_enrich(params, source):
    bad = enrich_bad_row({**BASE, **params}, **source)
    data = assert_valid(bad, "schema_violations")
    assert (bad.output, bad.partition_ms) == ("enriched_bad", COLLECTOR_TSTAMP)
    assert data["payload"]["raw"]["parameters"][:4] == [
        {"name": "e", "value": "pv"}, {"name": "p", "value": "web"}, {"name": "tv", "value": "js-3.0.0"},
        {"name": "aid", "value": BASE["aid"] if "aid" not in params else params["aid"]}]
    assert data["payload"]["raw"]["loaderName"] == "thrift"
    assert data["payload"]["enriched"]["collector_tstamp"] == "2026-11-28 07:02:54.000"


LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"
UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"


@pytest.mark.parametrize("params", [
    {"e": "ue", "ue_pr": json.dumps({"schema": UNSTRUCT, "data": {"schema": LINK_CLICK, "data": {"elementId": 5}}})},
    {"e": "ue", "ue_pr": json.dumps({"schema": UNSTRUCT, "data": {"schema": "iglu:com.acme/nope/jsonschema/1-0-0",
                                                                   "data": {}}})},
    {"e": "ue", "ue_pr": json.dumps({"schema": LINK_CLICK, "data": {"targetUrl": "https://x/"}})},
    {"e": "ue", "ue_pr": json.dumps({"a": 1})},
    {"co": json.dumps({"schema": CONTEXTS, "data": [{"schema": "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9",
                                                     "data": {"environment": 1}}]})},
], ids=["validation_error", "resolution_error", "criterion_mismatch", "not_iglu", "context_invalid"])
def test_schema_violations_from_iglu_validation(params):
    raw = raw_event({**BASE, **params})
    event = EventEnricher().enrich(raw, hashlib.sha256(b"seed").digest(), 0)
    messages = event_validator().event(event)
    assert messages
    data = assert_valid(badrows.schema_violations(raw, event, messages), "schema_violations")
    assert data["payload"]["enriched"]["event_id"] == event["event_id"]


def test_schema_violations_with_every_enriched_field_set():
    raw = raw_event(BASE)
    assert_valid(badrows.schema_violations(raw, full_event(), [{"field": "co", "value": "{", "error": "x"}]),
                 "schema_violations")


def test_enrichment_failures_from_enrich():
    bad = enrich_bad_row({**BASE, "url": "http://[::1", "dtm": "-62135596800000", "stm": "253402300799999"})
    data = assert_valid(bad, "enrichment_failures")
    assert [m["message"]["field"] for m in data["failure"]["messages"]] == ["page_url", "derived_tstamp"]


def test_enrichment_failures_of_configured_enrichments():
    class Failing:
        def enrich_batch(self, events, raws):
            return [[
                {"enrichment": {"schemaKey": "iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/2-0-0",
                                "identifier": "ip-lookups"}, "message": {"error": "database unavailable"}},
                {"enrichment": None, "message": {"field": "user_ipaddress", "value": "x", "expectation": "an IP"}},
            ] for _ in events]

    assert_valid(enrich_bad_row(BASE, Failing()), "enrichment_failures")


def test_generic_error():
    bad = badrows.generic_error("cmVjb3Jk", ["KeyError at transforms/enrich.py:10 in enrich"], COLLECTOR_TSTAMP)
    data = assert_valid(bad, "generic_error")
    assert (bad.output, bad.partition_ms, data["payload"]) == ("enriched_bad", COLLECTOR_TSTAMP, "cmVjb3Jk")


def test_bad_row_timestamps_are_the_time_of_failure():
    bad = badrows.format_violation("x", {"error": "e"}, failed_at=1_000_000_000_123)
    assert bad.row["data"]["failure"]["timestamp"] == "2001-09-09T01:46:40.123Z"


def test_values_are_not_truncated():
    # The schemas cap querystring/parameter values at 512 characters; the builders keep values whole and
    # rely on pseudonymization (64-hex pseudonyms) to bring them under the limit before validation.
    source = Source(vendor="com.acme", version="v1", timestamp=COLLECTOR_TSTAMP, ip_address="1.2.3.4",
                    encoding="UTF-8", collector="c", querystring="q=" + "v" * 600)
    bad = badrows.adapter_failures(source, [{"field": "f", "value": None, "expectation": "e"}])
    assert bad.row["data"]["payload"]["querystring"] == [{"name": "q", "value": "v" * 600}]
    with pytest.raises(AssertionError):
        assert_valid(bad, "adapter_failures")
    bad.row["data"]["payload"]["querystring"][0]["value"] = "0f" * 32  # what pseudonymization writes
    assert_valid(bad, "adapter_failures")
