"""``event_fingerprint_config``: a hash of the event's tracker parameters, to spot duplicates."""
from __future__ import annotations

import hashlib

IDENTIFIER = "event-fingerprint"
SCHEMA = "iglu:com.snowplowanalytics.snowplow/event_fingerprint_config/jsonschema/1-0-1"
_ALGORITHMS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384", "SHA512": "sha512"}
DEFAULT_EXCLUDED = ("eid", "nuid", "stm", "cv")


class EventFingerprint:
    """``event_fingerprint`` = hash of ``name\\x1fvalue\\x1f`` over the parameters sorted by name,
    leaving out ``excludeParameters``. Never fails."""

    NATIVE_KIND = "event_fingerprint_config"

    def __init__(self, algorithm: str = "MD5", exclude_parameters=DEFAULT_EXCLUDED):
        if algorithm not in _ALGORITHMS:
            raise ValueError(f"hashAlgorithm must be one of {', '.join(_ALGORITHMS)}, not {algorithm!r}")
        self._algorithm = algorithm
        self._hash = getattr(hashlib, _ALGORITHMS[algorithm])
        self._excluded = frozenset(exclude_parameters)

    @classmethod
    def from_config(cls, data: dict) -> "EventFingerprint":
        parameters = data["parameters"]
        return cls(parameters["hashAlgorithm"], parameters["excludeParameters"])

    def native_settings(self) -> dict:
        """The settings of the native ``EventFingerprint`` (native/src/enrichments/fingerprint.rs)."""
        return {"hashAlgorithm": self._algorithm, "excludeParameters": sorted(self._excluded)}

    def enrich(self, event: dict, raw) -> list[dict]:
        excluded = self._excluded
        parameters = raw.parameters
        parts = []
        append = parts.append
        for name in sorted(parameters):
            if name not in excluded:
                append(name)
                append(parameters[name])
        append("")  # the text ends with a separator: name\x1fvalue\x1f...name\x1fvalue\x1f
        event["event_fingerprint"] = self._hash("\x1f".join(parts).encode("utf-8")).hexdigest()
        return []
