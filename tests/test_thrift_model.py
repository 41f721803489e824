"""transforms.thrift_model: the CollectorPayload wire format, and every way a raw record can be unusable."""
from __future__ import annotations

import base64
import random
import struct
import time

import pytest
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.Thrift import TType
from thrift.transport.TTransport import TMemoryBuffer

from tests.helpers import payload
from snowplow_beam.transforms.thrift_model import (
    COLLECTOR_PAYLOAD_SCHEMA,
    CollectorPayload,
    PayloadFormatError,
    decode_base64_record,
    decode_payload,
    encode_payload,
)

ALL_FIELDS = dict(
    schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress="2001:db8::7", timestamp=1_795_849_374_123, encoding="UTF-8",
    collector="ssc-3.4.0-kinesis", userAgent="Mozilla/5.0 (X11; Linux x86_64) Ünïcødé ✓",
    refererUri="https://ref.example/page?x=1", path="/com.snowplowanalytics.snowplow/tp2",
    querystring="aid=a&page=A+page", body=b'{"schema":"iglu:x","data":[]}\x00\xff',
    headers=["Host: collector.example", "Cookie: sp=abc", "Content-Type: application/json"],
    contentType="application/json", hostname="collector.example",
    networkUserId="6e9f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b",
)
# Snowplow's field ids (collector-payload-1), written here independently of the IDL file.
FIELD_IDS = {"schema": 31337, "ipAddress": 100, "timestamp": 200, "encoding": 210, "collector": 220,
             "userAgent": 300, "refererUri": 310, "path": 320, "querystring": 330, "body": 340, "headers": 350,
             "contentType": 360, "hostname": 400, "networkUserId": 410}


def apache_encode(fields: dict, order=None) -> bytes:
    """CollectorPayload bytes written with Apache Thrift's own TBinaryProtocol, field by field."""
    buffer = TMemoryBuffer()
    protocol = TBinaryProtocol(buffer)
    protocol.writeStructBegin("CollectorPayload")
    for name in order or sorted(fields, key=FIELD_IDS.get):
        value = fields[name]
        if name == "timestamp":
            protocol.writeFieldBegin(name, TType.I64, FIELD_IDS[name])
            protocol.writeI64(value)
        elif name == "headers":
            protocol.writeFieldBegin(name, TType.LIST, FIELD_IDS[name])
            protocol.writeListBegin(TType.STRING, len(value))
            for item in value:
                protocol.writeBinary(item if isinstance(item, bytes) else item.encode("utf-8"))
            protocol.writeListEnd()
        else:
            protocol.writeFieldBegin(name, TType.STRING, FIELD_IDS[name])
            protocol.writeBinary(value if isinstance(value, bytes) else value.encode("utf-8"))
        protocol.writeFieldEnd()
    protocol.writeFieldStop()
    protocol.writeStructEnd()
    return buffer.getvalue()


def apache_decode(data: bytes) -> dict:
    """Read bytes back with Apache Thrift: field id -> value."""
    protocol = TBinaryProtocol(TMemoryBuffer(data))
    out = {}
    protocol.readStructBegin()
    while True:
        _, ftype, fid = protocol.readFieldBegin()
        if ftype == TType.STOP:
            break
        if ftype == TType.I64:
            out[fid] = protocol.readI64()
        elif ftype == TType.LIST:
            _, size = protocol.readListBegin()
            out[fid] = [protocol.readBinary() for _ in range(size)]
            protocol.readListEnd()
        else:
            out[fid] = protocol.readBinary()
        protocol.readFieldEnd()
    return out


def field_header(ttype: int, field_id: int) -> bytes:
    return struct.pack(">bh", ttype, field_id)


def string_field(field_id: int, data: bytes, declared_length: int | None = None) -> bytes:
    length = len(data) if declared_length is None else declared_length
    return field_header(TType.STRING, field_id) + struct.pack(">i", length) + data


def minimal_fields() -> dict:
    return {name: ALL_FIELDS[name] for name in ("schema", "ipAddress", "timestamp", "encoding", "collector")}


def assert_fields(decoded: CollectorPayload, expected: dict) -> None:
    for name in FIELD_IDS:
        assert getattr(decoded, name) == expected.get(name), name


# ---- the wire format ---------------------------------------------------------------------------------


def test_round_trip_keeps_every_field():
    decoded = decode_payload(encode_payload(CollectorPayload(**ALL_FIELDS)))
    assert_fields(decoded, ALL_FIELDS)
    assert isinstance(decoded.body, bytes)


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_decodes_any_bytes_like_record(wrap):
    data = encode_payload(CollectorPayload(**ALL_FIELDS))
    assert_fields(decode_payload(wrap(data)), ALL_FIELDS)


def test_round_trip_of_a_minimal_payload_leaves_optional_fields_unset():
    decoded = decode_payload(encode_payload(CollectorPayload(**minimal_fields())))
    assert_fields(decoded, minimal_fields())


@pytest.mark.parametrize("order", ["by_id", "schema_first", "reversed"])
def test_decodes_bytes_written_by_apache_thrift(order):
    names = sorted(ALL_FIELDS, key=FIELD_IDS.get)
    if order == "schema_first":  # as thriftpy2 and Snowplow's JVM collector write it
        names = ["schema"] + [n for n in names if n != "schema"]
    elif order == "reversed":
        names = names[::-1]
    assert_fields(decode_payload(apache_encode(ALL_FIELDS, names)), ALL_FIELDS)


def test_encoding_is_read_back_by_apache_thrift_with_snowplows_field_ids():
    fields = apache_decode(encode_payload(CollectorPayload(**ALL_FIELDS)))
    expected = {
        FIELD_IDS[name]: value if name in ("timestamp", "body") else
        [h.encode() for h in value] if name == "headers" else value.encode("utf-8")
        for name, value in ALL_FIELDS.items()
    }
    assert fields == expected


def test_encoding_starts_with_the_schema_field_as_the_schema_sniffer_expects():
    data = encode_payload(CollectorPayload(**minimal_fields()))
    assert data[:7] == field_header(TType.STRING, 31337) + struct.pack(">i", len(COLLECTOR_PAYLOAD_SCHEMA))


def test_unknown_fields_and_fields_of_another_type_are_skipped():
    extra = b"".join([
        string_field(999, b"from a future collector"),
        field_header(TType.I32, 998) + struct.pack(">i", 7),
        field_header(TType.DOUBLE, 997) + struct.pack(">d", 1.5),
        field_header(TType.LIST, 996) + bytes([TType.I64]) + struct.pack(">i", 2) + struct.pack(">qq", 1, 2),
        field_header(TType.MAP, 995) + bytes([TType.STRING, TType.I32]) + struct.pack(">i", 1)
        + struct.pack(">i", 1) + b"k" + struct.pack(">i", 9),
        field_header(TType.STRUCT, 994) + string_field(1, b"nested") + field_header(TType.BOOL, 2) + b"\x01" + b"\x00",
        field_header(TType.LIST, 350) + bytes([TType.I32]) + struct.pack(">ii", 1, 5),  # headers as list<i32>
        field_header(TType.I32, 200) + struct.pack(">i", 5),  # timestamp as i32: skipped, the i64 below is kept
    ])
    data = extra + apache_encode(minimal_fields())
    assert_fields(decode_payload(data), minimal_fields())


def test_a_newer_collector_payload_1_x_schema_is_accepted():
    fields = minimal_fields() | {"schema": "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-1"}
    assert decode_payload(apache_encode(fields)).schema == fields["schema"]


# ---- unusable records ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    b"", b"\x00", b"\xff" * 16, b"garbage that is not thrift", b"\x0b\x7a\x69\xff\xff\xff\xff",
    b"\x0f\x01\x5e\x0b\x80\x00\x00\x00",  # a list with a negative size
], ids=["empty", "stop_only", "ff", "text", "negative_string_length", "negative_list_size"])
def test_garbage_raises_payload_format_error(data):
    with pytest.raises(PayloadFormatError):
        decode_payload(data)


def test_random_bytes_are_rejected_quickly():
    # Regression: thriftpy2's reader spent seconds on about one random record in ten (skipping a
    # container of up to 2**31 elements of an invalid type) and allocated any declared length.
    rng = random.Random(1392)
    started = time.perf_counter()
    for _ in range(2_000):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        with pytest.raises(PayloadFormatError):
            decode_payload(data)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("container", [
    bytes([TType.LIST, TType.STOP]) + struct.pack(">i", 2**31 - 1),
    bytes([TType.SET, 7]) + struct.pack(">i", 2**31 - 1),
    bytes([TType.MAP, 1, 1]) + struct.pack(">i", 2**31 - 1),
    bytes([TType.LIST, TType.I64]) + struct.pack(">i", 2**28),
], ids=["list_of_stop", "set_of_type_7", "map_of_void", "list_longer_than_the_record"])
def test_a_huge_container_in_an_unknown_field_fails_fast(container):
    data = field_header(container[0], 999) + container[1:] + apache_encode(minimal_fields())
    started = time.perf_counter()
    with pytest.raises(PayloadFormatError, match="cannot deserialize Thrift CollectorPayload: a container"):
        decode_payload(data)
    assert time.perf_counter() - started < 0.1


def test_every_truncation_of_a_record_is_rejected():
    data = encode_payload(CollectorPayload(**ALL_FIELDS))
    for end in range(len(data)):
        with pytest.raises(PayloadFormatError):
            decode_payload(data[:end])


@pytest.mark.parametrize("declared", [20, 5_000, 1_000_000, 2**31 - 1])
@pytest.mark.parametrize("field_id", [340, 330, 31337])
def test_a_declared_length_longer_than_the_data_fails_fast(field_id, declared):
    data = apache_encode(minimal_fields())[:-1] + string_field(field_id, b"short", declared_length=declared)
    started = time.perf_counter()
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(data)
    assert time.perf_counter() - started < 0.5
    assert str(caught.value) == "cannot deserialize Thrift CollectorPayload: a string length runs past the end of the record"


def test_a_declared_list_size_longer_than_the_data_fails_fast():
    data = apache_encode(minimal_fields())[:-1] + field_header(TType.LIST, 350) + bytes([TType.STRING]) \
        + struct.pack(">i", 2**31 - 1) + struct.pack(">i", 1) + b"x"
    started = time.perf_counter()
    with pytest.raises(PayloadFormatError):
        decode_payload(data)
    assert time.perf_counter() - started < 0.5


def test_deeply_nested_unknown_structs_are_rejected_not_crashing():
    data = (field_header(TType.STRUCT, 999)) * 5_000 + b"\x00" * 5_001
    with pytest.raises(PayloadFormatError, match="nested deeper than 64 levels"):
        decode_payload(data)


def test_the_error_never_quotes_the_record():
    secret = b"user@example.com"
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(string_field(100, secret, declared_length=len(secret) + 10))
    assert "example" not in str(caught.value)
    assert caught.value.field is None and caught.value.value is None


@pytest.mark.parametrize("missing", ["ipAddress", "timestamp", "encoding", "collector"])
def test_missing_required_fields_are_named(missing):
    fields = {k: v for k, v in minimal_fields().items() if k != missing}
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(apache_encode(fields))
    assert caught.value.field == missing
    assert str(caught.value) == f"required field {missing} is missing"


def test_a_timestamp_of_the_wrong_thrift_type_counts_as_missing():
    data = apache_encode({k: v for k, v in minimal_fields().items() if k != "timestamp"})[:-1] \
        + string_field(200, b"1795849374000") + b"\x00"
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(data)
    assert caught.value.field == "timestamp"


@pytest.mark.parametrize("timestamp", [-1, 253_402_300_800_000, 2**62])
def test_timestamps_outside_years_1970_to_9999_are_rejected(timestamp):
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(apache_encode(minimal_fields() | {"timestamp": timestamp}))
    assert (caught.value.field, caught.value.value) == ("timestamp", str(timestamp))


@pytest.mark.parametrize("schema", [
    None, "", "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/2-0-0",
    "iglu:com.acme/CollectorPayload/thrift/1-0-0", "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
])
def test_a_record_that_is_not_a_collector_payload_1_is_rejected(schema):
    fields = minimal_fields() | {"schema": schema}
    if schema is None:
        del fields["schema"]
    with pytest.raises(PayloadFormatError) as caught:
        decode_payload(apache_encode(fields))
    assert (caught.value.field, caught.value.value) == ("schema", schema)
    assert str(caught.value) == "not a CollectorPayload 1-*-*"


# ---- bytes that are not UTF-8 -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ipAddress", "collector", "userAgent", "refererUri", "path", "querystring",
                                  "contentType", "hostname", "networkUserId"])
def test_invalid_utf8_in_a_string_field_is_replaced(name):
    decoded = decode_payload(apache_encode(minimal_fields() | {name: b"caf\xe9 \xff!"}))
    assert getattr(decoded, name) == "caf\ufffd \ufffd!"


def test_invalid_utf8_in_a_header_is_replaced():
    # Regression: header strings came back as bytes, which broke header lookups and bad-row JSON.
    headers = [b"X-Forwarded-For: 198.51.100.1", b"Referer: https://x.example/\xe9t\xe9", b"Host: h"]
    decoded = decode_payload(apache_encode(minimal_fields() | {"headers": headers}))
    assert decoded.headers == ["X-Forwarded-For: 198.51.100.1", "Referer: https://x.example/\ufffdt\ufffd", "Host: h"]


def test_a_body_that_is_not_utf8_is_kept_byte_for_byte():
    body = bytes(range(256)) + b'{"a":"\xc3\x28"}'
    decoded = decode_payload(apache_encode(minimal_fields() | {"body": body}))
    assert decoded.body == body


# ---- base64 lines -------------------------------------------------------------------------------------


def test_a_base64_line_decodes_with_its_newline():
    record = encode_payload(payload(querystring="e=pv&p=web&tv=t"))
    line = base64.b64encode(record).decode("ascii") + "\n"
    assert decode_base64_record(line).querystring == "e=pv&p=web&tv=t"
    assert decode_base64_record(line.encode("ascii")).querystring == "e=pv&p=web&tv=t"


@pytest.mark.parametrize("line, message", [
    ("", "record is empty"),
    ("\n", "record is empty"),
    ("   \r\n", "record is empty"),
    ("not base64!", "record is not valid base64"),
    ("YWJj*GVm", "record is not valid base64"),
    ("YWJjZA", "record is not valid base64"),  # missing padding: raw files are padded standard base64
    ("-_-_", "record is not valid base64"),  # URL-safe alphabet
    (base64.b64encode(b"not thrift at all").decode(), "cannot deserialize Thrift CollectorPayload: invalid Thrift type 110"),
])
def test_unusable_lines(line, message):
    with pytest.raises(PayloadFormatError) as caught:
        decode_base64_record(line)
    assert str(caught.value) == message
    assert caught.value.field is None
