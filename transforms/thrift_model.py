"""Snowplow's Thrift ``CollectorPayload``: the wire model shared by the collector and the pipeline.

The collector encodes with :func:`encode_payload`; the pipeline decodes with :func:`decode_payload`.
Both use the IDL in ``collector_payload.thrift`` (Snowplow's field ids, ``body`` as binary).
"""
from __future__ import annotations

import base64
import binascii
from pathlib import Path

import thriftpy2
from thriftpy2.protocol.cybin import TCyBinaryProtocol
from thriftpy2.transport import TCyBufferedTransport, TCyMemoryBuffer, TMemoryBuffer

COLLECTOR_PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0"
_SCHEMA_PREFIX = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-"

_thrift = thriftpy2.load(
    str(Path(__file__).with_name("collector_payload.thrift")), module_name="collector_payload_thrift"
)
CollectorPayload = _thrift.CollectorPayload

# Fields the IDL declares as strings. thriftpy2 hands back bytes when such a field is not valid
# UTF-8; the JVM reader substitutes U+FFFD, and so do we, so every string field is a str.
_STRING_FIELDS = (
    "schema", "ipAddress", "encoding", "collector", "userAgent", "refererUri", "path",
    "querystring", "contentType", "hostname", "networkUserId",
)
_REQUIRED_FIELDS = ("ipAddress", "timestamp", "encoding", "collector")


class PayloadFormatError(ValueError):
    """The bytes are not a usable CollectorPayload.

    ``field`` names the offending payload field when one can be named (for the bad row's
    ``payloadField`` message), else it is None and the message describes the error.
    """

    def __init__(self, message: str, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.field = field
        self.value = value


def encode_payload(payload: CollectorPayload) -> bytes:
    """Serialize with TBinaryProtocol, exactly as Snowplow's collector puts records on the raw stream."""
    buffer = TCyMemoryBuffer()
    TCyBinaryProtocol(buffer).write_struct(payload)
    return buffer.getvalue()


def decode_payload(data: bytes) -> CollectorPayload:
    """Parse and check one raw record; raise :class:`PayloadFormatError` if it is unusable."""
    payload = CollectorPayload()
    try:
        # Not TCyMemoryBuffer: it reads past the end of its data when a declared length is too
        # long, returning whatever memory follows. The buffered transport stops at the end.
        TCyBinaryProtocol(TCyBufferedTransport(TMemoryBuffer(data))).read_struct(payload)
    except Exception as exc:  # garbage raises anything from EOFError to SystemError
        # The exception's text may quote the record's bytes: name only its type.
        raise PayloadFormatError(f"cannot deserialize Thrift CollectorPayload ({type(exc).__name__})") from None
    for name in _STRING_FIELDS:
        value = getattr(payload, name)
        if isinstance(value, bytes):
            setattr(payload, name, value.decode("utf-8", "replace"))
    if payload.schema is None or not payload.schema.startswith(_SCHEMA_PREFIX):
        raise PayloadFormatError(
            "not a CollectorPayload 1-*-*", field="schema", value=payload.schema
        )
    for name in _REQUIRED_FIELDS:
        if getattr(payload, name) is None:
            raise PayloadFormatError(f"required field {name} is missing", field=name)
    if not 0 <= payload.timestamp < 253402300800000:  # years 1970..9999, what warehouses accept
        raise PayloadFormatError("timestamp out of range", field="timestamp", value=str(payload.timestamp))
    return payload


def decode_base64_record(line: str | bytes) -> CollectorPayload:
    """Decode one line of a raw file: a base64-encoded Thrift CollectorPayload."""
    try:
        data = base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadFormatError("record is not valid base64") from None
    if not data:
        raise PayloadFormatError("record is empty")
    return decode_payload(data)
