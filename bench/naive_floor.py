"""The naive floor: what a plain-Python loop costs for the least an enricher must do with a record.

Per raw line: base64 and Thrift (thriftpy2's Cython protocol), the querystring or the tp2 JSON body, each event's
contexts and unstruct event (base64url JSON or plain JSON), and HMAC-SHA256 of 7 identifiers. No validation, no
enrichment, no output. Written by us, naively, so that the pipeline's figures are read as a ratio to it on the same
records in the same process conditions: the machine's noise moves both alike.

thriftpy2 trusts the lengths a record declares (a few garbage bytes make it read or allocate gigabytes), so the floor
is given only the lines that decode as Thrift (:func:`decodable`, outside the timed part): the broken records of
the mix cost the floor nothing, which flatters it a little.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from pathlib import Path
from urllib.parse import parse_qsl

import orjson
import thriftpy2
from thriftpy2.protocol.cybin import TCyBinaryProtocolFactory
from thriftpy2.utils import deserialize

_IDL = Path(__file__).resolve().parents[1] / "transforms" / "collector_payload.thrift"
_THRIFT = thriftpy2.load(str(_IDL), module_name="naive_collector_payload_thrift")
_PROTOCOL = TCyBinaryProtocolFactory()
# The identifiers pseudonymized in every event: the tracker's and the collector's.
_TRACKER_IDS = ("uid", "duid", "sid", "tnuid", "url")
_B64_JSON = ("cx", "ue_px")
_PLAIN_JSON = ("co", "ue_pr")


def _json_field(event: dict) -> None:
    for name in _B64_JSON:
        value = event.get(name)
        if value:
            orjson.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    for name in _PLAIN_JSON:
        value = event.get(name)
        if value:
            orjson.loads(value)


def decodable(lines: list[str]) -> list[str]:
    """The lines the project's bounded decoder reads as a CollectorPayload (thriftpy2 is safe on those)."""
    from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record

    kept = []
    for line in lines:
        try:
            decode_base64_record(line)
        except PayloadFormatError:
            continue
        kept.append(line)
    return kept


def floor(lines: list[str], key: bytes) -> int:
    """Run the floor over base64 Thrift ``lines``; returns the events it saw."""
    events = 0
    for line in lines:
        try:
            payload = deserialize(_THRIFT.CollectorPayload(), base64.b64decode(line), _PROTOCOL)
            if payload.body:
                batch = orjson.loads(payload.body)["data"]
            else:
                batch = [dict(parse_qsl(payload.querystring or "", keep_blank_values=True))]
        except Exception:  # a broken record: the floor only skips it
            continue
        for event in batch:
            if not isinstance(event, dict):
                continue
            events += 1
            try:
                _json_field(event)
            except (binascii.Error, ValueError):
                pass
            values = [event.get(name) for name in _TRACKER_IDS] + [payload.networkUserId, payload.ipAddress]
            for value in values:
                if value:
                    hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return events
