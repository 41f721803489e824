"""Hostile input and unlucky operators: one test per class of defect that could kill a run, lose records or
leak values through bad rows. Each poison record is run the way a user runs the pipeline, beside a good
record: the run ends, the good record is written, the poison is a schema-valid bad row with nothing in clear.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pyarrow.parquet as pq
import pytest

from snowplow_beam.beam_pipeline import __main__ as cli
from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import ConfigurationError, run
from snowplow_beam.beam_pipeline.summary import RunSummary
from snowplow_beam.beam_pipeline.sources import read_lines
from snowplow_beam.transforms.badrows import parse_collector_bad_row
from tests.helpers import (
    good_row,
    CONTEXTS, POLICY, PSEUDONYMIZER, SP, UNSTRUCT, badrow_errors, hmac_hex, record, run_steps, sample_payload,
    sample_source,
)
from snowplow_beam.transforms import badrows, bounded_json, native
from snowplow_beam.transforms.adapters import RawEvent
from snowplow_beam.transforms.enrich import EventEnricher
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator
from snowplow_beam.transforms.pseudonymize import Pseudonymizer
from snowplow_beam.transforms.secrets import SecretSource, SecretUnavailable, read_salt

SECRET = "jane.doe@example.com"  # planted wherever a hostile request can put data; must never be in clear
TP2 = "/com.snowplowanalytics.snowplow/tp2"
WEB_PAGE = f"{SP}/web_page/jsonschema/1-0-0"


def good_line() -> str:
    return record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "tv": "js-3.0.0", "aid": "shop",
                                                 "eid": "c6ef3124-b53a-4b13-a233-0088f79dcbcb"})))


def nested(levels: int) -> str:
    """JSON text of SECRET inside ``levels`` arrays (built as text: Python's own encoder recurses)."""
    return "[" * levels + json.dumps(SECRET) + "]" * levels


def with_deep(document, levels: int) -> str:
    """``document``'s JSON text with its ``"DEEP"`` value replaced by :func:`nested` text."""
    return json.dumps(document).replace('"DEEP"', nested(levels))


def lake_run(tmp_path: Path, salt_file: Path, files: dict[str, bytes], *extra: str) -> tuple[RunSummary, Path]:
    """Write the input files, run the batch pipeline over all of them, return its summary and the lake."""
    inputs = tmp_path / "in"
    inputs.mkdir(exist_ok=True)
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    out = tmp_path / "lake"
    summary = run(["--input", f"{inputs}/*", "--output", str(out), "--salt_file", str(salt_file), *extra])
    return summary, out


def lines(*records: str) -> bytes:
    return ("\n".join(records) + "\n").encode()


def bad_rows(out: Path, kind: str | None = None) -> list[dict]:
    rows = []
    for folder in ("raw_bad", "enriched_bad") if kind is None else (kind,):
        for path in sorted((out / folder).rglob("*.json")):
            rows.extend(json.loads(line) for line in path.read_text().splitlines())
    return rows


def good_ids(out: Path) -> list[str]:
    if not (out / "good").exists():
        return []
    return sorted(pq.read_table(out / "good", columns=["event_id"]).column("event_id").to_pylist())


def assert_private_and_valid(out: Path, secret: str = SECRET) -> list[dict]:
    rows = bad_rows(out)
    text = "\n".join(path.read_text(errors="replace") for path in out.rglob("*.json"))
    assert secret not in text
    for row in rows:
        assert badrow_errors(row) == [], row
    return rows


# ---- deep JSON ------------------------------------------------------------------------------------

def test_json_nested_past_the_limit_is_rejected_and_within_it_kept():
    assert bounded_json.loads(nested(bounded_json.MAX_JSON_DEPTH - 1)) == json.loads(nested(49))
    for levels in (bounded_json.MAX_JSON_DEPTH + 1, 255, 1000, 1023):
        with pytest.raises(ValueError, match="deeper than 50"):
            bounded_json.loads(nested(levels))


@pytest.mark.parametrize("levels", [60, 254, 255, 1000])
def test_deep_json_in_contexts_unstruct_events_and_bodies_is_a_valid_bad_row(tmp_path, salt_file, levels):
    unstruct = with_deep({"schema": UNSTRUCT, "data": {"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": "DEEP"}},
                         levels)
    poison = [
        record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "co": with_deep(
            {"schema": CONTEXTS, "data": [{"schema": WEB_PAGE, "data": {"id": "DEEP"}}]}, levels)}))),
        record(sample_payload(querystring=urlencode({"e": "ue", "p": "web", "ue_px": base64.urlsafe_b64encode(
            unstruct.encode()).decode()}))),
        record(sample_payload(path=TP2, content_type="application/json", body=with_deep(
            {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [{"e": "pv", "p": "web", "x": "DEEP"}]},
            levels))),
        record(sample_payload(path=TP2, content_type="application/json", body=with_deep(
            {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [{"e": "pv", "p": "web", "co": with_deep(
                {"schema": CONTEXTS, "data": [{"schema": WEB_PAGE, "data": {"id": "DEEP"}}]}, levels)}]}, 0))),
        record(sample_payload(path="/com.snowplowanalytics.iglu/v1",
                              querystring="schema=iglu:com.acme/x/jsonschema/1-0-0",
                       content_type="application/json", body=nested(levels))),
    ]
    summary, out = lake_run(tmp_path, salt_file, {"raw.txt": lines(good_line(), *poison)})
    assert summary.ok, summary.report()
    assert good_ids(out) == ["c6ef3124-b53a-4b13-a233-0088f79dcbcb"]
    rows = assert_private_and_valid(out)
    assert len(rows) == len(poison) == summary.get("enriched_bad")


def test_deep_json_in_the_collectors_raw_bad_files_is_kept_as_a_generic_error(tmp_path, salt_file):
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
           "data": {"failure": {"timestamp": "2026-11-28T07:00:00Z"}, "payload": "DEEP"}}
    raw_bad = tmp_path / "collector-bad.json"
    raw_bad.write_text(with_deep(row, 1000) + "\n")
    summary, out = lake_run(tmp_path, salt_file, {"raw.txt": lines(good_line())},
                            "--raw_bad_input", str(raw_bad))
    assert summary.ok, summary.report()
    [kept] = [r for r in assert_private_and_valid(out) if r["schema"].endswith("generic_error/jsonschema/1-0-0")]
    assert kept["data"]["payload"].startswith("hmac-sha256:")


# ---- numbers in linear time -----------------------------------------------------------------------

def test_a_decimal_of_a_million_digits_is_refused_at_once():
    started = time.perf_counter()
    for text in ("9" * 1_000_000, "1" * 40_000 + "x", "1" * 40_000 + "." + "2" * 40_000 + "e"):
        with pytest.raises(ValueError):
            native.parse_parameter("se_va", text)
    assert [native.parse_parameter("se_va", text) for text in ("0.0000001", "-12.5E3", ".5")] == [
        [("se_value", "0.0000001")], [("se_value", "-12500")], [("se_value", "0.5")]]
    assert time.perf_counter() - started < 5  # a hang guard only: the quadratic pattern took minutes


@pytest.mark.timeout(120)
def test_huge_numbers_in_every_decimal_parameter_are_bad_rows(tmp_path, salt_file):
    digits = "1" * 40_000 + "x"
    get = {"e": "tr", "p": "web", "tr_id": "o1", "tr_tt": digits, "tr_tx": digits, "tr_sh": digits}
    post = [{"e": "se", "p": "web", "tv": "js-3.0.0", "se_ca": "c", "se_ac": "a", "se_va": "9" * 300_000 + "!"},
            {"e": "pp", "p": "web", "tv": "js-3.0.0", "pp_mix": "1" * 100_000, "ti_pr": "2" * 100_000 + "."}]
    poison = [record(sample_payload(querystring=urlencode(get))),
              record(sample_payload(path=TP2, content_type="application/json", body=json.dumps(
                  {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": post})))]
    summary, out = lake_run(tmp_path, salt_file, {"raw.txt": lines(good_line(), *poison)})
    assert summary.ok, summary.report()
    assert len(good_ids(out)) == 1
    assert summary.get("enriched_bad_schema_violations") == summary.get("enriched_bad") == 3
    assert_private_and_valid(out)


def test_format_checks_that_backtrack_on_long_text_fail_it_at_once():
    # email's look-ahead is quadratic: 200,000 dots took minutes before its length was bounded
    validator = Validator(Resolver.embedded())
    yauaa = "iglu:nl.basjes/yauaa_context/jsonschema/1-0-0"
    started = time.perf_counter()
    for email in ("a@" + "." * 200_000, "a@b" + "." * 100_000 + "c"):
        messages = validator.validate({"schema": yauaa, "data": {"deviceClass": "Desktop", "agentInformationEmail": email}})
        assert "agentInformationEmail" in json.dumps(messages)
    assert validator.validate({"schema": yauaa, "data": {"deviceClass": "Desktop",
                                                         "agentInformationEmail": "jane@example.com"}}) == []
    assert time.perf_counter() - started < 10  # a hang guard only


# ---- bytes that are not text, files that are damaged ---------------------------------------------

def test_lines_that_are_not_utf8_or_not_text_are_format_violations(tmp_path, salt_file):
    junk = [b"\xff\xfe" + SECRET.encode("utf-16-le"), "café-olé".encode("latin-1"), b"\xed\xa0\x80\xed\xb0\x80",
            b"\x00\x01\x02" * 50]
    data = lines(good_line()) + b"\n".join(junk) + b"\n"
    binary = bytes(range(256)) * 64  # a binary file the glob also matched
    summary, out = lake_run(tmp_path, salt_file, {"raw.txt": data, "picture.bin": binary})
    assert summary.ok, summary.report()
    assert len(good_ids(out)) == 1
    rows = assert_private_and_valid(out)
    assert summary.get("records_unreadable") == len(rows) == summary.get("raw_records") - 1
    assert summary.get("records_unreadable") >= len(junk) + 1
    assert all(r["schema"].endswith("collector_payload_format_violation/jsonschema/1-0-0") for r in rows)


def test_a_damaged_file_is_named_fails_the_run_and_the_other_files_are_written(tmp_path, salt_file, capsys):
    good = [good_line()] + [record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "aid": f"a{i}"})))
                            for i in range(200)]
    whole = gzip.compress(lines(*good))
    files = {"a-good.txt.gz": gzip.compress(lines(good[0])) + gzip.compress(lines(good[1])),  # two members
             "b-cut.txt.gz": whole[: len(whole) // 2],  # truncated
             "c-not-gzip.txt.gz": b"this was never gzip\n"}
    summary, out = lake_run(tmp_path, salt_file, files)
    assert not summary.ok
    assert [Path(p).name for p in summary.damaged_files] == ["b-cut.txt.gz", "c-not-gzip.txt.gz"]
    assert summary.get("files_damaged") == 2 and summary.get("files_read") == 3
    assert summary.records_accounted and summary.outputs_accounted  # the damaged rest is one raw-bad row each
    read_from_cut = summary.get("raw_records") - 2 - 2  # two records of a-good, one damage row per damaged file
    assert 0 < read_from_cut < len(good)
    assert len(good_ids(out)) == summary.get("good") == 2 + read_from_cut
    damage = [r for r in bad_rows(out, "raw_bad") if "damaged input file" in r["data"]["failure"]["message"]["error"]]
    assert sorted(Path(r["data"]["failure"]["message"]["error"].split()[3]).name for r in damage) == [
        "b-cut.txt.gz", "c-not-gzip.txt.gz"]
    assert "DAMAGED input file" in summary.report()
    # the command line exits non-zero, naming the files
    code = cli.main(["--input", str(tmp_path / "in" / "*"), "--output", str(tmp_path / "again"),
                     "--salt_file", str(salt_file)])
    assert code == 1 and "b-cut.txt.gz" in capsys.readouterr().out


def test_a_line_longer_than_the_limit_is_skipped_without_reading_it_into_memory(tmp_path):
    path = tmp_path / "raw.txt"
    path.write_bytes(b"first\n" + b"A" * 5000 + b"\r\nlast")
    read = list(read_lines(str(path), max_line=1000))
    assert read[0] == b"first" and read[2] == b"last"
    assert isinstance(read[1], badrows.Unreadable) and not read[1].damaged and read[1].line == 2
    assert read[1].offset == 6


# ---- timestamps, integers, accounting, policy, salt ----------------------------------------------

@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1969-12-31T23:59:59Z",
                                   "+275760-09-13T00:00:00Z", "2026-13-45T99:00:00Z"])
def test_collector_bad_rows_with_edge_timestamps_are_kept_as_generic_errors(tmp_path, salt_file, stamp):
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
           "data": {"processor": {"artifact": "ssc", "version": "3.4.0"}, "payload": SECRET,
                    "failure": {"timestamp": stamp, "maximumAllowedSizeBytes": 1, "actualSizeBytes": 2,
                                "expectation": f"too big for {SECRET}"}}}
    assert parse_collector_bad_row(json.dumps(row)).row["schema"].endswith("/generic_error/jsonschema/1-0-0")
    raw_bad = tmp_path / "collector-bad.json"
    raw_bad.write_text(json.dumps(row) + "\n")
    summary, out = lake_run(tmp_path, salt_file, {"raw.txt": lines(good_line())}, "--raw_bad_input", str(raw_bad))
    assert summary.ok, summary.report()
    assert summary.get("collector_bad_rows") == 1 == summary.get("raw_bad")
    assert_private_and_valid(out)


def test_a_foreign_bad_row_keeps_only_its_shape_in_clear():
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
           "data": {"processor": {"artifact": "ssc", "version": "3.4.0"}, "payload": SECRET,
                    "failure": {"timestamp": "2026-11-28T07:00:00Z", "maximumAllowedSizeBytes": 1000,
                                "actualSizeBytes": 2000, "expectation": f"too big for {SECRET}"}}}
    out = PSEUDONYMIZER.bad_row(parse_collector_bad_row(json.dumps(row))).row
    assert badrow_errors(out) == []
    failure = out["data"]["failure"]
    assert (failure["timestamp"], failure["maximumAllowedSizeBytes"], failure["actualSizeBytes"]) == (
        "2026-11-28T07:00:00Z", 1000, 2000)
    assert failure["expectation"] == hmac_hex(f"too big for {SECRET}")
    assert out["data"]["processor"] == {"artifact": "ssc", "version": "3.4.0"}
    assert SECRET not in json.dumps(out)


@pytest.mark.parametrize("number", [2 ** 64, -(2 ** 63) - 1, 10 ** 400])
def test_integers_beyond_64_bits_are_bad_rows_not_floats(number):
    with pytest.raises(ValueError, match="64 bits|out of range"):  # a double cannot hold 10 ** 400 either
        bounded_json.loads(f'{{"n": [{number}]}}')
    assert bounded_json.loads(f'{{"n": {2 ** 64 - 1}, "m": {-(2 ** 63)}, "s": "{"9" * 40}"}}')["n"] == 2 ** 64 - 1
    line = record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "co": json.dumps(
        {"schema": CONTEXTS, "data": [{"schema": WEB_PAGE, "data": {"id": number}}]})})))
    good, bad = run_steps(line)
    assert good == [] and [b.type_name for b in bad] == ["schema_violations"]
    assert "64 bits" in json.dumps(bad[0].row["data"]["failure"]) or number == 10 ** 400


def test_no_counters_for_input_that_held_bytes_is_a_failure():
    nothing = RunSummary({}, {}, input_bytes=4096)
    assert not nothing.records_accounted and not nothing.ok
    assert "FAILED" in nothing.report()
    assert RunSummary({}, {}, input_bytes=0).ok  # empty files hold no records


def test_a_policy_that_hashes_collector_tstamp_is_refused_at_start_up(tmp_path, salt_file):
    policy = json.loads(Path("transforms/data/pseudonymization.json").read_text())
    policy["atomic_allowlist"].remove("collector_tstamp")
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    (tmp_path / "raw.txt").write_text(good_line() + "\n")
    with pytest.raises(ConfigurationError, match="collector_tstamp"):
        run(["--input", str(tmp_path / "raw.txt"), "--output", str(tmp_path / "lake"), "--salt_file", str(salt_file),
             "--pseudonymization_config", str(tmp_path / "policy.json")])
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize("salt", [b"x", b"fifteen-bytes!!"])
def test_salts_shorter_than_16_bytes_are_refused(tmp_path, salt):
    (tmp_path / "salt").write_bytes(salt + b"\n")
    with pytest.raises(SecretUnavailable, match="at least 16"):
        read_salt(SecretSource.salt(str(tmp_path / "salt")), BEAM_FILES)
    (tmp_path / "salt").write_bytes(b"sixteen-bytes!!!\n")
    assert read_salt(SecretSource.salt(str(tmp_path / "salt")), BEAM_FILES) == b"sixteen-bytes!!!"


# ---- privacy of bad rows --------------------------------------------------------------------------

ALLOWLISTED_TYPED = {  # parameters whose fields the default policy keeps in clear, with a value that fails
    "eid": SECRET, "dtm": SECRET, "stm": SECRET, "ttm": SECRET, "e": SECRET, "p": SECRET, "res": SECRET,
    "vp": SECRET, "ds": SECRET, "se_va": SECRET, "tr_tt": SECRET, "ti_qu": SECRET, "pp_mix": SECRET,
    "cookie": SECRET, "f_pdf": SECRET, "tid": SECRET, "vid": SECRET, "tz": SECRET, "lang": SECRET, "cd": SECRET,
    "cs": SECRET, "tr_cu": SECRET, "ti_cu": SECRET, "tv": SECRET, "tna": SECRET,
}


def test_values_that_fail_their_type_check_are_hashed_in_bad_rows_even_when_allowlisted():
    assert set(ALLOWLISTED_TYPED) <= POLICY.clear_parameters
    valid = {"eid": "c6ef3124-b53a-4b13-a233-0088f79dcbcb", "dtm": "1764320400000", "e": "pv", "p": "web",
             "res": "1920x1080", "se_va": "12.5", "tz": "Europe/London", "lang": "en-GB", "cd": "24", "cs": "UTF-8",
             "tv": "js-3.1.0", "cookie": "1", "tr_cu": "EUR"}
    for name, value in ALLOWLISTED_TYPED.items():
        assert PSEUDONYMIZER.parameter(name, value) == hmac_hex(value), name
    for name, value in valid.items():
        assert PSEUDONYMIZER.parameter(name, value) == value, name
    # the same through a whole record: a GET with every one of them broken
    good, bad = run_steps(record(sample_payload(querystring=urlencode(ALLOWLISTED_TYPED))))
    out = PSEUDONYMIZER.bad_row(bad[0]).row
    assert SECRET not in json.dumps(out) and badrow_errors(out) == []


def test_allowlisted_entity_paths_of_an_entity_that_fails_validation_are_hashed():
    invalid = {"schema": WEB_PAGE, "data": {"id": SECRET}}  # web_page.id must be a UUID
    valid = {"schema": WEB_PAGE, "data": {"id": "c6ef3124-b53a-4b13-a233-0088f79dcbcb"}}
    contexts = json.dumps({"schema": CONTEXTS, "data": [invalid, valid]})
    out = json.loads(PSEUDONYMIZER.parameter("co", contexts))
    assert out["data"][0]["data"]["id"] == hmac_hex(SECRET)
    assert out["data"][1]["data"]["id"] == valid["data"]["id"]
    good, bad = run_steps(record(sample_payload(querystring=urlencode({"e": "pv", "p": "web", "co": contexts}))))
    row = PSEUDONYMIZER.bad_row(bad[0]).row
    assert SECRET not in json.dumps(row) and badrow_errors(row) == []
    # without a validator nothing is known to be valid: the whole entity is hashed
    assert json.loads(Pseudonymizer(POLICY, b"s" * 16).parameter("co", contexts))["data"][1]["data"]["id"] != \
        valid["data"]["id"]


def test_names_headers_encoding_and_collector_that_carry_data_are_hashed():
    body = json.dumps({"schema": f"{SP}/payload_data/jsonschema/1-0-4",
                       "data": [{"e": "pv", "p": "web", SECRET: "1", "dtm": "x"}]})
    line = record(sample_payload(path=TP2, body=body, content_type=f"application/json; {SECRET}",
                          headers=["Host: c.example.com", f"X-{SECRET.replace('@', '-')}: 1", f"Cookie: {SECRET}"],
                          encoding=SECRET[:30], collector=SECRET, hostname=SECRET))
    good, bad = run_steps(line)
    for row in (PSEUDONYMIZER.bad_row(b).row for b in bad):
        text = json.dumps(row)
        assert SECRET not in text and SECRET.replace("@", "-") not in text and SECRET[:30] not in text
        assert badrow_errors(row) == []
    # a parameter name in a querystring, and in a form body of the Iglu webhook
    good, bad = run_steps(record(sample_payload(querystring=quote(SECRET) + "=1&e=zz")))
    assert SECRET not in json.dumps(PSEUDONYMIZER.bad_row(bad[0]).row)


def test_a_bad_row_that_would_fail_its_schema_becomes_a_valid_generic_error():
    raw = RawEvent({"e": "pv"}, sample_source(vendor="v" * 10, version="tp2"))
    bad = badrows.schema_violations(raw, {"app_id": "a"}, [{"not": "a schema_violations message"}])
    out = PSEUDONYMIZER.bad_row(bad).row
    assert out["schema"].endswith("/generic_error/jsonschema/1-0-0")
    assert out["data"]["payload"].startswith("hmac-sha256:") and badrow_errors(out) == []


def test_event_enricher_rejects_oversized_integers_and_dimensions():
    enricher = EventEnricher()
    for parameters in ({"e": "pv", "tid": "9" * 5000}, {"e": "pv", "res": "1" * 5000 + "x1"},
                       {"e": "pv", "dtm": "1" * 5000}, {"e": "pp", "pp_mix": "1" * 5000}):
        raw = RawEvent(parameters, sample_source(vendor="com.snowplowanalytics.snowplow", version="tp2"))
        with pytest.raises(Exception) as caught:
            enricher.enrich(raw, hashlib.sha256(b"seed").digest(), 0)
        assert type(caught.value).__name__ == "EnrichmentError"
        assert caught.value.bad_row.type_name == "schema_violations"


def test_pseudonyms_of_long_values_are_not_cached():
    from snowplow_beam.transforms.pseudonymize import Hasher

    hasher = Hasher(b"s" * 16, cache_size=4)
    long_value = SECRET * 10_000
    assert hasher.text(long_value) == hmac_hex(long_value, b"s" * 16)
    assert hasher.text("short") == hmac_hex("short", b"s" * 16)
    cached = hasher.text.__closure__  # the cache is the wrapped lru_cache: only the short value entered it
    lru = next(cell.cell_contents for cell in cached if hasattr(cell.cell_contents, "cache_info"))
    assert lru.cache_info().currsize == 1


def test_an_entity_with_thousands_of_failures_makes_a_bounded_bad_row():
    from snowplow_beam.transforms.iglu.compiled_schema import MAX_DATA_REPORTS

    # yauaa_context allows no additional properties: 5,000 of them are 5,000 failures, of which 100 are reported
    messages = Validator(Resolver.embedded()).validate(
        {"schema": "iglu:nl.basjes/yauaa_context/jsonschema/1-0-0",
         "data": {"deviceClass": "Desktop", **{f"extra{i}": i for i in range(5000)}}})
    assert 0 < len(messages[0]["error"]["dataReports"]) <= MAX_DATA_REPORTS


def test_two_salts_in_one_process_give_two_pseudonymizers(monkeypatch):
    from snowplow_beam.transforms.config import PipelineConfig
    from snowplow_beam.transforms.secrets import SALT_ENV

    config = PipelineConfig()  # the salt from the environment of the worker
    monkeypatch.setenv(SALT_ENV, "first-salt-of-16-bytes")
    first = good_row(config.pseudonymizer(), {"user_id": "u1"})["user_id"]
    monkeypatch.setenv(SALT_ENV, "second-salt-of-16-bytes")
    second = good_row(config.pseudonymizer(), {"user_id": "u1"})["user_id"]
    assert (first, second) == (hmac_hex("u1", b"first-salt-of-16-bytes"), hmac_hex("u1", b"second-salt-of-16-bytes"))


def test_help_lists_the_pipelines_own_options(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--input", "--raw_bad_input", "--output", "--good_format", "--salt_file", "--recovery_key_file",
                   "--pseudonymization_config", "--iglu_resolver", "--enrichments", "--kinesis_stream"):
        assert option in text
    assert "default: parquet" in text and "Exit status" in text


def test_a_user_agent_over_its_max_length_is_not_parsed_and_the_event_is_a_bad_row():
    good, bad = run_steps(record(sample_payload(querystring="e=pv&p=web&tv=js", userAgent="bot" * 330_000)))
    assert good == [] and [b.type_name for b in bad] == ["schema_violations"]
    assert "useragent" in json.dumps(bad[0].row["data"]["failure"])  # atomic maxLength 1000


def test_a_line_with_a_lone_surrogate_is_a_pseudonymized_format_violation():
    good, bad = run_steps("abc\ud800")
    out = PSEUDONYMIZER.bad_row(bad[0]).row
    assert good == [] and out["schema"].endswith("collector_payload_format_violation/jsonschema/1-0-0")
    assert out["data"]["payload"].startswith("hmac-sha256:") and badrow_errors(out) == []
