"""JSON from event data, parsed within bounds that every later step can rely on.

Every JSON document that arrives with an event (a tp2 body, a context, an unstruct event, a webhook body, a line
of the collector's raw-bad files) is parsed by the native core's one reader (``native/src/json.rs``): the
pipeline's path in Rust, the bad rows and the collector's raw-bad lines through :func:`loads`, so that:

- it is nested at most :data:`MAX_JSON_DEPTH` levels (Snowplow enrich's ``maxJsonDepth`` default): deeper
  documents are rejected, so no later walk (validation, pseudonymization, serialization: orjson writes at most
  254 levels) can hit a recursion limit;
- its integers fit 64 bits (signed or unsigned): they are rejected rather than turned into floats.

A refused document raises ``ValueError`` with a message that never quotes the document (serde_json's wording for
syntax errors). Callers turn it into a bad row as they do any invalid JSON.
"""
from __future__ import annotations

from snowplow_beam.transforms import native

MAX_JSON_DEPTH = 50


def loads(text: str | bytes):
    """The parsed document (``bytes`` must be UTF-8); raises ``ValueError``."""
    return native.loads(text)
