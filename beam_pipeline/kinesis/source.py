"""`ReadFromKinesis`: the splittable DoFn that reads a stream with a `ShardReader`, checkpointing through its
`KinesisRestriction`. Records are emitted with their ApproximateArrivalTimestamp, the watermark follows the
reader's. Bounded mode (``max_records``, ``max_read_seconds``) ends the restriction after either, so the pipeline
finishes its windows and exits (tests, backfills)."""
from __future__ import annotations

import time

import apache_beam as beam
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.utils.timestamp import MIN_TIMESTAMP, Duration, Timestamp

from snowplow_beam.beam_pipeline.kinesis.restriction import (KinesisRestriction, KinesisRestrictionTracker,
                                                             ShardsDiscovered)
from snowplow_beam.beam_pipeline.kinesis.settings import LATEST, KinesisSettings
from snowplow_beam.beam_pipeline.kinesis.shard_reader import Record, ShardReader


class _WatermarkProvider(WatermarkEstimatorProvider):
    def initial_estimator_state(self, element, restriction):
        return MIN_TIMESTAMP

    def create_watermark_estimator(self, estimator_state):
        return ManualWatermarkEstimator(estimator_state)

    def estimator_state_coder(self):
        return beam.coders.PickleCoder()


class _ReadStreamFn(beam.DoFn, RestrictionProvider):
    """The stream name -> its records (bytes), timestamped with their arrival time.

    The DoFn is its own restriction provider: one :class:`KinesisRestriction` per stream.
    """

    def __init__(self, settings: KinesisSettings):
        self._settings = settings
        self._records = Metrics.counter("kinesis", "records")
        self._throttled = Metrics.counter("kinesis", "throttled")

    # -- restriction provider
    def initial_restriction(self, element):
        s = self._settings
        start = s.start_timestamp
        if s.initial_position == LATEST:
            start = time.time()  # pinned: a checkpoint taken before the first record still resumes here
        return KinesisRestriction(
            stream=element, initial_position=s.initial_position, start_timestamp=start,
            records_left=s.max_records,
            deadline=time.time() + s.max_read_seconds if s.max_read_seconds is not None else None)

    def create_tracker(self, restriction):
        return KinesisRestrictionTracker(restriction)

    def restriction_size(self, element, restriction):
        if restriction.done:
            return 0
        return restriction.records_left if restriction.records_left is not None else 1

    def restriction_coder(self):
        return beam.coders.PickleCoder()

    # -- processing
    def setup(self):
        self._client = self._settings.client()
        self._readers: dict[str, ShardReader] = {}

    def process(self, stream, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(_WatermarkProvider())):
        yield from read_stream(self._readers.setdefault(stream, ShardReader(self._client, self._settings)),
                               tracker, watermark, self._records, self._throttled)


class _ReadUnboundedStreamFn(_ReadStreamFn):
    @beam.DoFn.unbounded_per_element()
    def process(self, stream, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(_WatermarkProvider())):
        yield from super().process(stream, tracker, watermark)


def read_stream(reader: ShardReader, tracker, watermark, records_counter=None, throttled_counter=None):
    """The body of the SDF: read until the restriction is done or ``bundle_seconds`` have passed,
    then self-checkpoint (``defer_remainder``). Usable with any tracker and watermark estimator."""
    settings = reader.settings
    restriction = tracker.current_restriction()
    if not restriction.discovered or reader.discovery_due():
        if not tracker.try_claim(reader.discover(restriction)):
            return
        restriction = tracker.current_restriction()
    end = time.monotonic() + settings.bundle_seconds
    throttled = reader.errors["throttled"]
    while True:
        result = reader.step(restriction)
        for item in result.items:
            if not tracker.try_claim(item.position if isinstance(item, Record) else item):
                return
            if isinstance(item, Record):
                if records_counter is not None:
                    records_counter.inc()
                yield beam.window.TimestampedValue(item.data, Timestamp(micros=item.arrival_ms * 1000))
        mark = reader.watermark_ms(restriction)
        if mark is not None:
            mark_ts = Timestamp(micros=mark * 1000)
            if mark_ts > watermark.current_watermark():  # a watermark never goes back
                watermark.set_watermark(mark_ts)
        if throttled_counter is not None and reader.errors["throttled"] > throttled:
            throttled_counter.inc(reader.errors["throttled"] - throttled)
            throttled = reader.errors["throttled"]
        if not tracker.try_claim(ShardsDiscovered(())):  # a no-op claim: ends the read once a bound is reached
            return
        if time.monotonic() >= end:
            tracker.defer_remainder(Duration(seconds=min(result.wait, settings.idle_poll_seconds)))
            return
        if reader.discovery_due():
            if not tracker.try_claim(reader.discover(restriction)):
                return
        if result.wait > 0:
            time.sleep(min(result.wait, max(0.0, end - time.monotonic()), 1.0))


class ReadFromKinesis(beam.PTransform):
    """The records (bytes) of a Kinesis stream, timestamped with their ApproximateArrivalTimestamp.

    Unbounded unless ``settings`` sets ``max_records`` or ``max_read_seconds``. One reader per
    stream follows every shard (a Reshuffle after it spreads the work); see the module docstring.
    """

    def __init__(self, settings: KinesisSettings, label: str | None = None):
        super().__init__(label)
        self._settings = settings

    def expand(self, pbegin):
        settings = self._settings
        fn = _ReadStreamFn(settings) if settings.bounded else _ReadUnboundedStreamFn(settings)
        return (pbegin
                | "Impulse" >> beam.Impulse()
                | "StreamName" >> beam.Map(lambda _, name=settings.stream: name)
                | "ReadShards" >> beam.ParDo(fn))

    def display_data(self):
        s = self._settings
        return {"stream": s.stream, "initial_position": s.initial_position,
                "bounded": s.bounded, "endpoint_url": s.endpoint_url or ""}
