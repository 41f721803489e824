"""The report's reading of the lake with DuckDB, one partition at a time, so that memory stays flat and a
progress line can report counts and rate.

- good events (``.parquet`` or ``.tsv``): DuckDB reads the files of one hour into a small temporary table of the
  four columns the report needs, then aggregates it (counts, top values, exact hourly latency percentiles, a
  log-scale latency histogram for the overall percentiles);
- bad rows (``.json``, one self-describing bad row per line): DuckDB ``read_json`` + the JSON functions give the
  bad-row type (from the schema URI) and one message per row (the first failure message, with long hex digests
  shown as ``<hash>`` so that rows differing only in a pseudonym group together);
- on S3, Parquet is scanned by DuckDB as a pyarrow dataset, reading only the needed columns; TSV and JSON files
  are copied to a temporary folder one partition at a time. DuckDB's httpfs extension is not needed.
"""
from __future__ import annotations

import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from snowplow_beam.lake.layout import GOOD, PARQUET, TSV
from snowplow_beam.report.data import HISTOGRAM_BUCKETS_PER_DECADE, HourStats, ReportData
from snowplow_beam.report.storage import Partition, list_partitions, open_lake
from snowplow_beam.transforms.progress import ProgressLine


def _sql_list(paths: Iterable[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _tsv_columns() -> str:
    from snowplow_beam.transforms.atomic import FIELDS

    return "{" + ", ".join(f"'{f.name}': 'VARCHAR'" for f in FIELDS) + "}"


_GOOD_PARQUET = """
CREATE OR REPLACE TEMP TABLE part AS
SELECT NULLIF(app_id, '') AS app_id,
       COALESCE(NULLIF(event_name, ''), NULLIF(event, '')) AS event_name,
       epoch_ms(collector_tstamp) AS c_ms,
       epoch_ms(etl_tstamp) AS e_ms
FROM {relation}"""

_GOOD_TSV = """
CREATE OR REPLACE TEMP TABLE part AS
SELECT NULLIF(app_id, '') AS app_id,
       COALESCE(NULLIF(event_name, ''), NULLIF(event, '')) AS event_name,
       epoch_ms(TRY_CAST(NULLIF(collector_tstamp, '') AS TIMESTAMP)) AS c_ms,
       epoch_ms(TRY_CAST(NULLIF(etl_tstamp, '') AS TIMESTAMP)) AS e_ms
FROM read_csv({files}, delim = '\t', header = false, quote = '', escape = '', auto_detect = false,
              columns = {columns})"""

_GOOD_SUMMARY = """
SELECT count(*), min(c_ms), max(c_ms), max(e_ms), count(e_ms - c_ms),
       quantile_cont(e_ms - c_ms, [0.5, 0.95, 0.99]), min(e_ms - c_ms), max(e_ms - c_ms)
FROM part"""

_GOOD_HISTOGRAM = f"""
SELECT CASE WHEN e_ms - c_ms < 1 THEN 0
            ELSE 1 + CAST(floor(log10(e_ms - c_ms) * {HISTOGRAM_BUCKETS_PER_DECADE}) AS INTEGER) END AS bucket,
       count(*)
FROM part WHERE e_ms IS NOT NULL AND c_ms IS NOT NULL GROUP BY 1"""

# The first failure message of a bad row, whatever its type (Snowplow's bad-row schemas put it in different
# places), prefixed by what it is about (schema key, field, vendor/version).
_FAILURE = "data -> '$.failure'"
_MESSAGE = f"""
COALESCE(
  {_FAILURE} ->> '$.messages[0].error.dataReports[0].message',
  CASE WHEN json_type({_FAILURE}, '$.messages[0].error') = 'VARCHAR' THEN {_FAILURE} ->> '$.messages[0].error' END,
  {_FAILURE} ->> '$.messages[0].error.error',
  {_FAILURE} ->> '$.messages[0].message.error',
  {_FAILURE} ->> '$.messages[0].message.expectation',
  {_FAILURE} ->> '$.messages[0].expectation',
  {_FAILURE} ->> '$.messages[0].message',
  {_FAILURE} ->> '$.message.error',
  {_FAILURE} ->> '$.message.expectation',
  {_FAILURE} ->> '$.expectation',
  {_FAILURE} ->> '$.errors[0]',
  left(CAST({_FAILURE} AS VARCHAR), 300),
  '(no failure)')"""
_SUBJECT = f"""
COALESCE(
  {_FAILURE} ->> '$.messages[0].schemaKey',
  {_FAILURE} ->> '$.messages[0].field',
  {_FAILURE} ->> '$.messages[0].message.field',
  {_FAILURE} ->> '$.message.payloadField',
  {_FAILURE} ->> '$.messages[0].error.dataReports[0].path')"""
_MORE = f"""
CASE WHEN coalesce(json_array_length({_FAILURE}, '$.messages'), 0) > 1
     THEN ' (+' || CAST(json_array_length({_FAILURE}, '$.messages') - 1 AS VARCHAR) || ' more)' ELSE '' END"""

_BAD = f"""
SELECT split_part(schema, '/', 2) AS bad_row_type,
       left(regexp_replace(coalesce({_SUBJECT} || ': ', '') || {_MESSAGE}, '[0-9a-fA-F]{{{{32,}}}}', '<hash>', 'g'),
            300) || {_MORE} AS message,
       count(*) AS rows,
       max(epoch_ms(TRY_CAST({_FAILURE} ->> '$.timestamp' AS TIMESTAMPTZ))) AS newest_failure_ms
FROM read_json({{files}}, format = 'newline_delimited', columns = {{{{'schema': 'VARCHAR', 'data': 'JSON'}}}})
GROUP BY ALL"""


class Progress(ProgressLine):
    """The report's line: partitions, rows and bytes read and their rates; in place on a terminal, a line every
    ``interval`` s elsewhere (CI logs), and always a last line."""

    def __init__(self, stream=None, interval: float = 5.0, enabled: bool = True):
        super().__init__(interval if enabled else 0, stream, at_start=True, in_place_every=0.2)

    def update(self, done: int, total: int, rows: int, size: int, final: bool = False) -> None:
        now = self.due(final)
        if now is not None:
            elapsed = self.elapsed(now)
            self.write(f"report: {done:,}/{total:,} partitions, {rows:,} rows, {size / 1e6:,.1f} MB read, "
                       f"{rows / elapsed:,.0f} rows/s, {size / 1e6 / elapsed:,.1f} MB/s, {elapsed:,.1f} s", final)


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def _good_relation(con, lake, part: Partition, scratch: Path) -> None:
    parquet = [f for f in part.files if f.endswith(PARQUET)]
    tsv = [f for f in part.files if f.endswith(TSV)]
    statements = []
    if parquet:
        if lake.remote:
            import pyarrow.dataset as ds

            dataset = ds.dataset(parquet, filesystem=lake.fs, format="parquet")
            con.register("good_dataset", dataset)
            statements.append(_GOOD_PARQUET.format(relation="good_dataset"))
        else:
            statements.append(_GOOD_PARQUET.format(
                relation=f"read_parquet({_sql_list(parquet)}, union_by_name = true)"))
    if tsv:
        local = lake.local_files(tsv, scratch)
        statements.append(_GOOD_TSV.format(files=_sql_list(local), columns=_tsv_columns()))
    con.execute(statements[0])
    for statement in statements[1:]:  # a partition with both formats: append
        con.execute(statement.replace("CREATE OR REPLACE TEMP TABLE part AS", "INSERT INTO part"))


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)


def _read_good(con, lake, part: Partition, data: ReportData, scratch: Path) -> int:
    _good_relation(con, lake, part, scratch)
    rows, c_min, c_max, e_max, lat_n, quantiles, lat_min, lat_max = con.execute(_GOOD_SUMMARY).fetchone()
    stats = data.hours.setdefault(part.start, HourStats())
    stats.good += rows
    if lat_n:
        stats.latency_ms = tuple(float(q) for q in quantiles)
        data.latency_min_ms = _min(data.latency_min_ms, float(lat_min))
        data.latency_max_ms = _max(data.latency_max_ms, float(lat_max))
        data.latency_histogram.update(dict(con.execute(_GOOD_HISTOGRAM).fetchall()))
    data.oldest_collector_ms = _min(data.oldest_collector_ms, c_min)
    data.newest_collector_ms = _max(data.newest_collector_ms, c_max)
    data.newest_etl_ms = _max(data.newest_etl_ms, e_max)
    for column, counter in (("event_name", data.event_names), ("app_id", data.app_ids)):
        counter.update(dict(con.execute(
            f"SELECT coalesce({column}, '(none)'), count(*) FROM part GROUP BY 1").fetchall()))
    if lake.remote:
        con.execute("DROP VIEW IF EXISTS good_dataset")
    return rows


def _read_bad(con, lake, part: Partition, data: ReportData, scratch: Path) -> int:
    files = lake.local_files(part.files, scratch)
    total = 0
    for bad_type, message, rows, newest in con.execute(_BAD.format(files=_sql_list(files))).fetchall():
        data.bad_types[(part.output, bad_type)] += rows
        data.messages[(bad_type, message)] += rows
        data.newest_failure_ms = _max(data.newest_failure_ms, newest)
        total += rows
    stats = data.hours.setdefault(part.start, HourStats())
    setattr(stats, part.output, getattr(stats, part.output) + total)
    return total


def collect(lake, since: datetime | None = None, until: datetime | None = None, progress: Progress | None = None,
            now: datetime | None = None) -> ReportData:
    """Read the lake (``lake``: a path, an ``s3://`` URL or a lake object) into a :class:`ReportData`."""
    if isinstance(lake, (str, Path)):
        lake = open_lake(str(lake))
    started = time.monotonic()
    data = ReportData(lake=lake.name, generated_at=now or datetime.now(timezone.utc), since=since, until=until)
    partitions = list_partitions(lake, since, until)
    data.partitions = len(partitions)
    con = _connect()
    rows = size = 0
    progress = progress or Progress(enabled=False)
    try:
        for done, part in enumerate(partitions, 1):
            with tempfile.TemporaryDirectory(prefix="snowplow-report-") as scratch:
                reader = _read_good if part.output == GOOD else _read_bad
                rows += reader(con, lake, part, data, Path(scratch))
            size += part.bytes
            data.files += len(part.files)
            progress.update(done, len(partitions), rows, size)
        progress.update(len(partitions), len(partitions), rows, size, final=True)
    finally:
        con.close()
    data.bytes = size
    data.seconds = time.monotonic() - started
    return data

