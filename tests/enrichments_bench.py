"""Throughput of ``EventEnricher.enrich`` alone, without and with the default enrichments.

Run: ``python -m tests.enrichments_bench [records]``. The raw events are decoded and adapted once,
outside the timed loop, as ``beam_pipeline.steps`` does; only enriching is timed (CPU time, best of 5
passes, the two enrichers interleaved).
"""
from __future__ import annotations

import hashlib
import sys
import time

from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.transforms.adapters import AdapterError, AdapterRegistry
from snowplow_beam.transforms.enrich import EnrichmentError, EventEnricher
from snowplow_beam.transforms.enrichments import default_enrichments
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator
from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record
from snowplow_beam.transforms.validation import EventValidator

START_MS = 1764320000000


def raw_events(records: int) -> list[tuple]:
    """``(raw_event, seed, index)`` for every event of ``records`` sample records that adapt."""
    adapters = AdapterRegistry(EventValidator(Validator(Resolver.embedded())).payload_data)
    events = []
    for line in generate_lines(records, START_MS):
        try:
            payload = decode_base64_record(line)
        except PayloadFormatError:
            continue
        try:
            adapted = adapters.adapt(payload)
        except AdapterError:
            continue
        seed = hashlib.sha256(line.encode("ascii")).digest()
        events.extend((raw, seed, index) for index, raw in enumerate(adapted))
    return events


def elapsed(enricher: EventEnricher, events: list[tuple]) -> float:
    """CPU seconds to enrich ``events`` (CPU time: other processes on the machine count less)."""
    started = time.process_time()
    for raw, seed, index in events:
        try:
            enricher.enrich(raw, seed, index)
        except EnrichmentError:
            pass
    return time.process_time() - started


def compare(events: list[tuple], passes: int = 5) -> tuple[float, float]:
    """Events per second without and with the default enrichments: best of ``passes``, the two
    interleaved so that a busy machine slows both alike."""
    bare_enricher, default_enricher = EventEnricher([]), EventEnricher(default_enrichments())
    bare = default = float("inf")
    for _ in range(passes):
        bare = min(bare, elapsed(bare_enricher, events))
        default = min(default, elapsed(default_enricher, events))
    return len(events) / bare, len(events) / default


def main(records: int = 20000) -> None:
    events = raw_events(records)
    bare, default = compare(events)
    print(f"events: {len(events)}")
    print(f"no enrichments:      {bare:,.0f} events/s")
    print(f"default enrichments: {default:,.0f} events/s ({default / bare:.0%} of the figure without)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
