"""Shared fixtures for the collector tests: a real collector process, node tools, kinesalite, readers."""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, require
from snowplow_beam.transforms.thrift_model import decode_payload

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TOOLS = REPO / ".tools" / "node"
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


# ---------------------------------------------------------------------------- node tools
@pytest.fixture(scope="session")
def node_tools() -> Path:
    """``.tools/node`` with the pinned npm packages of ``tests/collector/node/package.json`` (installed once)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    require(node and npm, "node and npm are needed (Debian: apt-get install nodejs npm)")
    wanted = (HERE / "node" / "package.json").read_text()
    manifest = TOOLS / "package.json"
    ready = (TOOLS / "node_modules" / "kinesalite").is_dir() and (
        TOOLS / "node_modules" / "@snowplow" / "node-tracker").is_dir()
    if not ready or not manifest.exists() or manifest.read_text() != wanted:
        TOOLS.mkdir(parents=True, exist_ok=True)
        manifest.write_text(wanted)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOLS, capture_output=True,
            text=True, timeout=600,
        )
        require(result.returncode == 0, f"npm install in {TOOLS} failed: {result.stderr[-2000:]}")
    return TOOLS


# ---------------------------------------------------------------------------- collector process
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


@pytest.fixture
def start_collector(tmp_path):
    """Factory: ``start_collector(*extra_args)`` -> a running :class:`CollectorProcess`, stopped at teardown."""
    started = []

    def start(*args: str, env: dict | None = None, sink: str = "file", folder: Path | None = None):
        target = folder or tmp_path / f"c{len(started)}"
        target.mkdir(parents=True, exist_ok=True)
        process = CollectorProcess(target, *args, env=env, sink=sink)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.proc.poll() is None:
            process.stop()


@pytest.fixture(scope="module")
def shared_collector(tmp_path_factory):
    """One collector (file sink, redirects on for example.com) shared by the tests of a module."""
    folder = tmp_path_factory.mktemp("shared-collector")
    process = CollectorProcess(
        folder, "--redirect_enabled", "true", "--redirect_domains", "example.com",
        "--paths", json.dumps({"/com.acme/track": "/com.snowplowanalytics.snowplow/tp2", "/com.acme/px": "/i"}),
        "--body_read_timeout_s", "2", "--header_read_timeout_s", "2",
    )
    yield process
    if process.proc.poll() is None:
        process.stop()


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


class Kinesalite:
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
                            aws_access_key_id="test", aws_secret_access_key="test")

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


@pytest.fixture
def kinesalite(node_tools):
    server = Kinesalite(node_tools)
    server.start()
    yield server
    server.stop()
