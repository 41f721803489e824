"""The extension loaded and first called from several threads at once, as Beam's SDK workers do (they unpickle the
DoFns, which import the extension, on worker threads): with mimalloc 3 as its allocator this crashed the process
about once in six starts (a segfault in mimalloc's thread start-up), so the start is repeated in fresh processes."""
from __future__ import annotations

import subprocess
import sys

STARTS = 24

FIRST_CALLS_ON_THREADS = """
import threading
import pyarrow  # loaded first, as in a worker: it brings allocators and threads of its own

def first_call():
    from snowplow_beam.transforms import native
    assert len(native.parameter_fields()) > 50

threads = [threading.Thread(target=first_call) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("ok")
"""


def test_the_extension_starts_on_several_threads_at_once_without_crashing():
    runs = [subprocess.Popen([sys.executable, "-X", "faulthandler", "-c", FIRST_CALLS_ON_THREADS],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(STARTS)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    failed = [(code, err[-2000:]) for code, out, err in results if code != 0 or out.strip() != "ok"]
    assert not failed, failed
