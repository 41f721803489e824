"""The collector's only bad row: Iglu ``com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0``."""
from __future__ import annotations

import datetime as _dt

import orjson

SIZE_VIOLATION_SCHEMA = "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"
_EXPECTATION_MAX = 256  # the schema's maxLength


def iso_timestamp(now_ms: int) -> str:
    """``2026-11-28T09:00:00.123Z``: what Snowplow writes (an RFC 3339 ``date-time``)."""
    stamp = _dt.datetime.fromtimestamp(now_ms / 1000, tz=_dt.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now_ms % 1000:03d}Z"


def size_violation(
    *, artifact: str, version: str, now_ms: int, maximum: int, actual: int, expectation: str, payload: str,
    truncate_to: int,
) -> bytes:
    """One self-describing ``size_violation`` bad row as compact JSON bytes (no newline).

    ``payload`` is cut to ``truncate_to`` characters (Snowplow keeps the first maxSize/10).
    """
    row = {
        "schema": SIZE_VIOLATION_SCHEMA,
        "data": {
            "processor": {"artifact": artifact, "version": version},
            "failure": {
                "timestamp": iso_timestamp(now_ms),
                "maximumAllowedSizeBytes": maximum,
                "actualSizeBytes": actual,
                "expectation": expectation[:_EXPECTATION_MAX],
            },
            "payload": payload[:truncate_to],
        },
    }
    return orjson.dumps(row)
