"""Tracker-protocol adapters: one CollectorPayload in, its raw events (or one bad row) out.

Supported, by request path (``/{vendor}/{version}``):

- ``/i``, ``/ice.png``, ``/com.snowplowanalytics.snowplow/tp1``: one event from the querystring;
- ``/com.snowplowanalytics.snowplow/tp2``: GET (querystring) or POST (a ``payload_data`` 1-0-* body,
  the querystring merged into every event and winning over the body);
- ``/r/tp2``: a click redirect, turned into a ``uri_redirect`` event (or context if ``e`` is set);
- ``/com.snowplowanalytics.iglu/v1``: the generic Iglu webhook (``?schema=iglu:...``, or a
  self-describing JSON body).

Anything else is an ``adapter_failures`` bad row; a payload that breaks the protocol is a
``tracker_protocol_violations`` bad row.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Callable

import orjson

from snowplow_beam.transforms import badrows, bounded_json
from snowplow_beam.transforms.timestamps import format_iso_timestamp
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.iglu.keys import InvalidSchemaKey, SchemaKey
from snowplow_beam.transforms.querystring import parse_querystring

SNOWPLOW = "com.snowplowanalytics.snowplow"
PAYLOAD_DATA_CRITERION = f"iglu:{SNOWPLOW}/payload_data/jsonschema/1-*-*"
CONTEXTS_SCHEMA = f"iglu:{SNOWPLOW}/contexts/jsonschema/1-0-1"
UNSTRUCT_EVENT_SCHEMA = f"iglu:{SNOWPLOW}/unstruct_event/jsonschema/1-0-0"
URI_REDIRECT_SCHEMA = f"iglu:{SNOWPLOW}/uri_redirect/jsonschema/1-0-0"
REDIRECT_TRACKER_VERSION = "r-tp2"
IGLU_TRACKER_VERSION = "com.snowplowanalytics.iglu-v1"
# Iglu webhook: querystring parameters copied onto the event, and those kept out of a GET's data.
_IGLU_PASS_THROUGH = frozenset(("nuid", "aid", "cv", "eid", "ttm", "url"))
_IGLU_NOT_DATA = frozenset(("schema", "nuid", "aid", "cv", "p"))
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
            # Snowplow's Tp1Adapter makes this an adapter failure; here it is a tracker protocol violation, as
            # for tp2 (README, "Differences from Snowplow enrich").
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
            envelope = bounded_json.loads(body)
        except ValueError as exc:
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
        if "e" not in parameters:
            parameters["e"] = "ue"
            parameters["ue_pr"] = _dumps({"schema": UNSTRUCT_EVENT_SCHEMA, "data": redirect})
        else:
            problem = _add_context(parameters, redirect)
            if problem is not None:
                raise self._violation(source, [problem])
        parameters["tv"] = REDIRECT_TRACKER_VERSION  # always: it marks events that came through a redirect
        parameters.setdefault("p", "web")
        return [RawEvent(parameters, source)]

    def _iglu_webhook(self, source: Source) -> list[RawEvent]:
        """Snowplow's IgluAdapter: ``?schema=`` with the querystring (GET), a JSON object or array, or a
        form as the data; or, without ``schema``, a self-describing JSON body."""
        query = parse_querystring(source.querystring)
        schema = query.get("schema")
        body = source.body_text()
        content_type = (source.content_type or "").split(";")[0].strip().lower()

        def failure(message: dict) -> AdapterError:
            return AdapterError(badrows.adapter_failures(source, [message]))

        if body and source.content_type is None:
            raise failure({"field": "contentType", "value": None,
                           "expectation": f"expected application/json or {_FORM_CONTENT_TYPE}"})
        if not schema:
            if not body:
                raise failure({"field": "schema", "value": None,
                               "expectation": "the schema parameter must be provided in the querystring"})
            if content_type not in _JSON_CONTENT_TYPES:
                raise failure({"field": "contentType", "value": source.content_type,
                               "expectation": "expected application/json for a self-describing body"})
            parsed = self._json_body(source, body)
            problem = _not_self_describing(parsed)
            if problem is not None:
                raise failure({"json": parsed, "error": problem})
            return [_iglu_event(parsed["schema"], parsed["data"], query, "app", source)]
        try:
            SchemaKey.parse(schema)
        except InvalidSchemaKey as exc:
            raise failure({"field": "schema", "value": schema,
                           "expectation": f"a valid Iglu schema URI ({exc.code})"}) from None
        if not body:
            # An empty or bare parameter (``?a=&b``) is JSON null in the event, as in Snowplow's IgluAdapter;
            # the parameters copied onto the event (``aid``, ``nuid``...) keep their text.
            data = {k: (v if v != "" else None) for k, v in query.items() if k not in _IGLU_NOT_DATA}
            return [_iglu_event(schema, data, query, "app", source)]
        if content_type in _JSON_CONTENT_TYPES:
            parsed = self._json_body(source, body)
            if isinstance(parsed, list):
                if not parsed:
                    raise failure({"field": "body", "value": body, "expectation": "empty array of events"})
                return [_iglu_event(schema, item, query, "app", source) for item in parsed]
            if not isinstance(parsed, dict) or not parsed:
                raise failure({"field": "body", "value": body, "expectation": "has no key-value pairs"})
            return [_iglu_event(schema, parsed, query, "app", source)]
        if content_type == _FORM_CONTENT_TYPE:
            return [_iglu_event(schema, parse_querystring(body), query, "srv", source)]
        raise failure({"field": "contentType", "value": source.content_type,
                       "expectation": f"expected application/json or {_FORM_CONTENT_TYPE}"})

    @staticmethod
    def _json_body(source: Source, body: str):
        try:
            return bounded_json.loads(body)
        except ValueError as exc:
            raise AdapterError(badrows.adapter_failures(
                source, [{"field": "body", "value": body, "error": str(exc)}])) from None


def _iglu_event(schema: str, data, query: dict[str, str], platform: str, source: Source) -> RawEvent:
    """One Iglu webhook event; the querystring's ``p`` and pass-through parameters become event parameters."""
    parameters = {
        "tv": IGLU_TRACKER_VERSION, "e": "ue", "p": query.get("p", platform),
        "ue_pr": _dumps({"schema": UNSTRUCT_EVENT_SCHEMA, "data": {"schema": schema, "data": data}}),
    }
    parameters.update((k, v) for k, v in query.items() if k in _IGLU_PASS_THROUGH)
    return RawEvent(parameters, source)


def _not_self_describing(value) -> str | None:
    """The NotIglu error code of a JSON value that is not ``{"schema": <Iglu URI>, "data": ...}``, else None."""
    if not isinstance(value, dict):
        return "INVALID_DATA_PAYLOAD"
    try:
        SchemaKey.parse(value.get("schema"))
    except InvalidSchemaKey as exc:
        return exc.code
    return None if "data" in value else "INVALID_DATA_PAYLOAD"


def _dumps(value) -> str:
    return orjson.dumps(value).decode("utf-8")


def _add_context(parameters: dict[str, str], entity: dict) -> dict | None:
    """Put ``entity`` first in the event's contexts (``cx``, else ``co``, else a new ``co``), as Snowplow's
    redirect adapter does. Contexts that cannot be read (``cx`` not base64, either not JSON) are a
    tracker protocol violation there: the failure message is returned. JSON without a ``data`` list is
    left as sent, for Iglu validation to report."""
    if "cx" in parameters:
        try:
            text = decode_base64url(parameters["cx"])
        except (binascii.Error, ValueError):
            return {"field": "cx", "value": parameters["cx"], "expectation": "base64url-encoded contexts"}
        try:
            contexts = bounded_json.loads(text)
        except ValueError as exc:
            return {"field": "cx", "value": parameters["cx"], "error": str(exc)}
        try:
            contexts["data"].insert(0, entity)
        except (KeyError, TypeError, AttributeError):
            return None
        parameters["cx"] = base64.urlsafe_b64encode(orjson.dumps(contexts)).decode("ascii")
    elif parameters.get("co"):
        try:
            contexts = bounded_json.loads(parameters["co"])
        except ValueError as exc:
            return {"field": "co", "value": parameters["co"], "error": str(exc)}
        try:
            contexts["data"].insert(0, entity)
        except (KeyError, TypeError, AttributeError):
            return None
        parameters["co"] = _dumps(contexts)
    else:
        parameters["co"] = _dumps({"schema": CONTEXTS_SCHEMA, "data": [entity]})
    return None
