"""Pipeline benchmark: the event logic alone, and whole batch runs on the DirectRunner (FnApiRunner).

    python -m bench.pipeline                 # 20,000 records, 3 repetitions each, median
    python -m bench.pipeline --records 5000 --repeats 1

The input is the standard mix of :mod:`beam_pipeline.sample_data` (page views, structured and
self-describing events with contexts, GET and POST batches of 1-5 events, 5% broken records),
about 1.4 events per record. Figures are events per second (events = good + event-level bad
rows), measured on whole runs; the machine is shared, so read them with its noise in mind.

0. ``floor``: the naive floor (:mod:`bench.naive_floor`) on the same records, in the same process: every other
   figure is also given as a ratio to it, so that it does not depend on the machine's noise.
1. ``logic``: the record processor alone (decode, adapt, enrich, validate, pseudonymize, serialize), one process,
   in the pipeline's batches of raw records, with its cost per stage in µs per event (:data:`STAGES`; ``write``:
   its good pieces written as Parquet afterwards, as the writer writes them).
2. ``pipeline``: ``python -m snowplow_beam.beam_pipeline`` in-process on a file of the same records,
   Parquet output, timed from start to finish (graph construction and writes included), in wall seconds and in
   CPU seconds of this process (the FnApiRunner runs in it).
3. ``--marginal LARGE``: the marginal cost per event: CPU seconds of a run of ``LARGE`` records minus those of a
   run of ``--records``, per extra event, for the pipeline and the floor alike; the fixed cost (start-up, imports
   already paid) is what remains of the small run.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.naive_floor import decodable, floor

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.beam_pipeline.steps import BATCH_RECORDS
from snowplow_beam.beam_pipeline.writers import ParquetFormat
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.processor import RecordProcessor
from snowplow_beam.transforms.secrets import SecretSource

OUT = Path(__file__).resolve().parents[1] / "bench-output"
START_MS = 1_764_320_400_000
FLOOR_KEY = b"bench-floor-key-0123456789"


def _logic_once(lines: list[bytes], config: PipelineConfig) -> dict:
    """The record processor alone (what the pipeline's one DoFn runs), in the pipeline's batches; then, apart,
    its good pieces written as the Parquet writer writes them, for the cost per stage (µs per event)."""
    processor = RecordProcessor(config)
    events = 0
    stages: Counter = Counter()
    pieces = []
    started = time.perf_counter()
    for begin in range(0, len(lines), BATCH_RECORDS):
        result = processor.process(lines[begin:begin + BATCH_RECORDS])
        events += result.counters["events"]
        stages.update(result.stage_ns)
        pieces.extend(result.good)
    elapsed = time.perf_counter() - started
    stages["other"] = max(0, int(elapsed * 1e9) - sum(stages.values()))  # the loop's time outside the stages
    written = time.perf_counter_ns()
    ParquetFormat.write(io.BytesIO(), pieces)
    stages["write"] = time.perf_counter_ns() - written
    micros = {stage: ns / events / 1000 for stage, ns in stages.items()}
    return {"events": events, "seconds": elapsed, "events_per_s": events / elapsed, "stage_us_per_event": micros}


def _floor_once(lines: list[str]) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    events = floor(lines, FLOOR_KEY)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"events": events, "seconds": elapsed, "cpu_seconds": cpu, "events_per_s": events / elapsed,
            "events_per_cpu_s": events / cpu}


def _pipeline_once(source: Path, salt: Path, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        started, cpu = time.perf_counter(), time.process_time()
        summary = run(["--input", str(source), "--output", out, "--salt_file", str(salt), *extra])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = summary.get("events")
    return {"events": events, "seconds": elapsed, "cpu_seconds": cpu, "events_per_s": events / elapsed,
            "events_per_cpu_s": events / cpu, "accounted": summary.ok}


def _peak_memory(records: int, tmp: Path, salt: Path) -> dict:
    """One whole run of ``records`` records in a child process (the pipeline's command), and its max RSS."""
    source = tmp / "raw-memory.txt"
    with source.open("w") as out:
        for begin in range(0, records, 50_000):  # written in slices, so that this process stays small
            out.write("\n".join(generate_lines(min(50_000, records - begin), START_MS, seed=begin)) + "\n")
    # The child's peak is its own VmHWM: the rusage of a child (RUSAGE_CHILDREN, wait4) counts the parent's
    # resident memory too, from before the child's exec (this process holds the earlier runs' records).
    code = ("import json, sys; from snowplow_beam.beam_pipeline.launcher import run; "
            "summary = run(sys.argv[1:]); "
            "peak = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')); "
            "print(json.dumps({'events': summary.get('events'), 'ok': summary.ok, 'peak_kb': peak}))")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "--input", str(source), "--output", str(tmp / "memory-out"),
                           "--salt_file", str(salt)], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    max_rss_kb = summary["peak_kb"]
    return {"records": records, "events": summary["events"], "max_rss_mb": max_rss_kb / 1024, "seconds": seconds,
            "accounted": summary["ok"]}


def _marginal(small: list[dict], large: list[dict]) -> dict:
    """Marginal CPU µs per event between two sizes, and the fixed CPU seconds left in the small run (medians)."""
    cpu_small, cpu_large = _median(small, "cpu_seconds"), _median(large, "cpu_seconds")
    events_small, events_large = small[0]["events"], large[0]["events"]
    per_event = (cpu_large - cpu_small) / (events_large - events_small)
    return {"us_per_event": per_event * 1e6, "fixed_cpu_seconds": cpu_small - per_event * events_small}


# The stages of RecordProcessor.process (BatchResult.stage_ns), in the order of a record's path, and the writer.
STAGES = ("decode", "adapt", "map", "enrich", "validate", "results", "pseudonymize", "serialize", "bad_rows",
          "other", "write")


def _median_run(runs: list[dict], key: str) -> dict:
    return sorted(runs, key=lambda run: run[key])[len(runs) // 2]


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--enrichments", help="enrichment config directory (default: the default set)")
    parser.add_argument("--marginal", type=int, metavar="LARGE",
                        help="also measure the marginal cost per event against a run of LARGE records "
                             "(e.g. 88000 against --records 29000: about 120,000 and 40,000 events)")
    parser.add_argument("--memory", type=int, metavar="RECORDS",
                        help="also measure the peak memory (max RSS) of one whole run of RECORDS records in its own "
                             "process (730000: about 1,000,000 events)")
    args = parser.parse_args(argv)

    lines = generate_lines(args.records, START_MS)
    floor_lines = decodable(lines)
    extra = ["--enrichments", args.enrichments] if args.enrichments else []
    with tempfile.TemporaryDirectory(prefix="bench-in-") as tmp:
        salt = Path(tmp) / "salt"
        salt.write_text("bench-salt-0123456789\n")
        source = Path(tmp) / "raw.txt"
        source.write_text("\n".join(lines) + "\n")
        config = PipelineConfig(files=BEAM_FILES, enrichments_dir=args.enrichments, salt=SecretSource.salt(str(salt)))
        raw = [line.encode() for line in lines]
        _logic_once(raw[:500], config)  # warm-up: schema compilation, caches
        _floor_once(floor_lines[:500])
        naive = [_floor_once(floor_lines) for _ in range(args.repeats)]
        logic = [_logic_once(raw, config) for _ in range(args.repeats)]
        pipeline = [_pipeline_once(source, salt, extra) for _ in range(args.repeats)]
        marginal = None
        if args.marginal:
            large_lines = generate_lines(args.marginal, START_MS)
            large_source = Path(tmp) / "raw-large.txt"
            large_source.write_text("\n".join(large_lines) + "\n")
            large_floor = decodable(large_lines)
            large = [_pipeline_once(large_source, salt, extra) for _ in range(args.repeats)]
            large_naive = [_floor_once(large_floor) for _ in range(args.repeats)]
            marginal = {"pipeline": _marginal(pipeline, large), "floor": _marginal(naive, large_naive),
                        "events": [pipeline[0]["events"], large[0]["events"]]}
        memory = _peak_memory(args.memory, Path(tmp), salt) if args.memory else None

    floor_rate, floor_cpu_rate = _median(naive, "events_per_s"), _median(naive, "events_per_cpu_s")
    result = {
        "records": args.records,
        "events": logic[0]["events"],
        "floor_events_per_s": floor_rate,
        "floor_events_per_cpu_s": floor_cpu_rate,
        "floor_runs_events_per_s": [round(r["events_per_s"]) for r in naive],
        "logic_events_per_s": _median(logic, "events_per_s"),
        "logic_runs_events_per_s": [round(r["events_per_s"]) for r in logic],
        "stage_us_per_event": _median_run(logic, "events_per_s")["stage_us_per_event"],
        "pipeline_events_per_s": _median(pipeline, "events_per_s"),
        "pipeline_runs_events_per_s": [round(r["events_per_s"]) for r in pipeline],
        "pipeline_runs_seconds": [round(r["seconds"], 2) for r in pipeline],
        "pipeline_events_per_cpu_s": _median(pipeline, "events_per_cpu_s"),
        "marginal": marginal,
        "memory": memory,
        "accounted": all(r["accounted"] for r in pipeline),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"records: {args.records:,}  events: {result['events']:,}  repetitions: {args.repeats} (median)")
    print(f"naive floor, one process:        {floor_rate:>10,.0f} events/s  runs {result['floor_runs_events_per_s']}"
          f" ({floor_cpu_rate:,.0f} per CPU-second)")
    print(f"record processor, one process:   {result['logic_events_per_s']:>10,.0f} events/s  "
          f"runs {result['logic_runs_events_per_s']}  = {result['logic_events_per_s'] / floor_rate:.2f}x the floor")
    stages = result["stage_us_per_event"]
    print("  cost per stage, µs per event (the median run; write: its good pieces as Parquet, apart): " + ", ".join(
        f"{stage} {stages[stage]:.1f}" for stage in STAGES if stage in stages))
    print(f"whole DirectRunner batch run:    {result['pipeline_events_per_s']:>10,.0f} events/s  "
          f"runs {result['pipeline_runs_events_per_s']} ({result['pipeline_runs_seconds']} s)")
    print(f"  per CPU-second of this process: {result['pipeline_events_per_cpu_s']:>9,.0f} events  "
          f"= {result['pipeline_events_per_cpu_s'] / floor_cpu_rate:.2f}x the floor (start-up included)")
    if marginal:
        ours, base = marginal["pipeline"], marginal["floor"]
        print(f"marginal cost per event ({marginal['events'][0]:,} -> {marginal['events'][1]:,} events): "
              f"pipeline {ours['us_per_event']:.1f} µs, floor {base['us_per_event']:.1f} µs "
              f"= {base['us_per_event'] / ours['us_per_event']:.2f}x the floor")
        fixed = ours["fixed_cpu_seconds"]
        print(f"  fixed cost of a run: {fixed:.2f} CPU-s" if fixed >= 0 else
              f"  fixed cost of a run: none measurable ({fixed:.2f} CPU-s): an event of the large run cost more "
              "than one of the small run, the cost grows faster than the events")
    if memory:
        print(f"peak memory of a run of {memory['events']:,} events ({memory['records']:,} records) in its own "
              f"process: {memory['max_rss_mb']:,.0f} MB max RSS, {memory['seconds']:.0f} s")
    accounted = result["accounted"] and (memory is None or memory["accounted"])
    print(f"accounting: {'OK' if accounted else 'MISMATCH'}")
    return 0 if accounted else 1


if __name__ == "__main__":
    raise SystemExit(main())
