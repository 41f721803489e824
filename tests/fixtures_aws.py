"""Shared fixtures for the Kinesis and streaming tests: kinesalite (node) and a moto S3 server, on 127.0.0.1.

Import the fixtures into a test module: ``from tests.fixtures_aws import kinesalite, node_tools, s3``.
Both servers are started by the fixture and stopped after the test. A missing node/npm fails in
CI (CI=true) and skips elsewhere (``tests.conftest.require``).
"""
from __future__ import annotations

import io
import time

import pytest

from tests.collector.conftest import DUMMY_AWS, Kinesalite, node_tools  # noqa: F401  (node_tools: a fixture)
from tests.conftest import free_port, require

__all__ = ["DUMMY_AWS", "Kinesalite", "S3Server", "aws_env", "kinesalite", "node_tools", "put_records", "s3",
           "wait_for"]


@pytest.fixture
def aws_env(monkeypatch):
    """Dummy credentials and a region from the standard AWS environment (never real ones)."""
    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS"):
        monkeypatch.delenv(name, raising=False)
    return DUMMY_AWS


@pytest.fixture
def kinesalite(node_tools, aws_env):  # noqa: F811
    server = Kinesalite(node_tools)
    server.start()
    yield server
    server.stop()


def put_records(server: Kinesalite, stream: str, records: list[bytes], key=lambda index, data: f"k{index}") -> list:
    """PutRecords in batches of 500; returns the ``(ShardId, SequenceNumber)`` of each record."""
    client = server.client()
    placed = []
    for start in range(0, len(records), 500):
        batch = records[start:start + 500]
        response = client.put_records(StreamName=stream, Records=[
            {"Data": data, "PartitionKey": key(start + index, data)} for index, data in enumerate(batch)])
        assert response.get("FailedRecordCount", 0) == 0, response
        placed += [(r["ShardId"], r["SequenceNumber"]) for r in response["Records"]]
    return placed


def wait_for(condition, timeout: float = 10.0, interval: float = 0.1):
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


class S3Server:
    """moto's S3 on 127.0.0.1, reached by Beam's S3 filesystem through ``AWS_ENDPOINT_URL_S3``."""

    def __init__(self, bucket: str = "lake"):
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> None:
        self._server.start()
        self.client().create_bucket(Bucket=self.bucket)

    def stop(self) -> None:
        self._server.stop()

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def keys(self, prefix: str = "") -> list[str]:
        client, keys, token = self.client(), [], None
        while True:
            args = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                args["ContinuationToken"] = token
            response = client.list_objects_v2(**args)
            keys += [item["Key"] for item in response.get("Contents", [])]
            token = response.get("NextContinuationToken")
            if not token:
                return sorted(keys)

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def read_parquet(self, prefix: str) -> list[dict]:
        """Every row of the Parquet files under ``prefix``, read back with pyarrow."""
        import pyarrow.parquet as pq

        rows = []
        for key in self.keys(prefix):
            if key.endswith(".parquet"):
                rows += pq.read_table(io.BytesIO(self.read(key))).to_pylist()
        return rows

    def read_json_lines(self, prefix: str) -> list[dict]:
        import json

        rows = []
        for key in self.keys(prefix):
            if key.endswith(".json"):
                rows += [json.loads(line) for line in self.read(key).splitlines() if line.strip()]
        return rows


@pytest.fixture
def s3(aws_env, monkeypatch):
    """A moto S3 server with bucket ``lake``; Beam's ``s3://`` paths reach it through the AWS environment."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        require(False, "moto[server] is needed (requirements-test.txt)")
    server = S3Server()
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", server.endpoint)
    yield server
    server.stop()
