"""The Kinesis source: plain logic (backoff, KPL de-aggregation, tracker, errors) and reads from kinesalite
(resharding, expired iterators, throttling, restarts from a saved restriction, the SDF on FnApiRunner)."""
from __future__ import annotations

import pickle
import time

import apache_beam as beam
import pytest
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from botocore.exceptions import ClientError, EndpointConnectionError

from snowplow_beam.beam_pipeline.kinesis.deaggregation import KPL_MAGIC, aggregate, deaggregate
from snowplow_beam.beam_pipeline.kinesis.restriction import (AtTip, KinesisRestriction, KinesisRestrictionTracker,
                                                             RecordPosition, ShardEnd, ShardsDiscovered, ShardState,
                                                             Stop, families, owner_of)
from snowplow_beam.beam_pipeline.kinesis.settings import KinesisSettings
from snowplow_beam.beam_pipeline.kinesis.shard_reader import ShardReader, classify_error
from snowplow_beam.beam_pipeline.kinesis.source import ReadFromKinesis, ReadStreamFn, read_stream
from tests.servers import put_records


# ---------------------------------------------------------------------------- plain logic
def test_kpl_aggregates_round_trip_and_anything_else_passes_through():
    records = [("key-a", b"one"), ("key-b", b""), ("key-a", b"\x00\xff" * 300)]
    blob = aggregate(records)
    assert blob.startswith(KPL_MAGIC)
    subs = deaggregate(blob)
    assert [(s.partition_key, s.data) for s in subs] == records
    assert deaggregate(b"plain thrift bytes") is None
    assert deaggregate(blob[:-1] + bytes([blob[-1] ^ 1])) is None          # MD5 mismatch
    truncated = KPL_MAGIC + b"\x1a\x05\x08"                                  # a record field cut short
    import hashlib
    assert deaggregate(truncated + hashlib.md5(truncated[4:]).digest()) is None


def test_kpl_reader_skips_unknown_fields_and_tags():
    from snowplow_beam.beam_pipeline.kinesis.deaggregation import _encode_bytes, _encode_varint
    tag = _encode_bytes(4, _encode_bytes(1, b"t") + _encode_bytes(2, b"v"))
    record = _encode_varint(1 << 3) + _encode_varint(0) + _encode_varint(2 << 3) + _encode_varint(0) \
        + _encode_bytes(3, b"data") + tag
    body = _encode_bytes(1, b"pk") + _encode_bytes(2, b"12345") + _encode_bytes(3, record) \
        + _encode_varint(9 << 3 | 5) + b"\x00\x00\x00\x00"
    import hashlib
    (sub,) = deaggregate(KPL_MAGIC + body + hashlib.md5(body).digest())
    assert sub == ("pk", "12345", b"data")


def _restriction(**extra) -> KinesisRestriction:
    shards = {"s0": ShardState("s0"), "s1": ShardState("s1", parents=("s0",))}
    return KinesisRestriction("stream", shards=shards, discovered=True, **extra)


def test_tracker_claims_move_checkpoints_and_a_checkpoint_splits_off_the_rest():
    tracker = KinesisRestrictionTracker(_restriction())
    assert [s.shard_id for s in tracker.current_restriction().readable()] == ["s0"]  # parent first
    assert tracker.try_claim(RecordPosition("s0", "100", 0, False, 1_000))
    assert tracker.current_restriction().shards["s0"].sub_sequence == 0
    assert tracker.try_claim(RecordPosition("s0", "100", 1, True, 1_000))
    shard = tracker.current_restriction().shards["s0"]
    assert (shard.sequence, shard.sub_sequence, shard.last_arrival_ms) == ("100", None, 1_000)
    assert tracker.try_claim(ShardEnd("s0", (ShardState("s2", ("s0",)),)))
    assert {s.shard_id for s in tracker.current_restriction().readable()} == {"s1", "s2"}
    assert tracker.current_restriction().shards["s2"].from_trim_horizon
    with pytest.raises(ValueError):
        tracker.check_done()
    primary, residual = tracker.try_split(0)
    assert primary.done and not residual.done and residual.shards["s0"].drained
    tracker.check_done()
    assert not tracker.try_claim(RecordPosition("s1", "5", None, True, 2_000))
    assert residual.shards["s1"].sequence is None  # the refused claim did not reach the residual
    assert pickle.loads(pickle.dumps(residual)) == residual


def test_tracker_ends_at_its_record_budget_deadline_or_a_stop():
    tracker = KinesisRestrictionTracker(_restriction(records_left=2))
    assert tracker.is_bounded()
    assert tracker.try_claim(RecordPosition("s0", "1", None, True, 1))
    assert tracker.try_claim(RecordPosition("s0", "2", None, True, 1))
    assert not tracker.try_claim(RecordPosition("s0", "3", None, True, 1))
    tracker.check_done()
    assert tracker.current_restriction().shards["s0"].sequence == "2"
    now = [100.0]
    timed = KinesisRestrictionTracker(_restriction(deadline=105.0), clock=lambda: now[0])
    assert timed.try_claim(ShardsDiscovered(()))
    now[0] = 105.0
    assert not timed.try_claim(ShardsDiscovered(()))
    timed.check_done()
    stopped = KinesisRestrictionTracker(_restriction())
    assert not stopped.is_bounded()
    assert not stopped.try_claim(Stop("test"))
    stopped.check_done()
    progress = stopped.current_progress()  # nothing claimed and nothing left: still a valid fraction
    assert progress.fraction_completed == 1.0 and progress.remaining_work == 0
    # the SDK replaces "completed" by its estimate of the bytes output since the element began, 0 or NaN at times
    for state in (_restriction(), _restriction(records_left=0), _restriction(done=True)):
        for output_bytes in (0, float("nan"), 3_717_168.0):
            fraction = KinesisRestrictionTracker(state).current_progress().with_completed(output_bytes)
            assert 0.0 <= fraction.fraction_completed <= 1.0, (state, output_bytes)


def test_a_stream_splits_into_one_restriction_per_shard_family():
    closed = ShardState("a")
    listed = [closed, ShardState("b", ("a",)), ShardState("c", ("a",)), ShardState("d"),
              ShardState("e", ("d", "x"))]  # x: a parent past retention, no longer listed
    whole = KinesisRestriction("stream", records_left=None)
    parts = whole.by_family(listed)
    assert [sorted(part.shards) for part in parts] == [["a", "b", "c"], ["d", "e"]]
    assert all(part.discovered and not part.whole_stream for part in parts)
    eight = KinesisRestriction("stream").by_family([ShardState(f"s{i}") for i in range(8)])
    assert [list(part.shards) for part in eight] == [[f"s{i}"] for i in range(8)]  # no shard in two
    budgeted = KinesisRestriction("stream", records_left=10)
    assert budgeted.by_family(listed) == [budgeted]  # a count over the stream: one reader
    assert families([ShardState("a", drained=True), ShardState("b", ("a",)), ShardState("c", ("a",))]) == [
        ["b"], ["c"]]  # a drained parent ties nothing


def test_a_running_restriction_splits_off_independent_families_only():
    shards = {"s0": ShardState("s0"), "s1": ShardState("s1", ("s0",)), "s2": ShardState("s2", ("s0",))}
    tracker = KinesisRestrictionTracker(KinesisRestriction("stream", shards=shards, discovered=True,
                                                           whole_stream=False))
    assert tracker.try_split(0.5) is None  # s1 and s2 wait for s0: one family
    assert tracker.try_claim(ShardEnd("s0", ()))
    primary, residual = tracker.try_split(0.5)
    assert (sorted(primary.shards), sorted(residual.shards)) == (["s0", "s1"], ["s2"])
    assert not primary.done and not residual.done and not residual.whole_stream
    assert tracker.try_claim(RecordPosition("s1", "1", None, True, 1))
    assert not tracker.try_claim(RecordPosition("s2", "1", None, True, 1))  # moved: the residual reads it
    assert not tracker.current_restriction().done and residual.shards["s2"].sequence is None
    assert tracker.try_split(0.5) is None  # one family left
    budgeted = KinesisRestrictionTracker(KinesisRestriction("stream", shards=dict(residual.shards, s9=ShardState(
        "s9")), discovered=True, records_left=5))
    assert budgeted.try_split(0.5) is None


def test_the_child_of_a_merge_is_read_by_the_group_of_its_first_parent():
    child = ShardState("s3", ("s2", "s1"))
    assert owner_of(child) == "s1"
    first = KinesisRestrictionTracker(KinesisRestriction("stream", shards={"s1": ShardState("s1")}, discovered=True,
                                                         whole_stream=False))
    second = KinesisRestrictionTracker(KinesisRestriction("stream", shards={"s2": ShardState("s2")},
                                                          discovered=True, whole_stream=False))
    for tracker, parent in ((first, "s1"), (second, "s2")):
        assert tracker.try_claim(ShardEnd(parent, (child,)))
        assert tracker.try_claim(ShardsDiscovered((child, ShardState("s7"))))  # a listed stranger: not ours
    assert sorted(first.current_restriction().shards) == ["s1", "s3"]
    assert sorted(second.current_restriction().shards) == ["s2"]


def test_a_read_to_the_tip_ends_when_every_shard_was_caught_up():
    shards = {"s0": ShardState("s0"), "s1": ShardState("s1")}
    tracker = KinesisRestrictionTracker(KinesisRestriction("stream", shards=shards, discovered=True, to_tip=True))
    assert tracker.is_bounded()
    assert tracker.try_claim(AtTip("s0"))
    assert tracker.try_claim(RecordPosition("s0", "1", None, True, 1))  # records after the tip are still read
    assert tracker.try_claim(ShardEnd("s1", ()))
    assert not tracker.try_claim(ShardsDiscovered(()))
    tracker.check_done()


def test_discovery_adds_new_shards_and_forgets_expired_drained_ones():
    restriction = _restriction()
    restriction.shards["s0"].drained = True
    tracker = KinesisRestrictionTracker(restriction)
    assert tracker.try_claim(ShardsDiscovered((ShardState("s1"), ShardState("s9")), gone=("s0", "s1")))
    assert set(tracker.current_restriction().shards) == {"s1", "s9"}  # s1 is not drained: kept


def _client_error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "GetRecords")


def test_errors_are_classified():
    assert classify_error(_client_error("ProvisionedThroughputExceededException")) == "throttled"
    assert classify_error(_client_error("LimitExceededException")) == "throttled"
    assert classify_error(_client_error("ExpiredIteratorException")) == "expired"
    assert classify_error(_client_error("InternalFailure", 500)) == "transient"
    assert classify_error(_client_error("Whatever", 503)) == "transient"
    assert classify_error(EndpointConnectionError(endpoint_url="http://x")) == "transient"
    assert classify_error(_client_error("ResourceNotFoundException")) == "gone"
    assert classify_error(_client_error("AccessDeniedException")) == "fatal"
    assert classify_error(ValueError("bug")) == "fatal"


def test_settings_validate_the_contract():
    with pytest.raises(ValueError):
        KinesisSettings("s", initial_position="EARLIEST")
    with pytest.raises(ValueError):
        KinesisSettings("s", initial_position="AT_TIMESTAMP")
    with pytest.raises(ValueError):
        KinesisSettings("")
    assert KinesisSettings("s", max_read_seconds=1).bounded and not KinesisSettings("s").bounded


class FakeKinesis:
    """Two shards whose reads are scripted: for the watermark rule without a server."""

    def __init__(self):
        self.now_ms = 1_000_000
        self.pending = {"a": [], "b": []}
        self.seq = 0

    def list_shards(self, StreamName=None, NextToken=None):
        return {"Shards": [{"ShardId": "a"}, {"ShardId": "b"}]}

    def get_shard_iterator(self, StreamName, ShardId, ShardIteratorType, **_):
        return {"ShardIterator": ShardId}

    def put(self, shard, arrival_ms):
        self.seq += 1
        self.pending[shard].append({"Data": b"x", "SequenceNumber": str(self.seq),
                                    "ApproximateArrivalTimestamp": arrival_ms / 1000, "PartitionKey": "k"})

    def get_records(self, ShardIterator, Limit):
        records, self.pending[ShardIterator] = self.pending[ShardIterator], []
        return {"Records": records, "NextShardIterator": ShardIterator, "MillisBehindLatest": 0}


def test_watermark_is_the_slowest_shard_and_idle_shards_follow_the_clock():
    fake = FakeKinesis()
    clock = [1_000.0]
    mono = [0.0]
    settings = KinesisSettings("s", idle_skew_seconds=2.0, idle_poll_seconds=0.5)
    reader = ShardReader(fake, settings, clock=lambda: clock[0], monotonic=lambda: mono[0])
    tracker = KinesisRestrictionTracker(KinesisRestriction("s"))
    tracker.try_claim(reader.discover(tracker.current_restriction()))
    restriction = tracker.current_restriction()
    fake.put("a", 990_000)
    fake.put("b", 950_000)
    for _ in range(2):
        for item in reader.step(restriction).items:
            tracker.try_claim(item.position)
    # both shards returned fewer records than the limit with MillisBehindLatest 0: caught up at 1000 s
    assert reader.watermark_ms(restriction) == 1_000_000 - 2_000
    fake2 = FakeKinesis()
    reader2 = ShardReader(fake2, settings, clock=lambda: clock[0], monotonic=lambda: mono[0])
    tracker2 = KinesisRestrictionTracker(KinesisRestriction("s"))
    tracker2.try_claim(reader2.discover(tracker2.current_restriction()))
    assert reader2.watermark_ms(tracker2.current_restriction()) is None  # nothing known yet


class FailingKinesis(FakeKinesis):
    """One shard whose GetRecords answers, in turn, with the error codes given (None: a read that succeeds)."""

    def __init__(self, *codes):
        super().__init__()
        self.codes = list(codes)

    def list_shards(self, StreamName=None, NextToken=None):
        return {"Shards": [{"ShardId": "a"}]}

    def get_records(self, ShardIterator, Limit):
        code = self.codes.pop(0)
        if code is not None:
            raise _client_error(code)
        return super().get_records(ShardIterator, Limit)


def test_failed_reads_back_off_with_jitter_and_from_the_first_wait_after_a_success():
    throttled, expired = "ProvisionedThroughputExceededException", "ExpiredIteratorException"
    fake = FailingKinesis(throttled, throttled, throttled, None, expired, throttled)
    mono = [0.0]
    reader = ShardReader(fake, KinesisSettings("s"), clock=lambda: 1_000.0, monotonic=lambda: mono[0])
    tracker = KinesisRestrictionTracker(KinesisRestriction("s"))
    tracker.try_claim(reader.discover(tracker.current_restriction()))
    restriction = tracker.current_restriction()

    def wait_for_the_shard() -> float:
        wait = reader.step(restriction).wait  # too early: how long until the shard is due again
        mono[0] += wait
        return wait

    waits = []
    for _ in range(3):
        assert reader.step(restriction) == ([], 0.0)  # a failed read
        waits.append(wait_for_the_shard())
    assert 0.1 <= waits[0] <= 0.2 and 0.2 <= waits[1] <= 0.4 and 0.4 <= waits[2] <= 0.8
    assert reader.step(restriction) == ([], 0.0) and fake.codes == [expired, throttled]  # read: nothing new
    assert wait_for_the_shard() == pytest.approx(0.5)  # caught up: the idle poll
    assert reader.step(restriction) == ([], 0.0)  # the iterator expired: a new one at once, no wait
    assert reader.step(restriction) == ([], 0.0)  # throttled again: the first wait again
    assert 0.1 <= wait_for_the_shard() <= 0.2
    assert reader.errors == {"throttled": 4, "expired": 1, "transient": 0}
    assert fake.codes == []


# ---------------------------------------------------------------------------- against kinesalite
def drain(reader: ShardReader, tracker: KinesisRestrictionTracker, until: int | None = None,
          timeout: float = 20.0) -> list:
    """Claim what the reader finds until ``until`` records (or every shard drained, or ``timeout``)."""
    restriction = tracker.current_restriction()
    if not restriction.discovered:
        tracker.try_claim(reader.discover(restriction))
    out = []
    end = time.monotonic() + timeout
    while time.monotonic() < end and (until is None or len(out) < until):
        result = reader.step(restriction)
        for item in result.items:
            position = getattr(item, "position", item)
            if not tracker.try_claim(position):
                return out
            if hasattr(item, "data"):
                out.append(item)
                if until is not None and len(out) >= until:
                    return out
        if not restriction.readable() and until is None:
            return out
        if result.wait:
            time.sleep(min(result.wait, 0.05))
    return out


def _settings(server, stream, **extra) -> KinesisSettings:
    return KinesisSettings(stream, endpoint_url=server.endpoint, region="us-east-1", idle_poll_seconds=0.05, **extra)


def _reader(server, stream, client=None, **extra) -> ShardReader:
    settings = _settings(server, stream, **extra)
    return ShardReader(client or settings.client(), settings)


@pytest.mark.slow
@pytest.mark.node
def test_reads_every_shard_and_deaggregates_kpl_records(kinesalite):
    kinesalite.create_stream("raw", shards=3)
    plain = [f"plain-{i}".encode() for i in range(60)]
    put_records(kinesalite, "raw", plain)
    put_records(kinesalite, "raw", [aggregate([(f"agg{i}", f"agg-{i}-{j}".encode()) for j in range(4)])
                                    for i in range(5)])
    reader = _reader(kinesalite, "raw")
    tracker = KinesisRestrictionTracker(KinesisRestriction("raw"))
    records = drain(reader, tracker, until=80)
    assert sorted(r.data for r in records) == sorted(plain + [f"agg-{i}-{j}".encode() for i in range(5)
                                                              for j in range(4)])
    assert len(tracker.current_restriction().shards) == 3
    assert all(r.arrival_ms > 1_700_000_000_000 for r in records)
    assert drain(reader, tracker, until=1, timeout=0.5) == []  # nothing more, nothing repeated


@pytest.mark.slow
@pytest.mark.node
def test_follows_a_split_and_a_merge_reading_parents_before_children(kinesalite):
    kinesalite.create_stream("rs", shards=1)
    client = kinesalite.client()
    first = [f"a{i:03d}".encode() for i in range(30)]
    put_records(kinesalite, "rs", first)
    reader = _reader(kinesalite, "rs")
    tracker = KinesisRestrictionTracker(KinesisRestriction("rs"))
    got = drain(reader, tracker, until=10)  # mid-read of the parent
    (parent,) = client.list_shards(StreamName="rs")["Shards"]
    middle = (int(parent["HashKeyRange"]["StartingHashKey"]) + int(parent["HashKeyRange"]["EndingHashKey"])) // 2
    client.split_shard(StreamName="rs", ShardToSplit=parent["ShardId"], NewStartingHashKey=str(middle))
    kinesalite.client().get_waiter("stream_exists").wait(StreamName="rs", WaiterConfig={"Delay": 0.2})
    _wait_active(client, "rs")
    second = [f"b{i:03d}".encode() for i in range(40)]
    put_records(kinesalite, "rs", second)
    children = [s["ShardId"] for s in client.list_shards(StreamName="rs")["Shards"] if s.get("ParentShardId")]
    client.merge_shards(StreamName="rs", ShardToMerge=children[0], AdjacentShardToMerge=children[1])
    _wait_active(client, "rs")
    third = [f"c{i:03d}".encode() for i in range(20)]
    put_records(kinesalite, "rs", third)
    got += drain(reader, tracker, until=80)
    data = [r.data for r in got]
    assert sorted(data) == sorted(first + second + third)  # exactly once
    shard_of = {}
    for record in got:
        shard_of.setdefault(record.position.shard_id, []).append(record.data[:1])
    assert len(shard_of) == 4  # parent, two children, the merged shard
    # parents before children: every a before any b, every b before any c
    kinds = [d[:1] for d in data]
    assert kinds == sorted(kinds)
    restriction = tracker.current_restriction()
    merged = [s for s in restriction.shards.values() if len(s.parents) == 2]
    assert len(merged) == 1 and not merged[0].drained
    assert sum(s.drained for s in restriction.shards.values()) == 3


def _wait_active(client, stream):
    for _ in range(100):
        if client.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            return
        time.sleep(0.05)
    raise AssertionError("stream not active")


class FlakyClient:
    """A real kinesalite client whose GetRecords fails as scripted: ``{call number: exception}``."""

    def __init__(self, client, failures: dict):
        self._client, self._failures, self.calls = client, failures, 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def get_records(self, **kwargs):
        self.calls += 1
        failure = self._failures.get(self.calls)
        if failure is not None:
            raise failure
        return self._client.get_records(**kwargs)


@pytest.mark.slow
@pytest.mark.node
def test_expired_iterators_throttling_and_transient_errors_lose_and_repeat_nothing(kinesalite):
    kinesalite.create_stream("flaky", shards=1)
    records = [f"r{i}".encode() for i in range(50)]
    put_records(kinesalite, "flaky", records[:20])
    settings = _settings(kinesalite, "flaky", records_per_call=7)
    client = FlakyClient(settings.client(), {
        2: _client_error("ExpiredIteratorException"),
        4: _client_error("ProvisionedThroughputExceededException"),
        5: _client_error("ProvisionedThroughputExceededException"),
        7: EndpointConnectionError(endpoint_url=kinesalite.endpoint),
        9: _client_error("ExpiredIteratorException"),
    })
    reader = ShardReader(client, settings)
    tracker = KinesisRestrictionTracker(KinesisRestriction("flaky"))
    got = drain(reader, tracker, until=20)
    put_records(kinesalite, "flaky", records[20:])
    got += drain(reader, tracker, until=30)
    assert [r.data for r in got] == records  # one shard: in order, exactly once
    assert reader.errors == {"expired": 2, "throttled": 2, "transient": 1}
    assert reader.calls["GetShardIterator"] == 3  # the first, then one per expiry


@pytest.mark.slow
@pytest.mark.node
def test_too_many_consecutive_errors_fail_the_read(kinesalite):
    kinesalite.create_stream("down", shards=1)
    settings = _settings(kinesalite, "down", max_consecutive_errors=2)
    failures = {n: _client_error("InternalFailure", 500) for n in range(1, 10)}
    reader = ShardReader(FlakyClient(settings.client(), failures), settings)
    tracker = KinesisRestrictionTracker(KinesisRestriction("down"))
    with pytest.raises(ClientError):
        drain(reader, tracker, until=1, timeout=30)


def _read_sdf(settings, restriction, stop_after=None):
    """Run the SDF body (``read_stream``) as a runner would, until done; ``stop_after`` records: a
    runner checkpoint (``try_split(0)``) at that point. Returns (records, residual or None)."""
    reader = ShardReader(settings.client(), settings)
    out, residual = [], None
    while True:
        tracker = KinesisRestrictionTracker(restriction)
        estimator = ManualWatermarkEstimator(MIN_TIMESTAMP)
        deferred = []
        tracker.defer_remainder = lambda delay=None: deferred.append(tracker.try_split(0))
        for value in read_stream(reader, tracker, estimator):
            out.append(value.value)
            if stop_after is not None and len(out) == stop_after and residual is None:
                residual = tracker.try_split(0)[1]
        tracker.check_done()
        if residual is not None:
            return out, pickle.loads(pickle.dumps(residual))
        if not deferred or deferred[0] is None:
            return out, None
        restriction = deferred[0][1]


@pytest.mark.slow
@pytest.mark.node
def test_a_restart_from_a_saved_restriction_neither_loses_nor_repeats(kinesalite):
    kinesalite.create_stream("restart", shards=2)
    plain = [f"p{i}".encode() for i in range(40)]
    put_records(kinesalite, "restart", plain[:20])
    put_records(kinesalite, "restart", [aggregate([("agg", f"g{j}".encode()) for j in range(6)])])
    put_records(kinesalite, "restart", plain[20:])
    expected = plain + [f"g{j}".encode() for j in range(6)]
    settings = _settings(kinesalite, "restart", bundle_seconds=0.5, max_records=len(expected))
    seen = []
    restriction = KinesisRestriction("restart", records_left=len(expected))
    for stop_after in (7, 23, 3, 1):  # checkpoints at arbitrary points, inside the aggregate too
        got, restriction = _read_sdf(settings, restriction, stop_after=stop_after)
        seen += got
        assert restriction is not None
    got, rest = _read_sdf(settings, restriction)
    seen += got
    assert rest is None
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)


@pytest.mark.slow
@pytest.mark.node
def test_latest_and_at_timestamp_start_where_asked(kinesalite):
    # one shard: kinesalite's AT_TIMESTAMP GetShardIterator hangs on a shard with no record after the time
    kinesalite.create_stream("pos", shards=1)
    put_records(kinesalite, "pos", [b"old1", b"old2"])
    time.sleep(0.05)
    latest = KinesisRestriction("pos", initial_position="LATEST", start_timestamp=time.time())  # as pinned
    time.sleep(0.05)
    put_records(kinesalite, "pos", [b"new1", b"new2"])
    tracker = KinesisRestrictionTracker(latest)
    assert [r.data for r in drain(_reader(kinesalite, "pos"), tracker, until=2)] == [b"new1", b"new2"]
    assert drain(_reader(kinesalite, "pos"), tracker, until=1, timeout=0.5) == []
    tracker = KinesisRestrictionTracker(KinesisRestriction("pos", initial_position="TRIM_HORIZON"))
    assert len(drain(_reader(kinesalite, "pos"), tracker, until=4)) == 4


@pytest.mark.slow
@pytest.mark.node
def test_bounded_read_on_fnapirunner_ends_the_pipeline(kinesalite, tmp_path):
    kinesalite.create_stream("beam", shards=3)
    records = [f"e{i}".encode() for i in range(200)]
    put_records(kinesalite, "beam", records)
    options = PipelineOptions(["--runner=FnApiRunner"])
    with beam.Pipeline(options=options) as p:
        read = p | ReadFromKinesis(_settings(kinesalite, "beam", max_records=200, max_read_seconds=60,
                                             bundle_seconds=0.3))
        assert_that(read, equal_to(records))
    started = time.monotonic()
    with beam.Pipeline(options=options) as p:  # fewer records than asked for: the time bound ends it
        read = p | ReadFromKinesis(_settings(kinesalite, "beam", max_records=1_000, max_read_seconds=2))
        assert_that(read | beam.combiners.Count.Globally(), equal_to([200]))
    assert time.monotonic() - started < 20


@pytest.mark.slow
@pytest.mark.node
def test_a_shard_past_retention_is_skipped_with_an_error_not_retried_forever(kinesalite):
    kinesalite.create_stream("old", shards=1)
    put_records(kinesalite, "old", [b"x", b"y"])
    reader = _reader(kinesalite, "old")
    restriction = KinesisRestriction("old")
    tracker = KinesisRestrictionTracker(restriction)
    tracker.try_claim(reader.discover(tracker.current_restriction()))
    (real,) = list(tracker.current_restriction().shards)
    tracker.try_claim(ShardsDiscovered((ShardState("shardId-000000000077", sequence="1"),)))  # a saved, expired one
    assert sorted(r.data for r in drain(reader, tracker, until=3, timeout=1.5)) == [b"x", b"y"]
    assert tracker.current_restriction().shards["shardId-000000000077"].drained
    assert not tracker.current_restriction().shards[real].drained


# ---------------------------------------------------------------------------- shard groups, against kinesalite
def _put_per_shard(kinesalite, stream, count) -> dict[str, list[bytes]]:
    """``count`` records on every shard of ``stream`` (explicit hash keys), each naming its shard."""
    client = kinesalite.client()
    shards = client.list_shards(StreamName=stream)["Shards"]
    out = {}
    for shard in shards:
        if "EndingSequenceNumber" in shard["SequenceNumberRange"]:
            continue  # closed
        data = [f"{shard['ShardId']}/{i:04d}".encode() for i in range(count)]
        for start in range(0, count, 500):
            client.put_records(StreamName=stream, Records=[
                {"Data": d, "PartitionKey": "k", "ExplicitHashKey": shard["HashKeyRange"]["StartingHashKey"]}
                for d in data[start:start + 500]])
        out[shard["ShardId"]] = data
    return out


@pytest.mark.slow
@pytest.mark.node
def test_the_initial_split_makes_one_restriction_per_shard_of_eight(kinesalite):
    kinesalite.create_stream("eight", shards=8)
    fn = ReadStreamFn(_settings(kinesalite, "eight"))
    parts = list(fn.split("eight", fn.initial_restriction("eight")))
    ids = [shard_id for part in parts for shard_id in part.shards]
    listed = [s["ShardId"] for s in kinesalite.client().list_shards(StreamName="eight")["Shards"]]
    assert len(parts) == 8 and sorted(ids) == sorted(listed)  # each shard once
    assert [fn.restriction_size("eight", part) for part in parts] == [1] * 8
    budgeted = ReadStreamFn(_settings(kinesalite, "eight", max_records=10))
    (whole,) = budgeted.split("eight", budgeted.initial_restriction("eight"))
    assert whole.whole_stream and not whole.discovered


@pytest.mark.slow
@pytest.mark.node
def test_shard_groups_follow_a_split_and_a_merge_without_a_second_reader(kinesalite):
    kinesalite.create_stream("groups", shards=3)
    client = kinesalite.client()
    fn = ReadStreamFn(_settings(kinesalite, "groups"))
    trackers = [KinesisRestrictionTracker(part) for part in fn.split("groups", fn.initial_restriction("groups"))]
    readers = [_reader(kinesalite, "groups") for _ in trackers]  # one per worker
    (s0,), (s1,), (s2,) = [list(t.current_restriction().shards) for t in trackers]
    first = _put_per_shard(kinesalite, "groups", 15)
    got = [drain(reader, tracker, until=8) for reader, tracker in zip(readers, trackers)]  # mid-read
    shard = next(s for s in client.list_shards(StreamName="groups")["Shards"] if s["ShardId"] == s0)
    middle = (int(shard["HashKeyRange"]["StartingHashKey"]) + int(shard["HashKeyRange"]["EndingHashKey"])) // 2
    client.split_shard(StreamName="groups", ShardToSplit=s0, NewStartingHashKey=str(middle))
    _wait_active(client, "groups")
    client.merge_shards(StreamName="groups", ShardToMerge=s1, AdjacentShardToMerge=s2)
    _wait_active(client, "groups")
    second = _put_per_shard(kinesalite, "groups", 10)
    for index, (reader, tracker) in enumerate(zip(readers, trackers)):
        got[index] += drain(reader, tracker, timeout=8)
    everything = [d for batch in (first, second) for records in batch.values() for d in records]
    read = [r.data for records in got for r in records]
    assert sorted(read) == sorted(everything) and len(read) == len(everything)  # exactly once
    shards_of = [[r.position.shard_id for r in records] for records in got]
    listed = client.list_shards(StreamName="groups")["Shards"]
    children = sorted(d["ShardId"] for d in listed if d.get("ParentShardId") == s0)
    (merged,) = [d["ShardId"] for d in listed if d.get("AdjacentParentShardId")]
    assert len(children) == 2 and sorted(set(shards_of[0])) == sorted([s0, *children])  # a split's: its group
    assert sorted(set(shards_of[1])) == sorted([s1, merged])  # a merge's child: the group of its first parent
    assert set(shards_of[2]) == {s2}  # one reader a shard
    for order, parents in ((shards_of[0], [s0]), (shards_of[1], [s1])):  # parents first, within the group
        assert order.index(next(s for s in order if s not in parents)) == len([s for s in order if s in parents])
    last = trackers[2]  # s2 drained, its child read by the other group: the group is done
    assert list(read_stream(readers[2], last, ManualWatermarkEstimator(MIN_TIMESTAMP))) == []
    last.check_done()


@pytest.mark.slow
@pytest.mark.node
def test_restarts_from_checkpoints_taken_mid_read_on_several_shards(kinesalite):
    kinesalite.create_stream("resume", shards=4)
    put = _put_per_shard(kinesalite, "resume", 30)
    settings = _settings(kinesalite, "resume", bundle_seconds=0.5, read_to_tip=True)
    fn = ReadStreamFn(settings)
    seen = []
    for part, stop_after in zip(fn.split("resume", fn.initial_restriction("resume")), (3, 11, 29, 17)):
        got, residual = _read_sdf(settings, part, stop_after=stop_after)
        residual = pickle.loads(pickle.dumps(residual))  # as a runner keeps it
        rest, none = _read_sdf(settings, residual)
        assert none is None and len(got) == stop_after
        seen += got + rest
    everything = [d for records in put.values() for d in records]
    assert sorted(seen) == sorted(everything) and len(seen) == len(everything)


def _tag_with_worker(data):
    import os
    return f"{os.getpid()} {data.decode()}"


@pytest.mark.slow
@pytest.mark.node
def test_two_workers_read_disjoint_shards_and_agree_with_one(kinesalite, tmp_path):
    kinesalite.create_stream("two", shards=8)
    put = _put_per_shard(kinesalite, "two", 40)
    outputs = {}
    for workers in (1, 2):
        options = PipelineOptions(["--runner=FnApiRunner", f"--direct_num_workers={workers}",
                                   "--direct_running_mode=multi_processing"])
        prefix = tmp_path / f"w{workers}" / "out"
        with beam.Pipeline(options=options) as p:
            # 5 records a call, 5 calls a second: a shard takes longer than a bundle (0.05 s) to read, so a read
            # that checkpointed would hand its residual to the runner, which drops it with several workers
            (p | ReadFromKinesis(_settings(kinesalite, "two", read_to_tip=True, bundle_seconds=0.05,
                                           records_per_call=5))
               | beam.Map(_tag_with_worker) | beam.io.WriteToText(str(prefix)))
        lines = [line.split(" ", 1) for f in prefix.parent.iterdir() for line in f.read_text().splitlines()]
        outputs[workers] = lines
    everything = sorted(d.decode() for records in put.values() for d in records)
    for workers, lines in outputs.items():
        assert sorted(data for _, data in lines) == everything, workers  # exactly once
    workers_of = {}
    for pid, data in outputs[2]:
        workers_of.setdefault(data.split("/")[0], set()).add(pid)
    assert all(len(pids) == 1 for pids in workers_of.values())  # a shard is read by one worker
    assert len(set().union(*workers_of.values())) == 2  # and both workers read
