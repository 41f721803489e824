"""Fuzz the per-record path: decode, adapters + enrich + validate, the bad-row path, the collector's bad rows.

    .venv/bin/python -m tests.fuzz_pipeline --minutes 12
    .venv/bin/python -m tests.fuzz_pipeline --reproduce BASE64     # one input again, with its traceback

Engines: atheris (coverage-guided libFuzzer; ``pip install atheris``, not a project requirement) when it can be
imported, else hypothesis (random and mutated inputs). ``--engine`` picks one.

One fuzzer input is one byte choosing a target, then the target's bytes:

0. ``decode``: ``decode_payload`` and ``decode_base64_record`` on the bytes (and on their base64): a
   ``CollectorPayload`` or a ``PayloadFormatError``, nothing else; a decoded payload re-encodes to itself
   (``encode_payload``, which the steps use for bad rows).
1. ``record``: the bytes as a Thrift record (seeds: valid and broken records, mutated), base64 as a line of a
   raw file, through the record processor (``run_steps``: decode, adapt, enrich, validate), the
   pseudonymizer with validation and the sinks' serialization: every check of
   ``tests.test_hostile_properties.check_case``.
2. ``line``: the bytes as a whole line of a raw file (not base64, not UTF-8...), same checks.
3. ``collector``: the bytes as a line of the collector's raw-bad files, ``parse_collector_bad_row`` then
   ``Pseudonymizer.bad_row`` (validated): a bad row valid against its schema.
4. ``hostile``: the bytes drive hypothesis (``fuzz_one_input``) over the property tests' strategies (deep JSON,
   huge numbers, bytes that are not UTF-8, free text in every tracker parameter) with planted markers:
   ``check_case``, markers included.
5. ``badrow``: the bytes drive hypothesis over bad rows built directly (every builder of transforms.badrows,
   with arbitrary collector fields, parameters, headers, bodies and messages carrying markers):
   ``Pseudonymizer.bad_row`` with validation gives a schema-valid row with no marker in clear.
6. ``large``: the bytes drive hypothesis over records up to the collector's largest (1,000,000 bytes of
   Thrift), a drawn fragment repeated in one place (user agent, URL, contexts, events of a POST or a webhook
   array, headers, parameters, cookies...): ``check_case``, which bounds the time of one record. (libFuzzer
   grows its inputs slowly, so the byte-level targets rarely get that large.)

A crash is an exception escaping, a failed check (bad row invalid, marker in clear, record lost...) or an input
whose steps and pseudonymization (or decoding, or parsing) take more than :data:`HANG_SECONDS` (an input still
running after :data:`INTERRUPT_SECONDS` is interrupted, so that one slow input cannot eat the run). Each distinct
crash (by target, exception type and innermost frame) is printed once, with the fuzzer input as base64 (for
``--reproduce``), the record or case it made, and the traceback; it is also written under ``--artifacts``
(with the whole line of a structured case). Fuzzing goes on after a crash; the exit status is 1 when
there was one.
"""
from __future__ import annotations

import argparse
import base64
import logging
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlencode

HANG_SECONDS = 2.0  # for one input: the product's work (steps, pseudonymizer, decoders, parsers)
BACKSTOP_SECONDS = 30.0  # for one input of a self-timed target, checks included
INTERRUPT_SECONDS = 20.0  # an input still running then is interrupted (SIGALRM) and reported as a hang
SELF_TIMED = frozenset(("record", "line", "collector", "hostile", "large"))
TARGETS = ("decode", "record", "line", "collector", "hostile", "badrow", "large")

try:
    import atheris
except ImportError:  # the hypothesis engine needs nothing beyond the test requirements
    atheris = None


def _import_product():
    global badrows, collector_badrows, encode_payload, decode_payload, decode_base64_record, PayloadFormatError
    global parse_collector_bad_row, H, st, given, settings, HealthCheck, Phase, generate_lines, POLICY
    global PSEUDONYMIZER, badrow_errors, exposed, planted_lines, planted_collector_bad_lines, RawEvent, Source
    global SAMPLE_START_MS
    from snowplow_beam.beam_pipeline.sample_data import generate_lines
    from snowplow_beam.transforms.badrows import parse_collector_bad_row
    from snowplow_beam.collector import badrows as collector_badrows
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from tests import test_hostile_properties as H
    from tests.helpers import POLICY, PSEUDONYMIZER, SAMPLE_START_MS, badrow_errors, exposed
    from tests.helpers import planted_collector_bad_lines, planted_lines
    from snowplow_beam.transforms import badrows
    from snowplow_beam.transforms.adapters import RawEvent, Source
    from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record, decode_payload, encode_payload


# ---- targets -----------------------------------------------------------------------------------------

class Crash(Exception):
    """A check of the fuzz driver itself failed (not an assertion of check_case)."""


class Interrupted(BaseException):
    """An input ran past INTERRUPT_SECONDS. A BaseException, so that no ``except Exception`` of the product
    (the steps turn unexpected exceptions into generic_error rows) takes it for an error of the record."""


def _interrupt(signum, frame):
    raise Interrupted(f"still running after {INTERRUPT_SECONDS} s: interrupted")


_LAST: dict = {}  # what the current input made (a record, a case): for the crash report
_DRAWN = {"hostile": 0, "badrow": 0, "large": 0}  # inputs hypothesis turned into a case (it rejects some buffers)


def target_decode(data: bytes) -> None:
    for decode, argument in ((decode_payload, data), (decode_base64_record, base64.b64encode(data)),
                             (decode_base64_record, data)):
        try:
            payload = decode(argument)
        except PayloadFormatError:
            continue
        again = decode_payload(encode_payload(payload))
        if again != payload:
            raise Crash(f"a decoded payload does not re-encode to itself: {payload!r:.300} != {again!r:.300}")


def target_record(data: bytes) -> None:
    line = base64.b64encode(data)
    _LAST["record"] = line.decode()
    H.check_case(H.Case(line, label="fuzzed record"))


def target_line(data: bytes) -> None:
    line = data.replace(b"\n", b"")  # the file reader splits lines at b"\n"
    _LAST["record"] = base64.b64encode(line).decode() + " (base64 of the line)"
    H.check_case(H.Case(line, label="fuzzed line"))


def target_collector(data: bytes) -> None:
    _LAST["record"] = base64.b64encode(data).decode() + " (base64 of the collector's line)"
    H.check_collector_line(data)
    H.check_collector_line(data.decode("utf-8", "replace"))


def _hostile(case) -> None:
    _DRAWN["hostile"] += 1
    _LAST["record"] = case.describe()
    _LAST["line"] = case.line
    H.check_case(case)


def _large(case) -> None:
    _DRAWN["large"] += 1
    _LAST["record"] = f"{case.label}; a line of {len(case.line):,} characters (written beside the crash report)"
    _LAST["line"] = case.line
    H.check_case(case, time_first=True)


def large_cases():
    """One raw record of up to the collector's largest, its size in one place: a repeated fragment."""
    places = {
        "useragent": lambda x: H.sample_payload(querystring="e=pv&p=web&tv=js", userAgent=x),
        "ua": lambda x: H.get({**H.BASE, "ua": x}),
        "url": lambda x: H.get({**H.BASE, "url": "https://example.com/" + x}),
        "refr": lambda x: H.get({**H.BASE, "refr": "https://www.google.com/search?q=" + x}),
        "page": lambda x: H.get({**H.BASE, "page": x}),
        "referer_uri": lambda x: H.sample_payload(querystring="e=pv&p=web&tv=js", refererUri="https://a.io/" + x),
        "contexts": lambda x: H.get({**H.BASE, "co": f'{{"schema":"{H.CONTEXTS}","data":[{x.strip(",")}]}}'}),
        "post_events": lambda x: H.post(f'{{"schema":"{H.PAYLOAD_DATA}","data":[{x.strip(",")}]}}'),
        "webhook_array": lambda x: H.webhook(f"[{x.strip(',')}]", H.UNKNOWN_SCHEMA),
        "webhook_form": lambda x: H.webhook(x, H.UNKNOWN_SCHEMA, "application/x-www-form-urlencoded"),
        "headers": lambda x: H.sample_payload(querystring="e=pv&p=web&tv=js", headers=x.split("\n")),
        "querystring": lambda x: H.sample_payload(querystring="e=pv&p=web&tv=js&" + x),
        "cookie": lambda x: H.sample_payload(querystring="e=pv&p=web&tv=js", headers=["Cookie: " + x]),
        "body_text": lambda x: H.post(x, "text/plain"),
    }
    fragments = {
        "contexts": ['{"schema":"iglu:a.b/c/jsonschema/1-0-0","data":{}},',
                     f'{{"schema":"{H.GITLAB_STANDARD}","data":{{"environment":"x"}}}},', '{},', '1,'],
        "post_events": ['{"e":"pv","p":"web","tv":"js"},', '{"e":"pv","p":"web","tv":"js","dtm":"x"},', '{},'],
        "webhook_array": ['{"a":1},', '{},', '[],', '1,'],
        "headers": ["X-A: b\n", "Cookie: a=b\n", "\n"],
        "querystring": ["a=1&", "&", "cx=&", "e=pv&"],
    }

    @st.composite
    def build(draw):
        where = draw(st.sampled_from(sorted(places)))
        fragment = draw(st.sampled_from(fragments[where]) if where in fragments and draw(st.booleans())
                        else st.text(min_size=1, max_size=12))
        size = draw(st.one_of(st.integers(1_000, H.MAX_RECORD_BYTES), st.sampled_from([H.MAX_RECORD_BYTES // 2])))
        filler = fragment * max(1, size // max(1, len(fragment.encode())))
        p = places[where](filler)
        line = H.record(p)
        while len(line) * 3 // 4 > H.MAX_RECORD_BYTES and len(filler) > 1:  # trim to the collector's limit
            filler = filler[:len(filler) * 9 // 10]
            line = H.record(places[where](filler))
        return H.Case(line, label=f"large: {where}, fragment {fragment!r}, {len(filler):,} characters")

    return build()


def _bad_row(case) -> None:
    bad, planted = case
    _DRAWN["badrow"] += 1
    _LAST["record"] = repr(bad.row)[:4000]
    out = PSEUDONYMIZER.bad_row(bad)
    errors = badrow_errors(out.row)
    if errors:
        raise Crash(f"a pseudonymized {out.type_name} bad row fails its schema: {errors}")
    seen = exposed(out.row)
    leaked = {m for m in planted if m in seen}
    if leaked:
        raise Crash(f"in clear in a {out.type_name} bad row: {leaked}")


def _structured_targets():
    """hostile and badrow: hypothesis tests whose fuzz_one_input the fuzzer drives."""
    fuzz_settings = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
    cases = st.one_of(H.deep_json_cases(), H.huge_number_cases(), H.invalid_bytes_cases(), H.free_text_cases())
    hostile = fuzz_settings(given(cases)(_hostile))
    bad_row = fuzz_settings(given(bad_row_cases())(_bad_row))
    large = fuzz_settings(given(large_cases())(_large))
    return hostile.hypothesis.fuzz_one_input, bad_row.hypothesis.fuzz_one_input, large.hypothesis.fuzz_one_input


_PLACEHOLDER = "\x00marker"


def bad_row_cases():
    """A bad row of any type from the builders, with hostile values wherever the policy hashes (markers there),
    and only constants where it keeps values in clear (messages' expectations, errors, allowlisted fields)."""
    leaf = st.one_of(st.just(_PLACEHOLDER), st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                     st.floats(allow_nan=False, allow_infinity=False))
    json_values = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text("abcdefgh_", min_size=1, max_size=6), inner, max_size=3), max_leaves=8)

    @st.composite
    def build(draw):
        m = H.Markers(draw)

        def text() -> str:
            kind = draw(st.integers(0, 3))
            if kind == 0:
                return draw(st.text(max_size=30))
            if kind == 1:
                return draw(st.binary(max_size=30)).decode("utf-8", "replace") + m()
            return draw(H.free_text) + m(long=kind == 3) + draw(H.free_text)

        def planted(node):
            if node == _PLACEHOLDER:
                return m()
            if isinstance(node, dict):
                return {k: planted(v) for k, v in node.items()}
            if isinstance(node, list):
                return [planted(v) for v in node]
            return node

        def maybe(make):
            return None if draw(st.integers(0, 4)) == 0 else make()

        parameters = {}
        for _ in range(draw(st.integers(0, 6))):
            name = draw(st.sampled_from(H.PARAMETERS)) if draw(st.booleans()) else text()
            if name in POLICY.clear_parameters:  # the policy may keep these in clear: constants only
                parameters[name] = draw(st.sampled_from(["1", "pv", "web", "2025", "", "x y", "9" * 70]))
            else:
                parameters[name] = text()

        def header() -> str:
            kind = draw(st.integers(0, 2))
            if kind == 0:
                name = draw(st.sampled_from(["Cookie", "X-Forwarded-For", "User-Agent", "Referer", "Authorization"]))
                return f"{name}: {text()}"
            return f"X-{text()}: {text()}" if kind == 1 else text()

        body_kind = draw(st.integers(0, 3))
        body = [None, lambda: text().encode(), lambda: draw(st.binary(max_size=60)),
                lambda: urlencode(parameters).encode()][body_kind]
        source = Source(
            vendor=draw(st.sampled_from(["com.snowplowanalytics.snowplow", "com.acme", "r", "v" * 70])),
            version=draw(st.sampled_from(["tp2", "tp1", "v1", "x" * 20])),
            timestamp=draw(st.integers(0, 253402300799999)),
            ip_address=maybe(text), encoding=draw(st.sampled_from(["UTF-8", "latin1", "\x00", ""])),
            collector=draw(st.sampled_from(["ssc-3.4.0-kinesis", "c" * 40, "x y"])),
            querystring=maybe(lambda: urlencode(parameters)),
            body=body() if body else None,
            content_type=draw(st.sampled_from([None, "application/json", "application/x-www-form-urlencoded",
                                               "text/plain", "x/" + "y" * 300, "a b"])),
            hostname=draw(st.sampled_from([None, "c.example.com", "bad host", "h" * 300])),
            user_agent=maybe(text), referer_uri=maybe(text),
            headers=maybe(lambda: [header() for _ in range(draw(st.integers(0, 4)))]), network_user_id=maybe(text),
        )
        raw = RawEvent(parameters, source)

        def message() -> dict:
            return {"field": draw(st.sampled_from(["body", "querystring", "co"])), "value": planted(draw(json_values)),
                    "expectation": draw(st.sampled_from(["a valid thing", "x" * 600]))}

        messages = [message() for _ in range(draw(st.integers(0, 3)))]
        enriched = {name: text() for name in draw(st.lists(st.sampled_from(
            ["user_id", "page_url", "page_title", "useragent", "user_ipaddress", "domain_userid", "contexts"]),
            max_size=4))}
        enriched.update({"app_id": "gitlab", "collector_tstamp": source.timestamp, "event": "page_view"})
        kind = draw(st.sampled_from(["adapter_failures", "tracker_protocol_violations", "schema_violations",
                                     "enrichment_failures", "size_violation", "generic_error", "format_violation"]))
        if kind == "adapter_failures":
            bad = badrows.adapter_failures(source, messages)
        elif kind == "tracker_protocol_violations":
            bad = badrows.tracker_protocol_violations(source, messages)
        elif kind == "schema_violations":
            reports = [{"message": "does not fit", "path": "$.x", "keyword": "type",
                        "targets": [planted(draw(json_values))]}]
            bad = badrows.schema_violations(raw, enriched, [
                {"schemaKey": H.UNKNOWN_SCHEMA, "error": {"error": "ValidationError", "dataReports": reports}},
                {"field": "co", "value": text(), "error": "not JSON"}][:draw(st.integers(0, 2))])
        elif kind == "enrichment_failures":
            bad = badrows.enrichment_failures(raw, enriched, [{"enrichment": None, "message": m} for m in messages])
        elif kind == "size_violation":
            bad = badrows.size_violation(text(), draw(st.integers(0, 2 ** 31)), draw(st.integers(0, 2 ** 31)),
                                         draw(st.sampled_from(["too big", "z" * 600])))
        elif kind == "generic_error":
            bad = badrows.generic_error(text(), draw(st.lists(st.sampled_from(["boom", "e" * 600]), max_size=3)),
                                        source.timestamp)
        else:
            bad = badrows.format_violation(text(), draw(st.sampled_from([
                {"error": "not base64"}, {"payloadField": "schema", "value": text(), "expectation": "e"}])),
                source.timestamp)
        return bad, set(m.planted)

    return build()


# ---- the driver ----------------------------------------------------------------------------------------

class Driver:
    def __init__(self, artifacts: Path, deadline: float | None, targets=TARGETS):
        self.enabled = frozenset(TARGETS.index(name) for name in targets)
        self.skipped = 0
        self.artifacts = artifacts
        self.deadline = deadline
        self.started = time.monotonic()
        self.counts = [0] * len(TARGETS)
        self.crashes: dict[tuple, int] = {}
        self.slowest = (0.0, None)
        self._last_report = self.started
        hostile, bad_row, large = _structured_targets()
        self._targets = (target_decode, target_record, target_line, target_collector, hostile, bad_row, large)

    @property
    def total(self) -> int:
        return sum(self.counts)

    def one_input(self, data: bytes) -> None:
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            self.finish()
        if now - self._last_report >= 60:
            self.progress()
            self._last_report = now
        if not data:
            return
        index = data[0] % len(TARGETS)
        if index not in self.enabled:
            self.skipped += 1
            return
        self.counts[index] += 1
        _LAST.clear()
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, INTERRUPT_SECONDS)
        try:
            self._targets[index](data[1:])
        except (Exception, Interrupted) as exc:  # noqa: BLE001 - every escaping exception is a finding
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.crash(index, data, exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - started
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, base64.b64encode(data).decode()[:200])
        # check_case and check_collector_line time the product's work themselves (the checks after it can take
        # longer: every event serialized on its own); for them the driver's clock is only a backstop
        limit = BACKSTOP_SECONDS if TARGETS[index] in SELF_TIMED else HANG_SECONDS
        if elapsed > limit:
            self.crash(index, data, Crash(f"one input took {elapsed:.2f} s (more than {limit} s)"))

    def crash(self, index: int, data: bytes, exc: BaseException) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        if isinstance(exc, Interrupted):  # wherever the clock stopped it: one kind of crash
            where = "interrupted"
        signature = (TARGETS[index], type(exc).__name__, where)
        self.crashes[signature] = self.crashes.get(signature, 0) + 1
        if self.crashes[signature] > 1:
            return
        reproducer = base64.b64encode(data).decode()
        report = "\n".join([
            f"=== CRASH {len(self.crashes)}: target {TARGETS[index]}, {type(exc).__name__} at {where}",
            f"fuzzer input (base64, for --reproduce): {reproducer}",
            f"what it made: {_LAST.get('record', '(the fuzzer input itself)')}",
            "".join(traceback.format_exception(exc)).rstrip()[-6000:],
            "=== END CRASH", ""])
        print(report, flush=True)
        self.artifacts.mkdir(parents=True, exist_ok=True)
        (self.artifacts / f"crash-{len(self.crashes):03d}-{TARGETS[index]}.txt").write_text(report)
        if "line" in _LAST:  # a structured case: the whole line, as the raw file would hold it
            line = _LAST["line"]
            (self.artifacts / f"crash-{len(self.crashes):03d}-{TARGETS[index]}-line.txt").write_bytes(
                line if isinstance(line, bytes) else line.encode("latin-1"))

    def progress(self) -> None:
        per_target = ", ".join(f"{name} {count:,}" for name, count in zip(TARGETS, self.counts))
        skipped = f", {self.skipped:,} skipped (target not enabled)" if self.skipped else ""
        print(f"[fuzz] {time.monotonic() - self.started:,.0f} s: {self.total:,} inputs ({per_target}{skipped}); "
              f"cases drawn: " + ", ".join(f"{k} {v:,}" for k, v in _DRAWN.items()) + "; "
              f"distinct crashes {len(self.crashes)}; slowest input {self.slowest[0]:.3f} s", flush=True)

    def summary(self) -> int:
        self.progress()
        print(f"[fuzz] done: {self.total:,} inputs in {time.monotonic() - self.started:,.1f} s; "
              f"{len(self.crashes)} distinct crashes", flush=True)
        for (name, kind, where), count in sorted(self.crashes.items()):
            print(f"[fuzz]   {name}: {kind} at {where} ({count:,} inputs)", flush=True)
        print(f"[fuzz] slowest input: {self.slowest[0]:.3f} s, input (base64, cut) {self.slowest[1]}", flush=True)
        return 1 if self.crashes else 0

    def finish(self) -> None:
        code = self.summary()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # libFuzzer's loop does not return


def seeds() -> list[bytes]:
    """Fuzzer inputs to start from: the sample mix (valid and broken records), the privacy tests' planted
    records, the poison records, the collector's bad rows and the pipeline's own bad rows."""
    from tests.helpers import run_steps

    lines = [line.encode() for line in generate_lines(60, SAMPLE_START_MS)]
    lines += [line.encode() for line in planted_lines()]
    lines += list(H.POISONS.values())
    found = []
    for line in lines:
        found.append(b"\x02" + line)
        try:
            record = base64.b64decode(line, validate=True)
        except ValueError:
            continue
        found += [b"\x00" + record, b"\x01" + record]
    collector_lines = [line.encode() for line in planted_collector_bad_lines()]
    collector_lines.append(collector_badrows.size_violation(
        artifact="snowplow-beam-collector", version="0.1.0", now_ms=SAMPLE_START_MS, maximum=1000, actual=5000,
        expectation="oversized collector payload", payload="CollectorPayload(querystring:uid=x)", truncate_to=100))
    import orjson
    for line in lines[:80]:
        for bad in run_steps(line)[1]:
            collector_lines.append(orjson.dumps(PSEUDONYMIZER.bad_row(bad).row))
    found += [b"\x03" + line for line in collector_lines]
    rng = random.Random(7)
    # hypothesis draws from these: a bad row of the badrow target takes about 1,000 bytes of choices
    found += [bytes([4 + i % 3]) + rng.randbytes(rng.randint(1_000, 6_000)) for i in range(60)]
    return found


def run_atheris(driver: Driver, minutes: float, corpus: Path, artifacts: Path) -> None:
    seed_dir = Path(tempfile.mkdtemp(prefix="fuzz-seeds-"))
    for index, seed in enumerate(seeds()):
        (seed_dir / f"seed-{index:04d}").write_bytes(seed)
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    argv = [sys.argv[0], str(corpus), str(seed_dir), "-max_len=65536", "-timeout=900", "-rss_limit_mb=6144",
            f"-max_total_time={int(minutes * 60) + 120}", f"-artifact_prefix={artifacts}/", "-print_final_stats=1"]
    print(f"[fuzz] atheris {getattr(atheris, '__version__', '')}: seeds in {seed_dir}, corpus {corpus}", flush=True)
    atheris.Setup(argv, driver.one_input)
    atheris.Fuzz()


def run_hypothesis(driver: Driver) -> None:
    """Random and mutated inputs, in batches, until the deadline (the driver exits there)."""
    pool = seeds()

    @st.composite
    def mutated(draw):
        data = bytearray(draw(st.sampled_from(pool)))
        for _ in range(draw(st.integers(0, 8))):
            at = draw(st.integers(1, max(1, len(data))))
            action = draw(st.integers(0, 3))
            if action == 0 and at < len(data):
                data[at] = draw(st.integers(0, 255))
            elif action == 1:
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif action == 2:
                del data[at:at + draw(st.integers(1, 16))]
            else:
                data[at:at] = draw(st.sampled_from([b"\xff", b"\xed\xa0\x80", b"[" * 60, b"9" * 40, b"%", b"\x00"]))
        return bytes(data)

    inputs = st.one_of(mutated(), st.binary(max_size=4096))

    @settings(max_examples=500, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(inputs)
    def batch(data):
        driver.one_input(data)

    while True:
        batch()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz_pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to fuzz (default 1)")
    parser.add_argument("--engine", choices=("atheris", "hypothesis"), default="atheris" if atheris else "hypothesis")
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "fuzz_pipeline" / "corpus")
    parser.add_argument("--artifacts", type=Path, default=Path(tempfile.gettempdir()) / "fuzz_pipeline" / "artifacts")
    parser.add_argument("--reproduce", metavar="BASE64", help="run one fuzzer input and print what it does")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help=f"comma-separated targets to run (default all: {','.join(TARGETS)})")
    args = parser.parse_args(argv)
    targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    if not targets or set(targets) - set(TARGETS):
        parser.error(f"--targets: choose among {', '.join(TARGETS)}")
    logging.disable(logging.CRITICAL)  # the steps log unexpected errors; they are reported as crashes here
    if args.engine == "atheris" and atheris is None:
        parser.error("atheris is not installed (pip install atheris), use --engine hypothesis")
    if args.engine == "atheris" and not args.reproduce:
        with atheris.instrument_imports(include=["transforms", "beam_pipeline", "collector"]):
            _import_product()
    else:
        _import_product()
    if args.reproduce:
        signal.signal(signal.SIGALRM, _interrupt)
        driver = Driver(args.artifacts, None)
        driver.one_input(base64.b64decode(args.reproduce))
        return driver.summary()
    signal.signal(signal.SIGALRM, _interrupt)
    driver = Driver(args.artifacts, time.monotonic() + args.minutes * 60, targets)
    print(f"[fuzz] engine {args.engine}, {args.minutes:g} minutes, hang limit {HANG_SECONDS} s, "
          f"targets {', '.join(targets)}", flush=True)
    if args.engine == "atheris":
        run_atheris(driver, args.minutes, args.corpus, args.artifacts)
    else:
        run_hypothesis(driver)
    return driver.summary()


if __name__ == "__main__":
    sys.exit(main())
