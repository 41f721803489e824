"""Builders for Snowplow's self-describing bad rows (``iglu:com.snowplowanalytics.snowplow.badrows/*``).

Each builder returns a :class:`BadRow`: where it goes (raw_bad or enriched_bad), the collector
timestamp that picks its hourly partition, and the bad row itself as a JSON-ready dict.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from snowplow_beam.lake.layout import ENRICHED_BAD, RAW_BAD
from snowplow_beam.transforms import ARTIFACT, __version__, badrow_json, bounded_json
from snowplow_beam.transforms.atomic import MAX_TIMESTAMP_MS, to_partial_enriched
from snowplow_beam.transforms.badrow_json import BADROWS
from snowplow_beam.transforms.iglu.keys import schema_key_of
from snowplow_beam.transforms.recovery import Original
from snowplow_beam.transforms.timestamps import format_iso_timestamp, now_ms, parse_time

COLLECTOR_PAYLOAD_FORMAT_VIOLATION = f"{BADROWS}/collector_payload_format_violation/jsonschema/1-0-0"
ADAPTER_FAILURES = f"{BADROWS}/adapter_failures/jsonschema/1-0-0"
TRACKER_PROTOCOL_VIOLATIONS = f"{BADROWS}/tracker_protocol_violations/jsonschema/1-0-1"
SCHEMA_VIOLATIONS = f"{BADROWS}/schema_violations/jsonschema/2-0-1"
ENRICHMENT_FAILURES = f"{BADROWS}/enrichment_failures/jsonschema/2-0-1"
GENERIC_ERROR = f"{BADROWS}/generic_error/jsonschema/1-0-0"
_BADROWS_VENDOR = BADROWS.removeprefix("iglu:")

PROCESSOR = {"artifact": ARTIFACT, "version": __version__}
# Every bad-row type Iglu Central defines; a row claiming any other is not trusted as a bad row.
BAD_ROW_TYPES = frozenset((
    "adapter_failures", "collector_payload_format_violation", "enrichment_failures", "event_forwarding_error",
    "generic_error", "loader_iglu_error", "loader_parsing_error", "loader_recovery_error", "loader_runtime_error",
    "recovery_error", "relay_failure", "schema_violations", "size_violation", "snowflake_error",
    "tracker_protocol_violations",
))


class BadRow(NamedTuple):
    """A bad row on its way to ``ROOT/<output>/``, partitioned by ``partition_ms``'s UTC hour.

    ``built_here``: made by the builders below (False: read from another program's output, such as the
    collector's raw-bad files, so no part of it is trusted to be what its schema says).

    ``original``: the raw record the bad row came from, attached by the pipeline's steps for
    :meth:`transforms.pseudonymize.Pseudonymizer.bad_row`, which seals it into the row (under
    ``recovery``) or drops it; a pseudonymized bad row carries none.
    """

    output: str
    partition_ms: int
    row: dict
    built_here: bool = True
    original: Original | None = None

    @property
    def type_name(self) -> str:
        """The bad row type, e.g. ``schema_violations``."""
        return bad_row_type(self.row)


def bad_row_type(row) -> str:
    """The type of a self-describing bad row (its schema's name, e.g. ``schema_violations``), else ``unknown``."""
    key = schema_key_of(row.get("schema")) if isinstance(row, dict) else None
    return key.name if key is not None else "unknown"


@dataclass(frozen=True)
class Unreadable:
    """What stands in a file's stream for a record that could not be read: a line too long, or the
    rest of a damaged file (``damaged``). ``line`` is its 1-based line number (0 when unknown: in a range of a
    file read from its middle), ``offset`` the byte
    (of the uncompressed stream) where it starts."""

    path: str
    line: int
    offset: int
    reason: str
    damaged: bool = False

    def describe(self) -> str:
        what = "damaged input file" if self.damaged else "unreadable line in"
        where = f"line {self.line:,} (byte {self.offset:,})" if self.line else f"byte {self.offset:,}"
        return f"{what} {self.path} at {where}: {self.reason}"[:512]


def _sdj(schema: str, failure: dict, payload) -> dict:
    return badrow_json.bad_row(schema, PROCESSOR, failure, payload)


def format_violation(raw_record: str, message: dict, failed_at: int | None = None) -> BadRow:
    """A raw record that is not a usable CollectorPayload. ``message`` is ``{"error": ...}`` or
    ``{"payloadField", "value", "expectation"}``; ``raw_record`` is the record as read (base64 text)."""
    failed_at = failed_at or now_ms()
    failure = {"timestamp": format_iso_timestamp(failed_at), "loader": "thrift", "message": message}
    return BadRow(RAW_BAD, failed_at, _sdj(COLLECTOR_PAYLOAD_FORMAT_VIOLATION, failure, raw_record))


def unreadable_record(unreadable: Unreadable) -> BadRow:
    """A line of a raw file that could not be read, or the damaged rest of a file; the message says where."""
    return format_violation(unreadable.describe(), {"error": unreadable.describe()})


def size_violation(payload: str, max_bytes: int, actual_bytes: int, expectation: str,
                   partition_ms: int | None = None) -> BadRow:
    """A record too large for the platform: ``payload`` is its (truncated) text."""
    failed_at = now_ms()
    row = badrow_json.size_violation(payload, max_bytes, actual_bytes, expectation, failed_at, PROCESSOR)
    return BadRow(RAW_BAD, partition_ms or failed_at, row)


def adapter_failures(source, messages: list[dict]) -> BadRow:
    """The payload's vendor/version has no adapter, or the adapter could not read it."""
    return _payload_failure(ADAPTER_FAILURES, source, messages)


def tracker_protocol_violations(source, messages: list[dict]) -> BadRow:
    """The payload breaks the Snowplow tracker protocol."""
    return _payload_failure(TRACKER_PROTOCOL_VIOLATIONS, source, messages)


def _payload_failure(schema: str, source, messages: list[dict]) -> BadRow:
    failure = {
        "timestamp": format_iso_timestamp(now_ms()),
        "vendor": source.vendor,
        "version": source.version,
        "messages": messages,
    }
    return BadRow(ENRICHED_BAD, source.timestamp, _sdj(schema, failure, source.to_badrow_payload()))


def schema_violations(raw_event, enriched: dict, messages: list[dict]) -> BadRow:
    """An event whose atomic fields or self-describing JSON do not validate."""
    return _event_failure(SCHEMA_VIOLATIONS, raw_event, enriched, messages)


def enrichment_failures(raw_event, enriched: dict, messages: list[dict]) -> BadRow:
    """An event that an enrichment could not process."""
    return _event_failure(ENRICHMENT_FAILURES, raw_event, enriched, messages)


def _event_failure(schema: str, raw_event, enriched: dict, messages: list[dict]) -> BadRow:
    failure = {"timestamp": format_iso_timestamp(now_ms()), "messages": messages}
    payload = {"raw": raw_event.to_badrow_raw(), "enriched": to_partial_enriched(enriched)}
    return BadRow(ENRICHED_BAD, raw_event.source.timestamp, _sdj(schema, failure, payload))


def generic_error(payload: str, errors: list[str], partition_ms: int) -> BadRow:
    """An unexpected error while processing a record; ``payload`` is the whole record (base64)."""
    failure = {"timestamp": format_iso_timestamp(now_ms()), "errors": errors}
    return BadRow(ENRICHED_BAD, partition_ms, _sdj(GENERIC_ERROR, failure, payload))


def parse_collector_bad_row(line: str | bytes | Unreadable) -> BadRow:
    """A line of the collector's raw-bad files; anything unreadable is kept as a generic_error row."""
    if isinstance(line, Unreadable):
        return _unreadable_collector_row(line.describe(), line.describe())
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
        row = bounded_json.loads(text)
        key = schema_key_of(row.get("schema")) if isinstance(row, dict) else None
        if not (key and key.vendor == _BADROWS_VENDOR and key.format == "jsonschema" and key.name in BAD_ROW_TYPES
                and isinstance(row.get("data"), dict)):
            raise ValueError("not a self-describing bad row of a known type")
        stamp = row["data"].get("failure", {}).get("timestamp")
        partition_ms = int(parse_time(stamp).timestamp() * 1000)
        if not 0 <= partition_ms < MAX_TIMESTAMP_MS:  # a collector's stamp picks the partition: 1970 on
            raise ValueError("failure timestamp outside 1970..9999")
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        text = line if isinstance(line, str) else line.decode("latin-1")
        return _unreadable_collector_row(
            text, f"unreadable line in the collector's raw-bad output ({type(exc).__name__})")
    return BadRow(RAW_BAD, partition_ms, row, built_here=False)


def _unreadable_collector_row(payload: str, error: str) -> BadRow:
    now = now_ms()
    return BadRow(RAW_BAD, now, generic_error(payload, [error], now).row)
