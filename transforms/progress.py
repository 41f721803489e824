"""Progress lines for long runs: a count, the elapsed time and the rate, every few seconds, on stderr.

    snowplow progress: 1,204,224 raw records in 0:01:40, 12,042/s

A :class:`Progress` prints nothing before its first interval has passed, so short runs (and tests)
stay quiet. Callers add counts in batches (a DoFn adds every 1,024 records and at the end of its
bundle), so the clock is read once per batch, never per record. Counts are per process: on a
runner with several workers each prints its own line, labelled with its process id.

``SNOWPLOW_PROGRESS_SECONDS`` sets the interval (default 10); ``0`` turns the lines off.
"""
from __future__ import annotations

import os
import sys
import threading
import time

PROGRESS_ENV = "SNOWPLOW_PROGRESS_SECONDS"
DEFAULT_INTERVAL_S = 10.0


def interval_from_env() -> float:
    """The interval in seconds from ``SNOWPLOW_PROGRESS_SECONDS`` (default 10; 0 or less: off)."""
    try:
        return float(os.environ.get(PROGRESS_ENV, DEFAULT_INTERVAL_S))
    except ValueError:
        return DEFAULT_INTERVAL_S


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressLine:
    """When and where progress lines are written; what a line says is the caller's.

    At most one line every ``interval`` seconds (0 or less: none), on ``stream`` (default: stderr, looked up at
    each line, so a meter outlives a redirected stderr). The first line is due after one interval, so short runs
    stay quiet, or at once with ``at_start`` (a command whose steps are few and long). With ``in_place_every``,
    on a terminal each line overwrites the last every that many seconds and the final one ends it; elsewhere
    (CI logs, files) every line is a line of its own. A closed stream never fails the work.
    """

    def __init__(self, interval: float, stream=None, clock=time.monotonic, at_start: bool = False,
                 in_place_every: float | None = None):
        self._stream = stream
        self._clock = clock
        self._in_place = in_place_every is not None and interval > 0 and _is_terminal(self.stream)
        self.interval = in_place_every if self._in_place else interval
        self.printed = 0
        self.started = clock()
        self._next = self.started if at_start else self.started + self.interval

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    @property
    def stream(self):
        return self._stream or sys.stderr

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the start (never 0, so rates can be divided by it)."""
        return max((self._clock() if now is None else now) - self.started, 1e-9)

    def due(self, final: bool = False) -> float | None:
        """The clock's time if a line is due now (always when ``final``, if enabled), else None."""
        if not self.enabled:
            return None
        now = self._clock()
        if now < self._next and not final:
            return None
        self._next = now + self.interval
        return now

    def write(self, text: str, final: bool = False) -> None:
        self.printed += 1
        stream = self.stream
        try:
            if self._in_place:
                stream.write("\r" + text + ("\n" if final else ""))
            else:
                stream.write(text + "\n")
            stream.flush()
        except (OSError, ValueError):  # a closed stream must not fail the work
            pass


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


class Progress(ProgressLine):
    """Counts something and prints a progress line at most every ``interval`` seconds."""

    def __init__(self, what: str, interval: float | None = None, total: int | None = None, stream=None,
                 clock=time.monotonic, label: str = ""):
        super().__init__(interval_from_env() if interval is None else interval, stream, clock)
        self.what = what
        self.total = total
        self.count = 0
        self._label = label
        self._lock = threading.Lock()

    def line(self, now: float | None = None) -> str:
        elapsed = self.elapsed(now)
        text = f"snowplow progress{self._label}: {self.count:,}"
        if self.total:
            text += f" of {self.total:,} ({100 * self.count / self.total:.0f}%)"
        return f"{text} {self.what} in {_duration(elapsed)}, {self.count / elapsed:,.0f}/s"

    def add(self, n: int = 1) -> None:
        """Count ``n`` more; print a line if the interval has passed since the last one."""
        with self._lock:
            self.count += n
            now = self.due()
            if now is not None:
                self.write(self.line(now))

    def finish(self) -> None:
        """A last line with the final count, if a line was printed before (a long run)."""
        with self._lock:
            if self.enabled and self.printed:
                self.write(self.line() + ", done", final=True)


_METERS: dict = {}
_METERS_LOCK = threading.Lock()


def process_meter(what: str) -> Progress:
    """The process-wide meter for ``what`` (DoFn instances of one worker share it)."""
    key = (what, os.getpid())
    with _METERS_LOCK:
        meter = _METERS.get(key)
        if meter is None:
            meter = _METERS[key] = Progress(what, label=f" [pid {os.getpid()}]")
        return meter


def reset_meter(what: str) -> Progress:
    """A fresh process-wide meter for ``what`` (at the start of a run in a long-lived process)."""
    key = (what, os.getpid())
    with _METERS_LOCK:
        meter = _METERS[key] = Progress(what, label=f" [pid {os.getpid()}]")
        return meter


class BatchedCount:
    """Counts into a process meter a batch at a time: per-record work never touches the meter's lock and clock.

    ``one()`` per item; ``flush()`` at the end of a bundle. With no meter (``None``), counting costs nothing.
    """

    def __init__(self, meter: Progress | None, batch: int):
        self._meter = meter
        self._batch = batch
        self._pending = 0

    def one(self) -> None:
        if self._meter is not None:
            self._pending += 1
            if self._pending >= self._batch:
                self.flush()

    def flush(self) -> None:
        if self._meter is not None and self._pending:
            self._meter.add(self._pending)
            self._pending = 0
