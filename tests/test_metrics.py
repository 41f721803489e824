"""Metrics and progress: the counters and distributions of every stage, the run summary, progress lines."""
from __future__ import annotations

import io
import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.beam_pipeline.summary import RunSummary, summarize
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.beam_pipeline import writers
from snowplow_beam.beam_pipeline.writers import WriteGoodEvents, observe_latency
from snowplow_beam.runners import prepare_runner
from tests.helpers import SAMPLE_START_MS, record, sample_payload
from snowplow_beam.transforms.processor import RecordProcessor
from snowplow_beam.transforms import progress as progress_module
from snowplow_beam.transforms.progress import PROGRESS_ENV, Progress, process_meter, reset_meter
from snowplow_beam.beam_pipeline.steps import BATCH_RECORDS, LINES, _ProcessBatchFn
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.secrets import SALT_ENV


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


# ---- progress lines ------------------------------------------------------------------------------------

def test_progress_prints_counts_and_rate_once_per_interval():
    clock, out = FakeClock(), io.StringIO()
    meter = Progress("raw records", interval=10, stream=out, clock=clock)
    meter.add(5_000)
    clock.now += 9
    meter.add(5_000)
    assert out.getvalue() == ""  # quiet before the first interval: short runs print nothing
    clock.now += 1
    meter.add(10_000)
    assert out.getvalue() == "snowplow progress: 20,000 raw records in 0:00:10, 2,000/s\n"
    clock.now += 5
    meter.add(1)
    assert out.getvalue().count("\n") == 1  # the next line waits for the next interval
    clock.now += 3600
    meter.finish()
    assert out.getvalue().splitlines()[-1] == "snowplow progress: 20,001 raw records in 1:00:15, 6/s, done"


def test_progress_with_a_total_and_switched_off(monkeypatch):
    clock, out = FakeClock(), io.StringIO()
    meter = Progress("bad rows", interval=1, total=400, stream=out, clock=clock)
    clock.now += 2
    meter.add(100)
    assert "100 of 400 (25%) bad rows in 0:00:02, 50/s" in out.getvalue()
    monkeypatch.setenv(PROGRESS_ENV, "0")
    quiet = Progress("x", stream=out, clock=clock)
    clock.now += 100
    quiet.add(10)
    quiet.finish()
    assert not quiet.enabled and quiet.count == 10 and out.getvalue().count("\n") == 1
    monkeypatch.setenv(PROGRESS_ENV, "not a number")
    assert Progress("x").interval == progress_module.DEFAULT_INTERVAL_S


def test_a_short_run_prints_no_final_line():
    out = io.StringIO()
    meter = Progress("x", interval=10, stream=out)
    meter.add(3)
    meter.finish()
    assert out.getvalue() == ""


def test_process_meters_are_shared_and_reset_per_run():
    first = reset_meter("test things")
    assert process_meter("test things") is first
    first.add(3)
    second = reset_meter("test things")
    assert second is not first and second.count == 0 and process_meter("test things") is second


def test_progress_is_counted_per_batch_not_per_record(monkeypatch):
    """The meter (its lock and clock) is touched once per batch of raw records, never per record."""
    monkeypatch.setenv(SALT_ENV, "metrics-salt-of-16-bytes")
    calls = []
    meter = Progress("raw records", interval=1e9)
    original_add = meter.add
    monkeypatch.setattr(meter, "add", lambda n: (calls.append(n), original_add(n)))
    monkeypatch.setattr("snowplow_beam.beam_pipeline.steps.process_meter", lambda what: meter)
    step = _ProcessBatchFn(PipelineConfig(), LINES, "parquet", 1, "raw records")
    step.setup()
    lines = [line.encode() for line in generate_lines(10, SAMPLE_START_MS, broken=False)]
    for size in (1000, 1000, 500):
        list(step.process(lines * (size // 10)))
    assert calls == [1000, 1000, 500] and meter.count == 2_500
    unmetered = _ProcessBatchFn(PipelineConfig(), LINES, "parquet", 1, None)
    unmetered.setup()
    list(unmetered.process(lines[:1]))
    assert meter.count == 2_500


# ---- distributions and counters of a run ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    import os

    base = tmp_path_factory.mktemp("metrics")
    lines = generate_lines(300, SAMPLE_START_MS, span_ms=3_600_000)
    (base / "raw.txt").write_text("\n".join(lines) + "\n")
    (base / "salt").write_text("metrics-salt-of-16-bytes\n")
    before = time.time_ns() // 1_000_000
    saved = os.environ.get(PROGRESS_ENV)
    os.environ[PROGRESS_ENV] = "0.000001"  # a line at every look at the clock
    err = io.StringIO()
    import contextlib

    try:
        with contextlib.redirect_stderr(err):
            summary = run(["--input", str(base / "raw.txt"), "--output", str(base / "lake"),
                           "--salt_file", str(base / "salt")])
    finally:
        if saved is None:
            os.environ.pop(PROGRESS_ENV, None)
        else:
            os.environ[PROGRESS_ENV] = saved
    after = time.time_ns() // 1_000_000
    return summary, before, after, err.getvalue(), lines


def test_every_stage_has_its_counters_and_the_accounting_holds(sample_run):
    summary = sample_run[0]
    assert summary.records_accounted and summary.outputs_accounted, summary.report()
    for name in ("raw_records", "events", "good", "records_adapted", "raw_bad", "enriched_bad", "files_written"):
        assert summary.get(name) > 0, name
    by_type = sum(value for name, value in summary.counters.items()
                  if name.startswith(("enriched_bad_", "raw_bad_")))
    assert by_type == summary.get("enriched_bad") + summary.get("raw_bad")
    assert summary.get("rows_written") == summary.get("good") + summary.get("enriched_bad") + summary.get("raw_bad")
    assert summary.get("bad_rows_sealed") == 0  # no recovery key in this run


def test_distributions_enrichment_time_and_latency_and_the_pseudonymized_values(sample_run):
    summary, before, after, _, _ = sample_run
    events, good = summary.get("events"), summary.get("good")
    count, total, low, high = summary.distributions["enrich_micros"]
    assert 1 <= count <= -(-summary.get("raw_records") // BATCH_RECORDS)  # one value per batch that had events
    assert 0 <= low <= total / count <= high < 5_000_000
    assert "pseudonymized_fields" not in summary.distributions
    assert good <= summary.get("pseudonymized_values") <= 131 * good  # every one has its IP address at least
    count, total, low, high = summary.distributions["e2e_latency_ms"]
    assert count == good  # every good event, measured when its file is written
    newest, oldest = SAMPLE_START_MS + 3_600_000, SAMPLE_START_MS
    assert before - newest <= low <= high <= after - oldest
    assert summary.mean("e2e_latency_ms") == total / count and summary.mean("absent") is None


def test_the_report_prints_distributions(sample_run):
    report = sample_run[0].report()
    lines = {line.split(":", 1)[0].strip(): line for line in report.splitlines()}
    for name in ("enrich_micros", "e2e_latency_ms"):
        assert " / mean " in lines[name] and lines[name].split(": ", 1)[1].startswith("min ")
    assert report.splitlines()[-1].endswith("OK")


def test_a_batch_run_prints_progress_lines(sample_run):
    summary, _, _, err, lines = sample_run
    progress = [line for line in err.splitlines() if line.startswith("snowplow progress")]
    assert progress and all(" raw records in " in line and line.endswith(("/s", "/s, done")) for line in progress)
    assert progress[-1].endswith(", done") and f" {len(lines):,} raw records" in progress[-1]


def test_run_summary_merges_distributions_and_keeps_accounting():
    summary = RunSummary({"raw_records": 1, "records_adapted": 1, "events": 1, "good": 1},
                         {"enrich_micros": (2, 30, 10, 20)})
    assert summary.records_accounted and summary.outputs_accounted
    assert "min 10 / mean 15.0 / max 20 (2 samples)" in summary.report()


def test_latency_is_measured_for_tsv_files_too(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "metrics-salt-of-16-bytes")
    stamps = [SAMPLE_START_MS + i * 60_000 for i in range(5)]
    lines = [record(sample_payload(querystring="e=pv&p=web&tv=js", timestamp=stamp)).encode() for stamp in stamps]
    pieces = RecordProcessor(PipelineConfig(), "tsv").process(lines).good
    pipeline = beam.Pipeline(options=prepare_runner(PipelineOptions([]), unbounded=False))
    _ = pipeline | beam.Create(pieces) | WriteGoodEvents(str(tmp_path), "run1", "tsv")
    before = time.time_ns() // 1_000_000
    result = pipeline.run()
    result.wait_until_finish()
    after = time.time_ns() // 1_000_000
    count, _, low, high = summarize(result).distributions["e2e_latency_ms"]
    assert count == 5 and before - stamps[-1] <= low and high <= after - stamps[0]
    assert len(list(tmp_path.rglob("*.tsv"))) == 1


def test_observe_latency_reads_the_clock_once(monkeypatch):
    readings, seen = [], []

    def clock():
        readings.append(2_000)
        return 2_000

    class Distribution:
        update = seen.append

    monkeypatch.setattr(writers, "now_ms", clock)
    observe_latency(Distribution(), [1_000, 1_500, 1_900])
    assert seen == [1_000, 500, 100] and readings == [2_000]
