"""Real trackers -> the collector process (file sink) -> the batch pipeline -> good events and bad rows."""
from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import urllib.request

import pyarrow.parquet as pq
import pytest

from snowplow_beam.beam_pipeline.launcher import run
from tests.helpers import GITLAB_STANDARD, LINK_CLICK, NODE_TRACKER_SCRIPT

SALT = b"collector-e2e-salt"


def pseudonym(value: str) -> str:
    return hmac.new(SALT, value.encode(), hashlib.sha256).hexdigest()


@pytest.mark.slow
@pytest.mark.node
def test_trackers_through_the_collector_and_the_pipeline(start_collector, node_tools, tmp_path):
    import snowplow_tracker as sp

    collector = start_collector()
    for method, batch in (("get", 1), ("post", 3)):
        emitter = sp.Emitter("127.0.0.1", protocol="http", port=collector.port, method=method, batch_size=batch)
        tracker = sp.Tracker(namespace=f"py-{method}", emitters=emitter, app_id="e2e-py",
                             subject=sp.Subject().set_platform("srv").set_user_id("py-user"))
        context = sp.SelfDescribingJson(GITLAB_STANDARD, {"environment": "test", "plan": "free", "namespace_id": 42})
        tracker.track(sp.PageView(page_url="https://example.com/a?b=c", page_title="A page"))
        tracker.track(sp.SelfDescribing(event_json=sp.SelfDescribingJson(
            LINK_CLICK, {"targetUrl": "https://example.com/docs"}), context=[context]))
        tracker.track(sp.StructuredEvent(category="cat", action="act", value=1.5, context=[context]))
        emitter.flush()
    script = tmp_path / "track.js"
    script.write_text(NODE_TRACKER_SCRIPT)
    for method in ("get", "post"):
        result = subprocess.run(
            ["node", str(script), str(collector.port), method, "true", f"node-{method}"], capture_output=True,
            text=True, timeout=60, env={"NODE_PATH": str(node_tools / "node_modules"), "PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stderr
    # a request no adapter knows: stored by the collector, judged by the pipeline
    urllib.request.urlopen(f"{collector.url}/com.acme/v9?x=1", timeout=5).read()
    assert collector.stop() == 0  # graceful: files closed and renamed

    salt = tmp_path / "salt"
    salt.write_bytes(SALT + b"\n")
    out = tmp_path / "lake"
    summary = run(["--input", f"{collector.good}/*", "--output", str(out), "--salt_file", str(salt)])
    assert summary.records_accounted and summary.outputs_accounted
    # python: 3 GET requests + 1 POST batch; node: 3 GET + 1 POST; plus the unknown vendor
    assert summary.get("raw_records") == 9
    assert summary.get("good") == 12 and summary.get("enriched_bad_adapter_failures") == 1
    events = pq.read_table(out / "good").to_pylist()
    assert sorted(e["name_tracker"] for e in events) == ["node-get"] * 3 + ["node-post"] * 3 + [
        "py-get"] * 3 + ["py-post"] * 3
    for event in events:
        assert event["user_ipaddress"] == pseudonym("127.0.0.1")
        assert event["network_userid"] and len(event["network_userid"]) == 64
        assert event["v_collector"] == "beam-collector-0.1.0-file"
        expected_user = "py-user" if event["app_id"] == "e2e-py" else "node-user"
        assert event["user_id"] == pseudonym(expected_user)
        if event["event"] == "unstruct":
            assert event["event_name"] == "link_click"
            assert json.loads(event["unstruct_event"])["data"]["data"]["targetUrl"] == pseudonym(
                "https://example.com/docs")
        if event["event"] in ("unstruct", "struct"):
            context = json.loads(event["contexts"])["data"][0]["data"]
            assert context == {"environment": "test", "plan": "free", "namespace_id": 42}
    bad = [json.loads(line) for f in (out / "enriched_bad").rglob("*.json") for line in f.read_text().splitlines()]
    assert [row["data"]["failure"]["vendor"] for row in bad] == ["com.acme"]
