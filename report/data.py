"""What the report shows, as numbers: per-hour counts and latency, bad rows by type and message, top values,
freshness. Built by :func:`snowplow_beam.report.queries.collect`, drawn by :func:`snowplow_beam.report.render.render_html`.

Freshness follows GitLab's dbt source freshness on ``gitlab_events``: warn after 8 h, error after 24 h.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from snowplow_beam.lake.layout import BAD_OUTPUTS, GOOD, MS_PER_HOUR

FRESHNESS_WARN_HOURS = 8   # dbt source freshness on gitlab_events (GitLab data team)
FRESHNESS_ERROR_HOURS = 24
HISTOGRAM_BUCKETS_PER_DECADE = 50  # latency histogram: buckets 4.7 % wide, percentiles within about 2.3 %


@dataclass
class HourStats:
    """One hour's rows per output (the fields are named as the outputs) and its latency percentiles."""

    good: int = 0
    enriched_bad: int = 0
    raw_bad: int = 0
    latency_ms: tuple[float | None, float | None, float | None] = (None, None, None)  # p50, p95, p99

    @property
    def bad(self) -> int:
        return self.enriched_bad + self.raw_bad


@dataclass
class ReportData:
    """Everything the page shows."""

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
        return self.total(GOOD)

    @property
    def bad(self) -> int:
        return sum(self.total(output) for output in BAD_OUTPUTS)

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
        age = (self.generated_at.timestamp() * 1000 - self.newest_collector_ms) / MS_PER_HOUR
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

