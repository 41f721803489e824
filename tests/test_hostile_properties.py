"""Hostile input, property by property: what the per-record path promises whatever a raw record holds.

Every raw record (a line of base64 Thrift ``CollectorPayload``) ends as good events or as schema-valid,
pseudonymized bad rows, never as an exception; no planted value reaches an output in clear. The cases:

- JSON nested 0..1200 levels deep in ``co`` / ``cx`` / ``ue_pr`` / ``ue_px``, in tp2 POST bodies (as the
  body, inside an event, in a ``co`` inside an event) and in Iglu webhook bodies (with ``?schema=`` and
  self-describing). Where the rest of the event is valid (a ``gitlab_standard`` entity nesting in ``extra``)
  the event is good exactly when the document is at most ``MAX_JSON_DEPTH`` (50) levels deep;
- integers from 2^63-1 to 10^400 (and negative) and huge decimals in JSON (the event is good exactly when
  an integer fits 64 bits, where the rest is valid) and in typed parameters (``se_va``, ``tr_tt``,
  ``ti_pr``, ``tid``, ``vid``, ``res``, ``dtm``...), and strings of 40,000 to 200,000 digits in them: a value
  that does not parse is hashed in the bad row even when its field is allowlisted, and parsing stays fast;
- bytes that are not UTF-8 (invalid sequences, Latin-1 text, lone surrogates encoded or escaped) in bodies,
  querystrings, headers and whole lines;
- every tracker parameter (``transforms.enrich.PARAMETER_FIELDS``) carrying free text with a marker.

For each record: the pipeline's record processor (``run_steps``), then the pseudonymizer with validation
(``PSEUDONYMIZER``), then what the sinks do (``place_good_event`` and JSON across the shuffle, Parquet and
TSV for good events, JSON lines for bad rows). Checked: no exception; every output a good event or a bad
row of a known type (one raw-bad row alone, or events and enriched-bad rows); no bad row from an
unexpected exception (``generic_error`` out of the steps); every bad row valid against its Iglu schema
(``badrow_errors``); no planted marker in clear (``exposed`` also decodes base64, URL-encoding and JSON
inside values), except where the policy keeps the value in clear on purpose (an allowlisted parameter
whose value has its field's shape: ``aid``, ``se_ca``, ``tz``...); and the steps and the pseudonymizer take
under :data:`SLOW_RECORD_SECONDS` for the record.

Also: random lines and hostile lines of the collector's raw-bad files (``parse_collector_bad_row``); one
poison record of each kind in a file between two good records, run by the real pipeline
(``beam_pipeline.pipeline.run``); and, at the end, the large records (up to the collector's 1 MB) that the
fuzzer or a probe found slower than that, as expected failures.

Markers are unique within a case (``Q`` + lower-case letters + ``Z`` + a serial in ``G..P`` + ``Z``): no
marker is part of another, so a value kept in clear on purpose cannot hide a leaked one.

``tests/fuzz_pipeline.py`` drives the same checks (:func:`check_case`) and strategies from a fuzzer.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import orjson
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.transforms.badrows import parse_collector_bad_row
from snowplow_beam.collector import badrows as collector_badrows
from tests.helpers import (
    shipped_good,
    CONTEXTS, GITLAB_STANDARD, POLICY, PROPERTY, PSEUDONYMIZER, SAMPLE_START_MS, SP, UNSTRUCT, Planter, badrow_errors,
    exposed, record, run_steps, sample_payload,
)
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.atomic import FIELD_TYPES, MAX_LENGTHS
from snowplow_beam.lake.layout import ENRICHED_BAD, RAW_BAD, partition_path
from snowplow_beam.transforms.badrows import BAD_ROW_TYPES, BadRow
from snowplow_beam.transforms.bounded_json import MAX_JSON_DEPTH
from snowplow_beam.transforms.enrich import PARAMETER_FIELDS, parameter_fits

SLOW_RECORD_SECONDS = 2.0  # one record through the steps and the pseudonymizer: a hang beyond this
PAYLOAD_DATA = f"{SP}/payload_data/jsonschema/1-0-4"
TP2 = "/com.snowplowanalytics.snowplow/tp2"
IGLU = "/com.snowplowanalytics.iglu/v1"
UNKNOWN_SCHEMA = "iglu:com.acme/deep/jsonschema/1-0-0"  # not in the registry: a bad row, every leaf hashed
INT64_MIN, UINT64_MAX = -(2 ** 63), 2 ** 64 - 1  # what bounded_json accepts
BASE = {"e": "pv", "p": "web", "tv": "js-3.0.0", "aid": "gitlab"}
PARAMETERS = sorted(PARAMETER_FIELDS)
DECIMAL_PARAMETERS = ("se_va", "ev_va", "tr_tt", "tr_tx", "tr_sh", "ti_pr")
INTEGER_PARAMETERS = ("tid", "vid", "ti_qu", "pp_mix", "pp_max", "pp_miy", "pp_may")
TIMESTAMP_PARAMETERS = ("dtm", "stm", "ttm")
PAIR_PARAMETERS = ("res", "vp", "ds")
# the parameters whose free text the default policy keeps in clear (their fields are allowlisted, unshaped)
FREE_TEXT_IN_CLEAR = {"aid", "se_ca", "se_ac", "ev_ca", "ev_ac", "tr_af", "ti_sk", "ti_na", "ti_nm", "ti_ca"}
TYPED_PARAMETERS = DECIMAL_PARAMETERS + INTEGER_PARAMETERS + TIMESTAMP_PARAMETERS + PAIR_PARAMETERS
# parameters of string fields that take any short text (no enumeration, UUID or JSON, maxLength 100 or more)
STRING_PARAMETERS = [name for name in PARAMETERS if name not in ("e", "p", "eid", "sid") and all(
    FIELD_TYPES[f] == "string" and MAX_LENGTHS.get(f, 100) >= 100 for f in PARAMETER_FIELDS[name])]


# ---- markers, cases and the checks ----------------------------------------------------------------

_SERIAL = "GHIJKLMNOP"


class Markers(Planter):
    """test_privacy's Planter with markers unique within a case (hypothesis repeats draws when it
    shrinks), and a record of the markers put where the policy keeps values in clear on purpose."""

    def __init__(self, draw=None):
        super().__init__(draw)
        self.clear: set[str] = set()

    def __call__(self, long: bool = False) -> str:
        serial = "".join(_SERIAL[int(digit)] for digit in str(len(self.planted)))
        body = self.draw(st.text("ghijklmnopqrstuvwxyz", min_size=10, max_size=14)) if self.draw else "planted" * 2
        marker = f"Q{body}Z{serial}Z"
        self.planted.add(marker)
        if long and self.draw and self.draw(st.integers(0, 5)) == 0:
            return "-".join([marker] * self.draw(st.integers(30, 300)))  # past every maxLength
        return marker

    def parameter(self, name: str, value: str) -> str:
        """``value`` as the value of tracker parameter ``name``: its markers are expected in clear when the
        policy keeps that parameter in clear and the value is what its fields say (it parses, it has their shape)."""
        if name in POLICY.clear_parameters and parameter_fits(name, value):
            self.clear.update(m for m in self.planted if m in value)
        return value


@dataclass
class Case:
    """A raw record (a line, ``str`` or ``bytes`` as files are read) and what must hold for it."""

    line: str | bytes
    planted: set[str] = field(default_factory=set)
    clear: set[str] = field(default_factory=set)  # planted markers kept in clear by the policy, on purpose
    hidden: set[str] = field(default_factory=set)  # other values that must not be in clear (rejected numbers)
    expect: str | None = None  # "good": exactly one good event; "bad": no good event; None: either
    label: str = ""

    def __repr__(self) -> str:  # hypothesis prints failing cases: keep a line of a megabyte out of it
        return f"Case({self.label!r}, {len(self.line):,} characters, planted={sorted(self.planted)})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def describe(self) -> str:
        line = self.line if isinstance(self.line, bytes) else self.line.encode("latin-1", "backslashreplace")
        return f"{self.label}; line (base64 of the line's bytes): {base64.b64encode(line).decode()[:400]}"


def _case(m: Markers, p, expect=None, label="", hidden=()) -> Case:
    return Case(record(p), set(m.planted), set(m.clear), {h for h in hidden if len(h) >= 16}, expect, label)


def _shipped_bad_row(out: BadRow) -> str:
    """A pseudonymized bad row as the sinks write it (placed, one JSON line): everything a reader sees."""
    assert out.type_name in BAD_ROW_TYPES and out.output in (RAW_BAD, ENRICHED_BAD), out.row["schema"]
    partition_path(out.partition_ms)
    return exposed(orjson.loads(orjson.dumps(out.row)))


def _leaks(seen: str, case: Case) -> set[str]:
    return {m for m in case.planted - case.clear if m in seen} | {h for h in case.hidden if h in seen}


def check_case(case: Case, time_first: bool = False) -> tuple[list[dict], list[BadRow]]:
    """Run one record through the steps and the pseudonymizer (timed), then the sinks' serialization, and
    check every promise; returns the good events (before pseudonymization) and the pseudonymized bad rows.
    ``time_first``: fail on the time before the other checks (which take longer than the product on records
    of thousands of events)."""
    started = time.perf_counter()
    good, bad = run_steps(case.line)
    if good:  # what the sinks write of the good events: timed with the steps
        PSEUDONYMIZER.good_table(good), PSEUDONYMIZER.good_tsv(good)
    outs = [PSEUDONYMIZER.bad_row(row) for row in bad]
    elapsed = time.perf_counter() - started
    shipped = shipped_good(PSEUDONYMIZER, good)  # the same, read back as a reader sees it (a check: not timed)
    too_slow = f"{elapsed:.2f} s for one record ({len(good)} good events, {len(bad)} bad rows): {case.describe()}"
    assert not time_first or elapsed < SLOW_RECORD_SECONDS, too_slow
    assert good or bad, f"the record ended nowhere: {case.describe()}"
    assert all(isinstance(event, dict) and event.get("event_id") for event in good), case.describe()
    assert all(isinstance(row, BadRow) for row in bad), case.describe()
    if any(row.output == RAW_BAD for row in bad):
        assert len(good) + len(bad) == 1, f"a raw-bad record yielded more: {case.describe()}"
    internal = [row.row["data"]["failure"]["errors"] for row in bad if row.type_name == "generic_error"]
    assert not internal, f"an unexpected exception in the steps: {internal} {case.describe()}"
    leaked = _leaks(shipped, case)
    assert not leaked, f"in clear in a good event: {leaked} {case.describe()}"
    for out in outs:
        seen = _shipped_bad_row(out)
        assert badrow_errors(out.row) == [], (badrow_errors(out.row), case.describe())
        leaked = _leaks(seen, case)
        assert not leaked, f"in clear in a {out.type_name} bad row: {leaked} {case.describe()}"
    # the record kept whole, as the steps keep it after an unexpected error
    text = case.line if isinstance(case.line, str) else case.line.decode("latin-1")
    out = PSEUDONYMIZER.bad_row(badrows.generic_error(text, ["ValueError at enrich.py:1 in enrich"], SAMPLE_START_MS))
    assert badrow_errors(out.row) == [] and not _leaks(_shipped_bad_row(out), case), case.describe()
    if case.expect == "good":
        assert len(good) == 1 and not bad, ([o.row["data"].get("failure") for o in outs], case.describe())
    elif case.expect == "bad":
        assert not good and bad, case.describe()
    assert elapsed < SLOW_RECORD_SECONDS, too_slow
    return good, outs


def check_collector_line(line: str | bytes, planted: set[str] = frozenset()) -> BadRow:
    """A line of the collector's raw-bad files: a bad row, schema-valid once pseudonymized, nothing in clear."""
    started = time.perf_counter()
    out = PSEUDONYMIZER.bad_row(parse_collector_bad_row(line))
    elapsed = time.perf_counter() - started
    seen = _shipped_bad_row(out)
    assert badrow_errors(out.row) == [], badrow_errors(out.row)
    assert not {m for m in planted if m in seen}
    assert elapsed < SLOW_RECORD_SECONDS, f"{elapsed:.2f} s for one line of the collector's bad rows"
    return out


# ---- JSON nested 0..1200 levels -----------------------------------------------------------------

depths = st.one_of(st.integers(0, 1200), st.integers(40, 56), st.sampled_from([0, 1, 45, 46, 47, 50, 51, 1200]))


def nest(levels: int, leaf: str, period: int) -> str:
    """JSON text: ``leaf`` inside ``levels`` containers, arrays and objects in runs of ``period`` (0: arrays only,
    -1: objects only). Built as text: json.dumps itself cannot go that deep."""
    def is_array(i):
        return period == 0 or (period > 0 and (i // period) % 2 == 0)

    opens = "".join("[" if is_array(i) else '{"k":' for i in range(levels))
    closes = "".join("]" if is_array(i) else "}" for i in reversed(range(levels)))
    return opens + leaf + closes


def contexts(schema: str, data: str) -> str:
    """A contexts envelope (JSON text) holding one entity of ``schema`` whose data is the JSON text ``data``."""
    return f'{{"schema":"{CONTEXTS}","data":[{{"schema":"{schema}","data":{data}}}]}}'


def unstruct(schema: str, data: str) -> str:
    return f'{{"schema":"{UNSTRUCT}","data":{{"schema":"{schema}","data":{data}}}}}'


def tp2_body(event: str) -> str:
    """A payload_data body (JSON text) holding one event whose members are the JSON text ``event``."""
    return f'{{"schema":"{PAYLOAD_DATA}","data":[{{{event}}}]}}'


def b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def get(params: dict, path: str = "/i", **fields):
    return sample_payload(path=path, querystring=urlencode(params), **fields)


def post(body, content_type: str = "application/json", **fields):
    """A tp2 POST: ``body`` as it is, or a dict of parameters as the one event of a payload_data body."""
    if isinstance(body, dict):
        body = json.dumps({"schema": PAYLOAD_DATA, "data": [body]})
    return sample_payload(path=TP2, body=body, content_type=content_type, **fields)


def webhook(body, schema: str | None = None, content_type: str = "application/json"):
    return sample_payload(path=IGLU, querystring=None if schema is None else f"schema={schema}", body=body,
                   content_type=content_type)


def _gitlab_data(m: Markers, extra: str) -> str:
    """gitlab_standard data nesting ``extra`` under ``extra.n`` (``extra`` stays in clear: only numbers there);
    the denied fields carry markers."""
    return (f'{{"environment":"production","user_id":"{m()}","global_user_id":"{m()}",'
            f'"extra":{{"n":{extra}}}}}')


@st.composite
def deep_json_cases(draw) -> Case:
    m = Markers(draw)
    where = draw(st.sampled_from(["co", "cx", "ue_pr", "ue_px", "tp2_co", "tp2_body", "tp2_event", "iglu_query",
                                  "iglu_self_describing", "iglu_array"]))
    levels, period = draw(depths), draw(st.sampled_from([0, -1, 1, 2, 3, 7]))
    valid = draw(st.booleans()) and where not in ("tp2_body", "tp2_event", "iglu_array")
    leaf = draw(st.sampled_from(["7", "-1.5", "null", "true", "[]", "{}"])) if valid else f'"{m(long=True)}"'
    inner = nest(levels, leaf, period)
    extra_levels = 1 if leaf in ("[]", "{}") else 0  # an empty container is one more level
    label = f"deep JSON: {where}, {levels} levels, period {period}, valid {valid}"
    schema = GITLAB_STANDARD if valid else UNKNOWN_SCHEMA
    data = _gitlab_data(m, inner) if valid else inner  # the entity's data: the nesting sits 4 levels down
    if where in ("co", "cx", "tp2_co", "ue_pr", "ue_px"):
        unstructured = where.startswith("ue")
        text = unstruct(schema, data) if unstructured else contexts(schema, data)
        name = "co" if where == "tp2_co" else where
        value = b64url(text) if name[-1] == "x" else text
        params = {**BASE, "e": "ue" if unstructured else "pv", "uid": m(), name: value}
        p = post(params, "application/json; charset=UTF-8") if where == "tp2_co" else get(params)
        # envelope, (list,) entity, data, extra, then the nesting
        document_depth = (4 if unstructured else 5) + levels + extra_levels
    elif where == "tp2_body":
        return _case(m, post(inner), "bad", label)
    elif where == "tp2_event":
        return _case(m, post(tp2_body(f'"e":"pv","p":"web","tv":"js","uid":"{m()}","x":{inner}')), "bad", label)
    elif where == "iglu_array":
        return _case(m, webhook(f"[{inner}]", UNKNOWN_SCHEMA), "bad", label)
    else:
        p = webhook(data, schema) if where == "iglu_query" else webhook(f'{{"schema":"{schema}","data":{data}}}')
        document_depth = 4 + levels + extra_levels  # the webhook puts the data in an unstruct_event envelope
    expect = ("good" if document_depth <= MAX_JSON_DEPTH else "bad") if valid else "bad"
    return _case(m, p, expect, label)


@PROPERTY
@given(case=deep_json_cases())
def test_json_of_any_depth_ends_as_a_good_event_or_a_valid_bad_row(case):
    check_case(case)


@pytest.mark.parametrize("levels", [0, 45, 46, 47, 48, 49, 600, 1200])
@pytest.mark.parametrize("where", ["co", "cx", "ue_pr", "ue_px", "tp2_co", "iglu_query", "iglu_self_describing"])
def test_the_depth_limit_is_exactly_fifty_levels(where, levels):
    """Where the rest of the event is valid: good up to 50 levels of document, a bad row beyond."""
    m = Markers()
    data = _gitlab_data(m, nest(levels, "7", 1))  # gitlab_standard's data; the nesting begins 2 levels below
    body_depth = None
    if where == "iglu_query":
        p, body_depth, document_depth = webhook(data, GITLAB_STANDARD), 2 + levels, 4 + levels
    elif where == "iglu_self_describing":
        p, body_depth = webhook(f'{{"schema":"{GITLAB_STANDARD}","data":{data}}}'), 3 + levels
        document_depth = 4 + levels
    else:
        name = {"tp2_co": "co"}.get(where, where)
        text = unstruct(GITLAB_STANDARD, data) if name.startswith("ue") else contexts(GITLAB_STANDARD, data)
        document_depth = (4 if name.startswith("ue") else 5) + levels
        params = {**BASE, "e": "ue" if name.startswith("ue") else "pv", name: b64url(text) if name[-1] == "x" else text}
        p = post(params) if where == "tp2_co" else get(params)
    good, outs = check_case(_case(m, p, "good" if document_depth <= MAX_JSON_DEPTH else "bad", f"{where} {levels}"))
    if outs:  # the webhook rejects a body deeper than the limit itself; enrich, the event's JSON
        too_deep_body = body_depth is not None and body_depth > MAX_JSON_DEPTH
        assert [o.type_name for o in outs] == ["adapter_failures" if too_deep_body else "schema_violations"]


# ---- huge numbers ---------------------------------------------------------------------------------

huge_integers = st.one_of(
    st.integers(2 ** 63 - 1, 10 ** 400), st.integers(-(10 ** 400), -(2 ** 63) + 1),
    st.sampled_from([2 ** 63 - 1, 2 ** 63, UINT64_MAX, UINT64_MAX + 1, INT64_MIN, INT64_MIN - 1, 10 ** 400,
                     -(10 ** 400), 10 ** 19, 10 ** 20]),
)
exponents = st.one_of(st.integers(-400, 400), st.sampled_from([308, 309, -324, -325, 4300, -4300]))


@st.composite
def huge_decimals(draw) -> str:
    kind = draw(st.sampled_from(["point", "exponent", "both", "digits"]))
    whole = str(draw(huge_integers))
    if kind == "point":
        return f"{whole}.{draw(st.integers(0, 10 ** 30))}"
    if kind == "exponent":
        return f"{draw(st.integers(-99, 99))}e{draw(exponents)}"
    if kind == "both":
        return f"{whole}.5E{'+' if draw(st.booleans()) else '-'}{abs(draw(exponents))}"
    digits = "9" * draw(st.integers(40_000, 200_000))  # far past any number's length
    point = draw(st.integers(0, 3))
    return digits if point == 0 else f"{digits[:point * 1000]}.{digits[point * 1000:]}"


def _json_number_ok(text: str) -> bool | None:
    """Whether bounded_json takes this number: integers within 64 bits; None for decimals (not specified)."""
    try:
        number = int(text)
    except ValueError:
        return None
    return INT64_MIN <= number <= UINT64_MAX


@st.composite
def huge_number_cases(draw) -> Case:
    m = Markers(draw)
    where = draw(st.sampled_from(["parameter", "parameter", "json_extra", "json_user_id", "json_unknown",
                                  "tp2_body_number", "iglu_body"]))
    number = draw(st.one_of(huge_integers.map(str), huge_decimals()))
    label = f"huge number ({len(number)} characters) in {where}"
    if where == "parameter":
        name = draw(st.sampled_from(TYPED_PARAMETERS))
        if name in PAIR_PARAMETERS:
            value = draw(st.sampled_from([f"{number}x1", f"1x{number}", f"{number}x{number}", number]))
        else:
            value = draw(st.sampled_from([number, "+" + number, "-" + number.lstrip("-")]))
        params = {**BASE, "uid": m(), name: m.parameter(name, value)}
        fits = parameter_fits(name, value)
        p = get(params) if draw(st.booleans()) else post(params)
        # a value its field does not take is a bad row, and is hashed there even if the field is allowlisted
        return _case(m, p, None if fits else "bad", label + f" {name}", hidden=() if fits else (value,))
    ok = _json_number_ok(number)
    if where in ("json_extra", "json_user_id", "json_unknown"):
        if where == "json_unknown":
            text = contexts(UNKNOWN_SCHEMA, f'{{"n":{number},"who":"{m()}"}}')
        elif where == "json_extra":
            text = contexts(GITLAB_STANDARD, _gitlab_data(m, number))
        else:
            text = contexts(GITLAB_STANDARD, f'{{"environment":"production","user_id":{number}}}')
        p = get({**BASE, "uid": m(), **({"cx": b64url(text)} if draw(st.booleans()) else {"co": text})})
        if where == "json_unknown":
            return _case(m, p, "bad", label, hidden=(number,))
        expect = {True: "good", False: "bad", None: None}[ok]
        # user_id is denied (hashed); extra stays in clear, so there only a rejected number is hidden
        hidden = (number,) if where == "json_user_id" or ok is False else ()
        return _case(m, p, expect, label, hidden=hidden)
    if where == "tp2_body_number":  # payload_data wants strings: a tracker protocol violation in any case
        body = tp2_body(f'"e":"pv","p":"web","tv":"js","uid":"{m()}","se_va":{number}')
        return _case(m, post(body), "bad", label, hidden=(number,))
    p = webhook(_gitlab_data(m, number), GITLAB_STANDARD)
    return _case(m, p, {True: "good", False: "bad", None: None}[ok], label, hidden=(number,) if ok is False else ())


@PROPERTY
@given(case=huge_number_cases())
def test_huge_numbers_in_json_and_typed_parameters(case):
    check_case(case)


@pytest.mark.parametrize("name", TYPED_PARAMETERS)
@pytest.mark.parametrize("length", [40_000, 400_000])
def test_a_number_of_hundreds_of_thousands_of_digits_is_rejected_fast_and_hashed(name, length):
    digits = "9" * length
    for value in (digits, f"{digits[:20_000]}.{digits[20_000:]}", f"{digits}x{digits}" if name in PAIR_PARAMETERS
                  else "-" + digits):
        m = Markers()
        started = time.perf_counter()
        good, outs = check_case(_case(m, get({**BASE, "uid": m(), name: value}), "bad",
                                      f"{len(value)} digits in {name}", hidden=(value, digits[:64])))
        assert time.perf_counter() - started < 1.0
        assert [o.type_name for o in outs] == ["schema_violations"]


# ---- bytes that are not UTF-8 --------------------------------------------------------------------

junk_bytes = st.one_of(
    st.sampled_from([b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xe9", b"\x80",
                     b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x00", b"\xc3", b"\xef\xbf\xbe",
                     "\ud800".encode("utf-8", "surrogatepass"), "\udfff\ud800".encode("utf-8", "surrogatepass")]),
    st.text(st.characters(max_codepoint=255), min_size=1, max_size=6).map(lambda s: s.encode("latin-1")),
    st.binary(min_size=1, max_size=12),
)
# lone surrogates as JSON escapes, and escapes orjson and the json module read differently
json_escapes = st.sampled_from(["\\ud800", "\\udfff", "\\ud800\\u0041", "\\udbff\\udfff\\udc00", "\\u0000", "\\ufffe"])


@st.composite
def junk_text(draw, m: Markers) -> bytes:
    """A marker with junk bytes around and inside the text."""
    parts = [m().encode()]
    for _ in range(draw(st.integers(1, 4))):
        parts.insert(draw(st.integers(0, len(parts))), draw(junk_bytes))
    return b"".join(parts)


def _raw_record(p) -> bytes:
    return base64.b64encode(record_bytes(p))


def record_bytes(p) -> bytes:
    return base64.b64decode(record(p))


@st.composite
def invalid_bytes_cases(draw) -> Case:
    m = Markers(draw)
    where = draw(st.sampled_from(["tp2_body", "tp2_form", "iglu_body", "iglu_form", "querystring", "percent",
                                  "header", "useragent", "json_escape", "line", "line_in_base64"]))
    junk = draw(junk_text(m))
    label = f"bytes that are not UTF-8 in {where}"
    if where == "tp2_body":
        body = tp2_body('"e":"pv","p":"web","tv":"js","uid":"@"').encode().replace(b"@", junk)
        p = post(body, draw(st.sampled_from(["application/json", "application/json; charset=ISO-8859-1",
                                             "text/plain"])))
    elif where == "tp2_form":  # names outside the protocol are hashed in a form body
        p = post(b"e=pv&uid=" + junk + b"&" + junk + b"=1", "application/x-www-form-urlencoded")
    elif where == "iglu_form":  # the webhook makes a form's names the keys of its event's data: kept, no markers
        value = junk.replace(b"&", b"").replace(b"=", b"")  # (a marker after a "&" would be a name)
        p = webhook(b"e=pv&uid=" + value + b"&x\xff=1", UNKNOWN_SCHEMA, "application/x-www-form-urlencoded")
    elif where == "iglu_body":
        p = webhook(b'{"who":"' + junk + b'"}', UNKNOWN_SCHEMA)
    elif where == "querystring":  # raw bytes in the Thrift string: the decoder replaces what is not UTF-8
        p = sample_payload(querystring=b"e=pv&p=web&tv=js&uid=" + junk + b"&" + junk + b"=x")
    elif where == "percent":  # percent-encoded bytes that are not UTF-8
        p = sample_payload(querystring=f"e=pv&p=web&tv=js&uid={quote(junk)}&{quote(junk)}=x&page={quote(junk)}")
    elif where == "header":
        p = sample_payload(querystring="e=pv&p=web&tv=js", headers=[b"X-Forwarded-For: " + junk, junk + b": x",
                                                             b"X-" + junk + b": " + junk, junk])
    elif where == "useragent":
        p = sample_payload(querystring="e=pv&p=web&tv=js", userAgent=junk, refererUri=b"https://x.example/" + junk,
                    networkUserId=junk)
    elif where == "json_escape":
        escape = draw(json_escapes)
        kind = draw(st.sampled_from(["co", "tp2", "iglu"]))
        if kind == "co":
            p = get({**BASE, "uid": m(), "co": contexts(UNKNOWN_SCHEMA, f'{{"who":"{m()}{escape}"}}')})
        elif kind == "tp2":
            p = post(tp2_body(f'"e":"pv","p":"web","tv":"js","uid":"{m()}{escape}"'))
        else:
            p = webhook(f'{{"who":"{m()}{escape}"}}', UNKNOWN_SCHEMA)
        label += f" ({kind}, {escape})"
    elif where == "line":  # the whole line is not base64
        return Case(junk + draw(st.sampled_from([b"", b"\r", b" ", b"=="])), set(m.planted), label=label)
    else:  # a valid record with junk spliced into its base64
        line = _raw_record(get({**BASE, "uid": m()}))
        at = draw(st.integers(0, len(line)))
        return Case(line[:at] + junk + line[at:], set(m.planted), label=label)
    return _case(m, p, None, label)


@PROPERTY
@given(case=invalid_bytes_cases())
def test_bytes_that_are_not_utf8_anywhere_in_a_record(case):
    check_case(case)


# ---- every tracker parameter with free text --------------------------------------------------------

free_text = st.text(st.characters(codec="utf-8"), max_size=8)  # any text, controls, RTL marks, NUL...


@st.composite
def free_text_cases(draw) -> Case:
    m = Markers(draw)
    anything = draw(st.booleans())  # any parameter, markers past maxLength; or string fields: mostly good events
    names = draw(st.lists(st.sampled_from(PARAMETERS if anything else STRING_PARAMETERS), min_size=1, max_size=12,
                          unique=True))
    params = dict(BASE)
    for name in names:
        params[name] = draw(free_text) + m(long=anything) + draw(free_text)
    for name, value in params.items():
        m.parameter(name, value)
    for _ in range(draw(st.integers(0, 2))):  # names outside the protocol are data: hashed in bad rows
        params[draw(st.sampled_from(["", "x_", "cx_", "uid "])) + m()] = draw(st.sampled_from(["", "1"])) or m()
    transport = draw(st.sampled_from(["i", "tp2_get", "tp2_post", "redirect"]))
    if transport == "tp2_post":
        p = post(params)
    elif transport == "redirect":
        p = get({**params, "u": f"https://example.com/{m()}"}, "/r/tp2")
    else:
        p = get(params, "/i" if transport == "i" else TP2)
    return _case(m, p, None, f"free text in {names} via {transport}")


@PROPERTY
@given(case=free_text_cases())
def test_every_tracker_parameter_carrying_free_text(case):
    check_case(case)


@pytest.mark.parametrize("transport", ["i", "tp2_post", "redirect"])
@pytest.mark.parametrize("name", PARAMETERS)
def test_each_tracker_parameter_with_free_text_is_hashed_unless_the_policy_keeps_it(name, transport):
    m = Markers()
    value = f"jane@example.com {m()} <b>\u202e\u00e9%zz\x00"
    params = {**BASE, name: m.parameter(name, value)}
    if transport == "tp2_post":
        p = post(params)
    else:
        p = get({**params, "u": "https://x.io/"}, "/i" if transport == "i" else "/r/tp2")
    check_case(_case(m, p, None, f"{name} via {transport}"))
    # free text fits no typed or shaped field: only the allowlisted free-text fields keep it, on purpose
    assert bool(m.clear) == (name in FREE_TEXT_IN_CLEAR)


# ---- collector bad rows and whole lines of random bytes ---------------------------------------------

@PROPERTY
@given(line=st.one_of(st.binary(max_size=300), st.text(max_size=300)), junk=junk_bytes)
def test_any_line_of_random_bytes(line, junk):
    for candidate in (line, junk + (line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass"))):
        if isinstance(candidate, str):
            candidate = candidate.encode("utf-8", "surrogatepass")  # files are read as bytes
        check_case(Case(candidate, label="random line"))
        check_collector_line(candidate)


@PROPERTY
@given(data=st.data(), levels=depths, number=huge_integers)
def test_hostile_lines_of_the_collectors_raw_bad_files(data, levels, number):
    m = Markers(data.draw)
    valid = collector_badrows.size_violation(
        artifact="snowplow-beam-collector", version="0.1.0", now_ms=SAMPLE_START_MS, maximum=1000, actual=5000,
        expectation="oversized collector payload: Payload exceeds max size",
        payload=f"CollectorPayload(querystring:uid={m()})", truncate_to=100).decode()
    row = json.loads(valid)
    deep = json.dumps(row)[:-1] + ',"extra":' + nest(levels, f'"{m()}"', 2) + "}"
    for line in (valid, deep, json.dumps(row)[:-1] + f',"n":{number}}}', valid.encode()[:-3] + data.draw(junk_bytes)):
        check_collector_line(line, m.planted)


# ---- one poison record beside good records, through the real pipeline -------------------------------

def _poisons() -> dict[str, bytes]:
    m = Markers()
    deep = contexts(GITLAB_STANDARD, _gitlab_data(m, nest(1200, "7", 1)))
    huge = contexts(GITLAB_STANDARD, _gitlab_data(m, str(10 ** 400)))
    return {
        "deep_json": _raw_record(get({**BASE, "uid": m(), "co": deep})),
        "huge_integer": _raw_record(webhook(_gitlab_data(m, str(-(10 ** 400))), GITLAB_STANDARD)),
        "huge_integer_cx": _raw_record(get({**BASE, "cx": b64url(huge)})),
        "digits": _raw_record(get({**BASE, "uid": m(), "se_va": "9" * 40_000})),
        "not_utf8_line": b"\xff\xfe" + m().encode() + b"\xed\xa0\x80\xc0\xaf",
        "not_utf8_body": _raw_record(post(
            tp2_body(f'"e":"pv","uid":"{m()}@"').encode().replace(b"@", b"\xed\xa0\x80"))),
    }, m.planted


POISONS, POISON_MARKERS = _poisons()


@pytest.mark.parametrize("poison", sorted(POISONS))
def test_a_poison_record_beside_good_records_in_a_real_run(tmp_path, salt_file, fresh_workers, poison):
    good = [_raw_record(get({**BASE, "eid": f"6a3f2b9e-0000-4000-8000-00000000000{i}"})) for i in range(2)]
    source = tmp_path / "raw.txt"
    source.write_bytes(b"\n".join([good[0], POISONS[poison], good[1]]) + b"\n")
    out = tmp_path / "lake"
    summary = run(["--input", str(source), "--output", str(out), "--salt_file", str(salt_file)])
    assert summary.ok, summary.report()
    assert summary.get("raw_records") == 3 and summary.get("good") == 2, summary.report()
    assert summary.get("raw_bad") + summary.get("enriched_bad") == 1, summary.report()
    events = pq.read_table(out / "good").to_pylist()
    assert sorted(e["event_id"] for e in events) == [f"6a3f2b9e-0000-4000-8000-00000000000{i}" for i in range(2)]
    rows = [json.loads(line) for f in out.rglob("*.json") for line in f.read_text("utf-8").splitlines()]
    assert len(rows) == 1 and badrow_errors(rows[0]) == [], rows
    assert rows[0]["schema"].split("/")[1] in ("schema_violations", "collector_payload_format_violation",
                                               "tracker_protocol_violations", "adapter_failures")
    text = "\n".join(p.read_bytes().decode("latin-1") for p in out.rglob("*") if p.is_file()) + exposed(rows)
    assert not {marker for marker in POISON_MARKERS if marker in text}
    assert "9" * 64 not in text and "0" * 64 not in text


# ---- large records: what one record of up to the collector's 1 MB costs ------------------------------
# The expected failures take longer than SLOW_RECORD_SECONDS on one record (measured on a shared 2-core
# machine; figures beside each), until the per-record path bounds them; the product code is not changed
# here. They are timing tests, so not strict: a much faster machine may pass them (XPASS).

MAX_RECORD_BYTES = 1_000_000  # the collector's largest record (collector/config.py max_record_bytes)


# found by fuzzing (tests/fuzz_pipeline.py, target "large": a webhook array of 75,870 items took 49 s, one of
# 250,000 items 274 s, then with the native core 37-93 s: each item was an event, and a bad row). A payload of more
# than 5,000 events is now one bad row.
@pytest.mark.parametrize("send", [
    lambda items: webhook(f"[{items}]", UNKNOWN_SCHEMA),
    lambda items: post(f'{{"schema":"{PAYLOAD_DATA}","data":[{items}]}}'),
], ids=["webhook_array", "tp2"])
def test_a_payload_of_a_quarter_of_a_million_events_is_one_bounded_bad_row(send):
    p = send(",".join(["{}"] * 250_000))
    assert len(record_bytes(p)) < MAX_RECORD_BYTES
    good, outs = check_case(Case(record(p), label="250,000 events in one payload"), time_first=True)
    assert not good and [out.type_name for out in outs] in (["adapter_failures"], ["tracker_protocol_violations"])
    [message] = outs[0].row["data"]["failure"]["messages"]
    assert message["expectation"] == "at most 5000 events in one payload, not 250000"


# found by a manual probe of large records beside the fuzzer (its "large" target covers such records since,
# but did not hit this one in its runs)
@pytest.mark.slow
@pytest.mark.xfail(reason="17,000 contexts of an unknown schema in one event (~970 kB) take ~4-5 s, mostly the "
                          "schema check of the pseudonymized bad row and its 17,000 messages",
                   raises=AssertionError, strict=False)
def test_an_event_with_seventeen_thousand_contexts_is_one_bounded_record():
    entities = ",".join(['{"schema":"iglu:a.b/c/jsonschema/1-0-0","data":{}}'] * 17_000)
    p = post({**BASE, "co": f'{{"schema":"{CONTEXTS}","data":[{entities}]}}'})
    assert len(record_bytes(p)) < MAX_RECORD_BYTES
    check_case(Case(record(p), label="17,000 contexts"), time_first=True)


# found by a manual probe of large records beside the fuzzer (its "large" target covers such records since):
# a user agent of 990,000 characters took ~3.7 s in ua-parser (DeviceExtractor and UserAgentExtractor) before
# its maxLength rejected the event; fixed in cccb915 (a user agent over its maxLength is not parsed). Kept as a
# regression test.
@pytest.mark.slow
def test_a_user_agent_of_a_million_characters_is_one_bounded_record():
    p = sample_payload(querystring="e=pv&p=web&tv=js", userAgent="bot" * 330_000)
    assert len(record_bytes(p)) < MAX_RECORD_BYTES
    check_case(Case(record(p), label="a user agent of 990,000 characters"), time_first=True)


# found by a probe beside the fuzzer (which feeds lines as bytes, as files are read). Decode takes str lines
# too; when one held a lone surrogate, the format-violation row could not be pseudonymized: Hasher.text encoded
# it as UTF-8 and UnicodeEncodeError escaped Pseudonymizer.bad_row (Hasher.text <- opaque <- _bad_row_data).
# Fixed in cccb915 (surrogatepass); kept as a regression test.
def test_a_str_line_with_a_lone_surrogate_ends_as_a_bad_row():
    check_case(Case("abc\ud800", label="a str line with a lone surrogate"))
