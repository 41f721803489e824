"""The Prometheus alert rules (monitoring/): promtool checks and rule unit tests, the metric names against what
the code exports, and a real Prometheus server scraping a running collector and evaluating the rules."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.helpers import free_port, require
from tests.servers import CollectorProcess

REPO = Path(__file__).resolve().parents[1]
MONITORING = REPO / "monitoring"
ALERTS = MONITORING / "alerts.yml"
FLINK_PREFIX = "flink_taskmanager_job_task_operator_snowplow_"
# the Kinesis source's per-shard metrics: one series per stream and shard, selected by a name prefix
KINESIS_PREFIX = "flink_taskmanager_job_task_operator_kinesis_"
# Metrics that come from neither the collector nor the pipeline, each with where it does come from.
EXTERNAL = {
    "up": "Prometheus itself, per scrape target",
    "aws_kinesis_get_records_iterator_age_milliseconds_maximum": "cloudwatch_exporter (cloudwatch-exporter.yml)",
}


def promtool() -> str:
    path = shutil.which("promtool")
    require(path, "promtool is needed (Debian: apt-get install prometheus; monitoring/install-tools.sh)")
    return path


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, cwd=MONITORING)


# ---------------------------------------------------------------------------------------------- promtool

@pytest.mark.prometheus
def test_promtool_check_rules():
    result = _run(promtool(), "check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.slow
@pytest.mark.prometheus
def test_promtool_rule_unit_tests():
    result = _run(promtool(), "test", "rules", "alerts_test.yml", "alerts_weekly_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == 2, result.stdout


def test_every_alert_has_a_unit_test():
    alerts = {rule["alert"] for group in yaml.safe_load(ALERTS.read_text())["groups"]
              for rule in group["rules"] if "alert" in rule}
    tested = set()
    for name in ("alerts_test.yml", "alerts_weekly_test.yml"):
        for test in yaml.safe_load((MONITORING / name).read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                if case.get("exp_alerts"):  # a test that sees it fire, not only stay silent
                    tested.add(case["alertname"])
    assert alerts - tested == set()
    assert len(alerts) >= 10


@pytest.mark.prometheus
def test_sample_prometheus_config_is_valid():
    result = _run(promtool(), "check", "config", str(MONITORING / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rule files found" in result.stdout


def test_sample_configs_are_yaml_and_name_the_rule_jobs():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert {"snowplow-collector", "snowplow-pipeline", "cloudwatch"} <= jobs
    assert 'job="snowplow-collector"' in ALERTS.read_text()
    exporter = yaml.safe_load((MONITORING / "cloudwatch-exporter.yml").read_text())
    rule = exporter["metrics"][0]
    assert (rule["aws_namespace"], rule["aws_metric_name"], rule["aws_statistics"]) == (
        "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", ["Maximum"])


# ---------------------------------------------------------------------------------------------- metric names

def rule_metric_names() -> set[str]:
    """The metric names the rules read (not the recorded ``snowplow:…`` series, functions or labels)."""
    names = set()
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            # a family selected by its name's prefix (per-shard series): the prefix, without its last "_"
            names.update(prefix.rstrip("_") for prefix in re.findall(r'__name__=~"([A-Za-z0-9_:]+)', rule["expr"]))
            expr = re.sub(r"\{[^}]*\}", "", rule["expr"])          # label matchers
            expr = re.sub(r'"[^"]*"', "", expr)                     # strings (label_replace's arguments)
            expr = re.sub(r"\b(by|without)\s*\([^)]*\)", "", expr)  # grouping labels
            expr = re.sub(r"\[[^\]]*\]", "", expr)                  # ranges
            expr = re.sub(r"\boffset\s+\w+", "", expr)              # offsets
            for token in re.findall(r"[A-Za-z_][A-Za-z0-9_:]*", expr):
                if ":" in token or token in PROMQL_WORDS:
                    continue
                names.add(token)
    return names


PROMQL_WORDS = {"sum", "rate", "increase", "max", "min", "avg", "absent", "vector", "or", "and", "unless",
                "avg_over_time", "on", "ignoring", "count", "label_replace"}


def collector_exported_names() -> set[str]:
    """Every metric name collector/metrics.py renders (sinks and counters filled in)."""
    from snowplow_beam.collector.metrics import Metrics

    class Sink:
        kind, role, healthy, buffered_bytes, written_records, written_bytes, failed_attempts, refused_records = (
            "file", "good", True, 0, 0, 0, 0, 0)

    metrics = Metrics()
    metrics.requests[("pixel", 200)] += 1
    metrics.records["good"] += 1
    metrics.rejected["too_large"] += 1
    text = metrics.render([Sink()]).decode()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}


def kinesis_shard_metric_names() -> set[str]:
    """The per-shard metrics of the Kinesis source (``kinesis.<name>.<stream>.<shard>``)."""
    text = (REPO / "beam_pipeline" / "kinesis" / "source.py").read_text()
    return set(re.findall(r'_metric\(Metrics\.(?:counter|gauge), "([a-z_]+)"', text))


def pipeline_counter_names() -> set[str]:
    """The Beam counters of namespace "snowplow" that the pipeline's code increments (directly, or as the record
    processor's counters)."""
    from snowplow_beam.lake.layout import ENRICHED_BAD, RAW_BAD
    from snowplow_beam.transforms.badrows import BAD_ROW_TYPES

    names = set()
    for folder in ("transforms", "beam_pipeline"):
        for path in (REPO / folder).glob("*.py"):
            text = path.read_text()
            names.update(re.findall(r'Metrics\.counter\(\s*(?:NAMESPACE|"snowplow")\s*,\s*"([a-z_]+)"\s*\)', text))
            # the record processor's counters, which its DoFn reports per batch under the same names
            names.update(re.findall(r'counters\["([a-z_]+)"\]', text))
            names.update(re.findall(r'Counter\(\{"([a-z_]+)"', text))
    outputs = (ENRICHED_BAD, RAW_BAD)
    names.update(outputs)  # Metrics.counter(NAMESPACE, element.output)
    names.update(f"{output}_{kind}" for output in outputs for kind in BAD_ROW_TYPES)
    return names


def test_rules_read_only_metrics_the_code_exports():
    used = rule_metric_names()
    collector, pipeline = collector_exported_names(), pipeline_counter_names()
    assert {"good", "raw_records", "events", "raw_bad", "enriched_bad", "records_unreadable"} <= pipeline
    unknown = set()
    for name in used:
        if name.startswith("collector_"):
            ok = name in collector
        elif name.startswith(FLINK_PREFIX):
            ok = name[len(FLINK_PREFIX):] in pipeline
        elif name.startswith(KINESIS_PREFIX):
            ok = name[len(KINESIS_PREFIX):] in kinesis_shard_metric_names()
        else:
            ok = name in EXTERNAL
        if not ok:
            unknown.add(name)
    assert unknown == set()
    # and the rules do use both sources
    assert any(n.startswith("collector_") for n in used) and any(n.startswith(FLINK_PREFIX) for n in used)
    assert {"collector_sink_healthy", FLINK_PREFIX + "good", FLINK_PREFIX + "raw_bad"} <= used


def test_readme_lists_every_metric_the_rules_read():
    readme = (MONITORING / "README.md").read_text()
    for name in rule_metric_names() - {"up"}:
        short = next((name[len(prefix):] for prefix in (FLINK_PREFIX, KINESIS_PREFIX) if name.startswith(prefix)),
                     name)
        assert short in readme, name


# ---------------------------------------------------------------------------------------------- live Prometheus

class PrometheusServer:
    """``prometheus`` on 127.0.0.1 with a config written here; stopped (by its pid) at the end."""

    def __init__(self, folder: Path, targets: list[str], scrape_interval: str = "1s"):
        binary = shutil.which("prometheus")
        require(binary, "prometheus is needed (Debian: apt-get install prometheus; monitoring/install-tools.sh)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = {
            "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval,
                       "scrape_timeout": scrape_interval},
            "rule_files": [str(ALERTS)],
            "scrape_configs": [{"job_name": "snowplow-collector", "static_configs": [{"targets": targets}]}],
        }
        self.config = folder / "prometheus.yml"
        self.config.write_text(yaml.safe_dump(config))
        self.log_path = folder / "prometheus.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, f"--config.file={self.config}", f"--web.listen-address=127.0.0.1:{self.port}",
             f"--storage.tsdb.path={folder / 'data'}", "--storage.tsdb.retention.time=1h", "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait(lambda: self._get("/-/ready", raw=True) is not None, 60, "ready")

    def _get(self, path: str, raw: bool = False, **params):
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read()
        except (OSError, urllib.error.URLError):
            return None
        return body if raw else json.loads(body)["data"]

    def query(self, expr: str) -> list[dict]:
        return self._get("/api/v1/query", query=expr) or {"result": []}

    def values(self, expr: str) -> list[tuple[dict, float]]:
        return [(item["metric"], float(item["value"][1])) for item in self.query(expr)["result"]]

    def alerts(self, name: str) -> list[dict]:
        alerts = (self._get("/api/v1/alerts") or {}).get("alerts", [])
        return [a for a in alerts if a["labels"]["alertname"] == name]

    def rules(self) -> list[dict]:
        return (self._get("/api/v1/rules") or {}).get("groups", [])

    def wait(self, condition, timeout: float, what: str):
        end = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited with {self.proc.returncode}:\n{self.log()}")
            value = condition()
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"prometheus: not {what} after {timeout} s\n{self.log()[-3000:]}")
            time.sleep(0.25)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


def _track(collector: CollectorProcess, count: int) -> list[int]:
    statuses = []
    for i in range(count):
        request = urllib.request.Request(f"{collector.url}/i?e=pv&url=https%3A%2F%2Fexample.com%2F{i}&aid=test")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
    return statuses


@pytest.mark.slow
@pytest.mark.prometheus
def test_prometheus_scrapes_the_collector_and_evaluates_the_rules(tmp_path):
    collector = CollectorProcess(tmp_path, "--max_retries", "1", "--backoff_min_ms", "100", "--backoff_max_ms", "200")
    prometheus = None
    try:
        assert _track(collector, 5) == [200] * 5
        prometheus = PrometheusServer(tmp_path, [f"127.0.0.1:{collector.port}"])
        target = f"127.0.0.1:{collector.port}"

        # the target is up and the collector's own counters arrive
        prometheus.wait(lambda: prometheus.values(f'up{{job="snowplow-collector",instance="{target}"}} == 1'),
                        30, "scraping the collector")
        assert _track(collector, 20) == [200] * 20
        assert len(collector.wait_good(25)) == 25
        good = prometheus.wait(lambda: [v for _, v in prometheus.values('collector_records_total{stream="good"}')
                                        if v >= 25], 30, "seeing 25 good records")
        assert good == [25.0]
        written = prometheus.wait(lambda: prometheus.values(
            'collector_sink_written_records_total{sink="file",stream="good"} >= 25'), 30, "seeing 25 written")
        assert written[0][0]["instance"] == target
        pixels = prometheus.values('collector_requests_total{route="pixel",status="200"}')
        assert pixels and pixels[0][1] == 25
        healthy = {m["stream"]: v for m, v in prometheus.values("collector_sink_healthy")}
        assert healthy == {"good": 1.0, "bad": 1.0}

        # every rule loaded and evaluated without error; the collector's recording rules have values
        def all_rules_ok():
            groups = prometheus.rules()
            rules = [r for g in groups for r in g["rules"]]
            return groups if len(groups) == 3 and rules and all(r["health"] == "ok" for r in rules) else None

        groups = prometheus.wait(all_rules_ok, 30, "evaluating every rule")
        assert {g["name"] for g in groups} == {"snowplow-collector", "snowplow-pipeline", "snowplow-kinesis"}
        in_file = sum(len(group["rules"]) for group in yaml.safe_load(ALERTS.read_text())["groups"])
        assert len([r for g in groups for r in g["rules"]]) == in_file == 20
        assert prometheus.wait(lambda: [v for _, v in prometheus.values("snowplow:collector_good_records:rate5m")
                                        if v > 0], 30, "recording a good-records rate")
        refused = prometheus.values("snowplow:collector_refused_share:rate5m")
        assert refused == [({"__name__": "snowplow:collector_refused_share:rate5m", "instance": target}, 0.0)]
        assert prometheus.alerts("SnowplowCollectorSinkUnhealthy") == []
        assert prometheus.alerts("SnowplowCollectorDown") == []

        # the good sink fails (its folder becomes a file): sink unhealthy, 503s, and the alerts see it
        shutil.rmtree(collector.good)
        collector.good.write_text("not a folder")
        statuses = _track(collector, 1)
        prometheus.wait(lambda: _track(collector, 1) == [503], 30, "collector answering 503")
        # The collector creates a counter series on its first use: rate() sees the 503s that come after the
        # first scrape of the new series, so keep refusing for a few scrapes.
        time.sleep(2)
        for _ in range(10):
            statuses += _track(collector, 1)
            time.sleep(0.3)
        assert statuses.count(503) >= 10
        prometheus.wait(lambda: prometheus.values('collector_sink_healthy{stream="good"} == 0'), 30,
                        "seeing the good sink unhealthy")
        unhealthy = prometheus.wait(lambda: prometheus.alerts("SnowplowCollectorSinkUnhealthy"), 30,
                                    "raising SnowplowCollectorSinkUnhealthy")
        assert len(unhealthy) == 1 and unhealthy[0]["state"] in ("pending", "firing")
        labels = unhealthy[0]["labels"]
        assert (labels["sink"], labels["stream"], labels["instance"], labels["severity"]) == (
            "file", "good", target, "critical")
        assert unhealthy[0]["annotations"]["summary"] == f"Collector {target} cannot write to its good sink"
        refusing = prometheus.wait(lambda: prometheus.alerts("SnowplowCollectorRefusingRequests"), 30,
                                   "raising SnowplowCollectorRefusingRequests")
        assert refusing[0]["labels"]["instance"] == target
        assert prometheus.values("collector_sink_failed_writes_total{stream=\"good\"} > 0")

        # the folder comes back: healthy again, the alert goes away
        collector.good.unlink()
        collector.good.mkdir()
        prometheus.wait(lambda: prometheus.values('collector_sink_healthy{stream="good"} == 1'), 30,
                        "seeing the good sink healthy again")
        prometheus.wait(lambda: prometheus.alerts("SnowplowCollectorSinkUnhealthy") == [], 30,
                        "clearing SnowplowCollectorSinkUnhealthy")
        assert _track(collector, 1) == [200]

        # the collector stops: its target is down, and the outage alerts see it
        collector.stop()
        prometheus.wait(lambda: prometheus.values('up{job="snowplow-collector"} == 0'), 30, "seeing the target down")
        down = prometheus.wait(lambda: prometheus.alerts("SnowplowCollectorDown"), 30, "raising SnowplowCollectorDown")
        assert down[0]["labels"]["severity"] == "critical" and down[0]["labels"]["priority"] == "P0"
        instance = prometheus.wait(lambda: prometheus.alerts("SnowplowCollectorInstanceDown"), 30,
                                   "raising SnowplowCollectorInstanceDown")
        assert instance[0]["labels"]["instance"] == target
        # nothing of the pipeline or Kinesis is scraped here: those rules evaluate to nothing, except the one
        # that treats a missing good counter as zero (it needs last week's data, so it is silent too)
        for name in ("SnowplowGoodVolumeDrop", "SnowplowBadShareHigh", "SnowplowPipelineNotReading",
                     "SnowplowStreamRecordsAgeHigh"):
            assert prometheus.alerts(name) == [], name
    finally:
        if prometheus is not None:
            prometheus.stop()
        if collector.proc.poll() is None:
            collector.stop()
