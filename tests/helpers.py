"""Small builders shared by the unit tests of the event logic: collector payloads, raw events, tracker captures."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from snowplow_beam.transforms.adapters import AdapterRegistry, RawEvent, Source
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload

COLLECTOR_TSTAMP = 1_795_849_374_000  # 2026-11-28 07:02:54.000 UTC, just after the captures were taken
COLLECTOR = "ssc-3.4.0-kinesis"
TP2 = "/com.snowplowanalytics.snowplow/tp2"
CAPTURES = Path(__file__).parent / "data" / "tracker_captures"  # copies of /work/shared/captures


def payload(path: str = "/i", querystring: str | None = None, body: bytes | str | None = None,
            content_type: str | None = None, **fields) -> CollectorPayload:
    """A CollectorPayload as the collector builds it; ``fields`` override or add any Thrift field."""
    values = dict(
        schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress="203.0.113.9", timestamp=COLLECTOR_TSTAMP,
        encoding="UTF-8", collector=COLLECTOR, path=path, querystring=querystring,
        body=body.encode("utf-8") if isinstance(body, str) else body, contentType=content_type,
    )
    values.update(fields)
    return CollectorPayload(**values)


def raw_event(parameters: dict[str, str], **source_fields) -> RawEvent:
    """A raw event as the tp2 adapter makes it; ``source_fields`` override :class:`Source` attributes."""
    values = dict(vendor="com.snowplowanalytics.snowplow", version="tp2", timestamp=COLLECTOR_TSTAMP,
                  ip_address="203.0.113.9", encoding="UTF-8", collector=COLLECTOR)
    values.update(source_fields)
    return RawEvent(dict(parameters), Source(**values))


def load_capture(name: str) -> dict:
    return json.loads((CAPTURES / name).read_text())


def capture_names() -> list[str]:
    return sorted(p.name for p in CAPTURES.glob("*.json"))


def capture_payload(capture: dict) -> CollectorPayload:
    """What the collector would have stored for a captured tracker request."""
    headers = [f"{name}: {value}" for name, value in capture["headers"]]
    by_name = {name.lower(): value for name, value in capture["headers"]}
    return payload(
        path=capture["path"], querystring=capture["querystring"], body=capture["body"],
        content_type=by_name.get("content-type"), headers=headers, userAgent=by_name.get("user-agent"),
        hostname=by_name["host"].split(":")[0],
    )


@functools.cache
def event_validator():
    from snowplow_beam.transforms.iglu import Resolver, Validator
    from snowplow_beam.transforms.validation import EventValidator

    return EventValidator(Validator(Resolver.embedded()))


def adapter_registry() -> AdapterRegistry:
    """The adapters with the real Iglu validation of tp2 bodies (embedded registry)."""
    return AdapterRegistry(event_validator().payload_data)
