"""The collector as a real process on a free port: real trackers, bad input, sink failure, shutdown."""
from __future__ import annotations

import base64
import gzip
import http.client
import json
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.helpers import GITLAB_STANDARD, LINK_CLICK, NODE_TRACKER_SCRIPT, TP2, read_collector_payload
from tests.servers import read_good, request


def raw_exchange(port, data: bytes, timeout=10.0, pause_after: float = 0) -> bytes:
    """Send raw bytes, read until the server closes or times out; returns what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if pause_after:
            time.sleep(pause_after)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def marker_payloads(collector, marker: str, count: int = 1, timeout: float = 10.0):
    """The stored payloads whose querystring or body contain ``marker``."""
    end = time.monotonic() + timeout
    while True:
        found = [p for p in collector.good_payloads()
                 if marker in (p.querystring or "") or marker.encode() in (p.body or b"")]
        if len(found) >= count or time.monotonic() > end:
            return found
        time.sleep(0.1)


def decode_b64_json(text: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


# ---------------------------------------------------------------------------- real trackers
@pytest.mark.parametrize("method,base64_encode", [("get", True), ("post", True), ("post", False)])
def test_python_tracker(shared_collector, method, base64_encode):
    from snowplow_tracker import (Emitter, PageView, SelfDescribing, SelfDescribingJson, StructuredEvent, Subject,
                                  Tracker)

    marker = f"py-{method}-{int(base64_encode)}"
    emitter = Emitter("127.0.0.1", protocol="http", port=shared_collector.port, method=method,
                      batch_size=1 if method == "get" else 3)
    tracker = Tracker(namespace=marker, emitters=emitter, app_id="collector-test", encode_base64=base64_encode,
                      subject=Subject().set_platform("srv").set_user_id("user-123"))
    context = SelfDescribingJson(GITLAB_STANDARD, {"environment": "test", "plan": "free", "namespace_id": 42})
    tracker.track(PageView(page_url="https://example.com/a?b=c", page_title="A page", referrer="https://ref.example/"))
    tracker.track(SelfDescribing(event_json=SelfDescribingJson(LINK_CLICK, {"targetUrl": "https://example.com/docs"}),
                                 context=[context]))
    tracker.track(StructuredEvent(category="cat", action="act", label="lab", property_="prop", value=1.5,
                                  context=[context]))
    emitter.flush()
    payloads = marker_payloads(shared_collector, f"tna={marker}" if method == "get" else f'"tna": "{marker}"',
                               count=3 if method == "get" else 1)
    events = []
    for payload in payloads:
        assert payload.ipAddress == "127.0.0.1"
        assert payload.userAgent.startswith("python-requests/")
        assert any(h.startswith("User-Agent: python-requests/") for h in payload.headers)
        assert payload.networkUserId and len(payload.networkUserId) == 36
        assert payload.hostname == "127.0.0.1"
        assert payload.collector == "beam-collector-0.1.0-file"
        if method == "get":
            assert payload.path == "/i" and payload.body is None
            events.append({k: v[0] for k, v in parse_qs(payload.querystring).items()})
        else:
            assert payload.path == TP2 and payload.contentType == "application/json; charset=utf-8"
            body = json.loads(payload.body)
            assert body["schema"].startswith("iglu:com.snowplowanalytics.snowplow/payload_data/")
            events += body["data"]
    check_tracked_events(events, base64_encode, "collector-test", "user-123")


def check_tracked_events(events, base64_encode, app_id, user_id):
    by_type = {event["e"]: event for event in events}
    assert set(by_type) == {"pv", "ue", "se"}
    assert all(event["aid"] == app_id for event in events)
    if user_id:
        assert all(event["uid"] == user_id for event in events)
    assert by_type["pv"]["url"] == "https://example.com/a?b=c" and by_type["pv"]["page"] == "A page"
    se = by_type["se"]
    assert (se["se_ca"], se["se_ac"], se["se_la"], se["se_pr"], float(se["se_va"])) == (
        "cat", "act", "lab", "prop", 1.5)
    ue = by_type["ue"]
    unstruct = decode_b64_json(ue["ue_px"]) if base64_encode else json.loads(ue["ue_pr"])
    assert unstruct["data"]["schema"] == LINK_CLICK
    assert unstruct["data"]["data"]["targetUrl"] == "https://example.com/docs"
    for event in (ue, se):
        contexts = decode_b64_json(event["cx"]) if base64_encode else json.loads(event["co"])
        assert contexts["schema"].startswith("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-")
        assert contexts["data"][0]["schema"] == GITLAB_STANDARD and contexts["data"][0]["data"]["plan"] == "free"


@pytest.mark.parametrize("method,base64_encode", [("get", True), ("post", True), ("post", False)])
@pytest.mark.node
def test_node_tracker(shared_collector, node_tools, tmp_path, method, base64_encode):
    script = tmp_path / "track.js"
    script.write_text(NODE_TRACKER_SCRIPT)
    marker = f"node-{method}-{int(base64_encode)}"
    result = subprocess.run(
        ["node", str(script), str(shared_collector.port), method, str(base64_encode).lower(), marker],
        capture_output=True, text=True, timeout=60, env={"NODE_PATH": str(node_tools / "node_modules"),
                                                          "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    needle = f"tna={marker}" if method == "get" else f'"tna":"{marker}"'
    payloads = marker_payloads(shared_collector, needle, count=3 if method == "get" else 1)
    events = []
    for payload in payloads:
        assert payload.ipAddress == "127.0.0.1" and payload.userAgent == "node"
        assert payload.networkUserId and len(payload.networkUserId) == 36
        if method == "get":
            events.append({k: v[0] for k, v in parse_qs(payload.querystring).items()})
        else:
            assert payload.contentType == "application/json; charset=utf-8"
            events += json.loads(payload.body)["data"]
    check_tracked_events(events, base64_encode, "node-test", "node-user")


# ---------------------------------------------------------------------------- routes over HTTP
def test_cookie_round_trip_and_cors(shared_collector):
    status, headers, body = request(shared_collector, "GET", "/i?e=pv&m=cookie1", headers={"Origin": "https://a.example"})
    assert status == 200 and headers["content-type"] == "image/gif" and len(body) == 43
    assert headers["cache-control"] == "no-cache, no-store, must-revalidate"
    assert headers["access-control-allow-origin"] == "https://a.example"
    cookie = headers["set-cookie"]
    nuid = cookie.split(";")[0].split("=", 1)[1]
    status, headers, _ = request(shared_collector, "GET", "/i?e=pv&m=cookie2", headers={"Cookie": f"sp={nuid}"})
    assert headers["set-cookie"].startswith(f"sp={nuid};")
    (first,) = marker_payloads(shared_collector, "m=cookie1")
    (second,) = marker_payloads(shared_collector, "m=cookie2")
    assert first.networkUserId == second.networkUserId == nuid
    status, headers, body = request(shared_collector, "OPTIONS", TP2, headers={
        "Origin": "https://a.example", "Access-Control-Request-Method": "POST"})
    assert status == 200 and headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-allow-origin"] == "https://a.example"


def test_service_routes(shared_collector):
    assert request(shared_collector, "GET", "/health")[::2] == (200, b"ok")
    assert request(shared_collector, "GET", "/sink-health")[::2] == (200, b"ok")
    assert request(shared_collector, "GET", "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
    status, headers, body = request(shared_collector, "GET", "/metrics")
    assert status == 200 and b'collector_sink_healthy{sink="file",stream="good"} 1' in body
    assert b"collector_requests_total" in body
    status, headers, body = request(shared_collector, "HEAD", "/i?e=pv&m=head")
    assert status == 200 and body == b"" and headers["content-type"] == "image/gif"


def test_redirect_and_custom_paths(shared_collector):
    status, headers, _ = request(shared_collector, "GET", "/r/tp2?e=pv&m=redir&u=https%3A%2F%2Fexample.com%2Fdocs")
    assert status == 302 and headers["location"] == "https://example.com/docs"
    assert marker_payloads(shared_collector, "m=redir")[0].path == "/r/tp2"
    status, headers, _ = request(shared_collector, "GET", "/r/tp2?e=pv&m=evil&u=https%3A%2F%2Fevil.com%2F")
    assert status == 400 and "location" not in headers
    status, _, body = request(shared_collector, "POST", "/com.acme/track",
                              body=b'{"schema":"iglu:x","data":[{"e":"pv","m":"custom"}]}',
                              headers={"Content-Type": "application/json"})
    assert (status, body) == (200, b"ok")
    assert marker_payloads(shared_collector, '"m":"custom"')[0].path == TP2


# ---------------------------------------------------------------------------- bad input
def test_malformed_querystring_wrong_type_and_non_json_are_stored(shared_collector):
    cases = [
        ("GET", "/i?e=pv&m=mal1&bad=%zz%&&=&%", None, {}),
        ("POST", TP2 + "?m=mal2", b"{this is not json", {"Content-Type": "application/json"}),
        ("POST", TP2 + "?m=mal3", b"e=pv&x=1", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", TP2 + "?m=mal4", b"\xff\xfe\x00\x01", {"Content-Type": "application/octet-stream"}),
        ("POST", TP2 + "?m=mal5", b"", {}),
    ]
    for method, path, body, headers in cases:
        status, _, _ = request(shared_collector, method, path, body=body, headers=headers)
        assert status == 200, path
    for index, (method, path, body, headers) in enumerate(cases, start=1):
        (payload,) = marker_payloads(shared_collector, f"m=mal{index}")
        assert payload.querystring == path.split("?", 1)[1]
        assert payload.body == (body or None)
        assert payload.contentType == (headers.get("Content-Type", "").lower() or None)


def test_gzip_body_is_accepted_and_stored_decoded(shared_collector):
    raw = b'{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","m":"gz"}]}'
    status, _, body = request(shared_collector, "POST", TP2, body=gzip.compress(raw),
                              headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert (status, body) == (200, b"ok")
    (payload,) = marker_payloads(shared_collector, '"m":"gz"')
    assert payload.body == raw
    status, _, _ = request(shared_collector, "POST", TP2 + "?m=badgz", body=b"not gzip",
                           headers={"Content-Encoding": "gzip"})
    assert status == 400
    status, _, _ = request(shared_collector, "POST", TP2 + "?m=br", body=b"x", headers={"Content-Encoding": "br"})
    assert status == 415


def test_every_gzip_member_is_stored_and_trailing_garbage_refused(shared_collector):
    first = b'{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","m":"gzm1"'
    second = b',"n":"gzm2"}]}'
    status, _, _ = request(shared_collector, "POST", TP2, body=gzip.compress(first) + gzip.compress(second),
                           headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert status == 200
    (payload,) = marker_payloads(shared_collector, '"m":"gzm1"')
    assert payload.body == first + second  # both members, not only the first
    for tail in (b"garbage", b"\x00\x00\x00\x00", gzip.compress(b"x")[:-3]):
        status, _, body = request(shared_collector, "POST", TP2 + "?m=gztail",
                                  body=gzip.compress(b'{"m":"gztail"}') + tail,
                                  headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        assert status == 400, (tail, body)
    bomb = gzip.compress(b"0" * 1_200_000) * 2  # each member under the limit, both together over it
    status, _, _ = request(shared_collector, "POST", TP2 + "?m=gzbomb", body=bomb, headers={"Content-Encoding": "gzip"})
    assert status == 413
    time.sleep(0.5)
    assert marker_payloads(shared_collector, "gztail", timeout=0) == []
    assert marker_payloads(shared_collector, "m=gzbomb", timeout=0) == []


def test_nuid_with_cookie_attributes_is_ignored(shared_collector):
    nuid = "4f3c2b1a-1111-4222-8333-444455556666"
    cases = [
        ("/i?e=pv&m=inj1&nuid=x%3BDomain%3Devil.com%3BPath%3D%2Fadmin", {}),
        (f"/i?e=pv&m=inj2&nuid={nuid}%3B%20Domain%3Devil.com", {}),
        ("/i?e=pv&m=inj3", {"Cookie": 'sp="a; Domain=evil.com"'}),
    ]
    for path, headers in cases:
        status, response_headers, _ = request(shared_collector, "GET", path, headers=headers)
        assert status == 200
        cookie = response_headers["set-cookie"]
        fresh = cookie.split(";", 1)[0].removeprefix("sp=")
        assert str(uuid.UUID(fresh)) == fresh and fresh != nuid
        assert "evil" not in cookie and [p for p in cookie.split("; ") if p.startswith(("Domain", "Path"))] == ["Path=/"]
        marker = path.split("m=")[1].split("&")[0]
        (payload,) = marker_payloads(shared_collector, f"m={marker}")
        assert payload.networkUserId == fresh  # the id recorded is the id set
    status, response_headers, _ = request(shared_collector, "GET", f"/i?e=pv&m=inj4&nuid={nuid}")
    assert response_headers["set-cookie"].startswith(f"sp={nuid};")


def test_redirect_macro_percent_encoded_host_and_repeated_u(start_collector):
    collector = start_collector("--redirect_enabled", "true", "--redirect_domains", "allowed.com",
                                "--redirect_macro_enabled", "true")
    status, headers, _ = request(collector, "GET", "/r/tp2?m=rd1&u=http://${SP_NUID}.allowed.com/&nuid=evil.com%23")
    assert status == 302
    location = headers["location"]
    nuid = location.removeprefix("http://").removesuffix(".allowed.com/")
    assert str(uuid.UUID(nuid)) == nuid, location  # the bad nuid was ignored: the host stays under allowed.com
    refused = [
        "/r/tp2?m=rd2&u=http%3A%2F%2Fevil.com%2523.allowed.com%2F",  # percent-encoded '#' in the host
        "/r/tp2?m=rd3&u=https%3A%2F%2Fallowed.com%2F&u=https%3A%2F%2Fevil.com%2F",  # two targets
        "/r/tp2?m=rd4&u=https%3A%2F%2Fevil.com%2F&u=https%3A%2F%2Fallowed.com%2F",
    ]
    for path in refused:
        status, headers, _ = request(collector, "GET", path)
        assert status == 400 and "location" not in headers, path
    assert collector.stop() == 0
    payloads = collector.good_payloads()
    assert [p.querystring.split("&")[0] for p in payloads] == ["m=rd1"]  # only the redirect that was sent
    assert payloads[0].networkUserId == nuid


def test_body_over_2_mib_gets_413_and_nothing_is_stored(shared_collector):
    # refused on the declared length, before the body is read
    reply = raw_exchange(shared_collector.port, b"POST " + TP2.encode() + b"?m=toolarge1 HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 2200000\r\n\r\n" + b"x" * 10_000)
    assert reply.startswith(b"HTTP/1.1 413")

    def chunks():
        for _ in range(23):
            yield b"y" * 100_000

    conn = http.client.HTTPConnection("127.0.0.1", shared_collector.port, timeout=10)
    try:
        conn.request("POST", TP2 + "?m=toolarge2", body=chunks(), encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"})
        assert conn.getresponse().status == 413
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may close while we still send: nothing stored either way
    finally:
        conn.close()
    bomb = gzip.compress(b"0" * 3_000_000)
    status, _, _ = request(shared_collector, "POST", TP2 + "?m=toolarge3", body=bomb,
                           headers={"Content-Encoding": "gzip"})
    assert status == 413
    assert request(shared_collector, "GET", "/health")[0] == 200
    time.sleep(0.5)
    assert marker_payloads(shared_collector, "m=toolarge", timeout=0) == []


def test_oversized_payload_becomes_a_size_violation_on_the_bad_sink(shared_collector):
    body = b'{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","pad":"' \
        + b"o" * 1_500_000 + b'"}]}'
    status, _, _ = request(shared_collector, "POST", TP2 + "?m=oversize", body=body,
                           headers={"Content-Type": "application/json"})
    assert status == 200
    rows = shared_collector.wait_bad(1)
    (row,) = [r for r in rows if "m=oversize" in r["data"]["payload"]]
    assert row["schema"] == "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"
    assert row["data"]["failure"]["actualSizeBytes"] > 1_500_000


def test_huge_headers_are_refused_and_the_server_lives_on(shared_collector):
    reply = raw_exchange(shared_collector.port, b"GET /i?e=pv&m=hugeheader HTTP/1.1\r\nHost: x\r\nX-Big: "
                         + b"a" * 200_000 + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431")
    assert request(shared_collector, "GET", "/health")[0] == 200
    time.sleep(0.5)
    assert marker_payloads(shared_collector, "m=hugeheader", timeout=0) == []
    # big but allowed: 30 KB of headers are stored as they came
    status, _, _ = request(shared_collector, "GET", "/i?e=pv&m=bigheader", headers={"X-Big": "b" * 30_000})
    assert status == 200
    (payload,) = marker_payloads(shared_collector, "m=bigheader")
    assert "X-Big: " + "b" * 30_000 in payload.headers


@pytest.mark.slow
def test_slow_clients_get_timeouts_and_do_not_block_others(shared_collector):
    slow_headers = socket.create_connection(("127.0.0.1", shared_collector.port), timeout=10)
    slow_headers.sendall(b"GET /i?e=pv&m=slowheaders HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
    slow_body = socket.create_connection(("127.0.0.1", shared_collector.port), timeout=10)
    slow_body.sendall(b"POST /com.snowplowanalytics.snowplow/tp2?m=slowbody HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"e\":")
    started = time.monotonic()
    assert request(shared_collector, "GET", "/i?e=pv&m=fastone")[0] == 200  # others are served meanwhile
    assert time.monotonic() - started < 1
    reply = slow_body.recv(4096)  # body_read_timeout_s=2
    assert reply.startswith(b"HTTP/1.1 408")
    slow_headers.settimeout(10)
    try:
        closed = slow_headers.recv(4096)  # header_read_timeout_s=2: the connection is closed (maybe with a 408)
    except ConnectionResetError:
        closed = b""
    assert closed == b"" or closed.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 8
    slow_headers.close()
    slow_body.close()
    assert marker_payloads(shared_collector, "m=slow", timeout=0.5) == []


def test_unknown_paths_and_garbage_requests(shared_collector):
    for path in ("/", "/favicon.ico", "/a/b/c", "/.env"):
        assert request(shared_collector, "GET", path)[0] == 404
    assert request(shared_collector, "PUT", "/i")[0] == 405
    reply = raw_exchange(shared_collector.port, b"\x16\x03\x01garbage that is not http\r\n\r\n")
    assert reply == b"" or reply.startswith(b"HTTP/1.1 400")
    reply = raw_exchange(shared_collector.port, b"POST /com.snowplowanalytics.snowplow/tp2 HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Length: nope\r\n\r\n")
    assert reply == b"" or reply.startswith(b"HTTP/1.1 400")
    assert request(shared_collector, "GET", "/health")[0] == 200


# ---------------------------------------------------------------------------- sink failure and shutdown
@pytest.mark.slow
def test_failing_sink_answers_503_and_no_event_answered_200_is_lost(start_collector):
    collector = start_collector("--max_retries", "2", "--backoff_min_ms", "50", "--backoff_max_ms", "100")
    answered = {}

    def send(index):
        status = request(collector, "GET", f"/i?e=pv&m=n{index}x")[0]
        answered[index] = status
        return status

    for index in range(20):
        assert send(index) == 200
    collector.wait_good(20)
    shutil.rmtree(collector.good)
    collector.good.write_text("the folder is gone: every write fails")
    index = 20
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and send(index) != 503:
        index += 1
        time.sleep(0.05)
    assert answered[index] == 503  # the first request whose write failed
    # from the first failed write on, 503 (nothing stored): before and after the sink is reported unhealthy
    while time.monotonic() < deadline and request(collector, "GET", "/sink-health")[0] != 503:
        index += 1
        assert send(index) == 503
    assert request(collector, "GET", "/sink-health")[0] == 503
    status, headers, _ = request(collector, "POST", TP2, body=b'{"e":"pv"}', headers={"Content-Type": "application/json"})
    assert status == 503 and headers.get("retry-after") == "5"
    collector.good.unlink()  # the disk is back
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and request(collector, "GET", "/sink-health")[0] != 200:
        time.sleep(0.1)
    for extra in range(index + 1, index + 11):
        assert send(extra) == 200
    assert collector.stop() == 0
    stored = {int(p.querystring.split("m=n")[1].split("x")[0]) for p in read_good(collector.good)}
    ok = {i for i, status in answered.items() if status == 200}
    assert ok - set(range(20)) <= stored  # the first 20 were in the files moved away before the failure
    assert ok - set(range(20)), "some events after the failure were answered 200"
    stored_late = {i for i in stored if i >= 20}
    assert stored_late == ok - set(range(20))  # nothing answered 200 is missing, nothing answered 503 was stored


def test_graceful_shutdown_drains_the_buffers(start_collector):
    collector = start_collector("--file_rotate_seconds", "600")
    for index in range(200):
        assert request(collector, "GET", f"/i?e=pv&m=drain{index}")[0] == 200
    assert not any(p.is_file() for p in collector.good.iterdir())  # still open under .tmp
    assert collector.stop() == 0
    payloads = read_good(collector.good)
    assert len(payloads) == 200
    assert list((collector.good / ".tmp").iterdir()) == []
    assert "0 lost" in collector.log()


def test_bad_config_exits_with_status_2(tmp_path):
    import sys

    result = subprocess.run([sys.executable, "-m", "snowplow_beam.collector", "--sink", "file"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert result.returncode == 2 and "--good_path" in result.stderr


def test_records_are_identical_for_both_thrift_readers(shared_collector):
    request(shared_collector, "GET", "/i?e=pv&m=interop", headers={"Referer": "https://r.example/", "X-Forwarded-For": "203.0.113.5"})
    (payload,) = marker_payloads(shared_collector, "m=interop")
    raw = [base64.b64decode(line) for path in shared_collector.good.iterdir() if path.is_file()
           for line in path.read_bytes().splitlines()]
    (theirs,) = [r for r in map(read_collector_payload, raw) if r.get("querystring") == "e=pv&m=interop"]
    assert theirs["networkUserId"] == payload.networkUserId and theirs["headers"] == payload.headers
    assert theirs["ipAddress"] == "203.0.113.5" and theirs["refererUri"] == "https://r.example/"
    assert theirs["querystring"] == "e=pv&m=interop"
