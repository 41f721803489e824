"""transforms.progress.ProgressLine: when and where progress lines go (the counting meter is in test_metrics)."""
from __future__ import annotations

import io

from snowplow_beam.transforms.progress import ProgressLine


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_line_at_start_then_one_per_interval_and_always_the_final_one():
    clock, out = Clock(), io.StringIO()
    line = ProgressLine(5, out, clock, at_start=True)
    assert line.due() == 100.0
    line.write("first")
    clock.now += 4
    assert line.due() is None
    assert line.due(final=True) == 104.0
    line.write("last", final=True)
    assert out.getvalue() == "first\nlast\n" and line.printed == 2
    assert line.elapsed() == 4.0


def test_without_at_start_the_first_line_waits_one_interval():
    clock = Clock()
    line = ProgressLine(5, io.StringIO(), clock)
    clock.now += 4.9
    assert line.due() is None
    clock.now += 0.1
    assert line.due() == 105.0


def test_on_a_terminal_lines_are_rewritten_in_place_more_often():
    clock, out = Clock(), Terminal()
    line = ProgressLine(5, out, clock, at_start=True, in_place_every=0.2)
    assert line.interval == 0.2
    line.write("1/2")
    line.write("2/2", final=True)
    assert out.getvalue() == "\r1/2\r2/2\n"
    plain = ProgressLine(5, io.StringIO(), clock, in_place_every=0.2)
    assert plain.interval == 5  # not a terminal: a line of its own, at the normal interval


def test_switched_off_and_a_closed_stream():
    off = ProgressLine(0, io.StringIO(), Clock(), at_start=True)
    assert not off.enabled and off.due(final=True) is None
    closed = io.StringIO()
    closed.close()
    ProgressLine(5, closed, Clock()).write("nobody reads this")  # does not raise
