"""Pipeline benchmark: the event logic alone, and whole batch runs on the DirectRunner (FnApiRunner).

    python -m bench.pipeline                 # 20,000 records, 3 repetitions each, median
    python -m bench.pipeline --records 5000 --repeats 1

The input is the standard mix of :mod:`beam_pipeline.sample_data` (page views, structured and
self-describing events with contexts, GET and POST batches of 1-5 events, 5% broken records),
about 1.4 events per record. Figures are events per second (events = good + event-level bad
rows), measured on whole runs; the machine is shared, so read them with its noise in mind.

1. ``logic``: decode, adapt, enrich, validate and pseudonymize in a plain loop, one process.
   Also the cost of validation plus pseudonymization per good event (µs).
2. ``pipeline``: ``python -m snowplow_beam.beam_pipeline`` in-process on a file of the same records,
   Parquet output, timed from start to finish (graph construction and writes included).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from pathlib import Path

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.transforms.adapters import AdapterError, AdapterRegistry, split_path
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.enrich import EnrichmentError, EventEnricher
from snowplow_beam.transforms.secrets import SecretSource
from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record

OUT = Path(__file__).resolve().parents[1] / "bench-output"
START_MS = 1_764_320_400_000


def _logic_once(lines: list[str], config: PipelineConfig) -> dict:
    validator = config.event_validator()
    adapters = AdapterRegistry(validator.payload_data)
    enricher = EventEnricher(config.enrichments())
    pseudonymizer = config.pseudonymizer()
    events = 0
    enriched: list[dict] = []
    started = time.perf_counter()
    for line in lines:
        try:
            payload = decode_base64_record(line)
            api = split_path(payload.path)
            raw_events = adapters.adapt(payload, *api) if api else []
        except (PayloadFormatError, AdapterError):
            continue
        seed = hashlib.sha256(line.encode()).digest()
        for index, raw_event in enumerate(raw_events):
            events += 1
            try:
                event = enricher.enrich(raw_event, seed, index)
            except EnrichmentError:
                continue
            if not validator.event(event):
                enriched.append(pseudonymizer.event(event))
    elapsed = time.perf_counter() - started

    # validation + pseudonymization alone, on the good events (fresh copies are cheap dicts)
    sample = [dict(e) for e in enriched]
    started = time.perf_counter()
    for event in sample:
        validator.event(event)
        pseudonymizer.event(event)
    per_event_us = (time.perf_counter() - started) / max(1, len(sample)) * 1e6
    return {"events": events, "seconds": elapsed, "events_per_s": events / elapsed,
            "validate_pseudonymize_us": per_event_us}


def _pipeline_once(source: Path, salt: Path, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        started = time.perf_counter()
        summary = run(["--input", str(source), "--output", out, "--salt_file", str(salt), *extra])
        elapsed = time.perf_counter() - started
    events = summary.get("events")
    return {"events": events, "seconds": elapsed, "events_per_s": events / elapsed,
            "accounted": summary.ok}


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--enrichments", help="enrichment config directory (default: the default set)")
    args = parser.parse_args(argv)

    lines = generate_lines(args.records, START_MS)
    extra = ["--enrichments", args.enrichments] if args.enrichments else []
    with tempfile.TemporaryDirectory(prefix="bench-in-") as tmp:
        salt = Path(tmp) / "salt"
        salt.write_text("bench-salt-0123456789\n")
        source = Path(tmp) / "raw.txt"
        source.write_text("\n".join(lines) + "\n")
        config = PipelineConfig(files=BEAM_FILES, enrichments_dir=args.enrichments, salt=SecretSource.salt(str(salt)))
        _logic_once(lines[:500], config)  # warm-up: schema compilation, caches
        logic = [_logic_once(lines, config) for _ in range(args.repeats)]
        pipeline = [_pipeline_once(source, salt, extra) for _ in range(args.repeats)]

    result = {
        "records": args.records,
        "events": logic[0]["events"],
        "logic_events_per_s": _median(logic, "events_per_s"),
        "logic_runs_events_per_s": [round(r["events_per_s"]) for r in logic],
        "validate_pseudonymize_us_per_event": _median(logic, "validate_pseudonymize_us"),
        "pipeline_events_per_s": _median(pipeline, "events_per_s"),
        "pipeline_runs_events_per_s": [round(r["events_per_s"]) for r in pipeline],
        "pipeline_runs_seconds": [round(r["seconds"], 2) for r in pipeline],
        "accounted": all(r["accounted"] for r in pipeline),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"records: {args.records:,}  events: {result['events']:,}  repetitions: {args.repeats} (median)")
    print(f"event logic, one process:        {result['logic_events_per_s']:>10,.0f} events/s  "
          f"runs {result['logic_runs_events_per_s']}")
    print(f"validate + pseudonymize:         {result['validate_pseudonymize_us_per_event']:>10.1f} µs per good event")
    print(f"whole DirectRunner batch run:    {result['pipeline_events_per_s']:>10,.0f} events/s  "
          f"runs {result['pipeline_runs_events_per_s']} ({result['pipeline_runs_seconds']} s)")
    print(f"accounting: {'OK' if result['accounted'] else 'MISMATCH'}")
    return 0 if result["accounted"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
