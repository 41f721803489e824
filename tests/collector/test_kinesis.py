"""The Kinesis sink against kinesalite on 127.0.0.1: records read back with boto3 and decoded."""
from __future__ import annotations

import json
import time

import pytest

from snowplow_beam.transforms.thrift_model import decode_payload
from tests.helpers import TP2, read_collector_payload
from tests.servers import DUMMY_AWS, Kinesalite, request

pytestmark = pytest.mark.node  # kinesalite


def kinesis_args(server, **extra):
    args = ["--sink", "kinesis", "--good_stream", "raw-good", "--bad_stream", "raw-bad",
            "--kinesis_endpoint_url", server.endpoint, "--region", "us-east-1", "--time_limit_ms", "200"]
    for name, value in extra.items():
        args += [f"--{name}", str(value)]
    return args


def read_until(server, stream, count, timeout=15.0):
    end = time.monotonic() + timeout
    while True:
        records = server.read_all(stream)
        if len(records) >= count or time.monotonic() > end:
            return records
        time.sleep(0.2)


@pytest.mark.slow
def test_kinesis_sink_puts_good_and_bad_records(kinesalite, start_collector):
    from snowplow_tracker import Emitter, PageView, StructuredEvent, Tracker

    kinesalite.create_stream("raw-good")
    kinesalite.create_stream("raw-bad", shards=1)
    collector = start_collector(*kinesis_args(kinesalite, use_ip_as_partition_key="true"), sink="kinesis",
                                env=DUMMY_AWS)
    emitter = Emitter("127.0.0.1", protocol="http", port=collector.port, method="post", batch_size=2)
    tracker = Tracker(namespace="kin", emitters=emitter, app_id="kinesis-test")
    tracker.track(PageView(page_url="https://example.com/k", page_title="K"))
    tracker.track(StructuredEvent(category="c", action="a"))
    emitter.flush()
    for index in range(30):
        assert request(collector, "GET", f"/i?e=pv&aid=kinesis-test&m=k{index}")[0] == 200
    oversize = b'{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"pad":"' \
        + b"k" * 1_200_000 + b'"}]}'
    assert request(collector, "POST", TP2 + "?m=kbig", body=oversize, headers={"Content-Type": "application/json"})[0] == 200
    assert collector.stop() == 0  # graceful: the buffers are flushed to Kinesis before exit
    records = read_until(kinesalite, "raw-good", 31)
    payloads = [decode_payload(record) for record in records]
    assert len(payloads) == 31
    assert all(p.collector == "beam-collector-0.1.0-kinesis" for p in payloads)
    assert sorted(int(p.querystring.split("m=k")[1]) for p in payloads if p.querystring) == list(range(30))
    (post,) = [p for p in payloads if p.path == TP2]
    assert [event["e"] for event in json.loads(post.body)["data"]] == ["pv", "se"]
    independent = read_collector_payload(records[0])
    assert independent["schema"].startswith("iglu:com.snowplowanalytics.snowplow/CollectorPayload/")
    client = kinesalite.client()
    keys = set()
    for shard in client.list_shards(StreamName="raw-good")["Shards"]:
        iterator = client.get_shard_iterator(StreamName="raw-good", ShardId=shard["ShardId"],
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        keys |= {r["PartitionKey"] for r in client.get_records(ShardIterator=iterator)["Records"]}
    assert keys == {"127.0.0.1"}
    (bad,) = read_until(kinesalite, "raw-bad", 1)
    row = json.loads(bad)
    assert row["schema"] == "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"


@pytest.mark.slow
def test_kinesis_down_means_503_then_recovery_without_loss(node_tools, start_collector):
    server = Kinesalite(node_tools)  # its port is chosen but nothing listens there yet
    collector = start_collector(*kinesis_args(server, backoff_min_ms=100, backoff_max_ms=200, max_retries=2),
                                sink="kinesis", env=DUMMY_AWS)
    try:
        assert request(collector, "GET", "/sink-health")[0] == 503
        assert request(collector, "GET", "/i?e=pv&m=lost")[0] == 503  # refused, so the tracker keeps it
        server.start()
        server.create_stream("raw-good")
        server.create_stream("raw-bad", shards=1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and request(collector, "GET", "/sink-health")[0] != 200:
            time.sleep(0.1)
        assert request(collector, "GET", "/sink-health")[0] == 200
        for index in range(10):
            assert request(collector, "GET", f"/i?e=pv&m=ok{index}")[0] == 200
        assert collector.stop() == 0
        payloads = [decode_payload(r) for r in read_until(server, "raw-good", 10)]
        assert sorted(p.querystring for p in payloads) == sorted(f"e=pv&m=ok{i}" for i in range(10))
    finally:
        server.stop()
