"""JSON from event data, parsed within bounds that every later step can rely on.

Every JSON document that arrives with an event (a tp2 body, a context, an unstruct event, a
webhook body, a line of the collector's raw-bad files) is parsed here and nowhere else, so that:

- it is nested at most :data:`MAX_JSON_DEPTH` levels (Snowplow enrich's ``maxJsonDepth`` default):
  deeper documents are rejected, so no later walk (validation, pseudonymization, serialization:
  orjson writes at most 254 levels) can hit a recursion limit;
- its integers fit 64 bits (signed or unsigned): orjson would turn larger ones into floats,
  silently changing the value, so they are rejected instead.

A rejected document raises :class:`JsonRejected`, a ``ValueError`` like orjson's own errors, whose
message never quotes the document. Callers turn it into a bad row as they do any invalid JSON.
"""
from __future__ import annotations

import json

import orjson

MAX_JSON_DEPTH = 50
_INT_MIN, _INT_MAX = -(2 ** 63), 2 ** 64 - 1
# orjson keeps integers of up to 19 digits (and unsigned 64-bit ones of 20) exact; only a run of 19
# digits or more can be a number it changes, so only then are the integers checked one by one. The
# runs are found, and the brackets counted, in one pass: every digit becomes "0", every opening bracket
# "[" and every other byte " " (a fraction of what a regex search costs).
_SKELETON = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x5B if byte in b"[{" else 0x20 for byte in range(256))
_LONG_DIGITS = b"0" * 19


class JsonRejected(ValueError):
    """Valid JSON that the pipeline does not accept (too deep, or an integer beyond 64 bits)."""


def loads(text: str | bytes):
    """The parsed document; raises ``orjson.JSONDecodeError`` or :class:`JsonRejected` (both ValueErrors)."""
    value = orjson.loads(text)
    if isinstance(value, (dict, list)):
        skeleton = (text.encode("utf-8") if isinstance(text, str) else text).translate(_SKELETON)
        # fewer brackets than the limit cannot nest beyond it: most documents skip the walk
        if skeleton.count(b"[") > MAX_JSON_DEPTH and depth(value) > MAX_JSON_DEPTH:
            raise JsonRejected(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if _LONG_DIGITS in skeleton:
            json.loads(text, parse_int=_exact_int)
    return value


def depth(value) -> int:
    """How deeply ``value`` nests (a scalar is 0, ``[]`` and ``{}`` are 1), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _exact_int(digits: str) -> int:
    try:
        number = int(digits)
    except ValueError:  # beyond Python's own limit on digits
        raise JsonRejected("an integer beyond 64 bits") from None
    if not _INT_MIN <= number <= _INT_MAX:
        raise JsonRejected("an integer beyond 64 bits")
    return number
