"""Runner presets (runners/): the arguments of each preset, the quirks ``prepare_runner`` applies, and the portable
path Flink takes, proven on Prism's job server: the batch pipeline through ``PortableRunner`` with a separately
started EXTERNAL worker pool gives the same rows and counters as the local FnApiRunner run.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import (FlinkRunnerOptions, PipelineOptions, PortableOptions,
                                                  PrismRunnerOptions, StandardOptions)

from snowplow_beam.beam_pipeline.launcher import run
from snowplow_beam.beam_pipeline.sample_data import generate_lines
from snowplow_beam.runners import UnsuitableRunner, prepare_runner, spreads_restrictions
from snowplow_beam.runners.flink import FlinkSettings, flink_args
from snowplow_beam.runners.portable import portable_args, worker_pool_command
from snowplow_beam.runners.prism import PRISM_BINARY, job_server_command, prism_args
from tests.helpers import SAMPLE_START_MS, free_port, hmac_hex, planted_collector_bad_lines, require

VENV_BIN = Path(sys.executable).parent
THIRTY_DAYS = 30 * 24 * 3600


def _prepared(argv: list[str], unbounded: bool = False) -> PipelineOptions:
    return prepare_runner(PipelineOptions(argv), unbounded=unbounded)


# ---------------------------------------------------------------------------- the local preset and the quirks
def test_local_defaults_fill_in_only_what_the_user_left_out():
    assert _prepared([]).view_as(StandardOptions).runner == "FnApiRunner"
    direct = _prepared(["--runner", "DirectRunner"])
    assert direct.view_as(StandardOptions).runner == "DirectRunner"
    assert direct.view_as(PrismRunnerOptions).prism_location == "/nonexistent/prism"
    chosen = _prepared(["--runner=DirectRunner", "--prism_location=/opt/prism"])
    assert chosen.view_as(PrismRunnerOptions).prism_location == "/opt/prism"
    prism = _prepared(["--runner=PrismRunner", "--prism_location=/opt/prism"])
    assert prism.view_as(StandardOptions).runner == "PrismRunner"
    assert prism.view_as(PrismRunnerOptions).prism_location == "/opt/prism"
    bounded = _prepared(["--runner=PortableRunner"])
    assert not bounded.view_as(StandardOptions).streaming
    assert bounded.view_as(PortableOptions).job_server_timeout == 300


def test_unbounded_reads_refuse_batch_runners_and_keep_portable_jobs_alive():
    for runner in ([], ["--runner=FnApiRunner"], ["--runner=BundleBasedDirectRunner"]):
        with pytest.raises(UnsuitableRunner, match="never finishes a window on (fnapirunner|bundlebaseddirectrunner)"):
            _prepared(runner, unbounded=True)
    streaming = _prepared(["--runner=PortableRunner", "--job_endpoint=localhost:8099"], unbounded=True)
    assert streaming.view_as(StandardOptions).streaming
    assert streaming.view_as(PortableOptions).job_server_timeout == THIRTY_DAYS
    chosen = _prepared(["--runner=PrismRunner", "--job_server_timeout=600"], unbounded=True)
    assert chosen.view_as(PortableOptions).job_server_timeout == 600
    assert chosen.view_as(StandardOptions).streaming
    # The options set here are those a portable runner sends to its job server.
    assert streaming.get_all_options()["job_server_timeout"] == THIRTY_DAYS


# ---------------------------------------------------------------------------- Prism, portable, Flink arguments
def test_prism_preset_arguments():
    assert prism_args("/opt/prism") == ["--runner=PrismRunner", "--prism_location=/opt/prism"]
    assert prism_args() == ["--runner=PrismRunner", f"--prism_location={Path(__file__).parents[1]}/.tools/go/bin/prism"]
    assert job_server_command(8073, "/opt/prism") == ["/opt/prism", "--job_port=8073", "--serve_http=false"]
    assert job_server_command(1, "p", idle_shutdown_seconds=60)[-1] == "--idle_shutdown_timeout=60s"


def test_only_prism_keeps_one_restriction_per_stream():
    def spreads(*args):
        return spreads_restrictions(_prepared(list(args), unbounded=False))

    assert not spreads(*prism_args("/opt/prism"))
    assert not spreads("--runner=DirectRunner", "--prism_location=/opt/prism")  # the DirectRunner on Prism
    assert spreads("--runner=DirectRunner")  # given no Prism: the FnApiRunner underneath
    assert spreads() and spreads("--runner=FlinkRunner") and spreads("--runner=PortableRunner")


def test_portable_arguments_and_the_worker_pool():
    assert portable_args("localhost:50000", "localhost:8099") == [
        "--runner=PortableRunner", "--job_endpoint=localhost:8099", "--environment_type=EXTERNAL",
        "--environment_config=localhost:50000"]
    assert portable_args("localhost:50000") == [
        "--runner=PortableRunner", "--environment_type=EXTERNAL", "--environment_config=localhost:50000"]
    assert worker_pool_command(50000) == ["python", "-m", "apache_beam.runners.worker.worker_pool_main",
                                          "--service_port=50000"]


FLINK_TAIL = ["--flink_version=1.20", "--parallelism=2", "--checkpointing_interval=60000", "--state_backend=rocksdb",
              "--state_backend_storage_path=s3://lake/flink/checkpoints"]


def test_flink_preset_arguments_for_each_way_to_reach_the_cluster():
    production = FlinkSettings(state_backend_storage_path="s3://lake/flink/checkpoints")
    assert flink_args(production) == [
        "--runner=PortableRunner", "--environment_type=EXTERNAL", "--environment_config=localhost:50000", *FLINK_TAIL]
    endpoint = FlinkSettings(state_backend_storage_path="s3://lake/flink/checkpoints", job_endpoint="jm:8099")
    assert flink_args(endpoint) == [
        "--runner=PortableRunner", "--job_endpoint=jm:8099", "--environment_type=EXTERNAL",
        "--environment_config=localhost:50000", *FLINK_TAIL]
    jar = FlinkSettings(state_backend_storage_path="file:///tmp/ckpt", job_server_jar="/jars/job-server.jar",
                        flink_master="[local]", parallelism=1, checkpointing_interval_ms=5000,
                        state_backend="filesystem", flink_version="1.19")
    assert flink_args(jar) == [
        "--runner=FlinkRunner", "--flink_job_server_jar=/jars/job-server.jar", "--flink_master=[local]",
        "--environment_type=EXTERNAL", "--environment_config=localhost:50000", "--flink_version=1.19",
        "--parallelism=1", "--checkpointing_interval=5000", "--state_backend=filesystem",
        "--state_backend_storage_path=file:///tmp/ckpt"]
    # Beam's Python side accepts the version and the parallelism (the rest are the Java job server's options).
    flink = PipelineOptions(flink_args(jar)).view_as(FlinkRunnerOptions)
    assert (flink.flink_version, flink.parallelism, flink.flink_master) == ("1.19", 1, "[local]")
    with pytest.raises(ValueError, match="not both"):
        FlinkSettings(state_backend_storage_path="x", job_endpoint="jm:8099", job_server_jar="j.jar")
    with pytest.raises(ValueError, match="state backend"):
        FlinkSettings(state_backend_storage_path="x", state_backend="memory")


# ---------------------------------------------------------------------------- the portable path on Prism
class _Process:
    """A server process of this test, in a session of its own (its children go with it), logging to a file."""

    def __init__(self, command: list[str], log: Path, env: dict | None = None):
        self.log_path = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, start_new_session=True)

    def wait_listening(self, port: int, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"not listening on {port} after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL after 10 s."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture
def processes():
    started: list[_Process] = []

    def start(command: list[str], log: Path, env: dict | None = None) -> _Process:
        started.append(_Process(command, log, env))
        return started[-1]

    yield start
    for process in reversed(started):
        process.stop()


PROCESSING_TIME = "<processing time>"


def _without_processing_times(row: dict) -> dict:
    """A row with the fields that hold the time it was processed replaced (they differ between any two runs)."""
    row = dict(row)
    if "etl_tstamp" in row:
        assert row["etl_tstamp"] is not None
        row["etl_tstamp"] = PROCESSING_TIME
    data = row.get("data")
    if isinstance(data, dict) and isinstance(data.get("failure"), dict) and "timestamp" in data["failure"]:
        row["data"] = {**data, "failure": {**data["failure"], "timestamp": PROCESSING_TIME}}
        payload = data.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("enriched"), dict):
            row["data"]["payload"] = {**payload, "enriched": _without_processing_times(payload["enriched"])}
    return row


def _lake_rows(root: Path) -> dict[str, list[str]]:
    """Every row of every output of a lake, parsed (Parquet, JSON lines), in a canonical order."""
    rows: dict[str, list[str]] = {}
    for output in ("good", "enriched_bad", "raw_bad"):
        found = []
        for path in sorted((root / output).rglob("*")):
            if path.suffix == ".parquet":
                found += pq.read_table(path).to_pylist()
            elif path.suffix == ".json":
                found += [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
        rows[output] = sorted(orjson.dumps(_without_processing_times(row), default=str,
                                           option=orjson.OPT_SORT_KEYS).decode() for row in found)
    return rows


@pytest.mark.prism
@pytest.mark.slow
@pytest.mark.timeout(420)
def test_batch_pipeline_on_prisms_job_server_with_an_external_worker_pool(tmp_path, salt_file, processes):
    """The path Flink takes (PortableRunner, a job server, EXTERNAL workers) gives the local run's rows and counters."""
    require(PRISM_BINARY.is_file(), f"no Prism at {PRISM_BINARY}: run runners/install-prism.sh (make tools)")
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join(generate_lines(400, SAMPLE_START_MS)) + "\n")
    collector_bad = tmp_path / "collector-bad.json"
    collector_bad.write_text("\n".join(planted_collector_bad_lines()) + "\n")
    inputs = ["--input", str(raw), "--raw_bad_input", str(collector_bad), "--salt_file", str(salt_file)]

    local = run([*inputs, "--output", str(tmp_path / "local")])

    job_port, pool_port = free_port(), free_port()
    prism = processes(job_server_command(job_port, idle_shutdown_seconds=600), tmp_path / "prism.log")
    # The workers are the pool's children: its environment (the venv first on PATH, no salt variable) is theirs.
    pool_env = {key: value for key, value in os.environ.items() if key != "PSEUDONYMIZATION_SALT"}
    pool_env["PATH"] = f"{VENV_BIN}{os.pathsep}{pool_env.get('PATH', '')}"
    pool = processes(worker_pool_command(pool_port, python=str(VENV_BIN / "python")), tmp_path / "pool.log", pool_env)
    prism.wait_listening(job_port)
    pool.wait_listening(pool_port)
    try:
        portable = run([*inputs, "--output", str(tmp_path / "portable"),
                        *portable_args(f"localhost:{pool_port}", f"localhost:{job_port}")])
    except Exception as exc:
        raise AssertionError(f"{exc}\n--- prism:\n{prism.log()}\n--- worker pool:\n{pool.log()}") from exc

    assert local.ok and portable.ok, portable.report()
    assert local.get("good") > 300 and local.get("enriched_bad") > 0 and local.get("raw_bad") > 0
    local_rows, portable_rows = _lake_rows(tmp_path / "local"), _lake_rows(tmp_path / "portable")
    assert {name: len(rows) for name, rows in portable_rows.items()} == \
        {"good": local.get("good"), "enriched_bad": local.get("enriched_bad"), "raw_bad": local.get("raw_bad")}
    assert portable_rows == local_rows
    # Prism (2.73) sometimes reports the job DONE before the committed counters of the last bundle of the last
    # step are merged (seen in about 1 run in 10: files_written 5 of 6, rows_written 292 of 564, while every file
    # and row was written, as checked above). The writers' counters may lag on Prism; every other counter is the
    # local run's.
    writers = {"files_written", "rows_written"}
    assert {k: v for k, v in portable.counters.items() if k not in writers} == \
        {k: v for k, v in local.counters.items() if k not in writers}
    assert all(0 < portable.get(name) <= local.get(name) for name in writers)
    # The workers read the salt from the file themselves: the pseudonyms are those of the file's salt.
    salt = salt_file.read_bytes().rstrip(b"\n")
    user_agents = {orjson.loads(row)["useragent"] for row in portable_rows["good"]}
    assert hmac_hex("python-requests/2.34.2", salt) in user_agents
    assert "python-requests/2.34.2" not in "".join(portable_rows["good"])
