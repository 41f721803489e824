"""The plain helpers of the test suite, in one place: prerequisites, constants, builders of collector payloads and
events, the pipeline's steps without Beam, the checks of bad rows and of what an output exposes.

Fixtures live in ``conftest.py``; the real servers the tests start (the collector, kinesalite, moto S3) in
``tests/servers.py``. A test module imports from these two, never from another test module.
"""
from __future__ import annotations

import base64
import binascii
import bz2
import functools
import hashlib
import hmac
import json
import os
import re
import socket
import time
import uuid
import zlib
from pathlib import Path
from urllib.parse import unquote_plus, urlencode

import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.Thrift import TType
from thrift.transport.TTransport import TMemoryBuffer

from snowplow_beam.transforms.adapters import AdapterRegistry, RawEvent, Source
from snowplow_beam.transforms.atomic import FIELD_TYPES, FIELDS, JSON, TIMESTAMP
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator
from snowplow_beam.transforms.pseudonymize import Policy, Pseudonymizer
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload

REPO = Path(__file__).resolve().parents[1]
IGLU_SCHEMAS = REPO / "transforms" / "iglu_registry" / "schemas"
CAPTURES = Path(__file__).parent / "data" / "tracker_captures"  # copies of /work/shared/captures


# ---- prerequisites, ports, waiting ---------------------------------------------------------------------------

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition, reason: str) -> None:
    """A missing prerequisite fails the test in CI (CI=true) and skips it, with the reason, elsewhere."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"prerequisite missing in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = 10.0, interval: float = 0.1):
    """Poll ``condition()`` until it returns something true or ``timeout`` passes; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


# ---- times and Iglu URIs -------------------------------------------------------------------------------------

SAMPLE_START_MS = 1_764_320_400_000  # 2025-11-28 09:00:00 UTC: the sample data, and the records the tests plant
COLLECTOR_TSTAMP = 1_795_849_374_000  # 2026-11-28 07:02:54.000 UTC, just after the tracker captures were taken
SP = "iglu:com.snowplowanalytics.snowplow"
CONTEXTS = f"{SP}/contexts/jsonschema/1-0-1"
UNSTRUCT = f"{SP}/unstruct_event/jsonschema/1-0-0"
LINK_CLICK = f"{SP}/link_click/jsonschema/1-0-1"
GITLAB_STANDARD = "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9"
COLLECTOR = "ssc-3.4.0-kinesis"
TP2 = "/com.snowplowanalytics.snowplow/tp2"


# ---- collector payloads, raw events, tracker captures --------------------------------------------------------

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


def sample_payload(path="/i", querystring=None, body=None, content_type=None, headers=None,
                   **fields) -> CollectorPayload:
    """A CollectorPayload received by c.example.com (hostname and Host header) at :data:`SAMPLE_START_MS`:
    where the privacy, hardening and recovery tests plant their values. ``fields`` override any Thrift field."""
    values = dict(schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress="203.0.113.9", timestamp=SAMPLE_START_MS,
                  encoding="UTF-8", collector=COLLECTOR, path=path, querystring=querystring,
                  hostname="c.example.com", headers=["Host: c.example.com"] if headers is None else headers)
    values.update(fields)
    result = CollectorPayload(**values)
    if body is not None:
        result.body = body.encode("utf-8") if isinstance(body, str) else body
        result.contentType = content_type
    return result


def sample_source(**fields) -> Source:
    """The :class:`Source` of a :func:`sample_payload` sent to the tp2 adapter; ``fields`` override attributes."""
    values = dict(vendor="com.snowplowanalytics.snowplow", version="tp2", timestamp=SAMPLE_START_MS,
                  ip_address="203.0.113.9", encoding="UTF-8", collector=COLLECTOR, hostname="c.example.com")
    values.update(fields)
    return Source(**values)


def record(p: CollectorPayload) -> str:
    """A raw record: the line the collector writes for a payload (base64 of its Thrift bytes)."""
    return base64.b64encode(encode_payload(p)).decode("ascii")


def b64(value) -> str:
    """``value`` as trackers put JSON in ``cx`` / ``ue_px``: URL-safe base64, unpadded."""
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode("ascii").rstrip("=")


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


NODE_TRACKER_SCRIPT = """
const { newTracker, buildPageView, buildSelfDescribingEvent, buildStructEvent } = require('@snowplow/node-tracker');
const [port, method, encode, ns] = process.argv.slice(2);
const t = newTracker({ namespace: ns, appId: 'node-test', encodeBase64: encode === 'true' },
  { endpoint: 'http://127.0.0.1:' + port, eventMethod: method, bufferSize: method === 'post' ? 3 : 1,
    onRequestFailure: (f) => { console.error('failure', JSON.stringify(f)); process.exitCode = 3; } });
t.setUserId('node-user');
const ctx = [{ schema: '%s', data: { environment: 'test', plan: 'free', namespace_id: 42 } }];
t.track(buildPageView({ pageUrl: 'https://example.com/a?b=c', pageTitle: 'A page', referrer: 'https://ref.example/' }));
t.track(buildSelfDescribingEvent({ event: { schema: '%s', data: { targetUrl: 'https://example.com/docs' } } }), ctx);
t.track(buildStructEvent({ category: 'cat', action: 'act', label: 'lab', property: 'prop', value: 1.5 }), ctx);
t.flush().then(() => console.log('flushed'));
""" % (GITLAB_STANDARD, LINK_CLICK)  # the npm Snowplow tracker: node SCRIPT PORT get|post true|false NAMESPACE


# ---- an independent reader of CollectorPayload bytes ---------------------------------------------------------
# Apache Thrift's own TBinaryProtocol, field ids from the IDL. It shares no code with transforms.thrift_model
# (thriftpy2), so a record both read alike is on the wire as Snowplow's collector writes it.

THRIFT_STRINGS = {31337: "schema", 100: "ipAddress", 210: "encoding", 220: "collector", 300: "userAgent",
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
        if fid in THRIFT_STRINGS and ftype == TType.STRING:
            out[THRIFT_STRINGS[fid]] = protocol.readBinary().decode("utf-8")
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


# ---- a full enriched event -----------------------------------------------------------------------------------

FULL_EVENT_TSTAMP = 1_795_849_374_123  # 2026-11-28 07:02:54.123 UTC
GITLAB_CONTEXT = {"schema": GITLAB_STANDARD,
                  "data": {"environment": "production", "source": "gitlab-rails", "plan": "free", "namespace_id": 42}}
UA_PARSER_CONTEXT = {"schema": f"{SP}/ua_parser_context/jsonschema/1-0-0",
                     "data": {"useragentFamily": "Firefox", "osFamily": "Linux", "deviceFamily": "Other"}}
FULL_EVENT_CONTEXTS = {"schema": CONTEXTS, "data": [
    GITLAB_CONTEXT, {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": "p-1"}},
    {**GITLAB_CONTEXT, "data": {**GITLAB_CONTEXT["data"], "plan": "ultimate"}}]}
FULL_EVENT_DERIVED = {"schema": CONTEXTS, "data": [UA_PARSER_CONTEXT]}
FULL_EVENT_UNSTRUCT = {"schema": UNSTRUCT,
                       "data": {"schema": LINK_CLICK,
                                "data": {"targetUrl": "https://example.com/docs?a=1\tb", "elementId": "nav"}}}


def full_event() -> dict:
    """Every one of the 131 fields set, with a value that fits its type and maxLength."""
    sample = {"int": 7, "float": 2.5, "decimal": "2.5", "bool": True, "timestamp": FULL_EVENT_TSTAMP}
    json_fields = {"contexts": FULL_EVENT_CONTEXTS, "derived_contexts": FULL_EVENT_DERIVED,
                   "unstruct_event": FULL_EVENT_UNSTRUCT}
    event = {}
    for field in FIELDS:
        if field.type == "string":
            event[field.name] = field.name[: field.max_length]
        elif field.type == "json":
            event[field.name] = json_fields[field.name]
        else:
            event[field.name] = sample[field.type]
    event.update(
        event_id="1863683f-182d-4a37-8016-9f79fa293648", geo_latitude=51.5072, geo_longitude=-0.1276,
        se_value="1.5", tr_tax="200.00", txn_id=508780, br_features_flash=False, dvce_ismobile=False, page_urlport=443,
        etl_tstamp=FULL_EVENT_TSTAMP + 1000, dvce_created_tstamp=0, dvce_sent_tstamp=-1,
        refr_dvce_tstamp=253_402_300_799_999, page_title="A\ttitle\nover\r\nlines",
        useragent="Mozilla/5.0 (X11; Linux x86_64) ✓",
    )
    return event


def good_row(pseudonymizer: Pseudonymizer, event: dict) -> dict:
    """The good row of one event as the pipeline writes it (``good_table``): the fields that are set, with the
    event's Python types back (timestamps as int ms, the JSON fields parsed)."""
    table, _ = pseudonymizer.good_table([event])
    row = {}
    for name, value in table.to_pylist()[0].items():
        if value is None:
            continue
        if FIELD_TYPES[name] == JSON:
            value = orjson.loads(value)
        elif FIELD_TYPES[name] == TIMESTAMP:
            value = round(value.timestamp() * 1000)
        row[name] = value
    return row


def shipped_good(pseudonymizer: Pseudonymizer, events: list[dict]) -> str:
    """Everything a reader of the good output of ``events`` sees (:func:`exposed`): their Parquet table and their
    TSV lines, as the pipeline makes them."""
    if not events:
        return ""
    table, _ = pseudonymizer.good_table(events)
    lines, _ = pseudonymizer.good_tsv(events)
    return exposed(json.loads(json.dumps(table.to_pylist(), default=str))) + exposed(lines.decode("utf-8"))


# ---- validation and the pipeline's steps without Beam --------------------------------------------------------

@functools.cache
def event_validator():
    from snowplow_beam.transforms.validation import EventValidator

    return EventValidator(Validator(Resolver.embedded()))


def adapter_registry() -> AdapterRegistry:
    """The adapters with the real Iglu validation of tp2 bodies (embedded registry)."""
    return AdapterRegistry(event_validator().payload_data)


_PROCESSOR: list = []


def run_steps(line: str | bytes) -> tuple[list[dict], list[BadRow]]:
    """One raw record (a base64 line) through the pipeline's record processor without Beam: the good events and
    the bad rows, before pseudonymization."""
    if not _PROCESSOR:
        from snowplow_beam.transforms.config import PipelineConfig
        from snowplow_beam.transforms.processor import RecordProcessor

        _PROCESSOR.append(RecordProcessor(PipelineConfig()))
    return _PROCESSOR[0].enriched([line])


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FORMATS = FormatChecker()  # date-time, email, ipv4, ... as jsonschema checks them; plus uuid, as Iglu does
_FORMATS.checks("uuid")(lambda value: not isinstance(value, str) or UUID_TEXT.fullmatch(value.lower()) is not None)
_VALIDATORS: dict[str, Draft4Validator] = {}


def badrow_errors(row: dict) -> list[str]:
    """What keeps a bad row from validating against its Iglu Central schema (Draft 4, formats checked)."""
    uri = row["schema"]
    if uri not in _VALIDATORS:
        schema = json.loads((IGLU_SCHEMAS / uri.removeprefix("iglu:")).read_text())
        schema.pop("$schema", None)
        schema.pop("self", None)
        Draft4Validator.check_schema(schema)
        _VALIDATORS[uri] = Draft4Validator(schema, format_checker=_FORMATS)
    return [f"{list(e.absolute_path)}: {e.message[:160]}" for e in _VALIDATORS[uri].iter_errors(row["data"])]


# ---- pseudonyms, computed independently of transforms.pseudonymize -------------------------------------------

SALT = b"pepper-2024"  # the unit tests' salt
FILE_SALT = b"test-salt-\xe2\x9c\x93-not-short"  # the salt of the ``salt_file`` fixture (written with a newline)


def hmac_hex(value: str, salt: bytes = SALT) -> str:
    """The README's definition: ``hmac.new(salt, value.encode(), sha256).hexdigest()``."""
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()


def hmac_uuid(value: str, salt: bytes = SALT) -> str:
    """The pseudonym of a UUID field: the first 128 bits of :func:`hmac_hex`, written as a UUID."""
    return str(uuid.UUID(hex=hmac_hex(value, salt)[:32]))


POLICY = Policy.from_file()
PSEUDONYMIZER = Pseudonymizer(POLICY, SALT, is_valid=Validator(Resolver.embedded()).is_valid)  # as the pipeline does


# ---- planted values and what an output exposes ---------------------------------------------------------------
# Planted values are "markers": ``Q`` and 10+ letters from g-z / G-Z. No pseudonym (hex) or opaque form can
# contain one, so a substring search is meaningful.

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
MARKER = re.compile(r"Q[g-zG-Z]{10,}")
markers = st.text("ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ", min_size=10, max_size=20).map(lambda s: "Q" + s)


class Planter:
    """Draws markers and remembers them: the values that must not reach any output."""

    def __init__(self, draw):
        self.draw = draw
        self.planted: set[str] = set()

    def __call__(self, long: bool = False) -> str:
        marker = self.draw(markers)
        self.planted.add(marker)
        if long and self.draw(st.sampled_from([False] * 5 + [True])):
            return "-".join([marker] * self.draw(st.integers(30, 400)))  # past every maxLength
        return marker

    def url(self) -> str:
        return f"https://c.example.com/{self()}?q={self()}#{self()}"


def _decoded(text: str):
    """``text`` as base64 (standard or URL-safe, padding optional) of UTF-8 text, or None."""
    if len(text) < 8:
        return None
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def exposed(obj) -> str:
    """Everything a reader of ``obj`` can see: its JSON text, plus every string inside it decoded as base64,
    as URL-encoding and as JSON, recursively (a context inside ``cx`` inside a bad row, a form body...)."""
    parts = []

    def text(value: str, depth: int = 0):
        parts.append(value)
        if depth > 4:
            return
        if "%" in value or "+" in value:
            parts.append(unquote_plus(value))
        decoded = _decoded(value)
        if decoded is not None:
            text(decoded, depth + 1)
        if value[:1] in "{[\"":
            try:
                walk(orjson.loads(value), depth + 1)
            except orjson.JSONDecodeError:
                pass

    def walk(node, depth: int = 0):
        if isinstance(node, dict):
            for key, value in node.items():
                text(key, depth)
                walk(value, depth)
        elif isinstance(node, list):
            for value in node:
                walk(value, depth)
        elif isinstance(node, str):
            text(node, depth)

    parts.append(orjson.dumps(obj, default=str).decode("utf-8"))
    walk(obj)
    return "\n".join(parts)


def output_text(root: Path) -> tuple[str, dict[str, int]]:
    """Every file under ``root`` as text: Parquet tables as their rows, JSON lines decoded as bad rows;
    and the number of files under each top folder."""
    import pyarrow.parquet as pq

    parts, counts = [], {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        kind = path.relative_to(root).parts[0]
        counts[kind] = counts.get(kind, 0) + 1
        if path.suffix == ".parquet":
            parts.append(json.dumps(pq.read_table(path).to_pylist(), default=str))
        elif path.suffix == ".json":
            for line in path.read_text("utf-8").splitlines():
                parts.append(exposed(json.loads(line)))
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
        parts.append(path.read_bytes().decode("latin-1"))  # and the raw bytes, whatever the format
    return "\n".join(parts), counts


def pardo_pickles(proto) -> list[bytes]:
    """The pickled DoFns of a pipeline proto, decompressed (Beam stores base64 of bz2 or zlib)."""
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    found = []
    for transform in proto.components.transforms.values():
        if transform.spec.urn != common_urns.primitives.PAR_DO.urn:
            continue
        pardo = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
        blob = pardo.do_fn.payload
        try:
            blob = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            pass
        for decompress in (bz2.decompress, zlib.decompress):
            try:
                blob = decompress(blob)
                break
            except (OSError, ValueError, zlib.error):
                continue
        found.append(blob)
    return found


# ---- the records the end-to-end privacy tests plant ----------------------------------------------------------

PLANTS = {
    "uid": "PLANTuidJaneDoe@example.com", "ip": "198.51.100.77", "path": "PLANTsecretProjectPath",
    "query": "PLANTqueryToken", "search": "PLANTsearchTerm", "cookie": "PLANTcookieValue", "bearer": "PLANTbearerToken",
    "gl_user": "PLANTgitlabUserId", "global_user": "PLANTglobalUserId", "target": "PLANTlinkTarget",
    "duid": "PLANTdomainUserId", "fp": "PLANTfingerprint", "title": "PLANTpageTitle", "ua": "PLANTuserAgent",
    "nuid": "c0ffee00-0000-4000-8000-00000000cafe", "junk": "PLANTjunkLine", "username": "PLANTusername",
    "body": "PLANTbrokenBody", "cx": "PLANTcontextText", "schema": "PLANTschemaJunk", "name": "PLANTnameOnly",
    "oversized": "PLANToversizedPayload", "ctx_user": "PLANTfailingContextUser", "collector_ip": "203.0.113.199",
}


def planted_lines() -> list[str]:
    """Raw records carrying the :data:`PLANTS` wherever a request can: good events, each kind of bad row, junk."""
    P = PLANTS
    headers = ["Host: collector.example.com", f"Cookie: sp={P['cookie']}", f"Authorization: Bearer {P['bearer']}",
               f"X-Forwarded-For: {P['ip']}", f"User-Agent: Mozilla/5.0 {P['ua']}", "Accept: */*"]
    fields = dict(ipAddress=P["collector_ip"], userAgent=f"Mozilla/5.0 {P['ua']}", networkUserId=P["nuid"],
                  refererUri=f"https://gitlab.com/{P['path']}", headers=headers, hostname="collector.example.com",
                  timestamp=SAMPLE_START_MS + 60_000)
    contexts = {"schema": CONTEXTS, "data": [
        {"schema": GITLAB_STANDARD, "data": {"environment": "production", "user_id": P["gl_user"],
                                             "global_user_id": P["global_user"], "namespace_id": 7}},
        {"schema": f"{SP}/web_page/jsonschema/1-0-0", "data": {"id": "6a3f2b9e-0000-4000-8000-0000000000cc"}}]}
    common = {"e": "pv", "p": "web", "tv": "js-3.23.0", "aid": "gitlab", "uid": P["uid"], "duid": P["duid"],
              "fp": P["fp"], "page": P["title"], "url": f"https://gitlab.com/{P['path']}?token={P['query']}",
              "refr": f"https://www.google.com/search?q={P['search']}", "cx": b64(contexts)}
    link = {"schema": UNSTRUCT, "data": {"schema": LINK_CLICK,
                                         "data": {"targetUrl": f"https://docs.gitlab.com/{P['target']}",
                                                  "elementId": "nav-docs"}}}
    failing = {"schema": CONTEXTS, "data": [{"schema": GITLAB_STANDARD, "data": {
        "environment": "production", "namespace_id": "not-a-number", "user_id": P["ctx_user"]}}]}
    payloads = [
        sample_payload(querystring=urlencode(common), **fields),  # good page view
        sample_payload(querystring=urlencode({**common, "e": "ue", "ue_px": b64(link)}), **fields),  # good link click
        sample_payload(path=TP2, body=json.dumps(
            {"schema": f"{SP}/payload_data/jsonschema/1-0-4", "data": [{**common, "cx": b64(contexts)}]}),
            content_type="application/json", **fields),  # good tp2 POST
        sample_payload(querystring=urlencode({**common, "cx": b64(failing)}), **fields),  # schema_violations (Iglu)
        sample_payload(querystring=urlencode({**common, "cx": b64(P["cx"])}), **fields),  # schema_violations (not JSON)
        sample_payload(querystring=urlencode({**common, "dtm": "yesterday"}), **fields),  # schema_violations (atomic)
        sample_payload(querystring=urlencode({**common, "url": f"http://[{P['path']}"}),
                       **fields),  # enrichment_failures
        sample_payload(path="/com.acme/v1", querystring=urlencode(common), **fields),  # adapter_failures
        sample_payload(path="/com.snowplowanalytics.iglu/v1",
                       querystring=urlencode({"schema": P["schema"], "uid": P["uid"]}),
                       **fields),  # adapter_failures (invalid schema)
        sample_payload(path=TP2, body="{" + P["body"], content_type="application/json",
                       **fields),  # tracker_protocol_violations
        sample_payload(querystring=P["name"], **fields),  # a querystring that is only a name
        sample_payload(path=f"/{P['username']}", **fields),  # format violation (no vendor/version)
    ]
    return [record(p) for p in payloads] + [f"{P['junk']} is not base64!"]


def planted_collector_bad_lines() -> list[str]:
    """A line of the collector's raw-bad files: a size violation carrying planted values."""
    from snowplow_beam.collector import badrows as collector_badrows

    return [collector_badrows.size_violation(
        artifact="snowplow-beam-collector", version="0.1.0", now_ms=SAMPLE_START_MS, maximum=1000, actual=5000,
        expectation="oversized collector payload: Payload exceeds max size",
        payload=f"CollectorPayload(ipAddress:{PLANTS['ip']}, querystring:uid={PLANTS['oversized']})",
        truncate_to=100).decode()]
