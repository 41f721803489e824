"""The restriction of the Kinesis SDF: the read state of one stream, changed only through the claims of its
tracker, so the residual a runner checkpoints resumes exactly after the last record emitted.

For every known shard: its checkpoint (the last sequence number read, and within a KPL-aggregated record the
last sub-record), its parents, and whether it is drained; plus the bounded-mode budget (``records_left``,
``deadline``). A shard is readable once all of its known parents are drained; a drained shard's children join
at TRIM_HORIZON.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from apache_beam.io.iobase import RestrictionProgress, RestrictionTracker

from snowplow_beam.beam_pipeline.kinesis.settings import TRIM_HORIZON


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
