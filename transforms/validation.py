"""Iglu validation of what an event carries: the tp2 body, the unstruct event, contexts, derived contexts."""
from __future__ import annotations

from snowplow_beam.transforms.iglu.keys import SchemaCriterion
from snowplow_beam.transforms.iglu.validator import Validator

_SNOWPLOW = "iglu:com.snowplowanalytics.snowplow"
PAYLOAD_DATA = SchemaCriterion.parse(f"{_SNOWPLOW}/payload_data/jsonschema/1-*-*")
UNSTRUCT_EVENT = SchemaCriterion.parse(f"{_SNOWPLOW}/unstruct_event/jsonschema/1-*-*")
CONTEXTS = SchemaCriterion.parse(f"{_SNOWPLOW}/contexts/jsonschema/1-*-*")
CONTEXTS_WRITTEN = f"{_SNOWPLOW}/contexts/jsonschema/1-0-1"
VALIDATION_INFO = "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0"


class EventValidator:
    """Returns schema_violations messages (empty when valid), as the bad-row schema shapes them."""

    def __init__(self, validator: Validator):
        self._validator = validator

    @property
    def validator(self) -> Validator:
        """The Iglu validator (its native ``store`` is the fast path of the native record path too)."""
        return self._validator

    def payload_data(self, body) -> list[dict]:
        """A tp2 POST body: a ``payload_data`` 1-*-* self-describing JSON."""
        return self._validator.validate_with_criterion(body, PAYLOAD_DATA)

    def event(self, event: dict) -> list[dict]:
        """The envelope and inner event of ``unstruct_event``, and every entity of the contexts.

        When all is valid, the contexts envelopes are written as Snowplow writes them: as
        ``contexts/jsonschema/1-0-1`` whatever 1-*-* version was sent (a redirect's context added to a
        1-0-0 ``co`` included), and an empty list of entities is no contexts at all; and each entity whose
        schema is superseded (``$supersededBy``: validated with the superseding schema) is recorded in a
        ``validation_info`` derived context ``{originalSchema, validatedWith}``, as Snowplow does."""
        validator = self._validator
        if validator.accept_event(event):
            return []
        messages: list[dict] = []
        envelope = event.get("unstruct_event")
        if envelope is not None:
            found = validator.validate_with_criterion(envelope, UNSTRUCT_EVENT)
            messages.extend(found or validator.validate(envelope["data"]))
        for field in ("contexts", "derived_contexts"):
            envelope = event.get(field)
            if envelope is None:
                continue
            found = validator.validate_with_criterion(envelope, CONTEXTS)
            if found:
                messages.extend(found)
                continue
            for entity in envelope["data"]:
                messages.extend(validator.validate(entity))
        if not messages:
            self._record_superseded(event)
            for field in ("contexts", "derived_contexts"):
                envelope = event.get(field)
                if envelope is None:
                    continue
                if envelope["data"]:
                    event[field] = {"schema": CONTEXTS_WRITTEN, "data": envelope["data"]}
                else:
                    del event[field]
        return messages

    def _record_superseded(self, event: dict) -> None:
        validated_with = self._validator.validated_with
        entities = []
        envelope = event.get("unstruct_event")
        if envelope is not None:
            entities.append(envelope["data"])
        envelope = event.get("contexts")
        if envelope is not None:
            entities.extend(envelope["data"])
        info = []
        for entity in entities:
            version = validated_with(entity["schema"])
            if version is not None:
                info.append({"schema": VALIDATION_INFO,
                             "data": {"originalSchema": entity["schema"], "validatedWith": version}})
        if info:
            derived = event.get("derived_contexts")
            event["derived_contexts"] = {"schema": CONTEXTS_WRITTEN, "data": [*(derived or {}).get("data", ()), *info]}
