"""Sinks: where accepted records go. Two small classes behind one interface.

A sink buffers what the request handlers ``put`` and writes it from one background thread, in
batches, retrying failures with backoff. It tells the server whether it is ``accepting`` new records:
not while it is unhealthy (``max_retries`` consecutive failed writes, or renames for the file sink) and
not while its buffer is full. The server then answers 503, so trackers keep their events and retry,
instead of 200 for events the collector cannot store (Snowplow's collector does the latter).

A ``put`` may carry a :class:`Receipt`: the writer settles it once every record of the put is written
(True) or as soon as one of them could not be (False; such records are dropped, not retried: their
request is answered 503 and the tracker sends them again). A record put without a receipt is kept and
retried until it is written. The file sink acknowledges (the server waits for its receipt before
answering 200); the Kinesis sink does not (200 once buffered, as Snowplow's collector does).

- :class:`FileSink`: rotating files of base64 Thrift lines (good) or JSON lines (bad), written under
  ``<dir>/.tmp/`` (each write batch ``fdatasync``-ed before its requests are answered) and renamed into
  ``<dir>`` when closed, so a reader never sees half a file. At start it finishes what a dead process left
  under ``.tmp/``.
- :class:`KinesisSink`: boto3 ``PutRecords`` batched by count, bytes and time; failed records and
  throttling retried with backoff.
"""
from __future__ import annotations

import binascii
import errno
import fcntl
import logging
import os
import socket
import threading
import time
from collections import deque
from pathlib import Path

from snowplow_beam.collector.config import Settings
from snowplow_beam.transforms.backoff import JITTER_ABOVE_INITIAL, Backoff

log = logging.getLogger("snowplow.collector.sinks")



class Receipt:
    """The fate of one ``put``: ``ok`` is True once all its records are written, False once one could not be.

    With an event ``loop`` the writer resolves ``future`` (an asyncio future of that loop) through
    ``loop.call_soon_threadsafe``, once per loop and write round; without one, :meth:`wait` blocks.
    """

    __slots__ = ("remaining", "ok", "loop", "future", "_event")

    def __init__(self, loop=None):
        self.remaining = 0  # set by put: the records of the put not yet written
        self.ok: bool | None = None
        self.loop = loop
        self.future = loop.create_future() if loop is not None else None
        self._event = None if loop is not None else threading.Event()

    def wait(self, timeout: float | None = None) -> bool | None:
        """(Threads only) wait until settled; returns ``ok`` (None if the timeout passed first)."""
        self._event.wait(timeout)
        return self.ok


def _settle(receipts: list[Receipt]) -> None:
    """Called by a writer thread: wake whoever waits on these (settled) receipts."""
    by_loop: dict = {}
    for receipt in receipts:
        if receipt.loop is None:
            receipt._event.set()
        else:
            by_loop.setdefault(receipt.loop, []).append(receipt)
    for loop, group in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, group)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass


def _resolve(receipts: list[Receipt]) -> None:
    for receipt in receipts:
        if not receipt.future.done():
            receipt.future.set_result(receipt.ok)


Item = tuple[bytes, str, "Receipt | None"]  # (record, partition key, receipt of its put)


class Sink:
    """The interface the server sees; :class:`BufferedSink` implements it."""

    kind = "abstract"
    role = "good"
    acknowledges = False  # True: the server waits for the put's receipt before answering 200

    def put(self, records: list[bytes], key: str, receipt: Receipt | None = None) -> None:
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
        # from backoff_min_s, doubling at most 6 times, up to backoff_max_s, never below backoff_min_s
        self.backoff = Backoff(initial=backoff_min_s, maximum=min(backoff_max_s, backoff_min_s * 2 ** 6),
                               jitter=JITTER_ABOVE_INITIAL)
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
        self.refused_records = 0  # records whose write failed while their request waited: answered 503

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
        return self.healthy and not self._closing and self._buffer_bytes + self._inflight_bytes < self.max_buffer_bytes

    def put(self, records: list[bytes], key: str, receipt: Receipt | None = None) -> None:
        if not records:
            if receipt is not None:
                receipt.ok = True
                _settle([receipt])
            return
        if receipt is not None:
            receipt.remaining = len(records)
        with self._cond:
            if not self._buffer:
                self._oldest = time.monotonic()
            for record in records:
                self._buffer.append((record, key, receipt))
                self._buffer_bytes += len(record)
            if (self.time_limit_s <= 0 or len(self._buffer) >= self.record_limit
                    or self._buffer_bytes >= self.byte_limit):
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
        waited = [item for item in remaining if item[2] is not None]
        if waited:  # their requests are answered 503 (if still connected): refused, not lost
            self._refuse(waited)
            log.warning("%s %s sink: %d record(s) refused at shutdown (their requests get 503)", self.kind,
                        self.role, len(waited))
        lost = len(remaining) - len(waited)
        if lost:
            self.lost += lost
            log.error("%s %s sink: %d record(s) could not be written before shutdown", self.kind, self.role, lost)
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
                    except Exception as exc:  # noqa: BLE001 - any failure: refuse (receipts) or retry (the rest)
                        log.warning("%s %s sink: write of %d record(s) failed: %s", self.kind, self.role,
                                    len(batch), exc)
                        failed = batch
                    batch_bytes = sum(len(item[0]) for item in batch)
                    failed_bytes = sum(len(item[0]) for item in failed) if failed else 0
                    self.written_records += len(batch) - len(failed)
                    self.written_bytes += batch_bytes - failed_bytes
                    self._inflight_bytes -= batch_bytes - failed_bytes
                    self._acknowledge(batch, failed)
                    if failed:
                        break
                back = failed + list(pending)
                if back and any(item[2] is not None for item in back):
                    # a request waits for these: answer it now (503) rather than retry behind its back
                    self._refuse([item for item in back if item[2] is not None])
                    back = [item for item in back if item[2] is None]
                with self._cond:
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

    def _acknowledge(self, batch: list[Item], failed: list[Item]) -> None:
        """Count the written records of ``batch`` against their receipts; settle the receipts now complete."""
        failed_ids = {id(item) for item in failed} if failed else ()
        done = []
        for item in batch:
            receipt = item[2]
            if receipt is None or id(item) in failed_ids:
                continue
            receipt.remaining -= 1
            if receipt.remaining <= 0 and receipt.ok is None:
                receipt.ok = True
                done.append(receipt)
        if done:
            _settle(done)

    def _refuse(self, items: list[Item]) -> None:
        """These records are not written and will not be retried: settle their receipts as failed."""
        self.refused_records += len(items)
        done = []
        for item in items:
            receipt = item[2]
            if receipt.ok is None:
                receipt.ok = False
                done.append(receipt)
        if done:
            _settle(done)

    def _record_failure(self) -> float:
        self.failed_attempts += 1
        self._failures += 1
        if self._failures >= self.max_retries and self._healthy:
            self._healthy = False
            log.error("%s %s sink: unhealthy after %d failed attempts; answering 503 until it recovers",
                      self.kind, self.role, self._failures)
        return time.monotonic() + self.backoff.delay(self._failures)

    def _record_success(self) -> None:
        if not self._healthy:
            log.warning("%s %s sink: healthy again", self.kind, self.role)
        self._failures = 0
        self._healthy = True


class _File:
    """A file under ``<dir>/.tmp/``: open (and ``flock``-ed) from creation until it is renamed into place."""

    __slots__ = ("fd", "tmp", "name", "size", "records", "opened_at", "needs_trim")

    def __init__(self, fd: int, tmp: Path, name: str, size: int = 0, records: int = 0, needs_trim: bool = False):
        self.fd = fd
        self.tmp = tmp
        self.name = name
        self.size = size
        self.records = records
        self.opened_at = time.monotonic()
        self.needs_trim = needs_trim  # may end in a partial line: cut back to whole lines before placing it


class FileSink(BufferedSink):
    """Rotating files, one record a line: base64 Thrift (good) or JSON (bad).

    - **Durable before 200**: each write round (everything buffered since the last one) is written and
      ``fdatasync``-ed before the requests in it are answered; a record that could not be written (disk
      full, I/O error) is cut back off the file (``ftruncate``) and its request answered 503. So a SIGKILL
      or OOM of the process loses nothing that was answered 200.
    - **Renamed when closed**: a file is written as ``<dir>/.tmp/<name>`` and renamed to ``<dir>/<name>``
      when it is closed (size, age, or shutdown); readers globbing ``<dir>/*`` only see complete files. A
      failed rename is a sink failure: retried with backoff, counted (``failed_renames``), and after
      ``max_retries`` in a row the sink is unhealthy (503) until the files are in place.
    - **Recovery**: every file under ``.tmp/`` is ``flock``-ed by the process writing it. At start, a file
      nobody holds was left by a dead process (SIGKILL, OOM, a failed rename at shutdown): it is cut back
      to whole lines and renamed into place. Sibling workers' open files are held, so they are left alone.
    """

    kind = "file"
    acknowledges = True
    PROBE_BYTES = 4096

    def __init__(self, directory: str | os.PathLike, *, role: str, settings: Settings):
        super().__init__(
            role=role, record_limit=100_000, byte_limit=4 * 1024 * 1024,
            time_limit_s=0.0,  # write as soon as something waits: requests are answered after the write
            max_retries=settings.max_retries,
            backoff_min_s=min(0.2, settings.backoff_min_ms / 1000), backoff_max_s=settings.backoff_max_ms / 1000,
            max_buffer_bytes=settings.max_buffer_bytes, shutdown_timeout_s=settings.shutdown_timeout_s,
            tick_s=min(1.0, settings.file_rotate_seconds / 4),
        )
        self.directory = Path(directory)
        self.tmp_dir = self.directory / ".tmp"
        self.rotate_seconds = settings.file_rotate_seconds
        self.max_bytes = settings.file_max_bytes
        self.prefix = "raw" if role == "good" else "bad"
        self.extension = "b64" if role == "good" else "jsonl"
        self.encode = _base64_line if role == "good" else _json_line
        self._current: _File | None = None
        self._dsync = hasattr(os, "RWF_DSYNC") and hasattr(os, "pwritev")
        self._unplaced: list[_File] = []  # closed files whose rename failed; still open and locked
        self._rename_streak = 0  # consecutive rounds of failed renames
        self._rename_retry_at = 0.0
        self._seq = 0
        self._host = socket.gethostname().split(".")[0].replace("-", "_") or "host"
        self.files_closed = 0
        self.failed_renames = 0
        self.recovered_files = 0
        self.recovered_records = 0
        self.stranded_records = 0  # at shutdown: records in files that could not be renamed (left under .tmp)

    # ------------------------------------------------------------------ health
    @property
    def healthy(self) -> bool:
        return self._healthy and self._rename_streak < self.max_retries

    @property
    def unplaced_files(self) -> int:
        return len(self._unplaced)

    def put(self, records: list[bytes], key: str, receipt: Receipt | None = None) -> None:
        # encode here, in the request path, where the work is spread evenly; the thread only writes
        encode = self.encode
        super().put([encode(record) for record in records], key, receipt)

    # ------------------------------------------------------------------ writer-thread hooks
    def _open(self) -> None:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._recover()
        except OSError:  # what is left stays under .tmp for the next start; serving goes on
            log.exception("file %s sink: recovery of %s failed", self.role, self.tmp_dir)

    def _take_from(self, buffer: deque[Item]) -> list[Item]:
        batch = list(buffer)  # one write and one fdatasync for everything waiting
        buffer.clear()
        return batch

    def _write(self, batch: list[Item]) -> list[Item]:
        if self._current is None:
            self._new_file()
        entry = self._current
        data = b"".join(item[0] for item in batch)
        start = entry.size
        try:
            self._write_synced(entry.fd, data, start)
        except OSError:
            try:
                os.ftruncate(entry.fd, start)  # keep whole, acknowledged lines only; the batch is refused
            except OSError:
                log.exception("file %s sink: cannot cut %s back to its last whole batch", self.role, entry.tmp)
                self._current = None
                entry.needs_trim = True
                self._unplaced.append(entry)  # placed (after trimming) when the disk allows
            raise
        entry.size = start + len(data)
        entry.records += len(batch)
        if entry.size >= self.max_bytes:
            self._close_file()
        return []

    def _write_synced(self, fd: int, data: bytes, offset: int) -> None:
        """Write ``data`` at ``offset`` and make it durable before returning.

        One system call where the kernel has it (``pwritev`` with ``RWF_DSYNC``, the same guarantee as write +
        ``fdatasync``): each system call of the writer thread gives the GIL up and waits to get it back from a
        busy event loop, so two calls per round cost about twice the latency of one.
        """
        view = memoryview(data)
        if self._dsync:
            try:
                while view:
                    written = os.pwritev(fd, [view], offset, os.RWF_DSYNC)
                    view = view[written:]
                    offset += written
                return
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
                self._dsync = False  # this file system does not take the flag: write, then fdatasync
        while view:
            written = os.pwrite(fd, view, offset)
            view = view[written:]
            offset += written
        os.fdatasync(fd)

    def _tick(self) -> None:
        entry = self._current
        if entry is not None and not self._linked(entry):
            self._relink(entry)  # someone removed .tmp/ or the folder under the open file
        if entry is not None and time.monotonic() - entry.opened_at >= self.rotate_seconds:
            self._close_file()
        if self._unplaced and time.monotonic() >= self._rename_retry_at:
            self._retry_unplaced()

    def _probe(self) -> bool:
        """Is the folder writable again? A few KiB written and synced (an empty file fits on a full disk)."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        probe = self.tmp_dir / f".probe-{os.getpid()}-{os.urandom(4).hex()}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, b"\0" * self.PROBE_BYTES)
            os.fdatasync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
        return True

    def _shutdown(self) -> None:
        try:
            self._close_file()
        except OSError:
            log.exception("file %s sink: cannot close %s on shutdown", self.role, self._current and self._current.tmp)
        if self._unplaced:
            self._retry_unplaced()
        if self._unplaced:
            self.stranded_records = sum(entry.records for entry in self._unplaced)
            log.error(
                "file %s sink: %d record(s) in %d file(s) could not be moved into %s; they are kept in %s and "
                "moved into place by the next start", self.role, self.stranded_records, len(self._unplaced),
                self.directory, self.tmp_dir)
            for entry in self._unplaced:
                _close_quietly(entry.fd)  # releases the lock: the next start recovers the file
            self._unplaced.clear()

    # ------------------------------------------------------------------ files
    def _new_file(self) -> None:
        self._current = self._create()

    def _create(self) -> _File:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(1000):
            self._seq += 1
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            name = f"{self.prefix}-{stamp}-{self._host}-{os.getpid()}-{self._seq:06d}.{self.extension}"
            path = self.tmp_dir / name
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            except FileExistsError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                # a recovery in another process may have taken the empty file between open and flock
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    raise FileNotFoundError(path)
            except OSError:
                os.close(fd)
                continue
            _fsync_dir(self.tmp_dir)  # the new name survives a power cut, not only its data
            return _File(fd, path, name)
        raise OSError(f"cannot create a new file under {self.tmp_dir}")

    @staticmethod
    def _linked(entry: _File) -> bool:
        """Is ``entry.tmp`` still this file? (Not if someone deleted ``.tmp/`` or the folder under us.)"""
        try:
            mine, there = os.fstat(entry.fd), os.stat(entry.tmp)
        except FileNotFoundError:
            return False
        return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)

    def _relink(self, entry: _File) -> None:
        """The file was unlinked under us: copy what it holds into a new file under ``.tmp/`` and carry on there."""
        fresh = self._create()
        try:
            size = os.fstat(entry.fd).st_size
            offset = 0
            while offset < size:
                chunk = os.pread(entry.fd, min(4 * 1024 * 1024, size - offset), offset)
                if not chunk:
                    break
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fresh.fd, view):]
                offset += len(chunk)
            os.fdatasync(fresh.fd)
        except OSError:
            _close_quietly(fresh.fd)
            fresh.tmp.unlink(missing_ok=True)
            raise
        log.error("file %s sink: %s was removed while open; its %d byte(s) are copied to %s", self.role,
                  entry.tmp, offset, fresh.name)
        _close_quietly(entry.fd)
        entry.fd, entry.tmp, entry.name = fresh.fd, fresh.tmp, fresh.name

    def _close_file(self) -> None:
        entry = self._current
        if entry is None:
            return
        self._current = None
        self.files_closed += 1
        if not self._place(entry):
            self._unplaced.append(entry)
            self._rename_failed()

    def _place(self, entry: _File) -> bool:
        """Rename ``entry`` into the folder (after cutting it to whole lines if needed); False if that failed."""
        try:
            if entry.needs_trim:
                if not self._trim(entry):
                    _close_quietly(entry.fd)
                    return True  # nothing whole in it: removed
                entry.needs_trim = False
            if not self._linked(entry):
                self._relink(entry)
            final = self._final_path(entry.name)
            os.rename(entry.tmp, final)
        except OSError as exc:
            self.failed_renames += 1
            log.warning("file %s sink: cannot move %s into %s: %s", self.role, entry.tmp.name, self.directory, exc)
            return False
        try:
            _fsync_dir(self.directory)
        except OSError:
            pass
        _close_quietly(entry.fd)  # the lock goes with it
        return True

    def _retry_unplaced(self) -> None:
        still = [entry for entry in self._unplaced if not self._place(entry)]
        self._unplaced = still
        if still:
            self._rename_failed()
        else:
            if self._rename_streak >= self.max_retries:
                log.warning("file %s sink: files in place again; healthy", self.role)
            self._rename_streak = 0

    def _rename_failed(self) -> None:
        self._rename_streak += 1
        self._rename_retry_at = time.monotonic() + self.backoff.delay(self._rename_streak)
        if self._rename_streak == self.max_retries:
            log.error("file %s sink: unhealthy: %d file(s) cannot be moved from %s into %s; answering 503 until "
                      "they are", self.role, len(self._unplaced), self.tmp_dir, self.directory)

    def _final_path(self, name: str) -> Path:
        final = self.directory / name
        stem, dot, extension = name.rpartition(".")
        count = 0
        while os.path.lexists(final):  # never overwrite a file already in place (pid reuse after a restart)
            count += 1
            final = self.directory / f"{stem}-{count}{dot}{extension}"
        return final

    def _trim(self, entry: _File) -> bool:
        """Cut the file after its last newline, count its records; False if no whole line is left (removed)."""
        fd = entry.fd
        size = os.fstat(fd).st_size
        records = 0
        last_newline = -1
        offset = 0
        while offset < size:
            chunk = os.pread(fd, min(4 * 1024 * 1024, size - offset), offset)
            if not chunk:
                break
            records += chunk.count(b"\n")
            position = chunk.rfind(b"\n")
            if position >= 0:
                last_newline = offset + position
            offset += len(chunk)
        keep = last_newline + 1
        if keep == 0:
            entry.tmp.unlink(missing_ok=True)
            return False
        if keep < size:
            os.ftruncate(fd, keep)
            os.fsync(fd)
            log.warning("file %s sink: %s ended in a partial line (%d byte(s), never acknowledged): cut off",
                        self.role, entry.tmp.name, size - keep)
        entry.size = keep
        entry.records = records
        return True

    def _recover(self) -> None:
        """Finish the files a dead process left under ``.tmp/``: whole lines renamed into place."""
        files = records = 0
        for path in sorted(self.tmp_dir.iterdir()):
            name = path.name
            probe = name.startswith(".probe-")
            if not probe and not (name.startswith(self.prefix + "-") and name.endswith("." + self.extension)):
                continue
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND)
            except (FileNotFoundError, IsADirectoryError):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    raise FileNotFoundError(path)  # finished by someone else meanwhile
            except OSError:  # held: a live process writes it
                os.close(fd)
                continue
            if probe or os.fstat(fd).st_size == 0:
                path.unlink(missing_ok=True)
                os.close(fd)
                continue
            entry = _File(fd, path, name, needs_trim=True)
            if not self._place(entry):
                self._unplaced.append(entry)  # retried like any failed rename
                self._rename_failed()
            if entry.records:
                files += 1
                records += entry.records
        if files:
            self.recovered_files += files
            self.recovered_records += records
            log.warning("file %s sink: recovered %d record(s) in %d file(s) left under %s by a previous process",
                        self.role, records, files, self.tmp_dir)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass

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
        records = [{"Data": data, "PartitionKey": key or "-"} for data, key, _ in batch]
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
