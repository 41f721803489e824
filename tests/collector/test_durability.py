"""The collector as a real process when the disk misbehaves or the process dies: nothing answered 200 is lost.

- a rename out of ``.tmp/`` that fails (the folder made immutable with ``chattr +i``: fails even for root);
- SIGKILL of the worker under load (granian respawns it) and then of the whole collector, and a restart;
- a full disk (a small tmpfs mounted for the test).

Every record is read back from the files with the pipeline's decoder (``decode_base64_record``).
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import require
from snowplow_beam.transforms.thrift_model import decode_base64_record

PAD = "p" * 600  # ~1.1 KB per stored line


def get(port: int, path: str, timeout: float = 10) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def stored_markers(folder: Path) -> list[str]:
    """The ``m=`` marker of every record in the placed files of ``folder`` (hidden ``.tmp`` excluded)."""
    markers = []
    for path in sorted(folder.iterdir()):
        if path.is_file():
            for line in path.read_bytes().splitlines():
                query = decode_base64_record(line).querystring or ""
                found = re.search(r"(?:^|&)m=([^&]+)", query)
                markers.append(found.group(1) if found else "")
    return markers


def tmp_files(folder: Path) -> list[Path]:
    tmp = folder / ".tmp"
    return sorted(tmp.iterdir()) if tmp.is_dir() else []


def metric(collector, name: str, stream: str = "good") -> float:
    with urllib.request.urlopen(collector.url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    found = re.search(rf'^{name}{{sink="file",stream="{stream}"}} (\S+)$', text, re.M)
    assert found, f"{name} missing from /metrics"
    return float(found.group(1))


def wait_for(predicate, timeout: float = 15.0, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def sink_health(collector) -> int:
    return get(collector.port, "/sink-health")


def immutable(path: Path):
    """``chattr +i``: creating or renaming entries in ``path`` then fails with EPERM, even for root."""
    chattr = shutil.which("chattr")
    require(chattr, "chattr (e2fsprogs) is needed to make a folder immutable")
    result = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    require(result.returncode == 0, f"chattr +i is not supported on {path}: {result.stderr.strip()}")
    return lambda: subprocess.run([chattr, "-i", str(path)], check=True)


# ---------------------------------------------------------------------------- failed renames
@pytest.mark.root
def test_failed_rename_answers_503_is_counted_and_nothing_answered_200_is_lost(start_collector, tmp_path):
    folder = tmp_path / "rename"
    collector = start_collector("--max_retries", "2", "--backoff_min_ms", "50", "--backoff_max_ms", "100",
                                folder=folder)
    answered: dict[str, int] = {}

    def send(marker: str) -> int:
        answered[marker] = get(collector.port, f"/i?e=pv&m={marker}")
        return answered[marker]

    assert send("before") == 200
    assert wait_for(lambda: stored_markers(collector.good) == ["before"])
    release = immutable(collector.good)
    try:
        index = 0
        while sink_health(collector) != 503 and index < 400:  # the renames fail from the first rotation on
            send(f"r{index}")
            index += 1
            time.sleep(0.02)
        assert sink_health(collector) == 503
        assert send("refused") == 503  # unhealthy: refused at the door, nothing stored
        assert metric(collector, "collector_sink_failed_renames_total") >= 2
        assert metric(collector, "collector_sink_unplaced_files") >= 1
        assert metric(collector, "collector_sink_healthy") == 0
        assert stored_markers(collector.good) == ["before"]  # nothing placed meanwhile ...
        assert tmp_files(collector.good)  # ... it all waits under .tmp
    finally:
        release()
    assert wait_for(lambda: sink_health(collector) == 200)  # the retried renames succeed
    assert [send(f"after{i}") for i in range(5)] == [200] * 5
    # a shutdown while the renames fail keeps the files under .tmp, says so, and the next start places them
    assert wait_for(lambda: {f"after{i}" for i in range(5)} <= set(stored_markers(collector.good)))
    release = immutable(collector.good)
    try:
        assert send("late0") == 200  # written under .tmp; its rename has not been tried yet
        send("late1")
        assert collector.stop() == 0
        log = collector.log()
        assert re.search(r"0 lost, [1-9]\d* not yet in place", log), log[-2000:]
        assert tmp_files(collector.good)
    finally:
        release()
    again = start_collector(folder=folder)
    assert again.stop() == 0
    assert "recovered" in again.log()
    ok = {marker for marker, status in answered.items() if status == 200}
    stored = stored_markers(collector.good)
    assert len(stored) == len(set(stored))  # no duplicates
    assert set(stored) == ok  # every 200 is there, no 503 is
    assert tmp_files(collector.good) == []


# ---------------------------------------------------------------------------- SIGKILL
def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


class Load:
    """Threads sending ``GET /i`` with unique markers over keep-alive connections, recording every answer."""

    def __init__(self, port: int, threads: int = 3):
        self.port = port
        self.answers: dict[str, object] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def start(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def ok(self) -> set[str]:
        with self._lock:
            return {marker for marker, status in self.answers.items() if status == 200}

    def count_ok(self) -> int:
        return len(self.ok())

    def _run(self, n: int) -> None:
        conn = None
        index = 0
        while not self._stop.is_set():
            marker = f"t{n}x{index}"
            index += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", f"/i?e=pv&m={marker}&pad={PAD}")
                response = conn.getresponse()
                response.read()
                status: object = response.status
                if index % 20 == 0:  # new connections now and then: every worker gets some
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)
            with self._lock:
                self.answers[marker] = status
        if conn is not None:
            conn.close()


@pytest.mark.slow
def test_sigkill_under_load_then_restart_loses_nothing_answered_200(start_collector, tmp_path):
    folder = tmp_path / "kill"
    # a long rotation: without durability and recovery, everything accepted would still be under .tmp;
    # two workers: the respawned one must finish the dead one's file and leave its live sibling's alone
    collector = start_collector("--file_rotate_seconds", "600", "--workers", "2", folder=folder)
    assert wait_for(lambda: len(children(collector.proc.pid)) == 2, timeout=20)
    workers = children(collector.proc.pid)
    load = Load(collector.port).start()
    try:
        assert wait_for(lambda: len(tmp_files(collector.good)) == 2 and load.count_ok() >= 300, timeout=30)
        victim = int(tmp_files(collector.good)[0].name.split("-")[-2])  # raw-<time>-<host>-<pid>-<seq>.b64
        (sibling,) = set(workers) - {victim}
        os.kill(victim, signal.SIGKILL)  # what the OOM killer does
        before_kill = load.count_ok()
        # granian starts a new worker, which moves the dead worker's file into place, and serves again
        assert wait_for(lambda: len(set(children(collector.proc.pid)) - {victim, sibling}) == 1, timeout=20)
        assert wait_for(lambda: stored_markers(collector.good), timeout=10)  # the dead worker's file, recovered
        assert wait_for(lambda: load.count_ok() >= before_kill + 300, timeout=30), collector.log()[-3000:]
        assert collector.proc.poll() is None and sibling in children(collector.proc.pid)
        os.killpg(collector.proc.pid, signal.SIGKILL)  # now the whole collector: main process and workers
        collector.proc.wait(10)
    finally:
        load.stop()
    log = collector.log()
    assert "Respawning worker-" in log and "recovered" in log
    assert tmp_files(collector.good)  # the sibling's file (and the new worker's, if it got traffic): not renamed
    again = start_collector(folder=folder)
    assert again.stop() == 0
    assert "recovered" in again.log()
    ok = load.ok()
    stored = stored_markers(collector.good)
    assert len(stored) == len(set(stored)), "a file was recovered twice (or a live one taken)"
    missing = ok - set(stored)
    assert not missing, f"{len(missing)} of {len(ok)} records answered 200 are missing, e.g. {sorted(missing)[:5]}"
    assert len(ok) >= 600 and tmp_files(collector.good) == []


# ---------------------------------------------------------------------------- full disk
@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs (root only); a missing permission fails in CI and skips elsewhere."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    require(os.geteuid() == 0, "mounting a tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mountpoint)],
                            capture_output=True, text=True)
    require(result.returncode == 0, f"cannot mount a tmpfs: {result.stderr.strip()}")
    yield mountpoint
    if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mountpoint)], check=True)


def fill(path: Path, leave: int) -> None:
    """Fill the file system of ``path`` up to ``leave`` bytes."""
    stat = os.statvfs(path.parent)
    free = stat.f_bavail * stat.f_frsize
    with open(path, "ab") as handle:
        handle.write(b"\0" * max(0, free - leave))


@pytest.mark.root
def test_full_disk_answers_503_from_the_first_failed_write_and_loses_nothing(start_collector, small_disk):
    args = ("--max_retries", "3", "--backoff_min_ms", "50", "--backoff_max_ms", "100")
    collector = start_collector(*args, folder=small_disk)
    answered: dict[str, int] = {}

    def send(marker: str) -> int:
        answered[marker] = get(collector.port, f"/i?e=pv&m={marker}&pad={PAD}")
        return answered[marker]

    def until_full(prefix: str) -> None:
        for index in range(2000):
            if send(f"{prefix}{index}") == 503 and sink_health(collector) == 503:
                return
        raise AssertionError("the disk never filled")

    filler = small_disk / "filler"
    fill(filler, leave=48 * 1024)
    until_full("a")
    first_503 = next(i for i, m in enumerate(answered) if answered[m] == 503)
    assert first_503 > 0  # some fitted
    assert metric(collector, "collector_sink_failed_writes_total") >= 1
    assert metric(collector, "collector_sink_refused_records_total") >= 1
    # space is freed: the sink recovers by itself
    filler.unlink()
    assert wait_for(lambda: sink_health(collector) == 200)
    assert [send(f"b{i}") for i in range(20)] == [200] * 20
    # full again, and the collector is stopped while the disk is still full
    fill(filler, leave=16 * 1024)
    until_full("c")
    assert collector.stop() == 0
    assert re.search(r"\b0 lost, 0 not yet in place", collector.log()), collector.log()[-2000:]
    ok = {marker for marker, status in answered.items() if status == 200}
    stored = stored_markers(collector.good)
    assert set(stored) == ok and len(stored) == len(ok)  # every 200 is stored, no 503 is, nothing twice
    assert sum(1 for status in answered.values() if status == 503) >= 2
    # and after a restart with space again, it carries on
    filler.unlink()
    again = start_collector(*args, folder=small_disk)
    for index in range(10):
        answered[f"d{index}"] = get(again.port, f"/i?e=pv&m=d{index}&pad={PAD}")
    assert again.stop() == 0
    ok = {marker for marker, status in answered.items() if status == 200}
    assert {f"d{i}" for i in range(10)} <= ok
    assert set(stored_markers(collector.good)) == ok and tmp_files(collector.good) == []
