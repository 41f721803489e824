"""The enriched event: Snowplow's 131 canonical fields, their types, and their serializations.

An event is a plain ``dict`` holding only the fields that are set, with Python values:
str, int, float, bool, timestamps as int milliseconds since the epoch (UTC), and the JSON
fields (contexts, derived_contexts, unstruct_event) as parsed JSON objects. Serializers turn
it into the canonical enriched TSV line, Arrow columns for Parquet, and the partially
enriched event of a bad row.
"""
from __future__ import annotations

import functools
from typing import Iterable, NamedTuple

import orjson
import pyarrow as pa

from snowplow_beam.transforms import native
from snowplow_beam.transforms.timestamps import format_timestamp

STRING, INT, FLOAT, BOOL, TIMESTAMP, JSON = "string", "int", "float", "bool", "timestamp", "json"
# Snowplow's decimal fields (monetary values, se_value): held as their exact decimal text, e.g. "200.00", written
# as that text in the TSV and as decimal128(38, 18) in Parquet (see DECIMAL_DIGITS).
DECIMAL = "decimal"
DECIMAL_DIGITS = (20, 18)  # at most 20 digits before the point and 18 after it: exactly what decimal128(38, 18) holds
# Timestamps an event may hold (years 1 to 9999, what the warehouses and Parquet readers accept), in
# milliseconds since the epoch; those that pick a partition (a collector's clock) start at 0, in 1970.
MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS = -62135596800000, 253402300800000


class Field(NamedTuple):
    """One canonical field: name, logical type and the maxLength of atomic/jsonschema/1-0-0."""

    name: str
    type: str
    max_length: int | None = None


# Order is the contract: the enriched TSV, the Parquet columns and the warehouse tables follow it.
FIELDS: tuple[Field, ...] = (
    Field("app_id", STRING, 255),
    Field("platform", STRING, 255),
    Field("etl_tstamp", TIMESTAMP),
    Field("collector_tstamp", TIMESTAMP),
    Field("dvce_created_tstamp", TIMESTAMP),
    Field("event", STRING, 128),
    Field("event_id", STRING, 36),
    Field("txn_id", INT),
    Field("name_tracker", STRING, 128),
    Field("v_tracker", STRING, 100),
    Field("v_collector", STRING, 100),
    Field("v_etl", STRING, 100),
    Field("user_id", STRING, 255),
    Field("user_ipaddress", STRING, 128),
    Field("user_fingerprint", STRING, 128),
    Field("domain_userid", STRING, 128),
    Field("domain_sessionidx", INT),
    Field("network_userid", STRING, 128),
    Field("geo_country", STRING, 2),
    Field("geo_region", STRING, 3),
    Field("geo_city", STRING, 75),
    Field("geo_zipcode", STRING, 15),
    Field("geo_latitude", FLOAT),
    Field("geo_longitude", FLOAT),
    Field("geo_region_name", STRING, 100),
    Field("ip_isp", STRING, 100),
    Field("ip_organization", STRING, 128),
    Field("ip_domain", STRING, 128),
    Field("ip_netspeed", STRING, 100),
    Field("page_url", STRING, 4096),
    Field("page_title", STRING, 2000),
    Field("page_referrer", STRING, 4096),
    Field("page_urlscheme", STRING, 16),
    Field("page_urlhost", STRING, 255),
    Field("page_urlport", INT),
    Field("page_urlpath", STRING, 3000),
    Field("page_urlquery", STRING, 6000),
    Field("page_urlfragment", STRING, 3000),
    Field("refr_urlscheme", STRING, 16),
    Field("refr_urlhost", STRING, 255),
    Field("refr_urlport", INT),
    Field("refr_urlpath", STRING, 6000),
    Field("refr_urlquery", STRING, 6000),
    Field("refr_urlfragment", STRING, 3000),
    Field("refr_medium", STRING, 25),
    Field("refr_source", STRING, 50),
    Field("refr_term", STRING, 255),
    Field("mkt_medium", STRING, 255),
    Field("mkt_source", STRING, 255),
    Field("mkt_term", STRING, 255),
    Field("mkt_content", STRING, 500),
    Field("mkt_campaign", STRING, 255),
    Field("contexts", JSON),
    Field("se_category", STRING, 1000),
    Field("se_action", STRING, 1000),
    Field("se_label", STRING, 4096),
    Field("se_property", STRING, 1000),
    Field("se_value", DECIMAL),
    Field("unstruct_event", JSON),
    Field("tr_orderid", STRING, 255),
    Field("tr_affiliation", STRING, 255),
    Field("tr_total", DECIMAL),
    Field("tr_tax", DECIMAL),
    Field("tr_shipping", DECIMAL),
    Field("tr_city", STRING, 255),
    Field("tr_state", STRING, 255),
    Field("tr_country", STRING, 255),
    Field("ti_orderid", STRING, 255),
    Field("ti_sku", STRING, 255),
    Field("ti_name", STRING, 255),
    Field("ti_category", STRING, 255),
    Field("ti_price", DECIMAL),
    Field("ti_quantity", INT),
    Field("pp_xoffset_min", INT),
    Field("pp_xoffset_max", INT),
    Field("pp_yoffset_min", INT),
    Field("pp_yoffset_max", INT),
    Field("useragent", STRING, 1000),
    Field("br_name", STRING, 50),
    Field("br_family", STRING, 50),
    Field("br_version", STRING, 50),
    Field("br_type", STRING, 50),
    Field("br_renderengine", STRING, 50),
    Field("br_lang", STRING, 255),
    Field("br_features_pdf", BOOL),
    Field("br_features_flash", BOOL),
    Field("br_features_java", BOOL),
    Field("br_features_director", BOOL),
    Field("br_features_quicktime", BOOL),
    Field("br_features_realplayer", BOOL),
    Field("br_features_windowsmedia", BOOL),
    Field("br_features_gears", BOOL),
    Field("br_features_silverlight", BOOL),
    Field("br_cookies", BOOL),
    Field("br_colordepth", STRING, 12),
    Field("br_viewwidth", INT),
    Field("br_viewheight", INT),
    Field("os_name", STRING, 50),
    Field("os_family", STRING, 50),
    Field("os_manufacturer", STRING, 50),
    Field("os_timezone", STRING, 255),
    Field("dvce_type", STRING, 50),
    Field("dvce_ismobile", BOOL),
    Field("dvce_screenwidth", INT),
    Field("dvce_screenheight", INT),
    Field("doc_charset", STRING, 128),
    Field("doc_width", INT),
    Field("doc_height", INT),
    Field("tr_currency", STRING, 3),
    Field("tr_total_base", DECIMAL),
    Field("tr_tax_base", DECIMAL),
    Field("tr_shipping_base", DECIMAL),
    Field("ti_currency", STRING, 3),
    Field("ti_price_base", DECIMAL),
    Field("base_currency", STRING, 3),
    Field("geo_timezone", STRING, 64),
    Field("mkt_clickid", STRING, 128),
    Field("mkt_network", STRING, 64),
    Field("etl_tags", STRING, 500),
    Field("dvce_sent_tstamp", TIMESTAMP),
    Field("refr_domain_userid", STRING, 128),
    Field("refr_dvce_tstamp", TIMESTAMP),
    Field("derived_contexts", JSON),
    Field("domain_sessionid", STRING, 128),
    Field("derived_tstamp", TIMESTAMP),
    Field("event_vendor", STRING, 1000),
    Field("event_name", STRING, 1000),
    Field("event_format", STRING, 128),
    Field("event_version", STRING, 128),
    Field("event_fingerprint", STRING, 128),
    Field("true_tstamp", TIMESTAMP),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
FIELD_TYPES: dict[str, str] = {f.name: f.type for f in FIELDS}
MAX_LENGTHS: dict[str, int] = {f.name: f.max_length for f in FIELDS if f.max_length}
JSON_FIELDS = tuple(f.name for f in FIELDS if f.type == JSON)
TIMESTAMP_FIELDS = tuple(f.name for f in FIELDS if f.type == TIMESTAMP)

_ARROW_TYPES = {
    STRING: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    DECIMAL: pa.decimal128(sum(DECIMAL_DIGITS), DECIMAL_DIGITS[1]),
    BOOL: pa.bool_(),
    TIMESTAMP: pa.timestamp("ms", tz="UTC"),
    JSON: pa.string(),
}
ARROW_SCHEMA = pa.schema([pa.field(f.name, _ARROW_TYPES[f.type]) for f in FIELDS])

# Fields the bad-row schemas (schema_violations 2-0-1, enrichment_failures 2-0-1) type as numbers;
# every other field of a partially enriched event is a string there.
_BADROW_INTEGER_FIELDS = frozenset(
    f.name for f in FIELDS if f.type in (INT, BOOL) and f.name != "txn_id"
)
_BADROW_NUMBER_FIELDS = frozenset(("geo_latitude", "geo_longitude"))

_TABS_AND_LINE_BREAKS = str.maketrans({"\t": "    ", "\n": None, "\r": None})


def fix_tabs_newlines(text: str) -> str:
    """Snowplow's cleaning of free text an event takes from a header or a URL (the user agent, a referer's
    search term, a cross-navigation user id): a tab becomes four spaces, line breaks are dropped."""
    return text.translate(_TABS_AND_LINE_BREAKS)


def json_text(value) -> str:
    """Compact JSON text, as Snowplow writes the JSON fields."""
    return orjson.dumps(value).decode("utf-8")


def _badrow_text(name: str, value) -> str:
    """A non-string field of a partially enriched event, as text."""
    kind = FIELD_TYPES[name]
    if kind == TIMESTAMP:
        return format_timestamp(value)
    if kind == BOOL:
        return "1" if value else "0"
    if kind == JSON:
        return json_text(value)
    return str(value)


def table_of_columns(rows: int, columns: list[tuple]) -> pa.Table:
    """The Arrow table of the native core's columns (``GoodEvents.arrow_columns``): per field, ``(null_count,
    buffers)`` in Arrow's memory layout for :data:`ARROW_SCHEMA`'s type, taken as they are (no copy)."""
    arrays = [
        pa.Array.from_buffers(field.type, rows, [None if data is None else pa.py_buffer(data) for data in buffers],
                              null_count=nulls)
        for (nulls, buffers), field in zip(columns, ARROW_SCHEMA)
    ]
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


@functools.cache
def _in_clear():
    return native.GoodEvents.in_clear(FIELDS)


def to_tsv(event: dict) -> str:
    """The canonical enriched TSV line of an event as it is, nothing pseudonymized (no trailing newline); the
    pipeline writes its lines with :meth:`transforms.pseudonymize.Pseudonymizer.good_tsv`, the same writer."""
    return _in_clear().tsv_lines(None, [], [event])[0][:-1].decode("utf-8")


def to_arrow_table(events: Iterable[dict]) -> pa.Table:
    """Columns typed as :data:`ARROW_SCHEMA`, one row per event as it is, nothing pseudonymized (the pipeline's
    are :meth:`transforms.pseudonymize.Pseudonymizer.good_table`, the same writer)."""
    rows, columns, _ = _in_clear().arrow_columns(None, [], list(events))
    return table_of_columns(rows, columns)


def to_partial_enriched(event: dict) -> dict:
    """The ``enriched`` object of a schema_violations / enrichment_failures bad row (set fields only)."""
    out = {}
    for name in FIELD_NAMES:
        value = event.get(name)
        if value is None:
            continue
        if name in _BADROW_INTEGER_FIELDS:
            out[name] = int(value)
        elif name in _BADROW_NUMBER_FIELDS:
            out[name] = value
        else:
            out[name] = _badrow_text(name, value) if FIELD_TYPES[name] != STRING else value
    return out
