"""From raw event to enriched event: tracker parameters mapped onto the 131 canonical fields.

Phases, as in Snowplow's enrich:

1. map and validate input: collector fields, tracker parameters parsed into typed fields, the
   self-describing JSON parameters parsed. Unparseable values -> ``schema_violations``.
2. enrichments: page and referer URLs, derived timestamp, schema fields, then the configured
   enrichments (:mod:`transforms.enrichments`). Failures -> ``enrichment_failures``.
3. atomic field lengths against ``atomic/jsonschema/1-0-0``. Too long -> ``schema_violations``.
"""
from __future__ import annotations

import binascii
import hashlib
import re
import uuid
from decimal import Decimal
from typing import Callable, Sequence
from urllib.parse import urlsplit

from snowplow_beam.transforms import ARTIFACT, __version__, badrows, bounded_json
from snowplow_beam.transforms.adapters import RawEvent, decode_base64url
from snowplow_beam.transforms.atomic import (
    DECIMAL_DIGITS, FIELD_NAMES, MAX_LENGTHS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, fix_tabs_newlines,
)
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.iglu.keys import schema_key_of
from snowplow_beam.transforms.timestamps import now_ms

ATOMIC_SCHEMA = "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0"
V_ETL = f"{ARTIFACT}-{__version__}"

EVENT_TYPES = {
    "pv": "page_view", "pp": "page_ping", "se": "struct", "ev": "struct", "ue": "unstruct",
    "tr": "transaction", "ti": "transaction_item", "ad": "ad_impression",
}
PLATFORMS = frozenset(("web", "iot", "app", "mob", "pc", "cnsl", "tv", "srv", "headset"))
# Schema fields of the atomic event types (unstruct events take theirs from the event's schema).
ATOMIC_EVENT_SCHEMAS = {
    "page_view": ("com.snowplowanalytics.snowplow", "page_view", "jsonschema", "1-0-0"),
    "page_ping": ("com.snowplowanalytics.snowplow", "page_ping", "jsonschema", "1-0-0"),
    "struct": ("com.google.analytics", "event", "jsonschema", "1-0-0"),
    "transaction": ("com.snowplowanalytics.snowplow", "transaction", "jsonschema", "1-0-0"),
    "transaction_item": ("com.snowplowanalytics.snowplow", "transaction_item", "jsonschema", "1-0-0"),
    "ad_impression": ("com.snowplowanalytics.snowplow", "ad_impression", "jsonschema", "1-0-0"),
}
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Snowplow's integer fields are JVM Ints (and INTEGER columns downstream); its parsers take no
# spaces or digit separators, which Python's int() and float() would.
_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1
# Every pattern that sees event data is unambiguous (each character can be matched one way only, so
# matching is linear) and runs only on text no longer than a number of its kind can be.
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_INTEGER_TEXT = 12  # a sign and the 10 digits of a 32-bit integer, with a leading zero to spare
_MAX_TIMESTAMP_TEXT = 16  # a sign and the 15 digits of a millisecond timestamp in year 9999 (and one to spare)
_ONE = Decimal(1)
_MAX_DECIMAL_TEXT = 64  # room for DECIMAL_DIGITS' 38 digits, a sign, a point and an exponent
_DIMENSIONS_TEXT = re.compile(r"([0-9]+)x([0-9]+)")


class ParseError(ValueError):
    """A parameter value that does not fit its field: ``keyword`` and ``targets`` feed the data report."""

    def __init__(self, message: str, keyword: str):
        super().__init__(message)
        self.keyword = keyword


# ---- parsers: text parameter -> typed value (raise ParseError) ---------------------------------

def _string(value: str) -> str:
    return value


def _int_range(number: int) -> int:
    if number > _INT_MAX:
        raise ParseError(f"must be at most {_INT_MAX}", "maximum")
    if number < _INT_MIN:
        raise ParseError(f"must be at least {_INT_MIN}", "minimum")
    return number


def _no_value(value: str) -> bool:
    """Snowplow's integer parsers read the text ``null`` (any case) as no value."""
    return len(value) == 4 and value.lower() == "null"


def _integer(value: str) -> int | None:
    if _no_value(value):
        return None
    if not _INTEGER_TEXT.fullmatch(value):
        raise ParseError("cannot be converted to an integer", "type")
    if len(value) > _MAX_INTEGER_TEXT:  # out of range whatever its digits; int() of them is never computed
        return _int_range(_INT_MIN - 1 if value[0] == "-" else _INT_MAX + 1)
    return _int_range(int(value))


def _integer_lenient(value: str) -> int | None:
    """Page-ping offsets: trackers send floats, Snowplow keeps the integer part."""
    if _no_value(value):
        return None
    if len(value) <= _MAX_INTEGER_TEXT and _INTEGER_TEXT.fullmatch(value):
        return _int_range(int(value))
    return _int_range(int(Decimal(_decimal(value))))


def _decimal(value: str) -> str:
    """Snowplow's decimal fields: the exact decimal text as Snowplow writes it (Java's BigDecimal, a negative scale
    set to 0, in plain notation): ``200.00``, ``1e7`` -> ``10000000``, ``1E-7`` -> ``0.0000001``."""
    if len(value) > _MAX_DECIMAL_TEXT:
        raise ParseError(f"a number of more than {_MAX_DECIMAL_TEXT} characters", "maxLength")
    if not _DECIMAL_TEXT.fullmatch(value):
        raise ParseError("cannot be converted to a number", "type")
    number = Decimal(value)
    whole, fraction = DECIMAL_DIGITS
    if number.adjusted() >= whole:  # checked on the exponent first: 1e999999999 is never expanded
        raise ParseError(f"must have at most {whole} digits before the decimal point", "maximum")
    exponent = number.as_tuple().exponent
    if exponent > 0:
        number = number.quantize(_ONE)
    elif exponent < -fraction:
        raise ParseError(f"must have at most {fraction} digits after the decimal point", "multipleOf")
    return format(number.copy_abs() if number.is_zero() else number, "f")


def _boolean(value: str) -> bool:
    if value == "1":
        return True
    if value == "0":
        return False
    raise ParseError("must be 1 or 0", "enum")


def _timestamp(value: str) -> int:
    if len(value) > _MAX_TIMESTAMP_TEXT or not _INTEGER_TEXT.fullmatch(value):
        raise ParseError("must be milliseconds since the epoch", "format")
    millis = int(value)
    if not MIN_TIMESTAMP_MS <= millis < MAX_TIMESTAMP_MS:
        raise ParseError("timestamp out of range (years 1 to 9999)", "format")
    return millis


def _uuid(value: str) -> str:
    if not _UUID.fullmatch(value):
        raise ParseError("must be a UUID", "format")
    return value.lower()


def _event_type(value: str) -> str:
    try:
        return EVENT_TYPES[value]
    except KeyError:
        raise ParseError(f"must be one of {', '.join(sorted(EVENT_TYPES))}", "enum") from None


def _platform(value: str) -> str:
    if value not in PLATFORMS:
        raise ParseError(f"must be one of {', '.join(sorted(PLATFORMS))}", "enum")
    return value


def _dimensions(value: str) -> tuple[int, int]:
    match = _DIMENSIONS_TEXT.fullmatch(value) if len(value) <= 2 * _MAX_INTEGER_TEXT + 1 else None
    if match is None:
        raise ParseError("must be WIDTHxHEIGHT integers", "pattern")
    return _int_range(int(match[1])), _int_range(int(match[2]))


def first_ip(text: str) -> str:
    """The first address of a comma-, space- or pipe-separated list (X-Forwarded-For style), as
    Snowplow reads ``user_ipaddress`` (the collector's address and the ``ip`` parameter)."""
    text = text.strip()
    for separator in (",", " ", "|"):
        text = text.split(separator, 1)[0]
    return text.strip()


# Tracker parameter -> (field or pair of fields, parser). Later keys in an alias group win.
_SCALAR_PARAMETERS: dict[str, tuple[str, Callable]] = {
    "e": ("event", _event_type), "aid": ("app_id", _string), "p": ("platform", _platform),
    "tna": ("name_tracker", _string), "tv": ("v_tracker", _string), "cv": ("v_collector", _string),
    "eid": ("event_id", _uuid), "tid": ("txn_id", _integer),
    "dtm": ("dvce_created_tstamp", _timestamp), "stm": ("dvce_sent_tstamp", _timestamp),
    "ttm": ("true_tstamp", _timestamp),
    "uid": ("user_id", _string), "duid": ("domain_userid", _string), "nuid": ("network_userid", _string),
    "tnuid": ("network_userid", _string), "sid": ("domain_sessionid", _uuid),
    "vid": ("domain_sessionidx", _integer), "fp": ("user_fingerprint", _string),
    "ip": ("user_ipaddress", first_ip), "ua": ("useragent", _string),
    "url": ("page_url", _string), "page": ("page_title", _string), "refr": ("page_referrer", _string),
    "lang": ("br_lang", _string), "cs": ("doc_charset", _string), "cd": ("br_colordepth", _string),
    "tz": ("os_timezone", _string), "cookie": ("br_cookies", _boolean),
    "f_pdf": ("br_features_pdf", _boolean), "f_fla": ("br_features_flash", _boolean),
    "f_java": ("br_features_java", _boolean), "f_dir": ("br_features_director", _boolean),
    "f_qt": ("br_features_quicktime", _boolean), "f_realp": ("br_features_realplayer", _boolean),
    "f_wma": ("br_features_windowsmedia", _boolean), "f_gears": ("br_features_gears", _boolean),
    "f_ag": ("br_features_silverlight", _boolean),
    "ev_ca": ("se_category", _string), "ev_ac": ("se_action", _string), "ev_la": ("se_label", _string),
    "ev_pr": ("se_property", _string), "ev_va": ("se_value", _decimal),
    "se_ca": ("se_category", _string), "se_ac": ("se_action", _string), "se_la": ("se_label", _string),
    "se_pr": ("se_property", _string), "se_va": ("se_value", _decimal),
    "tr_id": ("tr_orderid", _string), "tr_af": ("tr_affiliation", _string), "tr_tt": ("tr_total", _decimal),
    "tr_tx": ("tr_tax", _decimal), "tr_sh": ("tr_shipping", _decimal), "tr_ci": ("tr_city", _string),
    "tr_st": ("tr_state", _string), "tr_co": ("tr_country", _string), "tr_cu": ("tr_currency", _string),
    "ti_id": ("ti_orderid", _string), "ti_sk": ("ti_sku", _string), "ti_na": ("ti_name", _string),
    "ti_nm": ("ti_name", _string), "ti_ca": ("ti_category", _string), "ti_pr": ("ti_price", _decimal),
    "ti_qu": ("ti_quantity", _integer), "ti_cu": ("ti_currency", _string),
    "pp_mix": ("pp_xoffset_min", _integer_lenient), "pp_max": ("pp_xoffset_max", _integer_lenient),
    "pp_miy": ("pp_yoffset_min", _integer_lenient), "pp_may": ("pp_yoffset_max", _integer_lenient),
}
_PAIR_PARAMETERS = {
    "res": ("dvce_screenwidth", "dvce_screenheight"),
    "vp": ("br_viewwidth", "br_viewheight"),
    "ds": ("doc_width", "doc_height"),
}
# Self-describing JSON parameters: (plain, base64url) -> field. The base64 form wins when both are sent.
_JSON_PARAMETERS = (("ue_pr", "ue_px", "unstruct_event"), ("co", "cx", "contexts"))
# tnuid wins over nuid whatever the order the tracker sent them in: it is applied again last.
_WINNERS = ("tnuid",)
# Tracker parameter -> the enriched fields it fills (the pseudonymizer keeps a parameter in clear
# only where all of them are allowlisted).
PARAMETER_FIELDS: dict[str, tuple[str, ...]] = {
    **{key: (field,) for key, (field, _) in _SCALAR_PARAMETERS.items()},
    **_PAIR_PARAMETERS,
    **{key: (field,) for plain, encoded, field in _JSON_PARAMETERS for key in (plain, encoded)},
}


# What a tracker-sent string field holds when it is what it says (a language tag, a time zone name, a
# charset...). The pseudonymizer keeps an allowlisted value in clear only when it has this shape: a
# value that does not is free text, whatever field it came in (``lang=jane@example.com``).
FIELD_SHAPES: dict[str, re.Pattern] = {
    "br_lang": re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,8}"),
    "os_timezone": re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,31}(?:/[A-Za-z0-9_+\-]{1,32}){0,3}"),
    "br_colordepth": re.compile(r"[0-9]{1,3}"),
    "doc_charset": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,39}"),
    "tr_currency": re.compile(r"[A-Za-z]{3}"),
    "ti_currency": re.compile(r"[A-Za-z]{3}"),
    "base_currency": re.compile(r"[A-Za-z]{3}"),
    "name_tracker": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}"),
    "v_tracker": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}"),
    "v_collector": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}"),
}


def field_fits(field: str, value) -> bool:
    """Whether an enriched field's value has the shape the field promises (see :data:`FIELD_SHAPES`)
    and fits its maxLength; fields without a shape take any value of their type."""
    if isinstance(value, str) and value:
        limit = MAX_LENGTHS.get(field)
        if limit is not None and len(value) > limit:
            return False
        shape = FIELD_SHAPES.get(field)
        return shape is None or shape.fullmatch(value) is not None
    return True


def parameter_fits(key: str, value: str) -> bool:
    """Whether a tracker parameter's value is what its fields say: it parses (a UUID, a timestamp, a number,
    one of the enumerated values...) and each field it fills gets a value of its shape and length."""
    mapping = _SCALAR_PARAMETERS.get(key)
    try:
        if mapping is not None:
            field, parse = mapping
            return field_fits(field, parse(value))
        if key in _PAIR_PARAMETERS:
            _dimensions(value)
            return True
    except ValueError:  # ParseError, or a value no parser takes
        return False
    return False


def atomic_report(field: str, message: str, keyword: str | None, value) -> dict:
    """A data report against atomic/jsonschema/1-0-0. ``message`` never quotes the value; ``targets`` holds it."""
    return {"message": message, "path": f"$.{field}", "keyword": keyword, "targets": [value]}


def atomic_violation(reports: list[dict]) -> dict:
    return {"schemaKey": ATOMIC_SCHEMA, "error": {"error": "ValidationError", "dataReports": reports}}


def derive_event_id(seed: bytes, index: int) -> str:
    """A UUID (version 4 layout) derived from the raw record and the event's index in it.

    Snowplow draws a random UUID when the tracker sent no ``eid``; deriving it instead keeps
    reruns of the same input identical, so they replace output rather than duplicate it.
    """
    digest = hashlib.sha256(seed + index.to_bytes(4, "big")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# What Snowplow's IpAddressExtractor takes from a forwarding header (matched on the lower-cased header):
# after an optional quote and bracket, a dotted IPv4 quad (a port or anything after it dropped), else the
# leading run of hex digits, dots and colons (an IPv6 address, cut at its closing bracket). Text that does
# not start so (``unknown``, ``localhost``, RFC 7239's obfuscated ``_hidden``) is not an address.
_PROXIED_IPV4 = re.compile(r'"?\[?([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})')
_PROXIED_IPV6 = re.compile(r'"?\[?([0-9a-f.:]+)')


def proxied_address(text: str) -> str | None:
    """A client address as a proxy writes it (``203.0.113.7``, ``203.0.113.7:8080``, ``2001:db8::1``,
    ``"[2001:db8::1]:443"``): the address without quotes, brackets or port, as Snowplow extracts it;
    None when the text does not start with one."""
    text = text.strip().lower()
    match = _PROXIED_IPV4.match(text) or _PROXIED_IPV6.match(text)
    return match[1] if match else None


def client_address(headers: Sequence[str] | None) -> str | None:
    """The client's address from the forwarding headers, as Snowplow's IpAddressExtractor takes it: the
    first address of the first ``X-Forwarded-For`` header that starts with one; else the first
    ``for=`` of a ``Forwarded`` header (RFC 7239) whose first parameter it is; else None (the
    collector's address is used)."""
    if not headers:
        return None
    forwarded = None
    for header in headers:
        name, _, value = header.partition(":")
        name = name.strip().lower()
        if name == "x-forwarded-for":
            address = proxied_address(first_ip(value))
            if address is not None:
                return address
        elif name == "forwarded" and forwarded is None:
            value = value.strip()
            if value[:4].lower() == "for=":
                element = value[4:].split(",", 1)[0].split(";", 1)[0]
                forwarded = proxied_address(element)
    return forwarded


# ASCII that RFC 3986 allows nowhere in a URI (a space, controls, "<>\\^`{|}), and a % that starts no %XX escape.
_URI_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})')


def encode_url(url: str) -> str:
    """``url`` with what a URI may not hold percent-encoded (``${a}`` -> ``$%7Ba%7D``, ``a b`` -> ``a%20b``,
    ``100%`` -> ``100%25``); valid escapes, reserved characters and non-ASCII text are left as they are."""
    return _URI_UNSAFE.sub(lambda m: "%{:02X}".format(ord(m[0][0])), url)


def split_url(url: str, prefix: str, event: dict) -> None:
    """Fill ``<prefix>_urlscheme/host/port/path/query/fragment``; raise ValueError if not a URL.

    Without a port in the URL the port is 443 for https and 80 for any other scheme (``file:``,
    ``android-app:``...), as Snowplow's ``explodeUri`` sets it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or None
    port = parts.port or (443 if scheme == "https" else 80)
    for suffix, value in (
        ("urlscheme", scheme), ("urlhost", parts.hostname), ("urlport", port),
        ("urlpath", parts.path or None), ("urlquery", parts.query or None),
        ("urlfragment", parts.fragment or None),
    ):
        if value is not None:
            event[f"{prefix}_{suffix}"] = value


class EnrichmentError(Exception):
    """An event that cannot be enriched; ``bad_row`` says why."""

    def __init__(self, bad_row: BadRow):
        super().__init__(bad_row.type_name)
        self.bad_row = bad_row


class EventEnricher:
    """Turns raw events into enriched events (dicts of :mod:`transforms.atomic` fields).

    ``enrichments`` are run in order after the built-in steps; each is an object with
    ``enrich(event, raw_event) -> list[dict]`` returning enrichment_failures messages.
    """

    def __init__(self, enrichments: Sequence = (), clock: Callable[[], int] = now_ms):
        self._enrichments = tuple(enrichments)
        self._clock = clock

    def enrich(self, raw: RawEvent, seed: bytes, index: int) -> dict:
        """The enriched event for the ``index``-th event of the record ``seed`` identifies."""
        event, reports, json_errors = self._map_input(raw)
        if "event_id" not in event:
            event["event_id"] = derive_event_id(seed, index)
        if reports or json_errors:
            messages = list(json_errors)
            if reports:
                messages.insert(0, atomic_violation(reports))
            raise EnrichmentError(badrows.schema_violations(raw, event, messages))

        failures = self._builtin_enrichments(raw, event)
        for enrichment in self._enrichments:
            failures.extend(enrichment.enrich(event, raw))
        if failures:
            raise EnrichmentError(badrows.enrichment_failures(raw, event, failures))

        too_long = [
            name for name, value in event.items()
            if (limit := MAX_LENGTHS.get(name)) and isinstance(value, str) and len(value) > limit
        ]
        if too_long:
            reports = [
                atomic_report(name, f"exceeds maxLength {MAX_LENGTHS[name]}", "maxLength", event[name])
                for name in sorted(too_long, key=FIELD_NAMES.index)
            ]
            raise EnrichmentError(badrows.schema_violations(raw, event, [atomic_violation(reports)]))
        return event

    def _map_input(self, raw: RawEvent) -> tuple[dict, list[dict], list[dict]]:
        source = raw.source
        params = raw.parameters
        event: dict = {
            "collector_tstamp": source.timestamp,
            "etl_tstamp": self._clock(),
            "v_etl": V_ETL,
            "v_collector": source.collector,
        }
        if source.network_user_id:
            event["network_userid"] = source.network_user_id
        address = client_address(source.headers) or source.ip_address
        if address:
            event["user_ipaddress"] = first_ip(address)
        if source.user_agent:
            event["useragent"] = source.user_agent

        reports: list[dict] = []
        for key, value in params.items():
            mapping = _SCALAR_PARAMETERS.get(key)
            if mapping is not None:
                field, parse = mapping
                try:
                    parsed = parse(value)
                except ParseError as exc:
                    reports.append(atomic_report(field, f"{key}: {exc}", exc.keyword, value))
                else:
                    if parsed is None:  # "null" in an integer field: no value
                        event.pop(field, None)
                    else:
                        event[field] = parsed
                continue
            pair = _PAIR_PARAMETERS.get(key)
            if pair is not None:
                try:
                    event[pair[0]], event[pair[1]] = _dimensions(value)
                except ParseError as exc:
                    reports.append(atomic_report(pair[0], f"{key}: {exc}", exc.keyword, value))
        for key in _WINNERS:
            if key in params:
                field, parse = _SCALAR_PARAMETERS[key]
                event[field] = parse(params[key])
        if "useragent" in event:
            event["useragent"] = fix_tabs_newlines(event["useragent"])

        json_errors: list[dict] = []
        for plain, encoded, field in _JSON_PARAMETERS:
            key = encoded if encoded in params else plain if plain in params else None
            if key is None:
                continue
            text = params[key]
            try:
                if key == encoded:
                    text = decode_base64url(text).decode("utf-8")
                event[field] = bounded_json.loads(text)
            except (binascii.Error, ValueError) as exc:
                reason = "invalid base64" if isinstance(exc, binascii.Error) else str(exc)
                json_errors.append({"field": key, "value": params[key], "error": reason})
        return event, reports, json_errors

    def _builtin_enrichments(self, raw: RawEvent, event: dict) -> list[dict]:
        failures = []
        if not event.get("v_collector"):
            failures.append(_failure("v_collector", None, "v_collector should be set"))
        if "page_url" not in event and raw.source.referer_uri:
            event["page_url"] = raw.source.referer_uri
        for field, prefix in (("page_url", "page"), ("page_referrer", "refr")):
            url = event.get(field)
            if url:
                # Snowplow encodes spaces as %20 before parsing and, where Java's URI parser still refuses the
                # URL, re-parses it with scala-uri, which percent-encodes what RFC 3986 does not allow; it writes
                # the page URL it parsed (the referer stays as sent; its components come from the encoded URL).
                encoded = encode_url(url)
                try:
                    split_url(encoded, prefix, event)
                except ValueError:
                    failures.append(_failure(field, url, "a valid URI"))
                else:
                    if field == "page_url":
                        event[field] = encoded

        collector = event["collector_tstamp"]
        true_tstamp = event.get("true_tstamp")
        created, sent = event.get("dvce_created_tstamp"), event.get("dvce_sent_tstamp")
        if true_tstamp is not None:
            derived = true_tstamp
        elif created is not None and sent is not None and created <= sent:
            derived = collector - (sent - created)
        else:
            derived = collector
        if MIN_TIMESTAMP_MS <= derived < MAX_TIMESTAMP_MS:
            event["derived_tstamp"] = derived
        else:  # dvce_sent_tstamp - dvce_created_tstamp spans more time than lies before collector_tstamp
            failures.append(_failure("derived_tstamp", None, "collector_tstamp - (stm - dtm) in years 1 to 9999"))

        kind = event.get("event")
        if kind == "unstruct":
            envelope = event.get("unstruct_event")
            schema = _unstruct_schema(envelope)
            if schema is not None:
                event["event_vendor"], event["event_name"], event["event_format"], event["event_version"] = schema
            # Without ue_pr / ue_px the event is accepted with no unstruct_event and no schema fields, as
            # Snowplow does. An envelope that is not an unstruct_event is left to Iglu validation (the
            # Validate step), which reports it as a schema violation, as Snowplow does.
        elif kind in ATOMIC_EVENT_SCHEMAS:
            (event["event_vendor"], event["event_name"],
             event["event_format"], event["event_version"]) = ATOMIC_EVENT_SCHEMAS[kind]
        elif kind is None:
            failures.append(_failure("event", None, "the e parameter must be set"))
        return failures


def _unstruct_schema(envelope) -> tuple[str, str, str, str] | None:
    try:
        key = schema_key_of(envelope["data"]["schema"])
    except (TypeError, KeyError):
        return None
    return None if key is None else (key.vendor, key.name, key.format, key.version)


def _failure(field: str, value, expectation: str) -> dict:
    return {"enrichment": None, "message": {"field": field, "value": value, "expectation": expectation}}
