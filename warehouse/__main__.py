"""``snowplow-warehouse``: load the lake into Snowflake, print the SQL, or query the lake locally with DuckDB."""
from __future__ import annotations

import argparse
import os
import sys

from snowplow_beam.warehouse.loader import (
    ConfigurationError,
    Lake,
    LoadFailed,
    SchemaMismatch,
    check_lake,
    connect,
    dry_run,
    load,
)
from snowplow_beam.warehouse.sql import (
    Objects,
    add_bad_row_columns,
    create_pipes,
    create_storage_integration,
    ddl,
    copies,
    script,
)


def _objects(args) -> Objects:
    env = os.environ
    return Objects(
        database=args.database or env.get("SNOWFLAKE_DATABASE") or Objects.database,
        schema=args.schema or env.get("SNOWFLAKE_SCHEMA") or Objects.schema,
        good_table=args.good_table,
        bad_table=args.bad_table,
        storage_integration=args.storage_integration,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-warehouse",
        description="Load the lake into Snowflake, print the SQL, or query the lake locally with DuckDB.",
        epilog="Each command has its own options: snowplow-warehouse COMMAND --help. Exit status: 0 done, 1 COPY "
               "could not load some files, 2 a configuration error or an existing table or stage of another shape.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=epilog)
        sub.add_argument("--lake", required=True, metavar="ROOT",
                         help="the lake: s3://bucket/prefix or a local folder (required)")
        return sub

    def objects_options(sub: argparse.ArgumentParser) -> None:
        objects = sub.add_argument_group("Snowflake objects")
        objects.add_argument("--database", metavar="NAME",
                             help=f"database of the tables and stages (default: $SNOWFLAKE_DATABASE, else "
                                  f"{Objects.database})")
        objects.add_argument("--schema", metavar="NAME",
                             help=f"schema of the tables and stages (default: $SNOWFLAKE_SCHEMA, else "
                                  f"{Objects.schema})")
        objects.add_argument("--good-table", metavar="NAME", default=Objects.good_table,
                             help="table of the good events, loaded from ROOT/good/ (default: %(default)s)")
        objects.add_argument("--bad-table", metavar="NAME", default=Objects.bad_table,
                             help="table of the bad rows, loaded from ROOT/enriched_bad/ and ROOT/raw_bad/ "
                                  "(default: %(default)s)")
        objects.add_argument("--storage-integration", metavar="NAME", default=Objects.storage_integration,
                             help="S3 lake: the storage integration the external stages use (default: %(default)s)")

    loader = add("load", "Apply the DDL and load the lake (credentials from SNOWFLAKE_* variables).",
                 epilog="Environment: SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER (required) and one way to authenticate: "
                        "SNOWFLAKE_PRIVATE_KEY_PATH or SNOWFLAKE_PRIVATE_KEY (PEM text), with "
                        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when the key is encrypted; SNOWFLAKE_PASSWORD; or "
                        "SNOWFLAKE_AUTHENTICATOR. Optional: SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE.")
    objects_options(loader)
    loader.add_argument("--dry-run", action="store_true",
                        help="print the SQL instead of running it (default: run it)")
    loader.add_argument("--pipes", action="store_true",
                        help="S3 lake: create the auto-ingest Snowpipes and refresh them instead of COPY "
                             "(default: COPY)")
    loader.add_argument("--no-pattern", dest="pattern", action="store_false",
                        help="leave PATTERN out of COPY, for emulators without it such as fakesnow (default: "
                             "COPY with PATTERN)")

    sql = add("sql", "Print all the SQL for this lake: DDL, COPY, Snowpipes, and the storage integration.")
    objects_options(sql)
    sql.add_argument("--aws-role-arn", metavar="ARN",
                     help="S3 lake: also print CREATE STORAGE INTEGRATION for this IAM role (default: not printed)")

    query = add("query", "Query the lake locally with DuckDB (views good_events and bad_rows).")
    query.add_argument("sql", nargs="?", default="SELECT date, hour, count(*) AS events FROM good_events "
                                                 "GROUP BY ALL ORDER BY ALL",
                       help="the DuckDB SQL to run; results are printed tab-separated (default: events by hour: "
                            "%(default)s)")
    return parser


def _print_sql(args) -> None:
    objects, lake = _objects(args), Lake(args.lake)
    check_lake(lake)
    statements = []
    if lake.is_remote and args.aws_role_arn:
        statements.append(create_storage_integration(objects, lake.url, args.aws_role_arn))
    statements += ddl(objects, lake.url)
    statements += [statement for _, statement in copies(objects)]
    if lake.is_remote:
        statements += create_pipes(objects)
    print("-- Migration of an existing legacy (jsontext, uploaded_at) bad-events table:")
    print("".join(f"-- {s};\n" for s in add_bad_row_columns(objects)))
    print(script(statements), end="")


def _query(args) -> None:
    from snowplow_beam.warehouse.local import open_lake

    con = open_lake(args.lake)
    cursor = con.execute(args.sql)
    names = [d[0] for d in cursor.description]
    print("\t".join(names))
    for row in cursor.fetchall():
        print("\t".join("" if v is None else str(v) for v in row))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sql":
            _print_sql(args)
        elif args.command == "query":
            _query(args)
        elif args.dry_run:
            dry_run(Lake(args.lake), _objects(args), args.pattern, args.pipes)
        else:
            objects = _objects(args)
            check_lake(Lake(args.lake))
            conn = connect(objects=objects)
            try:
                load(conn, Lake(args.lake), objects, args.pattern, args.pipes)
            finally:
                conn.close()
    except (ConfigurationError, SchemaMismatch) as exc:
        print(f"snowplow-warehouse: {exc}", file=sys.stderr)
        return 2
    except LoadFailed as exc:
        print(f"snowplow-warehouse: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
