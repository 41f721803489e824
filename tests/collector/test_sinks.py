"""Sinks in-process: files renamed into place, retries, health, back-pressure, draining; Kinesis batching."""
from __future__ import annotations

import base64
import shutil
import time

import pytest

from snowplow_beam.collector.config import Settings
from snowplow_beam.collector.sinks import FileSink, KinesisSink


def make_settings(tmp_path, **overrides) -> Settings:
    values = dict(good_path=str(tmp_path / "good"), bad_path=str(tmp_path / "bad"), file_rotate_seconds=0.2,
                  backoff_min_ms=20, backoff_max_ms=50, max_retries=2, shutdown_timeout_s=3)
    values.update(overrides)
    return Settings(**values).validate()


def wait_until(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def lines(folder):
    return [line for path in sorted(folder.iterdir()) if path.is_file() for line in path.read_bytes().splitlines()]


def test_file_sink_writes_base64_lines_and_renames_closed_files(tmp_path):
    sink = FileSink(tmp_path / "good", role="good", settings=make_settings(tmp_path))
    sink.start()
    records = [bytes([i]) * (i + 1) for i in range(50)]
    sink.put(records[:25], "k")
    assert wait_until(lambda: any(p.is_file() for p in (tmp_path / "good").iterdir()))
    visible = [p for p in (tmp_path / "good").iterdir() if p.is_file()]
    assert all(p.name.startswith("raw-") and p.suffix == ".b64" for p in visible)
    sink.put(records[25:], "k")
    assert sink.close() == 0
    assert [base64.b64decode(line) for line in lines(tmp_path / "good")] == records
    assert list((tmp_path / "good" / ".tmp").iterdir()) == []  # nothing half-written left behind
    assert sink.files_closed >= 2  # rotated by age


def test_file_sink_rotates_by_size(tmp_path):
    sink = FileSink(tmp_path / "good", role="good", settings=make_settings(tmp_path, file_max_bytes=1000,
                                                                            file_rotate_seconds=60))
    sink.start()
    for _ in range(10):
        sink.put([b"x" * 300], "k")
        sink.flush()
    sink.close()
    files = [p for p in (tmp_path / "good").iterdir() if p.is_file()]
    assert len(files) >= 3 and len(lines(tmp_path / "good")) == 10


def test_file_sink_bad_rows_are_json_lines(tmp_path):
    sink = FileSink(tmp_path / "bad", role="bad", settings=make_settings(tmp_path))
    sink.start()
    sink.put([b'{"schema":"a"}', b'{"schema":"b"}'], "k")
    sink.close()
    (path,) = [p for p in (tmp_path / "bad").iterdir() if p.is_file()]
    assert path.suffix == ".jsonl" and path.read_bytes() == b'{"schema":"a"}\n{"schema":"b"}\n'


def test_failing_file_sink_turns_unhealthy_keeps_records_and_recovers(tmp_path):
    folder = tmp_path / "good"
    sink = FileSink(folder, role="good", settings=make_settings(tmp_path))
    sink.start()
    assert sink.healthy and sink.accepting()
    shutil.rmtree(folder)
    folder.write_text("not a folder any more")  # every open now fails (even for root)
    sink.put([b"kept-1", b"kept-2"], "k")
    assert wait_until(lambda: not sink.healthy)
    assert not sink.accepting() and sink.failed_attempts >= 2 and sink.buffered_records == 2
    folder.unlink()
    assert wait_until(lambda: sink.healthy, timeout=10)
    assert sink.accepting()
    sink.close()
    assert sorted(base64.b64decode(line) for line in lines(folder)) == [b"kept-1", b"kept-2"]


def test_full_buffer_stops_accepting(tmp_path):
    sink = FileSink(tmp_path / "good", role="good", settings=make_settings(tmp_path, max_buffer_bytes=1000))
    # not started: nothing drains the buffer
    sink.put([b"y" * 2000], "k")
    assert sink.healthy and not sink.accepting()


class FakeKinesis:
    """Fails every record of the first call, then half of the second call (throttled), then accepts."""

    def __init__(self):
        self.calls = []
        self.stored = []

    def describe_stream_summary(self, StreamName):
        return {}

    def put_records(self, StreamName, Records):
        self.calls.append(len(Records))
        if len(self.calls) == 1:
            raise ConnectionError("network down")
        results = []
        for index, record in enumerate(Records):
            if len(self.calls) == 2 and index % 2:
                results.append({"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow down"})
            else:
                self.stored.append((record["Data"], record["PartitionKey"]))
                results.append({"SequenceNumber": "1", "ShardId": "shardId-0"})
        return {"FailedRecordCount": sum("ErrorCode" in r for r in results), "Records": results}


def test_kinesis_sink_batches_and_retries_partial_failures(tmp_path):
    client = FakeKinesis()
    settings = make_settings(tmp_path, sink="kinesis", good_stream="g", bad_stream="b", record_limit=10,
                             time_limit_ms=100, max_retries=5)
    sink = KinesisSink("g", role="good", settings=settings, client=client)
    sink.start()
    records = [f"r{i}".encode() for i in range(25)]
    for record in records:
        sink.put([record], "10.0.0.1")
    assert sink.close() == 0
    assert sorted(data for data, _ in client.stored) == sorted(records)
    assert all(key == "10.0.0.1" for _, key in client.stored)
    assert max(client.calls) <= 10 and sink.throttled >= 1 and sink.healthy


def test_kinesis_sink_respects_byte_limit(tmp_path):
    client = FakeKinesis()
    client.calls.append(0)  # skip the failing first call
    settings = make_settings(tmp_path, sink="kinesis", good_stream="g", bad_stream="b", byte_limit=1000,
                             time_limit_ms=50)
    sink = KinesisSink("g", role="good", settings=settings, client=client)
    sink.start()
    sink.put([b"a" * 400] * 5, "k")
    sink.close()
    assert len(client.stored) == 5


def test_shutdown_with_a_dead_destination_reports_lost_records(tmp_path):
    class Dead(FakeKinesis):
        def put_records(self, StreamName, Records):
            raise ConnectionError("down")

    settings = make_settings(tmp_path, sink="kinesis", good_stream="g", bad_stream="b", shutdown_timeout_s=0.5)
    sink = KinesisSink("g", role="good", settings=settings, client=Dead())
    sink.start()
    sink.put([b"a", b"b"], "k")
    assert sink.close() == 2


# ---------------------------------------------------------------------------- durability (real files)
def immutable(path):
    """``chattr +i path`` (as root, renames into it then fail with EPERM); a missing tool fails in CI."""
    import subprocess

    from tests.helpers import require

    chattr = shutil.which("chattr")
    require(chattr, "chattr (e2fsprogs) is needed to make a folder immutable")
    result = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    require(result.returncode == 0, f"chattr +i is not supported here: {result.stderr.strip()}")
    return lambda: subprocess.run([chattr, "-i", str(path)], check=True)


def visible(folder):
    return sorted(p for p in folder.iterdir() if p.is_file())


def test_receipt_is_settled_after_the_records_are_synced_to_the_file(tmp_path):
    from snowplow_beam.collector.sinks import Receipt

    sink = FileSink(tmp_path / "good", role="good", settings=make_settings(tmp_path, file_rotate_seconds=600))
    sink.start()
    receipt = Receipt()
    sink.put([b"one", b"two"], "k", receipt)
    assert receipt.wait(5) is True and receipt.remaining == 0
    (tmp,) = (tmp_path / "good" / ".tmp").iterdir()  # still open (no rotation), but already on disk
    assert [base64.b64decode(line) for line in tmp.read_bytes().splitlines()] == [b"one", b"two"]
    assert sink.close() == 0 and lines(tmp_path / "good") == [base64.b64encode(b"one"), base64.b64encode(b"two")]


def test_a_failed_write_refuses_the_waiting_records_and_does_not_retry_them(tmp_path):
    from snowplow_beam.collector.sinks import Receipt

    folder = tmp_path / "good"
    sink = FileSink(folder, role="good", settings=make_settings(tmp_path))
    sink.start()
    shutil.rmtree(folder)
    folder.write_text("not a folder any more")  # every open fails, even for root
    receipt = Receipt()
    sink.put([b"refused"], "k", receipt)
    assert receipt.wait(5) is False
    assert sink.refused_records == 1 and sink.buffered_records == 0 and sink.failed_attempts >= 1
    folder.unlink()
    assert wait_until(lambda: sink.healthy, timeout=10)
    ok = Receipt()
    sink.put([b"stored"], "k", ok)
    assert ok.wait(5) is True
    sink.close()
    assert [base64.b64decode(line) for line in lines(folder)] == [b"stored"]  # the refused one was never written


@pytest.mark.root
def test_failed_rename_is_retried_counted_and_makes_the_sink_unhealthy(tmp_path):
    folder = tmp_path / "good"
    sink = FileSink(folder, role="good", settings=make_settings(tmp_path, file_rotate_seconds=0.1))
    sink.start()
    release = immutable(folder)
    try:
        sink.put([b"early"], "k")
        assert wait_until(lambda: sink.failed_renames >= 1)  # the file was closed and could not be moved
        assert wait_until(lambda: not sink.healthy) and not sink.accepting() and sink.unplaced_files == 1
        assert visible(folder) == []
        (kept,) = (folder / ".tmp").iterdir()
        assert base64.b64decode(kept.read_bytes()) == b"early"
    finally:
        release()
    assert wait_until(lambda: sink.healthy, timeout=10) and sink.accepting() and sink.unplaced_files == 0
    sink.close()
    assert [base64.b64decode(line) for line in lines(folder)] == [b"early"]
    assert list((folder / ".tmp").iterdir()) == []


@pytest.mark.root
def test_files_that_cannot_be_renamed_at_shutdown_are_recovered_by_the_next_start(tmp_path):
    folder = tmp_path / "good"
    settings = make_settings(tmp_path, file_rotate_seconds=600)
    sink = FileSink(folder, role="good", settings=settings)
    sink.start()
    sink.put([b"a", b"b", b"c"], "k")
    sink.flush()
    release = immutable(folder)
    try:
        assert sink.close() == 0 and sink.stranded_records == 3  # not lost, not in place either
        assert visible(folder) == []
    finally:
        release()
    again = FileSink(folder, role="good", settings=settings)
    again.start()
    assert again.recovered_records == 3 and again.recovered_files == 1
    again.close()
    assert [base64.b64decode(line) for line in lines(folder)] == [b"a", b"b", b"c"]


def test_start_recovers_dead_files_cuts_partial_lines_and_leaves_live_ones(tmp_path):
    import fcntl
    import os

    folder = tmp_path / "good"
    tmp = folder / ".tmp"
    tmp.mkdir(parents=True)
    dead = tmp / "raw-20260101T000000Z-host-111-000001.b64"
    dead.write_bytes(base64.b64encode(b"r1") + b"\n" + base64.b64encode(b"r2") + b"\n" + b"cut-mid-li")
    partial_only = tmp / "raw-20260101T000000Z-host-111-000002.b64"
    partial_only.write_bytes(b"no newline at all")
    empty = tmp / "raw-20260101T000000Z-host-111-000003.b64"
    empty.write_bytes(b"")
    (tmp / ".probe-111-abcd").write_bytes(b"\0" * 10)
    live = tmp / "raw-20260101T000000Z-host-222-000001.b64"
    live.write_bytes(base64.b64encode(b"live") + b"\n")
    holder = os.open(live, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a sibling worker still writes this one
    # a file already in place with the same name (pid reuse after a restart): never overwritten
    (folder / dead.name).write_bytes(base64.b64encode(b"older") + b"\n")
    try:
        sink = FileSink(folder, role="good", settings=make_settings(tmp_path))
        sink.start()
        assert (sink.recovered_files, sink.recovered_records) == (1, 2)
        assert sorted(p.name for p in tmp.iterdir()) == [live.name]
        sink.close()
    finally:
        os.close(holder)
    assert sorted(base64.b64decode(line) for line in lines(folder)) == [b"older", b"r1", b"r2"]
    assert (folder / dead.name).read_bytes() == base64.b64encode(b"older") + b"\n"


def test_tmp_folder_removed_under_an_open_file_loses_nothing(tmp_path):
    from snowplow_beam.collector.sinks import Receipt

    folder = tmp_path / "good"
    sink = FileSink(folder, role="good", settings=make_settings(tmp_path, file_rotate_seconds=600))
    sink.start()
    first = Receipt()
    sink.put([b"before"], "k", first)
    assert first.wait(5)
    shutil.rmtree(folder / ".tmp")  # a clean-up job removes hidden folders
    second = Receipt()
    sink.put([b"after"], "k", second)
    assert second.wait(5)
    sink.close()
    assert sorted(base64.b64decode(line) for line in lines(folder)) == [b"after", b"before"]
