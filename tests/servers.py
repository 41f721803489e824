"""The real servers the tests start, and how to talk to them: the collector as a process, kinesalite (node) for
Kinesis, moto for S3. Apart from the plain helpers (``tests/helpers.py``) because each wraps a running process or
thread with its own lifecycle; the fixtures that start and stop them are in ``tests/conftest.py``.
"""
from __future__ import annotations

import base64
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from snowplow_beam.transforms.thrift_model import decode_payload
from tests.helpers import REPO, free_port

DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


# ---------------------------------------------------------------------------- the collector process
class CollectorProcess:
    """``python -m snowplow_beam.collector`` on a free port, with the file sink unless told otherwise."""

    def __init__(self, tmp: Path, *args: str, env: dict | None = None, sink: str = "file"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.good = tmp / "good"
        self.bad = tmp / "bad"
        self.log_path = tmp / f"collector-{self.port}.log"
        cmd = [sys.executable, "-m", "snowplow_beam.collector", "--host", "127.0.0.1", "--port", str(self.port)]
        if sink == "file":
            cmd += ["--sink", "file", "--good_path", str(self.good), "--bad_path", str(self.bad),
                    "--file_rotate_seconds", "0.3"]
        cmd += list(args)
        full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, env=full_env,
                                     start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"collector exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        raise RuntimeError(f"collector not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (graceful: the sinks drain), then wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
                raise
        self._log.close()
        return self.proc.returncode

    # -- reading what it wrote
    def good_payloads(self):
        return read_good(self.good)

    def bad_rows(self):
        return read_bad(self.bad)

    def wait_good(self, count: int, timeout: float = 10.0):
        """Poll the good folder until it holds at least ``count`` records (files close every 0.3 s)."""
        end = time.monotonic() + timeout
        while True:
            payloads = self.good_payloads()
            if len(payloads) >= count or time.monotonic() > end:
                return payloads
            time.sleep(0.1)

    def wait_bad(self, count: int, timeout: float = 10.0):
        end = time.monotonic() + timeout
        while True:
            rows = self.bad_rows()
            if len(rows) >= count or time.monotonic() > end:
                return rows
            time.sleep(0.1)


def request(collector, method, path, body=None, headers=None, timeout=10):
    """One HTTP request to a running collector: ``(status, headers, body)``."""
    conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def read_good(folder: Path):
    """Every payload in the closed files of a good folder, decoded with the pipeline's decoder."""
    payloads = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                for line in path.read_bytes().splitlines():
                    payloads.append(decode_payload(base64.b64decode(line, validate=True)))
    return payloads


def read_bad(folder: Path):
    rows = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                rows += [json.loads(line) for line in path.read_bytes().splitlines()]
    return rows


# ---------------------------------------------------------------------------- kinesalite
KINESALITE_JS = """
const port = parseInt(process.argv[2], 10);
const server = require('kinesalite')({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50});
server.listen(port, '127.0.0.1', (err) => {
  if (err) { console.error(err); process.exit(1); }
  console.log('kinesalite listening on 127.0.0.1:' + port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
"""


def stop_process_group(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to a process started with ``start_new_session=True`` and all it started (Prism, SDK workers), then
    SIGKILL if it has not ended within ``timeout``."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


class Kinesalite:
    """kinesalite, an in-memory Kinesis, as a node process on a free port of 127.0.0.1."""

    def __init__(self, tools: Path):
        self.tools = tools
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        script = self.tools / "kinesalite-local.js"
        script.write_text(KINESALITE_JS)
        self.proc = subprocess.Popen(["node", str(script), str(self.port)], cwd=self.tools,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"kinesalite exited: {self.proc.stdout.read().decode()}")
                time.sleep(0.05)
        raise RuntimeError("kinesalite did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()

    def client(self):
        import boto3

        return boto3.client("kinesis", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=DUMMY_AWS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=DUMMY_AWS["AWS_SECRET_ACCESS_KEY"])

    def create_stream(self, name: str, shards: int = 2) -> None:
        client = self.client()
        client.create_stream(StreamName=name, ShardCount=shards)
        client.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})

    def read_all(self, name: str) -> list[bytes]:
        client = self.client()
        out = []
        for shard in client.list_shards(StreamName=name)["Shards"]:
            iterator = client.get_shard_iterator(StreamName=name, ShardId=shard["ShardId"],
                                                 ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while iterator:
                response = client.get_records(ShardIterator=iterator, Limit=1000)
                out += [record["Data"] for record in response["Records"]]
                if not response["Records"]:
                    break
                iterator = response.get("NextShardIterator")
        return out


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


# ---------------------------------------------------------------------------- moto S3
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
                            aws_access_key_id=DUMMY_AWS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=DUMMY_AWS["AWS_SECRET_ACCESS_KEY"])

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
        rows = []
        for key in self.keys(prefix):
            if key.endswith(".json"):
                rows += [json.loads(line) for line in self.read(key).splitlines() if line.strip()]
        return rows
