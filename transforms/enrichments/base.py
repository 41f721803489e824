"""What the enrichments share: enrichment_failures messages (for those whose engine runs in Python)."""
from __future__ import annotations


def failure(schema: str, identifier: str, field: str, value: str | None, expectation: str) -> dict:
    """An enrichment_failures 2-0-1 message about the input (``value`` may hold event data)."""
    return {"enrichment": {"schemaKey": schema, "identifier": identifier},
            "message": {"field": field, "value": value, "expectation": expectation[:256]}}
