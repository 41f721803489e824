"""Recovery: encrypted originals in bad rows (keys, envelopes, privacy) and ``snowplow-recover`` end to end.

The end-to-end story: a schema is missing from the registry, so events that use it become schema_violations
bad rows (each carrying its raw record, sealed with the recovery key); the schema is added; ``snowplow-recover``
turns those rows into good events with their original ``event_id`` and ``collector_tstamp``, exactly once even
when run twice.
"""
from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from urllib.parse import urlencode

import orjson
import pyarrow.parquet as pq
import pytest

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import ConfigurationError, run
from snowplow_beam.recover.__main__ import main as recover_main, recover
from snowplow_beam.recover.graph import bad_row_event_id
from snowplow_beam.beam_pipeline.writers import ParquetFormat, TsvFormat, existing_event_ids
from snowplow_beam.lake.layout import partitions_between, recovered_file_name
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.transforms.badrows import parse_collector_bad_row
from tests.helpers import (
    PLANTS, POLICY, SALT, SAMPLE_START_MS, SP, UNSTRUCT, b64, badrow_errors, exposed, output_text, pardo_pickles,
    planted_collector_bad_lines, planted_lines, record, run_steps, sample_payload,
)
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.pseudonymize import Pseudonymizer
from snowplow_beam.transforms.recovery import (
    RECOVERY_FIELD, EnvelopeError, Keyring, Original, UnknownKey, generate_key, key_id, parse_keys,
)
from snowplow_beam.transforms.timestamps import parse_time
from snowplow_beam.transforms.secrets import RECOVERY_KEY_ENV, SALT_ENV, SecretSource, SecretUnavailable
from snowplow_beam.transforms.processor import RecordProcessor

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
KEYRING = Keyring([KEY_A])
SEALING = Pseudonymizer(POLICY, SALT, recovery=KEYRING)
ACME = "iglu:com.acme/checkout/jsonschema/1-0-0"
ACME_SCHEMA = {
    "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
    "self": {"vendor": "com.acme", "name": "checkout", "format": "jsonschema", "version": "1-0-0"},
    "type": "object",
    "properties": {"order": {"type": "string", "maxLength": 64}, "total": {"type": "number"}},
    "required": ["order"],
    "additionalProperties": False,
}


# ---- keys ----------------------------------------------------------------------------------------------

def test_key_file_format_hex_base64_comments_and_order():
    text = (f"# recovery keys, newest first\n{KEY_B.hex()}  # current\n\n"
            f"{base64.b64encode(KEY_A).decode()}\n{base64.urlsafe_b64encode(KEY_A).decode().rstrip('=')}x\n")
    with pytest.raises(SecretUnavailable) as caught:
        parse_keys(text)
    assert "recovery key 3" in str(caught.value) and KEY_A.hex() not in str(caught.value)
    assert parse_keys(text.rsplit("\n", 2)[0]) == [KEY_B, KEY_A]
    assert parse_keys(f"{KEY_A.hex()},{KEY_B.hex()}") == [KEY_A, KEY_B]  # RECOVERY_KEY: commas too
    keyring = Keyring.from_text(f"{KEY_B.hex()}\n{KEY_A.hex()}\n")
    assert keyring.current_id == key_id(KEY_B) and keyring.key_ids == (key_id(KEY_B), key_id(KEY_A))
    assert len(key_id(KEY_A)) == 8 and KEY_A.hex() not in repr(keyring) and KEY_B.hex() not in repr(keyring)
    assert len(bytes.fromhex(generate_key())) == 32 and generate_key() != generate_key()
    with pytest.raises(SecretUnavailable):
        parse_keys("abcd")  # too short
    with pytest.raises(SecretUnavailable, match="twice"):
        Keyring([KEY_A, KEY_A])


def test_seal_and_open_lines_and_bytes_deterministically():
    line = record(sample_payload(querystring="e=pv&p=web&tv=js"))
    envelope = KEYRING.seal(Original(line))
    assert envelope["keyId"] == key_id(KEY_A) and envelope["format"] == "line" and envelope["alg"] == "AES-256-GCM"
    assert KEYRING.open(envelope).record == line
    assert KEYRING.seal(line) == envelope  # the same record, the same envelope: reruns write the same files
    assert KEYRING.seal(line + "=")["nonce"] != envelope["nonce"]
    thrift = base64.b64decode(line)
    sealed = KEYRING.seal(Original(thrift))
    assert sealed["format"] == "thrift" and KEYRING.open(sealed).record == thrift
    assert repr(Original(line)).startswith("<original record: line") and line not in repr(Original(line))


def test_envelopes_refuse_tampering_and_unknown_keys():
    envelope = KEYRING.seal("some raw record")
    flipped = bytearray(base64.b64decode(envelope["ciphertext"]))
    flipped[0] ^= 1
    for broken in ({**envelope, "ciphertext": base64.b64encode(bytes(flipped)).decode()},
                   {**envelope, "format": "thrift"},  # bound by the associated data
                   {**envelope, "nonce": "not base64!"}, {**envelope, "v": 2}, "not an object"):
        with pytest.raises(EnvelopeError):
            KEYRING.open(broken)
    with pytest.raises(UnknownKey) as caught:
        Keyring([KEY_B]).open(envelope)
    assert caught.value.key_id == key_id(KEY_A)


def test_rotation_old_rows_stay_readable_with_their_key_id():
    old = Keyring([KEY_A]).seal("sealed last year")
    rotated = Keyring([KEY_B, KEY_A])  # a new key first: it seals, the old one still opens
    new = rotated.seal("sealed today")
    assert new["keyId"] == key_id(KEY_B) and old["keyId"] == key_id(KEY_A)
    assert rotated.open(old).record == "sealed last year" and rotated.open(new).record == "sealed today"


def keyring_from(source: SecretSource):
    """The recovery keyring a pipeline builds from ``source`` (None without a key)."""
    return PipelineConfig(files=BEAM_FILES, recovery=source).recovery_keyring()


def test_key_sources_file_env_and_missing(tmp_path, monkeypatch):
    monkeypatch.delenv(RECOVERY_KEY_ENV, raising=False)
    assert not SecretSource.recovery_key().configured() and keyring_from(SecretSource.recovery_key()) is None
    keys = tmp_path / "recovery.keys"
    keys.write_text(f"# newest first\n{KEY_B.hex()}\n{KEY_A.hex()}\n")
    keyring = keyring_from(SecretSource.recovery_key(file=str(keys)))
    assert keyring.key_ids == (key_id(KEY_B), key_id(KEY_A))
    monkeypatch.setenv(RECOVERY_KEY_ENV, base64.b64encode(KEY_A).decode())
    assert (SecretSource.recovery_key().configured()
            and keyring_from(SecretSource.recovery_key()).current_id == key_id(KEY_A))
    with pytest.raises(SecretUnavailable, match="cannot read") as caught:
        keyring_from(SecretSource.recovery_key(file=str(tmp_path / "absent")))
    (tmp_path / "bad.keys").write_text("Qsecret-not-a-key\n")
    with pytest.raises(SecretUnavailable) as caught:
        keyring_from(SecretSource.recovery_key(file=str(tmp_path / "bad.keys")))
    assert "Qsecret" not in str(caught.value) and "bad.keys" in str(caught.value)


@pytest.mark.moto
def test_key_from_secrets_manager(secrets, caplog):
    secrets.create_secret(Name="pz/recovery-keys", SecretString=f"{KEY_B.hex()}\n{KEY_A.hex()}")
    secrets.create_secret(Name="pz/recovery-binary", SecretBinary=KEY_A)
    caplog.set_level(logging.DEBUG)  # botocore logs response bodies at DEBUG: the keys must not be among them
    assert keyring_from(SecretSource.recovery_key(secret_id="pz/recovery-keys", region="eu-west-1")).key_ids == (
        key_id(KEY_B), key_id(KEY_A))
    assert keyring_from(SecretSource.recovery_key(
        secret_id="pz/recovery-binary", region="eu-west-1")).current_id == key_id(KEY_A)
    assert KEY_A.hex() not in caplog.text and KEY_B.hex() not in caplog.text
    with pytest.raises(SecretUnavailable, match="pz/absent"):
        keyring_from(SecretSource.recovery_key(secret_id="pz/absent", region="eu-west-1"))


# ---- bad rows carry their record, sealed ---------------------------------------------------------------

def _every_kind_of_record() -> dict[str, str]:
    link = {"schema": UNSTRUCT, "data": {"schema": ACME, "data": {"order": "o-1"}}}
    return {
        "collector_payload_format_violation": "Qjunk-not-base64!",
        "adapter_failures": record(sample_payload(path="/com.acme/v1", querystring="e=pv")),
        "tracker_protocol_violations": record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body="{oops",
                                                      content_type="application/json")),
        "schema_violations": record(sample_payload(querystring=urlencode(
            {"e": "ue", "p": "web", "tv": "js", "ue_px": b64(link)}))),
        "enrichment_failures": record(sample_payload(querystring=urlencode(
            {"e": "pv", "p": "web", "tv": "js", "url": "http://[broken"}))),
    }


@pytest.mark.parametrize("kind", sorted(_every_kind_of_record()))
def test_every_bad_row_from_a_raw_record_carries_it_sealed_and_still_validates(kind):
    line = _every_kind_of_record()[kind]
    good, bad = run_steps(line)
    assert good == [] and [b.type_name for b in bad] == [kind]
    assert isinstance(bad[0].original, Original) and bad[0].original.record == line
    sealed = SEALING.bad_row(bad[0]).row
    assert list(sealed) == ["schema", "data", RECOVERY_FIELD]
    assert badrow_errors(sealed) == []  # the SDJ is untouched: still valid against its Iglu Central schema
    assert KEYRING.open(sealed[RECOVERY_FIELD]).record == line
    text = orjson.dumps(sealed).decode()
    assert "Qjunk" not in exposed(sealed) and line not in text
    # without a key: no copy at all, and the row is exactly what it was before recovery existed
    plain = Pseudonymizer(POLICY, SALT).bad_row(bad[0]).row
    assert RECOVERY_FIELD not in plain and plain == {k: v for k, v in sealed.items() if k != RECOVERY_FIELD}


def test_a_recovery_field_read_from_a_file_is_hashed_not_trusted():
    """The collector's raw-bad lines are JSON: a "recovery" key there is data, never an envelope passed through."""
    forged = json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
                         "data": {"failure": {"timestamp": "2025-11-28T09:00:00.000Z"}, "payload": "x"},
                         RECOVERY_FIELD: {"v": 1, "ciphertext": "QforgedCleartextValue"}})
    out = SEALING.bad_row(parse_collector_bad_row(forged)).row
    assert "QforgedCleartextValue" not in exposed(out)
    with pytest.raises(EnvelopeError):
        KEYRING.open(out[RECOVERY_FIELD])


def test_kinesis_records_are_sealed_as_bytes():
    thrift = base64.b64decode(_every_kind_of_record()["adapter_failures"])
    _, (bad,) = RecordProcessor(PipelineConfig()).enriched([thrift], base64_lines=False)
    assert KEYRING.open(SEALING.bad_row(bad).row[RECOVERY_FIELD]).record == thrift


def test_validate_keeps_the_record_of_each_failing_event_of_a_post():
    body = json.dumps({"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [
        {"e": "pv", "p": "web", "tv": "js", "eid": "11111111-1111-4111-8111-111111111111"},
        {"e": "ue", "p": "web", "tv": "js", "eid": "22222222-2222-4222-8222-222222222222",
         "ue_pr": json.dumps({"schema": UNSTRUCT, "data": {"schema": ACME, "data": {"order": "o"}}})}]})
    line = record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body=body,
                                 content_type="application/json"))
    good, bad = run_steps(line)
    assert [e["event_id"] for e in good] == ["11111111-1111-4111-8111-111111111111"]
    assert [bad_row_event_id(b.row) for b in bad] == ["22222222-2222-4222-8222-222222222222"]
    assert bad[0].original.record == line  # the whole record: recovery re-runs it whole


# ---- helpers of the recovery ---------------------------------------------------------------------------

def test_time_range_and_names():
    assert parse_time("2025-11-28T09").isoformat() == "2025-11-28T09:00:00+00:00"
    assert parse_time("2025-11-28T10:30:00+01:00").isoformat() == "2025-11-28T09:30:00+00:00"
    assert parse_time("2025-11-28").hour == 0
    with pytest.raises(ConfigurationError, match="ISO 8601"):
        recover(["--lake", "lake", "--from", "yesterday", "--to", "2025-11-28"])
    assert partitions_between(parse_time("2025-11-28T09:30"), parse_time("2025-11-28T11")) == [
        "date=2025-11-28/hour=09", "date=2025-11-28/hour=10"]
    assert partitions_between(parse_time("2025-11-28T23"), parse_time("2025-11-29T00:01")) == [
        "date=2025-11-28/hour=23", "date=2025-11-29/hour=00"]
    name = recovered_file_name("date=2025-11-28/hour=09", ["b", "a"], ".parquet")
    assert name == recovered_file_name("date=2025-11-28/hour=09", ["a", "b"], ".parquet")
    assert name.startswith("part-recovered-") and name.endswith("-000.parquet")
    assert name != recovered_file_name("date=2025-11-28/hour=10", ["a", "b"], ".parquet")


# ---- end to end ----------------------------------------------------------------------------------------

def _acme_event(index: int, eid: bool = True) -> dict:
    params = {"e": "ue", "p": "web", "tv": "js-3.23.0", "aid": "shop", "uid": f"user-{index}",
              "ue_px": b64({"schema": UNSTRUCT, "data": {"schema": ACME, "data": {"order": f"o-{index}",
                                                                                   "total": index}}})}
    if eid:
        params["eid"] = f"acacacac-0000-4000-8000-{index:012d}"
    return params


def _acme_lines() -> list[str]:
    """Records whose events use com.acme/checkout: GETs (with and without eid) and a POST mixing good and bad."""
    lines = [record(sample_payload(querystring=urlencode(_acme_event(i, eid=i % 2 == 0)),
                                   timestamp=SAMPLE_START_MS + i * 600_000))
             for i in range(6)]  # 09:00 .. 09:50; odd ones get a derived event id
    checkout = {key: value for key, value in _acme_event(100).items() if key != "ue_px"}
    checkout["ue_pr"] = json.dumps({"schema": UNSTRUCT, "data": {"schema": ACME, "data": {"order": "o-100"}}})
    post = {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [
        {"e": "pv", "p": "web", "tv": "js", "eid": "bbbbbbbb-0000-4000-8000-000000000001"}, checkout]}
    lines.append(record(sample_payload(path="/com.snowplowanalytics.snowplow/tp2", body=json.dumps(post),
                                content_type="application/json", timestamp=SAMPLE_START_MS + 3_700_000)))  # 10:01
    # the same record twice (a collector retry): two bad rows, one record, recovered once
    lines.append(lines[0])
    # an event that breaks the schema: it fails before and after the schema is added
    invalid = {**_acme_event(200), "ue_px": b64({"schema": UNSTRUCT, "data": {"schema": ACME, "data": {"total": 1}}})}
    lines.append(record(sample_payload(querystring=urlencode(invalid), timestamp=SAMPLE_START_MS + 3_300_000)))
    return lines


@pytest.fixture
def acme_lake(tmp_path, monkeypatch, fresh_workers):
    """A lake written while com.acme/checkout was missing from the registry, with a recovery key."""
    monkeypatch.delenv(SALT_ENV, raising=False)
    monkeypatch.delenv(RECOVERY_KEY_ENV, raising=False)
    registry = tmp_path / "registry"
    (registry / "schemas").mkdir(parents=True)
    resolver = tmp_path / "resolver.json"
    resolver.write_text(json.dumps({
        "schema": "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-1",
        "data": {"cacheSize": 100, "repositories": [
            {"name": "acme", "priority": 0, "vendorPrefixes": ["com.acme"],
             "connection": {"embedded": {"path": str(registry)}}}]}}))
    (tmp_path / "salt").write_text("recover-test-salt-0123\n")
    (tmp_path / "recovery.keys").write_text(f"# newest first\n{KEY_A.hex()}\n")
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(60, SAMPLE_START_MS, span_ms=3_600_000) + _acme_lines()) + "\n")
    (tmp_path / "collector-bad.json").write_text("\n".join(planted_collector_bad_lines()) + "\n")
    lake = tmp_path / "lake"
    options = ["--salt_file", str(tmp_path / "salt"), "--recovery_key_file", str(tmp_path / "recovery.keys"),
               "--iglu_resolver", str(resolver)]
    summary = run(["--input", str(raw), "--raw_bad_input", str(tmp_path / "collector-bad.json"),
                   "--output", str(lake), *options])
    assert summary.records_accounted and summary.outputs_accounted, summary.report()
    assert summary.get("bad_rows_sealed") == summary.get("enriched_bad") + summary.get("raw_bad") - 1  # collector's
    return {"lake": lake, "registry": registry, "options": options, "summary": summary}


def _add_acme_schema(registry: Path) -> None:
    path = registry / "schemas" / "com.acme" / "checkout" / "jsonschema" / "1-0-0"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(ACME_SCHEMA))


def _good_events(lake: Path) -> list[dict]:
    return [row for path in sorted((lake / "good").rglob("*.parquet")) for row in pq.read_table(path).to_pylist()]


def _acme_bad_rows(lake: Path) -> list[dict]:
    rows = [json.loads(line) for path in sorted((lake / "enriched_bad").rglob("*.json"))
            for line in path.read_text().splitlines()]
    return [row for row in rows if ACME in json.dumps(row["data"]["failure"])]


def test_recover_turns_schema_violations_into_good_events_exactly_once(acme_lake, capsys):
    from snowplow_beam.transforms import config

    lake, options = acme_lake["lake"], acme_lake["options"]
    bad = _acme_bad_rows(lake)
    assert len(bad) == 9  # 6 GETs, the POST's second event, the retried record, the invalid event
    invalid = "acacacac-0000-4000-8000-000000000200"
    originals = {bad_row_event_id(row): row["data"]["payload"]["enriched"]["collector_tstamp"] for row in bad
                 if bad_row_event_id(row) != invalid}
    assert len(originals) == 7  # the retry has the same event id
    before = _good_events(lake)
    assert not set(originals) & {e["event_id"] for e in before}
    assert "bbbbbbbb-0000-4000-8000-000000000001" in {e["event_id"] for e in before}  # the POST's good event
    argv = ["--lake", str(lake), "--from", "2025-11-28T09:00Z", "--to", "2025-11-28T11:00Z", *options]

    # before the schema is added: everything still fails, nothing is written, the missing schema is named
    config._SHARED.clear()
    first = recover(argv)
    assert first.ok, first.report()
    assert first.get("recovered") == 0 and first.get("still_failing") == 8
    assert first.get(f"still_failing_schema {ACME}") == 8 and first.get("still_failing_schema_violations") == 8
    assert first.get("recovered_already_present") == 1 and first.get("raw_records") == 8  # the retry: once
    assert _good_events(lake) == before

    _add_acme_schema(acme_lake["registry"])
    config._SHARED.clear()  # a new process: the registry is read again
    report = lake.parent / "failing.json"
    second = recover([*argv, "--report", str(report)])
    assert second.ok, second.report()
    assert second.get("recovered") == 7 and second.get("recovered_files") == 2  # hours 09 and 10
    assert second.get("recovered_already_present") == 1  # the POST's page view was good already
    assert second.get("bad_rows_without_copy") == 1  # the collector's size violation: no raw record
    after = _good_events(lake)
    recovered = {e["event_id"]: e for e in after if e["event_id"] in originals}
    # original ids (sent or derived) and collector timestamps
    assert {k: f"{e['collector_tstamp']:%Y-%m-%d %H:%M:%S.%f}"[:-3] for k, e in recovered.items()} == originals
    assert all(e["unstruct_event"] and ACME in e["unstruct_event"] for e in recovered.values())
    ids = [e["event_id"] for e in after]
    assert len(ids) == len(set(ids)) == len(before) + 7
    files = sorted(str(p.relative_to(lake)) for p in (lake / "good").rglob("part-recovered-*"))
    assert [f.split("/")[2] for f in files] == ["hour=09", "hour=10"]
    # pseudonymized as usual, with the pipeline's salt: the user id is the pipeline's pseudonym
    uid_pseudonyms = {e["user_id"] for e in recovered.values()}
    assert "user-0" not in uid_pseudonyms and len(next(iter(uid_pseudonyms))) == 64
    # the row that still fails is reported, pseudonymized (and sealed again), with its new failure
    assert second.get("still_failing") == 1
    (failing,) = [json.loads(line) for line in report.read_text().splitlines()]
    assert bad_row_event_id(failing) == invalid and failing["data"]["payload"]["enriched"]["user_id"] != "user-200"
    assert failing["data"]["failure"]["messages"][0]["error"]["error"] == "ValidationError"
    assert badrow_errors({k: v for k, v in failing.items() if k != RECOVERY_FIELD}) == []
    assert KEYRING.open(failing[RECOVERY_FIELD]).record in _acme_lines()

    # run twice: nothing new, nothing duplicated
    config._SHARED.clear()
    third = recover(argv)
    assert third.ok, third.report()
    assert third.get("recovered") == 0 and third.get("recovered_already_present") == 8
    assert third.get("still_failing") == 1
    assert sorted(str(p.relative_to(lake)) for p in (lake / "good").rglob("part-recovered-*")) == files
    assert len(_good_events(lake)) == len(after)
    assert not list((lake / "_temporary").rglob("*.*")) if (lake / "_temporary").exists() else True
    assert "recovered 0 events" in third.report()


def test_existing_event_ids_reads_parquet_and_tsv(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "salt-of-sixteen-bytes")
    e1, e2, e3 = (f"0000000{n}-1111-4111-8111-111111111111" for n in (1, 2, 3))
    partition = "date=2025-11-28/hour=09"
    directory = tmp_path / "good" / partition
    directory.mkdir(parents=True)
    for name, file_format, event_id in (("part-a-000.parquet", ParquetFormat, e1), ("part-b-000.tsv", TsvFormat, e2)):
        line = record(sample_payload(querystring=f"e=pv&p=web&tv=js&eid={event_id}")).encode()
        pieces = RecordProcessor(PipelineConfig(), file_format.suffix.lstrip(".")).process([line]).good
        with open(directory / name, "wb") as handle:
            assert file_format.write(handle, pieces) == 1
    assert existing_event_ids(str(tmp_path), partition, {e1, e2, e3}) == {e1, e2}
    assert existing_event_ids(str(tmp_path), "date=2025-11-28/hour=10", {"e1"}) == set()


def test_recover_needs_the_key_and_says_what_it_needs(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(RECOVERY_KEY_ENV, raising=False)
    monkeypatch.setenv(SALT_ENV, "salt-of-sixteen-bytes")
    assert recover_main(["--lake", str(tmp_path), "--from", "2025-11-28T09", "--to", "2025-11-28T10"]) == 2
    assert "--recovery_key_file" in capsys.readouterr().err
    assert recover_main(["--lake", str(tmp_path), "--from", "2025-11-28T09"]) == 2
    assert recover_main(["--generate-key"]) == 0
    assert len(bytes.fromhex(capsys.readouterr().out.strip())) == 32


def test_recover_without_bad_rows_in_range(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "salt-of-sixteen-bytes")
    monkeypatch.setenv(RECOVERY_KEY_ENV, KEY_A.hex())
    summary = recover(["--lake", str(tmp_path), "--from", "2025-11-28T09", "--to", "2025-11-28T10"])
    assert summary.partitions == 1 and summary.get("bad_rows_read") == 0 and summary.ok


# ---- privacy with a recovery key -----------------------------------------------------------------------

def test_end_to_end_with_a_recovery_key_nothing_planted_reaches_outputs_or_logs(tmp_path, caplog, capsys,
                                                                                monkeypatch, fresh_workers):
    """The privacy end-to-end test of tests/test_privacy.py, with bad rows carrying sealed copies: the copies
    are ciphertext (no planted value, no key, in any output or log), and they open to the planted records."""
    monkeypatch.delenv(SALT_ENV, raising=False)
    caplog.set_level(logging.DEBUG)
    key = bytes(range(7, 39))
    monkeypatch.setenv(RECOVERY_KEY_ENV, key.hex())
    planted = planted_lines()
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(50, SAMPLE_START_MS) + planted) + "\n")
    (tmp_path / "collector-bad.json").write_text("\n".join(planted_collector_bad_lines()) + "\n")
    (tmp_path / "salt").write_bytes(b"e2e-recovery-salt-0123\n")
    out = tmp_path / "lake"
    summary = run(["--input", str(raw), "--raw_bad_input", str(tmp_path / "collector-bad.json"),
                   "--output", str(out), "--salt_file", str(tmp_path / "salt")])
    assert summary.records_accounted and summary.outputs_accounted, summary.report()
    assert summary.get("bad_rows_sealed") == summary.get("enriched_bad") + summary.get("raw_bad") - 1  # collector's

    text, _ = output_text(out)
    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    for name, value in PLANTS.items():
        assert value not in text, f"planted {name} ({value}) is in the output"
        assert value not in logs, f"planted {name} ({value}) is in the logs"
    for secret in (key.hex(), base64.b64encode(key).decode()):
        assert secret not in text and secret not in logs
    rows = [json.loads(line) for path in out.rglob("*.json") for line in path.read_text().splitlines()]
    opened = {Keyring([key]).open(row[RECOVERY_FIELD]).record for row in rows if RECOVERY_FIELD in row}
    assert {line for line in planted if line in opened} == {line for line in planted if run_steps(line)[1]}


def test_the_recovery_key_is_never_in_options_display_data_or_the_pipeline(tmp_path, monkeypatch, caplog,
                                                                          fresh_workers):
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from snowplow_beam.beam_pipeline.options import SnowplowOptions
    from snowplow_beam.beam_pipeline.launcher import BATCH, build, check_startup, config_from_options
    from snowplow_beam.runners import prepare_runner

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(SALT_ENV, "salt-of-sixteen-bytes")
    key = bytes(range(50, 82))
    (tmp_path / "keys").write_text(key.hex() + "\n")
    monkeypatch.setenv(RECOVERY_KEY_ENV, base64.b64encode(KEY_B).decode())  # a file wins over the environment
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(5, SAMPLE_START_MS)) + "\n")
    options = prepare_runner(PipelineOptions(["--input", str(raw), "--output", str(tmp_path / "lake"),
                                              "--recovery_key_file", str(tmp_path / "keys")]), unbounded=False)
    snowplow = options.view_as(SnowplowOptions)
    config = config_from_options(snowplow)
    check_startup(snowplow, config, BATCH)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, snowplow, config, "run0")
    proto = pipeline.to_runner_api()
    for secret in (key, key.hex().encode(), KEY_B, base64.b64encode(KEY_B)):
        assert secret not in proto.SerializeToString()
        assert not [p for p in pardo_pickles(proto) if secret in p]
        assert secret.decode("latin-1") not in repr(config) + caplog.text
    assert config.pseudonymizer()._recovery.current_id == key_id(key)  # the workers do read it
    snowplow.recovery_key_file = str(tmp_path / "absent")
    with pytest.raises(ConfigurationError, match="recovery key file"):
        check_startup(snowplow, config_from_options(snowplow), BATCH)


def test_lake_readers_ignore_the_recovery_field(acme_lake):
    """DuckDB's bad_rows view (schema and data columns) reads sealed rows as before; Snowflake loads the whole
    line into jsontext, where the legacy view reads data.payload only."""
    from snowplow_beam.warehouse.local import open_lake

    lake = acme_lake["lake"]
    lines = [json.loads(line) for output in ("enriched_bad", "raw_bad")
             for path in (lake / output).rglob("*.json") for line in path.read_text().splitlines()]
    assert sum(RECOVERY_FIELD in row for row in lines) == len(lines) - 1
    con = open_lake(str(lake))
    assert con.execute("SELECT count(*), count(bad_row_type), count(failure_tstamp) FROM bad_rows").fetchall() == [
        (len(lines), len(lines), len(lines))]


def test_a_malformed_key_file_stops_the_run_without_quoting_it(tmp_path, monkeypatch, fresh_workers):
    monkeypatch.setenv(SALT_ENV, "salt-of-sixteen-bytes")
    (tmp_path / "keys").write_text("QnotAkeyButASecret\n")
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(20, SAMPLE_START_MS)) + "\n")
    with pytest.raises(Exception, match="recovery key") as caught:
        run(["--input", str(raw), "--output", str(tmp_path / "lake"), "--recovery_key_file", str(tmp_path / "keys")])
    assert "QnotAkeyButASecret" not in str(caught.value)
    written = [p for p in (tmp_path / "lake").rglob("*") if p.is_file()] if (tmp_path / "lake").exists() else []
    assert written == []
