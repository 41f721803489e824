"""Privacy properties: no value outside the allowlist reaches any output or log in clear.

- Property tests (hypothesis): arbitrary enriched events, and arbitrary raw records (good, broken, hostile)
  run through the pipeline's own DoFns, then pseudonymized: none of the planted values survives anywhere in
  the serialized output (also inside base64, URL-encoded and JSON-in-string values), allowlisted values survive
  unchanged, and every bad row still validates against its Iglu Central schema.
- End to end: a batch run on sample data with planted values; every output file and the logs are searched.
- The salt: never in outputs, logs, pipeline options, display data, the pipeline proto or its pickled DoFns;
  without one the pipeline refuses to start.

Planted values are "markers": ``Q`` and 10+ letters from g-z / G-Z. No pseudonym (hex) or opaque form can
contain one, so a substring search is meaningful.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import apache_beam as beam
import orjson
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from hypothesis import given
from hypothesis import strategies as st

from snowplow_beam.beam_pipeline.options import SnowplowOptions
from snowplow_beam.beam_pipeline.launcher import BATCH, ConfigurationError, build, check_startup, config_from_options, run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.transforms.badrows import parse_collector_bad_row
from snowplow_beam.collector import badrows as collector_badrows
from snowplow_beam.runners import prepare_runner
from tests.helpers import (
    good_row,
    shipped_good,
    CONTEXTS, GITLAB_STANDARD, MARKER, PLANTS, POLICY, PROPERTY, PSEUDONYMIZER, SAMPLE_START_MS, SP, UNSTRUCT, Planter,
    b64, badrow_errors, exposed, hmac_hex, markers, output_text, pardo_pickles, planted_collector_bad_lines,
    planted_lines, record, run_steps, sample_payload,
)
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.atomic import FIELD_TYPES, FIELDS, JSON_FIELDS
from snowplow_beam.transforms.enrich import FIELD_SHAPES, field_fits, parameter_fits
from snowplow_beam.transforms.secrets import SALT_ENV


clear_text = st.text("abcdef0123456789-_. ", max_size=12)  # values put where the policy keeps them
keys = st.text("abcdef_", min_size=1, max_size=6)  # object keys are kept: never markers
iglu_part = st.text("abcdef", min_size=1, max_size=6)
random_schemas = st.builds(lambda v, n, m, r, a: f"iglu:com.{v}/{n}/jsonschema/{m}-{r}-{a}",
                           iglu_part, iglu_part, st.integers(1, 3), st.integers(0, 2), st.integers(0, 2))
GITLAB_DENIED = ("user_id", "global_user_id", "google_analytics_id", "host_name", "correlation_id")


# ---- what the output exposes -------------------------------------------------------------------------


def test_the_detector_sees_markers_inside_encoded_values():
    m = "QzzzzGGGGhhhh"
    cx = b64({"schema": CONTEXTS, "data": [{"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": {"k": m}}]})
    _, bad = run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js", "dtm": "x",
                                                                    "cx": cx}))))
    raw = bad[0].row["data"]["payload"]["raw"]
    assert m not in orjson.dumps(raw).decode()  # only base64 in the raw parameters...
    assert m in exposed(raw)  # ...which the detector decodes
    assert m in exposed({"body": urlencode({"a": "x y " + m})})
    assert m not in exposed(PSEUDONYMIZER.bad_row(bad[0]).row)


# ---- arbitrary enriched events -----------------------------------------------------------------------

json_leaves = st.one_of(markers, st.integers(-2 ** 53, 2 ** 53), st.floats(allow_nan=False, allow_infinity=False),
                        st.booleans(), st.none())
json_values = st.recursive(json_leaves, lambda children: st.lists(children, max_size=3)
                           | st.dictionaries(keys, children, max_size=3), max_leaves=10)


@st.composite
def entities(draw):
    """A context or unstruct event: any schema (some with a policy rule, some broken), nested JSON data."""
    kind = draw(st.sampled_from(["random", "random", "gitlab", "link_click", "web_page", "yauaa", "bad_schema",
                                 "object_schema", "not_an_entity"]))
    if kind == "gitlab":
        data = {"environment": draw(clear_text), "plan": draw(clear_text), "namespace_id": draw(st.integers(0, 99)),
                "extra": draw(st.dictionaries(keys, clear_text, max_size=2))}
        data.update({k: draw(st.one_of(markers, st.integers(), json_values)) for k in
                     draw(st.sets(st.sampled_from(GITLAB_DENIED), min_size=1))})
        entity = {"schema": GITLAB_STANDARD, "data": data}
    elif kind == "link_click":
        entity = {"schema": f"{SP}/link_click/jsonschema/1-0-1",
                  "data": {"targetUrl": "https://" + draw(markers), "elementId": draw(clear_text),
                           "elementContent": draw(markers)}}
    elif kind == "web_page":
        entity = {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": draw(clear_text), "other": draw(json_values)}}
    elif kind == "yauaa":
        entity = {"schema": "iglu:nl.basjes/yauaa_context/jsonschema/1-0-4",
                  "data": {"agentName": draw(clear_text), "agentInformationEmail": draw(markers) + "@example.com"}}
    elif kind == "bad_schema":
        entity = {"schema": draw(markers), "data": draw(json_values)}
    elif kind == "object_schema":
        entity = {"schema": {"owner": draw(markers)}, "data": draw(json_values)}
    elif kind == "not_an_entity":
        return draw(json_values)
    else:
        entity = {"schema": draw(random_schemas), "data": draw(json_values)}
    if draw(st.booleans()):
        entity[draw(st.sampled_from(["note", "owner", "meta"]))] = draw(json_values)
    return entity


@st.composite
def envelopes(draw, field: str):
    if field == "unstruct_event":
        envelope = {"schema": UNSTRUCT, "data": draw(entities())}
    else:
        envelope = {"schema": CONTEXTS, "data": draw(st.lists(entities(), max_size=4))}
    if draw(st.integers(0, 4)) == 0:
        envelope["extra"] = draw(markers)
    return envelope


@st.composite
def enriched_events(draw):
    event = {}
    for field in draw(st.lists(st.sampled_from(FIELDS), unique=True, min_size=1, max_size=40)):
        name, kind = field.name, field.type
        if kind == "json":
            event[name] = draw(envelopes("unstruct_event" if name == "unstruct_event" else "contexts"))
        elif kind == "string":
            event[name] = draw(clear_text if name in POLICY.atomic_allowlist else markers)
        elif kind in ("int", "timestamp"):
            event[name] = draw(st.integers(0, 253402300799999))
        elif kind == "float":
            event[name] = draw(st.floats(allow_nan=False, allow_infinity=False))
        elif kind == "decimal":  # the exact decimal text
            event[name] = str(draw(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                                               min_value=-10 ** 15, max_value=10 ** 15)))
        else:
            event[name] = draw(st.booleans())
    return event


def hashed_leaves(node):
    """Every leaf's pseudonym (JSON text for numbers and booleans, null kept), keys kept: computed here."""
    if isinstance(node, dict):
        return {k: hashed_leaves(v) for k, v in node.items()}
    if isinstance(node, list):
        return [hashed_leaves(v) for v in node]
    if node is None:
        return None
    return hmac_hex(node if isinstance(node, str) else json.dumps(node) if not isinstance(node, float)
                    else orjson.dumps(node).decode())


def _entities(field: str, envelope) -> list:
    data = envelope["data"]
    return [data] if field == "unstruct_event" else data


@PROPERTY
@given(event=enriched_events())
def test_no_planted_value_of_an_enriched_event_survives(event):
    planted = set(MARKER.findall(json.dumps(event, default=str)))
    out = good_row(PSEUDONYMIZER, event)
    seen = exposed(out) + shipped_good(PSEUDONYMIZER, [event])
    assert not {m for m in planted if m in seen}
    for name, value in event.items():
        if name in POLICY.atomic_allowlist and (name not in FIELD_SHAPES or field_fits(name, value)):
            # allowlisted fields survive unchanged when they have their field's shape (lengths: checked by enrich)
            assert out[name] == (Decimal(value) if FIELD_TYPES[name] == "decimal" else value)
        elif FIELD_TYPES[name] == "string":
            assert out[name] == hmac_hex(value)
        elif name not in JSON_FIELDS:
            assert name not in out  # other non-string fields are removed
    for name in set(JSON_FIELDS) & set(event):
        assert out[name]["schema"] == event[name]["schema"]
        for before, after in zip(_entities(name, event[name]), _entities(name, out[name])):
            if isinstance(before, dict) and before.get("schema") == GITLAB_STANDARD:
                for key, value in before["data"].items():  # deny rule: only the denied paths change
                    assert after["data"][key] == (hashed_leaves(value) if key in GITLAB_DENIED else value)
            if isinstance(before, dict) and before.get("schema") == f"{SP}/link_click/jsonschema/1-0-1":
                assert after["data"]["elementId"] == before["data"]["elementId"]


# ---- arbitrary raw records: good, broken and hostile -------------------------------------------------

HASHED_PARAMETERS = ("uid", "duid", "fp", "ip", "ua", "url", "page", "refr", "se_la", "se_pr", "tr_id", "ti_id",
                     "tr_ci", "tr_st", "tr_co", "nuid", "tnuid", "sid", "ad_uid", "mac", "sa", "u", "mkt_x")
CLEAR_PARAMETERS = {
    "e": ["pv", "se", "ue", "pp", "zz", ""], "p": ["web", "srv", "zz"], "tv": ["js-3.0.0", "r-tp2"],
    "aid": ["gitlab", ""], "eid": ["6a3f2b9e-0000-4000-8000-0000000000aa", "not-a-uuid"],
    "dtm": [str(SAMPLE_START_MS), "yesterday", "-1"], "stm": [str(SAMPLE_START_MS + 5)],
    "res": ["1920x1080", "big"], "vid": ["3", "x"],
    "se_ca": ["cat"], "se_ac": ["act"], "se_va": ["1.5", "NaN", "x"], "cookie": ["1", "2"], "tid": ["12", "x"],
    "lang": ["en-US"], "tz": ["Europe/Berlin"],
}
PATHS = ["/i", "/com.snowplowanalytics.snowplow/tp2", "/com.snowplowanalytics.snowplow/tp2", "/r/tp2",
         "/com.snowplowanalytics.iglu/v1", "/com.snowplowanalytics.snowplow/tp1", "/ice.png", "/a/b/c", None]
CONTENT_TYPES = [None, "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded",
                 "text/plain", "x/" + "y" * 300]


def _json_with(m: Planter, draw, depth: int = 0):
    """Nested JSON whose string leaves are all planted markers."""
    kind = draw(st.integers(0, 5 if depth < 3 else 2))
    if kind == 0:
        return m()
    if kind == 1:
        return draw(st.one_of(st.integers(-2 ** 53, 2 ** 53), st.booleans(), st.none()))
    if kind == 2:
        return m(long=True)
    if kind == 3:
        return [_json_with(m, draw, depth + 1) for _ in range(draw(st.integers(0, 3)))]
    return {draw(keys): _json_with(m, draw, depth + 1) for _ in range(draw(st.integers(0, 3)))}


def _one_of(draw, *options, weights=None):
    """One of ``options``, roughly in proportion to ``weights`` (hypothesis favours small integers)."""
    pool = [option for option, weight in zip(options, weights or [1] * len(options)) for _ in range(weight)]
    return draw(st.sampled_from(pool))


def _entity(m: Planter, draw, valid: bool):
    """A context or unstruct event: well-formed ones (mostly valid; some fail Iglu validation), or anything."""
    kinds = ["gitlab", "link_click", "web_page"] * 2 + ["gitlab_invalid", "random"]
    kind = _one_of(draw, *kinds + ([] if valid else ["bad_schema", "note", "not_an_entity"] * 2))
    if kind in ("gitlab", "gitlab_invalid"):
        return {"schema": GITLAB_STANDARD, "data": {"environment": "production", "user_id": m(), "host_name": m(),
                                                    "global_user_id": m(), "correlation_id": m(long=True),
                                                    "namespace_id": 7 if kind == "gitlab" else "not-a-number"}}
    if kind == "link_click":
        return {"schema": f"{SP}/link_click/jsonschema/1-0-1",
                "data": {"targetUrl": m.url(), "elementId": "nav", "elementContent": m()}}
    if kind == "web_page":
        return {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": "6a3f2b9e-0000-4000-8000-0000000000dd"}}
    if kind == "bad_schema":
        return {"schema": m(), "data": _json_with(m, draw)}  # not an Iglu URI
    if kind == "note":
        return {"schema": draw(random_schemas), "data": _json_with(m, draw), "note": m()}
    if kind == "not_an_entity":
        return _json_with(m, draw)
    return {"schema": draw(random_schemas), "data": _json_with(m, draw)}  # not in the registry


def _json_parameter(m: Planter, draw, name: str, valid: bool) -> str:
    unstruct = name in ("ue_pr", "ue_px")
    kind = "valid" if valid else _one_of(draw, "not_json", "bad_schema", "any", "extra")
    if kind == "not_json":
        value = m()  # not JSON, not base64 of JSON
        return value if not name.endswith("x") else b64(value)[:-1] + "!"
    if unstruct:
        data = _entity(m, draw, valid)
        if valid and data["schema"].endswith("/web_page/jsonschema/1-0-0"):
            data = _entity(m, draw, valid)
        envelope = {"schema": UNSTRUCT if kind != "bad_schema" else m(), "data": data}
    else:
        envelope = {"schema": CONTEXTS if kind != "bad_schema" else m(),
                    "data": [_entity(m, draw, valid) for _ in range(draw(st.integers(0, 3)))]}
    if kind == "extra":
        envelope["extra"] = m()
    return b64(envelope) if name.endswith("x") else json.dumps(envelope)


STRING_HASHED = ("uid", "duid", "fp", "ip", "ua", "url", "page", "refr", "se_la", "se_pr", "tr_id", "ti_id", "nuid")


def _parameters(m: Planter, draw, names_are_data: bool = True, valid: bool = False) -> dict[str, str]:
    """Tracker parameters, a valid event's or anything. Names outside the protocol are hashed where they are
    names (querystrings, forms); where they become object keys (JSON bodies, the Iglu webhook's data) they are
    kept, so they are not markers there."""
    if valid:
        params = {"e": _one_of(draw, "pv", "se", "ue"), "p": "web", "tv": "js-3.0.0", "aid": "gitlab",
                  "dtm": str(SAMPLE_START_MS - 5)}
        for name in draw(st.sets(st.sampled_from(STRING_HASHED), min_size=1, max_size=8)):
            params[name] = m.url() if name in ("url", "refr") else m(long=name not in ("ip", "uid", "nuid"))
        for name in (_one_of(draw, "cx", "co"),) + ((_one_of(draw, "ue_px", "ue_pr"),) if params["e"] == "ue" else ()):
            params[name] = _json_parameter(m, draw, name, True)
        return params
    params = {}
    for name in draw(st.sets(st.sampled_from(sorted(CLEAR_PARAMETERS)), max_size=8)):
        params[name] = draw(st.sampled_from(CLEAR_PARAMETERS[name]))
    for name in draw(st.sets(st.sampled_from(HASHED_PARAMETERS), max_size=6)):
        params[name] = m.url() if name in ("url", "refr", "u") and draw(st.booleans()) else m(long=True)
    for name in draw(st.sets(st.sampled_from(["cx", "co", "ue_px", "ue_pr"]), max_size=2)):
        params[name] = _json_parameter(m, draw, name, False)
    for _ in range(draw(st.integers(0, 2))):
        name = m() if names_are_data else "x_" + draw(keys)  # not a protocol name like "cd"
        params[name] = draw(st.sampled_from(["", "1"])) or m()  # a name that may be data
    return params


def _body(m: Planter, draw, iglu: bool):
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return None
    if kind in (1, 2):
        body = {"schema": f"{SP}/payload_data/jsonschema/1-0-4" if kind == 1 else m(),
                "data": [_parameters(m, draw, names_are_data=False, valid=draw(st.booleans()))
                         for _ in range(draw(st.integers(0, 3)))]}
        if draw(st.booleans()):
            body["extra"] = m()
        return json.dumps(body)
    if kind == 3:
        return json.dumps(_json_with(m, draw))
    if kind == 4:
        return urlencode(_parameters(m, draw, names_are_data=not iglu))
    if kind == 5:
        return "{" + m(long=True)  # broken JSON
    return f"{m()} {m(long=True)}"


def _headers(m: Planter, draw) -> list[str]:
    pool = ["Host: c.example.com", "Content-Type: application/json", "Accept: */*", f"Cookie: sp={m()}",
            f"X-Forwarded-For: {m()}", f"User-Agent: {m()}", f"Authorization: Bearer {m(long=True)}", m(),
            f"{m()} {m()}: x", f"Referer: {m.url()}"]
    return draw(st.lists(st.sampled_from(pool), max_size=6))


@st.composite
def raw_records(draw):
    """A line of a raw file (base64 Thrift, or not), and the markers planted in it."""
    m = Planter(draw)
    kind = _one_of(draw, "not_base64", "not_thrift", "valid", "payload", weights=[1, 1, 4, 6])
    if kind == "not_base64":
        return f"{m()} {m()}!", m.planted
    if kind == "not_thrift":
        return base64.b64encode(b"\x0b\x7a" + m(long=True).encode()).decode(), m.planted
    fields = dict(
        ipAddress=_one_of(draw, "198.51.100.7", "m"), userAgent=_one_of(draw, None, "m"),
        refererUri=_one_of(draw, None, "m", "url"), networkUserId=_one_of(draw, None, "m", "6a3f2b9e-0000-4000-8000-0000000000bb"),
    )
    fields = {k: m(long=k != "ipAddress" or kind != "valid") if v == "m" else m.url() if v == "url" else v
              for k, v in fields.items()}
    headers = _headers(m, draw)
    if kind == "valid":  # events that are good, or fail Iglu validation (a context's data, an unknown schema)
        if _one_of(draw, "get", "post") == "get":
            result = sample_payload(path="/i", querystring=urlencode(_parameters(m, draw, valid=True)),
                                    headers=headers, **fields)
        else:
            body = {"schema": f"{SP}/payload_data/jsonschema/1-0-4",
                    "data": [_parameters(m, draw, valid=True) for _ in range(draw(st.integers(1, 3)))]}
            result = sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body=json.dumps(body),
                             content_type="application/json", headers=headers, **fields)
        return record(result), m.planted
    path = _one_of(draw, *PATHS, "/com.acme/v1", "/" + "v" * 70 + "/" + "x" * 20, f"/{m()}")  # vendor/version: clear
    iglu = path == "/com.snowplowanalytics.iglu/v1"
    params = _parameters(m, draw, names_are_data=not iglu)
    if iglu and draw(st.booleans()):
        params["schema"] = draw(random_schemas) if draw(st.booleans()) else m()
    querystring = _one_of(draw, "params", "junk", "none", weights=[4, 1, 1])
    junk = f"{'x_' + draw(keys) if iglu else m()}&{urlencode(params)}"
    querystring = {"params": urlencode(params), "junk": junk, "none": None}[querystring]
    if _one_of(draw, *range(10)) == 9:
        fields["schema"] = "iglu:" + m()
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if iglu and content_type == "application/x-www-form-urlencoded":  # the webhook makes a form's names keys
        body = urlencode(_parameters(m, draw, names_are_data=False))
    else:
        body = _body(m, draw, iglu)
    result = sample_payload(path=path, querystring=querystring, body=body, content_type=content_type, headers=headers,
                     **fields)
    return record(result), m.planted


@st.composite
def collector_bad_lines(draw):
    """Lines of the collector's raw-bad files: size violations, and lines that are not bad rows."""
    m = Planter(draw)
    if draw(st.booleans()):
        line = collector_badrows.size_violation(
            artifact="snowplow-beam-collector", version="0.1.0", now_ms=SAMPLE_START_MS, maximum=1000, actual=5000,
            expectation="oversized collector payload: Payload exceeds max size",
            payload=f"CollectorPayload(ipAddress:{m()}, querystring:uid={m(long=True)})", truncate_to=100).decode()
    else:
        line = draw(st.sampled_from([f"{m()} is not JSON", json.dumps({"schema": m(), "data": {"who": m()}}),
                                     json.dumps([m()])]))
    return line, m.planted


def _check_bad_row(bad, planted):
    out = PSEUDONYMIZER.bad_row(bad)
    seen = exposed(out.row)
    leaked = {m for m in planted if m in seen}
    assert not leaked, (bad.type_name, leaked, out.row)
    assert badrow_errors(out.row) == [], (bad.type_name, out.row)
    raw = bad.row["data"]["payload"].get("raw") if isinstance(bad.row["data"]["payload"], dict) else None
    if raw is not None and raw.get("parameters"):  # parameters of allowlisted fields survive unchanged
        after = out.row["data"]["payload"]["raw"]["parameters"]
        for before, kept in zip(raw["parameters"], after):
            if (before["name"] in POLICY.clear_parameters and len(before["value"]) <= 512
                    and parameter_fits(before["name"], before["value"])):
                assert kept == before
    return out


@PROPERTY
@given(lines=st.lists(raw_records(), min_size=1, max_size=3), collector_lines=st.lists(collector_bad_lines(), max_size=2))
def test_no_planted_value_of_any_record_survives_in_good_events_or_bad_rows(lines, collector_lines, caplog):
    planted = set()
    for line, found in lines:
        planted |= found
        good, bad = run_steps(line)
        for event in good:
            out = good_row(PSEUDONYMIZER, event)
            seen = exposed(out) + shipped_good(PSEUDONYMIZER, [event])
            assert not {m for m in planted if m in seen}, out
            # decimals are decimal text in the event and decimal128 in the row: compared as numbers
            assert all(out[k] == (Decimal(v) if isinstance(out[k], Decimal) else v)
                       for k, v in event.items() if k in POLICY.atomic_allowlist)
        for row in bad:
            _check_bad_row(row, planted)
        _check_bad_row(badrows.generic_error(line, ["ValueError at enrich.py:1 in enrich"], SAMPLE_START_MS), planted)
    for line, found in collector_lines:
        planted |= found
        _check_bad_row(parse_collector_bad_row(line), planted)
    assert not {m for m in planted if m in caplog.text}


def test_an_unexpected_error_keeps_the_record_out_of_logs_and_bad_rows(monkeypatch, caplog):
    """A bug in enrichment: the record is kept as a generic_error row, and neither it nor the log quotes it."""
    from snowplow_beam.transforms.enrich import EventEnricher

    secret = "QsecretQuotedByAnException"

    def broken(self, mapped):
        raise ValueError(f"cannot handle uid={mapped[0][0].parameters.get('uid')}")

    monkeypatch.setattr(EventEnricher, "finish_batch", broken)
    caplog.set_level(logging.DEBUG)
    good, bad = run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js",
                                                                       "uid": secret}))))
    assert good == [] and [b.type_name for b in bad] == ["generic_error"]
    out = _check_bad_row(bad[0], {secret})
    assert "ValueError" in out.row["data"]["failure"]["errors"][0]
    assert "unexpected error" in caplog.text and secret not in caplog.text


# ---- end to end ---------------------------------------------------------------------------------------

E2E_SALT = b"e2e-SALT-7f3a9c-\xe2\x9c\x93"
P = PLANTS


@pytest.mark.parametrize("good_format", ["parquet", "tsv"])
def test_end_to_end_nothing_planted_reaches_outputs_or_logs(tmp_path, caplog, capsys, monkeypatch, fresh_workers,
                                                            good_format):
    monkeypatch.delenv(SALT_ENV, raising=False)
    caplog.set_level(logging.DEBUG)  # everything any library logs, Beam's runner included
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(200, SAMPLE_START_MS) + planted_lines()) + "\n")
    collector_bad = tmp_path / "collector-bad.json"
    collector_bad.write_text("\n".join(planted_collector_bad_lines()) + "\n")
    salt_file = tmp_path / "salt"
    salt_file.write_bytes(E2E_SALT + b"\n")
    out = tmp_path / "lake"

    summary = run(["--input", str(raw), "--raw_bad_input", str(collector_bad), "--output", str(out),
                   "--salt_file", str(salt_file), "--good_format", good_format])

    assert summary.records_accounted and summary.outputs_accounted, summary.report()
    text, counts = output_text(out)
    assert {"good", "enriched_bad", "raw_bad"} <= set(counts)
    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    for name, value in PLANTS.items():
        assert value not in text, f"planted {name} ({value}) is in the output"
        assert value not in logs, f"planted {name} ({value}) is in the logs"
    for salt in (E2E_SALT, E2E_SALT.decode("utf-8")):
        assert (salt.decode("latin-1") if isinstance(salt, bytes) else salt) not in text
        assert (salt.decode("utf-8") if isinstance(salt, bytes) else salt) not in logs
    # the planted values did go through, pseudonymized with the salt from the file (newline stripped)
    assert hmac_hex(P["uid"], E2E_SALT) in text
    assert hmac_hex(P["gl_user"], E2E_SALT) in text
    assert hmac_hex(f"https://docs.gitlab.com/{P['target']}", E2E_SALT) in text
    assert summary.get("enriched_bad") >= 8 and summary.get("raw_bad") >= 3 and summary.get("good") > 200


# ---- the salt: never an option, never in the pipeline's description ---------------------------------


@pytest.mark.parametrize("source", ["file", "env"])
def test_salt_is_never_in_options_display_data_or_the_pipeline(tmp_path, monkeypatch, caplog, fresh_workers, source):
    caplog.set_level(logging.DEBUG)
    salt = b"opt-SALT-5b1d7e-long-enough"
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(20, SAMPLE_START_MS)) + "\n")
    argv = ["--input", str(raw), "--output", str(tmp_path / "lake")]
    monkeypatch.delenv(SALT_ENV, raising=False)
    if source == "file":
        (tmp_path / "salt").write_bytes(salt)
        argv += ["--salt_file", str(tmp_path / "salt")]
    else:
        monkeypatch.setenv(SALT_ENV, salt.decode())

    options = prepare_runner(PipelineOptions(argv), unbounded=False)
    snowplow = options.view_as(SnowplowOptions)
    config = config_from_options(snowplow)
    check_startup(snowplow, config, BATCH)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, snowplow, config, "run0")
    proto = pipeline.to_runner_api()

    assert salt not in proto.SerializeToString()
    assert salt.decode() not in str(proto)  # display data, options and environments included
    pickles = pardo_pickles(proto)
    assert len(pickles) >= 4 and all(b"snowplow" in p or b"transforms" in p or b"beam" in p for p in pickles)
    assert not [p for p in pickles if salt in p]
    assert salt.decode() not in json.dumps(options.get_all_options(), default=str)
    assert salt.decode() not in repr(config)
    assert salt.decode() not in caplog.text
    # the workers do read it: the pseudonymizer the DoFns set up uses this salt
    assert good_row(config.pseudonymizer(), {"user_id": "u"}) == {"user_id": hmac_hex("u", salt)}


def test_missing_salt_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(5, SAMPLE_START_MS)) + "\n")
    with pytest.raises(ConfigurationError) as caught:
        run(["--input", str(raw), "--output", str(tmp_path / "lake")])
    for option in ("--salt_file", "--salt_secret_id", SALT_ENV):
        assert option in str(caught.value)
    assert not (tmp_path / "lake").exists()


@pytest.mark.slow
def test_missing_salt_command_line_exits_2(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(5, SAMPLE_START_MS)) + "\n")
    env = {k: v for k, v in os.environ.items() if k != SALT_ENV}
    done = subprocess.run([sys.executable, "-m", "snowplow_beam.beam_pipeline", "--input", str(raw), "--output",
                           str(tmp_path / "lake")], capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 2, done.stderr
    assert "no pseudonymization salt" in done.stderr and "--salt_file" in done.stderr
    assert not (tmp_path / "lake").exists()


def test_empty_salt_file_fails_the_run_and_writes_nothing(tmp_path, monkeypatch, fresh_workers):
    monkeypatch.delenv(SALT_ENV, raising=False)
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(5, SAMPLE_START_MS)) + "\n")
    (tmp_path / "salt").write_bytes(b"\n")
    with pytest.raises(Exception, match="salt") as caught:
        run(["--input", str(raw), "--output", str(tmp_path / "lake"), "--salt_file", str(tmp_path / "salt")])
    assert "empty or unset" in str(caught.value)
    written = [p for p in (tmp_path / "lake").rglob("*") if p.is_file()] if (tmp_path / "lake").exists() else []
    assert written == []
