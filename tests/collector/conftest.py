"""The collector tests' own fixture: one collector process shared by the tests of a module.

The suite-wide fixtures (``start_collector``, ``node_tools``, ``kinesalite``...) are in ``tests/conftest.py``;
:class:`~tests.servers.CollectorProcess` and the readers of what it writes in ``tests/servers.py``.
"""
from __future__ import annotations

import json

import pytest

from tests.servers import CollectorProcess


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
