"""Times as the pipeline reads and writes them: one place for the formats (no third-party imports, so the
collector and the command-line tools share it).

- :func:`format_timestamp`: Snowplow's enriched timestamp, ``2026-11-28 09:00:00.123`` (UTC).
- :func:`format_iso_timestamp`: RFC 3339 with milliseconds, ``2026-11-28T09:00:00.123Z``, as bad rows carry them.
- :func:`parse_time`: a time given on a command line (``--from``, ``--since``, ``--kinesis_start_timestamp``...).
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1)  # naive UTC: isoformat() pads years below 1000 to four digits, strftime("%Y") does not
_EPOCH_SECONDS = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def format_timestamp(millis: int) -> str:
    """Snowplow's enriched timestamp format: ``yyyy-MM-dd HH:mm:ss.SSS`` in UTC."""
    return (_EPOCH + timedelta(milliseconds=millis)).isoformat(" ", "milliseconds")


def format_iso_timestamp(millis: int) -> str:
    """RFC 3339 with milliseconds, as bad rows carry timestamps: ``2024-05-01T10:00:00.123Z``."""
    return (_EPOCH + timedelta(milliseconds=millis)).isoformat("T", "milliseconds") + "Z"


def parse_time(text: str) -> datetime:
    """A time given on a command line, as an aware UTC datetime.

    ISO 8601: ``2025-11-28``, ``2025-11-28T09`` (an hour), ``2025-11-28T09:30``, ``2025-11-28T09:30:00.5Z``, with a
    ``Z`` or an offset (naive is UTC); or epoch seconds (``1764320400``). ValueError says what was expected.
    """
    value = text.strip()
    if _EPOCH_SECONDS.match(value):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    value = value.replace("Z", "+00:00").replace("z", "+00:00")
    if len(value) == 13 and value[10] in "Tt ":  # 2025-11-28T09: Python wants minutes
        value += ":00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 time or epoch seconds: {text!r} (e.g. 2025-11-28T09:00Z)") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
