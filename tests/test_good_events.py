"""Pseudonymizer.good_table and good_tsv: good events pseudonymized and serialized by the native core, in batches.

Expected values are literals, or pseudonyms from the hmac module (``hmac_hex``). The differential against
``event()`` + ``to_arrow_table`` / ``to_tsv`` over the sample mix and generated events was run when the native path
was built (see the commit that added it); these tests pin its behaviour.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from decimal import Decimal

import pyarrow as pa
import pytest

from snowplow_beam.transforms.atomic import ARROW_SCHEMA, FIELD_NAMES
from snowplow_beam.transforms.pseudonymize import Hasher, Policy, Pseudonymizer
from tests.helpers import CONTEXTS, GITLAB_STANDARD, POLICY, SALT, SP, UNSTRUCT, hmac_hex

WEB_PAGE = f"{SP}/web_page/jsonschema/1-0-0"
LINK_CLICK = f"{SP}/link_click/jsonschema/1-0-1"
OTHER = "iglu:com.acme/other/jsonschema/1-0-0"
ALL = "iglu:com.acme/all/jsonschema/1-0-0"

EVENT = {
    "app_id": "shop\tone\r\n", "platform": "web", "collector_tstamp": 1_764_320_400_123, "event": "page_view",
    "event_id": "6a3f2b9e-0000-4000-8000-000000000000", "txn_id": 42, "user_id": "jane@example.com",
    "user_ipaddress": "203.0.113.9", "br_lang": "en-US", "os_timezone": "jane doe", "br_cookies": True,
    "dvce_ismobile": False, "tr_total": "12.50", "se_value": "3.5", "geo_latitude": 51.5074,
    "page_url": "https://example.com/?q=1", "domain_sessionidx": None,
    "contexts": {"schema": CONTEXTS, "data": [
        {"schema": GITLAB_STANDARD, "data": {"user_id": "u-1", "environment": "production"}},
        {"data": {"id": "p-1"}, "schema": WEB_PAGE},
        {"schema": OTHER, "data": {"x": 1.5, "flag": True, "none": None}},
    ]},
    "unstruct_event": {"schema": UNSTRUCT, "data": {"schema": LINK_CLICK, "data": {
        "elementId": "buy", "targetUrl": "https://example.com/jane"}}},
}
CONTEXTS_TEXT = (
    f'{{"schema":"{CONTEXTS}","data":['
    f'{{"schema":"{GITLAB_STANDARD}","data":{{"user_id":"{hmac_hex("u-1")}","environment":"production"}}}},'
    f'{{"schema":"{WEB_PAGE}","data":{{"id":"p-1"}}}},'  # the usual shape: schema first
    f'{{"schema":"{OTHER}","data":{{"x":"{hmac_hex("1.5")}","flag":"{hmac_hex("true")}","none":null}}}}]}}'
)
UNSTRUCT_TEXT = (
    f'{{"schema":"{UNSTRUCT}","data":{{"schema":"{LINK_CLICK}","data":'
    f'{{"elementId":"buy","targetUrl":"{hmac_hex("https://example.com/jane")}"}}}}}}'
)
# the fields of EVENT as the TSV line holds them (every other field is empty)
TSV_CELLS = {
    "app_id": "shop    one  ", "platform": "web", "collector_tstamp": "2025-11-28 09:00:00.123", "event": "page_view",
    "event_id": "6a3f2b9e-0000-4000-8000-000000000000", "txn_id": "42", "user_id": hmac_hex("jane@example.com"),
    "user_ipaddress": hmac_hex("203.0.113.9"), "br_lang": "en-US",
    "os_timezone": hmac_hex("jane doe"),  # allowlisted, but not a time zone: free text
    "br_cookies": "1", "dvce_ismobile": "0", "tr_total": "12.50", "se_value": "3.5",
    "page_url": hmac_hex("https://example.com/?q=1"), "contexts": CONTEXTS_TEXT, "unstruct_event": UNSTRUCT_TEXT,
}
# user_id, user_ipaddress, page_url, contexts, unstruct_event (os_timezone is hashed but allowlisted)
PSEUDONYMIZED = 5


def line(cells: dict) -> str:
    return "\t".join(cells.get(name, "") for name in FIELD_NAMES)


def test_good_tsv_writes_the_canonical_line_of_each_pseudonymized_event():
    data, pseudonymized = Pseudonymizer(POLICY, SALT).good_tsv([EVENT, {"event": "struct"}])
    assert data == (line(TSV_CELLS) + "\n" + line({"event": "struct"}) + "\n").encode("utf-8")
    assert pseudonymized == PSEUDONYMIZED


def test_good_table_holds_the_same_values_typed_as_the_arrow_schema():
    table, pseudonymized = Pseudonymizer(POLICY, SALT).good_table([EVENT, {"event": "struct"}])
    assert table.schema == ARROW_SCHEMA
    assert pseudonymized == PSEUDONYMIZED
    row = table.slice(0, 1).to_pylist()[0]
    assert row["app_id"] == "shop\tone\r\n"  # Parquet keeps the text as it is
    assert row["collector_tstamp"] == datetime(2025, 11, 28, 9, 0, 0, 123000, tzinfo=timezone.utc)
    assert row["txn_id"] == 42 and row["br_cookies"] is True and row["dvce_ismobile"] is False
    assert row["tr_total"] == Decimal("12.50") and row["se_value"] == Decimal("3.5")
    assert row["user_id"] == hmac_hex("jane@example.com") and row["os_timezone"] == hmac_hex("jane doe")
    assert row["contexts"] == CONTEXTS_TEXT and row["unstruct_event"] == UNSTRUCT_TEXT
    assert row["geo_latitude"] is None and row["domain_sessionidx"] is None and row["derived_contexts"] is None
    assert {name: value for name, value in table.slice(1, 1).to_pylist()[0].items() if value is not None} == {
        "event": "struct"}


ALLOWING = Policy.from_dict({
    "atomic_allowlist": ["geo_latitude", "geo_longitude", "tr_total", "tr_tax", "txn_id", "app_id", "collector_tstamp"],
    "entities": [{"schema": "iglu:com.acme/all/jsonschema/1-*-*", "allow": ["$"]}],
})


def test_numbers_in_clear_are_written_as_python_and_orjson_write_them():
    events = [
        {"geo_latitude": 1e16, "geo_longitude": -0.0, "txn_id": 2 ** 63 - 1,
         "tr_total": "12345678901234567890.123456789012345678", "tr_tax": "-0.000000000000000001",
         "unstruct_event": {"schema": UNSTRUCT, "data": {"schema": ALL, "data": {
             "n": [1e16, math.nan, math.inf, 2 ** 64 - 1, -2 ** 63, 1e-5, -0.0, 1e-7],
             "s": 'tab\there "q" \\ \u2028 é \U0001F600 \x00\x1f'}}}},
        {"geo_latitude": 1e-5, "geo_longitude": math.nan, "txn_id": -7, "tr_total": "0"},
    ]
    data, pseudonymized = Pseudonymizer(ALLOWING, SALT).good_tsv(events)
    unstruct = (f'{{"schema":"{UNSTRUCT}","data":{{"schema":"{ALL}","data":{{'
                '"n":[1e+16,null,null,18446744073709551615,-9223372036854775808,0.00001,-0.0,1e-7],'
                '"s":"tab\\there \\"q\\" \\\\ \u2028 é \U0001F600 \\u0000\\u001f"}}}')
    assert data.decode("utf-8").split("\n") == [
        line({"geo_latitude": "1e+16", "geo_longitude": "-0.0", "txn_id": "9223372036854775807",
              "tr_total": "12345678901234567890.123456789012345678", "tr_tax": "-0.000000000000000001",
              "unstruct_event": unstruct}),
        line({"geo_latitude": "1e-05", "geo_longitude": "nan", "txn_id": "-7", "tr_total": "0"}),
        "",
    ]
    assert pseudonymized == 1  # the unstruct event: a JSON field is never allowlisted

    table, _ = Pseudonymizer(ALLOWING, SALT).good_table(events)
    assert table.column("tr_total").to_pylist() == [Decimal("12345678901234567890.123456789012345678"), Decimal(0)]
    assert table.column("tr_tax").to_pylist() == [Decimal("-0.000000000000000001"), None]
    assert table.column("geo_latitude").to_pylist() == [1e16, 1e-5]
    assert math.copysign(1, table.column("geo_longitude")[0].as_py()) == -1
    assert table.column("unstruct_event")[0].as_py() == unstruct


def test_lone_surrogates_are_hashed_as_surrogatepass_encodes_them_and_refused_in_clear():
    # hmac.digest(SALT, "a\ud800b".encode("utf-8", "surrogatepass"), "sha256").hex()
    expected = "4b3e749634efdcdd9fd61169b121e561cb4c03472735e2243d0b5b67ffdd9286"
    assert Hasher(SALT).text("a\ud800b") == expected
    data, _ = Pseudonymizer(POLICY, SALT).good_tsv([{"user_id": "a\ud800b"}])
    assert data == (line({"user_id": expected}) + "\n").encode("ascii")
    with pytest.raises(ValueError, match="surrogates"):
        Pseudonymizer(POLICY, SALT).good_tsv([{"app_id": "a\ud800b"}])
    with pytest.raises(TypeError, match="surrogates not allowed"):  # as orjson refuses it
        Pseudonymizer(ALLOWING, SALT).good_tsv([{"contexts": {"data": [{"schema": ALL, "data": {"\ud800": 1}}]}}])


def test_what_cannot_be_written_is_refused():
    pseudonymizer = Pseudonymizer(ALLOWING, SALT)
    with pytest.raises(TypeError, match="Type is not JSON serializable: object"):
        pseudonymizer.good_table([{"contexts": {"data": [object()]}}])
    with pytest.raises(TypeError, match="Integer exceeds 64-bit range"):  # in clear; hashed, it is its decimal text
        pseudonymizer.good_tsv([{"contexts": {"data": [{"schema": ALL, "data": 2 ** 64}]}}])
    with pytest.raises(OverflowError):  # year 10000
        pseudonymizer.good_tsv([{"collector_tstamp": 253_402_300_800_000}])
    deep = 1
    for _ in range(260):
        deep = [deep]
    with pytest.raises(TypeError, match="Recursion limit reached"):
        pseudonymizer.good_tsv([{"contexts": deep}])


def test_an_empty_batch():
    pseudonymizer = Pseudonymizer(POLICY, SALT)
    assert pseudonymizer.good_tsv([]) == (b"", 0)
    table, pseudonymized = pseudonymizer.good_table([])
    assert (table.num_rows, table.schema, pseudonymized) == (0, ARROW_SCHEMA, 0)
    assert isinstance(table, pa.Table)
