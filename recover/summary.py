"""What a recovery did, from its counters (those of the pipeline's steps included), and whether they add up."""
from __future__ import annotations

from dataclasses import dataclass

from snowplow_beam.beam_pipeline.summary import RunSummary


@dataclass
class RecoverSummary:
    """What a recovery did, from its counters (those of the pipeline's steps included)."""

    run: RunSummary
    partitions: int = 0
    dry_run: bool = False

    def get(self, name: str) -> int:
        return self.run.get(name)

    @property
    def unknown_keys(self) -> dict[str, int]:
        prefix = "bad_rows_unknown_key_"
        return {name[len(prefix):]: value for name, value in self.run.counters.items() if name.startswith(prefix)}

    @property
    def rows_accounted(self) -> bool:
        """Every bad row read was opened, or had no copy, an unknown key, or could not be opened or parsed."""
        return self.get("bad_rows_read") == (
            self.get("bad_rows_opened") + self.get("bad_rows_without_copy") + sum(self.unknown_keys.values())
            + self.get("bad_rows_unopenable") + self.get("bad_rows_unreadable"))

    @property
    def events_accounted(self) -> bool:
        """Every re-processed event is recovered, already present, a duplicate, or still failing."""
        return (self.get("good") == self.get("recovered") + self.get("recovered_already_present")
                + self.get("recovered_duplicates")
                and self.get("enriched_bad") + self.get("raw_bad")
                == self.get("still_failing") + self.get("failing_already_good"))

    @property
    def ok(self) -> bool:
        """The recovery may exit 0: every bad row and event accounted for, and the steps' own accounting."""
        return (self.rows_accounted and self.events_accounted
                and self.run.records_accounted and self.run.outputs_accounted)

    def report(self) -> str:
        lines = [self.run.report().rsplit("\n", 1)[0]]
        verdict = "OK" if self.ok else "MISMATCH"
        lines.append(f"{'accounting (every bad row and event in one place)':>45}: {verdict}")
        lines.append("")
        lines.append(f"read {self.get('bad_rows_read'):,} bad rows in {self.partitions:,} partitions; "
                     f"{self.get('bad_rows_opened'):,} opened ({self.get('raw_records'):,} distinct raw records)")
        if self.dry_run:
            lines.append(f"dry run: {self.get('recovered'):,} events would be recovered; "
                         f"{self.get('recovered_already_present'):,} are already in the lake")
        else:
            lines.append(f"recovered {self.get('recovered'):,} events into {self.get('recovered_files'):,} files; "
                         f"{self.get('recovered_already_present'):,} were already in the lake")
        if self.get("still_failing"):
            lines.append(f"{self.get('still_failing'):,} rows still fail (still_failing_* above; they stay in "
                         "the lake)")
        if self.get("bad_rows_without_copy"):
            lines.append(f"{self.get('bad_rows_without_copy'):,} bad rows carry no recovery copy (written without a "
                         "recovery key, or not made from a raw record): they cannot be recovered")
        for key, count in sorted(self.unknown_keys.items()):
            lines.append(f"{count:,} bad rows were sealed with key {key}, which the keyring does not hold")
        if self.get("bad_rows_unopenable"):
            lines.append(f"{self.get('bad_rows_unopenable'):,} recovery copies could not be opened (malformed or "
                         "tampered with)")
        return "\n".join(lines)
