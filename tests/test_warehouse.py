"""The warehouse package: the SQL (parsed with sqlglot), the loader against fakesnow, the DuckDB query.

The lake comes from a real pipeline run. fakesnow (Snowflake on DuckDB) runs the DDL, PUT, COPY and the views;
what it cannot run (Snowpipe, external S3 stages, the storage integration, PATTERN) is parsed and its structure
asserted. Differences between fakesnow and Snowflake: warehouse/README.md.
"""
from __future__ import annotations

import base64
import importlib.util
import json
import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from string import Template

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from tests.helpers import SAMPLE_START_MS, require
from snowplow_beam.transforms.atomic import ARROW_SCHEMA, BOOL, DECIMAL, FIELD_NAMES, FIELDS, FLOAT, JSON, TIMESTAMP, to_tsv
from snowplow_beam.warehouse.__main__ import main
from snowplow_beam.warehouse.loader import (
    ConfigurationError,
    Lake,
    SchemaMismatch,
    connection_args,
    load,
)
from snowplow_beam.warehouse.sql import (
    Objects,
    copy_statement,
    create_bad_table,
    create_good_table,
    create_pipes,
    create_stages,
    create_storage_integration,
    file_formats,
)


OBJECTS = Objects()
S3_LAKE = "s3://gitlab-snowplow-lake/prod"
ENV = {"SNOWFLAKE_ACCOUNT": "test-account", "SNOWFLAKE_USER": "loader", "SNOWFLAKE_PASSWORD": "secret"}

# What each Arrow type of the Parquet schema must become in Snowflake (stated here, not read from warehouse.sql).
EXPECTED_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "NUMBER",
    pa.float64(): "FLOAT",
    pa.decimal128(38, 18): "NUMBER",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("ms", tz="UTC"): "TIMESTAMP_NTZ",
}
JSON_NAMES = {f.name for f in FIELDS if f.type == JSON}


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, dialect="snowflake", error_level=sqlglot.ErrorLevel.RAISE)


def expected_type(name: str) -> str:
    return "VARIANT" if name in JSON_NAMES else EXPECTED_TYPES[ARROW_SCHEMA.field(name).type]


def base_type(data_type: exp.DataType) -> str:
    name = data_type.sql(dialect="snowflake").split("(")[0].upper()
    return {"DECIMAL": "NUMBER", "TIMESTAMPNTZ": "TIMESTAMP_NTZ", "DOUBLE": "FLOAT"}.get(name, name)


# --- the SQL, parsed -----------------------------------------------------------------------------------------------

def test_good_table_has_the_canonical_columns_typed_as_the_parquet_schema():
    create = parse(create_good_table(OBJECTS))
    assert create.args["exists"] and create.kind == "TABLE"
    columns = list(create.find_all(exp.ColumnDef))
    assert [c.name for c in columns] == [*FIELD_NAMES, "uploaded_at"]
    for column in columns[:-1]:
        assert base_type(column.args["kind"]) == expected_type(column.name), column.name
    uploaded = columns[-1]
    assert base_type(uploaded.args["kind"]) == "TIMESTAMP_NTZ"
    assert uploaded.find(exp.DefaultColumnConstraint) and uploaded.find(exp.CurrentTimestamp)


def test_bad_table_keeps_the_legacy_columns_and_adds_virtual_triage_columns():
    columns = list(parse(create_bad_table(OBJECTS)).find_all(exp.ColumnDef))
    assert [c.name for c in columns[:2]] == ["jsontext", "uploaded_at"]
    assert base_type(columns[0].args["kind"]) == "VARIANT"
    virtual = {c.name: c for c in columns[2:]}
    assert {"bad_row_schema", "bad_row_type", "failure_tstamp", "collector_tstamp"} <= set(virtual)
    for column in virtual.values():  # AS (expr): computed from jsontext, nothing stored, COPY stays (jsontext)
        constraint = column.find(exp.ComputedColumnConstraint)
        assert constraint and any(c.name.lower() == "jsontext" for c in constraint.find_all(exp.Column))


def test_good_copy_reads_every_column_by_its_parquet_name():
    copy = parse(copy_statement(OBJECTS, OBJECTS.sources[0]))
    assert isinstance(copy, exp.Copy)
    assert [c.name for c in copy.this.expressions] == [*FIELD_NAMES, "uploaded_at"]
    select = copy.find(exp.Select)
    assert select.find(exp.Table).sql(dialect="snowflake") == "@RAW.SNOWPLOW.GITLAB_EVENTS_STAGE"
    for field, expression in zip(FIELDS, select.expressions):
        path = expression.find(exp.JSONExtract)
        assert path.this.sql(dialect="snowflake") == "$1" and path.expression.find(exp.JSONPathKey).this == field.name
        if field.type == JSON:  # Snowflake keeps a Parquet string as a VARIANT string unless parsed
            assert isinstance(expression, exp.ParseJSON)
        else:
            assert isinstance(expression, exp.Cast) and base_type(expression.to) == expected_type(field.name)
    assert select.expressions[-1].find(exp.CurrentTimestamp)
    params = {p.this.name: p for p in copy.args["params"]}
    file_format = params["FILE_FORMAT"].sql(dialect="snowflake")
    assert file_format == "FILE_FORMAT = (FORMAT_NAME='RAW.SNOWPLOW.SNOWPLOW_PARQUET')"
    assert params["PATTERN"].expression.name == ".*[.]parquet"


def test_bad_row_copies_load_one_variant_per_line_from_each_bad_prefix():
    for source in OBJECTS.sources[1:]:
        copy = parse(copy_statement(OBJECTS, source))
        assert copy.this.this.name == "GITLAB_BAD_EVENTS" and [c.name for c in copy.this.expressions] == ["jsontext"]
        assert copy.args["files"][0].sql(dialect="snowflake") == f"@RAW.SNOWPLOW.{source.stage}"
        params = {p.this.name: p for p in copy.args["params"]}
        assert re.fullmatch(params["PATTERN"].expression.name, "x/date=2025-11-28/hour=09/part-1.json")
        assert re.fullmatch(params["PATTERN"].expression.name, "part-1.json.gz")
        assert not re.fullmatch(params["PATTERN"].expression.name, "part-1.parquet")


def test_external_stages_cover_the_three_prefixes_through_the_storage_integration():
    stages = [parse(s) for s in create_stages(OBJECTS, S3_LAKE)]
    seen = {}
    for stage in stages:
        assert stage.kind == "STAGE" and stage.args["exists"]
        props = {p.this.name: p for p in stage.find_all(exp.Property) if isinstance(p.this, exp.Var)}
        seen[stage.this.name] = props["URL"].args["value"].name
        assert props["STORAGE_INTEGRATION"].args["value"].name == "SNOWPLOW_LAKE"
    assert seen == {"GITLAB_EVENTS_STAGE": f"{S3_LAKE}/good/", "GITLAB_ENRICHED_BAD_STAGE": f"{S3_LAKE}/enriched_bad/",
                    "GITLAB_RAW_BAD_STAGE": f"{S3_LAKE}/raw_bad/"}
    integration = parse(create_storage_integration(OBJECTS, S3_LAKE, "arn:aws:iam::123456789012:role/snowflake"))
    assert integration.kind == "STORAGE INTEGRATION" and integration.args["exists"]
    props = {p.this.name: p.args["value"] for p in integration.find_all(exp.Property)}
    assert props["TYPE"].name == "EXTERNAL_STAGE" and props["STORAGE_PROVIDER"].name == "S3"
    assert props["STORAGE_ALLOWED_LOCATIONS"].sql() == f"('{S3_LAKE}/')"
    for statement in file_formats(OBJECTS):
        assert parse(statement).kind == "FILE FORMAT"


def test_pipes_auto_ingest_with_the_same_copy_statements():
    # sqlglot parses CREATE PIPE only as a Command: check its head, then parse the COPY it wraps.
    for source, pipe in zip(OBJECTS.sources, create_pipes(OBJECTS)):
        head, copy = re.fullmatch(r"(CREATE PIPE .*? AS)\n(COPY INTO .*)", pipe, re.S).groups()
        assert head == f"CREATE PIPE IF NOT EXISTS RAW.SNOWPLOW.{source.pipe} AUTO_INGEST = TRUE AS"
        assert parse(copy) == parse(copy_statement(OBJECTS, source))


def test_the_copies_run_on_fakesnow_differ_only_by_pattern():
    for source in OBJECTS.sources:
        full, bare = parse(copy_statement(OBJECTS, source)), parse(copy_statement(OBJECTS, source, pattern=False))
        full.set("params", [p for p in full.args["params"] if p.this.name != "PATTERN"])
        assert full == bare


def test_every_printed_statement_parses(capsys):
    assert main(["sql", "--lake", S3_LAKE, "--aws-role-arn", "arn:aws:iam::1:role/r"]) == 0
    text = capsys.readouterr().out
    statements = [s.strip() for s in text.split(";\n\n") if s.strip()]
    kinds = []
    for statement in statements:
        statement = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        if not statement:
            continue
        if statement.startswith("CREATE PIPE"):
            kinds.append("PIPE")
            continue
        parsed = parse(statement)
        kinds.append(parsed.kind if isinstance(parsed, exp.Create) else type(parsed).__name__)
    assert kinds == ["STORAGE INTEGRATION", "FILE FORMAT", "FILE FORMAT", "TABLE", "TABLE", "VIEW", "VIEW",
                     "STAGE", "STAGE", "STAGE", "Copy", "Copy", "Copy", "PIPE", "PIPE", "PIPE"]
    assert "ALTER TABLE RAW.SNOWPLOW.GITLAB_BAD_EVENTS ADD COLUMN IF NOT EXISTS bad_row_type" in text


# --- CLI without a connection --------------------------------------------------------------------------------------

@pytest.fixture
def small_lake(tmp_path):
    root = tmp_path / "lake"
    for rel in ("good/date=2025-11-28/hour=09/part-a-000.parquet",
                "enriched_bad/date=2025-11-28/hour=09/part-a-000.json",
                "raw_bad/date=2025-11-28/hour=10/part-a-000.json", "_temporary/run/good/part-b-000.parquet"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"")
    return root


def test_dry_run_prints_puts_and_copies_for_a_local_lake(small_lake, capsys):
    assert main(["load", "--lake", str(small_lake), "--dry-run"]) == 0
    out = capsys.readouterr().out
    puts = re.findall(r"^PUT '(file://\S+)' (\S+) AUTO_COMPRESS = FALSE;$", out, re.M)
    assert puts == [
        (f"file://{small_lake}/good/date=2025-11-28/hour=09/part-a-000.parquet",
         "@RAW.SNOWPLOW.GITLAB_EVENTS_STAGE/date=2025-11-28/hour=09/"),
        (f"file://{small_lake}/enriched_bad/date=2025-11-28/hour=09/part-a-000.json",
         "@RAW.SNOWPLOW.GITLAB_ENRICHED_BAD_STAGE/date=2025-11-28/hour=09/"),
        (f"file://{small_lake}/raw_bad/date=2025-11-28/hour=10/part-a-000.json",
         "@RAW.SNOWPLOW.GITLAB_RAW_BAD_STAGE/date=2025-11-28/hour=10/"),
    ]
    assert out.count("COPY INTO") == 3 and "URL =" not in out and "_temporary" not in out


def test_dry_run_for_an_s3_lake_uses_external_stages_and_pipes(capsys):
    assert main(["load", "--lake", S3_LAKE, "--dry-run", "--schema", "SNOWPLOW_TEST"]) == 0
    out = capsys.readouterr().out
    assert "PUT " not in out and out.count("COPY INTO RAW.SNOWPLOW_TEST.") == 3
    assert f"URL = '{S3_LAKE}/raw_bad/' STORAGE_INTEGRATION = SNOWPLOW_LAKE" in out
    assert main(["load", "--lake", S3_LAKE, "--dry-run", "--pipes"]) == 0
    out = capsys.readouterr().out
    assert out.count("AUTO_INGEST = TRUE") == 3 and out.count("ALTER PIPE") == 3
    # with pipes, Snowpipe's load history owns the files: the COPYs are inside the pipes, no bulk COPY
    assert out.count("COPY INTO") == 3 and ";\n\nCOPY INTO" not in out


def test_cli_refuses_what_it_cannot_do(small_lake, tmp_path, capsys, monkeypatch):
    assert main(["load", "--lake", str(small_lake), "--pipes", "--dry-run"]) == 2
    assert "needs a lake on S3" in capsys.readouterr().err
    assert main(["load", "--lake", str(tmp_path / "missing"), "--dry-run"]) == 2
    assert "does not exist" in capsys.readouterr().err
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["load", "--lake", str(small_lake)]) == 2
    assert "SNOWFLAKE_ACCOUNT" in capsys.readouterr().err


def test_credentials_from_the_environment(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    args = connection_args(ENV)
    assert args["password"] == "secret" and args["database"] == "RAW" and args["schema"] == "SNOWPLOW"
    assert args["session_parameters"]["TIMEZONE"] == "UTC"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(b"pass phrase"))
    (tmp_path / "rsa_key.p8").write_bytes(pem)
    env = {**ENV, "SNOWFLAKE_PRIVATE_KEY_PATH": str(tmp_path / "rsa_key.p8"),
           "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "pass phrase", "SNOWFLAKE_ROLE": "LOADER", "SNOWFLAKE_WAREHOUSE": "WH"}
    args = connection_args(env)
    assert "password" not in args and args["role"] == "LOADER" and args["warehouse"] == "WH"
    loaded = serialization.load_der_private_key(args["private_key"], password=None)
    assert loaded.private_numbers() == key.private_numbers()
    assert connection_args({**env, "SNOWFLAKE_PRIVATE_KEY_PATH": "", "SNOWFLAKE_PRIVATE_KEY": pem.decode()})[
        "private_key"] == args["private_key"]
    with pytest.raises(ConfigurationError, match="PASSPHRASE"):
        connection_args({**env, "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "wrong"})
    with pytest.raises(ConfigurationError, match="no Snowflake credentials"):
        connection_args({"SNOWFLAKE_ACCOUNT": "a", "SNOWFLAKE_USER": "u"})


# --- against fakesnow, with the lake of a pipeline run -------------------------------------------------------------

@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """A pipeline run over generated records: its lake and its counters."""
    from snowplow_beam.beam_pipeline.launcher import run
    from snowplow_beam.beam_pipeline.sample_data import generate_lines

    base = tmp_path_factory.mktemp("warehouse")
    (base / "raw.txt").write_text("\n".join(generate_lines(600, SAMPLE_START_MS, span_ms=2 * 3_600_000)) + "\n")
    (base / "salt").write_text("warehouse-test-salt-0123\n")
    summary = run(["--input", str(base / "raw.txt"), "--output", str(base / "lake"),
                   "--salt_file", str(base / "salt")])
    assert summary.records_accounted and summary.outputs_accounted
    assert summary.get("good") and summary.get("enriched_bad") and summary.get("raw_bad")
    return base / "lake", summary


FLATTEN_BY_POSITION = Template("""
CREATE OR REPLACE MACRO ${catalog}._fs_flatten(input) AS TABLE
    SELECT
        hash(TO_JSON(input))::UBIGINT AS SEQ,
        e.k AS KEY,
        COALESCE(e.k, '[' || e.i || ']') AS PATH,
        CASE WHEN e.k IS NOT NULL THEN NULL ELSE e.i END AS INDEX,
        e.v AS VALUE,
        TO_JSON(input) AS THIS
    FROM (
        SELECT UNNEST(
            CASE WHEN json_type(TO_JSON(input)) = 'OBJECT'
                 THEN list_transform(json_keys(TO_JSON(input)), lambda x, n: struct_pack(
                     k := x, v := CAST(TO_JSON(input) -> x AS JSON), i := (n - 1)::BIGINT))
                 ELSE list_transform(CAST(TO_JSON(input) AS JSON[]), lambda x, n: struct_pack(
                     k := NULL::VARCHAR, v := x, i := (n - 1)::BIGINT))
            END, recursive := true
        )
    ) AS e(k, v, i)
""")


@pytest.fixture
def fakesnow_session(monkeypatch):
    """fakesnow patched in for snowflake.connector.connect, with the Snowflake credentials in the environment.

    Two fixes to the emulator (not to our SQL). fakesnow 0.12.1 turns ``COPY INTO t (col) FROM @stage
    FILE_FORMAT = (TYPE = JSON)`` into ``SELECT column0 FROM read_json_objects(…)``, whose only column is ``json``
    (plus hive partition columns): its JSON reader is made to name that column ``column0``, as its CSV reader does.
    Its FLATTEN numbers elements with ``row_number() OVER ()``, whose order DuckDB does not keep across threads
    (of 50,000 rows of a 4-element array flattened and aggregated again, about 6 came back rotated here): INDEX
    is made the element's position, as in Snowflake, so ``ARRAY_AGG … WITHIN GROUP (ORDER BY index)`` keeps an
    array's order.
    """
    require(importlib.util.find_spec("fakesnow"), "fakesnow is not installed (requirements-test.txt)")
    import fakesnow
    from fakesnow import copy_into, macros

    def read_json_column0(self, url):
        literal = url.replace("'", "''")
        return sqlglot.parse_one(f"(SELECT json AS column0 FROM read_json_objects('{literal}'))", dialect="duckdb")

    monkeypatch.setattr(copy_into.ReadJSON, "read_expression", read_json_column0)
    monkeypatch.setattr(macros, "FS_FLATTEN", FLATTEN_BY_POSITION)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SNOWFLAKE_DATABASE", raising=False)
    monkeypatch.delenv("SNOWFLAKE_SCHEMA", raising=False)
    with fakesnow.patch():
        import snowflake.connector

        yield lambda: snowflake.connector.connect(**connection_args(ENV))


def query(conn, sql: str) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def lake_events(root: Path) -> list[dict]:
    return pq.read_table(root / "good", schema=ARROW_SCHEMA, partitioning=None).to_pylist()


def lake_bad_rows(root: Path) -> list[dict]:
    return [json.loads(line) for output in ("enriched_bad", "raw_bad")
            for path in sorted((root / output).rglob("*.json")) for line in path.read_text().splitlines()]


@pytest.mark.slow
@pytest.mark.fakesnow
def test_load_into_fakesnow_matches_the_pipeline_counters(lake, fakesnow_session, capsys):
    root, summary = lake
    assert main(["load", "--lake", str(root), "--no-pattern"]) == 0
    out = capsys.readouterr().out
    assert f"loaded {summary.get('good'):,} rows into RAW.SNOWPLOW.GITLAB_EVENTS" in out
    bad_total = summary.get("enriched_bad") + summary.get("raw_bad")
    assert f"loaded {bad_total:,} rows into RAW.SNOWPLOW.GITLAB_BAD_EVENTS" in out
    conn = fakesnow_session()

    assert query(conn, "SELECT COUNT(*) FROM GITLAB_EVENTS") == [(summary.get("good"),)]
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_BAD_EVENTS") == [(bad_total,)]
    by_type = dict(query(conn, "SELECT bad_row_type, COUNT(*) FROM GITLAB_BAD_EVENTS GROUP BY 1"))
    expected = {name.split("_", 2)[2]: value for name, value in summary.counters.items()
                if name.startswith(("enriched_bad_", "raw_bad_"))}
    assert by_type == expected

    # column types, as Snowflake's DESCRIBE shows them
    described = {row[0].lower(): row[1].split("(")[0] for row in query(conn, "DESCRIBE TABLE GITLAB_EVENTS")}
    assert described == {**{name: expected_type(name) for name in FIELD_NAMES}, "uploaded_at": "TIMESTAMP_NTZ"}

    # values: a VARIANT path into a context, timestamps, numbers, booleans, as the Parquet has them
    events = {e["event_id"]: e for e in lake_events(root)}
    rows = query(conn, "SELECT event_id, contexts:data[0]:data:environment::VARCHAR, "
                       "contexts:data[0]:schema::VARCHAR, collector_tstamp, derived_tstamp, "
                       "domain_sessionidx, se_value, br_cookies, unstruct_event:data:schema::VARCHAR "
                       "FROM GITLAB_EVENTS")
    assert len(rows) == len(events)
    checked_context = 0
    for event_id, environment, schema, collector, derived, sessionidx, se_value, cookies, unstruct in rows:
        event = events[event_id]
        contexts = json.loads(event["contexts"]) if event["contexts"] else None
        first = contexts["data"][0] if contexts else {}
        assert (schema, environment) == (first.get("schema"), first.get("data", {}).get("environment"))
        checked_context += environment is not None
        assert collector.replace(tzinfo=timezone.utc) == event["collector_tstamp"]
        assert derived.replace(tzinfo=timezone.utc) == event["derived_tstamp"]
        assert (sessionidx, se_value, cookies) == (event["domain_sessionidx"], event["se_value"], event["br_cookies"])
        inner = json.loads(event["unstruct_event"])["data"]["schema"] if event["unstruct_event"] else None
        assert unstruct == inner
    assert checked_context > len(rows) // 2
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_EVENTS WHERE uploaded_at IS NULL") == [(0,)]

    # bad rows: the whole row as VARIANT, triage columns computed from it
    bad = lake_bad_rows(root)
    rows = query(conn, "SELECT jsontext:schema::VARCHAR, bad_row_schema, failure_tstamp, collector_tstamp, "
                       "processor FROM GITLAB_BAD_EVENTS")
    assert sorted(r[0] for r in rows) == sorted(b["schema"] for b in bad)
    for schema, bad_row_schema, failure_tstamp, collector_tstamp, processor in rows:
        assert bad_row_schema == schema and failure_tstamp is not None
        assert processor.startswith("snowplow-beam-pipeline-")
        assert (collector_tstamp is None) == ("collector_payload_format_violation" in schema)

    # a second load finds everything in the load history and loads nothing
    assert main(["load", "--lake", str(root), "--no-pattern"]) == 0
    out = capsys.readouterr().out
    assert "loaded 0 rows into RAW.SNOWPLOW.GITLAB_EVENTS from 0 files" in out
    assert "loaded 0 rows into RAW.SNOWPLOW.GITLAB_BAD_EVENTS from 0 files" in out
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_EVENTS") == [(summary.get("good"),)]
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_BAD_EVENTS") == [(bad_total,)]


def _tsv_event(row: dict) -> dict:
    """A Parquet row back as the pipeline's event dict (timestamps in ms, JSON parsed)."""
    event = {}
    for field in FIELDS:
        value = row[field.name]
        if value is None:
            continue
        if field.type == TIMESTAMP:
            value = int(value.timestamp() * 1000)
        elif field.type == JSON:
            value = json.loads(value)
        elif field.type == DECIMAL:
            value = str(value)  # an event holds a decimal as its text
        event[field.name] = value
    return event


def _same_legacy_value(kind: str, legacy: str | None, tsv: str) -> bool:
    if legacy is None:
        return tsv == ""
    if kind == JSON:
        return json.loads(legacy) == json.loads(tsv)
    if kind == FLOAT:  # Snowflake prints 3.0 as "3", the TSV as "3.0"
        return float(legacy) == float(tsv)
    if kind == DECIMAL:  # the same value; the view strips NUMBER(38,18)'s trailing zeros with REGEXP_REPLACE, which
        return Decimal(legacy) == Decimal(tsv)  # fakesnow leaves in place (DuckDB itself runs it as Snowflake documents)
    if kind == TIMESTAMP:  # fakesnow drops TO_VARCHAR's format: "…:00" instead of "…:00.000"
        return datetime.fromisoformat(legacy) == datetime.fromisoformat(tsv)
    return legacy == tsv


@pytest.mark.slow
@pytest.mark.fakesnow
def test_legacy_views_present_the_tsv_layout_and_legacy_bad_rows(lake, fakesnow_session):
    root, summary = lake
    conn = fakesnow_session()
    load(conn, Lake(str(root)), pattern=False, out=lambda line: None)

    # good events: 131 VARCHAR columns in TSV order, each the enriched TSV's text, + uploaded_at
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM GITLAB_EVENTS_LEGACY")
    names = [d[0].lower() for d in cursor.description]
    assert names == [*FIELD_NAMES, "uploaded_at"]
    legacy = {row[6]: row for row in cursor.fetchall()}
    assert len(legacy) == summary.get("good")
    for row in lake_events(root):
        values = legacy[row["event_id"]]
        assert all(v is None or isinstance(v, str) for v in values[:-1])
        for field, value, text in zip(FIELDS, values, to_tsv(_tsv_event(row)).split("\t")):
            assert _same_legacy_value(field.type, value, text), (field.name, value, text)
    booleans = [i for i, f in enumerate(FIELDS) if f.type == BOOL]
    assert {row[i] for row in legacy.values() for i in booleans} <= {"1", "0", None}

    # bad rows: {line, errors, failure_tstamp} as GitLab's dbt model reads them
    rows = query(conn, "SELECT jsontext['line']::VARCHAR, jsontext['errors'], jsontext['failure_tstamp']::VARCHAR, "
                       "uploaded_at FROM GITLAB_BAD_EVENTS_LEGACY")
    originals = lake_bad_rows(root)
    assert len(rows) == len({json.dumps(b, sort_keys=True) for b in originals})
    unmatched = list(originals)
    for line, errors, failure_tstamp, uploaded_at in rows:
        payload = base64.b64decode(line).decode()
        errors = json.loads(errors)
        assert uploaded_at is not None and all(e["level"] == "error" for e in errors)
        match = next((b for b in unmatched if b["data"]["failure"]["timestamp"] == failure_tstamp
                      and _same_payload(payload, b["data"]["payload"])
                      and _same_messages(errors, b["data"]["failure"])), None)
        assert match is not None, ("no bad row in the lake reads as this legacy row", payload, errors, failure_tstamp)
        unmatched.remove(match)

    # a legacy bad row loaded before the switch passes through unchanged
    old = {"line": "Q29sbGVjdG9yUGF5bG9hZA==", "errors": [{"level": "error", "message": "Field [e]: [x] is not a "
           "recognised event code"}], "failure_tstamp": "2019-05-14T12:22:07.890Z"}
    query(conn, f"INSERT INTO GITLAB_BAD_EVENTS (jsontext) SELECT PARSE_JSON('{json.dumps(old)}')")
    rows = query(conn, "SELECT jsontext FROM GITLAB_BAD_EVENTS_LEGACY "
                       "WHERE jsontext['failure_tstamp']::VARCHAR LIKE '2019-%'")
    assert [json.loads(r[0]) for r in rows] == [old]


@pytest.mark.slow
@pytest.mark.fakesnow
def test_identical_bad_rows_make_one_legacy_row_with_its_messages_once(lake, fakesnow_session):
    """The same damaged record sent twice can fail twice in one millisecond: two identical rows in one COPY."""
    conn = fakesnow_session()
    load(conn, Lake(str(lake[0])), pattern=False, out=lambda line: None)
    row = {"schema": "iglu:com.snowplowanalytics.snowplow.badrows/cpformat_violation/jsonschema/1-0-0",
           "data": {"payload": "hmac-sha256:00;length=28", "processor": {"artifact": "a", "version": "1"},
                    "failure": {"timestamp": "2031-01-01T00:00:00.000Z", "loader": "thrift",
                                "message": {"error": "the record ends inside a string"}}}}
    query(conn, f"INSERT INTO GITLAB_BAD_EVENTS (jsontext) SELECT PARSE_JSON('{json.dumps(row)}') "
                "FROM TABLE(GENERATOR(ROWCOUNT => 2))")
    rows = query(conn, "SELECT jsontext FROM GITLAB_BAD_EVENTS_LEGACY "
                       "WHERE jsontext['failure_tstamp']::VARCHAR LIKE '2031-%'")
    line = base64.b64encode(b"hmac-sha256:00;length=28").decode()
    message = json.dumps({"error": "the record ends inside a string"}, separators=(",", ":"))
    assert [json.loads(r[0]) for r in rows] == [
        {"line": line, "errors": [{"level": "error", "message": message}], "failure_tstamp": "2031-01-01T00:00:00.000Z"}]


def _same_payload(text: str, payload) -> bool:
    if isinstance(payload, str):
        return text == payload
    try:
        return json.loads(text) == payload
    except ValueError:
        return False


def _same_messages(errors: list[dict], failure: dict) -> bool:
    messages = failure.get("messages") or failure.get("errors") or [failure.get("message")]
    decoded = [e["message"] if isinstance(m, str) else json.loads(e["message"]) for e, m in zip(errors, messages)]
    return len(errors) == len(messages) and decoded == messages


@pytest.mark.slow
@pytest.mark.fakesnow
def test_a_table_with_another_layout_is_refused(lake, fakesnow_session, capsys):
    root, _ = lake
    conn = fakesnow_session()
    columns = ", ".join(f"{name} VARCHAR" for name in FIELD_NAMES)
    query(conn, f"CREATE TABLE RAW.SNOWPLOW.GITLAB_EVENTS ({columns}, uploaded_at TIMESTAMP_NTZ(9))")
    with pytest.raises(SchemaMismatch, match="etl_tstamp is VARCHAR, expected TIMESTAMP_NTZ"):
        load(conn, Lake(str(root)), pattern=False, out=lambda line: None)
    assert main(["load", "--lake", str(root), "--no-pattern"]) == 2
    assert "--good-table" in capsys.readouterr().err
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_EVENTS") == [(0,)]
    # the same lake loads into a table of its own
    assert main(["load", "--lake", str(root), "--no-pattern", "--good-table", "GITLAB_EVENTS_TYPED"]) == 0
    assert query(conn, "SELECT COUNT(*) FROM GITLAB_EVENTS_TYPED")[0][0] > 0


@pytest.mark.slow
def test_duckdb_query_over_the_lake_types_the_partitions(lake):
    require(importlib.util.find_spec("duckdb"), "duckdb is not installed (requirements.txt)")
    from snowplow_beam.warehouse.local import open_lake

    root, summary = lake
    con = open_lake(str(root))
    assert con.execute("SELECT COUNT(*) FROM good_events").fetchone() == (summary.get("good"),)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE good_events)").fetchall())
    assert (types["date"], types["hour"], types["collector_tstamp"]) == ("DATE", "INTEGER", "TIMESTAMP WITH TIME ZONE")
    hours = con.execute("SELECT date, hour, COUNT(*) FROM good_events GROUP BY ALL ORDER BY ALL").fetchall()
    assert sum(n for _, _, n in hours) == summary.get("good")
    for date, hour, _ in hours:
        assert (root / "good" / f"date={date.isoformat()}" / f"hour={hour:02d}").is_dir()
    plans = con.execute("SELECT json_extract_string(contexts, '$.data[0].data.plan') AS plan, COUNT(*) "
                        "FROM good_events WHERE date = ? AND hour = ? GROUP BY ALL",
                        [hours[0][0], hours[0][1]]).fetchall()
    assert sum(n for _, n in plans) == hours[0][2] and any(plan for plan, _ in plans)
    bad = dict(con.execute("SELECT output, COUNT(*) FROM bad_rows GROUP BY ALL").fetchall())
    assert bad == {"enriched_bad": summary.get("enriched_bad"), "raw_bad": summary.get("raw_bad")}
    by_type = dict(con.execute("SELECT bad_row_type, COUNT(*) FROM bad_rows GROUP BY ALL").fetchall())
    assert sum(by_type.values()) == sum(bad.values()) and "schema_violations" in by_type
    assert con.execute("SELECT COUNT(*) FROM bad_rows WHERE failure_tstamp IS NULL").fetchone() == (0,)
