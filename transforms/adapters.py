"""Tracker-protocol adapters: one CollectorPayload in, its raw events (or one bad row) out.

Supported, by request path (``/{vendor}/{version}``):

- ``/i``, ``/ice.png``, ``/com.snowplowanalytics.snowplow/tp1``: one event from the querystring;
- ``/com.snowplowanalytics.snowplow/tp2``: GET (querystring) or POST (a ``payload_data`` 1-0-* body,
  the querystring merged into every event and winning over the body);
- ``/r/tp2``: a click redirect, turned into a ``uri_redirect`` event (or context if ``e`` is set);
- ``/com.snowplowanalytics.iglu/v1``: the generic Iglu webhook (``?schema=iglu:...``).

Anything else is an ``adapter_failures`` bad row; a payload that breaks the protocol is a
``tracker_protocol_violations`` bad row.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl

import orjson

from transforms import badrows
from transforms.atomic import format_iso_timestamp
from transforms.badrows import BadRow

SNOWPLOW = "com.snowplowanalytics.snowplow"
PAYLOAD_DATA_CRITERION = f"iglu:{SNOWPLOW}/payload_data/jsonschema/1-*-*"
CONTEXTS_SCHEMA = f"iglu:{SNOWPLOW}/contexts/jsonschema/1-0-1"
UNSTRUCT_EVENT_SCHEMA = f"iglu:{SNOWPLOW}/unstruct_event/jsonschema/1-0-0"
URI_REDIRECT_SCHEMA = f"iglu:{SNOWPLOW}/uri_redirect/jsonschema/1-0-0"
_JSON_CONTENT_TYPES = ("application/json",)
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


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


def parse_querystring(querystring: str | None) -> dict[str, str]:
    """Tracker querystrings: ``+`` and ``%20`` are spaces; for repeated names the last one wins."""
    if not querystring:
        return {}
    return dict(parse_qsl(querystring, keep_blank_values=True))


def decode_base64url(text: str) -> bytes:
    """Base64 as trackers send it: URL-safe or standard alphabet, padding optional."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)


def split_path(path: str | None) -> tuple[str, str] | None:
    """The (vendor, version) of a request path, or None if it has no such shape."""
    if path in ("/i", "/ice.png"):
        return SNOWPLOW, "tp1"
    if not path:
        return None
    parts = path.strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


class AdapterRegistry:
    """Chooses the adapter for a payload's path and runs it.

    ``validate_payload_data(body_json)`` returns the Iglu failure messages for a tp2 body
    (empty when it is a valid ``payload_data`` 1-0-*).
    """

    def __init__(self, validate_payload_data: Callable[[object], list[dict]]):
        self._validate_payload_data = validate_payload_data
        self._adapters = {
            (SNOWPLOW, "tp1"): self._tp1,
            (SNOWPLOW, "tp2"): self._tp2,
            ("r", "tp2"): self._redirect,
            ("com.snowplowanalytics.iglu", "v1"): self._iglu_webhook,
        }

    def adapt(self, payload, vendor: str, version: str) -> list[RawEvent]:
        """The raw events of one payload; raises :class:`AdapterError` with the bad row."""
        source = Source.from_payload(payload, vendor, version)
        adapter = self._adapters.get((vendor, version))
        if adapter is None:
            raise AdapterError(badrows.adapter_failures(source, [{
                "field": "vendor/version",
                "value": f"{vendor}/{version}",
                "expectation": "vendor/version combination is not supported",
            }]))
        return adapter(source)

    @staticmethod
    def _violation(source: Source, messages: list[dict]) -> AdapterError:
        return AdapterError(badrows.tracker_protocol_violations(source, messages))

    def _tp1(self, source: Source) -> list[RawEvent]:
        parameters = parse_querystring(source.querystring)
        if not parameters:
            raise self._violation(source, [{
                "field": "querystring", "value": source.querystring,
                "expectation": "empty querystring: not a valid tracker protocol event",
            }])
        return [RawEvent(parameters, source)]

    def _tp2(self, source: Source) -> list[RawEvent]:
        query = parse_querystring(source.querystring)
        body = source.body_text()
        if not body:
            if not query:
                raise self._violation(source, [{
                    "field": "body", "value": None,
                    "expectation": "empty body and querystring: not a valid tracker protocol event",
                }])
            return [RawEvent(query, source)]
        content_type = (source.content_type or "").split(";")[0].strip().lower()
        if content_type not in _JSON_CONTENT_TYPES:
            raise self._violation(source, [{
                "field": "contentType", "value": source.content_type,
                "expectation": "expected application/json (optionally with a charset) for a tp2 body",
            }])
        try:
            envelope = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise self._violation(source, [{"field": "body", "value": body, "error": str(exc)}]) from None
        messages = self._validate_payload_data(envelope)
        if messages:
            raise self._violation(source, messages)
        return [RawEvent({**event, **query}, source) for event in envelope["data"]]

    def _redirect(self, source: Source) -> list[RawEvent]:
        parameters = parse_querystring(source.querystring)
        target = parameters.pop("u", None)
        if not target:
            raise self._violation(source, [{
                "field": "querystring", "value": source.querystring,
                "expectation": "querystring does not contain u parameter: not a valid URI redirect",
            }])
        redirect = {"schema": URI_REDIRECT_SCHEMA, "data": {"uri": target}}
        parameters.setdefault("tv", "r-tp2")
        parameters.setdefault("p", "web")
        if "e" not in parameters:
            parameters["e"] = "ue"
            parameters["ue_pr"] = _dumps({"schema": UNSTRUCT_EVENT_SCHEMA, "data": redirect})
        else:
            _add_context(parameters, redirect)
        return [RawEvent(parameters, source)]

    def _iglu_webhook(self, source: Source) -> list[RawEvent]:
        query = parse_querystring(source.querystring)
        schema = query.pop("schema", None)
        if not schema:
            raise AdapterError(badrows.adapter_failures(source, [{
                "field": "schema", "value": None,
                "expectation": "the schema parameter must be provided in the querystring",
            }]))
        platform = query.pop("p", "app")
        body = source.body_text()
        if not body:
            items = [query]
        else:
            content_type = (source.content_type or "").split(";")[0].strip().lower()
            if content_type in _JSON_CONTENT_TYPES:
                try:
                    parsed = orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    raise AdapterError(badrows.adapter_failures(
                        source, [{"field": "body", "value": body, "error": str(exc)}])) from None
                items = parsed if isinstance(parsed, list) else [parsed]
            elif content_type == _FORM_CONTENT_TYPE:
                items = [parse_querystring(body)]
            else:
                raise AdapterError(badrows.adapter_failures(source, [{
                    "field": "contentType", "value": source.content_type,
                    "expectation": f"expected application/json or {_FORM_CONTENT_TYPE}",
                }]))
        if not items:
            raise AdapterError(badrows.adapter_failures(source, [{
                "field": "body", "value": body, "expectation": "at least one event",
            }]))
        return [
            RawEvent({
                "e": "ue", "p": platform, "tv": "com.snowplowanalytics.iglu-v1",
                "ue_pr": _dumps({"schema": UNSTRUCT_EVENT_SCHEMA, "data": {"schema": schema, "data": item}}),
            }, source)
            for item in items
        ]


def _dumps(value) -> str:
    return orjson.dumps(value).decode("utf-8")


def _add_context(parameters: dict[str, str], entity: dict) -> None:
    """Append ``entity`` to the event's contexts (``cx`` or ``co``); leave unreadable ones for enrich to judge."""
    if "cx" in parameters:
        try:
            contexts = orjson.loads(decode_base64url(parameters["cx"]))
            contexts["data"].append(entity)
        except (ValueError, binascii.Error, KeyError, TypeError, AttributeError):
            return
        parameters["cx"] = base64.urlsafe_b64encode(orjson.dumps(contexts)).decode("ascii")
    elif "co" in parameters:
        try:
            contexts = orjson.loads(parameters["co"])
            contexts["data"].append(entity)
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        parameters["co"] = _dumps(contexts)
    else:
        parameters["co"] = _dumps({"schema": CONTEXTS_SCHEMA, "data": [entity]})
