"""Realistic raw records for the demo and the benchmark: what trackers send, as the collector stores it.

The standard mix (per 100 records, deterministic for a seed):

- 40 GET ``/i`` page views (browser user agents, URLs with UTM parameters, web_page context);
- 20 GET ``/i`` structured events with a gitlab_standard context (base64 ``cx``);
- 15 GET ``/i`` self-describing link_click events with contexts (base64 ``ue_px`` and ``cx``);
- 20 POST tp2 batches of 1 to 5 mixed events (JSON body, ``co``/``ue_pr`` not base64);
- 5 broken records, one of each kind: not base64, not Thrift, an unknown vendor path, a context
  that is not JSON, data that fails its schema (when ``broken=True``).
"""
from __future__ import annotations

import base64
import json
import random
import uuid
from urllib.parse import urlencode

from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload

_SP = "iglu:com.snowplowanalytics.snowplow"
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "python-requests/2.34.2",
)
_PAGES = ("/", "/explore", "/users/sign_in", "/gitlab-org/gitlab/-/issues", "/dashboard/projects", "/-/profile")
_PLANS = ("free", "premium", "ultimate")


def _b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _contexts(rng: random.Random) -> dict:
    return {"schema": f"{_SP}/contexts/jsonschema/1-0-1", "data": [
        {"schema": "iglu:com.gitlab/gitlab_standard/jsonschema/1-0-9", "data": {
            "environment": "production", "source": "gitlab-javascript", "plan": rng.choice(_PLANS),
            "namespace_id": rng.randint(1, 10**7), "project_id": rng.randint(1, 10**8),
            "user_id": rng.randint(1, 10**7), "is_gitlab_team_member": rng.random() < 0.05,
            "extra": {"feature": rng.choice(("search", "mr", "ci"))}}},
        {"schema": f"{_SP}/web_page/jsonschema/1-0-0", "data": {"id": str(uuid.UUID(int=rng.getrandbits(128)))}},
    ]}


def _common(rng: random.Random, stamp: int, duid: str) -> dict:
    return {
        "tv": "js-3.23.0", "tna": "gl", "aid": "gitlab", "p": "web", "lang": "en-US", "cs": "UTF-8",
        "tz": "Europe/Berlin", "res": "1920x1080", "vp": "1280x720", "ds": "1263x3000", "cd": "24", "cookie": "1",
        "eid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "dtm": str(stamp - rng.randint(5, 900)),
        "stm": str(stamp - rng.randint(0, 4)), "duid": duid, "vid": str(rng.randint(1, 40)),
        "sid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "uid": str(rng.randint(1, 10**7)),
    }


def _page_view(rng, stamp, duid) -> dict:
    page = rng.choice(_PAGES)
    return {**_common(rng, stamp, duid), "e": "pv", "page": "GitLab",
            "url": f"https://gitlab.com{page}?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
            "refr": "https://www.google.com/search?q=gitlab", "cx": _b64(_contexts(rng))}


def _struct(rng, stamp, duid) -> dict:
    return {**_common(rng, stamp, duid), "e": "se", "se_ca": "projects:issues:show", "se_ac": "click_button",
            "se_la": "new_issue", "se_pr": "ui", "se_va": str(rng.randint(1, 9)),
            "url": f"https://gitlab.com{rng.choice(_PAGES)}", "cx": _b64(_contexts(rng))}


def _link_click(rng, stamp, duid, encoded=True) -> dict:
    event = {"schema": f"{_SP}/unstruct_event/jsonschema/1-0-0", "data": {
        "schema": f"{_SP}/link_click/jsonschema/1-0-1",
        "data": {"targetUrl": f"https://docs.gitlab.com/ee/{rng.choice(('ci', 'user', 'api'))}/",
                 "elementId": "nav-docs", "elementClasses": ["nav-link"]}}}
    params = {**_common(rng, stamp, duid), "e": "ue", "url": f"https://gitlab.com{rng.choice(_PAGES)}"}
    if encoded:
        params.update(ue_px=_b64(event), cx=_b64(_contexts(rng)))
    else:
        params.update(ue_pr=json.dumps(event), co=json.dumps(_contexts(rng)))
    return params


def _payload(rng, stamp, path, querystring=None, body=None) -> CollectorPayload:
    ip = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    ua = rng.choice(_USER_AGENTS)
    headers = ["Host: collector.example.com", f"User-Agent: {ua}", "Accept: */*", f"X-Forwarded-For: {ip}",
               "Cookie: sp=" + str(uuid.UUID(int=rng.getrandbits(128), version=4))]
    payload = CollectorPayload(
        schema=COLLECTOR_PAYLOAD_SCHEMA, ipAddress=ip, timestamp=stamp, encoding="UTF-8",
        collector="beam-collector-0.1.0-file", userAgent=ua, refererUri="https://gitlab.com/",
        path=path, querystring=querystring, headers=headers, hostname="collector.example.com",
        networkUserId=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    )
    if body is not None:
        payload.body = body.encode("utf-8")
        payload.contentType = "application/json; charset=utf-8"
        headers.append("Content-Type: application/json; charset=utf-8")
    return payload


def _line(payload: CollectorPayload) -> str:
    return base64.b64encode(encode_payload(payload)).decode("ascii")


def _broken(rng: random.Random, stamp: int, kind: int) -> str:
    duid = str(uuid.UUID(int=rng.getrandbits(128)))
    if kind == 0:
        return "this is not base64!"
    if kind == 1:
        return base64.b64encode(b"\x0b\x7a\x69garbage-not-thrift").decode()
    if kind == 2:
        return _line(_payload(rng, stamp, "/wp-admin/setup.php", "a=1"))
    if kind == 3:
        return _line(_payload(rng, stamp, "/i", urlencode({**_struct(rng, stamp, duid), "cx": "bm90IGpzb24"})))
    params = _page_view(rng, stamp, duid)
    contexts = _contexts(rng)
    contexts["data"][0]["data"]["namespace_id"] = "not-a-number"
    params["cx"] = _b64(contexts)
    return _line(_payload(rng, stamp, "/i", urlencode(params)))


def generate_lines(count: int, start_ms: int, span_ms: int = 2 * 3_600_000, seed: int = 42,
                   broken: bool = True) -> list[str]:
    """``count`` raw records (base64 Thrift lines) with collector timestamps spread over ``span_ms``."""
    rng = random.Random(seed)
    visitors = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(max(1, count // 20))]
    lines = []
    for index in range(count):
        stamp = start_ms + (index * span_ms) // max(1, count)
        duid = rng.choice(visitors)
        slot = index % 100
        if broken and slot >= 95:
            lines.append(_broken(rng, stamp, slot - 95))
        elif slot < 40:
            lines.append(_line(_payload(rng, stamp, "/i", urlencode(_page_view(rng, stamp, duid)))))
        elif slot < 60:
            lines.append(_line(_payload(rng, stamp, "/i", urlencode(_struct(rng, stamp, duid)))))
        elif slot < 75:
            lines.append(_line(_payload(rng, stamp, "/i", urlencode(_link_click(rng, stamp, duid)))))
        else:
            events = [rng.choice((_page_view, _struct, lambda r, s, d: _link_click(r, s, d, encoded=False)))(
                rng, stamp, duid) for _ in range(rng.randint(1, 5))]
            body = json.dumps({"schema": f"{_SP}/payload_data/jsonschema/1-0-4", "data": events})
            lines.append(_line(_payload(rng, stamp, "/com.snowplowanalytics.snowplow/tp2", body=body)))
    return lines
