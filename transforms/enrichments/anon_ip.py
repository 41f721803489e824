"""``anon_ip``: mask the right-most octets (IPv4) or segments (IPv6) of ``user_ipaddress`` with ``x``.

``94.15.223.151`` with 3 octets -> ``94.x.x.x``; ``2605:2700:0:3::4713:93e3`` with 4 segments ->
``2605:2700:0:3:x:x:x:x`` (the address is expanded to its 8 segments first, leading zeros dropped).
IPv4-mapped IPv6 addresses (``::ffff:1.2.3.4``) are masked as IPv4 and keep their prefix. Runs after
IP lookups, so geography still comes from the real address. Never fails.
"""
from __future__ import annotations

import ipaddress

SCHEMA = "iglu:com.snowplowanalytics.snowplow/anon_ip/jsonschema/1-0-1"
IDENTIFIER = "anon-ip"
MASK = "x"


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

    def enrich(self, event: dict, raw) -> list[dict]:
        address = event.get("user_ipaddress")
        if address is not None:
            event["user_ipaddress"] = self.anonymize(address)
        return []

    def anonymize(self, address: str) -> str:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            # Not an address: mask it by its shape, so that nothing resembling one passes in clear.
            if "." in address or not address:
                return self._mask_v4(address)
            if ":" in address:
                return self._mask_v6(address.split(":"))
            return address
        if parsed.version == 4:
            return self._mask_v4(address)
        if parsed.ipv4_mapped is not None:
            prefix = address[: address.rfind(":") + 1]
            if "." in address:
                return prefix + self._mask_v4(address[len(prefix):])
            return "::ffff:" + self._mask_v4(str(parsed.ipv4_mapped))
        return self._mask_v6([format(int(segment, 16), "x") for segment in parsed.exploded.split(":")])

    def _mask_v4(self, address: str) -> str:
        parts = address.split(".")
        kept = parts[: max(0, 4 - self._octets)]
        return ".".join(kept + [MASK] * (len(parts) - len(kept)))

    def _mask_v6(self, segments: list[str]) -> str:
        kept = segments[: 8 - self._segments]
        return ":".join(kept + [MASK] * (8 - len(kept)))
