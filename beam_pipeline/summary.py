"""What a finished run counted, and whether the counts prove that no record was lost.

Every run (batch, streaming with a bounded read, recover) ends in a :class:`RunSummary` built by
:func:`summarize` from the runner's metrics: the counters of namespace ``snowplow`` and the damaged
input files the sources named (namespace ``snowplow.damaged_files``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from apache_beam.metrics.metric import MetricsFilter

NAMESPACE = "snowplow"  # every counter and distribution of a run
DAMAGED_FILES_NAMESPACE = "snowplow.damaged_files"  # one counter per damaged input file, named by its path


@dataclass
class RunSummary:
    """The counters of a finished run, and whether they prove that no record was lost; and its
    distributions (``name -> (count, sum, min, max)``: ``enrich_micros``, ``e2e_latency_ms``...).

    ``input_bytes``: what the run's input files held (counters of zero records for input that held
    bytes prove nothing: a runner that reports no metrics); ``damaged_files``: the input files that
    could not be read to their end (their readable lines were processed, the rest is a raw-bad row).
    """

    counters: dict[str, int] = field(default_factory=dict)
    distributions: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    input_bytes: int = 0
    damaged_files: tuple[str, ...] = ()

    def get(self, name: str) -> int:
        return self.counters.get(name, 0)

    def mean(self, name: str) -> float | None:
        count, total, _, _ = self.distributions.get(name, (0, 0, 0, 0))
        return total / count if count else None

    @property
    def records_counted(self) -> bool:
        """Input that held bytes was counted as records (or as the collector's bad rows)."""
        return not self.input_bytes or self.get("raw_records") + self.get("collector_bad_rows") > 0

    @property
    def records_accounted(self) -> bool:
        """Every raw record was unreadable (raw-bad), rejected whole (one bad row) or adapted into events."""
        return self.records_counted and self.get("raw_records") == (
            self.get("records_unreadable") + self.get("records_rejected") + self.get("records_adapted"))

    @property
    def outputs_accounted(self) -> bool:
        """Every event is good or one bad row; every unreadable or rejected record, one bad row."""
        inputs = (self.get("events") + self.get("records_rejected") + self.get("records_unreadable")
                  + self.get("collector_bad_rows"))
        return inputs == self.get("good") + self.get("enriched_bad") + self.get("raw_bad")

    @property
    def ok(self) -> bool:
        """The run may exit 0: everything accounted for, and every input file read to its end."""
        return self.records_accounted and self.outputs_accounted and not self.damaged_files

    def report(self) -> str:
        lines = [f"{name:>45}: {value:,}" for name, value in sorted(self.counters.items())]
        for name, (count, total, low, high) in sorted(self.distributions.items()):
            if count:
                lines.append(f"{name:>45}: min {low:,} / mean {total / count:,.1f} / max {high:,} ({count:,} samples)")
        for path in self.damaged_files:
            lines.append(f"{'DAMAGED input file (see its raw_bad row)':>45}: {path}")
        if not self.records_counted:
            verdict = f"FAILED (no record counted from {self.input_bytes:,} bytes of input: the runner reported no metrics?)"
        else:
            verdict = "OK" if self.records_accounted and self.outputs_accounted else "MISMATCH"
        lines.append(f"{'accounting (every record in exactly one place)':>45}: {verdict}")
        return "\n".join(lines)


def summarize(result, input_bytes: int = 0) -> RunSummary:
    """The :class:`RunSummary` of a finished pipeline ``result``."""
    query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    counters: dict[str, int] = {}
    for counter in query["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] = counters.get(counter.key.metric.name, 0) + (value or 0)
    distributions: dict[str, tuple[int, int, int, int]] = {}
    for distribution in query.get("distributions", ()):
        data = distribution.committed if distribution.committed is not None else distribution.attempted
        if data is None or not data.count:
            continue
        name = distribution.key.metric.name
        count, total, low, high = distributions.get(name, (0, 0, data.min, data.max))
        distributions[name] = (count + data.count, total + data.sum, min(low, data.min), max(high, data.max))
    damaged = result.metrics().query(MetricsFilter().with_namespace(DAMAGED_FILES_NAMESPACE))["counters"]
    damaged_files = tuple(sorted({counter.key.metric.name for counter in damaged}))
    return RunSummary(counters, distributions, input_bytes, damaged_files)
