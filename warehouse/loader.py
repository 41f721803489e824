"""Load the lake into Snowflake: apply the DDL, stage the files, COPY, and say what was loaded.

A lake on S3 is read through external stages (a storage integration gives Snowflake access); a local lake is
PUT into internal stages first, keeping the ``date=…/hour=…`` layout. Either way the COPY statements are the same
and Snowflake's load history makes them idempotent: a file already loaded into a table is not loaded again.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from snowplow_beam.lake.layout import list_finished_files
from snowplow_beam.warehouse.sql import (
    Objects,
    Source,
    copies,
    create_bad_table,
    create_good_table as create_good_table_sql,
    create_pipes,
    ddl,
    good_table_columns,
    refresh_pipes,
    stage_url,
)

APPLICATION = "snowplow-warehouse"
REMOTE_SCHEMES = ("s3://",)


class ConfigurationError(ValueError):
    """The loader cannot run as configured; the message says what to change."""


class SchemaMismatch(RuntimeError):
    """A table or stage already exists with another shape than this loader's DDL."""


class LoadFailed(RuntimeError):
    """COPY reported files it could not load."""


# --- connection ----------------------------------------------------------------------------------------------------

def connection_args(env: Mapping[str, str] = os.environ, database: str | None = None,
                    schema: str | None = None) -> dict:
    """``snowflake.connector.connect`` arguments from the environment.

    ``SNOWFLAKE_ACCOUNT`` and ``SNOWFLAKE_USER`` are required, and one way to authenticate: a key pair
    (``SNOWFLAKE_PRIVATE_KEY_PATH`` or ``…_FILE``, or ``SNOWFLAKE_PRIVATE_KEY`` with the PEM text; plus
    ``SNOWFLAKE_PRIVATE_KEY_PASSPHRASE`` or ``…_FILE_PWD`` when it is encrypted), ``SNOWFLAKE_PASSWORD``, or
    ``SNOWFLAKE_AUTHENTICATOR`` (e.g. ``externalbrowser``). Optional: ``SNOWFLAKE_ROLE``, ``SNOWFLAKE_WAREHOUSE``,
    ``SNOWFLAKE_DATABASE`` (default RAW), ``SNOWFLAKE_SCHEMA`` (default SNOWPLOW).
    """
    missing = [name for name in ("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER") if not env.get(name)]
    if missing:
        raise ConfigurationError(f"set {' and '.join(missing)} (and credentials) in the environment")
    args: dict = {
        "account": env["SNOWFLAKE_ACCOUNT"],
        "user": env["SNOWFLAKE_USER"],
        "database": database or env.get("SNOWFLAKE_DATABASE") or Objects.database,
        "schema": schema or env.get("SNOWFLAKE_SCHEMA") or Objects.schema,
        "application": APPLICATION,
        # uploaded_at and timestamp casts follow the session time zone: keep it UTC like the lake.
        "session_parameters": {"TIMEZONE": "UTC", "QUERY_TAG": APPLICATION},
    }
    for name, key in (("SNOWFLAKE_ROLE", "role"), ("SNOWFLAKE_WAREHOUSE", "warehouse")):
        if env.get(name):
            args[key] = env[name]
    key_path = env.get("SNOWFLAKE_PRIVATE_KEY_PATH") or env.get("SNOWFLAKE_PRIVATE_KEY_FILE")
    key_text = env.get("SNOWFLAKE_PRIVATE_KEY")
    passphrase = env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE") or env.get("SNOWFLAKE_PRIVATE_KEY_FILE_PWD")
    if key_path or key_text:
        try:
            pem = Path(key_path).read_bytes() if key_path else key_text.encode()
        except OSError as exc:
            raise ConfigurationError(f"cannot read SNOWFLAKE_PRIVATE_KEY_PATH: {exc}") from None
        args["private_key"] = private_key_der(pem, passphrase)
    elif env.get("SNOWFLAKE_PASSWORD"):
        args["password"] = env["SNOWFLAKE_PASSWORD"]
    elif env.get("SNOWFLAKE_AUTHENTICATOR"):
        args["authenticator"] = env["SNOWFLAKE_AUTHENTICATOR"]
    else:
        raise ConfigurationError(
            "no Snowflake credentials: set SNOWFLAKE_PRIVATE_KEY_PATH (key pair), SNOWFLAKE_PRIVATE_KEY, "
            "SNOWFLAKE_PASSWORD or SNOWFLAKE_AUTHENTICATOR")
    return args


def private_key_der(pem: bytes, passphrase: str | None) -> bytes:
    """The PKCS#8 DER bytes the connector takes as ``private_key``, from a PEM key (encrypted or not)."""
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode() if passphrase else None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"cannot load the private key (check SNOWFLAKE_PRIVATE_KEY_PASSPHRASE): {exc}") \
            from None
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def connect(env: Mapping[str, str] = os.environ, objects: Objects | None = None):
    import snowflake.connector

    objects = objects or Objects()
    return snowflake.connector.connect(**connection_args(env, objects.database, objects.schema))


# --- the lake ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lake:
    """``ROOT`` as given on the command line: ``s3://bucket/prefix`` or a local folder."""

    root: str

    @property
    def is_remote(self) -> bool:
        return self.root.startswith(REMOTE_SCHEMES)

    @property
    def url(self) -> str | None:
        """The URL the external stages point under, or None for a local lake (internal stages)."""
        return self.root.rstrip("/") if self.is_remote else None

    @property
    def path(self) -> Path:
        return Path(self.root.removeprefix("file://")).resolve()

    def files(self, source: Source) -> list[Path]:
        """The finished files of one prefix of a local lake that the source loads."""
        return [Path(file.path) for file in list_finished_files(self.path, source.prefix, source.suffixes)]


def check_lake(lake: Lake) -> None:
    if "://" in lake.root and not lake.is_remote and not lake.root.startswith("file://"):
        raise ConfigurationError(f"unsupported lake URL {lake.root}: use s3://bucket/prefix or a local folder")
    if not lake.is_remote and not lake.path.is_dir():
        raise ConfigurationError(f"the lake {lake.path} does not exist")


def _sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def put_statement(objects: Objects, lake: Lake, source: Source, path: Path) -> str:
    """PUT one local file into its stage at the same ``date=…/hour=…`` sub-path it has in the lake."""
    relative = path.parent.relative_to(lake.path / source.prefix).as_posix()
    target = f"@{objects.qualified(source.stage)}/" + ("" if relative == "." else relative + "/")
    # The path as is: PUT does not percent-decode a file URI (Path.as_uri() would turn "date=" into "date%3D").
    return f"PUT {_sql_string('file://' + path.as_posix())} {target} AUTO_COMPRESS = FALSE"


# --- the plan and the run ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    kind: str  # ddl | put | copy | pipe
    sql: str
    source: Source | None = None
    table: str | None = None  # for a CREATE TABLE: the table it creates


def plan(lake: Lake, objects: Objects, pattern: bool = True, pipes: bool = False) -> list[Step]:
    """Every statement the loader runs, in order (``--dry-run`` prints them)."""
    if pipes and not lake.is_remote:
        raise ConfigurationError("Snowpipe auto-ingest needs a lake on S3 (external stages)")
    tables = {create_good_table_sql(objects): objects.good_table, create_bad_table(objects): objects.bad_table}
    steps = [Step("ddl", statement, table=tables.get(statement)) for statement in ddl(objects, lake.url)]
    if pipes:
        steps += [Step("pipe", statement) for statement in create_pipes(objects) + refresh_pipes(objects)]
        return steps
    if not lake.is_remote:
        for source in objects.sources:
            steps += [Step("put", put_statement(objects, lake, source, path), source) for path in lake.files(source)]
    steps += [Step("copy", statement, source) for source, statement in copies(objects, pattern)]
    return steps


@dataclass(frozen=True)
class FileResult:
    table: str
    file: str
    status: str
    rows_loaded: int
    error: str | None = None


@dataclass
class LoadReport:
    results: list[FileResult] = field(default_factory=list)

    def rows(self, table: str) -> int:
        return sum(r.rows_loaded for r in self.results if r.table == table.upper())

    def files(self, table: str, status: str = "LOADED") -> int:
        return sum(1 for r in self.results if r.table == table.upper() and r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status not in ("LOADED", "LOAD_SKIPPED")]


def _rows(cursor) -> list[dict]:
    names = [d[0].lower() for d in cursor.description or ()]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def copy_results(table: str, rows: Iterable[dict]) -> list[FileResult]:
    """COPY's result rows; ``Copy executed with 0 files processed.`` (nothing new) gives none."""
    results = []
    for row in rows:
        if "file" not in row:
            continue
        results.append(FileResult(table.upper(), str(row["file"]), str(row["status"]).upper(),
                                  int(row.get("rows_loaded") or 0), row.get("first_error")))
    return results


def check_tables(cursor, objects: Objects) -> None:
    """Refuse to load into a table that exists with another shape (e.g. GitLab's all-VARCHAR GITLAB_EVENTS)."""
    def describe(table: str) -> dict[str, str]:
        cursor.execute(f"DESCRIBE TABLE {objects.qualified(table)}")
        return {row["name"].lower(): row["type"].upper().split("(")[0] for row in _rows(cursor)}

    actual = describe(objects.good_table)
    wrong = [f"{name} is {actual.get(name, 'missing')}, expected {kind}" for name, kind in good_table_columns()
             if actual.get(name) != kind.split("(")[0]]
    if wrong:
        raise SchemaMismatch(
            f"{objects.qualified(objects.good_table)} exists with another layout ({len(wrong)} columns differ: "
            f"{'; '.join(wrong[:3])}{' …' if len(wrong) > 3 else ''}). Load into another table "
            "(--good-table) or migrate it: see warehouse/README.md.")
    bad = describe(objects.bad_table)
    if bad.get("jsontext") != "VARIANT":
        raise SchemaMismatch(f"{objects.qualified(objects.bad_table)} has no jsontext VARIANT column")


def check_stages(cursor, objects: Objects, lake: Lake) -> None:
    """A stage created earlier for another lake (internal vs S3, or another bucket) would load the wrong files."""
    cursor.execute(f"SHOW STAGES IN SCHEMA {objects.database}.{objects.schema}")
    urls = {row["name"].upper(): (row.get("url") or "").rstrip("/") for row in _rows(cursor)}
    for source in objects.sources:
        expected = stage_url(lake.url, source).rstrip("/") if lake.url else ""
        if source.stage in urls and urls[source.stage] != expected:
            raise SchemaMismatch(
                f"stage {objects.qualified(source.stage)} points at {urls[source.stage] or 'an internal stage'}, "
                f"not {expected or 'an internal stage'}: drop it or load with another --schema")


def check_no_pipes(cursor, objects: Objects) -> None:
    """Bulk COPY does not see Snowpipe's load history: with pipes in place, COPY would load files again."""
    cursor.execute(f"SHOW PIPES IN SCHEMA {objects.database}.{objects.schema}")
    present = sorted({row["name"].upper() for row in _rows(cursor)} & {s.pipe for s in objects.sources})
    if present:
        raise ConfigurationError(
            f"pipes {', '.join(present)} load this lake: a bulk COPY would load their files again. "
            "Use --pipes (ALTER PIPE … REFRESH) instead.")


def load(conn, lake: Lake, objects: Objects | None = None, pattern: bool = True, pipes: bool = False,
         out: Callable[[str], None] = print) -> LoadReport:
    """Apply the DDL, stage and COPY (or create and refresh the pipes); print and return what was loaded."""
    objects = objects or Objects()
    check_lake(lake)
    steps = plan(lake, objects, pattern, pipes)
    cursor = conn.cursor()
    report = LoadReport()
    # An existing table is left alone (its shape is checked below): its load history is what keeps a second
    # COPY from loading a file twice, and a loader role then needs no CREATE TABLE privilege.
    cursor.execute(f"SHOW TERSE TABLES IN SCHEMA {objects.database}.{objects.schema}")
    existing = {row["name"].upper() for row in _rows(cursor)}
    ddl_steps = [s for s in steps if s.kind == "ddl" and (s.table or "").upper() not in existing]
    for step in ddl_steps:
        cursor.execute(step.sql)
    check_tables(cursor, objects)
    check_stages(cursor, objects, lake)
    out(f"applied {len(ddl_steps)} DDL statements in {objects.database}.{objects.schema}")
    puts = [s for s in steps if s.kind == "put"]
    for step in puts:
        cursor.execute(step.sql)
    if puts:
        out(f"put {len(puts)} files from {lake.path} into internal stages")
    if pipes:
        for step in (s for s in steps if s.kind == "pipe"):
            cursor.execute(step.sql)
        cursor.execute(f"SHOW PIPES IN SCHEMA {objects.database}.{objects.schema}")
        for row in _rows(cursor):
            out(f"pipe {row['name']}: S3 event notifications for its prefix go to {row.get('notification_channel')}")
        out("pipes created and refreshed: Snowpipe loads new files as S3 announces them")
        return report
    if lake.is_remote:
        check_no_pipes(cursor, objects)
    for step in (s for s in steps if s.kind == "copy"):
        cursor.execute(step.sql)
        results = copy_results(step.source.table, _rows(cursor))
        report.results += results
        for r in results:
            out(f"{r.table:<20} {r.file}  {r.status}  {r.rows_loaded:,} rows" + (f"  {r.error}" if r.error else ""))
        if not any(r.status == "LOADED" for r in results):
            out(f"{step.source.table:<20} {step.source.prefix}/: no new files")
    for table in dict.fromkeys(s.table for s in objects.sources):
        out(f"loaded {report.rows(table):,} rows into {objects.qualified(table)} from {report.files(table)} files "
            f"({report.files(table, 'LOAD_SKIPPED')} reported as already loaded)")
    if report.failed:
        raise LoadFailed(f"{len(report.failed)} files failed to load, first: {report.failed[0].file}: "
                         f"{report.failed[0].error}")
    return report


def dry_run(lake: Lake, objects: Objects | None = None, pattern: bool = True, pipes: bool = False,
            out: Callable[[str], object] | None = None) -> None:
    from snowplow_beam.warehouse.sql import script

    check_lake(lake)
    (out or sys.stdout.write)(script([step.sql for step in plan(lake, objects or Objects(), pattern, pipes)]))
