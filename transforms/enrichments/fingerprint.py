"""``event_fingerprint_config``: a hash of the event's tracker parameters, to spot duplicates.

The hashing runs in the native core (``native/src/enrichments/fingerprint.rs``); this module reads and
checks the configuration.
"""
from __future__ import annotations

_ALGORITHMS = ("MD5", "SHA1", "SHA256", "SHA384", "SHA512")
DEFAULT_EXCLUDED = ("eid", "nuid", "stm", "cv")


class EventFingerprint:
    """``event_fingerprint`` = hash of ``name\\x1fvalue\\x1f`` over the parameters sorted by name,
    leaving out ``excludeParameters``. Never fails."""

    NATIVE_KIND = "event_fingerprint_config"

    def __init__(self, algorithm: str = "MD5", exclude_parameters=DEFAULT_EXCLUDED):
        if algorithm not in _ALGORITHMS:
            raise ValueError(f"hashAlgorithm must be one of {', '.join(_ALGORITHMS)}, not {algorithm!r}")
        self._algorithm = algorithm
        self._excluded = frozenset(exclude_parameters)

    @classmethod
    def from_config(cls, data: dict) -> "EventFingerprint":
        parameters = data["parameters"]
        return cls(parameters["hashAlgorithm"], parameters["excludeParameters"])

    def native_settings(self) -> dict:
        """The settings of the native ``EventFingerprint`` (native/src/enrichments/fingerprint.rs)."""
        return {"hashAlgorithm": self._algorithm, "excludeParameters": sorted(self._excluded)}
