"""The lake report (report/): queries on a lake built here, the page, S3, and headless Chromium."""
from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from snowplow_beam.report.__main__ import main, parse_bound
from snowplow_beam.report.data import HourStats, ReportData
from snowplow_beam.report.queries import Progress, collect
from snowplow_beam.report.render import COLORS, render_html
from tests.helpers import SAMPLE_START_MS, free_port, require
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.atomic import to_arrow_table, to_tsv

H0 = SAMPLE_START_MS  # 2025-11-28 09:00 UTC
HOUR = 3_600_000
DIGESTS = [f"{i:064x}" for i in range(1, 6)]
GITLAB_STANDARD = "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9"


def _events() -> dict[int, list[dict]]:
    """Good events by hour offset: 60 at 09:00 (latency 0..59 s), none at 10:00, 20 at 11:00 (latency 0.5 s)."""
    first = []
    for i in range(60):
        name = "page_view" if i < 30 else "link_click" if i < 50 else None
        first.append({
            "app_id": "gitlab" if i < 40 else "gitlab_sm", "event": "struct" if name is None else "unstruct",
            "event_name": name, "event_id": f"00000000-0000-4000-8000-{i:012d}",
            "collector_tstamp": H0 + i * 60_000, "etl_tstamp": H0 + i * 60_000 + i * 1000,
        })
    third = [{
        "app_id": "gitlab", "event": "page_view", "event_name": "page_view",
        "event_id": f"10000000-0000-4000-8000-{i:012d}",
        "collector_tstamp": H0 + 2 * HOUR + i * 60_000, "etl_tstamp": H0 + 2 * HOUR + i * 60_000 + 500,
    } for i in range(20)]
    return {0: first, 2: third}


def _sdj(schema: str, failure: dict, payload) -> dict:
    return {"schema": schema, "data": {"processor": badrows.PROCESSOR, "failure": failure, "payload": payload}}


def _bad_rows() -> dict[tuple[str, int], list[dict]]:
    stamp = "2025-11-28T09:30:00.000Z"
    schema_violations = [_sdj(badrows.SCHEMA_VIOLATIONS, {"timestamp": stamp, "messages": [{
        "schemaKey": GITLAB_STANDARD,
        "error": {"error": "ValidationError", "dataReports": [
            {"message": f"$.user_id: {digest} is not of type integer", "path": "$.user_id", "keyword": "type"}]},
    }]}, {"raw": {}, "enriched": {}}) for digest in DIGESTS]
    adapter_failures = [_sdj(badrows.ADAPTER_FAILURES, {
        "timestamp": stamp, "vendor": "wp-admin", "version": "setup.php",
        "messages": [{"field": "vendor/version", "value": DIGESTS[0],
                      "expectation": "vendor/version combination is not supported"},
                     {"field": "x", "value": None, "expectation": "second"}]}, {}) for _ in range(3)]
    raw = [
        badrows.size_violation("x" * 10, 1_000_000, 2_000_000, "oversized collector payload", H0 + 2 * HOUR).row,
        badrows.size_violation("y" * 10, 1_000_000, 3_000_000, "oversized collector payload", H0 + 2 * HOUR).row,
        badrows.format_violation("bm90", {"error": "record is not valid base64"}, H0 + 2 * HOUR).row,
        badrows.generic_error("bm90", ["<script>alert(1)</script> & more"], H0 + 2 * HOUR).row,
    ]
    return {("enriched_bad", 0): schema_violations + adapter_failures, ("raw_bad", 2): raw}


BAD_ROWS = _bad_rows()  # once: some bad rows carry the time they were made


def _partition(root: Path, output: str, offset: int) -> Path:
    start = datetime.fromtimestamp((H0 + offset * HOUR) / 1000, timezone.utc)
    folder = root / output / f"date={start:%Y-%m-%d}" / f"hour={start:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_lake(root: Path, good_format: str = "parquet") -> Path:
    """A small lake with known contents (two files in the first good hour), plus things a reader must skip."""
    for offset, events in _events().items():
        folder = _partition(root, "good", offset)
        halves = (events[: len(events) // 2], events[len(events) // 2:]) if offset == 0 else (events,)
        for shard, chunk in enumerate(halves):
            if good_format == "parquet":
                pq.write_table(to_arrow_table(chunk), folder / f"part-test-{shard:03d}.parquet")
            else:
                (folder / f"part-test-{shard:03d}.tsv").write_text("".join(to_tsv(e) + "\n" for e in chunk))
    for (output, offset), rows in BAD_ROWS.items():
        folder = _partition(root, output, offset)
        (folder / "part-test-000.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    # never read: scratch space, hidden files, files of another kind, folders that are not partitions
    scratch = root / "_temporary" / "run"
    scratch.mkdir(parents=True)
    pq.write_table(to_arrow_table(_events()[0]), scratch / "part-x.parquet")
    (_partition(root, "good", 0) / ".part-hidden.parquet").write_bytes(b"not parquet")
    (_partition(root, "raw_bad", 2) / "notes.txt").write_text("ignore me")
    (root / "good" / "date=2025-11-28" / "stray.parquet").write_bytes(b"not parquet")
    return root


@pytest.fixture
def lake(tmp_path) -> Path:
    return make_lake(tmp_path / "lake")


def _at(offset_hours: float) -> datetime:
    return datetime.fromtimestamp(H0 / 1000 + offset_hours * 3600, timezone.utc)


NOW = _at(3)  # an hour after the newest good event (11:19)


# ---------------------------------------------------------------------------------------------- queries

def test_collect_counts_per_hour_and_totals(lake):
    data = collect(lake, now=NOW)
    assert data.partitions == 4 and data.files == 5
    hours = {h: (s.good, s.enriched_bad, s.raw_bad) for h, s in data.hours.items()}
    assert hours == {_at(0): (60, 8, 0), _at(2): (20, 0, 4)}
    assert (data.good, data.bad, data.total("enriched_bad"), data.total("raw_bad")) == (80, 12, 8, 4)
    assert data.bad_share == pytest.approx(12 / 92)
    assert data.missing_hours() == [_at(1)]


def test_bad_rows_by_type_and_messages(lake):
    data = collect(lake, now=NOW)
    assert data.bad_types == Counter({
        ("enriched_bad", "schema_violations"): 5, ("enriched_bad", "adapter_failures"): 3,
        ("raw_bad", "size_violation"): 2, ("raw_bad", "collector_payload_format_violation"): 1,
        ("raw_bad", "generic_error"): 1,
    })
    assert data.messages == Counter({
        # five rows that differ only in a pseudonymized value: one message
        ("schema_violations", f"{GITLAB_STANDARD}: $.user_id: <hash> is not of type integer"): 5,
        ("adapter_failures", "vendor/version: vendor/version combination is not supported (+1 more)"): 3,
        ("size_violation", "oversized collector payload"): 2,
        ("collector_payload_format_violation", "record is not valid base64"): 1,
        ("generic_error", "<script>alert(1)</script> & more"): 1,
    })
    assert data.newest_failure_ms is not None


def test_top_values_latency_and_freshness(lake):
    data = collect(lake, now=NOW)
    assert data.event_names == Counter({"page_view": 50, "link_click": 20, "struct": 10})
    assert data.app_ids == Counter({"gitlab": 60, "gitlab_sm": 20})
    first, third = data.hours[_at(0)].latency_ms, data.hours[_at(2)].latency_ms
    assert first == pytest.approx((29_500, 56_050, 58_410))  # exact: latencies 0, 1, …, 59 s
    assert third == pytest.approx((500, 500, 500))
    assert (data.latency_min_ms, data.latency_max_ms) == (0, 59_000)
    overall = data.latency_percentiles()
    assert sum(data.latency_histogram.values()) == 80
    assert overall[0.5] == pytest.approx(19_000, rel=0.025)  # nearest rank: the 40th of 80 values, 19 s
    assert overall[0.99] == pytest.approx(59_000, rel=0.025)
    assert data.newest_collector_ms == H0 + 2 * HOUR + 19 * 60_000
    assert data.oldest_collector_ms == H0
    assert data.newest_etl_ms == H0 + 2 * HOUR + 19 * 60_000 + 500
    status, age = data.freshness()
    assert status == "ok" and age == pytest.approx(41 / 60)
    assert collect(lake, now=_at(12)).freshness()[0] == "warn"
    assert collect(lake, now=_at(30)).freshness()[0] == "error"


def test_since_and_until_prune_partitions(lake):
    data = collect(lake, since=parse_bound("2025-11-28T10"), now=NOW)
    assert set(data.hours) == {_at(2)} and data.good == 20 and data.bad == 4 and data.partitions == 2
    data = collect(lake, until=parse_bound("2025-11-28T09", end=True), now=NOW)
    assert set(data.hours) == {_at(0)} and data.good == 60 and data.bad == 8
    whole_day = parse_bound("2025-11-28", end=True)
    assert whole_day == datetime(2025, 11, 28, 23, tzinfo=timezone.utc)
    assert collect(lake, since=parse_bound("2025-11-29"), now=NOW).partitions == 0
    with pytest.raises(ValueError):
        parse_bound("yesterday")


def test_bounds_are_whole_utc_hours():
    assert parse_bound("2025-11-28") == datetime(2025, 11, 28, 0, tzinfo=timezone.utc)
    assert parse_bound("2025-11-28T09") == parse_bound("2025-11-28T09", end=True) == _at(0)
    assert parse_bound("2025-11-28T09:45Z") == _at(0)                # within the hour: that hour
    assert parse_bound("2025-11-28T10:30+01:00", end=True) == _at(0)  # an offset: its UTC hour
    assert parse_bound(None) is None and parse_bound("") is None


def test_help_lists_every_option_with_its_meaning_and_default(capsys):
    with pytest.raises(SystemExit) as exit_code:
        main(["--help"])
    assert exit_code.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option, default in (("--lake ROOT", "(required)"), ("--output FILE", "(default: report.html)"),
                            ("--since HOUR", "(default: from the first partition)"),
                            ("--until HOUR", "(default: to the last partition)"),
                            ("--quiet", "(default: a progress line on standard error)")):
        assert option in text and default in text, option


def _comparable(data: ReportData) -> dict:
    keep = ("hours", "bad_types", "messages", "event_names", "app_ids", "latency_histogram", "latency_min_ms",
            "latency_max_ms", "oldest_collector_ms", "newest_collector_ms", "newest_etl_ms", "newest_failure_ms",
            "partitions", "files")
    return {key: getattr(data, key) for key in keep}


def test_tsv_lake_reads_the_same_as_parquet(tmp_path, lake):
    tsv = make_lake(tmp_path / "tsv", good_format="tsv")
    assert any(tsv.glob("good/*/*/*.tsv"))
    assert _comparable(collect(tsv, now=NOW)) == _comparable(collect(lake, now=NOW))


def test_empty_and_missing_lakes(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    data = collect(tmp_path / "empty", now=NOW)
    assert data.partitions == 0 and data.good == 0 and data.freshness() == ("empty", None)
    page = render_html(data)
    assert "No partitions found" in page and "<svg" in page
    assert main(["--lake", str(tmp_path / "nope"), "--output", str(tmp_path / "r.html")]) == 2
    assert "no lake at" in capsys.readouterr().err
    assert main(["--lake", str(tmp_path / "empty"), "--since", "soon", "--output", "x"]) == 2
    assert main(["--lake", "gs://bucket/x", "--output", "x"]) == 2


# ---------------------------------------------------------------------------------------------- the page

class _Page(HTMLParser):
    """Collects tags and attributes; fails on an unbalanced SVG (the charts must nest properly)."""

    VOID = {"meta", "br", "img", "link", "input", "hr", "rect", "line", "circle", "path"}

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.stack == ["html", "body"] or parser.stack == [], parser.stack
    return parser


def test_page_is_self_contained_and_has_the_charts(lake):
    page = render_html(collect(lake, now=NOW))
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "img" not in tags and "link" not in tags and "iframe" not in tags
    for _, attrs in parsed.tags:  # nothing fetched: no src, no external href
        assert "src" not in attrs
        assert not attrs.get("href", "").startswith(("http", "//"))
    assert "url(" not in page and "@import" not in page
    charts = {attrs["data-chart"] for tag, attrs in parsed.tags if tag == "svg"}
    assert charts == {"volume", "bad-share", "bad-types", "event-names", "app-ids", "latency"}
    bars = Counter(attrs.get("data-series") for tag, attrs in parsed.tags if tag == "rect" and "bar" in
                   attrs.get("class", ""))
    # hours 09, 10 (empty) and 11: good at 09 and 11, enriched_bad at 09, raw_bad at 11
    assert bars["good"] == 2 and bars["enriched_bad"] == 1 and bars["raw_bad"] == 1
    assert bars[None] == 5 + 3 + 2  # horizontal bars: bad types, event names, app ids
    assert page.count('class="line"') == 1 + 3  # bad share; p50, p95, p99
    # escaped, never markup
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    for text in (">80<", "41.0 min", "13.0%", "page_view", "gitlab_sm", "schema_violations",
                 "1: 2025-11-28 10:00", "2025-11-28 11:19:00 UTC"):
        assert text in page, text


def test_long_ranges_are_drawn_per_day(tmp_path):
    data = ReportData(lake="x", generated_at=NOW)
    for day in range(20):
        data.hours[_at(24 * day)] = HourStats(good=10, raw_bad=1)
    page = render_html(data)
    assert "Good and bad rows per day" in page
    bars = re.findall(r'<rect class="bar" data-series="good"', page)
    assert len(bars) == 20


def test_main_writes_the_page_and_a_progress_line(lake, tmp_path, capsys):
    output = tmp_path / "out" / "report.html"
    output.parent.mkdir()
    assert main(["--lake", str(lake), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"report: 4/4 partitions, 92 rows, [\d.]+ MB read, [\d,]+ rows/s, [\d.,]+ MB/s", err), err
    assert "wrote" in err and "80 good events, 12 bad rows" in err
    assert output.read_text().startswith("<!DOCTYPE html>")
    assert main(["--lake", str(lake), "--output", str(output), "--quiet"]) == 0
    assert "partitions," not in capsys.readouterr().err


def test_progress_line_on_a_terminal_is_rewritten_in_place():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream)
    progress.update(1, 3, 10, 1000)
    progress.update(3, 3, 30, 3000, final=True)
    text = stream.getvalue()
    assert text.startswith("\rreport: 1/3 partitions, 10 rows") and "\rreport: 3/3 partitions, 30 rows" in text
    assert text.endswith("\n") and text.count("\n") == 1


def test_module_entry_point(lake, tmp_path):
    output = tmp_path / "r.html"
    result = subprocess.run([sys.executable, "-m", "snowplow_beam.report", "--lake", str(lake), "--output",
                             str(output), "--quiet"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert output.stat().st_size > 5000


# ---------------------------------------------------------------------------------------------- S3

@pytest.fixture
def s3_lake(lake, monkeypatch):
    """The same lake in a moto S3 server on 127.0.0.1, reached through the standard AWS environment."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] is needed (requirements-test.txt)")
    import boto3

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_ENDPOINT_URL_S3": endpoint}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="lake")
    for path in lake.rglob("*"):
        if path.is_file():
            client.upload_file(str(path), "lake", f"prod/{path.relative_to(lake).as_posix()}")
    yield "s3://lake/prod"
    server.stop()


@pytest.mark.moto
def test_s3_lake_reads_the_same_as_local(s3_lake, lake, tmp_path):
    remote = collect(s3_lake, now=NOW)
    assert remote.lake == "s3://lake/prod"
    assert _comparable(remote) == _comparable(collect(lake, now=NOW))
    assert remote.bytes == collect(lake, now=NOW).bytes
    output = tmp_path / "s3.html"
    assert main(["--lake", s3_lake + "/", "--output", str(output), "--quiet"]) == 0
    assert "s3://lake/prod" in output.read_text()
    assert main(["--lake", "s3://lake/elsewhere", "--output", str(output)]) == 2


@pytest.mark.moto
def test_s3_lake_with_tsv(s3_lake, tmp_path, monkeypatch):
    import boto3

    tsv = make_lake(tmp_path / "tsv", good_format="tsv")
    client = boto3.client("s3", region_name="us-east-1")
    for path in tsv.rglob("*"):
        if path.is_file():
            client.upload_file(str(path), "lake", f"tsv/{path.relative_to(tsv).as_posix()}")
    assert _comparable(collect("s3://lake/tsv", now=NOW)) == _comparable(collect(tsv, now=NOW))


# ---------------------------------------------------------------------------------------------- the real pipeline

@pytest.mark.slow
def test_report_of_a_pipeline_run_matches_its_counters(tmp_path):
    """The pipeline writes both good formats from the same input; the report agrees with its counters."""
    from snowplow_beam.beam_pipeline.launcher import run
    from snowplow_beam.beam_pipeline.sample_data import generate_lines

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "raw-1.txt").write_text("\n".join(generate_lines(600, H0, span_ms=2 * HOUR)) + "\n")
    (inputs / "salt").write_text("report-test-salt-0123\n")
    results = {}
    for good_format in ("parquet", "tsv"):
        output = tmp_path / good_format
        summary = run(["--input", str(inputs / "raw-*"), "--output", str(output), "--salt_file",
                       str(inputs / "salt"), "--good_format", good_format])
        data = collect(output, now=NOW)
        assert data.good == summary.get("good") > 0
        assert data.total("enriched_bad") == summary.get("enriched_bad") > 0
        assert data.total("raw_bad") == summary.get("raw_bad") > 0
        for (output_name, bad_type), rows in data.bad_types.items():
            assert summary.get(f"{output_name}_{bad_type}") == rows
        assert sum(data.messages.values()) == data.bad
        assert sum(data.event_names.values()) == data.good == sum(data.latency_histogram.values())
        # etl_tstamp and the raw_bad failure hours are the time of each run: compare the rest
        results[good_format] = (
            {hour: (s.good, s.enriched_bad) for hour, s in data.hours.items()}, data.bad_types, data.messages,
            data.event_names, data.app_ids, data.oldest_collector_ms, data.newest_collector_ms)
        render_html(data)
    assert results["parquet"] == results["tsv"]


# ---------------------------------------------------------------------------------------------- Chromium

def chromium_command(user_data: Path) -> list[str]:
    chromium = shutil.which("chromium")
    require(chromium, "chromium is needed (Debian: apt-get install chromium; monitoring/install-tools.sh)")
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--hide-scrollbars", f"--user-data-dir={user_data}"]


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """``(width, height, rows)`` of an 8-bit RGB or RGBA PNG, rows as RGB bytes, decoded with zlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = previous[i], previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = bytes(line)
        rows.append(previous if channels == 3 else bytes(b for i, b in enumerate(previous) if i % 4 != 3))
    return width, height, rows


def _hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


MEASURE = """<script>
addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll('.bar')].map(b => { const r = b.getBoundingClientRect();
      return [r.width, r.height]; });
    const lines = [...svg.querySelectorAll('path.line')].map(p => p.getTotalLength());
    const points = [...svg.querySelectorAll('circle.point')].map(c => c.getBoundingClientRect().width);
    return {name: svg.dataset.chart, width: box.width, height: box.height, bars: bars, lines: lines,
            points: points};
  });
  const out = document.createElement('pre'); out.id = 'measure'; out.textContent = JSON.stringify(charts);
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.slow
@pytest.mark.chromium
def test_page_renders_in_headless_chromium(lake, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(collect(lake, now=NOW)))
    command = chromium_command(tmp_path / "profile")
    width, height = 1280, 2300

    shot = tmp_path / "report.png"
    result = subprocess.run(command + [f"--screenshot={shot}", f"--window-size={width},{height}",
                                       page.as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and shot.exists(), result.stderr[-3000:]
    w, h, rows = read_png(shot)
    assert (w, h) == (width, height)
    pixels = Counter()
    for row in rows:
        pixels.update(row[i:i + 3] for i in range(0, len(row), 3))
    assert len(pixels) > 50, "a blank or single-colour screenshot"
    background = pixels.most_common(1)[0][1]
    assert background < 0.9 * width * height
    for name in ("good", "enriched_bad", "raw_bad", "bar"):  # every series colour is painted somewhere
        assert pixels[bytes(_hex(COLORS[name]))] > 200, name
    # the stacked bars are near the top of the page: most of the green is there
    green = bytes(_hex(COLORS["good"]))
    top = sum(1 for row in rows[150:700] for i in range(0, len(row), 3) if row[i:i + 3] == green)
    assert top > 0.8 * pixels[green]

    # the SVG elements laid out with real sizes (a copy of the page with a measuring script)
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    result = subprocess.run(command + ["--dump-dom", "--virtual-time-budget=5000", f"--window-size={width},{height}",
                                       measured.as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    found = re.search(r'<pre id="measure">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stdout[-2000:]
    charts = {c["name"]: c for c in json.loads(found.group(1).replace("&quot;", '"'))}
    assert set(charts) == {"volume", "bad-share", "bad-types", "event-names", "app-ids", "latency"}
    for chart in charts.values():
        assert chart["width"] > 300 and chart["height"] > 50, chart
        assert all(w > 0 and h > 0 for w, h in chart["bars"]), chart
        assert all(size > 0 for size in chart["points"]), chart
        assert chart["bars"] or chart["points"], chart
    assert len(charts["volume"]["bars"]) == 4 and len(charts["bad-types"]["bars"]) == 5
    # hours 09 and 11 have data, 10 none: each series is two points (no line across the gap)
    assert len(charts["latency"]["lines"]) == 3 and len(charts["latency"]["points"]) == 6
    assert len(charts["bad-share"]["points"]) == 2
    # the tallest stacked bar (hour 09: 68 rows) is taller than hour 11's (24 rows)
    heights = [h for _, h in charts["volume"]["bars"]]
    assert max(heights) > 2 * min(heights)
