"""`ReadFromKinesis`: the splittable DoFn that reads a stream with a `ShardReader`, checkpointing through its
`KinesisRestriction`. The stream's restriction splits into one per shard family before the read, so that a
runner spreads the shards over its workers; each restriction has its own watermark (its reader's), which the
runner combines. Records are emitted with their ApproximateArrivalTimestamp. Bounded mode (``max_records``,
``max_read_seconds``, ``read_to_tip``) ends each restriction at its bound, so the pipeline finishes its windows
and exits (tests, backfills).

Metrics (namespace ``kinesis``): ``records`` and ``throttled`` for all streams; per shard,
``records.<stream>.<shard>`` and ``bytes.<stream>.<shard>`` (counters), ``millis_behind_latest.<stream>.<shard>``
and ``iterator_age_ms.<stream>.<shard>`` (gauges, after each read)."""
from __future__ import annotations

import time

import apache_beam as beam
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.utils.timestamp import MIN_TIMESTAMP, Duration, Timestamp

from snowplow_beam.beam_pipeline.kinesis.restriction import (KinesisRestriction, KinesisRestrictionTracker,
                                                             ShardsDiscovered, Stop)
from snowplow_beam.beam_pipeline.kinesis.settings import LATEST, KinesisSettings
from snowplow_beam.beam_pipeline.kinesis.shard_reader import Record, ShardReader, list_shards, shard_state

NAMESPACE = "kinesis"


class _WatermarkProvider(WatermarkEstimatorProvider):
    def initial_estimator_state(self, element, restriction):
        return MIN_TIMESTAMP

    def create_watermark_estimator(self, estimator_state):
        return ManualWatermarkEstimator(estimator_state)

    def estimator_state_coder(self):
        return beam.coders.PickleCoder()


class ReadStreamFn(beam.DoFn, RestrictionProvider):
    """The stream name -> its records (bytes), timestamped with their arrival time.

    The DoFn is its own restriction provider: the stream's restriction, split into one per shard family.
    """

    def __init__(self, settings: KinesisSettings):
        self._settings = settings

    # -- restriction provider
    def initial_restriction(self, element):
        s = self._settings
        start = s.start_timestamp
        if s.initial_position == LATEST:
            start = time.time()  # pinned: a checkpoint taken before the first record still resumes here
        return KinesisRestriction(
            stream=element, initial_position=s.initial_position, start_timestamp=start,
            records_left=s.max_records, to_tip=s.read_to_tip,
            deadline=time.time() + s.max_read_seconds if s.max_read_seconds is not None else None)

    def split(self, element, restriction):
        if not (self._settings.split_by_shard and restriction.splits_by_family):
            yield restriction
            return
        yield from restriction.by_family([shard_state(d) for d in list_shards(self._settings.client(), element)])

    def create_tracker(self, restriction):
        return KinesisRestrictionTracker(restriction)

    def restriction_size(self, element, restriction):
        return KinesisRestrictionTracker(restriction).current_progress().remaining_work

    def restriction_coder(self):
        return beam.coders.PickleCoder()

    # -- processing
    def setup(self):
        self._client = self._settings.client()
        self._readers: dict[str, ShardReader] = {}  # by the group's first shard id
        self._metrics = ReadMetrics(self._settings.stream)

    def process(self, stream, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(_WatermarkProvider())):
        # a reader per shard group (its iterators and poll schedules), kept while the group's residuals return
        # here; never shared by two groups, which a runner may read at once on threads of one worker
        group = min(tracker.current_restriction().shards, default="")
        reader = self._readers.get(group)
        if reader is None:
            reader = self._readers[group] = ShardReader(self._client, self._settings)
        yield from read_stream(reader, tracker, watermark, self._metrics)


class _ReadUnboundedStreamFn(ReadStreamFn):
    @beam.DoFn.unbounded_per_element()
    def process(self, stream, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(_WatermarkProvider())):
        yield from super().process(stream, tracker, watermark)


class ReadMetrics:
    """The source's metrics (see the module docstring), per shard created on first use."""

    def __init__(self, stream: str):
        self._stream = stream
        self._records = Metrics.counter(NAMESPACE, "records")
        self._throttled = Metrics.counter(NAMESPACE, "throttled")
        self._per_shard: dict[tuple[str, str], object] = {}

    def _metric(self, kind, name: str, shard_id: str):
        key = (name, shard_id)
        if key not in self._per_shard:
            self._per_shard[key] = kind(NAMESPACE, f"{name}.{self._stream}.{shard_id}")
        return self._per_shard[key]

    def record(self, record: Record) -> None:
        self._records.inc()
        shard_id = record.position.shard_id
        self._metric(Metrics.counter, "records", shard_id).inc()
        self._metric(Metrics.counter, "bytes", shard_id).inc(len(record.data))

    def throttled(self, count: int) -> None:
        self._throttled.inc(count)

    def lag(self, reader: ShardReader, restriction: KinesisRestriction) -> None:
        for shard_id in restriction.shards:
            lag = reader.lag(shard_id)
            if lag is None:
                continue
            if lag.millis_behind_latest is not None:
                self._metric(Metrics.gauge, "millis_behind_latest", shard_id).set(lag.millis_behind_latest)
            self._metric(Metrics.gauge, "iterator_age_ms", shard_id).set(lag.iterator_age_ms)


def read_stream(reader: ShardReader, tracker, watermark, metrics: ReadMetrics | None = None):
    """The body of the SDF: read until the restriction is done or ``bundle_seconds`` have passed,
    then self-checkpoint (``defer_remainder``). Usable with any tracker and watermark estimator.

    A read to the tip does not self-checkpoint: it reads its restriction to the tip in one call. The FnApiRunner
    with ``--direct_num_workers`` > 1 drops the residuals of a bundle split over workers
    (``ParallelBundleManager.process_bundle`` merges only the responses' metrics and errors, Beam 2.73), so a
    checkpointed restriction was never read again there: 20,697 of 54,540 events in a 2-worker run. (Reads bounded
    by a record count or a deadline still checkpoint: without it the end-to-end collector test read nothing.)

    The restriction is read from the tracker at every step: a runner's split may have moved shards away (their
    claims fail; the rest is checkpointed). A group whose shards are all drained, their children read by
    other groups (the non-owner of a merge), is done."""
    settings = reader.settings

    def claim(position) -> bool:
        if tracker.try_claim(position):
            return True
        if not tracker.current_restriction().done:  # a shard split away: what is left resumes elsewhere
            tracker.defer_remainder()
        return False

    restriction = tracker.current_restriction()
    if not restriction.discovered or reader.discovery_due():
        if not claim(reader.discover(restriction)):
            return
    end = time.monotonic() + settings.bundle_seconds
    throttled = reader.errors["throttled"]
    while True:
        restriction = tracker.current_restriction()
        if not restriction.whole_stream and all(shard.drained for shard in restriction.shards.values()):
            claim(Stop("every shard of the group drained"))
            return
        result = reader.step(restriction)
        for item in result.items:
            if not claim(item.position if isinstance(item, Record) else item):
                return
            if isinstance(item, Record):
                if metrics is not None:
                    metrics.record(item)
                yield beam.window.TimestampedValue(item.data, Timestamp(micros=item.arrival_ms * 1000))
        restriction = tracker.current_restriction()
        mark = reader.watermark_ms(restriction)
        if mark is not None:
            mark_ts = Timestamp(micros=mark * 1000)
            if mark_ts > watermark.current_watermark():  # a watermark never goes back
                watermark.set_watermark(mark_ts)
        if metrics is not None:
            metrics.lag(reader, restriction)
            if reader.errors["throttled"] > throttled:
                metrics.throttled(reader.errors["throttled"] - throttled)
        throttled = reader.errors["throttled"]
        if not tracker.try_claim(ShardsDiscovered(())):  # a no-op claim: ends the read once a bound is reached
            return
        if not settings.read_to_tip and time.monotonic() >= end:
            tracker.defer_remainder(Duration(seconds=min(result.wait, settings.idle_poll_seconds)))
            return
        if reader.discovery_due():
            if not claim(reader.discover(restriction)):
                return
        if result.wait > 0:
            time.sleep(min(result.wait, max(0.0, end - time.monotonic()), 1.0))


class ReadFromKinesis(beam.PTransform):
    """The records (bytes) of a Kinesis stream, timestamped with their ApproximateArrivalTimestamp.

    Unbounded unless ``settings`` sets ``max_records``, ``max_read_seconds`` or ``read_to_tip``. The read is
    split by shard family, so its parallelism is the stream's shards; see the module docstring.
    """

    def __init__(self, settings: KinesisSettings, label: str | None = None):
        super().__init__(label)
        self._settings = settings

    def expand(self, pbegin):
        settings = self._settings
        fn = ReadStreamFn(settings) if settings.bounded else _ReadUnboundedStreamFn(settings)
        return (pbegin
                | "Impulse" >> beam.Impulse()
                | "StreamName" >> beam.Map(lambda _, name=settings.stream: name)
                | "ReadShards" >> beam.ParDo(fn))

    def display_data(self):
        s = self._settings
        return {"stream": s.stream, "initial_position": s.initial_position,
                "bounded": s.bounded, "endpoint_url": s.endpoint_url or ""}
