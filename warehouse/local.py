"""Query the lake without Snowflake: DuckDB over the Parquet and bad-row files, partitions typed explicitly.

The partition columns ``date`` and ``hour`` come from the paths (hive partitioning). Left to inference DuckDB
reads ``hour=09`` as VARCHAR ``'09'`` and pyarrow as int32, so both are pinned here: ``date`` DATE, ``hour``
INTEGER. ``WHERE date = DATE '2025-11-28' AND hour = 9`` then reads only that folder.
"""
from __future__ import annotations

from snowplow_beam.lake.layout import BAD_OUTPUTS, GOOD, JSON_LINES, PARQUET, PARTITION_GLOB, list_finished_files

GOOD_EVENTS_SQL = """\
SELECT *
FROM read_parquet(
  '{glob}',
  hive_partitioning = true,
  hive_types = {{'date': DATE, 'hour': INTEGER}}
)"""

BAD_ROWS_SQL = """\
SELECT
  regexp_extract(filename, '/({outputs})/date=', 1) AS output,
  split_part(split_part(schema, '/', 2), '/', 1) AS bad_row_type,
  schema,
  CAST(data ->> '$.failure.timestamp' AS TIMESTAMP) AS failure_tstamp,
  data,
  date,
  hour
FROM read_json(
  [{globs}],
  format = 'newline_delimited',
  columns = {{'schema': 'VARCHAR', 'data': 'JSON'}},
  filename = true,
  hive_partitioning = true,
  hive_types = {{'date': DATE, 'hour': INTEGER}}
)"""



def _root(root: str) -> str:
    return str(root).rstrip("/").replace("'", "''")


def _glob(root: str, output: str, suffix: str) -> str:
    """The files of one output and suffix in every partition, as a DuckDB glob."""
    return f"{_root(root)}/{output}/{PARTITION_GLOB}/*{suffix}"


def good_events_sql(root: str) -> str:
    return GOOD_EVENTS_SQL.format(glob=_glob(root, GOOD, PARQUET))


def bad_rows_sql(root: str, outputs: tuple[str, ...] = BAD_OUTPUTS) -> str:
    globs = ", ".join(f"'{_glob(root, output, JSON_LINES)}'" for output in outputs)
    return BAD_ROWS_SQL.format(globs=globs, outputs="|".join(BAD_OUTPUTS))


def open_lake(root: str, connection=None):
    """A DuckDB connection with two views, ``good_events`` and ``bad_rows``, over the lake at ``root``.

    A local folder works as is; ``s3://`` needs DuckDB's httpfs extension and S3 credentials (a DuckDB secret).
    """
    import duckdb

    con = connection or duckdb.connect()
    local = "://" not in str(root)
    if not local or list_finished_files(root, GOOD, (PARQUET,)):
        con.execute(f"CREATE OR REPLACE VIEW good_events AS {good_events_sql(root)}")
    # DuckDB fails on a glob that matches nothing: on a local lake, read only the outputs that have files.
    outputs = tuple(o for o in BAD_OUTPUTS if not local or list_finished_files(root, o))
    if outputs:
        con.execute(f"CREATE OR REPLACE VIEW bad_rows AS {bad_rows_sql(root, outputs)}")
    return con
