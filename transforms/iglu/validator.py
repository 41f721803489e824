"""`Validator`: validates self-describing JSON (``{"schema": "iglu:...", "data": ...}``) against the schemas a
`Resolver` finds, and returns failure messages shaped as the items of ``failure.messages`` in
``com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1``."""
from __future__ import annotations

import copy
import threading
from typing import Any

from snowplow_beam.transforms.iglu.compiled_schema import CompiledSchema
from snowplow_beam.transforms.iglu.errors import SchemaNotFound
from snowplow_beam.transforms.iglu.keys import InvalidSchemaKey, SchemaCriterion, SchemaKey
from snowplow_beam.transforms.iglu.resolver import Resolver

_MAX_CACHED = 10_000  # compiled schemas and fast-path entries kept per validator


def _not_self_describing(instance: Any) -> dict | None:
    """The NotIglu message for an instance that is not ``{"schema": <valid uri>, "data": ...}``, else None."""
    if not isinstance(instance, dict):
        return {"json": instance, "error": "INVALID_DATA_PAYLOAD"}
    uri = instance.get("schema")
    try:
        SchemaKey.parse(uri)
    except InvalidSchemaKey as exc:
        return {"json": instance, "error": exc.code}
    if "data" not in instance:
        return {"json": instance, "error": "INVALID_DATA_PAYLOAD"}
    return None


class Validator:
    """Validates self-describing JSON against schemas from a `Resolver`; compiled schemas are cached per key
    (recompiled only when the resolver hands out a different schema, e.g. changed in the registry after the TTL).

    Results are lists of ``schema_violations`` 2-0-1 ``failure.messages`` items (``[]`` when valid).
    `IgluSystemError` from the resolver propagates.
    """

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self._compiled: dict[SchemaKey, CompiledSchema] = {}
        # Fast path: Iglu URI -> (compiled fastjsonschema function, expiry of the resolver's cache entry).
        self._fast: dict[str, tuple] = {}
        # Iglu URI -> the version its schema's ``$supersededBy`` chain led to (only for superseded schemas).
        self._superseded: dict[str, str] = {}
        self._lock = threading.Lock()

    def validated_with(self, uri: str) -> str | None:
        """The version the data of ``uri`` was validated with when its schema is superseded (``$supersededBy``),
        else None. Known for every URI this validator has validated."""
        return self._superseded.get(uri)

    def _valid_fast(self, uri: str, data: Any) -> bool:
        """Whether the cached compiled schema of ``uri`` (while its resolver entry lasts) accepts ``data``."""
        hit = self._fast.get(uri)
        if hit is None or (hit[1] is not None and hit[1] <= self.resolver.clock()):
            return False
        try:
            hit[0](data)
        except Exception:
            return False  # the slow path builds the failure messages
        return True

    def validate(self, instance: dict) -> list[dict]:
        """The failure messages of a self-describing JSON instance (``[]`` when it is valid)."""
        return self.validate_with_criterion(instance, None)

    def validate_with_criterion(self, instance: dict, criterion: SchemaCriterion | None) -> list[dict]:
        """As `validate`, but first requires the schema key to match ``criterion`` when one is given
        (CriterionMismatch otherwise), as enrich does for the ``unstruct_event`` and ``contexts`` envelopes."""
        try:
            uri = instance["schema"]
            data = instance["data"]
            key = SchemaKey.parse(uri)
        except Exception:
            failure = _not_self_describing(instance)
            if failure is None:  # pragma: no cover - defensive
                raise
            return [failure]
        if criterion is not None and not criterion.matches(key):
            return [{"schemaKey": uri, "schemaCriterion": criterion.to_uri()}]
        return self.validate_data(key, data, uri)

    def validate_data(self, key: SchemaKey, data: Any, uri: str | None = None) -> list[dict]:
        """Validate ``data`` against the schema of ``key`` (the SDJ already split; ``uri`` is ``key.to_uri()``)."""
        if uri is None:
            uri = key.to_uri()
        if self._valid_fast(uri, data):
            return []
        return self._validate_slow(key, uri, data)

    def _validate_slow(self, key: SchemaKey, uri: str, data: Any) -> list[dict]:
        try:
            resolution = self.resolver.resolve(key)
        except SchemaNotFound as exc:
            return [{
                "schemaKey": uri,
                "error": {"error": "ResolutionError", "lookupHistory": exc.lookup_history},
            }]
        if resolution.superseded_by is not None:
            self._superseded[uri] = resolution.superseded_by
        else:
            self._superseded.pop(uri, None)
        compiled = self._compiled.get(resolution.key)
        schema = resolution.schema
        if compiled is None or (compiled.schema is not schema and compiled.schema != schema):
            compiled = self._compile(resolution.key, schema)
        if compiled.fast is None:
            return [{
                "schemaKey": uri,
                "error": {"error": "ValidationError", "schemaIssues": copy.deepcopy(compiled.issues)},
            }]
        if self.resolver.cache_size > 0:
            if len(self._fast) >= _MAX_CACHED:
                self._fast.clear()
            self._fast[uri] = (compiled.fast, resolution.expires)
        reports = compiled.failures(data)
        if not reports:
            return []
        error = {"error": "ValidationError", "dataReports": reports}
        if resolution.superseded_by is not None:
            error["supersededBy"] = resolution.superseded_by
        return [{"schemaKey": uri, "error": error}]

    def _compile(self, key: SchemaKey, schema: Any) -> CompiledSchema:
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is not None and (compiled.schema is schema or compiled.schema == schema):
                return compiled
            compiled = CompiledSchema(schema)
            if len(self._compiled) >= _MAX_CACHED:
                self._compiled.clear()
            self._compiled[key] = compiled
            return compiled
