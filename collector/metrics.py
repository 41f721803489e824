"""Prometheus text exposition of the collector's counters (one set per server process)."""
from __future__ import annotations

import os
import resource
import time
from collections import defaultdict


class Metrics:
    def __init__(self):
        self.requests: defaultdict[tuple[str, int], int] = defaultdict(int)  # (route kind, status) -> count
        self.records: defaultdict[str, int] = defaultdict(int)  # good / bad
        self.rejected: defaultdict[str, int] = defaultdict(int)  # reason -> count
        self.started = time.time()

    def render(self, sinks) -> bytes:
        lines = [
            "# HELP collector_requests_total HTTP requests answered, by route kind and status.",
            "# TYPE collector_requests_total counter",
        ]
        for (kind, status), count in sorted(self.requests.items()):
            lines.append(f'collector_requests_total{{route="{kind}",status="{status}"}} {count}')
        lines += [
            "# HELP collector_records_total Records of requests answered 200 (good: Thrift payloads, bad: bad rows); "
            "the file sink had written them, the Kinesis sink had buffered them.",
            "# TYPE collector_records_total counter",
        ]
        for stream in ("good", "bad"):
            lines.append(f'collector_records_total{{stream="{stream}"}} {self.records[stream]}')
        lines += [
            "# HELP collector_rejected_total Requests refused without storing anything, by reason.",
            "# TYPE collector_rejected_total counter",
        ]
        for reason, count in sorted(self.rejected.items()):
            lines.append(f'collector_rejected_total{{reason="{reason}"}} {count}')
        gauges = [
            ("collector_sink_healthy", "1 while the sink writes successfully, 0 while it is failing.",
             "gauge", lambda s: int(s.healthy)),
            ("collector_sink_buffered_bytes", "Bytes accepted and not yet written.", "gauge",
             lambda s: s.buffered_bytes),
            ("collector_sink_written_records_total", "Records written by the sink.", "counter",
             lambda s: s.written_records),
            ("collector_sink_written_bytes_total", "Bytes written by the sink.", "counter", lambda s: s.written_bytes),
            ("collector_sink_failed_writes_total", "Failed write attempts.", "counter",
             lambda s: s.failed_attempts),
            ("collector_sink_refused_records_total", "Records whose write failed while their request waited "
             "(answered 503, not stored).", "counter", lambda s: s.refused_records),
            ("collector_sink_failed_renames_total", "File sink: failed renames of closed files from .tmp/ into "
             "place (retried).", "counter", lambda s: getattr(s, "failed_renames", 0)),
            ("collector_sink_unplaced_files", "File sink: closed files still under .tmp/ because their rename "
             "failed.", "gauge", lambda s: getattr(s, "unplaced_files", 0)),
            ("collector_sink_recovered_records_total", "File sink: records found at start in files a dead "
             "process left under .tmp/, moved into place.", "counter", lambda s: getattr(s, "recovered_records", 0)),
        ]
        for name, help_text, kind, getter in gauges:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
            for sink in sinks:
                lines.append(f'{name}{{sink="{sink.kind}",stream="{sink.role}"}} {getter(sink)}')
        usage = resource.getrusage(resource.RUSAGE_SELF)
        lines += [
            "# HELP process_resident_memory_max_bytes Peak resident memory of this process.",
            "# TYPE process_resident_memory_max_bytes gauge",
            f"process_resident_memory_max_bytes {usage.ru_maxrss * 1024}",
            "# HELP process_cpu_seconds_total CPU time of this process.",
            "# TYPE process_cpu_seconds_total counter",
            f"process_cpu_seconds_total {usage.ru_utime + usage.ru_stime:.3f}",
            "# HELP process_start_time_seconds Start time of this process.",
            "# TYPE process_start_time_seconds gauge",
            f"process_start_time_seconds {self.started:.3f}",
            f'collector_process_info{{pid="{os.getpid()}"}} 1',
        ]
        rss = _current_rss()
        if rss is not None:
            lines += [
                "# HELP process_resident_memory_bytes Resident memory of this process.",
                "# TYPE process_resident_memory_bytes gauge",
                f"process_resident_memory_bytes {rss}",
            ]
        return ("\n".join(lines) + "\n").encode()


def _current_rss() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
