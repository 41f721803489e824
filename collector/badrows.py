"""The collector's only bad row, ``size_violation`` (built by :mod:`transforms.badrow_json`), as a JSON line."""
from __future__ import annotations

import orjson

from snowplow_beam.transforms import badrow_json


def size_violation(
    *, artifact: str, version: str, now_ms: int, maximum: int, actual: int, expectation: str, payload: str,
    truncate_to: int,
) -> bytes:
    """One self-describing ``size_violation`` bad row as compact JSON bytes (no newline), the collector
    (``artifact``, ``version``) as its processor.

    ``payload`` is cut to ``truncate_to`` characters (Snowplow keeps the first maxSize/10).
    """
    processor = {"artifact": artifact, "version": version}
    return orjson.dumps(badrow_json.size_violation(payload[:truncate_to], maximum, actual, expectation, now_ms,
                                                   processor))
