"""An independent reader of CollectorPayload bytes: Apache Thrift's own TBinaryProtocol, field ids from the IDL.

It shares no code with ``transforms.thrift_model`` (thriftpy2), so a record both read alike is on the wire
as Snowplow's collector writes it.
"""
from __future__ import annotations

from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.Thrift import TType
from thrift.transport.TTransport import TMemoryBuffer

STRINGS = {31337: "schema", 100: "ipAddress", 210: "encoding", 220: "collector", 300: "userAgent",
           310: "refererUri", 320: "path", 330: "querystring", 360: "contentType", 400: "hostname",
           410: "networkUserId"}


def read_collector_payload(data: bytes) -> dict:
    protocol = TBinaryProtocol(TMemoryBuffer(data))
    out: dict = {}
    protocol.readStructBegin()
    while True:
        _, ftype, fid = protocol.readFieldBegin()
        if ftype == TType.STOP:
            break
        if fid in STRINGS and ftype == TType.STRING:
            out[STRINGS[fid]] = protocol.readBinary().decode("utf-8")
        elif fid == 200 and ftype == TType.I64:
            out["timestamp"] = protocol.readI64()
        elif fid == 340 and ftype == TType.STRING:
            out["body"] = protocol.readBinary()
        elif fid == 350 and ftype == TType.LIST:
            etype, size = protocol.readListBegin()
            assert etype == TType.STRING
            out["headers"] = [protocol.readBinary().decode("utf-8") for _ in range(size)]
            protocol.readListEnd()
        else:
            raise AssertionError(f"unexpected field id {fid} of type {ftype}")
        protocol.readFieldEnd()
    protocol.readStructEnd()
    return out
