"""The report's page: one self-contained HTML file, inline CSS and inline SVG charts generated here, no
JavaScript, nothing fetched. It shows good and bad rows per hour, the bad share, bad rows by type and their most
frequent error messages (as the lake holds them: pseudonymized), the top event names and app ids, the latency
from ``collector_tstamp`` to ``etl_tstamp`` and the lake's freshness.
"""
from __future__ import annotations

import html
import math
from datetime import datetime, timedelta, timezone

from snowplow_beam.lake.layout import BAD_OUTPUTS, ENRICHED_BAD, GOOD, OUTPUTS, RAW_BAD
from snowplow_beam.report.data import (FRESHNESS_ERROR_HOURS, FRESHNESS_WARN_HOURS, HISTOGRAM_BUCKETS_PER_DECADE,
                                       HourStats, ReportData)

TOP = 15
COLORS = {GOOD: "#2e7d32", ENRICHED_BAD: "#ef6c00", RAW_BAD: "#c62828",
          "p50": "#1565c0", "p95": "#7b1fa2", "p99": "#c2185b", "share": "#c62828", "bar": "#1565c0"}
_E = html.escape


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _ticks(maximum: float, ticks: int = 5) -> list[float]:
    step = _nice_step(maximum, ticks)
    top = max(step, math.ceil(maximum / step) * step)
    count = int(round(top / step))
    return [i * step for i in range(count + 1)]


def fmt_int(value: float) -> str:
    value = float(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_duration(ms: float | None) -> str:
    if ms is None:
        return "–"
    seconds = ms / 1000
    if abs(seconds) < 1:
        return f"{ms:.0f} ms"
    if abs(seconds) < 60:
        return f"{seconds:.1f} s"
    if abs(seconds) < 3600:
        return f"{seconds / 60:.1f} min"
    if abs(seconds) < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def fmt_ms(ms: int | None) -> str:
    if ms is None:
        return "–"
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _svg_open(name: str, width: int, height: int, title: str) -> list[str]:
    return [f'<svg class="chart" data-chart="{_E(name)}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_E(title)}" xmlns="http://www.w3.org/2000/svg">',
            f"<title>{_E(title)}</title>"]


def _legend(items: list[tuple[str, str]], x: float, y: float) -> list[str]:
    parts = []
    for name, color in items:
        parts.append(f'<rect class="legend" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14:.1f}" y="{y:.1f}" class="small">{_E(name)}</text>')
        x += 24 + 7.2 * len(name)
    return parts


def _hour_label(hour: datetime, step_hours: int) -> str:
    return hour.strftime("%m-%d") if step_hours >= 24 else hour.strftime("%m-%d %H:00")


def _x_label_every(count: int, wanted: int = 10) -> int:
    return max(1, math.ceil(count / wanted))


def stacked_bars_svg(name: str, title: str, labels: list[str], series: list[tuple[str, str, list[float]]],
                     width: int = 960, height: int = 300, y_format=fmt_int) -> str:
    """Stacked vertical bars: ``series`` = ``[(name, color, values)]``, one value per label."""
    left, right, top, bottom = 64, 16, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0) or 1)
    y_max = ticks[-1]
    parts = _svg_open(name, width, height, title)
    parts += _legend([(n, c) for n, c, _ in series], left, 14)
    for tick in ticks:
        y = top + plot_h - tick / y_max * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="small" text-anchor="end">{y_format(tick)}</text>')
    band = plot_w / max(len(labels), 1)
    bar_w = max(band * 0.8, 1.0)
    every = _x_label_every(len(labels))
    for i, label in enumerate(labels):
        x = left + i * band + (band - bar_w) / 2
        base = top + plot_h
        for series_name, color, values in series:
            value = values[i]
            if value <= 0:
                continue
            h = value / y_max * plot_h
            base -= h
            parts.append(f'<rect class="bar" data-series="{_E(series_name)}" x="{x:.2f}" y="{base:.2f}" '
                         f'width="{bar_w:.2f}" height="{h:.2f}" fill="{color}">'
                         f"<title>{_E(label)} {_E(series_name)}: {value:,.0f}</title></rect>")
        if i % every == 0:
            cx = left + i * band + band / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" class="small" text-anchor="middle">'
                         f"{_E(label)}</text>")
    parts.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(name: str, title: str, labels: list[str], series: list[tuple[str, str, list[float | None]]],
                   width: int = 960, height: int = 260, y_format=fmt_int, y_unit: str = "") -> str:
    """Lines over the labels; ``None`` values leave gaps."""
    left, right, top, bottom = 64, 16, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, _, vs in series for v in vs if v is not None]
    ticks = _ticks(max(values, default=0) or 1)
    y_max = ticks[-1]
    parts = _svg_open(name, width, height, title)
    parts += _legend([(n, c) for n, c, _ in series], left, 14)
    if y_unit:
        parts.append(f'<text x="{width - right}" y="14" class="small" text-anchor="end">{_E(y_unit)}</text>')
    for tick in ticks:
        y = top + plot_h - tick / y_max * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="small" text-anchor="end">{y_format(tick)}</text>')
    band = plot_w / max(len(labels), 1)  # points at the middle of each bucket, as the bars above

    def xy(i, v):
        return left + (i + 0.5) * band, top + plot_h - v / y_max * plot_h

    for series_name, color, vs in series:
        path, pen_down = [], False
        for i, v in enumerate(vs):
            if v is None:
                pen_down = False
                continue
            x, y = xy(i, v)
            path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            pen_down = True
        if path:
            parts.append(f'<path class="line" data-series="{_E(series_name)}" d="{" ".join(path)}" fill="none" '
                         f'stroke="{color}" stroke-width="2"/>')
        if len(labels) <= 72:
            for i, v in enumerate(vs):
                if v is not None:
                    x, y = xy(i, v)
                    parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                                 f"<title>{_E(labels[i])} {_E(series_name)}: {_E(y_format(v))}</title></circle>")
    every = _x_label_every(len(labels))
    for i, label in enumerate(labels):
        if i % every == 0:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" class="small" text-anchor="middle">'
                         f"{_E(label)}</text>")
    parts.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


def hbars_svg(name: str, title: str, items: list[tuple[str, float, str]], width: int = 460,
              label_width: int = 210, legend: list[tuple[str, str]] | None = None) -> str:
    """Horizontal bars: ``items`` = ``[(label, value, color)]``, largest first."""
    legend = legend if items else None
    row, top = 24, 8 + (22 if legend else 0)
    height = top + 8 + row * max(len(items), 1)
    parts = _svg_open(name, width, height, title)
    if legend:
        parts += _legend(legend, label_width, 16)
    if not items:
        parts.append(f'<text x="8" y="{top + 16}" class="small">no data</text></svg>')
        return "".join(parts)
    value_w = 64
    plot_w = width - label_width - value_w - 8
    biggest = max(v for _, v, _ in items) or 1
    for i, (label, value, color) in enumerate(items):
        y = top + i * row
        shown = label if len(label) <= 32 else label[:31] + "…"
        w = max(value / biggest * plot_w, 1.0)
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" class="small" text-anchor="end">'
                     f"<title>{_E(label)}</title>{_E(shown)}</text>"
                     f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.2f}" height="{row - 8}" '
                     f'fill="{color}"><title>{_E(label)}: {value:,.0f}</title></rect>'
                     f'<text x="{label_width + w + 4:.1f}" y="{y + 16}" class="small">{value:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0;background:#f4f5f7;color:#1d2330;font-size:14px}
header{background:#1d2330;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#c5cad3;font-size:13px}
main{padding:16px 24px;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;max-width:1400px}
section{background:#fff;border:1px solid #dfe2e8;border-radius:6px;padding:12px 16px;min-width:0}
section.wide{grid-column:1 / -1}
h2{font-size:15px;margin:0 0 10px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{border:1px solid #dfe2e8;border-radius:6px;padding:8px 12px;min-width:140px}
.tile .v{font-size:22px;font-weight:bold}
.tile .k{font-size:12px;color:#5d6677}
.ok{color:#2e7d32}.warn{color:#ef6c00}.error{color:#c62828}.empty{color:#5d6677}
svg.chart{width:100%;height:auto;display:block}
svg .small{font-size:11px;fill:#3b4252}
svg .grid{stroke:#e3e6ec;stroke-width:1}
svg .axis{stroke:#8a93a3;stroke-width:1}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eceef2;vertical-align:top}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.msg{word-break:break-word;font-family:"DejaVu Sans Mono",monospace;font-size:12px}
.meter{display:inline-block;height:10px;background:#c62828;vertical-align:middle;margin-right:6px}
.note{color:#5d6677;font-size:12px;margin:6px 0 0}
"""


def _tile(value: str, key: str, css: str = "") -> str:
    return f'<div class="tile"><div class="v {css}">{_E(value)}</div><div class="k">{_E(key)}</div></div>'


def _time_axis(data: ReportData) -> tuple[list[datetime], int]:
    """The buckets of the time charts: every hour from the first to the last (every day past 14 days)."""
    if not data.hours:
        return [], 1
    first, last = min(data.hours), max(data.hours)
    step = 1 if (last - first) <= timedelta(days=14) else 24
    if step == 24:
        first = first.replace(hour=0)
    buckets, current = [], first
    while current <= last:
        buckets.append(current)
        current += timedelta(hours=step)
    return buckets, step


def _bucketed(data: ReportData, buckets: list[datetime], step: int) -> list[HourStats]:
    merged = [HourStats() for _ in buckets]
    index = {b: i for i, b in enumerate(buckets)}
    for hour, stats in data.hours.items():
        key = hour if step == 1 else hour.replace(hour=0)
        target = merged[index[key]]
        target.good += stats.good
        target.enriched_bad += stats.enriched_bad
        target.raw_bad += stats.raw_bad
        if step == 1:
            target.latency_ms = stats.latency_ms
    return merged


def _latency_unit(max_ms: float) -> tuple[float, str]:
    for divisor, unit in ((3_600_000, "hours"), (60_000, "minutes"), (1000, "seconds")):
        if max_ms >= 2 * divisor:
            return divisor, unit
    return 1, "milliseconds"


def render_html(data: ReportData) -> str:
    """The self-contained page (inline CSS and SVG, no script, nothing external)."""
    buckets, step = _time_axis(data)
    per = _bucketed(data, buckets, step)
    labels = [_hour_label(b, step) for b in buckets]
    unit_word = "hour" if step == 1 else "day"
    status, age = data.freshness()
    share = data.bad_share
    percentiles = data.latency_percentiles()

    window = "all partitions"
    if data.since or data.until:
        window = (f"{data.since.strftime('%Y-%m-%d %H:00') if data.since else '…'} to "
                  f"{data.until.strftime('%Y-%m-%d %H:00') if data.until else '…'} UTC")
    covered = (f"{min(data.hours).strftime('%Y-%m-%d %H:00')} – "
               f"{max(data.hours).strftime('%Y-%m-%d %H:00')} UTC" if data.hours else "nothing")

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Snowplow lake report</title>", f"<style>{_CSS}</style></head><body>",
           "<header><h1>Snowplow lake report</h1>",
           f"<p>Lake <b>{_E(data.lake)}</b> · partitions {_E(covered)} ({_E(window)}) · "
           f"generated {_E(data.generated_at.strftime('%Y-%m-%d %H:%M:%S UTC'))} · read {data.files:,} files, "
           f"{data.bytes / 1e6:,.1f} MB in {data.seconds:.1f} s</p></header><main>"]

    # -- summary tiles
    status_text = {"ok": "fresh", "warn": "stale (warn)", "error": "stale (error)", "empty": "no good events"}[status]
    out.append('<section class="wide" id="summary"><h2>Summary</h2><div class="tiles">')
    out.append(_tile(f"{data.good:,}", "good events", "ok"))
    out.append(_tile(f"{data.total(ENRICHED_BAD):,}", f"{ENRICHED_BAD} rows", "warn"))
    out.append(_tile(f"{data.total(RAW_BAD):,}", f"{RAW_BAD} rows", "error"))
    out.append(_tile("–" if share is None else f"{share:.1%}", "bad share of outputs"))
    out.append(_tile(fmt_duration(percentiles.get(0.5)), "latency p50 (collector → etl)"))
    out.append(_tile(fmt_duration(percentiles.get(0.99)), "latency p99"))
    out.append(_tile("–" if age is None else fmt_duration(age * 3_600_000), f"freshness: {status_text}", status))
    out.append("</div></section>")

    # -- volume
    out.append(f'<section class="wide" id="volume"><h2>Good and bad rows per {unit_word}</h2>')
    if buckets:
        out.append(stacked_bars_svg(
            "volume", f"Rows per {unit_word} by output", labels,
            [(o, COLORS[o], [float(getattr(p, o)) for p in per]) for o in OUTPUTS]))
        shares = [(p.bad / (p.good + p.bad) * 100 if (p.good + p.bad) else None) for p in per]
        out.append(f'<h2 style="margin-top:12px">Bad share per {unit_word} (% of rows written)</h2>')
        out.append(line_chart_svg("bad-share", f"Bad rows, % of all rows, per {unit_word}", labels,
                                  [("bad share %", COLORS["share"], shares)], height=200,
                                  y_format=lambda v: f"{v:.0f}%" if v == int(v) else f"{v:.1f}%"))
        out.append('<p class="note">Partitions are the lake\'s <code>date=/hour=</code> folders: the collector hour '
                   "for good events and enriched_bad rows, the failure hour for raw_bad rows.</p>")
    else:
        out.append('<p class="note">No partitions found.</p>')
    out.append("</section>")

    # -- bad rows by type and messages
    out.append('<section id="bad-types"><h2>Bad rows by type</h2>')
    items = [(bad_type, count, COLORS[output]) for (output, bad_type), count in data.bad_types.most_common()]
    out.append(hbars_svg("bad-types", "Bad rows by type (colour: output)", items,
                         legend=[(o, COLORS[o]) for o in BAD_OUTPUTS]))
    out.append("</section>")

    out.append('<section id="bad-messages"><h2>Top error messages (pseudonymized)</h2>')
    top_messages = data.messages.most_common(TOP)
    if top_messages:
        biggest = top_messages[0][1]
        out.append("<table><tr><th>rows</th><th>type</th><th>message</th></tr>")
        for (bad_type, message), count in top_messages:
            width = max(2, round(count / biggest * 80))
            out.append(f'<tr><td class="n"><span class="meter" style="width:{width}px"></span>{count:,}</td>'
                       f'<td>{_E(bad_type)}</td><td class="msg">{_E(message)}</td></tr>')
        out.append("</table>")
        out.append('<p class="note">The first failure message of each row; digests of 32+ hex characters are '
                   "shown as &lt;hash&gt; so that rows differing only in a pseudonym group together.</p>")
    else:
        out.append('<p class="note">No bad rows.</p>')
    out.append("</section>")

    # -- top event names and app ids
    for key, title, counter in (("event-names", "Top event names", data.event_names),
                                ("app-ids", "Top app ids", data.app_ids)):
        out.append(f'<section id="{key}"><h2>{_E(title)} (good events)</h2>')
        out.append(hbars_svg(key, title, [(k, v, COLORS["bar"]) for k, v in counter.most_common(TOP)]))
        if len(counter) > TOP:
            out.append(f'<p class="note">{len(counter) - TOP:,} more values not shown.</p>')
        out.append("</section>")

    # -- latency
    out.append('<section class="wide" id="latency"><h2>Latency: collector_tstamp → etl_tstamp</h2>')
    if percentiles:
        out.append('<div class="tiles">')
        for q, value in percentiles.items():
            out.append(_tile(fmt_duration(value), f"p{q * 100:g} (all events)"))
        out.append(_tile(fmt_duration(data.latency_max_ms), "max"))
        out.append("</div>")
        hourly = [p.latency_ms for p in per]
        peak = max((v for triple in hourly for v in triple if v is not None), default=0)
        divisor, unit = _latency_unit(peak)
        if step == 1:
            out.append(line_chart_svg(
                "latency", "Latency percentiles per hour", labels,
                [(name, COLORS[name], [None if t[i] is None else t[i] / divisor for t in hourly])
                 for i, name in enumerate(("p50", "p95", "p99"))],
                y_unit=unit))
        out.append(f'<p class="note">Per-hour percentiles are exact; the overall ones come from a log-scale '
                   f"histogram ({HISTOGRAM_BUCKETS_PER_DECADE} buckets per decade, within about 2.3 %). Latency is "
                   "the enrichment time minus the collector time: pipeline lag, not tracker delay.</p>")
    else:
        out.append('<p class="note">No good events with both timestamps.</p>')
    out.append("</section>")

    # -- freshness
    out.append('<section class="wide" id="freshness"><h2>Freshness</h2><table>')
    rows = [
        ("newest collector_tstamp (good)", fmt_ms(data.newest_collector_ms)),
        ("age at generation", f'<span class="{status}">{_E("–" if age is None else fmt_duration(age * 3_600_000))}'
                              f" ({_E(status_text)})</span>"),
        ("newest etl_tstamp (good)", fmt_ms(data.newest_etl_ms)),
        ("oldest collector_tstamp (good)", fmt_ms(data.oldest_collector_ms)),
        ("newest bad-row failure", fmt_ms(data.newest_failure_ms)),
    ]
    missing = data.missing_hours()
    shown = ", ".join(h.strftime("%Y-%m-%d %H:00") for h in missing[:24]) + (" …" if len(missing) > 24 else "")
    rows.append(("hours without good events", f"{len(missing):,}" + (f": {_E(shown)}" if missing else "")))
    for key, value in rows:
        out.append(f"<tr><th>{_E(key)}</th><td>{value if key in ('age at generation',) else _E(value)}</td></tr>")
    out.append("</table>")
    out.append(f'<p class="note">Thresholds as GitLab\'s dbt source freshness on gitlab_events: warn after '
               f"{FRESHNESS_WARN_HOURS} h, error after {FRESHNESS_ERROR_HOURS} h without a new event.</p></section>")

    out.append("</main></body></html>")
    return "\n".join(out)

