"""The restriction of the Kinesis SDF: the read state of a group of shards of one stream, changed only through
the claims of its tracker, so the residual a runner checkpoints resumes exactly after the last record emitted.

For every shard of the group: its checkpoint (the last sequence number read, and within a KPL-aggregated record
the last sub-record), its parents, and whether it is drained; plus the bounded-mode ends (``records_left``,
``deadline``, ``to_tip``). A shard is readable once all of its parents in the group are drained; a drained
shard's children join the group that holds their owner (:func:`owner_of`) at TRIM_HORIZON.

A stream's first restriction is the whole stream (``whole_stream``, nothing discovered yet); the provider splits
it into one restriction per lineage family (:func:`families`): each open shard with the closed ancestors it must
be read after. A running restriction splits further (:meth:`KinesisRestrictionTracker.try_split` with a fraction)
into families that no longer depend on each other: the children of a split, once their parent is drained.
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
    at_tip: bool = False   # a read found it caught up (what ends a ``to_tip`` read)


def owner_of(shard: ShardState) -> str | None:
    """The parent whose group reads ``shard``: the first of its parents by id (both groups of a merge agree)."""
    return min(shard.parents) if shard.parents else None


def families(shards) -> list[list[str]]:
    """The shards (ids, in order) that must stay in one restriction: connected by a parent that is not drained
    (a child is read after its parents, by their reader). Drained shards link nothing and form no family."""
    by_id = {shard.shard_id: shard for shard in shards}
    root = {shard_id: shard_id for shard_id, shard in by_id.items() if not shard.drained}

    def find(shard_id: str) -> str:
        while root[shard_id] != shard_id:
            root[shard_id] = root[root[shard_id]]
            shard_id = root[shard_id]
        return shard_id

    for shard_id in root:
        for parent in by_id[shard_id].parents:
            if parent in root:
                root[find(shard_id)] = find(parent)
    groups: dict[str, list[str]] = {}
    for shard_id in sorted(root):
        groups.setdefault(find(shard_id), []).append(shard_id)
    return sorted(groups.values())


@dataclass
class KinesisRestriction:
    """The read state of a group of shards of one stream (picklable; the runner keeps it in its checkpoints).

    ``whole_stream``: the group is every shard (a discovery adopts any shard it lists); else a discovery adopts
    only the children of the group's shards."""

    stream: str
    initial_position: str = TRIM_HORIZON
    start_timestamp: float | None = None
    shards: dict[str, ShardState] = field(default_factory=dict)
    discovered: bool = False
    records_left: int | None = None
    deadline: float | None = None   # epoch seconds
    to_tip: bool = False   # bounded: done once every shard has been found caught up (or drained)
    whole_stream: bool = True
    done: bool = False

    def readable(self) -> list[ShardState]:
        """Shards to read now: not drained, and every parent in the group drained (parents first)."""
        return [shard for shard in self.shards.values() if not shard.drained and all(
            self.shards[parent].drained for parent in shard.parents if parent in self.shards)]

    def adopts(self, shard: ShardState) -> bool:
        """Whether a shard a read finds (a child, a listed shard) belongs to this group."""
        return shard.shard_id not in self.shards and (self.whole_stream or owner_of(shard) in self.shards)

    @property
    def splits_by_family(self) -> bool:
        """Whether :meth:`by_family` divides this restriction: a stream's first one, without a record budget (a
        count over the whole stream, which no two readers can share)."""
        return not self.discovered and self.records_left is None

    def by_family(self, listed) -> list["KinesisRestriction"]:
        """A stream's first restriction split by the shards ListShards lists: one restriction per family (whole
        when it :attr:`splits_by_family` not)."""
        if not self.splits_by_family:
            return [self]
        whole = replace(self, shards={shard.shard_id: shard for shard in listed}, discovered=True)
        return [whole.family(group) for group in families(listed)] or [whole]

    def family(self, shard_ids) -> "KinesisRestriction":
        """The part of this restriction that holds ``shard_ids`` (the drained shards stay where they were)."""
        part = self.copy()
        part.shards = {shard_id: part.shards[shard_id] for shard_id in shard_ids}
        part.whole_stream = False
        return part

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


class AtTip(NamedTuple):
    """A read found the shard at its tip (fewer records than asked for, nothing behind)."""

    shard_id: str


class ShardsDiscovered(NamedTuple):
    shards: tuple[ShardState, ...]
    gone: tuple[str, ...] = ()   # drained shards ListShards no longer lists (past retention)


class Stop(NamedTuple):
    reason: str


class KinesisRestrictionTracker(RestrictionTracker):
    """Claims are :class:`RecordPosition`, :class:`ShardEnd`, :class:`AtTip`, :class:`ShardsDiscovered` or
    :class:`Stop`.

    A claim fails (and the DoFn must return) once the restriction is done: checkpointed by ``try_split(0)``, out
    of its record budget, past its deadline, at the tip, or stopped. A claim of a shard that a split moved to
    the residual fails too, with the restriction not done: the DoFn checkpoints the rest and returns.
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
            r.deadline is not None and self._clock() >= r.deadline) or (
            r.to_tip and r.discovered and all(shard.drained or shard.at_tip for shard in r.shards.values()))

    def try_claim(self, position) -> bool:
        r = self._restriction
        if r.done:
            return False
        if isinstance(position, Stop) or self._bound_reached():
            r.done = True
            return False
        if isinstance(position, (RecordPosition, ShardEnd, AtTip)) and position.shard_id not in r.shards:
            return False  # split away: the residual reads it
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
                if r.adopts(child):
                    r.shards[child.shard_id] = replace(child, from_trim_horizon=True)
        elif isinstance(position, AtTip):
            r.shards[position.shard_id].at_tip = True
        elif isinstance(position, ShardsDiscovered):
            r.discovered = True
            for shard in position.shards:
                if r.adopts(shard):
                    r.shards[shard.shard_id] = shard
            for shard_id in position.gone:
                if shard_id in r.shards and r.shards[shard_id].drained:
                    del r.shards[shard_id]
        else:
            raise ValueError(f"unknown claim {position!r}")
        return True

    def try_split(self, fraction_of_remainder):
        """``0``: a checkpoint (the primary is done, the residual is the rest). Else, when the restriction holds
        shard families that no longer depend on each other and has no record budget (a count no two readers can
        share), about ``fraction_of_remainder`` of them go to the residual."""
        r = self._restriction
        if r.done:
            return None
        if fraction_of_remainder == 0:
            residual = r.copy()
            primary = r.copy()
            primary.done = True
            self._restriction = primary
            return primary, residual
        groups = families(r.shards.values())
        if r.records_left is not None or not r.discovered or len(groups) < 2:
            return None
        keep = min(len(groups) - 1, max(1, round(len(groups) * (1 - fraction_of_remainder))))
        moved = {shard_id for group in groups[keep:] for shard_id in group}
        residual = r.family(sorted(moved))
        primary = r.family([shard_id for shard_id in r.shards if shard_id not in moved])
        self._restriction = primary
        return primary, residual

    def check_done(self):
        if not self._restriction.done:
            raise ValueError(f"the read of stream {self._restriction.stream} returned before it was done "
                             "(no checkpoint, no bound reached)")

    def current_progress(self) -> RestrictionProgress:
        """The work left (the record budget, else the shards still to read) and the fraction done, given as a
        fraction: the SDK replaces ``completed`` by its estimate of the bytes output since the element began,
        which can be 0 (0 of 0) or NaN (an estimate with no sample), and a NaN fraction fails the runner's split
        requests (seen on Prism); a given fraction is kept as it is."""
        r = self._restriction
        if r.done:
            return RestrictionProgress(fraction=1.0)
        if r.records_left is not None:
            remaining = max(1, r.records_left)
        else:
            remaining = max(1, sum(not shard.drained for shard in r.shards.values()))
        return RestrictionProgress(fraction=self._claimed / (self._claimed + remaining), remaining=remaining)

    def is_bounded(self) -> bool:
        r = self._restriction
        return r.done or r.records_left is not None or r.deadline is not None or r.to_tip
