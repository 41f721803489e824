"""The fixtures shared by the whole suite, and its markers: one per real prerequisite a test needs.

Plain helpers (builders, constants, ``require``) are in ``tests/helpers.py``; the servers these fixtures start are
in ``tests/servers.py``. A missing prerequisite fails its test in CI (CI=true) and skips it elsewhere; the markers
let a run leave a prerequisite out on purpose: ``pytest -m "not node and not chromium"``.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import FILE_SALT, REPO, require
from tests.servers import DUMMY_AWS, CollectorProcess, Kinesalite, S3Server

MARKERS = {
    "slow": "takes more than a few seconds (deselect with -m 'not slow')",
    "node": "needs Node.js and npm: kinesalite (Kinesis) or the npm Snowplow tracker, installed into .tools/node",
    "moto": "needs moto's server (moto[server]): S3 or Secrets Manager on 127.0.0.1",
    "chromium": "needs a headless chromium (the report's page in a browser)",
    "prometheus": "needs promtool or prometheus (the alert rules, a scrape of the collector)",
    "fakesnow": "needs fakesnow (Snowflake's SQL on DuckDB) for the warehouse loader",
    "kubectl": "needs kubectl (its kustomize renders the Kubernetes overlay)",
    "prism": "needs Beam's Prism runner in .tools/go/bin (runners/install-prism.sh, `make tools`)",
    "registry": "installs packages from the package index with pip (checkov's own virtualenv, clean installs)",
    "root": "needs root: chattr +i on a folder, or mounting a tmpfs",
}
# A test that uses one of these fixtures (here or in its module) starts that prerequisite: it must carry the marker.
FIXTURE_MARKERS = {"node_tools": "node", "kinesalite": "node", "s3": "moto", "moto_endpoint": "moto",
                   "secrets": "moto", "s3_lake": "moto", "fakesnow_session": "fakesnow", "small_disk": "root"}


def pytest_configure(config):
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def pytest_collection_modifyitems(config, items):
    """A test that starts a prerequisite through a fixture without its marker is a collection error."""
    unmarked = []
    for item in items:
        missing = sorted({marker for fixture, marker in FIXTURE_MARKERS.items()
                          if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None})
        if missing:
            unmarked.append(f"{item.nodeid}: mark it {', '.join(missing)}")
    if unmarked:
        raise pytest.UsageError("tests without the marker of their prerequisite:\n  " + "\n  ".join(unmarked))


# ---------------------------------------------------------------------------- secrets
@pytest.fixture
def salt_file(tmp_path):
    """A salt file holding :data:`~tests.helpers.FILE_SALT` and a trailing newline (which is not part of it)."""
    path = tmp_path / "salt"
    path.write_bytes(FILE_SALT + b"\n")
    return path


@pytest.fixture
def fresh_workers():
    """Worker resources are shared per process (transforms.config): drop them so each run reads its salt."""
    from snowplow_beam.transforms import config

    config._SHARED.clear()
    yield
    config._SHARED.clear()


# ---------------------------------------------------------------------------- AWS stand-ins
@pytest.fixture
def aws_env(monkeypatch):
    """Dummy credentials and a region from the standard AWS environment (never real ones)."""
    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS"):
        monkeypatch.delenv(name, raising=False)
    return DUMMY_AWS


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """``.tools/node`` with the pinned npm packages of ``tests/collector/node/package.json`` (installed once)."""
    tools = REPO / ".tools" / "node"
    node, npm = shutil.which("node"), shutil.which("npm")
    require(node and npm, "node and npm are needed (Debian: apt-get install nodejs npm)")
    wanted = (REPO / "tests" / "collector" / "node" / "package.json").read_text()
    manifest = tools / "package.json"
    ready = (tools / "node_modules" / "kinesalite").is_dir() and (
        tools / "node_modules" / "@snowplow" / "node-tracker").is_dir()
    if not ready or not manifest.exists() or manifest.read_text() != wanted:
        tools.mkdir(parents=True, exist_ok=True)
        manifest.write_text(wanted)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tools, capture_output=True,
            text=True, timeout=600,
        )
        require(result.returncode == 0, f"npm install in {tools} failed: {result.stderr[-2000:]}")
    return tools


@pytest.fixture
def kinesalite(node_tools, aws_env):
    """A running :class:`Kinesalite` (Kinesis on 127.0.0.1), with dummy AWS credentials in the environment."""
    server = Kinesalite(node_tools)
    server.start()
    yield server
    server.stop()


def _require_moto() -> None:
    try:
        import moto.server  # noqa: F401  (only whether it imports)
    except ImportError:
        require(False, "moto[server] is needed (requirements-test.txt)")


@pytest.fixture
def s3(aws_env, monkeypatch):
    """A moto S3 server with bucket ``lake``; Beam's ``s3://`` paths reach it through the AWS environment."""
    _require_moto()
    server = S3Server()
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", server.endpoint)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def moto_endpoint():
    """A moto server for Secrets Manager (one per test module)."""
    _require_moto()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def secrets(moto_endpoint, monkeypatch):
    """A Secrets Manager client for the moto server; a SecretSource finds it through AWS_ENDPOINT_URL."""
    import boto3

    from snowplow_beam.transforms.secrets import SALT_ENV

    for name, value in {**DUMMY_AWS, "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv(SALT_ENV, raising=False)
    return boto3.client("secretsmanager", region_name="eu-west-1")


# ---------------------------------------------------------------------------- the collector
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
