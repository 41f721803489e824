"""Snowplow's self-describing bad rows as JSON values: the one shape, and the ``size_violation`` row.

Both the pipeline (:mod:`transforms.badrows`) and the collector (:mod:`collector.badrows`) write
``size_violation`` rows; they build them here. This module imports nothing beyond the standard library and
:mod:`transforms.timestamps`, so that the collector, which installs neither pyarrow nor Beam, can use it.
"""
from __future__ import annotations

from snowplow_beam.transforms.timestamps import format_iso_timestamp

BADROWS = "iglu:com.snowplowanalytics.snowplow.badrows"  # the vendor of every bad-row schema
SIZE_VIOLATION = f"{BADROWS}/size_violation/jsonschema/1-0-0"
_EXPECTATION_MAX = 256  # size_violation's maxLength


def bad_row(schema: str, processor: dict, failure: dict, payload) -> dict:
    """A self-describing bad row: ``{"schema", "data": {"processor", "failure", "payload"}}``."""
    return {"schema": schema, "data": {"processor": processor, "failure": failure, "payload": payload}}


def size_violation(payload: str, maximum: int, actual: int, expectation: str, failed_at: int,
                   processor: dict) -> dict:
    """A record too large for the platform: ``payload`` is its (truncated) text, ``failed_at`` epoch ms."""
    failure = {
        "timestamp": format_iso_timestamp(failed_at),
        "maximumAllowedSizeBytes": maximum,
        "actualSizeBytes": actual,
        "expectation": expectation[:_EXPECTATION_MAX],
    }
    return bad_row(SIZE_VIOLATION, processor, failure, payload)
