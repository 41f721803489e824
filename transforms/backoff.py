"""How long to wait before retrying: one exponential backoff for every retry loop (the Iglu registries, the Kinesis
source, the collector's sinks). Standard library only, so the collector's image can use it too.

The wait after the n-th consecutive failure grows as ``initial * multiplier ** (n - 1)`` up to ``maximum`` (the
ceiling); the jitter then picks the wait at or below the ceiling, so that many clients failing together do not
retry together:

- ``NO_JITTER``: the ceiling itself (a registry asked again by one worker);
- ``EQUAL_JITTER``: uniformly between half the ceiling and the ceiling;
- ``JITTER_ABOVE_INITIAL``: uniformly between ``initial`` and the ceiling (never less than ``initial``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

NO_JITTER = "none"
EQUAL_JITTER = "equal"
JITTER_ABOVE_INITIAL = "above_initial"
_JITTERS = (NO_JITTER, EQUAL_JITTER, JITTER_ABOVE_INITIAL)


@dataclass(frozen=True)
class Backoff:
    """A backoff policy (stateless: the caller counts its consecutive failures). ``rng`` returns a float in
    [0, 1) (default: the ``random`` module's); tests inject their own."""

    initial: float
    maximum: float
    multiplier: float = 2.0
    jitter: str = NO_JITTER
    rng: Callable[[], float] | None = None

    def __post_init__(self):
        if self.jitter not in _JITTERS:
            raise ValueError(f"jitter must be one of {', '.join(_JITTERS)}, not {self.jitter!r}")

    def ceiling(self, failures: int) -> float:
        """The longest wait after ``failures`` (1 or more) consecutive failures."""
        try:
            grown = self.initial * self.multiplier ** (failures - 1)
        except OverflowError:  # failing for hours: long past the cap
            return self.maximum
        return min(self.maximum, grown)

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` (1 or more) consecutive failures."""
        ceiling = self.ceiling(failures)
        if self.jitter == NO_JITTER:
            return ceiling
        draw = (self.rng or random.random)()
        if self.jitter == EQUAL_JITTER:
            return ceiling / 2 + draw * ceiling / 2
        high = max(self.initial, ceiling)
        return self.initial + (high - self.initial) * draw
