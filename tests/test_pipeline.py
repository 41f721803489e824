"""The Beam composites (TestPipeline) and whole batch runs of the pipeline on the DirectRunner."""
from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, is_not_empty
from jsonschema import Draft4Validator

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import ConfigurationError, run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.beam_pipeline.writers import WriteBadRows, WriteGoodEvents
from snowplow_analytics_sdk.event_transformer import transform
from tests.helpers import FILE_SALT, SAMPLE_START_MS, hmac_hex
from snowplow_beam.lake.layout import RAW_BAD, partition_path
from snowplow_beam.runners import prepare_runner
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.secrets import SecretSource
from snowplow_beam.beam_pipeline.steps import BAD, GOOD, LINES, ProcessRecords
from snowplow_beam.transforms.processor import RecordProcessor, arrow_table
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload

REGISTRY = Path(__file__).resolve().parents[1] / "transforms" / "iglu_registry" / "schemas"
SP = "iglu:com.snowplowanalytics.snowplow"


def local_test_pipeline() -> BeamTestPipeline:
    """A TestPipeline on the local preset: Beam's default runner would first try to download Prism."""
    return BeamTestPipeline(options=prepare_runner(PipelineOptions([]), unbounded=False))


def raw_line(path="/i", querystring=None, body=None, timestamp=SAMPLE_START_MS, **fields) -> str:
    payload = CollectorPayload(
        schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress="203.0.113.7", timestamp=timestamp, encoding="UTF-8",
        collector="ssc-3.4.0-kinesis", path=path, querystring=querystring, userAgent="Mozilla/5.0 test",
        headers=["Host: c.example.com"], **fields)
    if body is not None:
        payload.body = body.encode()
        payload.contentType = "application/json"
    return base64.b64encode(encode_payload(payload)).decode()


def page_view(**extra) -> str:
    return urlencode({"e": "pv", "p": "web", "tv": "js-3.0.0", "aid": "app", "url": "https://example.com/x?a=1",
                      "uid": "alice@example.com", **extra})


def badrow_schema(row: dict) -> dict:
    path = REGISTRY / row["schema"].removeprefix("iglu:")
    schema = json.loads(path.read_text())
    schema.pop("$schema", None)
    schema.pop("self", None)
    return schema


@pytest.fixture
def config(salt_file):
    return PipelineConfig(files=BEAM_FILES, salt=SecretSource.salt(str(salt_file)))


# ---- the record processor, stage by stage (Beam-free) -------------------------------------------

def _table(piece) -> list[dict]:
    return arrow_table(piece.data).to_pylist()


def test_decode_keeps_payloads_and_turns_unreadable_records_into_raw_bad_rows(config):
    good_line = raw_line(querystring=page_view())
    records = [good_line.encode(), b"not base64!", base64.b64encode(b"\x0b\x7a\x69junk")]
    events, bad = RecordProcessor(config).enriched(records)
    assert [event["event"] for event in events] == ["page_view"]
    assert [(row.output, row.type_name) for row in bad] == [(RAW_BAD, "collector_payload_format_violation")] * 2


def test_enrich_turns_one_post_into_its_events_and_rejects_unknown_vendors(config):
    body = json.dumps({"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [
        {"e": "pv", "p": "web", "tv": "t", "url": "https://a.example/"},
        {"e": "se", "p": "web", "tv": "t", "se_ca": "c", "se_ac": "a"}]})
    lines = [raw_line("/com.snowplowanalytics.snowplow/tp2", querystring="aid=from-query", body=body),
             raw_line("/com.acme/v9", querystring="a=1")]
    events, bad = RecordProcessor(config).enriched([line.encode() for line in lines])
    assert [(event["event"], event["app_id"]) for event in events] == [("page_view", "from-query"),
                                                                         ("struct", "from-query")]
    assert [row.type_name for row in bad] == ["adapter_failures"]


def test_validate_rejects_a_context_that_breaks_its_schema(config):
    bad_context = {"schema": f"{SP}/contexts/jsonschema/1-0-0", "data": [
        {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": 42}}]}
    good_context = {"schema": f"{SP}/contexts/jsonschema/1-0-0", "data": [
        {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9"}}]}
    lines = [raw_line(querystring=page_view(co=json.dumps(bad_context), eid="11111111-1111-4111-8111-111111111111")),
             raw_line(querystring=page_view(co=json.dumps(good_context), eid="22222222-2222-4222-8222-222222222222"))]
    events, bad = RecordProcessor(config).enriched([line.encode() for line in lines])
    assert [event["event_id"] for event in events] == ["22222222-2222-4222-8222-222222222222"]
    assert [row.row["data"]["failure"]["messages"][0]["schemaKey"] for row in bad] == [
        f"{SP}/web_page/jsonschema/1-0-0"]


def test_good_events_leave_pseudonymized_by_partition_and_counted(config):
    lines = [raw_line(querystring=page_view(uid="alice", aid="app")).encode(),
             raw_line(querystring=page_view(uid="bob"), timestamp=SAMPLE_START_MS + 3_600_000).encode(),
             b"not base64!"]
    result = RecordProcessor(config).process(lines)
    assert [(piece.partition, piece.rows) for piece in result.good] == [
        ("date=2025-11-28/hour=09", 1), ("date=2025-11-28/hour=10", 1)]
    first = _table(result.good[0])[0]
    # the expected pseudonym is HMAC-SHA256 (the hmac module) of "alice" under the salt in the file
    assert first["user_id"] == hmac_hex("alice", FILE_SALT) and first["app_id"] == "app"
    assert [(piece.output, piece.rows) for piece in result.bad] == [(RAW_BAD, 1)]
    assert {name: result.counters[name] for name in ("raw_records", "records_unreadable", "events", "good",
                                                      RAW_BAD)} == {
        "raw_records": 3, "records_unreadable": 1, "events": 2, "good": 2, RAW_BAD: 1}


def test_a_batch_reports_the_time_of_each_stage_of_the_record_path(config):
    lines = [raw_line(querystring=page_view(uid=f"user{n}")).encode() for n in range(20)] + [b"not base64!"]
    stages = RecordProcessor(config).process(lines).stage_ns
    assert set(stages) == {"decode", "adapt", "map", "enrich", "validate", "results", "pseudonymize", "serialize",
                           "bad_rows"}
    # every stage ran on these records (a bad row too), and the clock only adds time
    assert all(ns > 0 for ns in stages.values()), stages
    assert RecordProcessor(config).process([b"not base64!"]).stage_ns["map"] == 0  # no event was mapped


def test_parquet_pieces_carry_their_events_compressed(config):
    lines = [raw_line(querystring=page_view(uid=f"user{n}")).encode() for n in range(200)]
    piece, = RecordProcessor(config).process(lines).good
    table = arrow_table(piece.data)
    plain = pa.BufferOutputStream()
    with pa.ipc.new_stream(plain, table.schema) as writer:
        writer.write_table(table)
    assert table.num_rows == piece.rows == 200
    assert len(piece.data) * 3 < len(plain.getvalue())  # the runner holds pieces until the writers group them


def test_enrichments_written_in_python_run_once_per_batch_over_its_events(config, monkeypatch):
    calls = []

    class Tagging:  # an enrichment without NATIVE_KIND: it runs after the native chain, once per batch
        def enrich_batch(self, events, raws):
            calls.append(sorted(raw.parameters["uid"] for raw in raws))
            for event in events:
                event["geo_country"] = "GB"
            return [[] for _ in events]

    lines = [raw_line(querystring=page_view(uid=f"user{n}")).encode() for n in range(5)]
    plain = RecordProcessor(config).process(lines)
    shipped = PipelineConfig.enrichments
    monkeypatch.setattr(PipelineConfig, "enrichments", lambda self: [*shipped(self), Tagging()])
    tagged = RecordProcessor(config).process(lines)
    assert calls == [[f"user{n}" for n in range(5)]]
    assert plain.counters["good"] == tagged.counters["good"] == 5
    assert _table(plain.good[0])[0]["geo_country"] is None
    assert [row["geo_country"] for row in _table(tagged.good[0])] == ["GB"] * 5


def test_a_python_enrichment_that_raises_costs_only_the_events_it_fails_on(config, monkeypatch, caplog):
    class Picky:  # fails on one event: the batch is then finished event by event
        def enrich_batch(self, events, raws):
            if any(raw.parameters["uid"] == "user3" for raw in raws):
                raise RuntimeError("cannot take user3")
            return [[] for _ in events]

    class WrongLength:
        def enrich_batch(self, events, raws):
            return []

    lines = [raw_line(querystring=page_view(uid=f"user{n}")).encode() for n in range(5)]
    shipped = PipelineConfig.enrichments
    monkeypatch.setattr(PipelineConfig, "enrichments", lambda self: [*shipped(self), Picky()])
    result = RecordProcessor(config).process(lines)
    assert result.counters["events"] == 5 and result.counters["good"] == 4
    assert result.counters["enriched_bad_generic_error"] == 1
    assert "RuntimeError" in caplog.text and "user3" not in caplog.text
    monkeypatch.setattr(PipelineConfig, "enrichments", lambda self: [*shipped(self), WrongLength()])
    result = RecordProcessor(config).process(lines)
    assert result.counters["good"] == 0 and result.counters["enriched_bad_generic_error"] == 5


# ---- the composite and the writers ---------------------------------------------------------------

def test_process_records_and_the_writers_partition_by_collector_hour_with_deterministic_names(tmp_path, config):
    lines = [raw_line(querystring=page_view(eid=f"0000000{i}-1111-4111-8111-111111111111"),
                      timestamp=SAMPLE_START_MS + i * 1_800_000).encode() for i in range(4)]
    with local_test_pipeline() as p:
        processed = {LINES: p | beam.Create([lines[:3], lines[3:] + [b"%%%"]])} | ProcessRecords(config)
        written = processed[GOOD] | WriteGoodEvents(str(tmp_path), "run1")
        assert_that(written, is_not_empty(), label="good files")
        processed[BAD] | WriteBadRows(str(tmp_path), "run1")
    files = sorted(str(f.relative_to(tmp_path)) for f in tmp_path.rglob("*.*"))
    assert files[:2] == ["good/date=2025-11-28/hour=09/part-run1-000.parquet",
                         "good/date=2025-11-28/hour=10/part-run1-000.parquet"]
    assert len(files) == 3 and files[2].startswith("raw_bad/") and files[2].endswith("/part-run1-000.json")
    assert sorted(pq.read_table(tmp_path / files[0]).column("event_id").to_pylist()) == [
        "00000000-1111-4111-8111-111111111111", "00000001-1111-4111-8111-111111111111"]
    assert partition_path(SAMPLE_START_MS - 1) == "date=2025-11-28/hour=08"


# ---- whole runs ----------------------------------------------------------------------------------

def _run(tmp_path, salt_file, lines, *extra, name="raw.txt"):
    source = tmp_path / name
    data = ("\n".join(lines) + "\n").encode()
    source.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    out = tmp_path / "out"
    summary = run(["--input", str(source), "--output", str(out), "--salt_file", str(salt_file), *extra])
    return summary, out


def _files(root: Path) -> list[str]:
    return sorted(str(f.relative_to(root)) for f in root.rglob("*") if f.is_file())


def test_a_batch_run_accounts_for_every_record(tmp_path, salt_file):
    lines = generate_lines(300, SAMPLE_START_MS)
    summary, out = _run(tmp_path, salt_file, lines)
    assert summary.get("raw_records") == 300
    assert summary.records_accounted and summary.outputs_accounted
    good = pq.read_table(out / "good").num_rows
    bad = {kind: sum(len(f.read_text().splitlines()) for f in (out / kind).rglob("*.json"))
           for kind in ("raw_bad", "enriched_bad")}
    assert good == summary.get("good") > 300  # POST batches hold several events
    assert bad == {"raw_bad": summary.get("raw_bad"), "enriched_bad": summary.get("enriched_bad")}
    # the sample's broken records: 3 per 100 of each kind (not base64, not Thrift, unknown vendor, ...)
    assert summary.get("raw_bad_collector_payload_format_violation") == 6
    assert summary.get("enriched_bad_adapter_failures") == 3
    assert summary.get("enriched_bad_schema_violations") == 6
    assert not (out / "_temporary").exists() or not any((out / "_temporary").iterdir())


def test_every_bad_row_validates_against_its_iglu_schema(tmp_path, salt_file):
    _, out = _run(tmp_path, salt_file, generate_lines(200, SAMPLE_START_MS))
    rows = [json.loads(line) for f in out.rglob("*.json") for line in f.read_text().splitlines()]
    assert {row["schema"].split("/")[1] for row in rows} == {
        "collector_payload_format_violation", "adapter_failures", "schema_violations"}
    for row in rows:
        Draft4Validator(badrow_schema(row)).validate(row["data"])


def test_rerunning_the_same_input_replaces_its_files(tmp_path, salt_file, monkeypatch):
    # Undecodable records have no collector timestamp and are filed under the hour they were processed
    # (see the README); pin that hour so the two runs cannot straddle an hour boundary.
    monkeypatch.setattr("snowplow_beam.transforms.badrows.now_ms", lambda: SAMPLE_START_MS + 3_600_000)
    lines = generate_lines(120, SAMPLE_START_MS)
    _, out = _run(tmp_path, salt_file, lines)
    first = _files(out)
    assert [f for f in first if f.startswith("raw_bad/")] == [
        f"raw_bad/date=2025-11-28/hour=10/{Path(first[0]).name.replace('.parquet', '.json')}"]
    ids_first = sorted(pq.read_table(out / "good").column("event_id").to_pylist())
    _, out = _run(tmp_path, salt_file, lines)
    assert _files(out) == first
    assert sorted(pq.read_table(out / "good").column("event_id").to_pylist()) == ids_first


def _sorted_rows(out: Path) -> dict[str, list]:
    """Every file of a lake by name, its rows sorted (the order of pieces in a file is the shuffle's), the time
    of processing (``etl_tstamp``) left out."""
    rows = {}
    for name in _files(out):
        if name.endswith(".parquet"):
            table = pq.read_table(out / name).drop_columns(["etl_tstamp"])
            rows[name] = sorted(json.dumps(row, default=str) for row in table.to_pylist())
        else:
            text = re.sub(r'"etl_tstamp":"[^"]*"', "", (out / name).read_text())
            rows[name] = sorted(text.splitlines())
    return rows


def test_a_run_that_spills_its_pieces_writes_the_same_files_and_leaves_no_spill(tmp_path, salt_file, monkeypatch):
    """Past SPILL_BYTES a bundle's pieces wait on disk and the shuffle carries references: what is written must
    not change, and the spill files go with the run's temporary area."""
    monkeypatch.setattr("snowplow_beam.transforms.badrows.now_ms", lambda: SAMPLE_START_MS + 3_600_000)
    lines = generate_lines(400, SAMPLE_START_MS)
    held, out = _run(tmp_path, salt_file, lines)
    held_out = out.rename(tmp_path / "held")
    monkeypatch.setattr("snowplow_beam.beam_pipeline.writers.SPILL_BYTES", 20_000)
    spilled, spilled_out = _run(tmp_path, salt_file, lines)
    assert held.get("pieces_spilled") == 0
    assert spilled.get("pieces_spilled") > 0
    assert held.ok and spilled.ok and spilled.get("good") == held.get("good") > 0
    assert _sorted_rows(spilled_out) == _sorted_rows(held_out)
    assert not (spilled_out / "_temporary").exists() or not any((spilled_out / "_temporary").rglob("*.spill"))


def test_gzip_input_and_tsv_output_that_the_snowplow_sdk_reads(tmp_path, salt_file):
    summary, out = _run(tmp_path, salt_file, generate_lines(100, SAMPLE_START_MS, broken=False),
                        "--good_format", "tsv", name="raw.txt.gz")
    lines = [line for f in sorted((out / "good").rglob("*.tsv")) for line in f.read_text().splitlines()]
    assert len(lines) == summary.get("good") > 100
    for line in lines:
        assert len(line.split("\t")) == 131
        event = transform(line)
        assert event["app_id"] == "gitlab" and event["event_id"]
    flattened = [transform(line) for line in lines]
    assert any("contexts_com_gitlab_gitlab_standard_1" in event for event in flattened)
    assert any("unstruct_event_com_snowplowanalytics_snowplow_link_click_1" in event for event in flattened)


def test_a_missing_salt_stops_the_run_before_it_starts(tmp_path, monkeypatch):
    monkeypatch.delenv("PSEUDONYMIZATION_SALT", raising=False)
    source = tmp_path / "raw.txt"
    source.write_text(raw_line(querystring=page_view()) + "\n")
    with pytest.raises(ConfigurationError, match="salt"):
        run(["--input", str(source), "--output", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_the_collectors_raw_bad_rows_are_pseudonymized_into_raw_bad(tmp_path, salt_file):
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0", "data": {
        "processor": {"artifact": "collector", "version": "0.1.0"},
        "failure": {"timestamp": "2025-11-28T09:30:00.000Z", "maximumAllowedSizeBytes": 1000000,
                    "actualSizeBytes": 1500000, "expectation": "smaller"},
        "payload": "CollectorPayload(ipAddress=198.51.100.23, querystring=uid=secret-user"}}
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(row) + "\nnot json\n")
    summary = run(["--raw_bad_input", str(source), "--output", str(tmp_path / "out"), "--salt_file", str(salt_file)])
    assert summary.get("collector_bad_rows") == 2 and summary.get("raw_bad") == 2
    assert summary.outputs_accounted
    text = "".join(f.read_text() for f in (tmp_path / "out" / "raw_bad").rglob("*.json"))
    assert "secret-user" not in text and "198.51.100.23" not in text and "not json" not in text
    written = [json.loads(line) for line in text.splitlines()]
    assert {r["schema"].split("/")[1] for r in written} == {"size_violation", "generic_error"}
    assert (tmp_path / "out" / "raw_bad" / "date=2025-11-28" / "hour=09").is_dir()
    for r in written:
        Draft4Validator(badrow_schema(r)).validate(r["data"])


def test_a_collector_bad_row_of_an_unknown_type_is_kept_whole_as_a_generic_error(tmp_path, salt_file):
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/jane.doe@example.com/jsonschema/1-0-0",
           "data": {"failure": {"timestamp": "2025-11-28T09:30:00.000Z"}, "payload": "x"}}
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(row) + "\n")
    summary = run(["--raw_bad_input", str(source), "--output", str(tmp_path / "out"), "--salt_file", str(salt_file)])
    assert summary.get("raw_bad_generic_error") == 1
    assert not any("jane" in name for name in summary.counters)
    text = "".join(f.read_text() for f in (tmp_path / "out" / "raw_bad").rglob("*.json"))
    assert "jane" not in text


def test_an_empty_salt_file_stops_the_run_before_it_starts(tmp_path):
    source = tmp_path / "raw.txt"
    source.write_text(raw_line(querystring=page_view()) + "\n")
    empty = tmp_path / "salt"
    empty.write_text("\n")
    with pytest.raises(ConfigurationError, match="salt"):
        run(["--input", str(source), "--output", str(tmp_path / "out"), "--salt_file", str(empty)])
    assert not (tmp_path / "out").exists()
