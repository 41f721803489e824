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


class Progress:
    """Counts something and prints a progress line at most every ``interval`` seconds."""

    def __init__(self, what: str, interval: float | None = None, total: int | None = None, stream=None,
                 clock=time.monotonic, label: str = ""):
        self.what = what
        self.interval = interval_from_env() if interval is None else interval
        self.total = total
        self.count = 0
        self.printed = 0
        self._stream = stream
        self._clock = clock
        self._label = label
        self._start = clock()
        self._next = self._start + self.interval
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def line(self, now: float | None = None) -> str:
        now = self._clock() if now is None else now
        elapsed = max(now - self._start, 1e-9)
        text = f"snowplow progress{self._label}: {self.count:,}"
        if self.total:
            text += f" of {self.total:,} ({100 * self.count / self.total:.0f}%)"
        return f"{text} {self.what} in {_duration(elapsed)}, {self.count / elapsed:,.0f}/s"

    def add(self, n: int = 1) -> None:
        """Count ``n`` more; print a line if the interval has passed since the last one."""
        with self._lock:
            self.count += n
            if not self.enabled:
                return
            now = self._clock()
            if now < self._next:
                return
            self._next = now + self.interval
            self._emit(self.line(now))

    def finish(self) -> None:
        """A last line with the final count, if a line was printed before (a long run)."""
        with self._lock:
            if self.enabled and self.printed:
                self._emit(self.line() + ", done")

    def _emit(self, text: str) -> None:
        self.printed += 1
        stream = self._stream or sys.stderr
        try:
            print(text, file=stream, flush=True)
        except (OSError, ValueError):  # a closed stream must not fail the work
            pass


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
