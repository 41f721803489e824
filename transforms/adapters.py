"""Tracker-protocol adapters: one CollectorPayload in, its raw events (or one bad row) out.

The adapters run in the native core (``native/src/adapters.rs``), with the decoding and mapping of a batch of
records in one call (:meth:`AdapterRegistry.adapt_records`). Supported, by request path (``/{vendor}/{version}``):

- ``/i``, ``/ice.png``, ``/com.snowplowanalytics.snowplow/tp1``: one event from the querystring;
- ``/com.snowplowanalytics.snowplow/tp2``: GET (querystring) or POST (a ``payload_data`` 1-0-* body,
  the querystring merged into every event and winning over the body);
- ``/r/tp2``: a click redirect, turned into a ``uri_redirect`` event (or context if ``e`` is set);
- ``/com.snowplowanalytics.iglu/v1``: the generic Iglu webhook (``?schema=iglu:...``, or a
  self-describing JSON body).

A path without the ``/vendor/version`` shape is a ``collector_payload_format_violation``; anything else
unsupported is an ``adapter_failures`` bad row; a payload that breaks the protocol is a
``tracker_protocol_violations`` bad row. Here: what bad rows need of a payload (:class:`Source`,
:class:`RawEvent`) and the one place the native results become them.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Callable, Sequence

from snowplow_beam.transforms import badrows, native
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.iglu.errors import IgluSystemError
from snowplow_beam.transforms.querystring import parse_querystring
from snowplow_beam.transforms.thrift_model import PayloadFormatError, encode_payload
from snowplow_beam.transforms.timestamps import format_iso_timestamp

_REJECTIONS = {
    "adapter_failures": badrows.adapter_failures,
    "tracker_protocol_violations": badrows.tracker_protocol_violations,
}


@dataclass(slots=True)
class Source:
    """Where raw events came from: the collector payload and the adapter (vendor/version) chosen for it."""

    vendor: str
    version: str
    timestamp: int
    ip_address: str | None
    encoding: str
    collector: str
    querystring: str | None = None
    body: bytes | None = None
    content_type: str | None = None
    hostname: str | None = None
    user_agent: str | None = None
    referer_uri: str | None = None
    headers: list[str] | None = None
    network_user_id: str | None = None

    @classmethod
    def from_payload(cls, payload, vendor: str, version: str) -> "Source":
        return cls(
            vendor=vendor,
            version=version,
            timestamp=payload.timestamp,
            ip_address=payload.ipAddress,
            encoding=payload.encoding,
            collector=payload.collector,
            querystring=payload.querystring,
            body=payload.body,
            content_type=payload.contentType,
            hostname=payload.hostname,
            user_agent=payload.userAgent,
            referer_uri=payload.refererUri,
            headers=payload.headers,
            network_user_id=payload.networkUserId,
        )

    def body_text(self) -> str | None:
        return None if self.body is None else self.body.decode("utf-8", "replace")

    def _common(self) -> dict:
        return {
            "contentType": self.content_type,
            "encoding": self.encoding,
            "hostname": self.hostname,
            "timestamp": format_iso_timestamp(self.timestamp),
            "ipAddress": self.ip_address,
            "useragent": self.user_agent,
            "refererUri": self.referer_uri,
            "headers": self.headers,
        }

    def to_badrow_payload(self) -> dict:
        """The collector payload as adapter_failures / tracker_protocol_violations carry it."""
        return {
            "vendor": self.vendor,
            "version": self.version,
            "querystring": name_value_list(parse_querystring(self.querystring)),
            "body": self.body_text(),
            "collector": self.collector,
            "networkUserId": self.network_user_id,
            **self._common(),
        }


@dataclass(slots=True)
class RawEvent:
    """One event's tracker parameters, with the payload it came from."""

    parameters: dict[str, str]
    source: Source

    def to_badrow_raw(self) -> dict:
        """The ``raw`` object of schema_violations / enrichment_failures bad rows."""
        return {
            "vendor": self.source.vendor,
            "version": self.source.version,
            "parameters": name_value_list(self.parameters),
            "loaderName": "thrift",
            "userId": self.source.network_user_id,
            **self.source._common(),
        }


class AdapterError(Exception):
    """The payload cannot be turned into events; ``bad_row`` says why."""

    def __init__(self, bad_row: BadRow):
        super().__init__(bad_row.type_name)
        self.bad_row = bad_row


def name_value_list(parameters: dict[str, str]) -> list[dict]:
    return [{"name": k, "value": v} for k, v in parameters.items()]


def decode_base64url(text: str) -> bytes:
    """Base64 as trackers send it: URL-safe or standard alphabet, padding optional (the native reader);
    raises ValueError."""
    return native.decode_base64url(text)


def rejection(rejected: "native.Rejected") -> BadRow:
    """The bad row of a payload the adapters refused."""
    payload = rejected.payload
    if rejected.kind == "collector_payload_format_violation":
        (message,) = rejected.messages
        return badrows.format_violation(_payload_text(payload), message, payload.timestamp)
    if rejected.kind == "generic_error":
        return badrows.generic_error(_payload_text(payload), rejected.messages, payload.timestamp)
    source = Source.from_payload(payload, rejected.vendor, rejected.version)
    return _REJECTIONS[rejected.kind](source, rejected.messages)


def _payload_text(payload) -> str:
    return base64.b64encode(encode_payload(payload)).decode("ascii")


class AdapterRegistry:
    """The adapters, with ``validate_payload_data(body_json)``: the Iglu failure messages of a tp2 body (empty when
    it is a valid ``payload_data`` 1-0-*; an :class:`IgluSystemError` it raises fails the batch)."""

    def __init__(self, validate_payload_data: Callable[[object], list[dict]]):
        self._validate_payload_data = validate_payload_data

    def adapt_records(self, records: Sequence[bytes], base64_lines: bool, etl_tstamp: int, v_etl: str,
                      enrichments=None, store=None, store_now_ms: int = 0, keep_good: bool = False) -> tuple:
        """Each record decoded, adapted and its events mapped (then, with ``enrichments``, a
        ``native.EnrichmentChain``, enriched and checked, and with the validator's ``store``, validated where the
        store can): a ``native.PayloadProblem``, ``native.Rejected`` (see :func:`rejection`) or ``native.Adapted``
        (its ``events``: ``native.MappedEvent``) per record; and the ``native.GoodBatch`` of the events kept
        native (with ``keep_good``: valid by the store, enriched without failure); a record whose events all
        stayed native is their count (an ``int``), not an ``Adapted``."""
        return native.adapt_records(records, base64_lines, self._validate_payload_data, IgluSystemError,
                                    etl_tstamp, v_etl, enrichments, store, store_now_ms, keep_good)

    def adapt(self, payload) -> list[RawEvent]:
        """The raw events of one payload (tools and tests); raises :class:`AdapterError` with the bad row, or
        :class:`PayloadFormatError` when the payload is not usable."""
        (result,), _ = self.adapt_records([encode_payload(payload)], False, 0, "")
        if isinstance(result, native.PayloadProblem):
            raise PayloadFormatError(result.message, result.field, result.value)
        if isinstance(result, native.Rejected):
            raise AdapterError(rejection(result))
        source = Source.from_payload(result.payload, result.vendor, result.version)
        return [RawEvent(mapped.parameters, source) for mapped in result.events]
