"""Kinesis -> pipeline -> S3 figures, on this machine: kinesalite (node) and moto's S3 server, both on 127.0.0.1.

Two measurements (see beam_pipeline/STREAMING.md, "Figures"):

- ``--mode throughput``: ``--backlog N`` raw records are put into kinesalite first, then the pipeline
  reads them in bounded mode (``--kinesis_max_records N``) and writes to S3; events/s = good events
  / wall time of the run (start-up included, and reported apart).
- ``--mode latency``: the pipeline runs unbounded on Prism (``--prism``) while this script puts
  records stamped with the current time (collector_tstamp = now) at ``--rate`` records/s for
  ``--seconds``; it lists the bucket every 0.25 s, and each event's delay is the time its file
  was first listed minus its collector_tstamp.
- ``--mode scale-out``: ``--backlog N`` records on ``--shards`` shards, read to the tip
  (``--kinesis_read_to_tip``) by 1 and then 2 workers (``--direct_num_workers``, multi-processing), each
  ``--repeats`` times: events/s = good events / wall time of the run (median), and the ratio of 2 workers to 1.

    python -m bench.kinesis_streaming --mode throughput --backlog 20000
    python -m bench.kinesis_streaming --mode latency --rate 200 --seconds 300 --prism .tools/go/bin/prism
    python -m bench.kinesis_streaming --mode scale-out --backlog 40000 --shards 8
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NODE_TOOLS = REPO / ".tools" / "node"
ENV = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_EC2_METADATA_DISABLED": "true"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc, timeout: float = 30) -> None:
    import socket

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Servers:
    def __init__(self):
        sys.path.insert(0, str(REPO))
        from tests.servers import KINESALITE_JS

        self.kinesis_port, self.s3_port = _free_port(), _free_port()
        script = NODE_TOOLS / "kinesalite-local.js"
        script.write_text(KINESALITE_JS)
        self.kinesalite = subprocess.Popen(["node", str(script), str(self.kinesis_port)], cwd=NODE_TOOLS,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **ENV})
        _wait_port(self.kinesis_port, self.kinesalite)
        _wait_port(self.s3_port, self.moto)
        self.kinesis_endpoint = f"http://127.0.0.1:{self.kinesis_port}"
        self.s3_endpoint = f"http://127.0.0.1:{self.s3_port}"

    def client(self, service: str):
        import boto3

        endpoint = self.kinesis_endpoint if service == "kinesis" else self.s3_endpoint
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def stop(self):
        for proc in (self.kinesalite, self.moto):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)


def _templates(count: int = 2000):
    """Raw CollectorPayloads of the sample generator (its 5% of broken records included)."""
    from snowplow_beam.beam_pipeline.sample_data import generate_lines
    from thriftpy2.protocol.cybin import TCyBinaryProtocol
    from thriftpy2.transport import TCyMemoryBuffer

    from snowplow_beam.transforms.thrift_model import CollectorPayload, decode_payload

    payloads = []
    for line in generate_lines(count, 1_764_320_400_000, span_ms=1000):
        try:
            data = base64.b64decode(line)
            decode_payload(data)  # checked by the pipeline's reader first: thriftpy2 trusts what it reads
        except Exception:  # not base64 / not Thrift: put as raw bytes
            payloads.append(line.encode())
            continue
        payload = CollectorPayload()  # thriftpy2's, whose timestamp each put sets
        TCyBinaryProtocol(TCyMemoryBuffer(data)).read_struct(payload)
        payloads.append(payload)
    return payloads


def _encode(template, stamp_ms: int) -> bytes:
    from snowplow_beam.transforms.thrift_model import encode_payload

    if isinstance(template, bytes):
        return template
    template.timestamp = stamp_ms
    return encode_payload(template)


def _put(client, stream: str, records: list[bytes], first_key: int) -> None:
    for start in range(0, len(records), 500):
        batch = records[start:start + 500]
        entries = [{"Data": data, "PartitionKey": f"p{first_key + start + i}"} for i, data in enumerate(batch)]
        while entries:
            response = client.put_records(StreamName=stream, Records=entries)
            entries = [e for e, r in zip(entries, response["Records"]) if "ErrorCode" in r]


def _pipeline_cmd(servers: Servers, out: str, salt: Path, extra: list[str], raw_bad: bool = True) -> list[str]:
    streams = ["--kinesis_stream", "raw-good"] + (["--raw_bad_stream", "raw-bad"] if raw_bad else [])
    return [sys.executable, "-m", "snowplow_beam.beam_pipeline", *streams, "--kinesis_endpoint_url", servers.kinesis_endpoint, "--kinesis_region", "us-east-1",
            "--output", out, "--salt_file", str(salt), *extra]


def _pipeline_env(servers: Servers) -> dict:
    return {**os.environ, **ENV, "AWS_ENDPOINT_URL_S3": servers.s3_endpoint, "PYTHONPATH": str(REPO)}


def _good_stamps(s3, key: str) -> list[int]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(s3.get_object(Bucket="lake", Key=key)["Body"].read()),
                          columns=["collector_tstamp"])
    return [int(v.timestamp() * 1000) for v in table.column("collector_tstamp").to_pylist()]


def _good_rows(s3, key: str) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(io.BytesIO(s3.get_object(Bucket="lake", Key=key)["Body"].read())).num_rows


def _list(s3, prefix: str) -> list[str]:
    keys, token = [], None
    while True:
        args = {"Bucket": "lake", "Prefix": prefix}
        if token:
            args["ContinuationToken"] = token
        response = s3.list_objects_v2(**args)
        keys += [item["Key"] for item in response.get("Contents", [])]
        token = response.get("NextContinuationToken")
        if not token:
            return keys


def _run_counters(command: list[str], env: dict) -> dict:
    """Run the pipeline to its end; its summary's counters (``name: value`` lines)."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-5000:])
    counters = {}
    for line in result.stdout.splitlines():
        if ":" in line:
            name, value = line.rsplit(":", 1)
            counters[name.strip()] = value.strip()
    return counters


def throughput(servers: Servers, args, salt: Path) -> dict:
    kinesis, s3 = servers.client("kinesis"), servers.client("s3")
    templates = _templates()
    now = int(time.time() * 1000)
    records = [_encode(templates[i % len(templates)], now) for i in range(args.backlog)]
    _put(kinesis, "raw-good", records, 0)
    extra = ["--kinesis_max_records", str(args.backlog), "--kinesis_max_read_seconds", str(args.max_seconds),
             "--window_seconds", str(args.window)]
    if args.prism:
        extra += ["--runner=PrismRunner", f"--prism_location={args.prism}"]
    started = time.monotonic()
    # no raw-bad stream here: its bound would be the time limit (it holds fewer than N records)
    counters = _run_counters(_pipeline_cmd(servers, "s3://lake/tp", salt, extra, raw_bad=False),
                             _pipeline_env(servers))
    elapsed = time.monotonic() - started
    good = int(counters.get("good", "0").replace(",", ""))
    files = _list(s3, "tp/")
    return {"mode": "throughput", "runner": "PrismRunner" if args.prism else "FnApiRunner",
            "records": args.backlog, "good_events": good, "seconds": round(elapsed, 1),
            "events_per_s": round(good / elapsed), "records_per_s": round(args.backlog / elapsed),
            "files": len(files), "accounting": counters.get("accounting (every record in exactly one place)")}


def scale_out(servers: Servers, args, salt: Path) -> dict:
    """The same backlog read to the tip by 1 and by 2 workers (each run reads it all: nothing is acknowledged)."""
    import statistics

    kinesis, s3 = servers.client("kinesis"), servers.client("s3")
    templates = _templates()
    now = int(time.time() * 1000)
    _put(kinesis, "raw-good", [_encode(templates[i % len(templates)], now) for i in range(args.backlog)], 0)
    expected_good = None
    figures = {"mode": "scale-out", "records": args.backlog, "shards": args.shards, "repeats": args.repeats}
    for workers in (1, 2):
        rates = []
        for repeat in range(args.repeats):
            extra = ["--kinesis_read_to_tip", "--window_seconds", str(args.window), "--runner=DirectRunner",
                     f"--direct_num_workers={workers}", "--direct_running_mode=multi_processing"]
            started = time.monotonic()
            counters = _run_counters(_pipeline_cmd(servers, f"s3://lake/so{workers}-{repeat}", salt, extra),
                                     _pipeline_env(servers))
            elapsed = time.monotonic() - started
            # what the lake holds, not the counters: those of a multi-process run may miss a worker's
            good = sum(_good_rows(s3, key) for key in _list(s3, f"so{workers}-{repeat}/good/"))
            figures.setdefault("counted_raw_records", {})[f"{workers}-{repeat}"] = counters.get("raw_records")
            if expected_good is None:
                expected_good = good
            if good != expected_good:
                raise RuntimeError(f"{workers} workers wrote {good} good events, one worker {expected_good}")
            rates.append(good / elapsed)
        figures[f"events_per_s_{workers}_worker{'s' if workers > 1 else ''}"] = round(statistics.median(rates))
        figures[f"runs_{workers}"] = [round(rate) for rate in rates]
    figures["ratio_2_to_1"] = round(figures["events_per_s_2_workers"] / figures["events_per_s_1_worker"], 2)
    return figures


def latency(servers: Servers, args, salt: Path) -> dict:
    from tests.servers import stop_process_group

    kinesis, s3 = servers.client("kinesis"), servers.client("s3")
    templates = _templates()
    extra = ["--window_seconds", str(args.window), "--runner=PrismRunner", f"--prism_location={args.prism}"]
    log = open(Path(tempfile.gettempdir()) / "bench-kinesis-pipeline.log", "w")
    pipeline = subprocess.Popen(_pipeline_cmd(servers, "s3://lake/lat", salt, extra), env=_pipeline_env(servers),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    seen: dict[str, float] = {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            now = time.time()
            for key in _list(s3, "lat/"):
                seen.setdefault(key, now)
            time.sleep(0.25)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    time.sleep(args.warmup)
    put = 0
    started = time.time()
    try:
        while time.time() - started < args.seconds:
            tick = time.time()
            due = int((tick - started) * args.rate) - put
            if due > 0:
                stamp = int(tick * 1000)
                _put(kinesis, "raw-good", [_encode(templates[(put + i) % len(templates)], stamp)
                                           for i in range(due)], put)
                put += due
            time.sleep(max(0.0, 0.1 - (time.time() - tick)))
        # wait for the last window to close and its file to appear
        deadline = time.time() + args.window + 90
        while time.time() < deadline:
            good_keys = [k for k in seen if k.startswith("lat/good/") and k.endswith(".parquet")]
            last_window_end = started + args.seconds
            if good_keys and max(seen[k] for k in good_keys) > last_window_end + 1:
                time.sleep(2)
                break
            time.sleep(1)
    finally:
        stop.set()
        watcher.join()
        stop_process_group(pipeline, 20)
        log.close()
    delays = []
    for key, visible in seen.items():
        if key.startswith("lat/good/") and key.endswith(".parquet"):
            delays += [visible * 1000 - stamp for stamp in _good_stamps(s3, key)]
    delays.sort()

    def pct(p):
        return round(delays[min(len(delays) - 1, int(p / 100 * len(delays)))] / 1000, 1) if delays else None

    span = args.seconds
    return {"mode": "latency", "runner": "PrismRunner", "window_seconds": args.window, "rate_records_per_s": args.rate,
            "records_put": put, "good_events_written": len(delays), "events_per_s": round(len(delays) / span),
            "delay_s": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": pct(100)},
            "good_files": len([k for k in seen if k.startswith("lat/good/")]), "log": log.name}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("throughput", "latency", "scale-out"), default="throughput")
    parser.add_argument("--backlog", type=int, default=20_000)
    parser.add_argument("--max_seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=200, help="records/s put during the latency run")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--warmup", type=float, default=15, help="seconds to let the pipeline start first")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--prism", help="Prism binary: run on PrismRunner (latency mode needs it)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per worker count (scale-out; the median)")
    args = parser.parse_args(argv)
    if args.mode == "latency" and not args.prism:
        parser.error("--mode latency needs --prism (FnApiRunner writes nothing before the end of the input)")
    servers = Servers()
    try:
        kinesis = servers.client("kinesis")
        kinesis.create_stream(StreamName="raw-good", ShardCount=args.shards)
        kinesis.create_stream(StreamName="raw-bad", ShardCount=1)
        for stream in ("raw-good", "raw-bad"):
            kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.2})
        servers.client("s3").create_bucket(Bucket="lake")
        with tempfile.TemporaryDirectory() as tmp:
            salt = Path(tmp) / "salt"
            salt.write_bytes(b"bench-salt-0123456789\n")
            run_mode = {"throughput": throughput, "latency": latency, "scale-out": scale_out}[args.mode]
            figures = run_mode(servers, args, salt)
    finally:
        servers.stop()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
