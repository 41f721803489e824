"""What a lookup reports besides a schema: `IgluSystemError` (stop the pipeline) and `SchemaNotFound` (a bad row),
and the bound on message texts that go into bad rows."""
from __future__ import annotations

from snowplow_beam.transforms.iglu.keys import SchemaKey

MAX_MESSAGE_CHARS = 256


def bounded_message(text: str) -> str:
    """``text`` cut to `MAX_MESSAGE_CHARS` (an exception can quote a whole response or schema)."""
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 3] + "..."


class IgluSystemError(RuntimeError):
    """No registry could answer (RepoFailure / ClientFailure after retries): a system error, not a bad row."""

    def __init__(self, message: str, schema_key: SchemaKey | None = None, lookup_history: list | None = None):
        super().__init__(message)
        self.schema_key = schema_key
        self.lookup_history = lookup_history or []


class SchemaNotFound(LookupError):
    """No repository has the schema. ``lookup_history`` is shaped as the bad row's ResolutionError lookupHistory:
    ``[{"repository", "errors": [{"error": "NotFound"|"RepoFailure"|"ClientFailure", "message"?}],
    "attempts", "lastAttempt"}]``."""

    def __init__(self, schema_key: SchemaKey, lookup_history: list[dict]):
        super().__init__(f"schema {schema_key.to_uri()} not found in any Iglu repository")
        self.schema_key = schema_key
        self.lookup_history = lookup_history
