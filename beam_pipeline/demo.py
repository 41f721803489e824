"""``make demo``: generate realistic raw events, run the pipeline on them, print counts and sample rows."""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq

from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.lake.layout import GOOD
from snowplow_beam.transforms.badrows import bad_row_type

# A fixed salt so the demo's pseudonyms are reproducible. Never use a known salt in production.
DEMO_SALT = "demo-salt-do-not-use-in-production\n"
SHOWN_COLUMNS = ("collector_tstamp", "event", "app_id", "se_action", "user_id", "page_urlhost", "event_name")


def _write_inputs(directory: Path, records: int) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    start = (int(time.time()) // 3600 - 3) * 3_600_000  # three hours ago, on the hour
    lines = generate_lines(records, start, span_ms=3 * 3_600_000)
    half = len(lines) // 2
    (directory / "raw-0001.txt").write_text("\n".join(lines[:half]) + "\n")
    (directory / "raw-0002.txt.gz").write_bytes(gzip.compress(("\n".join(lines[half:]) + "\n").encode()))
    (directory / "salt").write_text(DEMO_SALT)


def _show_samples(output: Path) -> None:
    print("\nFiles:")
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(output)}  ({path.stat().st_size:,} bytes)")
    table = pq.read_table(output / GOOD, columns=list(SHOWN_COLUMNS))
    print(f"\nGood events ({table.num_rows:,} rows; first 5, a few of the 131 columns):")
    for row in table.slice(0, 5).to_pylist():
        print("  " + " | ".join(f"{k}={str(v)[:24]}" for k, v in row.items()))
    print("\nOne bad row of each type (pseudonymized, shortened):")
    seen = set()
    for path in sorted(output.rglob("*.json")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            kind = bad_row_type(row)
            if kind not in seen:
                seen.add(kind)
                failure = json.dumps(row["data"]["failure"])[:220]
                print(f"  [{path.parts[len(output.parts)]}] {kind}: {failure}...")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input-dir", default="demo-input")
    parser.add_argument("--output", default="demo-output")
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args(argv)
    inputs, output = Path(args.input_dir), Path(args.output)
    _write_inputs(inputs, args.records)
    shutil.rmtree(output, ignore_errors=True)
    print(f"Generated {args.records:,} raw records in {inputs}/ (plain and gzip); running the pipeline...")
    started = time.perf_counter()
    summary = run(["--input", f"{inputs}/raw-*", "--output", str(output), "--salt_file", str(inputs / "salt")])
    print(f"Done in {time.perf_counter() - started:.1f} s. Counters:\n{summary.report()}")
    _show_samples(output)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
