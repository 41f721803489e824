"""Real tracker requests through the whole batch pipeline: the captured requests (copies of ../shared/captures),
and the pip ``snowplow-tracker`` sending to an HTTP server started by the test."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import snowplow_tracker as sp

from snowplow_beam.beam_pipeline.launcher import run
from tests.helpers import CAPTURES
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload
COLLECTOR_TSTAMP = 1_795_849_374_000  # 2026-11-28 07:02:54 UTC
CLIENT_IP = "198.51.100.23"


def to_raw_line(method: str, path: str, querystring: str | None, headers: list[tuple[str, str]],
                body: bytes | None, timestamp: int = COLLECTOR_TSTAMP) -> str:
    """What a collector stores for one request: a base64 Thrift CollectorPayload line."""
    named = {name.lower(): value for name, value in headers}
    payload = CollectorPayload(
        schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress=CLIENT_IP, timestamp=timestamp, encoding="UTF-8",
        collector="ssc-3.4.0-kinesis", path=path, querystring=querystring or None,
        headers=[f"{name}: {value}" for name, value in headers], userAgent=named.get("user-agent"),
        hostname=named.get("host", "").split(":")[0] or None,
        body=body if method == "POST" else None, contentType=named.get("content-type") if method == "POST" else None,
    )
    return base64.b64encode(encode_payload(payload)).decode()


def pseudonym(salt: bytes, value: str) -> str:
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()


def run_lines(tmp_path: Path, salt_file: Path, lines: list[str]) -> tuple[list[dict], object]:
    source = tmp_path / "raw.txt"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    summary = run(["--input", str(source), "--output", str(out), "--salt_file", str(salt_file)])
    assert summary.records_accounted and summary.outputs_accounted
    events = pq.read_table(out / "good").to_pylist() if (out / "good").exists() else []
    return events, summary


def test_captured_tracker_requests_fill_every_field_they_should(tmp_path, salt_file):
    lines = []
    for capture in sorted(CAPTURES.glob("*.json")):
        request = json.loads(capture.read_text())
        body = request["body"].encode() if request["body"] is not None else None
        lines.append(to_raw_line(request["method"], request["path"], request["querystring"],
                                 [tuple(h) for h in request["headers"]], body))
    events, summary = run_lines(tmp_path, salt_file, lines)
    salt = salt_file.read_bytes().rstrip(b"\n")
    # 3 GET requests (1 event each) and 2 POST batches of 3
    assert summary.get("raw_records") == 5 and summary.get("good") == 9 and summary.get("enriched_bad") == 0
    by_kind: dict[str, list[dict]] = {}
    for event in events:
        by_kind.setdefault(event["event"], []).append(event)
    assert {kind: len(items) for kind, items in by_kind.items()} == {"page_view": 3, "unstruct": 3, "struct": 3}

    for event in events:
        assert event["app_id"] == "spike-app" and event["platform"] == "srv"
        assert event["v_tracker"] == "py-1.1.0" and event["name_tracker"] in ("py-get", "py-post", "py-post-nob64")
        assert event["v_collector"] == "ssc-3.4.0-kinesis" and event["v_etl"] == "snowplow-beam-pipeline-0.1.0"
        assert event["user_id"] == pseudonym(salt, "user-123")
        assert event["user_ipaddress"] == pseudonym(salt, CLIENT_IP)
        assert event["useragent"] == pseudonym(salt, "python-requests/2.34.2")
        assert event["br_lang"] == "en" and event["os_timezone"] == "UTC"
        assert event["collector_tstamp"].timestamp() * 1000 == COLLECTOR_TSTAMP
        created = event["dvce_created_tstamp"].timestamp() * 1000
        sent = event["dvce_sent_tstamp"].timestamp() * 1000
        # the python tracker's stm has second resolution, so dtm can be later than stm: then no correction
        expected = COLLECTOR_TSTAMP - (sent - created) if created <= sent else COLLECTOR_TSTAMP
        assert event["derived_tstamp"].timestamp() * 1000 == expected
        assert event["event_fingerprint"] and len(event["event_id"]) == 36
        assert event["geo_latitude"] is None  # never in clear, and not hashable: removed

    view = next(e for e in by_kind["page_view"] if e["name_tracker"] == "py-post")
    assert view["page_url"] == pseudonym(salt, "https://example.com/a?b=c")
    assert (view["page_urlscheme"], view["page_urlhost"], view["page_urlport"]) == ("https", "example.com", 443)
    assert view["page_urlpath"] == pseudonym(salt, "/a") and view["page_urlquery"] == pseudonym(salt, "b=c")
    assert view["page_title"] == pseudonym(salt, "A page")
    assert view["refr_urlhost"] == "ref.example" and view["page_referrer"] == pseudonym(salt, "https://ref.example/")
    assert (view["event_vendor"], view["event_name"], view["event_format"], view["event_version"]) == (
        "com.snowplowanalytics.snowplow", "page_view", "jsonschema", "1-0-0")

    click = by_kind["unstruct"][0]
    assert (click["event_vendor"], click["event_name"], click["event_version"]) == (
        "com.snowplowanalytics.snowplow", "link_click", "1-0-1")
    inner = json.loads(click["unstruct_event"])["data"]
    assert inner["data"]["elementId"] == "nav-docs"
    assert inner["data"]["targetUrl"] == pseudonym(salt, "https://example.com/docs")
    context = json.loads(click["contexts"])["data"][0]
    assert context["schema"] == "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9"
    assert context["data"] == {"environment": "development", "source": "gitlab-rails", "plan": "free",
                               "namespace_id": 42}

    structured = by_kind["struct"][0]
    assert (structured["se_category"], structured["se_action"], structured["se_value"]) == ("projects", "create", 1.5)
    assert structured["se_label"] == pseudonym(salt, "new_project")
    assert structured["se_property"] == pseudonym(salt, "ui")


class _Recorder(BaseHTTPRequestHandler):
    """Answers like a collector and keeps each request as a raw line."""

    lines: list[str] = []

    def _record(self, body: bytes | None):
        url = urlsplit(self.path)
        self.lines.append(to_raw_line(self.command, url.path, url.query, list(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        self._record(None)

    def do_POST(self):
        self._record(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def log_message(self, *args):
        pass


def test_the_python_tracker_through_an_http_server_and_the_pipeline(tmp_path, salt_file):
    _Recorder.lines = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        context = sp.SelfDescribingJson("iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9",
                                        {"environment": "production", "plan": "ultimate", "user_id": 987654})
        for method, batch, encode in (("get", 1, True), ("post", 3, False), ("post", 3, True)):
            emitter = sp.Emitter("127.0.0.1", protocol="http", port=port, method=method, batch_size=batch)
            tracker = sp.Tracker(namespace=f"t-{method}", emitters=emitter, app_id="tracker-app",
                                 encode_base64=encode, subject=sp.Subject().set_platform("srv").set_user_id("u-42"))
            tracker.track(sp.PageView(page_url="https://gitlab.com/explore", page_title="Explore"))
            tracker.track(sp.SelfDescribing(event_json=sp.SelfDescribingJson(
                "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
                {"targetUrl": "https://docs.gitlab.com/", "elementId": "docs-link"}), context=[context]))
            tracker.track(sp.StructuredEvent(category="ci", action="run_pipeline", label="lbl", value=2,
                                             context=[context]))
            emitter.flush()
    finally:
        server.shutdown()
    events, summary = run_lines(tmp_path, salt_file, _Recorder.lines)
    assert summary.get("good") == 9 and summary.get("enriched_bad") == 0
    assert sorted(e["event"] for e in events) == ["page_view"] * 3 + ["struct"] * 3 + ["unstruct"] * 3
    assert {e["app_id"] for e in events} == {"tracker-app"}
    assert {e["name_tracker"] for e in events} == {"t-get", "t-post"}
    for event in events:
        if event["event"] != "page_view":
            gitlab = json.loads(event["contexts"])["data"][0]["data"]
            assert gitlab["plan"] == "ultimate" and gitlab["user_id"] != 987654
            assert gitlab["user_id"] == pseudonym(salt_file.read_bytes().rstrip(b"\n"), "987654")
    assert {e["se_action"] for e in events if e["event"] == "struct"} == {"run_pipeline"}
