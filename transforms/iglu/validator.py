"""`Validator`: validates self-describing JSON (``{"schema": "iglu:...", "data": ...}``) against the schemas a
`Resolver` finds, and returns failure messages shaped as the items of ``failure.messages`` in
``com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1``."""
from __future__ import annotations

import copy
import math
import threading
from typing import Any

from snowplow_beam.transforms import native
from snowplow_beam.transforms.iglu.compiled_schema import CompiledSchema
from snowplow_beam.transforms.iglu.errors import SchemaNotFound
from snowplow_beam.transforms.iglu.keys import InvalidSchemaKey, SchemaCriterion, SchemaKey
from snowplow_beam.transforms.iglu.resolver import Resolver

_MAX_CACHED = 10_000  # compiled schemas kept per validator (the native store bounds itself alike)


def _ms(seconds: float) -> int:
    """Resolver-clock seconds as the store's milliseconds, rounded down on both sides (an expiry and now), so
    the store never holds an entry longer than the resolver does."""
    return math.floor(seconds * 1000)


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

    Fast path: the native `SchemaStore` (``native/src/validate.rs``), given each schema whose data was valid on
    the slow path while the resolver caches (until the resolver's entry expires); it says "valid" only where
    this slow path would, and takes only schemas whose every keyword and pattern it reads as Python does.
    """

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self._compiled: dict[SchemaKey, CompiledSchema] = {}
        self.store = native.SchemaStore()
        # Iglu URI -> the version its schema's ``$supersededBy`` chain led to (only for superseded schemas).
        self._superseded: dict[str, str] = {}
        self._lock = threading.Lock()

    def validated_with(self, uri: str) -> str | None:
        """The version the data of ``uri`` was validated with when its schema is superseded (``$supersededBy``),
        else None. Known for every URI this validator has validated."""
        return self._superseded.get(uri)

    def store_now_ms(self) -> int:
        """Now on the store's clock (the resolver's, in ms), for the native calls that ask the store."""
        return _ms(self.resolver.clock())

    def accept_event(self, event: dict) -> bool:
        """Whether the native store alone finds all that `EventValidator.event` validates in ``event`` valid;
        if so it has written what that writes on its valid path into the dict."""
        return self.store.accept_event(event, self.store_now_ms())

    def validate(self, instance: dict) -> list[dict]:
        """The failure messages of a self-describing JSON instance (``[]`` when it is valid)."""
        return self.validate_with_criterion(instance, None)

    def is_valid(self, instance: dict) -> bool:
        """Whether a self-describing JSON instance is valid, without its failure messages: the native store's
        verdict where it can tell (valid or not), else :meth:`validate`'s. What needs only the answer (the
        entity and row checks of bad rows) is spared the slow path's messages."""
        if isinstance(instance, dict) and isinstance(instance.get("schema"), str) and "data" in instance:
            verdict = self.store.verdict(instance["schema"], instance["data"], _ms(self.resolver.clock()))
            if verdict is not None:
                return verdict
        return not self.validate(instance)

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
        if self.store.valid(uri, data, _ms(self.resolver.clock())):
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
        if compiled.issues is not None:
            return [{
                "schemaKey": uri,
                "error": {"error": "ValidationError", "schemaIssues": copy.deepcopy(compiled.issues)},
            }]
        reports = compiled.failures(data)
        if not reports:
            if self.resolver.cache_size > 0:
                expires = None if resolution.expires is None else _ms(resolution.expires)
                self.store.add(uri, schema, expires, resolution.superseded_by)
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
