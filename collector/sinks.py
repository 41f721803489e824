"""Sinks: where accepted records go. Two small classes behind one interface.

A sink buffers what the request handlers ``put`` and writes it from one background thread, in
batches, retrying failures with backoff and never dropping a record it accepted. It tells the server
whether it is ``accepting`` new records: not while it is unhealthy (``max_retries`` consecutive failed
writes) and not while its buffer is full. The server then answers 503, so trackers keep their events
and retry, instead of 200 for events the collector cannot store (Snowplow's collector does the latter).

- :class:`FileSink`: rotating files of base64 Thrift lines (good) or JSON lines (bad), written under
  ``<dir>/.tmp/`` and renamed into ``<dir>`` when closed, so a reader never sees half a file.
- :class:`KinesisSink`: boto3 ``PutRecords`` batched by count, bytes and time; failed records and
  throttling retried with backoff.
"""
from __future__ import annotations

import binascii
import logging
import os
import random
import socket
import threading
import time
from collections import deque
from pathlib import Path

from collector.config import Settings

log = logging.getLogger("snowplow.collector.sinks")

Item = tuple[bytes, str]  # (record, partition key)


class Sink:
    """The interface the server sees; :class:`BufferedSink` implements it."""

    kind = "abstract"
    role = "good"

    def put(self, records: list[bytes], key: str) -> None:
        raise NotImplementedError

    def accepting(self) -> bool:
        raise NotImplementedError

    @property
    def healthy(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> int:
        """Drain the buffer (up to the shutdown timeout) and stop; returns the number of records not written."""
        raise NotImplementedError


class BufferedSink(Sink):
    """A buffer, a writer thread, retries with backoff, health and back-pressure."""

    def __init__(
        self, *, role: str, record_limit: int, byte_limit: int, time_limit_s: float, max_retries: int,
        backoff_min_s: float, backoff_max_s: float, max_buffer_bytes: int, shutdown_timeout_s: float,
        tick_s: float = 1.0,
    ):
        self.role = role
        self.record_limit = record_limit
        self.byte_limit = byte_limit
        self.time_limit_s = time_limit_s
        self.max_retries = max_retries
        self.backoff_min_s = backoff_min_s
        self.backoff_max_s = backoff_max_s
        self.max_buffer_bytes = max_buffer_bytes
        self.shutdown_timeout_s = shutdown_timeout_s
        self.tick_s = tick_s
        self._buffer: deque[Item] = deque()
        self._buffer_bytes = 0
        self._inflight_bytes = 0
        self._oldest = 0.0
        self._cond = threading.Condition()
        self._closing = False
        self._deadline = 0.0
        self._thread: threading.Thread | None = None
        self._failures = 0  # consecutive failed attempts
        self._healthy = True
        self.lost = 0
        # counters, read by the metrics endpoint
        self.written_records = 0
        self.written_bytes = 0
        self.failed_attempts = 0

    # ------------------------------------------------------------------ interface
    @property
    def healthy(self) -> bool:
        return self._healthy

    @property
    def buffered_bytes(self) -> int:
        return self._buffer_bytes + self._inflight_bytes

    @property
    def buffered_records(self) -> int:
        return len(self._buffer)

    def accepting(self) -> bool:
        return self._healthy and not self._closing and self._buffer_bytes + self._inflight_bytes < self.max_buffer_bytes

    def put(self, records: list[bytes], key: str) -> None:
        if not records:
            return
        with self._cond:
            if not self._buffer:
                self._oldest = time.monotonic()
            for record in records:
                self._buffer.append((record, key))
                self._buffer_bytes += len(record)
            if len(self._buffer) >= self.record_limit or self._buffer_bytes >= self.byte_limit:
                self._cond.notify()

    def start(self) -> None:
        self._open()
        self._thread = threading.Thread(target=self._run, name=f"sink-{self.kind}-{self.role}", daemon=True)
        self._thread.start()

    def close(self) -> int:
        with self._cond:
            self._closing = True
            self._deadline = time.monotonic() + self.shutdown_timeout_s
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(self.shutdown_timeout_s + 30)
        with self._cond:
            remaining = list(self._buffer)
            self._buffer.clear()
            self._buffer_bytes = 0
        if remaining:
            self.lost += len(remaining)
            log.error("%s %s sink: %d record(s) could not be written before shutdown", self.kind, self.role,
                      len(remaining))
        self._shutdown()
        return self.lost

    def flush(self, timeout: float = 10.0) -> bool:
        """Ask the writer to write what is buffered now; wait until the buffer is empty (tests, tools)."""
        end = time.monotonic() + timeout
        with self._cond:
            self._oldest = 0.0
            self._cond.notify()
        while time.monotonic() < end:
            if not self._buffer and not self._inflight_bytes:
                return True
            time.sleep(0.01)
        return False

    # ------------------------------------------------------------------ to implement
    def _open(self) -> None:
        """Prepare (called once before the thread starts)."""

    def _write(self, batch: list[Item]) -> list[Item]:
        """Write a batch; return the items that failed (to retry). Raise for a failure of the whole batch."""
        raise NotImplementedError

    def _take_from(self, buffer: deque[Item]) -> list[Item]:
        """Pop the next batch (at most ``record_limit`` records and ``byte_limit`` bytes) off ``buffer``."""
        batch = []
        size = 0
        while buffer and len(batch) < self.record_limit:
            record = buffer[0][0]
            if batch and size + len(record) > self.byte_limit:
                break
            batch.append(buffer.popleft())
            size += len(record)
        return batch

    def _tick(self) -> None:
        """Periodic work of the writer thread (file rotation)."""

    def _probe(self) -> bool:
        """While unhealthy with nothing to retry: is the destination usable again?"""
        return True

    def _shutdown(self) -> None:
        """Release resources once the buffer is drained (or abandoned)."""

    # ------------------------------------------------------------------ writer thread
    def _ready(self, now: float) -> bool:
        buffer = self._buffer
        return bool(buffer) and (
            len(buffer) >= self.record_limit or self._buffer_bytes >= self.byte_limit
            or now - self._oldest >= self.time_limit_s or self._closing
        )

    def _run(self) -> None:
        retry_at = 0.0
        next_tick = time.monotonic() + self.tick_s
        while True:
            with self._cond:
                while True:
                    now = time.monotonic()
                    if self._closing and (not self._buffer or now >= self._deadline):
                        return
                    if now >= next_tick:
                        break
                    if now >= retry_at and self._ready(now):
                        break
                    if not self._healthy and not self._buffer and now >= retry_at:
                        break  # probe
                    wait = next_tick - now
                    if self._buffer:
                        wait = min(wait, max(self._oldest + self.time_limit_s - now, retry_at - now, 0.001))
                    if not self._healthy and not self._buffer:
                        wait = min(wait, max(retry_at - now, 0.001))
                    self._cond.wait(wait)
                pending: deque[Item] = deque()
                if now >= retry_at and self._ready(now):
                    # O(1) swap: request handlers never wait on the writer while it slices batches
                    pending, self._buffer = self._buffer, deque()
                    self._inflight_bytes = self._buffer_bytes
                    self._buffer_bytes = 0
            if now >= next_tick:
                next_tick = now + self.tick_s
                try:
                    self._tick()
                except Exception:  # noqa: BLE001 - a failed rotation is retried on the next tick
                    log.exception("%s %s sink: periodic work failed", self.kind, self.role)
            if pending:
                failed: list[Item] = []
                while pending:
                    batch = self._take_from(pending)
                    try:
                        failed = self._write(batch)
                    except Exception as exc:  # noqa: BLE001 - any failure means: keep the batch, retry later
                        log.warning("%s %s sink: write of %d record(s) failed: %s", self.kind, self.role,
                                    len(batch), exc)
                        failed = batch
                    batch_bytes = sum(len(item[0]) for item in batch)
                    failed_bytes = sum(len(item[0]) for item in failed) if failed else 0
                    self.written_records += len(batch) - len(failed)
                    self.written_bytes += batch_bytes - failed_bytes
                    self._inflight_bytes -= batch_bytes - failed_bytes
                    if failed:
                        break
                with self._cond:
                    back = failed + list(pending)
                    if back:
                        self._buffer.extendleft(reversed(back))
                        self._buffer_bytes += sum(len(item[0]) for item in back)
                        self._oldest = min(self._oldest, time.monotonic()) if len(self._buffer) > len(back) \
                            else time.monotonic()
                    self._inflight_bytes = 0
                if failed:
                    retry_at = self._record_failure()
                else:
                    self._record_success()
            elif not self._healthy and not self._buffer and now >= retry_at:
                try:
                    ok = self._probe()
                except Exception:  # noqa: BLE001
                    ok = False
                if ok:
                    self._record_success()
                else:
                    retry_at = self._record_failure()

    def _record_failure(self) -> float:
        self.failed_attempts += 1
        self._failures += 1
        if self._failures >= self.max_retries and self._healthy:
            self._healthy = False
            log.error("%s %s sink: unhealthy after %d failed attempts; answering 503 until it recovers",
                      self.kind, self.role, self._failures)
        exponent = min(self._failures - 1, 6)
        delay = min(self.backoff_max_s, self.backoff_min_s * (2 ** exponent))
        delay = random.uniform(self.backoff_min_s, max(self.backoff_min_s, delay))
        return time.monotonic() + delay

    def _record_success(self) -> None:
        if not self._healthy:
            log.warning("%s %s sink: healthy again", self.kind, self.role)
        self._failures = 0
        self._healthy = True


class FileSink(BufferedSink):
    """Rotating files, one record a line: base64 Thrift (good) or JSON (bad).

    A file is written as ``<dir>/.tmp/<name>`` and renamed to ``<dir>/<name>`` when it is closed (size,
    age, or shutdown); readers globbing ``<dir>/*`` only ever see complete files. A failed write is cut
    back to the last complete batch (``ftruncate``) and retried, so a file holds whole lines only.
    """

    kind = "file"

    def __init__(self, directory: str | os.PathLike, *, role: str, settings: Settings):
        super().__init__(
            role=role, record_limit=100_000, byte_limit=4 * 1024 * 1024,
            time_limit_s=min(0.2, settings.time_limit_ms / 1000), max_retries=settings.max_retries,
            backoff_min_s=min(0.2, settings.backoff_min_ms / 1000), backoff_max_s=settings.backoff_max_ms / 1000,
            max_buffer_bytes=settings.max_buffer_bytes, shutdown_timeout_s=settings.shutdown_timeout_s,
            tick_s=min(1.0, settings.file_rotate_seconds / 4),
        )
        self.directory = Path(directory)
        self.rotate_seconds = settings.file_rotate_seconds
        self.max_bytes = settings.file_max_bytes
        self.prefix = "raw" if role == "good" else "bad"
        self.extension = "b64" if role == "good" else "jsonl"
        self.encode = _base64_line if role == "good" else _json_line
        self._fd: int | None = None
        self._tmp: Path | None = None
        self._final: Path | None = None
        self._opened_at = 0.0
        self._size = 0
        self._seq = 0
        self._host = socket.gethostname().split(".")[0].replace("-", "_") or "host"
        self.files_closed = 0

    def put(self, records: list[bytes], key: str) -> None:
        # encode here, in the request path, where the work is spread evenly; the thread only writes
        encode = self.encode
        super().put([encode(record) for record in records], key)

    def _open(self) -> None:
        (self.directory / ".tmp").mkdir(parents=True, exist_ok=True)

    def _new_file(self) -> None:
        tmp_dir = self.directory / ".tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        self._seq += 1
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        name = f"{self.prefix}-{stamp}-{self._host}-{os.getpid()}-{self._seq:06d}.{self.extension}"
        self._tmp = tmp_dir / name
        self._final = self.directory / name
        self._fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._opened_at = time.monotonic()
        self._size = 0

    def _close_file(self) -> None:
        if self._fd is None:
            return
        fd, tmp, final = self._fd, self._tmp, self._final
        os.fsync(fd)
        os.close(fd)
        self._fd = None
        os.replace(tmp, final)  # same file system: atomic
        self.files_closed += 1

    def _write(self, batch: list[Item]) -> list[Item]:
        if self._fd is None:
            self._new_file()
        data = b"".join(item[0] for item in batch)
        start = self._size
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError:
            try:
                os.ftruncate(self._fd, start)  # keep whole lines only; the batch is retried
            except OSError:
                self._abandon_file()
            raise
        self._size = start + len(data)
        if self._size >= self.max_bytes:
            self._close_file()
        return []

    def _abandon_file(self) -> None:
        """The current file cannot be cut back: close it as it is (its complete lines are good) and start anew."""
        try:
            self._close_file()
        except OSError:
            log.exception("file %s sink: cannot close %s", self.role, self._tmp)
            self._fd = None

    def _tick(self) -> None:
        if self._fd is not None and time.monotonic() - self._opened_at >= self.rotate_seconds:
            self._close_file()

    def _probe(self) -> bool:
        self._open()
        probe = self.directory / ".tmp" / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True

    def _shutdown(self) -> None:
        try:
            self._close_file()
        except OSError:
            log.exception("file %s sink: cannot close %s on shutdown", self.role, self._tmp)


def _base64_line(record: bytes) -> bytes:
    return binascii.b2a_base64(record)  # ends with b"\n"


def _json_line(record: bytes) -> bytes:
    return record + b"\n"


class KinesisSink(BufferedSink):
    """``PutRecords`` in batches of at most ``record_limit`` records and ``byte_limit`` bytes, or every ``time_limit_ms``."""

    kind = "kinesis"

    def __init__(self, stream: str, *, role: str, settings: Settings, client=None):
        super().__init__(
            role=role, record_limit=settings.record_limit, byte_limit=settings.byte_limit,
            time_limit_s=settings.time_limit_ms / 1000, max_retries=settings.max_retries,
            backoff_min_s=settings.backoff_min_ms / 1000, backoff_max_s=settings.backoff_max_ms / 1000,
            max_buffer_bytes=settings.max_buffer_bytes, shutdown_timeout_s=settings.shutdown_timeout_s,
        )
        self.stream = stream
        self.settings = settings
        self._client = client
        self.throttled = 0

    def _open(self) -> None:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "kinesis",
                endpoint_url=self.settings.kinesis_endpoint_url,
                region_name=self.settings.region,
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=3, read_timeout=15,
                              max_pool_connections=2),
            )
        try:
            self._client.describe_stream_summary(StreamName=self.stream)
        except Exception as exc:  # noqa: BLE001 - reported, and retried by the probe
            log.error("kinesis %s sink: stream %s is not usable: %s", self.role, self.stream, exc)
            self._failures = self.max_retries
            self._healthy = False

    def _write(self, batch: list[Item]) -> list[Item]:
        records = [{"Data": data, "PartitionKey": key or "-"} for data, key in batch]
        try:
            response = self._client.put_records(StreamName=self.stream, Records=records)
        except Exception as exc:
            if "Throughput" in type(exc).__name__ or "Throttl" in str(exc):
                self.throttled += len(batch)
            raise
        if not response.get("FailedRecordCount"):
            return []
        failed = []
        for item, result in zip(batch, response["Records"]):
            code = result.get("ErrorCode")
            if code:
                if code == "ProvisionedThroughputExceededException":
                    self.throttled += 1
                failed.append(item)
        log.warning("kinesis %s sink: %d of %d record(s) failed; retrying", self.role, len(failed), len(batch))
        return failed

    def _probe(self) -> bool:
        self._client.describe_stream_summary(StreamName=self.stream)
        return True


def build_sinks(settings: Settings) -> tuple[BufferedSink, BufferedSink]:
    """(good, bad) sinks for the settings."""
    if settings.sink == "file":
        return (FileSink(settings.good_path, role="good", settings=settings),
                FileSink(settings.bad_path, role="bad", settings=settings))
    if settings.sink == "kinesis":
        return (KinesisSink(settings.good_stream, role="good", settings=settings),
                KinesisSink(settings.bad_stream, role="bad", settings=settings))
    raise ValueError(f"unknown sink {settings.sink!r}")
