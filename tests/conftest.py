"""Project-wide test settings: markers, and how a missing prerequisite is reported."""
from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
SAMPLE_START_MS = 1_764_320_400_000  # 2025-11-28 09:00:00 UTC


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with -m 'not slow')")


def require(condition, reason: str) -> None:
    """A missing prerequisite fails the test in CI (CI=true) and skips it, with the reason, elsewhere."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"prerequisite missing in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def salt_file(tmp_path):
    path = tmp_path / "salt"
    path.write_bytes(b"test-salt-\xe2\x9c\x93-not-short\n")
    return path
