"""The Snowflake SQL, generated from :data:`transforms.atomic.FIELDS` so that the column list never drifts.

Objects (names are defaults; :class:`Objects` changes them):

- ``GITLAB_EVENTS``: the 131 canonical columns typed as the Parquet schema (VARCHAR, NUMBER(38,0), FLOAT,
  NUMBER(38,18) for decimals, BOOLEAN, TIMESTAMP_NTZ(3) holding UTC, VARIANT for the three JSON fields) plus ``uploaded_at``.
- ``GITLAB_BAD_EVENTS``: ``jsontext VARIANT`` (one self-describing bad row) and ``uploaded_at``, the legacy shape,
  plus virtual columns for triage (schema, type, failure and collector timestamps, processor).
- ``GITLAB_EVENTS_LEGACY`` / ``GITLAB_BAD_EVENTS_LEGACY``: views with the legacy all-VARCHAR TSV layout and the
  legacy ``{line, errors, failure_tstamp}`` bad rows that GitLab's dbt models read.
- File formats, one stage per lake prefix (``good/``, ``enriched_bad/``, ``raw_bad/``; external over S3 through a
  storage integration, or internal for a local lake that the loader PUTs), the COPY statements and Snowpipes.

Every CREATE is ``IF NOT EXISTS`` except views (stateless, ``OR REPLACE``): replacing a table or a pipe would drop
its load history, and load history is what makes a second COPY load nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from snowplow_beam.lake.layout import ENRICHED_BAD, GOOD, JSON_LINES, PARQUET, RAW_BAD
from snowplow_beam.transforms.atomic import BOOL, DECIMAL, FIELDS, FLOAT, INT, JSON, STRING, TIMESTAMP, Field

UPLOADED_AT = "uploaded_at"
UPLOADED_AT_TYPE = "TIMESTAMP_NTZ(9)"
UPLOADED_AT_NOW = "CAST(CURRENT_TIMESTAMP() AS TIMESTAMP_NTZ(9))"

# Snowflake column type of each logical type (transforms.atomic), matching the Parquet (Arrow) schema.
COLUMN_TYPES = {
    STRING: "VARCHAR",
    INT: "NUMBER(38,0)",
    FLOAT: "FLOAT",
    DECIMAL: "NUMBER(38,18)",  # Parquet decimal128(38, 18): the exact decimal
    BOOL: "BOOLEAN",
    TIMESTAMP: "TIMESTAMP_NTZ(3)",  # Parquet timestamp[ms, UTC]; the NTZ value is the UTC wall clock
    JSON: "VARIANT",
}

# Bad rows carry RFC 3339 timestamps with milliseconds and a Z (transforms.timestamps.format_iso_timestamp); the first
# 23 characters, without the Z, parse with an explicit format (deterministic, as a virtual column needs).
ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF3'
# The enriched TSV's timestamp format (transforms.timestamps.format_timestamp).
TSV_TIMESTAMP_FORMAT = "YYYY-MM-DD HH24:MI:SS.FF3"

GZIP = ".gz"  # gzipped copies of bad-row files load too: Snowflake detects the compression

# Triage columns of the bad-rows table: virtual (computed from jsontext at query time, no storage), so the
# COPY stays the legacy `COPY INTO ... (jsontext)` and an existing legacy table gains them with ALTER TABLE ADD.
BAD_ROW_VIRTUAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("bad_row_schema", "VARCHAR", "jsontext:schema::VARCHAR"),
    ("bad_row_type", "VARCHAR", "SPLIT_PART(jsontext:schema::VARCHAR, '/', 2)"),
    ("failure_tstamp", "TIMESTAMP_NTZ(3)",
     f"TRY_TO_TIMESTAMP_NTZ(LEFT(jsontext:data:failure:timestamp::VARCHAR, 23), '{ISO_FORMAT}')"),
    ("collector_tstamp", "TIMESTAMP_NTZ(3)",
     "TRY_TO_TIMESTAMP_NTZ(LEFT(COALESCE(jsontext:data:payload:raw:timestamp::VARCHAR, "
     f"jsontext:data:payload:timestamp::VARCHAR), 23), '{ISO_FORMAT}')"),
    ("processor", "VARCHAR",
     "jsontext:data:processor:artifact::VARCHAR || '-' || jsontext:data:processor:version::VARCHAR"),
)


@dataclass(frozen=True)
class Objects:
    """Where everything lives. Names are unquoted identifiers (Snowflake upper-cases them)."""

    database: str = "RAW"
    schema: str = "SNOWPLOW"
    good_table: str = "GITLAB_EVENTS"
    bad_table: str = "GITLAB_BAD_EVENTS"
    good_legacy_view: str = "GITLAB_EVENTS_LEGACY"
    bad_legacy_view: str = "GITLAB_BAD_EVENTS_LEGACY"
    parquet_format: str = "SNOWPLOW_PARQUET"
    bad_rows_format: str = "SNOWPLOW_BAD_ROWS_JSON"
    storage_integration: str = "SNOWPLOW_LAKE"

    def qualified(self, name: str) -> str:
        return f"{self.database}.{self.schema}.{name}"

    @property
    def sources(self) -> tuple["Source", ...]:
        return (
            Source(GOOD, "GITLAB_EVENTS_STAGE", "GITLAB_GOOD_EVENT_PIPE", self.good_table,
                   self.parquet_format, PARQUET),
            Source(ENRICHED_BAD, "GITLAB_ENRICHED_BAD_STAGE", "GITLAB_ENRICHED_BAD_EVENT_PIPE", self.bad_table,
                   self.bad_rows_format, JSON_LINES, gzipped=True),
            Source(RAW_BAD, "GITLAB_RAW_BAD_STAGE", "GITLAB_RAW_BAD_EVENT_PIPE", self.bad_table,
                   self.bad_rows_format, JSON_LINES, gzipped=True),
        )


class Source(NamedTuple):
    """One prefix of the lake (an output of :mod:`snowplow_beam.lake.layout`), its stage, its pipe, the table it
    loads into and the files it loads: those of ``suffix`` (a TSV lake's good files are not loaded), and with
    ``gzipped`` their gzipped copies."""

    prefix: str
    stage: str
    pipe: str
    table: str
    file_format: str
    suffix: str
    gzipped: bool = False

    @property
    def is_good(self) -> bool:
        return self.prefix == GOOD

    @property
    def suffixes(self) -> tuple[str, ...]:
        return (self.suffix, self.suffix + GZIP) if self.gzipped else (self.suffix,)

    @property
    def pattern(self) -> str:
        """COPY's PATTERN: ``.*[.]parquet``, ``.*[.]json([.]gz)?``."""
        def dots(text: str) -> str:
            return text.replace(".", "[.]")

        return ".*" + dots(self.suffix) + (f"({dots(GZIP)})?" if self.gzipped else "")


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- tables --------------------------------------------------------------------------------------------------------

def good_table_columns() -> list[tuple[str, str]]:
    """(name, Snowflake type) of ``GITLAB_EVENTS``, in TSV order, ``uploaded_at`` last."""
    return [(f.name, COLUMN_TYPES[f.type]) for f in FIELDS] + [(UPLOADED_AT, UPLOADED_AT_TYPE)]


def create_good_table(o: Objects) -> str:
    lines = [f"  {name} {kind}" for name, kind in good_table_columns()[:-1]]
    lines.append(f"  {UPLOADED_AT} {UPLOADED_AT_TYPE} DEFAULT {UPLOADED_AT_NOW}")
    return f"CREATE TABLE IF NOT EXISTS {o.qualified(o.good_table)} (\n" + ",\n".join(lines) + "\n)"


def create_bad_table(o: Objects) -> str:
    lines = ["  jsontext VARIANT", f"  {UPLOADED_AT} {UPLOADED_AT_TYPE} DEFAULT {UPLOADED_AT_NOW}"]
    lines += [f"  {name} {kind} AS ({expr})" for name, kind, expr in BAD_ROW_VIRTUAL_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {o.qualified(o.bad_table)} (\n" + ",\n".join(lines) + "\n)"


def add_bad_row_columns(o: Objects) -> list[str]:
    """Migration for a pre-existing legacy ``(jsontext, uploaded_at)`` table: add the triage columns."""
    return [f"ALTER TABLE {o.qualified(o.bad_table)} ADD COLUMN IF NOT EXISTS {name} {kind} AS ({expr})"
            for name, kind, expr in BAD_ROW_VIRTUAL_COLUMNS]


# --- file formats, stages, storage integration ---------------------------------------------------------------------

def file_formats(o: Objects) -> list[str]:
    return [
        f"CREATE FILE FORMAT IF NOT EXISTS {o.qualified(o.parquet_format)} TYPE = PARQUET",
        f"CREATE FILE FORMAT IF NOT EXISTS {o.qualified(o.bad_rows_format)} TYPE = JSON",
    ]


def stage_url(lake_url: str, source: Source) -> str:
    return lake_url.rstrip("/") + f"/{source.prefix}/"


def create_stages(o: Objects, lake_url: str | None) -> list[str]:
    """External stages over ``LAKE/good/`` etc. when ``lake_url`` is given (``s3://…``), else internal stages."""
    statements = []
    for source in o.sources:
        location = ""
        if lake_url:
            location = (f" URL = {_literal(stage_url(lake_url, source))}"
                        f" STORAGE_INTEGRATION = {o.storage_integration}")
        statements.append(
            f"CREATE STAGE IF NOT EXISTS {o.qualified(source.stage)}{location}"
            f" FILE_FORMAT = (FORMAT_NAME = {_literal(o.qualified(source.file_format))})"
        )
    return statements


def create_storage_integration(o: Objects, lake_url: str, aws_role_arn: str) -> str:
    """Run once by an account administrator; then ``DESC INTEGRATION`` gives the IAM user and external id."""
    return (
        f"CREATE STORAGE INTEGRATION IF NOT EXISTS {o.storage_integration}"
        " TYPE = EXTERNAL_STAGE STORAGE_PROVIDER = 'S3' ENABLED = TRUE"
        f" STORAGE_AWS_ROLE_ARN = {_literal(aws_role_arn)}"
        f" STORAGE_ALLOWED_LOCATIONS = ({_literal(lake_url.rstrip('/') + '/')})"
    )


# --- COPY and Snowpipe ---------------------------------------------------------------------------------------------

def _select_expression(field: Field) -> str:
    path = f"$1:{field.name}"
    if field.type == JSON:
        # A Parquet string column holding JSON lands in VARIANT as a *string* unless parsed: parse it here, so
        # `contexts:data[0]:data:...` works. (fakesnow parses implicitly; Snowflake does not.)
        return f"PARSE_JSON({path}::VARCHAR)"
    return f"{path}::{COLUMN_TYPES[field.type]}"


def copy_good(o: Objects, source: Source | None = None, pattern: bool = True) -> str:
    """``COPY INTO GITLAB_EVENTS`` from the good stage: each column by its Parquet name, typed, JSON parsed."""
    source = source or o.sources[0]
    columns = ",\n  ".join([f.name for f in FIELDS] + [UPLOADED_AT])
    select = ",\n    ".join([_select_expression(f) for f in FIELDS] + [UPLOADED_AT_NOW])
    sql = (
        f"COPY INTO {o.qualified(source.table)} (\n  {columns}\n)\n"
        f"FROM (\n  SELECT\n    {select}\n  FROM @{o.qualified(source.stage)}\n)\n"
        f"FILE_FORMAT = (FORMAT_NAME = {_literal(o.qualified(source.file_format))})"
    )
    return sql + (f"\nPATTERN = {_literal(source.pattern)}" if pattern else "")


def copy_bad(o: Objects, source: Source, pattern: bool = True) -> str:
    """``COPY INTO GITLAB_BAD_EVENTS (jsontext)``: one VARIANT per JSON line; ``uploaded_at`` is its DEFAULT."""
    sql = (
        f"COPY INTO {o.qualified(source.table)} (jsontext)\n"
        f"FROM @{o.qualified(source.stage)}\n"
        f"FILE_FORMAT = (FORMAT_NAME = {_literal(o.qualified(source.file_format))})"
    )
    return sql + (f"\nPATTERN = {_literal(source.pattern)}" if pattern else "")


def copy_statement(o: Objects, source: Source, pattern: bool = True) -> str:
    return copy_good(o, source, pattern) if source.is_good else copy_bad(o, source, pattern)


def create_pipes(o: Objects) -> list[str]:
    """Snowpipes with auto-ingest (S3 event notifications to the pipe's SQS queue, ``SHOW PIPES``)."""
    return [
        f"CREATE PIPE IF NOT EXISTS {o.qualified(source.pipe)} AUTO_INGEST = TRUE AS\n"
        + copy_statement(o, source)
        for source in o.sources
    ]


def refresh_pipes(o: Objects) -> list[str]:
    """Queue the files staged in the last 7 days that the pipes have not loaded (a pipe's own load history)."""
    return [f"ALTER PIPE {o.qualified(source.pipe)} REFRESH" for source in o.sources]


# --- legacy views --------------------------------------------------------------------------------------------------

def _legacy_expression(field: Field) -> str:
    name = field.name
    if field.type == STRING:
        return name
    if field.type == BOOL:
        return f"CASE WHEN {name} THEN '1' WHEN NOT {name} THEN '0' END"
    if field.type == TIMESTAMP:
        return f"TO_VARCHAR({name}, '{TSV_TIMESTAMP_FORMAT}')"
    if field.type == JSON:
        return f"TO_JSON({name})"
    if field.type == DECIMAL:  # NUMBER(38,18) prints 18 decimals: the trailing zeros (and a bare point) go
        return f"REGEXP_REPLACE(TO_VARCHAR({name}), '[.]?0+$', '')"
    return f"TO_VARCHAR({name})"


def create_good_legacy_view(o: Objects) -> str:
    """The legacy layout: the 131 columns as VARCHAR in TSV order, formatted as the enriched TSV, + uploaded_at."""
    columns = ",\n  ".join(
        [f"{_legacy_expression(f)}::VARCHAR AS {f.name}" for f in FIELDS] + [UPLOADED_AT])
    return (f"CREATE OR REPLACE VIEW {o.qualified(o.good_legacy_view)} AS\n"
            f"SELECT\n  {columns}\nFROM {o.qualified(o.good_table)}")


def create_bad_legacy_view(o: Objects) -> str:
    """Self-describing bad rows presented as legacy ``{line, errors, failure_tstamp}`` bad rows.

    ``line`` is the bad row's payload as text (a raw payload's text, or the JSON of the raw and partially
    enriched event), base64-encoded; ``errors`` has one ``{level: "error", message}`` per failure message (a
    message object as JSON text), in order; ``failure_tstamp`` is the failure's RFC 3339 timestamp. Identical
    rows loaded together (one damaged record sent twice, failing in one millisecond) are kept once before their
    messages are flattened, so they make one legacy row with its messages once. Rows that are already legacy bad
    rows (no ``schema``: loaded before the switch) pass through unchanged.
    """
    messages = ("COALESCE(jsontext:data:failure:messages, jsontext:data:failure:errors, "
                "ARRAY_CONSTRUCT(COALESCE(jsontext:data:failure:message, jsontext:data:failure:expectation)))")
    return (
        f"CREATE OR REPLACE VIEW {o.qualified(o.bad_legacy_view)} AS\n"
        "WITH bad_rows AS (\n"
        "  SELECT\n"
        "    TO_JSON(jsontext) AS row_key,\n"
        "    BASE64_ENCODE(jsontext:data:payload::VARCHAR) AS line,\n"
        "    jsontext:data:failure:timestamp::VARCHAR AS failure_tstamp,\n"
        f"    {messages} AS messages,\n"
        f"    {UPLOADED_AT}\n"
        f"  FROM {o.qualified(o.bad_table)}\n"
        "  WHERE jsontext:schema IS NOT NULL\n"
        f"  QUALIFY ROW_NUMBER() OVER (PARTITION BY row_key, {UPLOADED_AT} ORDER BY row_key) = 1\n"
        ")\n"
        "SELECT\n"
        "  OBJECT_CONSTRUCT(\n"
        "    'line', r.line,\n"
        "    'errors', ARRAY_AGG(OBJECT_CONSTRUCT('level', 'error', 'message', m.value::VARCHAR))"
        " WITHIN GROUP (ORDER BY m.index),\n"
        "    'failure_tstamp', r.failure_tstamp\n"
        "  ) AS jsontext,\n"
        f"  r.{UPLOADED_AT}\n"
        "FROM bad_rows r, LATERAL FLATTEN(input => r.messages, OUTER => TRUE) m\n"
        f"GROUP BY r.row_key, r.line, r.failure_tstamp, r.{UPLOADED_AT}\n"
        "UNION ALL\n"
        "-- rows loaded before, already in the legacy shape, pass through unchanged\n"
        f"SELECT jsontext, {UPLOADED_AT} FROM {o.qualified(o.bad_table)} WHERE jsontext:schema IS NULL"
    )


# --- whole plans ---------------------------------------------------------------------------------------------------

def ddl(o: Objects, lake_url: str | None) -> list[str]:
    """What the loader applies before loading: file formats, tables, views, stages (all idempotent)."""
    return [
        *file_formats(o),
        create_good_table(o),
        create_bad_table(o),
        create_good_legacy_view(o),
        create_bad_legacy_view(o),
        *create_stages(o, lake_url),
    ]


def copies(o: Objects, pattern: bool = True) -> list[tuple[Source, str]]:
    return [(source, copy_statement(o, source, pattern)) for source in o.sources]


def script(statements: list[str]) -> str:
    return "".join(f"{statement};\n\n" for statement in statements)
