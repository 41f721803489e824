"""transforms.atomic: the 131 canonical fields and their serializations (TSV, Arrow, bad-row partial events)."""
from __future__ import annotations

import hashlib

import json
from decimal import Decimal
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest
from snowplow_analytics_sdk.event_transformer import ENRICHED_EVENT_FIELD_TYPES, transform

from tests.helpers import (
    FULL_EVENT_CONTEXTS, FULL_EVENT_DERIVED, FULL_EVENT_TSTAMP, FULL_EVENT_UNSTRUCT, GITLAB_CONTEXT, UA_PARSER_CONTEXT,
    adapter_registry, capture_names, capture_payload, full_event, load_capture,
)
from snowplow_beam.transforms import atomic
from snowplow_beam.transforms.timestamps import format_iso_timestamp, format_timestamp
from snowplow_beam.transforms.atomic import (
    ARROW_SCHEMA,
    FIELD_NAMES,
    FIELDS,
    MAX_LENGTHS,
    to_arrow_table,
    to_partial_enriched,
    to_tsv,
)
from snowplow_beam.transforms.enrich import EventEnricher
from snowplow_beam.transforms.enrichments.fingerprint import EventFingerprint

# The canonical order, types and atomic/1-0-0 maxLengths, from the reference table (snowplow-protocol.md §1.2):
# name:type[:maxLength] with s string, ts timestamp, i int, f float, d decimal (exact text), b bool, json.
REFERENCE = """
app_id:s:255 platform:s:255 etl_tstamp:ts collector_tstamp:ts dvce_created_tstamp:ts event:s:128
event_id:s:36 txn_id:i name_tracker:s:128 v_tracker:s:100 v_collector:s:100 v_etl:s:100 user_id:s:255
user_ipaddress:s:128 user_fingerprint:s:128 domain_userid:s:128 domain_sessionidx:i network_userid:s:128
geo_country:s:2 geo_region:s:3 geo_city:s:75 geo_zipcode:s:15 geo_latitude:f geo_longitude:f
geo_region_name:s:100 ip_isp:s:100 ip_organization:s:128 ip_domain:s:128 ip_netspeed:s:100 page_url:s:4096
page_title:s:2000 page_referrer:s:4096 page_urlscheme:s:16 page_urlhost:s:255 page_urlport:i
page_urlpath:s:3000 page_urlquery:s:6000 page_urlfragment:s:3000 refr_urlscheme:s:16 refr_urlhost:s:255
refr_urlport:i refr_urlpath:s:6000 refr_urlquery:s:6000 refr_urlfragment:s:3000 refr_medium:s:25
refr_source:s:50 refr_term:s:255 mkt_medium:s:255 mkt_source:s:255 mkt_term:s:255 mkt_content:s:500
mkt_campaign:s:255 contexts:json se_category:s:1000 se_action:s:1000 se_label:s:4096 se_property:s:1000
se_value:d unstruct_event:json tr_orderid:s:255 tr_affiliation:s:255 tr_total:d tr_tax:d tr_shipping:d
tr_city:s:255 tr_state:s:255 tr_country:s:255 ti_orderid:s:255 ti_sku:s:255 ti_name:s:255 ti_category:s:255
ti_price:d ti_quantity:i pp_xoffset_min:i pp_xoffset_max:i pp_yoffset_min:i pp_yoffset_max:i useragent:s:1000
br_name:s:50 br_family:s:50 br_version:s:50 br_type:s:50 br_renderengine:s:50 br_lang:s:255 br_features_pdf:b
br_features_flash:b br_features_java:b br_features_director:b br_features_quicktime:b
br_features_realplayer:b br_features_windowsmedia:b br_features_gears:b br_features_silverlight:b
br_cookies:b br_colordepth:s:12 br_viewwidth:i br_viewheight:i os_name:s:50 os_family:s:50
os_manufacturer:s:50 os_timezone:s:255 dvce_type:s:50 dvce_ismobile:b dvce_screenwidth:i dvce_screenheight:i
doc_charset:s:128 doc_width:i doc_height:i tr_currency:s:3 tr_total_base:d tr_tax_base:d tr_shipping_base:d
ti_currency:s:3 ti_price_base:d base_currency:s:3 geo_timezone:s:64 mkt_clickid:s:128 mkt_network:s:64
etl_tags:s:500 dvce_sent_tstamp:ts refr_domain_userid:s:128 refr_dvce_tstamp:ts derived_contexts:json
domain_sessionid:s:128 derived_tstamp:ts event_vendor:s:1000 event_name:s:1000 event_format:s:128
event_version:s:128 event_fingerprint:s:128 true_tstamp:ts
""".split()
TYPES = {"s": "string", "ts": "timestamp", "i": "int", "f": "float", "d": "decimal", "b": "bool", "json": "json"}
ATOMIC_SCHEMA = (Path(atomic.__file__).parent / "iglu_registry" / "schemas" / "com.snowplowanalytics.snowplow"
                 / "atomic" / "jsonschema" / "1-0-0")


# ---- the field list -------------------------------------------------------------------------------------


def test_there_are_131_fields_in_the_reference_order():
    assert len(FIELDS) == len(FIELD_NAMES) == 131 == len(REFERENCE)
    assert list(FIELD_NAMES) == [item.split(":")[0] for item in REFERENCE]
    assert (FIELD_NAMES.index("contexts"), FIELD_NAMES.index("unstruct_event"),
            FIELD_NAMES.index("derived_contexts")) == (52, 58, 122)


def test_field_types_and_max_lengths_follow_the_reference():
    expected = []
    for item in REFERENCE:
        name, kind, *limit = item.split(":")
        expected.append((name, TYPES[kind], int(limit[0]) if limit else None))
    assert [(f.name, f.type, f.max_length) for f in FIELDS] == expected


def test_max_lengths_are_those_of_the_atomic_schema():
    properties = json.loads(ATOMIC_SCHEMA.read_text())["properties"]
    assert MAX_LENGTHS == {name: spec["maxLength"] for name, spec in properties.items() if "maxLength" in spec}


def test_the_order_is_the_one_the_analytics_sdk_reads():
    sdk_names = [name for name, _ in ENRICHED_EVENT_FIELD_TYPES]
    # The SDK still calls field 122 by its old name.
    assert [n if n != "refr_dvce_tstamp" else "refr_device_tstamp" for n in FIELD_NAMES] == sdk_names


# ---- TSV --------------------------------------------------------------------------------------------------


def test_an_empty_event_is_131_empty_fields():
    assert to_tsv({}) == "\t" * 130


def test_tsv_of_a_full_event():
    line = to_tsv(full_event())
    fields = line.split("\t")
    assert len(fields) == 131
    values = dict(zip(FIELD_NAMES, fields))
    assert values["app_id"] == "app_id"
    assert values["geo_country"] == "ge"
    assert values["txn_id"] == "508780"
    assert values["se_value"] == "1.5"
    assert values["geo_latitude"] == "51.5072"
    assert (values["br_features_pdf"], values["br_features_flash"]) == ("1", "0")
    assert values["collector_tstamp"] == "2026-11-28 07:02:54.123"
    assert values["etl_tstamp"] == "2026-11-28 07:02:55.123"
    assert values["dvce_created_tstamp"] == "1970-01-01 00:00:00.000"
    assert values["dvce_sent_tstamp"] == "1969-12-31 23:59:59.999"
    assert values["refr_dvce_tstamp"] == "9999-12-31 23:59:59.999"
    assert values["contexts"] == json.dumps(FULL_EVENT_CONTEXTS, separators=(",", ":"), ensure_ascii=False)
    assert values["unstruct_event"] == json.dumps(FULL_EVENT_UNSTRUCT, separators=(",", ":"))
    assert values["derived_contexts"] == json.dumps(FULL_EVENT_DERIVED, separators=(",", ":"))


@pytest.mark.parametrize("text, expected", [
    ("a\tb", "a    b"), ("a\nb", "a b"), ("a\r\nb", "a  b"), ("\t\n\r", "      "), ("plain ✓", "plain ✓"),
])
def test_strings_are_made_tsv_safe(text, expected):
    line = to_tsv({"page_title": text, "se_label": text})
    assert "\n" not in line and "\r" not in line
    fields = line.split("\t")
    assert len(fields) == 131
    assert fields[FIELD_NAMES.index("page_title")] == fields[FIELD_NAMES.index("se_label")] == expected


def test_json_fields_escape_tabs_and_newlines():
    event = {"unstruct_event": {"schema": "iglu:a/b/jsonschema/1-0-0", "data": {"t": "x\ty\nz", "u": "é"}}}
    field = to_tsv(event).split("\t")[58]
    assert field == '{"schema":"iglu:a/b/jsonschema/1-0-0","data":{"t":"x\\ty\\nz","u":"é"}}'


@pytest.mark.parametrize("millis, text, iso", [
    (0, "1970-01-01 00:00:00.000", "1970-01-01T00:00:00.000Z"),
    (-1, "1969-12-31 23:59:59.999", "1969-12-31T23:59:59.999Z"),
    (FULL_EVENT_TSTAMP, "2026-11-28 07:02:54.123", "2026-11-28T07:02:54.123Z"),
    (1_000_000_000_007, "2001-09-09 01:46:40.007", "2001-09-09T01:46:40.007Z"),
    (-62_135_596_800_000, "0001-01-01 00:00:00.000", "0001-01-01T00:00:00.000Z"),
    (-59_042_995_200_000, "0099-01-01 00:00:00.000", "0099-01-01T00:00:00.000Z"),
    (253_402_300_799_999, "9999-12-31 23:59:59.999", "9999-12-31T23:59:59.999Z"),
])
def test_timestamp_formats(millis, text, iso):
    # Regression: years below 1000 lost their leading zeros ("1-01-01 ..."), not yyyy-MM-dd.
    assert format_timestamp(millis) == text
    assert format_iso_timestamp(millis) == iso


# ---- the analytics SDK reads every line ----------------------------------------------------------------


def test_the_analytics_sdk_reads_a_full_event():
    parsed = transform(to_tsv(full_event()))
    assert parsed["app_id"] == "app_id"
    assert parsed["txn_id"] == 508780 and parsed["domain_sessionidx"] == 7
    assert parsed["geo_latitude"] == 51.5072 and parsed["geo_location"] == "51.5072,-0.1276"
    assert parsed["tr_total"] == 2.5 and parsed["se_value"] == "1.5"
    assert parsed["br_features_pdf"] is True and parsed["br_features_flash"] is False
    assert parsed["collector_tstamp"] == "2026-11-28T07:02:54.123Z"
    assert parsed["refr_device_tstamp"] == "9999-12-31T23:59:59.999Z"
    assert parsed["page_title"] == "A    title over  lines"
    # contexts: grouped by schema, a list of the data objects; derived contexts under the same prefix
    assert parsed["contexts_com_gitlab_gitlab_standard_1"] == [GITLAB_CONTEXT["data"],
                                                               {**GITLAB_CONTEXT["data"], "plan": "ultimate"}]
    assert parsed["contexts_com_snowplowanalytics_snowplow_web_page_1"] == [{"id": "p-1"}]
    assert parsed["contexts_com_snowplowanalytics_snowplow_ua_parser_context_1"] == [UA_PARSER_CONTEXT["data"]]
    assert parsed["unstruct_event_com_snowplowanalytics_snowplow_link_click_1"] == FULL_EVENT_UNSTRUCT["data"]["data"]
    assert not {"contexts", "derived_contexts", "unstruct_event"} & set(parsed)


def test_the_analytics_sdk_reads_a_sparse_event():
    parsed = transform(to_tsv({"event": "page_view", "collector_tstamp": FULL_EVENT_TSTAMP, "br_cookies": False}))
    assert parsed == {"event": "page_view", "collector_tstamp": "2026-11-28T07:02:54.123Z", "br_cookies": False}


@pytest.mark.parametrize("name", capture_names())
def test_the_analytics_sdk_reads_enriched_tracker_events(name):
    p = capture_payload(load_capture(name))
    enricher = EventEnricher([EventFingerprint()], clock=lambda: FULL_EVENT_TSTAMP + 5000)
    events = [enricher.enrich(raw, hashlib.sha256(b"seed").digest(), i) for i, raw in enumerate(adapter_registry().adapt(p))]
    for event in events:
        parsed = transform(to_tsv(event))
        assert parsed["app_id"] == "spike-app" and parsed["platform"] == "srv"
        assert parsed["event_id"] == event["event_id"]
        assert parsed["etl_tstamp"] == "2026-11-28T07:02:59.123Z"
        assert parsed["event_fingerprint"] == event["event_fingerprint"]
        if event["event"] != "page_view":
            assert parsed["contexts_com_gitlab_gitlab_standard_1"] == [
                {"environment": "development", "source": "gitlab-rails", "plan": "free", "namespace_id": 42}]
        if event["event"] == "unstruct":
            assert parsed["unstruct_event_com_snowplowanalytics_snowplow_link_click_1"] == {
                "targetUrl": "https://example.com/docs", "elementId": "nav-docs"}
        if event["event"] == "struct":
            assert (parsed["se_category"], parsed["se_value"]) == ("projects", "1.5")


# ---- Arrow ------------------------------------------------------------------------------------------------


def test_arrow_schema_types():
    expected = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "decimal": pa.decimal128(38, 18),
                "bool": pa.bool_(),
                "timestamp": pa.timestamp("ms", tz="UTC"), "json": pa.string()}
    assert ARROW_SCHEMA.names == list(FIELD_NAMES)
    assert [ARROW_SCHEMA.field(f.name).type for f in FIELDS] == [expected[f.type] for f in FIELDS]
    assert str(ARROW_SCHEMA.field("collector_tstamp").type) == "timestamp[ms, tz=UTC]"


def test_arrow_table_values():
    table = to_arrow_table([full_event(), {}])
    assert table.schema == ARROW_SCHEMA and table.num_rows == 2
    row, empty = table.to_pylist()
    assert set(empty.values()) == {None}
    assert row["collector_tstamp"] == datetime(2026, 11, 28, 7, 2, 54, 123000, tzinfo=timezone.utc)
    assert table.column("collector_tstamp").to_pylist()[0].tzinfo is not None
    assert table.column("refr_dvce_tstamp").cast(pa.int64()).to_pylist() == [253_402_300_799_999, None]
    assert (row["txn_id"], row["page_urlport"], row["geo_longitude"]) == (508780, 443, -0.1276)
    assert (row["se_value"], row["tr_tax"]) == (Decimal("1.5"), Decimal("200.00"))  # exact decimals
    assert table.schema.field("tr_tax").type == pa.decimal128(38, 18)
    assert (row["br_features_pdf"], row["br_features_flash"]) == (True, False)
    assert json.loads(row["contexts"]) == FULL_EVENT_CONTEXTS
    assert row["contexts"] == atomic.json_text(FULL_EVENT_CONTEXTS)
    assert row["page_title"] == "A\ttitle\nover\r\nlines"  # Parquet keeps strings as they are


def test_arrow_table_from_a_generator():
    assert to_arrow_table(iter([{"event": "page_view"}])).column("event").to_pylist() == ["page_view"]


# ---- partially enriched events of bad rows ---------------------------------------------------------------


def test_partial_enriched_shapes():
    partial = to_partial_enriched(full_event())
    assert len(partial) == 131
    assert partial["txn_id"] == "508780"  # a string in the bad-row schemas
    assert partial["domain_sessionidx"] == 7 and partial["page_urlport"] == 443 and partial["ti_quantity"] == 7
    assert (partial["br_features_pdf"], partial["br_features_flash"], partial["dvce_ismobile"]) == (1, 0, 0)
    assert type(partial["br_features_pdf"]) is int
    assert (partial["geo_latitude"], partial["geo_longitude"]) == (51.5072, -0.1276)
    assert (partial["se_value"], partial["tr_total"], partial["ti_price_base"]) == ("1.5", "2.5", "2.5")
    assert partial["collector_tstamp"] == "2026-11-28 07:02:54.123"
    assert partial["contexts"] == atomic.json_text(FULL_EVENT_CONTEXTS)
    assert partial["page_title"] == "A\ttitle\nover\r\nlines"


def test_partial_enriched_leaves_out_unset_fields():
    assert to_partial_enriched({"event": "struct", "se_value": "0.0", "br_cookies": False, "dvce_created_tstamp": 0}) \
        == {"event": "struct", "se_value": "0.0", "br_cookies": 0, "dvce_created_tstamp": "1970-01-01 00:00:00.000"}


def test_fix_tabs_newlines_as_snowplow_cleans_free_text():
    assert atomic.fix_tabs_newlines("a\tb\r\nc\nd\re") == "a    bcde"
    assert atomic.fix_tabs_newlines("\r\n") == "" and atomic.fix_tabs_newlines("plain") == "plain"
