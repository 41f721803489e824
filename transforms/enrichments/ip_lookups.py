"""``ip_lookups``: ``geo_*`` and ``ip_*`` fields (and an ``asn`` context) from MaxMind ``.mmdb`` databases.

Databases (config 2-0-0 / 2-0-1, each ``{"database": NAME, "uri": DIRECTORY}``):

- ``geo`` (GeoLite2-City / GeoIP2-City): ``geo_country`` (ISO code), ``geo_region`` and
  ``geo_region_name`` (most specific subdivision: ISO code, English name), ``geo_city``,
  ``geo_zipcode``, ``geo_latitude``/``geo_longitude`` (0.0 when the record has none, as Snowplow
  does), ``geo_timezone``;
- ``isp`` (GeoIP2-ISP): ``ip_isp``, ``ip_organization``, and the ``asn`` context;
- ``domain`` (GeoIP2-Domain): ``ip_domain``;
- ``connectionType`` (GeoIP2-Connection-Type): ``ip_netspeed``;
- ``asn`` (GeoLite2-ASN, 2-0-1): the ``com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1`` context
  ``{number, organization}`` (the ISP database's ASN is used when both are configured).

Lookups run on the real address (before ``anon_ip`` and pseudonymization). An address that is not
an IP, or that no database knows, sets nothing: IP lookups never fail an event.

The enrichment runs in the native core's chain (``native/src/python/lookups.rs``): it reads the event's
``user_ipaddress``, keeps a per-worker cache of results per address and, on a miss, calls
:meth:`IpLookups.writes`, the lookup in the MaxMind readers of this module.
"""
from __future__ import annotations

import threading
import ipaddress

import maxminddb

from snowplow_beam.transforms.enrichments import assets

ASN_SCHEMA = "iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1"
DATABASES = ("geo", "isp", "domain", "connectionType", "asn")
_READERS: dict[str, object] = {}
_READERS_LOCK = threading.Lock()


def open_database(where: str):
    """A MaxMind reader for the ``.mmdb`` at ``where``, opened once per process (memory-mapped)."""
    with _READERS_LOCK:
        reader = _READERS.get(where)
        if reader is None:
            path = assets.local_path(where)
            try:
                reader = maxminddb.open_database(path)
            except (maxminddb.InvalidDatabaseError, ValueError, OSError) as exc:
                raise assets.AssetError(
                    f"{where}: not a MaxMind database ({type(exc).__name__}: {exc})"[:1000]) from None
            _READERS[where] = reader
        return reader


def _address(text: str) -> str:
    """The address without brackets or port (``[2001:db8::1]:443``, ``203.0.113.7:8080``); an
    IPv4-mapped IPv6 address (``::ffff:203.0.113.7``) as its IPv4 address."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        return text.split(":", 1)[0]
    if ":" in text:
        try:
            mapped = ipaddress.IPv6Address(text).ipv4_mapped
        except ValueError:
            return text
        if mapped is not None:
            return str(mapped)
    return text


def _lookup(reader, address: str):
    if reader is None:
        return None
    try:
        record = reader.get(address)
    except (ValueError, TypeError, maxminddb.InvalidDatabaseError):
        return None  # not an IP, IPv6 in an IPv4-only database, a corrupt record: nothing found
    return record if isinstance(record, dict) else None


def _name(record) -> str | None:
    names = record.get("names") if isinstance(record, dict) else None
    return names.get("en") if isinstance(names, dict) else None


class IpLookups:
    """Each argument is the location of a database (see :mod:`transforms.enrichments.assets`), or None."""

    NATIVE_KIND = "ip_lookups"

    def __init__(self, geo: str | None = None, isp: str | None = None, domain: str | None = None,
                 connection_type: str | None = None, asn: str | None = None, cache_size: int = 20_000):
        self._geo, self._isp, self._domain, self._connection, self._asn = (
            open_database(where) if where else None for where in (geo, isp, domain, connection_type, asn))
        self._cache_size = cache_size

    @classmethod
    def from_config(cls, data: dict) -> "IpLookups":
        parameters = data["parameters"]
        where = {name: assets.location(spec["uri"], spec["database"]) for name, spec in parameters.items()
                 if name in DATABASES}
        if not where:
            raise ValueError("ip_lookups: no database configured (geo, isp, domain, connectionType or asn)")
        return cls(where.get("geo"), where.get("isp"), where.get("domain"), where.get("connectionType"),
                   where.get("asn"))

    def native_settings(self) -> dict:
        """The settings of the native enrichment: ``writes`` (called on a cache miss with the GIL held; an
        exception it raises sets nothing) and ``cache_size``."""
        return {"writes": self.writes, "cache_size": self._cache_size}

    def writes(self, address: str) -> tuple[list[tuple[str, object]], list[dict], list[dict]]:
        """What the enrichment writes for ``address`` (the event's ``user_ipaddress``, uncached): ``(fields,
        contexts, failures)``, the ``(name, value)`` fields to set in order, the ``asn`` context if any, and no
        failures (never); raises what the databases' records make the lookup raise."""
        fields, asn = self._results(address)
        return list(fields.items()), ([] if asn is None else [{"schema": ASN_SCHEMA, "data": asn}]), []

    def _results(self, text: str) -> tuple[dict, dict | None]:
        address = _address(text)
        fields: dict = {}
        city = _lookup(self._geo, address)
        if city is not None:
            country = city.get("country") or {}
            subdivisions = city.get("subdivisions") or [{}]
            location = city.get("location") or {}
            for field, value in (
                ("geo_country", country.get("iso_code")),
                ("geo_region", subdivisions[-1].get("iso_code")),
                ("geo_region_name", _name(subdivisions[-1])),
                ("geo_city", _name(city.get("city"))),
                ("geo_zipcode", (city.get("postal") or {}).get("code")),
                ("geo_latitude", float(location.get("latitude") or 0.0)),
                ("geo_longitude", float(location.get("longitude") or 0.0)),
                ("geo_timezone", location.get("time_zone")),
            ):
                if value is not None:
                    fields[field] = value
        asn = None
        isp = _lookup(self._isp, address)
        if isp is not None:
            if isp.get("isp") is not None:
                fields["ip_isp"] = isp["isp"]
            if isp.get("organization") is not None:
                fields["ip_organization"] = isp["organization"]
            if isinstance(isp.get("autonomous_system_number"), int):
                asn = {"number": isp["autonomous_system_number"],
                       "organization": isp.get("autonomous_system_organization")}
        domain = _lookup(self._domain, address)
        if domain is not None and domain.get("domain") is not None:
            fields["ip_domain"] = domain["domain"]
        connection = _lookup(self._connection, address)
        if connection is not None and connection.get("connection_type") is not None:
            fields["ip_netspeed"] = connection["connection_type"]
        if asn is None:
            record = _lookup(self._asn, address)
            if record is not None and isinstance(record.get("autonomous_system_number"), int):
                asn = {"number": record["autonomous_system_number"],
                       "organization": record.get("autonomous_system_organization")}
        return fields, asn
