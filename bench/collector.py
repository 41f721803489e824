"""Collector benchmark: wrk against a real collector process on 127.0.0.1, pinned to one core.

    python -m bench.collector            # full: 3 x 10 s per scenario, latency at half rate, 60 s memory soak
    python -m bench.collector --quick    # 2 x 4 s, 20 s soak

Scenarios (file sink, realistic per-request work: parse, build and encode a ~1 KB CollectorPayload, buffer it,
write base64 lines to rotating files):

- ``GET /i``: the querystring of a real tracker's self-describing event with a context (~830 chars), browser-like
  headers and an ``sp`` cookie;
- ``POST tp2``: a real tracker's batch of 3 events (~1.9 KB body).

For each: maximum throughput (median of the repetitions), then p50/p99 latency at about half that rate (wrk's Lua
``delay()`` paces each connection), and for GET a soak at full rate sampling the collector's resident memory.
The collector runs on core 0 (``taskset``), wrk on core 1. Results: printed, and written to
``bench-output/collector.json``. Needs ``wrk`` (Debian: ``apt-get install wrk``; tried automatically as root).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench-output"

QUERY = (
    "e=ue&ue_px=eyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvdW5zdHJ1Y3RfZXZlbnQvanNvbnNjaGVtYS8x"
    "LTAtMCIsICJkYXRhIjogeyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvbGlua19jbGljay9qc29uc2NoZW1h"
    "LzEtMC0xIiwgImRhdGEiOiB7InRhcmdldFVybCI6ICJodHRwczovL2V4YW1wbGUuY29tL2RvY3MiLCAiZWxlbWVudElkIjogIm5hdi1kb2NzIn19"
    "fQ%3D%3D&cx=eyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvY29udGV4dHMvanNvbnNjaGVtYS8xLTAtMSIs"
    "ICJkYXRhIjogW3sic2NoZW1hIjogImlnbHU6Y29tLmdpdGxhYi9naXRsYWJfc3RhbmRhcmQvanNvbnNjaGVtYS8xLTAtOSIsICJkYXRhIjogeyJl"
    "bnZpcm9ubWVudCI6ICJkZXZlbG9wbWVudCIsICJzb3VyY2UiOiAiZ2l0bGFiLXJhaWxzIiwgInBsYW4iOiAiZnJlZSIsICJuYW1lc3BhY2VfaWQi"
    "OiA0Mn19XX0%3D&p=web&uid=user-123&lang=en&tz=UTC&eid=1863683f-182d-4a37-8016-9f79fa293648&dtm=1795849373030"
    "&tv=js-3.24.0&tna=sp&aid=bench-app&stm=1795849373000"
)
EVENT = {
    "e": "pv", "url": "https://example.com/a?b=c", "page": "A page", "refr": "https://ref.example/", "p": "web",
    "uid": "user-123", "lang": "en", "tz": "UTC", "eid": "1e8fc574-bdc9-475f-8899-0f77e4f71cfc",
    "dtm": "1795849373556", "tv": "js-3.24.0", "tna": "sp", "aid": "bench-app", "stm": "1795849373000",
    "cx": "eyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvY29udGV4dHMvanNvbnNjaGVtYS8xLTAtMSIs",
}
BODY = json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
                   "data": [EVENT, dict(EVENT, e="se", se_ca="cat", se_ac="act"), dict(EVENT, e="pp")]})
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Referer": "https://example.com/a?b=c",
    "Accept-Language": "en-GB,en;q=0.9",
    "Origin": "https://example.com",
    "Cookie": "sp=4f3c2b1a-1111-4222-8333-444455556666; _ga=GA1.1.1234",
}

LUA = """
wrk.method = "%(method)s"
wrk.path = "%(path)s"
%(body)s
%(headers)s
local pause = %(delay)s
function delay() return pause end
"""


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: trying `apt-get install -y wrk` (running as root)", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        wrk = shutil.which("wrk")
        if wrk:
            return wrk
    sys.exit("bench.collector needs wrk: install it with `apt-get install wrk` (Debian/Ubuntu), "
             "`brew install wrk` (macOS), or build it from its source; then run again.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lua_script(folder: Path, method: str, path: str, body: str | None, delay_ms: float) -> Path:
    headers = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in HEADERS.items())
    if body is not None:
        headers += '\nwrk.headers["Content-Type"] = "application/json; charset=UTF-8"'
    script = folder / f"{method.lower()}-{int(delay_ms * 1000)}.lua"
    script.write_text(LUA % {
        "method": method, "path": path, "headers": headers, "delay": f"{delay_ms:.3f}",
        "body": f"wrk.body = {json.dumps(body)}" if body is not None else "",
    })
    return script


class Collector:
    def __init__(self, folder: Path, core: str, extra: list[str]):
        self.port = free_port()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.good = folder / "good"
        cmd = ["taskset", "-c", core, sys.executable, "-m", "snowplow_beam.collector", "--host", "127.0.0.1", "--port",
               str(self.port), "--sink", "file", "--good_path", str(self.good), "--bad_path", str(folder / "bad"),
               "--log_level", "warning", *extra]
        self.log = open(folder / "collector.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("collector did not start: " + (folder / "collector.log").read_text())

    def pids(self) -> list[int]:
        out = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            out += [int(pid) for pid in children]
        except OSError:
            pass
        return out

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def records(self) -> int:
        count = 0
        for path in self.good.iterdir():
            if path.is_file():
                with open(path, "rb") as handle:
                    while chunk := handle.read(1 << 22):
                        count += chunk.count(b"\n")
        return count


def run_wrk(wrk: str, core: str, port: int, script: Path, seconds: float, connections: int) -> dict:
    cmd = ["taskset", "-c", core, wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency",
           "-s", str(script), f"http://127.0.0.1:{port}"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    text = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    latency = {}
    for label, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        latency[f"p{label}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return {"rps": rps, "requests": total, "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "", **latency}


def scenario(wrk: str, tmp: Path, name: str, method: str, path: str, body: str | None, reps: int, seconds: float,
             connections: int, server_core: str, client_core: str) -> dict:
    runs = []
    collector = Collector(tmp / f"{name}-max", server_core, [])
    try:
        script = lua_script(tmp, method, path, body, 0)
        warmup = run_wrk(wrk, client_core, collector.port, script, 2, connections)
        for _ in range(reps):
            runs.append(run_wrk(wrk, client_core, collector.port, script, seconds, connections))
            print(f"  {name}: {runs[-1]['rps']:,.0f} req/s, p99 {runs[-1].get('p99_ms', 0):.2f} ms", flush=True)
    finally:
        collector.stop()
    answered = sum(r["requests"] - r["non_2xx"] for r in runs + [warmup])
    stored = collector.records()
    median = statistics.median(r["rps"] for r in runs)
    # latency at about half the maximum rate: 16 paced connections
    paced_conns = 16
    half = median / 2
    delay_ms = max(paced_conns / half * 1000 - 0.3, 0.05)
    collector = Collector(tmp / f"{name}-paced", server_core, [])
    try:
        script = lua_script(tmp, method, path, body, delay_ms)
        paced = run_wrk(wrk, client_core, collector.port, script, seconds, paced_conns)
    finally:
        collector.stop()
    print(f"  {name} at ~half rate: {paced['rps']:,.0f} req/s, p50 {paced.get('p50_ms', 0):.2f} ms, "
          f"p99 {paced.get('p99_ms', 0):.2f} ms", flush=True)
    shutil.rmtree(tmp / f"{name}-max", ignore_errors=True)
    shutil.rmtree(tmp / f"{name}-paced", ignore_errors=True)
    return {"median_rps": median, "runs": runs, "half_rate": paced, "answered_2xx": answered,
            "records_stored": stored}


def soak(wrk: str, tmp: Path, seconds: int, connections: int, server_core: str, client_core: str) -> dict:
    collector = Collector(tmp / "soak", server_core, ["--file_rotate_seconds", "5"])
    samples = []
    try:
        script = lua_script(tmp, "GET", "/i?" + QUERY, None, 0)
        proc = subprocess.Popen(
            ["taskset", "-c", client_core, wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
             "-s", str(script), f"http://127.0.0.1:{collector.port}"], stdout=subprocess.PIPE, text=True)
        start = time.monotonic()
        while proc.poll() is None:
            samples.append((round(time.monotonic() - start, 1), collector.rss_bytes()))
            # keep the disk use bounded: closed files are deleted as they appear
            for path in collector.good.iterdir():
                if path.is_file():
                    path.unlink()
            time.sleep(5)
        text = proc.stdout.read()
    finally:
        collector.stop()
        shutil.rmtree(tmp / "soak", ignore_errors=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    rss = [value for _, value in samples]
    after_warmup = rss[1:] or rss
    return {"seconds": seconds, "rps": rps, "rss_mib": [(t, round(v / 2**20, 1)) for t, v in samples],
            "rss_growth_mib_after_first_sample": round((max(after_warmup) - min(after_warmup)) / 2**20, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test of the benchmark)")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--soak", type=int, default=None, help="seconds of the memory soak (0: skip)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--server-core", default="0")
    parser.add_argument("--client-core", default="1")
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 3)
    seconds = args.seconds or (4 if args.quick else 10)
    soak_seconds = args.soak if args.soak is not None else (20 if args.quick else 60)
    wrk = ensure_wrk()
    if not shutil.which("taskset"):
        sys.exit("bench.collector needs taskset (util-linux)")
    results = {"stack": "granian RSGI (collector.server), file sink", "cores": os.cpu_count(),
               "server_core": args.server_core, "client_core": args.client_core, "connections": args.connections,
               "seconds": seconds, "reps": reps}
    with tempfile.TemporaryDirectory(prefix="collector-bench-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"collector benchmark: {reps} x {seconds:g} s per scenario, {args.connections} connections", flush=True)
        results["get_i"] = scenario(wrk, tmp, "GET-i", "GET", "/i?" + QUERY, None, reps, seconds,
                                    args.connections, args.server_core, args.client_core)
        results["post_tp2"] = scenario(wrk, tmp, "POST-tp2", "POST", "/com.snowplowanalytics.snowplow/tp2", BODY,
                                       reps, seconds, args.connections, args.server_core, args.client_core)
        if soak_seconds:
            print(f"memory soak: GET /i at full rate for {soak_seconds} s", flush=True)
            results["soak"] = soak(wrk, tmp, soak_seconds, args.connections, args.server_core, args.client_core)
    OUT.mkdir(exist_ok=True)
    (OUT / "collector.json").write_text(json.dumps(results, indent=2))
    print()
    print(f"{'scenario':<10} {'median req/s':>13} {'half-rate req/s':>16} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'stored/answered':>16}")
    for key, label in (("get_i", "GET /i"), ("post_tp2", "POST tp2")):
        r = results[key]
        print(f"{label:<10} {r['median_rps']:>13,.0f} {r['half_rate']['rps']:>16,.0f} "
              f"{r['half_rate'].get('p50_ms', 0):>7.2f} {r['half_rate'].get('p99_ms', 0):>7.2f} "
              f"{r['records_stored']:>8}/{r['answered_2xx']}")
    if "soak" in results:
        s = results["soak"]
        print(f"soak: {s['rps']:,.0f} req/s for {s['seconds']} s; RSS (MiB) over time: "
              f"{' '.join(str(v) for _, v in s['rss_mib'])}; growth after warm-up {s['rss_growth_mib_after_first_sample']} MiB")
    print(f"written to {OUT / 'collector.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
