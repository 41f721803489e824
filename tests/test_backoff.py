"""The one backoff (transforms/backoff.py): growth, cap, each jitter, with an injected random source."""
from __future__ import annotations

import random

import pytest

from snowplow_beam.transforms.backoff import EQUAL_JITTER, JITTER_ABOVE_INITIAL, NO_JITTER, Backoff


def draws(*values):
    """A random source that returns ``values`` in turn."""
    it = iter(values)
    return lambda: next(it)


def test_without_jitter_the_wait_doubles_up_to_the_cap():
    backoff = Backoff(initial=0.2, maximum=5.0)
    assert [backoff.delay(n) for n in range(1, 8)] == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0])
    assert backoff.jitter == NO_JITTER


def test_the_multiplier_sets_the_growth():
    backoff = Backoff(initial=1.0, maximum=100.0, multiplier=3.0)
    assert [backoff.delay(n) for n in range(1, 6)] == pytest.approx([1.0, 3.0, 9.0, 27.0, 81.0])


def test_equal_jitter_draws_between_half_the_ceiling_and_the_ceiling():
    backoff = Backoff(initial=0.2, maximum=10.0, jitter=EQUAL_JITTER, rng=draws(0.0, 0.5, 0.999, 0.25))
    assert backoff.delay(1) == pytest.approx(0.1)      # ceiling 0.2, lowest draw: half of it
    assert backoff.delay(2) == pytest.approx(0.3)      # ceiling 0.4: half way between 0.2 and 0.4
    assert backoff.delay(3) == pytest.approx(0.7996)   # ceiling 0.8, near the top
    assert backoff.delay(10) == pytest.approx(6.25)    # capped at 10: 5 + 0.25 * 5


def test_equal_jitter_stays_within_its_bounds():
    backoff = Backoff(initial=0.1, maximum=1.0, jitter=EQUAL_JITTER, rng=random.Random(7).random)
    delays = [backoff.delay(n) for n in range(1, 9)]
    ceilings = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings))
    assert max(delays) <= 1.0 and delays[-1] >= 0.5
    assert backoff.delay(1) <= 0.1  # a caller that starts counting again starts from the first wait


def test_jitter_above_initial_never_waits_less_than_initial():
    backoff = Backoff(initial=0.5, maximum=1.5, jitter=JITTER_ABOVE_INITIAL, rng=draws(0.0, 0.5, 0.5, 0.5))
    assert backoff.delay(1) == pytest.approx(0.5)   # ceiling 0.5: no room for jitter
    assert backoff.delay(2) == pytest.approx(0.75)  # between 0.5 and 1.0
    assert backoff.delay(3) == pytest.approx(1.0)   # between 0.5 and 1.5 (capped)
    assert backoff.delay(50) == pytest.approx(1.0)


def test_a_cap_below_initial_waits_initial_with_jitter_above_initial():
    backoff = Backoff(initial=0.2, maximum=0.05, jitter=JITTER_ABOVE_INITIAL, rng=draws(0.9))
    assert backoff.delay(3) == pytest.approx(0.2)


def test_endless_failures_stay_at_the_cap():
    assert Backoff(initial=0.2, maximum=10.0).delay(5000) == 10.0
    assert Backoff(initial=0.2, maximum=10.0, multiplier=2).delay(5000) == 10.0


def test_an_unknown_jitter_is_refused():
    with pytest.raises(ValueError, match="jitter"):
        Backoff(initial=1.0, maximum=2.0, jitter="full")
