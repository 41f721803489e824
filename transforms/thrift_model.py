"""Snowplow's Thrift ``CollectorPayload``: the wire model shared by the collector and the pipeline.

The collector encodes with :func:`encode_payload` (thriftpy2, from the IDL in ``collector_payload.thrift``); the
pipeline decodes with the native core's bounded reader (``native/src/thrift.rs``), a batch of records per call
(:func:`decode_records`). Raw records may be anything: thriftpy2's Cython reader reads past the end of its data on
garbage, allocates whatever length a record declares, or spins over a container of two billion elements; the
native reader checks every length against the bytes that are left, so its work is bounded by the record's size.
A decoded payload is a ``native.CollectorPayload``, with the IDL's attribute names and ``encode()``.
"""
from __future__ import annotations

from pathlib import Path

import thriftpy2
from thriftpy2.protocol.cybin import TCyBinaryProtocol
from thriftpy2.transport import TCyMemoryBuffer

from snowplow_beam.transforms import native

COLLECTOR_PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0"

_thrift = thriftpy2.load(
    str(Path(__file__).with_name("collector_payload.thrift")), module_name="collector_payload_thrift"
)
CollectorPayload = _thrift.CollectorPayload  # what the collector (and tests) build payloads with
PayloadProblem = native.PayloadProblem


class PayloadFormatError(ValueError):
    """The bytes are not a usable CollectorPayload.

    ``field`` names the offending payload field when one can be named (for the bad row's
    ``payloadField`` message), else it is None and the message describes the error.
    """

    def __init__(self, message: str, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.field = field
        self.value = value


def encode_payload(payload) -> bytes:
    """Serialize with TBinaryProtocol, exactly as Snowplow's collector puts records on the raw stream (a thriftpy2
    payload, or a decoded one)."""
    if isinstance(payload, native.CollectorPayload):
        return payload.encode()
    buffer = TCyMemoryBuffer()
    TCyBinaryProtocol(buffer).write_struct(payload)
    return buffer.getvalue()


def decode_records(records: list[bytes], base64_lines: bool) -> list:
    """Each record's payload, or the :class:`PayloadProblem` that makes it unusable (``message``, ``field``,
    ``value``; ``internal`` when the decoder itself failed). ``base64_lines``: records are lines of raw files as
    read (base64 text, whitespace around it ignored), else Thrift bytes."""
    return native.decode_records(records, base64_lines)


def _one(record: bytes, base64_lines: bool):
    (decoded,) = native.decode_records([record], base64_lines)
    if isinstance(decoded, PayloadProblem):
        raise PayloadFormatError(decoded.message, decoded.field, decoded.value)
    return decoded


def decode_payload(data: bytes):
    """Parse and check one raw record; raise :class:`PayloadFormatError` if it is unusable."""
    return _one(bytes(data), False)


def decode_base64_record(line: str | bytes):
    """Decode one line of a raw file: a base64-encoded Thrift CollectorPayload."""
    return _one(line_bytes(line), True)


def line_bytes(line: str | bytes) -> bytes:
    """A line as the decoder takes it: bytes as read; text stripped (Python's whitespace) and one byte per
    character (a character beyond Latin-1, never base64, as ``?``)."""
    return line if isinstance(line, bytes) else line.strip().encode("latin-1", "replace")
