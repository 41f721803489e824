"""``snowplow-report`` / ``python -m snowplow_beam.beam_pipeline.report``: an HTML dashboard of a lake, read with DuckDB.

    snowplow-report --lake ROOT --output report.html [--since 2025-11-28] [--until 2025-11-28T12]

``ROOT`` is a local folder or ``s3://bucket/prefix``. The page is one self-contained file: inline CSS and
inline SVG charts generated here, no JavaScript, nothing fetched. It shows good and bad rows per hour, the bad
share, bad rows by type and their most frequent error messages (as the lake holds them: pseudonymized), the top
event names and app ids, the latency from ``collector_tstamp`` to ``etl_tstamp`` and the lake's freshness.

How it reads (one partition at a time, so memory stays flat and a progress line can report counts and rate):

- the partitions are listed from the paths ``<output>/date=YYYY-MM-DD/hour=HH/``; ``date`` and ``hour`` are typed
  here (``datetime.date``, ``int``), never inferred (DuckDB would read ``hour=09`` as VARCHAR, pyarrow as int32);
  ``--since``/``--until`` prune on them before anything is read. ``_temporary/`` and hidden files are skipped.
- good events (``.parquet`` or ``.tsv``): DuckDB reads the files of one hour into a small temporary table of the
  four columns the report needs, then aggregates it (counts, top values, exact hourly latency percentiles, a
  log-scale latency histogram for the overall percentiles);
- bad rows (``.json``, one self-describing bad row per line): DuckDB ``read_json`` + the JSON functions give the
  bad-row type (from the schema URI) and one message per row (the first failure message, with long hex digests
  shown as ``<hash>`` so that rows differing only in a pseudonym group together);
- on S3 (pyarrow's S3 filesystem and the standard AWS environment; ``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL``
  for an emulator) Parquet is scanned by DuckDB as a pyarrow dataset, reading only the needed columns; TSV and
  JSON files are copied to a temporary folder one partition at a time. DuckDB's httpfs extension is not needed.

Freshness follows GitLab's dbt source freshness on ``gitlab_events``: warn after 8 h, error after 24 h.
"""
from __future__ import annotations

import argparse
import html
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

OUTPUTS = ("good", "enriched_bad", "raw_bad")
BAD_OUTPUTS = ("enriched_bad", "raw_bad")
_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})/hour=(\d{1,2})$")
FRESHNESS_WARN_HOURS = 8   # dbt source freshness on gitlab_events (GitLab data team)
FRESHNESS_ERROR_HOURS = 24
HISTOGRAM_BUCKETS_PER_DECADE = 50  # latency histogram: buckets 4.7 % wide, percentiles within about 2.3 %
TOP = 15

# --------------------------------------------------------------------------------------------- the lake


@dataclass(frozen=True)
class Partition:
    output: str
    date: date
    hour: int
    files: tuple[str, ...]
    bytes: int

    @property
    def start(self) -> datetime:
        return datetime(self.date.year, self.date.month, self.date.day, self.hour, tzinfo=timezone.utc)


def _suffix_ok(output: str, name: str) -> bool:
    if name.startswith((".", "_")):
        return False
    if output == "good":
        return name.endswith((".parquet", ".tsv"))
    return name.endswith(".json")


class LocalLake:
    """A lake in a local folder."""

    remote = False

    def __init__(self, root: str):
        self.root = Path(root)
        self.name = str(root)

    def exists(self) -> bool:
        return self.root.is_dir()

    def list_files(self, output: str) -> list[tuple[str, str, int]]:
        """``(partition path "date=…/hour=…", file path, size)`` of every finished file of an output."""
        base = self.root / output
        found = []
        if base.is_dir():
            for path in base.glob("date=*/hour=*/*"):
                if path.is_file() and _suffix_ok(output, path.name):
                    found.append((f"{path.parent.parent.name}/{path.parent.name}", str(path), path.stat().st_size))
        return found

    def local_files(self, files: Iterable[str], scratch: Path) -> list[str]:
        return list(files)


class S3Lake:
    """A lake under ``s3://bucket/prefix``, through pyarrow's S3 filesystem."""

    remote = True

    def __init__(self, url: str, filesystem=None):
        from pyarrow import fs as pafs

        self.name = url
        self.path = url[len("s3://"):].rstrip("/")
        if filesystem is None:
            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if not region and not endpoint:
                try:  # the bucket's own region (one HEAD request)
                    region = pafs.resolve_s3_region(self.path.split("/", 1)[0])
                except (OSError, ValueError):
                    region = None
            kwargs = {"region": region or "us-east-1"}
            if endpoint:
                kwargs["endpoint_override"] = endpoint
                kwargs["scheme"] = "https" if endpoint.startswith("https") else "http"
            filesystem = pafs.S3FileSystem(**kwargs)
        self.fs = filesystem

    def exists(self) -> bool:
        from pyarrow import fs as pafs

        info = self.fs.get_file_info(self.path)
        if info.type == pafs.FileType.Directory:
            return True
        # S3 has no folders: a prefix "exists" when something is under it.
        return any(True for _ in self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True)))

    def list_files(self, output: str) -> list[tuple[str, str, int]]:
        from pyarrow import fs as pafs

        base = f"{self.path}/{output}"
        found = []
        for info in self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True)):
            if info.type != pafs.FileType.File:
                continue
            relative = info.path[len(base) + 1:].split("/")
            if len(relative) == 3 and _suffix_ok(output, relative[2]):
                found.append((f"{relative[0]}/{relative[1]}", info.path, info.size or 0))
        return found

    def local_files(self, files: Iterable[str], scratch: Path) -> list[str]:
        """Copies of the files in ``scratch`` (for the formats read from local files)."""
        copies = []
        for index, remote in enumerate(files):
            target = scratch / f"{index:05d}-{remote.rsplit('/', 1)[-1]}"
            with self.fs.open_input_stream(remote) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            copies.append(str(target))
        return copies


def open_lake(root: str):
    root = str(root)
    if root.startswith("s3://"):
        return S3Lake(root)
    if "://" in root:
        raise ValueError(f"unsupported lake URL {root!r}: a local folder or s3://bucket/prefix")
    return LocalLake(root)


def parse_bound(text: str | None, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH`` (UTC) -> the first hour it covers (``end``: the last)."""
    if not text:
        return None
    text = text.strip().rstrip("Z")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            value = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            return value + timedelta(hours=23) if end else value
        value = datetime.fromisoformat(text).replace(minute=0, second=0, microsecond=0)
    except ValueError as exc:
        raise ValueError(f"not a date or hour: {text!r} (YYYY-MM-DD or YYYY-MM-DDTHH)") from exc
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def list_partitions(lake, since: datetime | None = None, until: datetime | None = None) -> list[Partition]:
    """Every partition of the three outputs between ``since`` and ``until`` (hours, inclusive), in time order."""
    partitions = []
    for output in OUTPUTS:
        groups: dict[str, list[tuple[str, int]]] = {}
        for key, path, size in lake.list_files(output):
            groups.setdefault(key, []).append((path, size))
        for key, files in groups.items():
            match = _PARTITION.match(key)
            if not match:
                continue
            day, hour = date.fromisoformat(match.group(1)), int(match.group(2))
            part = Partition(output, day, hour, tuple(sorted(p for p, _ in files)), sum(s for _, s in files))
            if (since and part.start < since) or (until and part.start > until):
                continue
            partitions.append(part)
    return sorted(partitions, key=lambda p: (p.start, OUTPUTS.index(p.output)))


# --------------------------------------------------------------------------------------------- queries

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


@dataclass
class HourStats:
    good: int = 0
    enriched_bad: int = 0
    raw_bad: int = 0
    latency_ms: tuple[float | None, float | None, float | None] = (None, None, None)  # p50, p95, p99

    @property
    def bad(self) -> int:
        return self.enriched_bad + self.raw_bad


@dataclass
class ReportData:
    """Everything the page shows; built by :func:`collect`, rendered by :func:`render_html`."""

    lake: str
    generated_at: datetime
    since: datetime | None = None
    until: datetime | None = None
    hours: dict[datetime, HourStats] = field(default_factory=dict)
    bad_types: Counter = field(default_factory=Counter)      # (output, type) -> rows
    messages: Counter = field(default_factory=Counter)       # (type, message) -> rows
    event_names: Counter = field(default_factory=Counter)
    app_ids: Counter = field(default_factory=Counter)
    latency_histogram: Counter = field(default_factory=Counter)  # bucket -> events
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None
    oldest_collector_ms: int | None = None
    newest_collector_ms: int | None = None
    newest_etl_ms: int | None = None
    newest_failure_ms: int | None = None
    partitions: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    # -- totals
    def total(self, output: str) -> int:
        return sum(getattr(h, output) for h in self.hours.values())

    @property
    def good(self) -> int:
        return self.total("good")

    @property
    def bad(self) -> int:
        return self.total("enriched_bad") + self.total("raw_bad")

    @property
    def bad_share(self) -> float | None:
        outputs = self.good + self.bad
        return self.bad / outputs if outputs else None

    def latency_percentiles(self, quantiles=(0.5, 0.9, 0.95, 0.99)) -> dict[float, float]:
        """Overall percentiles from the histogram (within about 2.3 %), clamped to the exact min and max."""
        total = sum(self.latency_histogram.values())
        if not total:
            return {}
        result = {}
        buckets = sorted(self.latency_histogram.items())
        for q in quantiles:
            rank, seen = q * total, 0
            for bucket, count in buckets:
                seen += count
                if seen >= rank:
                    break
            if bucket == 0:
                value = 0.0
            else:
                value = 10 ** ((bucket - 0.5) / HISTOGRAM_BUCKETS_PER_DECADE)
            result[q] = min(max(value, self.latency_min_ms or 0.0), self.latency_max_ms or value)
        return result

    def freshness(self) -> tuple[str, float | None]:
        """``(status, age in hours)`` of the newest good event: ok, warn (> 8 h), error (> 24 h) or empty."""
        if self.newest_collector_ms is None:
            return "empty", None
        age = (self.generated_at.timestamp() * 1000 - self.newest_collector_ms) / 3_600_000
        if age > FRESHNESS_ERROR_HOURS:
            return "error", age
        if age > FRESHNESS_WARN_HOURS:
            return "warn", age
        return "ok", age

    def missing_hours(self) -> list[datetime]:
        """Hours between the first and the last hour with good events that have none."""
        good_hours = [hour for hour, stats in self.hours.items() if stats.good]
        if not good_hours:
            return []
        first, last = min(good_hours), max(good_hours)
        missing, hour = [], first
        while hour <= last:
            if self.hours.get(hour, HourStats()).good == 0:
                missing.append(hour)
            hour += timedelta(hours=1)
        return missing


class Progress:
    """One progress line with counts and rate: rewritten in place on a terminal, a line every ``interval`` s
    elsewhere (CI logs), and always a last line."""

    def __init__(self, stream=None, interval: float = 5.0, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.2 if self.tty else interval
        self.enabled = enabled
        self.started = time.monotonic()
        self._last = 0.0

    def line(self, done: int, total: int, rows: int, size: int) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"report: {done:,}/{total:,} partitions, {rows:,} rows, {size / 1e6:,.1f} MB read, "
                f"{rows / elapsed:,.0f} rows/s, {size / 1e6 / elapsed:,.1f} MB/s, {elapsed:,.1f} s")

    def update(self, done: int, total: int, rows: int, size: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self._last < self.interval:
            return
        self._last = now
        text = self.line(done, total, rows, size)
        if self.tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def _good_relation(con, lake, part: Partition, scratch: Path) -> None:
    parquet = [f for f in part.files if f.endswith(".parquet")]
    tsv = [f for f in part.files if f.endswith(".tsv")]
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
                reader = _read_good if part.output == "good" else _read_bad
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


# --------------------------------------------------------------------------------------------- rendering

COLORS = {"good": "#2e7d32", "enriched_bad": "#ef6c00", "raw_bad": "#c62828",
          "p50": "#1565c0", "p95": "#7b1fa2", "p99": "#c2185b", "share": "#c62828", "bar": "#1565c0"}
LABELS = {"good": "good", "enriched_bad": "enriched_bad", "raw_bad": "raw_bad"}
_E = html.escape


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _ticks(maximum: float, ticks: int = 5) -> list[float]:
    step = _nice_step(maximum, ticks)
    top = max(step, math.ceil(maximum / step) * step)
    count = int(round(top / step))
    return [i * step for i in range(count + 1)]


def fmt_int(value: float) -> str:
    value = float(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_duration(ms: float | None) -> str:
    if ms is None:
        return "–"
    seconds = ms / 1000
    if abs(seconds) < 1:
        return f"{ms:.0f} ms"
    if abs(seconds) < 60:
        return f"{seconds:.1f} s"
    if abs(seconds) < 3600:
        return f"{seconds / 60:.1f} min"
    if abs(seconds) < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def fmt_ms(ms: int | None) -> str:
    if ms is None:
        return "–"
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _svg_open(name: str, width: int, height: int, title: str) -> list[str]:
    return [f'<svg class="chart" data-chart="{_E(name)}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_E(title)}" xmlns="http://www.w3.org/2000/svg">',
            f"<title>{_E(title)}</title>"]


def _legend(items: list[tuple[str, str]], x: float, y: float) -> list[str]:
    parts = []
    for name, color in items:
        parts.append(f'<rect class="legend" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14:.1f}" y="{y:.1f}" class="small">{_E(name)}</text>')
        x += 24 + 7.2 * len(name)
    return parts


def _hour_label(hour: datetime, step_hours: int) -> str:
    return hour.strftime("%m-%d") if step_hours >= 24 else hour.strftime("%m-%d %H:00")


def _x_label_every(count: int, wanted: int = 10) -> int:
    return max(1, math.ceil(count / wanted))


def stacked_bars_svg(name: str, title: str, labels: list[str], series: list[tuple[str, str, list[float]]],
                     width: int = 960, height: int = 300, y_format=fmt_int) -> str:
    """Stacked vertical bars: ``series`` = ``[(name, color, values)]``, one value per label."""
    left, right, top, bottom = 64, 16, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0) or 1)
    y_max = ticks[-1]
    parts = _svg_open(name, width, height, title)
    parts += _legend([(n, c) for n, c, _ in series], left, 14)
    for tick in ticks:
        y = top + plot_h - tick / y_max * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="small" text-anchor="end">{y_format(tick)}</text>')
    band = plot_w / max(len(labels), 1)
    bar_w = max(band * 0.8, 1.0)
    every = _x_label_every(len(labels))
    for i, label in enumerate(labels):
        x = left + i * band + (band - bar_w) / 2
        base = top + plot_h
        for series_name, color, values in series:
            value = values[i]
            if value <= 0:
                continue
            h = value / y_max * plot_h
            base -= h
            parts.append(f'<rect class="bar" data-series="{_E(series_name)}" x="{x:.2f}" y="{base:.2f}" '
                         f'width="{bar_w:.2f}" height="{h:.2f}" fill="{color}">'
                         f"<title>{_E(label)} {_E(series_name)}: {value:,.0f}</title></rect>")
        if i % every == 0:
            cx = left + i * band + band / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" class="small" text-anchor="middle">'
                         f"{_E(label)}</text>")
    parts.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(name: str, title: str, labels: list[str], series: list[tuple[str, str, list[float | None]]],
                   width: int = 960, height: int = 260, y_format=fmt_int, y_unit: str = "") -> str:
    """Lines over the labels; ``None`` values leave gaps."""
    left, right, top, bottom = 64, 16, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, _, vs in series for v in vs if v is not None]
    ticks = _ticks(max(values, default=0) or 1)
    y_max = ticks[-1]
    parts = _svg_open(name, width, height, title)
    parts += _legend([(n, c) for n, c, _ in series], left, 14)
    if y_unit:
        parts.append(f'<text x="{width - right}" y="14" class="small" text-anchor="end">{_E(y_unit)}</text>')
    for tick in ticks:
        y = top + plot_h - tick / y_max * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="small" text-anchor="end">{y_format(tick)}</text>')
    band = plot_w / max(len(labels), 1)  # points at the middle of each bucket, as the bars above

    def xy(i, v):
        return left + (i + 0.5) * band, top + plot_h - v / y_max * plot_h

    for series_name, color, vs in series:
        path, pen_down = [], False
        for i, v in enumerate(vs):
            if v is None:
                pen_down = False
                continue
            x, y = xy(i, v)
            path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            pen_down = True
        if path:
            parts.append(f'<path class="line" data-series="{_E(series_name)}" d="{" ".join(path)}" fill="none" '
                         f'stroke="{color}" stroke-width="2"/>')
        if len(labels) <= 72:
            for i, v in enumerate(vs):
                if v is not None:
                    x, y = xy(i, v)
                    parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                                 f"<title>{_E(labels[i])} {_E(series_name)}: {_E(y_format(v))}</title></circle>")
    every = _x_label_every(len(labels))
    for i, label in enumerate(labels):
        if i % every == 0:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" class="small" text-anchor="middle">'
                         f"{_E(label)}</text>")
    parts.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


def hbars_svg(name: str, title: str, items: list[tuple[str, float, str]], width: int = 460,
              label_width: int = 210, legend: list[tuple[str, str]] | None = None) -> str:
    """Horizontal bars: ``items`` = ``[(label, value, color)]``, largest first."""
    legend = legend if items else None
    row, top = 24, 8 + (22 if legend else 0)
    height = top + 8 + row * max(len(items), 1)
    parts = _svg_open(name, width, height, title)
    if legend:
        parts += _legend(legend, label_width, 16)
    if not items:
        parts.append(f'<text x="8" y="{top + 16}" class="small">no data</text></svg>')
        return "".join(parts)
    value_w = 64
    plot_w = width - label_width - value_w - 8
    biggest = max(v for _, v, _ in items) or 1
    for i, (label, value, color) in enumerate(items):
        y = top + i * row
        shown = label if len(label) <= 32 else label[:31] + "…"
        w = max(value / biggest * plot_w, 1.0)
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" class="small" text-anchor="end">'
                     f"<title>{_E(label)}</title>{_E(shown)}</text>"
                     f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.2f}" height="{row - 8}" '
                     f'fill="{color}"><title>{_E(label)}: {value:,.0f}</title></rect>'
                     f'<text x="{label_width + w + 4:.1f}" y="{y + 16}" class="small">{value:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0;background:#f4f5f7;color:#1d2330;font-size:14px}
header{background:#1d2330;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#c5cad3;font-size:13px}
main{padding:16px 24px;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;max-width:1400px}
section{background:#fff;border:1px solid #dfe2e8;border-radius:6px;padding:12px 16px;min-width:0}
section.wide{grid-column:1 / -1}
h2{font-size:15px;margin:0 0 10px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{border:1px solid #dfe2e8;border-radius:6px;padding:8px 12px;min-width:140px}
.tile .v{font-size:22px;font-weight:bold}
.tile .k{font-size:12px;color:#5d6677}
.ok{color:#2e7d32}.warn{color:#ef6c00}.error{color:#c62828}.empty{color:#5d6677}
svg.chart{width:100%;height:auto;display:block}
svg .small{font-size:11px;fill:#3b4252}
svg .grid{stroke:#e3e6ec;stroke-width:1}
svg .axis{stroke:#8a93a3;stroke-width:1}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eceef2;vertical-align:top}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.msg{word-break:break-word;font-family:"DejaVu Sans Mono",monospace;font-size:12px}
.meter{display:inline-block;height:10px;background:#c62828;vertical-align:middle;margin-right:6px}
.note{color:#5d6677;font-size:12px;margin:6px 0 0}
"""


def _tile(value: str, key: str, css: str = "") -> str:
    return f'<div class="tile"><div class="v {css}">{_E(value)}</div><div class="k">{_E(key)}</div></div>'


def _time_axis(data: ReportData) -> tuple[list[datetime], int]:
    """The buckets of the time charts: every hour from the first to the last (every day past 14 days)."""
    if not data.hours:
        return [], 1
    first, last = min(data.hours), max(data.hours)
    step = 1 if (last - first) <= timedelta(days=14) else 24
    if step == 24:
        first = first.replace(hour=0)
    buckets, current = [], first
    while current <= last:
        buckets.append(current)
        current += timedelta(hours=step)
    return buckets, step


def _bucketed(data: ReportData, buckets: list[datetime], step: int) -> list[HourStats]:
    merged = [HourStats() for _ in buckets]
    index = {b: i for i, b in enumerate(buckets)}
    for hour, stats in data.hours.items():
        key = hour if step == 1 else hour.replace(hour=0)
        target = merged[index[key]]
        target.good += stats.good
        target.enriched_bad += stats.enriched_bad
        target.raw_bad += stats.raw_bad
        if step == 1:
            target.latency_ms = stats.latency_ms
    return merged


def _latency_unit(max_ms: float) -> tuple[float, str]:
    for divisor, unit in ((3_600_000, "hours"), (60_000, "minutes"), (1000, "seconds")):
        if max_ms >= 2 * divisor:
            return divisor, unit
    return 1, "milliseconds"


def render_html(data: ReportData) -> str:
    """The self-contained page (inline CSS and SVG, no script, nothing external)."""
    buckets, step = _time_axis(data)
    per = _bucketed(data, buckets, step)
    labels = [_hour_label(b, step) for b in buckets]
    unit_word = "hour" if step == 1 else "day"
    status, age = data.freshness()
    share = data.bad_share
    percentiles = data.latency_percentiles()

    window = "all partitions"
    if data.since or data.until:
        window = (f"{data.since.strftime('%Y-%m-%d %H:00') if data.since else '…'} to "
                  f"{data.until.strftime('%Y-%m-%d %H:00') if data.until else '…'} UTC")
    covered = (f"{min(data.hours).strftime('%Y-%m-%d %H:00')} – "
               f"{max(data.hours).strftime('%Y-%m-%d %H:00')} UTC" if data.hours else "nothing")

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Snowplow lake report</title>", f"<style>{_CSS}</style></head><body>",
           "<header><h1>Snowplow lake report</h1>",
           f"<p>Lake <b>{_E(data.lake)}</b> · partitions {_E(covered)} ({_E(window)}) · "
           f"generated {_E(data.generated_at.strftime('%Y-%m-%d %H:%M:%S UTC'))} · read {data.files:,} files, "
           f"{data.bytes / 1e6:,.1f} MB in {data.seconds:.1f} s</p></header><main>"]

    # -- summary tiles
    status_text = {"ok": "fresh", "warn": "stale (warn)", "error": "stale (error)", "empty": "no good events"}[status]
    out.append('<section class="wide" id="summary"><h2>Summary</h2><div class="tiles">')
    out.append(_tile(f"{data.good:,}", "good events", "ok"))
    out.append(_tile(f"{data.total('enriched_bad'):,}", "enriched_bad rows", "warn"))
    out.append(_tile(f"{data.total('raw_bad'):,}", "raw_bad rows", "error"))
    out.append(_tile("–" if share is None else f"{share:.1%}", "bad share of outputs"))
    out.append(_tile(fmt_duration(percentiles.get(0.5)), "latency p50 (collector → etl)"))
    out.append(_tile(fmt_duration(percentiles.get(0.99)), "latency p99"))
    out.append(_tile("–" if age is None else fmt_duration(age * 3_600_000), f"freshness: {status_text}", status))
    out.append("</div></section>")

    # -- volume
    out.append(f'<section class="wide" id="volume"><h2>Good and bad rows per {unit_word}</h2>')
    if buckets:
        out.append(stacked_bars_svg(
            "volume", f"Rows per {unit_word} by output", labels,
            [(LABELS[o], COLORS[o], [float(getattr(p, o)) for p in per]) for o in OUTPUTS]))
        shares = [(p.bad / (p.good + p.bad) * 100 if (p.good + p.bad) else None) for p in per]
        out.append(f'<h2 style="margin-top:12px">Bad share per {unit_word} (% of rows written)</h2>')
        out.append(line_chart_svg("bad-share", f"Bad rows, % of all rows, per {unit_word}", labels,
                                  [("bad share %", COLORS["share"], shares)], height=200,
                                  y_format=lambda v: f"{v:.0f}%" if v == int(v) else f"{v:.1f}%"))
        out.append('<p class="note">Partitions are the lake\'s <code>date=/hour=</code> folders: the collector hour '
                   "for good events and enriched_bad rows, the failure hour for raw_bad rows.</p>")
    else:
        out.append('<p class="note">No partitions found.</p>')
    out.append("</section>")

    # -- bad rows by type and messages
    out.append('<section id="bad-types"><h2>Bad rows by type</h2>')
    items = [(bad_type, count, COLORS[output]) for (output, bad_type), count in data.bad_types.most_common()]
    out.append(hbars_svg("bad-types", "Bad rows by type (colour: output)", items,
                         legend=[(o, COLORS[o]) for o in BAD_OUTPUTS]))
    out.append("</section>")

    out.append('<section id="bad-messages"><h2>Top error messages (pseudonymized)</h2>')
    top_messages = data.messages.most_common(TOP)
    if top_messages:
        biggest = top_messages[0][1]
        out.append("<table><tr><th>rows</th><th>type</th><th>message</th></tr>")
        for (bad_type, message), count in top_messages:
            width = max(2, round(count / biggest * 80))
            out.append(f'<tr><td class="n"><span class="meter" style="width:{width}px"></span>{count:,}</td>'
                       f'<td>{_E(bad_type)}</td><td class="msg">{_E(message)}</td></tr>')
        out.append("</table>")
        out.append('<p class="note">The first failure message of each row; digests of 32+ hex characters are '
                   "shown as &lt;hash&gt; so that rows differing only in a pseudonym group together.</p>")
    else:
        out.append('<p class="note">No bad rows.</p>')
    out.append("</section>")

    # -- top event names and app ids
    for key, title, counter in (("event-names", "Top event names", data.event_names),
                                ("app-ids", "Top app ids", data.app_ids)):
        out.append(f'<section id="{key}"><h2>{_E(title)} (good events)</h2>')
        out.append(hbars_svg(key, title, [(k, v, COLORS["bar"]) for k, v in counter.most_common(TOP)]))
        if len(counter) > TOP:
            out.append(f'<p class="note">{len(counter) - TOP:,} more values not shown.</p>')
        out.append("</section>")

    # -- latency
    out.append('<section class="wide" id="latency"><h2>Latency: collector_tstamp → etl_tstamp</h2>')
    if percentiles:
        out.append('<div class="tiles">')
        for q, value in percentiles.items():
            out.append(_tile(fmt_duration(value), f"p{q * 100:g} (all events)"))
        out.append(_tile(fmt_duration(data.latency_max_ms), "max"))
        out.append("</div>")
        hourly = [p.latency_ms for p in per]
        peak = max((v for triple in hourly for v in triple if v is not None), default=0)
        divisor, unit = _latency_unit(peak)
        if step == 1:
            out.append(line_chart_svg(
                "latency", "Latency percentiles per hour", labels,
                [(name, COLORS[name], [None if t[i] is None else t[i] / divisor for t in hourly])
                 for i, name in enumerate(("p50", "p95", "p99"))],
                y_unit=unit))
        out.append(f'<p class="note">Per-hour percentiles are exact; the overall ones come from a log-scale '
                   f"histogram ({HISTOGRAM_BUCKETS_PER_DECADE} buckets per decade, within about 2.3 %). Latency is "
                   "the enrichment time minus the collector time: pipeline lag, not tracker delay.</p>")
    else:
        out.append('<p class="note">No good events with both timestamps.</p>')
    out.append("</section>")

    # -- freshness
    out.append('<section class="wide" id="freshness"><h2>Freshness</h2><table>')
    rows = [
        ("newest collector_tstamp (good)", fmt_ms(data.newest_collector_ms)),
        ("age at generation", f'<span class="{status}">{_E("–" if age is None else fmt_duration(age * 3_600_000))}'
                              f" ({_E(status_text)})</span>"),
        ("newest etl_tstamp (good)", fmt_ms(data.newest_etl_ms)),
        ("oldest collector_tstamp (good)", fmt_ms(data.oldest_collector_ms)),
        ("newest bad-row failure", fmt_ms(data.newest_failure_ms)),
    ]
    missing = data.missing_hours()
    shown = ", ".join(h.strftime("%Y-%m-%d %H:00") for h in missing[:24]) + (" …" if len(missing) > 24 else "")
    rows.append(("hours without good events", f"{len(missing):,}" + (f": {_E(shown)}" if missing else "")))
    for key, value in rows:
        out.append(f"<tr><th>{_E(key)}</th><td>{value if key in ('age at generation',) else _E(value)}</td></tr>")
    out.append("</table>")
    out.append(f'<p class="note">Thresholds as GitLab\'s dbt source freshness on gitlab_events: warn after '
               f"{FRESHNESS_WARN_HOURS} h, error after {FRESHNESS_ERROR_HOURS} h without a new event.</p></section>")

    out.append("</main></body></html>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------- command

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="snowplow-report", description="An HTML dashboard of a Snowplow lake (local folder or s3://).")
    parser.add_argument("--lake", required=True, help="lake root: a folder or s3://bucket/prefix")
    parser.add_argument("--output", default="report.html", help="the HTML file to write (default report.html)")
    parser.add_argument("--since", help="first hour to read, UTC: YYYY-MM-DD or YYYY-MM-DDTHH")
    parser.add_argument("--until", help="last hour to read, UTC: YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    try:
        since, until = parse_bound(args.since), parse_bound(args.until, end=True)
        lake = open_lake(args.lake)
        if not lake.exists():
            raise ValueError(f"no lake at {args.lake}")
    except (ValueError, OSError) as exc:
        print(f"snowplow-report: {exc}", file=sys.stderr)
        return 2
    data = collect(lake, since, until, progress=Progress(enabled=not args.quiet))
    Path(args.output).write_text(render_html(data), encoding="utf-8")
    status, _ = data.freshness()
    print(f"snowplow-report: wrote {args.output}: {data.good:,} good events, {data.bad:,} bad rows "
          f"in {data.partitions:,} partitions; freshness {status}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
