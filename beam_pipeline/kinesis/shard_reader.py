"""`ShardReader`: reading one stream shard by shard over boto3, as plain logic (no Beam), against a
`KinesisRestriction` that it never changes (the caller claims what `ShardReader.step` returns).

- **Resharding**: a drained shard's children come from ``ChildShards`` of GetRecords, else ListShards;
  ListShards runs again every ``discovery_seconds`` for shards added otherwise.
- **Limits**: at most 5 GetRecords per second per shard and about 2 MB/s per shard; throttling and transient
  errors back off exponentially (with jitter); an expired iterator is replaced from the checkpoint.
- **Watermark**: the minimum, over the shards being read, of the last ApproximateArrivalTimestamp seen, advanced
  to "poll time - ``idle_skew_seconds``" for a shard found caught up.
- **Lag** (:meth:`ShardReader.lag`): per shard, the last ``MillisBehindLatest`` and the iterator age (now minus
  the arrival time of the last record read; 0 when caught up), for the per-shard metrics.
"""
from __future__ import annotations

import logging
import time
from typing import NamedTuple

from snowplow_beam.beam_pipeline.kinesis.deaggregation import deaggregate
from snowplow_beam.beam_pipeline.kinesis.restriction import (AtTip, KinesisRestriction, RecordPosition, ShardEnd,
                                                             ShardsDiscovered, ShardState)
from snowplow_beam.beam_pipeline.kinesis.settings import (AT_TIMESTAMP, GET_RECORDS_PER_SECOND, LATEST,
                                                          READ_BYTES_PER_SECOND, TRIM_HORIZON, KinesisSettings)
from snowplow_beam.transforms.backoff import EQUAL_JITTER, Backoff

_LOG = logging.getLogger(__name__)

THROTTLING_ERRORS = frozenset({
    "ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException",
    "KMSThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
})
TRANSIENT_ERRORS = frozenset({
    "InternalFailure", "InternalFailureException", "InternalServerError", "ServiceUnavailable",
    "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException", "KMSInternalException",
})

# The wait after failed reads of a shard: from 0.2 s, doubling, up to 10 s, between half and all of it.
_RETRY_BACKOFF = Backoff(initial=0.2, maximum=10.0, jitter=EQUAL_JITTER)


class _Runtime:
    """What a reader keeps about a shard between calls (not part of the checkpoint)."""

    def __init__(self):
        self.iterator: str | None = None
        self.iterator_for: tuple | None = None   # the checkpoint the iterator starts after
        self.next_poll = 0.0
        self.backoffs = 0   # backoff waits since the last successful read
        self.caught_up_ms: int | None = None   # local time of the last read that found the shard caught up
        self.errors = 0
        self.record_bytes: float | None = None  # running mean size of the shard's records
        self.lag: ShardLag | None = None

    def limit(self, most: int) -> int:
        """Records to ask for: about one second of the per-shard read limit (2 MB), so reads stay
        small and regular instead of one 10 MB response followed by a 5 s pause."""
        if self.record_bytes is None:
            return min(most, 1000)
        return max(1, min(most, int(READ_BYTES_PER_SECOND / max(self.record_bytes, 1.0))))


class ShardLag(NamedTuple):
    """How far behind a shard's reader is, after its last read."""

    millis_behind_latest: int | None   # as GetRecords reported it (None: not reported)
    iterator_age_ms: int               # now minus the arrival of the last record read; 0 when caught up


class Record(NamedTuple):
    data: bytes
    arrival_ms: int
    position: RecordPosition
    partition_key: str


class ReadResult(NamedTuple):
    """One step of a reader: claims to make in order (records and shard ends), or a wait."""

    items: list   # Record | ShardEnd | ShardsDiscovered
    wait: float   # seconds until another call is useful (0 when items were found)


def _code(exc) -> str | None:
    response = getattr(exc, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def _status(exc) -> int:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return 0


def classify_error(exc: BaseException) -> str:
    """``throttled``, ``expired``, ``transient``, ``gone`` (shard or stream not found) or ``fatal``."""
    from botocore.exceptions import (BotoCoreError, ConnectionClosedError, ConnectTimeoutError,
                                     EndpointConnectionError, ReadTimeoutError)

    code = _code(exc)
    if code in THROTTLING_ERRORS:
        return "throttled"
    if code == "ExpiredIteratorException":
        return "expired"
    if code == "ResourceNotFoundException":
        return "gone"
    if code in TRANSIENT_ERRORS or (code is not None and _status(exc) >= 500):
        return "transient"
    if isinstance(exc, (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError, ConnectTimeoutError,
                        ConnectionError, TimeoutError)):
        return "transient"
    if isinstance(exc, BotoCoreError) and code is None:
        return "transient"
    return "fatal"


def _millis(value) -> int:
    if hasattr(value, "timestamp"):
        return int(value.timestamp() * 1000)
    return int(float(value) * 1000)


def list_shards(client, stream: str) -> list[dict]:
    """Every shard of the stream (ListShards, all pages)."""
    shards, token = [], None
    while True:
        response = client.list_shards(NextToken=token) if token else client.list_shards(StreamName=stream)
        shards += response["Shards"]
        token = response.get("NextToken")
        if not token:
            return shards


def shard_state(description: dict) -> ShardState:
    """A shard as ListShards describes it, unread."""
    parents = tuple(p for p in (description.get("ParentShardId"), description.get("AdjacentParentShardId")) if p)
    return ShardState(description["ShardId"], parents)


class ShardReader:
    """Reads one stream shard by shard against a :class:`KinesisRestriction` (it never changes it: the
    caller claims what :meth:`step` returns). Keeps iterators and poll schedules between steps."""

    def __init__(self, client, settings: KinesisSettings, clock=time.time, monotonic=time.monotonic):
        self.client = client
        self.settings = settings
        self._clock = clock
        self._monotonic = monotonic
        self._runtime: dict[str, _Runtime] = {}
        self._next_discovery = 0.0
        self.calls = {"GetRecords": 0, "GetShardIterator": 0, "ListShards": 0}
        self.errors = {"throttled": 0, "expired": 0, "transient": 0}

    # -- discovery
    def discover(self, restriction: KinesisRestriction) -> ShardsDiscovered:
        self.calls["ListShards"] += 1
        listed = list_shards(self.client, restriction.stream)
        self._next_discovery = self._monotonic() + self.settings.discovery_seconds
        listed_ids = {d["ShardId"] for d in listed}
        new = tuple(shard_state(d) for d in listed if d["ShardId"] not in restriction.shards)
        gone = tuple(s for s, state in restriction.shards.items() if state.drained and s not in listed_ids)
        return ShardsDiscovered(new, gone)

    def discovery_due(self) -> bool:
        return self._monotonic() >= self._next_discovery

    # -- one step
    def step(self, restriction: KinesisRestriction) -> ReadResult:
        """Read the shard that is due first (one GetRecords), or say how long to wait."""
        readable = restriction.readable()
        for shard_id in list(self._runtime):
            if shard_id not in restriction.shards or restriction.shards[shard_id].drained:
                del self._runtime[shard_id]  # drained, or moved to another group (and its reader)
        if not readable:
            return ReadResult([], self.settings.idle_poll_seconds)
        now = self._monotonic()
        runtimes = [(self._runtime.setdefault(s.shard_id, _Runtime()), s) for s in readable]
        runtime, shard = min(runtimes, key=lambda pair: pair[0].next_poll)
        if runtime.next_poll > now:
            return ReadResult([], runtime.next_poll - now)
        try:
            return ReadResult(self._read(restriction, shard, runtime), 0.0)
        except Exception as exc:  # classified below; unknown errors propagate
            kind = classify_error(exc)
            if kind == "fatal":
                raise
            runtime.iterator = None if kind in ("expired", "gone") else runtime.iterator
            if kind == "gone":  # past retention (e.g. a checkpoint older than 48 h): go on with its children
                _LOG.error("kinesis %s %s no longer exists (past retention?): records after %s were not read",
                           restriction.stream, shard.shard_id, shard.sequence or "its start")
                return ReadResult([ShardEnd(shard.shard_id, self._children(restriction, shard, {}))], 0.0)
            self.errors[kind] += 1
            runtime.errors += 1
            if runtime.errors > self.settings.max_consecutive_errors:
                raise
            if kind == "expired" and runtime.errors == 1:
                delay = 0.0  # a new iterator right away
            else:
                runtime.backoffs += 1
                delay = _RETRY_BACKOFF.delay(runtime.backoffs)
            _LOG.warning("kinesis %s %s: %s (%s); retrying in %.2fs", restriction.stream, shard.shard_id, kind,
                         _code(exc) or type(exc).__name__, delay)
            runtime.next_poll = self._monotonic() + delay
            return ReadResult([], 0.0)

    def _iterator(self, restriction: KinesisRestriction, shard: ShardState) -> str | None:
        args = {"StreamName": restriction.stream, "ShardId": shard.shard_id}
        if shard.sequence is not None and shard.sub_sequence is not None:
            args.update(ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=shard.sequence)
        elif shard.sequence is not None:
            args.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=shard.sequence)
        elif shard.from_trim_horizon or restriction.initial_position == TRIM_HORIZON:
            args.update(ShardIteratorType=TRIM_HORIZON)
        elif restriction.initial_position == LATEST and restriction.start_timestamp is None:
            args.update(ShardIteratorType=LATEST)
        else:  # AT_TIMESTAMP, and LATEST pinned to the time the read started (so a restart loses nothing)
            args.update(ShardIteratorType=AT_TIMESTAMP, Timestamp=restriction.start_timestamp)
        self.calls["GetShardIterator"] += 1
        return self.client.get_shard_iterator(**args)["ShardIterator"]

    def _read(self, restriction: KinesisRestriction, shard: ShardState, runtime: _Runtime) -> list:
        checkpoint = (shard.sequence, shard.sub_sequence)
        if runtime.iterator is None or runtime.iterator_for != checkpoint:
            runtime.iterator = self._iterator(restriction, shard)
            runtime.iterator_for = checkpoint
        self.calls["GetRecords"] += 1
        polled_ms = int(self._clock() * 1000)
        limit = runtime.limit(self.settings.records_per_call)
        response = self.client.get_records(ShardIterator=runtime.iterator, Limit=limit)
        runtime.errors = 0
        runtime.backoffs = 0
        records = response.get("Records", [])
        items: list = []
        size = 0
        for record in records:
            data = record["Data"]
            size += len(data)
            sequence = record["SequenceNumber"]
            arrival = _millis(record["ApproximateArrivalTimestamp"])
            subs = deaggregate(data)
            if subs is None:
                items.append(Record(data, arrival, RecordPosition(shard.shard_id, sequence, None, True, arrival),
                                    record.get("PartitionKey", "")))
                continue
            skip = shard.sub_sequence if (sequence == shard.sequence and shard.sub_sequence is not None) else -1
            for index, sub in enumerate(subs):
                if index > skip:
                    items.append(Record(sub.data, arrival, RecordPosition(
                        shard.shard_id, sequence, index, index == len(subs) - 1, arrival), sub.partition_key))
        next_iterator = response.get("NextShardIterator")
        behind = response.get("MillisBehindLatest")
        caught_up = not records or (behind == 0 and len(records) < limit)
        # at the tip: a read that got less than it asked for, and nothing behind (when the service says so; a full
        # read is never the tip: kinesalite reports 0 behind whatever is left)
        at_tip = len(records) < limit and (behind is None or behind == 0)
        last_arrival = _millis(records[-1]["ApproximateArrivalTimestamp"]) if records else None
        runtime.lag = ShardLag(behind, 0 if at_tip or last_arrival is None else max(0, polled_ms - last_arrival))
        if at_tip and restriction.to_tip and not shard.at_tip:
            items.append(AtTip(shard.shard_id))
        if records:
            mean = size / len(records)
            runtime.record_bytes = mean if runtime.record_bytes is None else 0.8 * runtime.record_bytes + 0.2 * mean
        if caught_up:
            runtime.caught_up_ms = polled_ms
        # the iterator now starts after the last record of this response
        if records:
            last = records[-1]["SequenceNumber"]
            runtime.iterator_for = (last, None)
        runtime.iterator = next_iterator
        now = self._monotonic()
        pace = max(1.0 / GET_RECORDS_PER_SECOND, size / READ_BYTES_PER_SECOND)
        runtime.next_poll = now + (max(pace, self.settings.idle_poll_seconds) if caught_up else pace)
        if next_iterator is None:  # the shard is closed and read to its end
            items.append(ShardEnd(shard.shard_id, self._children(restriction, shard, response)))
        return items

    def _children(self, restriction: KinesisRestriction, shard: ShardState, response: dict) -> tuple:
        children = response.get("ChildShards")
        if children:
            return tuple(ShardState(c["ShardId"], tuple(c.get("ParentShards") or (shard.shard_id,)))
                         for c in children)
        self.calls["ListShards"] += 1
        listed = list_shards(self.client, restriction.stream)
        return tuple(shard_state(d) for d in listed
                     if shard.shard_id in (d.get("ParentShardId"), d.get("AdjacentParentShardId")))

    def lag(self, shard_id: str) -> ShardLag | None:
        """The shard's lag after its last read (None before one)."""
        runtime = self._runtime.get(shard_id)
        return runtime.lag if runtime is not None else None

    # -- watermark
    def watermark_ms(self, restriction: KinesisRestriction) -> int | None:
        """Min over readable shards of their progress in arrival time; None while nothing is known."""
        skew_ms = int(self.settings.idle_skew_seconds * 1000)
        marks = []
        for shard in restriction.readable():
            runtime = self._runtime.get(shard.shard_id)
            mark = shard.last_arrival_ms
            if runtime is not None and runtime.caught_up_ms is not None:
                idle = runtime.caught_up_ms - skew_ms
                mark = idle if mark is None else max(mark, idle)
            if mark is None:
                return None
            marks.append(mark)
        if not marks:  # nothing readable: every shard drained
            return int(self._clock() * 1000) - skew_ms
        return min(marks)
