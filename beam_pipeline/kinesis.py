"""A native-Python Kinesis source: plain shard-reading logic over boto3, and the SDF ``ReadFromKinesis``.

Beam's own ``apache_beam.io.kinesis`` is cross-language (a Java expansion service and Java
workers); this module reads with boto3 on the Python workers instead, following Java KinesisIO's
model:

- **The restriction** (:class:`KinesisRestriction`) is the read state of one stream: for every
  known shard its checkpoint (the last sequence number read, and within a KPL-aggregated record
  the last sub-record), its parents, and whether it is drained; plus the bounded-mode budget.
  It changes only through ``try_claim`` (records, shard ends, discovered shards), so the residual
  a runner checkpoints resumes exactly after the last record emitted: nothing lost, nothing repeated.
- **Resharding**: a shard is read only once all of its known parents are drained; a drained
  shard's children (``ChildShards`` of GetRecords, else ListShards) join the restriction at
  TRIM_HORIZON. ListShards runs again every ``discovery_seconds`` for shards added otherwise.
- **Limits**: at most 5 GetRecords per second per shard and about 2 MB/s per shard; throttling
  and transient errors back off exponentially (with jitter); an expired iterator is replaced from
  the checkpoint.
- **Watermark**: the minimum, over the shards being read, of the last ApproximateArrivalTimestamp
  seen, advanced to "poll time - ``idle_skew_seconds``" for a shard found caught up. Records are
  emitted with their arrival timestamp.
- **De-aggregation** of KPL records (magic ``f3 89 9a c2`` + protobuf ``AggregatedRecord`` + MD5)
  with a minimal protobuf reader; a record that is not a valid aggregate is passed on as it is.
- **Bounded mode** (``max_records``, ``max_read_seconds``): the restriction ends after either, so
  the pipeline finishes its windows and exits (tests, backfills).

The plain classes (:class:`Backoff`, :func:`deaggregate`, :class:`ShardReader`, the tracker) are
usable and tested without running a pipeline.
"""
from __future__ import annotations

import copy
import hashlib
import logging
import random
import time
from dataclasses import dataclass, field, replace
from typing import Iterator, NamedTuple

import apache_beam as beam
from apache_beam.io.iobase import RestrictionProgress, RestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.utils.timestamp import MIN_TIMESTAMP, Duration, Timestamp

_LOG = logging.getLogger(__name__)

TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
AT_TIMESTAMP = "AT_TIMESTAMP"
INITIAL_POSITIONS = (TRIM_HORIZON, LATEST, AT_TIMESTAMP)

GET_RECORDS_PER_SECOND = 5            # per shard (Kinesis limit)
READ_BYTES_PER_SECOND = 2 * 1024 ** 2  # per shard (Kinesis limit, shared by all consumers)
MAX_RECORDS_PER_CALL = 10_000
THROTTLING_ERRORS = frozenset({
    "ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException",
    "KMSThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
})
TRANSIENT_ERRORS = frozenset({
    "InternalFailure", "InternalFailureException", "InternalServerError", "ServiceUnavailable",
    "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException", "KMSInternalException",
})


# ---------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class KinesisSettings:
    """Where and how to read; pickled into the DoFn (no credentials: boto3's standard chain on workers)."""

    stream: str
    endpoint_url: str | None = None
    region: str | None = None
    initial_position: str = TRIM_HORIZON
    start_timestamp: float | None = None   # epoch seconds, for AT_TIMESTAMP
    max_records: int | None = None          # bounded mode: stop after this many (user) records
    max_read_seconds: float | None = None   # bounded mode: stop after this long
    records_per_call: int = MAX_RECORDS_PER_CALL
    idle_poll_seconds: float = 0.5          # wait after a read that found a shard caught up
    idle_skew_seconds: float = 2.0          # watermark of a caught-up shard: poll time minus this
    discovery_seconds: float = 60.0         # ListShards again this often
    bundle_seconds: float = 2.0             # self-checkpoint this often (streaming runners output then)
    max_consecutive_errors: int = 12        # per shard, then the bundle fails (and the runner retries)

    def __post_init__(self):
        if not self.stream:
            raise ValueError("a Kinesis stream name is required")
        if self.initial_position not in INITIAL_POSITIONS:
            raise ValueError(f"initial position must be one of {', '.join(INITIAL_POSITIONS)}")
        if self.initial_position == AT_TIMESTAMP and self.start_timestamp is None:
            raise ValueError("AT_TIMESTAMP needs a start timestamp")
        if self.max_records is not None and self.max_records < 0:
            raise ValueError("max_records must not be negative")
        if not 1 <= self.records_per_call <= MAX_RECORDS_PER_CALL:
            raise ValueError(f"records_per_call must be within 1..{MAX_RECORDS_PER_CALL}")

    @property
    def bounded(self) -> bool:
        return self.max_records is not None or self.max_read_seconds is not None

    def client(self):
        """A boto3 Kinesis client: credentials from the standard AWS chain; retries are ours."""
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=10,
                        max_pool_connections=16)
        return boto3.session.Session().client("kinesis", endpoint_url=self.endpoint_url, region_name=self.region,
                                              config=config)


# ---------------------------------------------------------------------------- backoff
class Backoff:
    """Exponential backoff with full jitter: ``initial * multiplier**n`` capped at ``maximum``."""

    def __init__(self, initial: float = 0.2, maximum: float = 10.0, multiplier: float = 2.0,
                 rng: random.Random | None = None):
        self.initial, self.maximum, self.multiplier = initial, maximum, multiplier
        self.failures = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * self.multiplier ** self.failures)
        self.failures += 1
        return ceiling / 2 + self._rng.random() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0


# ---------------------------------------------------------------------------- KPL de-aggregation
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


class SubRecord(NamedTuple):
    partition_key: str
    explicit_hash_key: str | None
    data: bytes


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: bytes) -> Iterator[tuple[int, int, object]]:
    """``(field number, wire type, value)`` of a protobuf message: ints for varints, bytes for the rest."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("truncated field")
        yield number, wire, value


def deaggregate(data: bytes) -> list[SubRecord] | None:
    """The user records of a KPL aggregated record, or None when ``data`` is not one (pass it on as is).

    Format: ``f3 89 9a c2`` + ``AggregatedRecord`` protobuf + MD5 of that protobuf, where
    ``AggregatedRecord {repeated string partition_key_table = 1; repeated string
    explicit_hash_key_table = 2; repeated Record records = 3;}`` and ``Record {uint64
    partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag tags = 4;}``.
    """
    if len(data) < len(KPL_MAGIC) + 16 or not data.startswith(KPL_MAGIC):
        return None
    message, digest = data[len(KPL_MAGIC):-16], data[-16:]
    if hashlib.md5(message).digest() != digest:
        return None
    try:
        keys, hash_keys, raw_records = [], [], []
        for number, wire, value in _fields(message):
            if wire != 2:
                continue
            if number == 1:
                keys.append(value.decode("utf-8"))
            elif number == 2:
                hash_keys.append(value.decode("utf-8"))
            elif number == 3:
                raw_records.append(value)
        records = []
        for raw in raw_records:
            key_index, hash_index, payload = None, None, b""
            for number, wire, value in _fields(raw):
                if number == 1 and wire == 0:
                    key_index = value
                elif number == 2 and wire == 0:
                    hash_index = value
                elif number == 3 and wire == 2:
                    payload = bytes(value)
            if key_index is None or key_index >= len(keys):
                raise ValueError("partition key index out of range")
            records.append(SubRecord(keys[key_index],
                                     hash_keys[hash_index] if hash_index is not None and hash_index < len(hash_keys)
                                     else None, payload))
        return records
    except (ValueError, UnicodeDecodeError) as exc:
        _LOG.warning("a record with the KPL magic bytes is not a valid aggregate (%s): passed on as it is", exc)
        return None


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _encode_bytes(number: int, value: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(value)) + value


def aggregate(records: list[tuple[str, bytes]]) -> bytes:
    """A KPL aggregated record of ``(partition key, data)`` pairs (the KPL's format; for tests and tools)."""
    keys: list[str] = []
    body = b""
    inner = b""
    for key, data in records:
        if key not in keys:
            keys.append(key)
        inner += _encode_bytes(3, _encode_varint(1 << 3 | 0) + _encode_varint(keys.index(key))
                               + _encode_bytes(3, data))
    body = b"".join(_encode_bytes(1, key.encode()) for key in keys) + inner
    return KPL_MAGIC + body + hashlib.md5(body).digest()


# ---------------------------------------------------------------------------- restriction and claims
@dataclass
class ShardState:
    """One shard's checkpoint. ``sequence``/``sub_sequence``: last record read (``sub_sequence`` set while
    inside a KPL aggregate: the last sub-record emitted); None: start at the restriction's initial position."""

    shard_id: str
    parents: tuple[str, ...] = ()
    sequence: str | None = None
    sub_sequence: int | None = None
    drained: bool = False
    from_trim_horizon: bool = False   # children of a drained shard start at its beginning
    last_arrival_ms: int | None = None


@dataclass
class KinesisRestriction:
    """The read state of one stream (picklable; the runner keeps it in its checkpoints)."""

    stream: str
    initial_position: str = TRIM_HORIZON
    start_timestamp: float | None = None
    shards: dict[str, ShardState] = field(default_factory=dict)
    discovered: bool = False
    records_left: int | None = None
    deadline: float | None = None   # epoch seconds
    done: bool = False

    def readable(self) -> list[ShardState]:
        """Shards to read now: not drained, and every known parent drained (parents first)."""
        return [shard for shard in self.shards.values() if not shard.drained and all(
            self.shards[parent].drained for parent in shard.parents if parent in self.shards)]

    def copy(self) -> "KinesisRestriction":
        return copy.deepcopy(self)


class RecordPosition(NamedTuple):
    shard_id: str
    sequence: str
    sub_sequence: int | None     # index within an aggregate, None for a plain record
    last_in_record: bool         # True: the whole Kinesis record has been read after this one
    arrival_ms: int


class ShardEnd(NamedTuple):
    shard_id: str
    children: tuple[ShardState, ...]


class ShardsDiscovered(NamedTuple):
    shards: tuple[ShardState, ...]
    gone: tuple[str, ...] = ()   # drained shards ListShards no longer lists (past retention)


class Stop(NamedTuple):
    reason: str


class KinesisRestrictionTracker(RestrictionTracker):
    """Claims are :class:`RecordPosition`, :class:`ShardEnd`, :class:`ShardsDiscovered` or :class:`Stop`.

    A claim fails (and the DoFn must return) once the restriction is done: checkpointed by
    ``try_split(0)``, out of its record budget, past its deadline, or stopped.
    """

    def __init__(self, restriction: KinesisRestriction, clock=time.time):
        self._restriction = restriction.copy()
        self._clock = clock
        self._claimed = 0

    def current_restriction(self) -> KinesisRestriction:
        return self._restriction

    def _bound_reached(self) -> bool:
        r = self._restriction
        return (r.records_left is not None and r.records_left <= 0) or (
            r.deadline is not None and self._clock() >= r.deadline)

    def try_claim(self, position) -> bool:
        r = self._restriction
        if r.done:
            return False
        if isinstance(position, Stop) or self._bound_reached():
            r.done = True
            return False
        if isinstance(position, RecordPosition):
            shard = r.shards[position.shard_id]
            shard.sequence = position.sequence
            shard.sub_sequence = None if position.last_in_record else position.sub_sequence
            shard.last_arrival_ms = position.arrival_ms
            if r.records_left is not None:
                r.records_left -= 1
            self._claimed += 1
        elif isinstance(position, ShardEnd):
            r.shards[position.shard_id].drained = True
            for child in position.children:
                r.shards.setdefault(child.shard_id, replace(child, from_trim_horizon=True))
        elif isinstance(position, ShardsDiscovered):
            r.discovered = True
            for shard in position.shards:
                r.shards.setdefault(shard.shard_id, shard)
            for shard_id in position.gone:
                if shard_id in r.shards and r.shards[shard_id].drained:
                    del r.shards[shard_id]
        else:
            raise ValueError(f"unknown claim {position!r}")
        return True

    def try_split(self, fraction_of_remainder):
        r = self._restriction
        if r.done or fraction_of_remainder != 0:
            return None  # the state of a stream is not divisible; a checkpoint is
        residual = r.copy()
        primary = r.copy()
        primary.done = True
        self._restriction = primary
        return primary, residual

    def check_done(self):
        if not self._restriction.done:
            raise ValueError(f"the read of stream {self._restriction.stream} returned before it was done "
                             "(no checkpoint, no bound reached)")

    def current_progress(self) -> RestrictionProgress:
        left = self._restriction.records_left
        remaining = 0 if self._restriction.done else (left if left is not None else 1)
        # never 0 of 0: runners divide by the sum (Prism's split requests fail on a NaN fraction)
        return RestrictionProgress(completed=self._claimed or (0 if remaining else 1), remaining=remaining)

    def is_bounded(self) -> bool:
        r = self._restriction
        return r.done or r.records_left is not None or r.deadline is not None


# ---------------------------------------------------------------------------- shard reading (plain logic)
class _Runtime:
    """What a reader keeps about a shard between calls (not part of the checkpoint)."""

    def __init__(self):
        self.iterator: str | None = None
        self.iterator_for: tuple | None = None   # the checkpoint the iterator starts after
        self.next_poll = 0.0
        self.backoff = Backoff()
        self.caught_up_ms: int | None = None   # local time of the last read that found the shard caught up
        self.errors = 0
        self.record_bytes: float | None = None  # running mean size of the shard's records

    def limit(self, most: int) -> int:
        """Records to ask for: about one second of the per-shard read limit (2 MB), so reads stay
        small and regular instead of one 10 MB response followed by a 5 s pause."""
        if self.record_bytes is None:
            return min(most, 1000)
        return max(1, min(most, int(READ_BYTES_PER_SECOND / max(self.record_bytes, 1.0))))


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


def _shard_state(description: dict) -> ShardState:
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
        new = tuple(_shard_state(d) for d in listed if d["ShardId"] not in restriction.shards)
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
                del self._runtime[shard_id]
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
            delay = 0.0 if kind == "expired" and runtime.errors == 1 else runtime.backoff.next_delay()
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
        runtime.backoff.reset()
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
        return tuple(_shard_state(d) for d in listed
                     if shard.shard_id in (d.get("ParentShardId"), d.get("AdjacentParentShardId")))

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


# ---------------------------------------------------------------------------- the splittable DoFn
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
