"""``anon_ip``: mask the right-most octets (IPv4) or segments (IPv6) of ``user_ipaddress`` with ``x``.

``94.15.223.151`` with 3 octets -> ``94.x.x.x``; ``2605:2700:0:3::4713:93e3`` with 4 segments ->
``2605:2700:0:3:x:x:x:x`` (the address is expanded to its 8 segments first, leading zeros dropped).
IPv4-mapped IPv6 addresses (``::ffff:1.2.3.4``) are masked as IPv4 and keep their prefix; what is not an
address is masked by its shape (``777.2.23`` -> ``777.2.x`` with 2 octets). Runs after IP lookups, so
geography still comes from the real address. Never fails.

The masking runs in the native core (``native/src/enrichments/anon_ip.rs``); this module reads and checks
the configuration.
"""
from __future__ import annotations


def _integer(value, name: str, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
            or not 1 <= value <= highest:
        raise ValueError(f"anon_ip: {name} must be an integer from 1 to {highest}, not {value!r}")
    return int(value)


class AnonIp:
    NATIVE_KIND = "anon_ip"

    def __init__(self, octets: int, segments: int | None = None):
        self._octets = _integer(octets, "anonOctets", 4)
        # Without anonSegments, Snowplow masks as many IPv6 segments as IPv4 octets.
        self._segments = self._octets if segments is None else _integer(segments, "anonSegments", 8)

    @classmethod
    def from_config(cls, data: dict) -> "AnonIp":
        parameters = data["parameters"]
        return cls(parameters["anonOctets"], parameters.get("anonSegments"))

    def native_settings(self) -> dict:
        """The settings of the native ``AnonIp`` (native/src/enrichments/anon_ip.rs)."""
        return {"anonOctets": self._octets, "anonSegments": self._segments}
