"""KPL de-aggregation: the user records of a Kinesis Producer Library aggregated record (magic ``f3 89 9a c2`` +
protobuf ``AggregatedRecord`` + MD5), read with a minimal protobuf reader; a record that is not a valid aggregate
is passed on as it is. `aggregate` writes the format (for tests and tools)."""
from __future__ import annotations

import hashlib
import logging
from typing import Iterator, NamedTuple

_LOG = logging.getLogger(__name__)

KPL_MAGIC = b"\xf3\x89\x9a\xc2"


class SubRecord(NamedTuple):
    partition_key: str
    explicit_hash_key: str | None
    data: bytes


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: bytes) -> Iterator[tuple[int, int, object]]:
    """``(field number, wire type, value)`` of a protobuf message: ints for varints, bytes for the rest."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("truncated field")
        yield number, wire, value


def deaggregate(data: bytes) -> list[SubRecord] | None:
    """The user records of a KPL aggregated record, or None when ``data`` is not one (pass it on as is).

    Format: ``f3 89 9a c2`` + ``AggregatedRecord`` protobuf + MD5 of that protobuf, where
    ``AggregatedRecord {repeated string partition_key_table = 1; repeated string
    explicit_hash_key_table = 2; repeated Record records = 3;}`` and ``Record {uint64
    partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag tags = 4;}``.
    """
    if len(data) < len(KPL_MAGIC) + 16 or not data.startswith(KPL_MAGIC):
        return None
    message, digest = data[len(KPL_MAGIC):-16], data[-16:]
    if hashlib.md5(message).digest() != digest:
        return None
    try:
        keys, hash_keys, raw_records = [], [], []
        for number, wire, value in _fields(message):
            if wire != 2:
                continue
            if number == 1:
                keys.append(value.decode("utf-8"))
            elif number == 2:
                hash_keys.append(value.decode("utf-8"))
            elif number == 3:
                raw_records.append(value)
        records = []
        for raw in raw_records:
            key_index, hash_index, payload = None, None, b""
            for number, wire, value in _fields(raw):
                if number == 1 and wire == 0:
                    key_index = value
                elif number == 2 and wire == 0:
                    hash_index = value
                elif number == 3 and wire == 2:
                    payload = bytes(value)
            if key_index is None or key_index >= len(keys):
                raise ValueError("partition key index out of range")
            records.append(SubRecord(keys[key_index],
                                     hash_keys[hash_index] if hash_index is not None and hash_index < len(hash_keys)
                                     else None, payload))
        return records
    except (ValueError, UnicodeDecodeError) as exc:
        _LOG.warning("a record with the KPL magic bytes is not a valid aggregate (%s): passed on as it is", exc)
        return None


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _encode_bytes(number: int, value: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(value)) + value


def aggregate(records: list[tuple[str, bytes]]) -> bytes:
    """A KPL aggregated record of ``(partition key, data)`` pairs (the KPL's format; for tests and tools)."""
    keys: list[str] = []
    body = b""
    inner = b""
    for key, data in records:
        if key not in keys:
            keys.append(key)
        inner += _encode_bytes(3, _encode_varint(1 << 3 | 0) + _encode_varint(keys.index(key))
                               + _encode_bytes(3, data))
    body = b"".join(_encode_bytes(1, key.encode()) for key in keys) + inner
    return KPL_MAGIC + body + hashlib.md5(body).digest()
