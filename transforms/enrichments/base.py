"""What the enrichments share: failure messages and derived contexts."""
from __future__ import annotations

CONTEXTS_SCHEMA = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"


def failure(schema: str, identifier: str, field: str, value: str | None, expectation: str) -> dict:
    """An enrichment_failures 2-0-1 message about the input (``value`` may hold event data)."""
    return {"enrichment": {"schemaKey": schema, "identifier": identifier},
            "message": {"field": field, "value": value, "expectation": expectation[:256]}}


def error(schema: str, identifier: str, text: str) -> dict:
    """An enrichment_failures 2-0-1 message about an error; ``text`` must not quote event data."""
    return {"enrichment": {"schemaKey": schema, "identifier": identifier}, "message": {"error": text[:512]}}


def add_derived_contexts(event: dict, entities: list[dict]) -> None:
    """Append self-describing ``entities`` to the event's ``derived_contexts`` envelope (created if absent)."""
    envelope = event.get("derived_contexts")
    if envelope is None:
        event["derived_contexts"] = {"schema": CONTEXTS_SCHEMA, "data": entities}
    else:
        envelope["data"].extend(entities)

