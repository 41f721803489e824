"""``snowplow-report`` / ``python -m snowplow_beam.report``: an HTML dashboard of a lake, read with DuckDB.

    snowplow-report --lake ROOT --output report.html [--since 2025-11-28] [--until 2025-11-28T12]

``ROOT`` is a local folder or ``s3://bucket/prefix``. Reading: :mod:`snowplow_beam.report.storage` (where the
files are) and :mod:`snowplow_beam.report.queries` (DuckDB); the page: :mod:`snowplow_beam.report.render`.
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from snowplow_beam.report.queries import Progress, collect
from snowplow_beam.report.render import render_html
from snowplow_beam.report.storage import open_lake
from snowplow_beam.transforms.timestamps import parse_time

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_bound(text: str | None, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH`` (UTC) -> the first hour it covers (``end``: the last: a day's 23:00)."""
    if not text:
        return None
    try:
        moment = parse_time(text)
    except ValueError as exc:
        raise ValueError(f"not a date or hour: {text.strip()!r} (YYYY-MM-DD or YYYY-MM-DDTHH)") from exc
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(hours=23) if end and _DAY.match(text.strip()) else hour


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-report", description="An HTML dashboard of a Snowplow lake (local folder or s3://): good "
        "and bad rows per hour, bad rows by type and message, top event names and app ids, latency, freshness.")
    parser.add_argument("--lake", required=True, metavar="ROOT",
                        help="the lake's root: a local folder or s3://bucket/prefix (required)")
    parser.add_argument("--output", default="report.html", metavar="FILE",
                        help="the HTML file to write (default: %(default)s)")
    parser.add_argument("--since", metavar="HOUR", help="first hour to read, UTC, inclusive: YYYY-MM-DD or "
                        "YYYY-MM-DDTHH (default: from the first partition)")
    parser.add_argument("--until", metavar="HOUR", help="last hour to read, UTC, inclusive: YYYY-MM-DD (the whole "
                        "day) or YYYY-MM-DDTHH (default: to the last partition)")
    parser.add_argument("--quiet", action="store_true",
                        help="print no progress line (default: a progress line on standard error)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
