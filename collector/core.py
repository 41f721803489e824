"""Request handling as plain functions: an HTTP request in, a response and the records to store out.

Nothing here knows about the HTTP server or the sinks, so every rule is testable without either:
routes, the ``sp`` cookie and the other identity rules, the fields of ``CollectorPayload``, gzip bodies,
and the size rules (pass, split a POST by events, or a ``size_violation`` bad row).
"""
from __future__ import annotations

import base64
import ipaddress
import os
import re
import time
import uuid
import zlib
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import urlsplit

import orjson

from snowplow_beam.collector import badrows
from snowplow_beam.collector.config import Settings
from snowplow_beam.transforms.querystring import query_pairs
from snowplow_beam.transforms.thrift_model import COLLECTOR_PAYLOAD_SCHEMA, CollectorPayload, encode_payload

PIXEL = base64.b64decode("R0lGODlhAQABAPAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
ROBOTS = b"User-agent: *\nDisallow: /\n"
ANONYMOUS_NUID_HEADERS = frozenset(("x-forwarded-for", "x-real-ip", "cookie"))
TRACKING_METHODS = ("GET", "HEAD", "POST")

_NO_CACHE = [
    ("cache-control", "no-cache, no-store, must-revalidate"),
    ("pragma", "no-cache"),
    ("expires", "0"),
]
_PIXEL_HEADERS = [("content-type", "image/gif")] + _NO_CACHE
_TEXT_HEADERS = [("content-type", "text/plain; charset=utf-8")]
_SPECIAL_NAMES = {
    "sp-anonymous": "SP-Anonymous", "dnt": "DNT", "te": "TE", "www-authenticate": "WWW-Authenticate",
    "x-real-ip": "X-Real-Ip", "etag": "ETag", "content-md5": "Content-MD5",
}
_name_cache: dict[str, str] = {}
# RFC 6265 section 4.1.1: cookie-name is a token, cookie-value is cookie-octets, optionally in double quotes.
_UUID_SHAPE = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
# A redirect host as browsers read it, with nothing they would decode or re-interpret: ASCII letters, digits,
# dots and hyphens (an IDN in its xn-- form), and an optional port. No userinfo, no percent-encoding.
_REDIRECT_NETLOC = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?")
_COOKIE_PAIR = re.compile(r'[!#$%&\'*+\-.^_`|~0-9A-Za-z]+=(?:"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"|[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*)')


class RequestError(Exception):
    """The request is refused before anything is stored: ``status`` and a short text for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: str | None  # raw querystring without "?", None when the URL has none
    headers: list[tuple[str, str]]  # as received; names in any case
    body: bytes | None = None  # already decoded from gzip/deflate (see decode_body)
    remote_ip: str | None = None  # peer address of the connection
    decoded_encoding: str | None = None  # the Content-Encoding that decode_body removed, if any


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


@dataclass(slots=True)
class Outcome:
    """What one request becomes: the answer, and the records to store before giving it."""

    response: Response
    good: list[bytes] = field(default_factory=list)  # Thrift CollectorPayload records
    bad: list[bytes] = field(default_factory=list)  # size_violation bad rows (JSON)
    partition_key: str = ""
    kind: str = "other"  # route family, for metrics: pixel, post, redirect, health, cors, robots, notfound, ...


def canonical_header_name(name: str) -> str:
    """``user-agent`` -> ``User-Agent`` (the HTTP server lower-cases names; Snowplow stored them as sent)."""
    cached = _name_cache.get(name)
    if cached is None:
        lowered = name.lower()
        cached = _SPECIAL_NAMES.get(lowered) or "-".join(part[:1].upper() + part[1:] for part in lowered.split("-"))
        if len(_name_cache) < 4096:
            _name_cache[name] = cached
    return cached


def filter_cookie_header(value: str) -> str | None:
    """Keep only the RFC 6265-valid ``name=value`` pairs of a Cookie header (as Snowplow's Rfc6265Cookie does)."""
    pairs = [part.strip() for part in value.split(";")]
    valid = [pair for pair in pairs if _COOKIE_PAIR.fullmatch(pair)]
    return "; ".join(valid) if valid else None


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    """The value of cookie ``name`` in a Cookie header, or None (first occurrence wins)."""
    if not cookie_header or name not in cookie_header:
        return None
    for part in cookie_header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value
    return None


def query_values(query: str | None, name: str) -> list[str]:
    """Every value of ``name`` in a raw querystring, in order, read by the pipeline's own parser
    (:mod:`transforms.querystring`): names decoded, a bare ``name`` without ``=`` counting with an empty value.

    ``name`` is a plain parameter name (no ``%``, ``+`` or space), so a query holding neither it nor a ``%``
    cannot have it: most requests are answered without parsing.
    """
    if not query or name not in query and "%" not in query:
        return []
    return [value for key, value in query_pairs(query) if key == name]


def query_param(query: str | None, name: str) -> str | None:
    """The value of ``name`` in a raw querystring, percent- and ``+``-decoded; None when absent.

    For a repeated name the LAST value wins, as in the pipeline's querystring parser, so the collector acts
    on the value the pipeline will record.
    """
    values = query_values(query, name)
    return values[-1] if values else None


def valid_nuid(value: str | None) -> str | None:
    """``value`` if it is UUID-shaped (8-4-4-4-12 hex digits), else None: a network user id from a tracker
    (``nuid``) or a cookie is echoed into ``Set-Cookie`` and a redirect ``Location``, so nothing else is taken."""
    return value if value and _UUID_SHAPE.fullmatch(value) else None


def client_ip(forwarded_for: str | None, remote_ip: str | None, trust_forwarded: bool = True) -> str:
    """Snowplow's rule: the first X-Forwarded-For address if it is an IP, else the peer address, else ``unknown``."""
    if trust_forwarded and forwarded_for:
        first = forwarded_for.split(",", 1)[0].strip()
        if first:
            try:
                return str(ipaddress.ip_address(first.strip("[]")))
            except ValueError:
                pass
    return remote_ip or "unknown"


def decode_body(body: bytes, content_encoding: str | None, limit: int) -> tuple[bytes, str | None]:
    """Undo ``Content-Encoding: gzip`` / ``deflate`` (up to ``limit`` bytes out); returns (body, removed encoding).

    A gzip body may hold several members (RFC 1952 section 2.2): all are read and concatenated, as gzip(1)
    does. Anything after the last complete member or after a zlib/deflate stream is refused.

    Raises :class:`RequestError`: 415 for an encoding we do not read, 400 for a corrupt or truncated stream
    or trailing bytes, 413 when the decoded body passes ``limit`` (a zip bomb costs us at most ``limit`` bytes,
    whatever the number of members).
    """
    if not content_encoding:
        return body, None
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return body, None
    if encoding in ("gzip", "x-gzip"):
        try:
            return _inflate(body, 16 + zlib.MAX_WBITS, limit, members=True), encoding
        except zlib.error as exc:
            raise RequestError(400, f"corrupt {encoding} body: {exc}") from None
    if encoding != "deflate":
        raise RequestError(415, f"unsupported Content-Encoding: {content_encoding[:40]}")
    try:
        return _inflate(body, zlib.MAX_WBITS, limit), encoding  # RFC 9110 deflate is zlib-wrapped
    except zlib.error as exc:
        error = exc
    try:
        return _inflate(body, -zlib.MAX_WBITS, limit), encoding  # what some clients send: raw deflate
    except zlib.error:
        raise RequestError(400, f"corrupt {encoding} body: {error}") from None


def _inflate(body: bytes, wbits: int, limit: int, members: bool = False) -> bytes:
    """Decompress ``body``: one stream, or (``members``) one or more gzip members back to back, nothing after."""
    out: list[bytes] = []
    size = 0
    data = body
    while True:
        decompressor = zlib.decompressobj(wbits)
        chunk = decompressor.decompress(data, limit + 1 - size)
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"decoded body larger than {limit} bytes")
        out.append(chunk)
        if not decompressor.eof:
            raise zlib.error("truncated stream")
        data = decompressor.unused_data
        if not data:
            return b"".join(out)
        if not members or data[:2] != b"\x1f\x8b":
            raise zlib.error(f"{len(data)} byte(s) after the end of the compressed stream")


def payload_to_string(payload: CollectorPayload) -> str:
    """The payload as Thrift's Java ``toString`` would print it (the ``size_violation`` payload text)."""
    parts = []
    for name in (
        "schema", "ipAddress", "timestamp", "encoding", "collector", "userAgent", "refererUri", "path",
        "querystring", "body", "headers", "contentType", "hostname", "networkUserId",
    ):
        value = getattr(payload, name)
        if value is None:
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        parts.append(f"{name}:{value}")
    return "CollectorPayload(" + ", ".join(parts) + ")"


class Handler:
    """Turns :class:`Request` into :class:`Outcome` for one set of :class:`Settings`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.collector = settings.collector_string
        self.paths = dict(settings.paths)
        self.max_record = settings.max_record_bytes
        self.max_payload = settings.max_payload_bytes
        self.truncate_to = settings.max_record_bytes // 10
        self.dnt_pattern = re.compile(settings.dnt_cookie_value) if settings.dnt_cookie_enabled else None
        self.redirect_domains = [d.lower().lstrip(".") for d in settings.redirect_domains]
        self.cookie_domains = [d.lower().lstrip(".") for d in settings.cookie_domains]
        self.cookie_max_age = int(settings.cookie_expiration_days * 86400)
        attributes = [f"Path={settings.cookie_path}"] if settings.cookie_path else []
        if settings.cookie_secure:
            attributes.append("Secure")
        if settings.cookie_http_only:
            attributes.append("HttpOnly")
        if settings.cookie_same_site:
            attributes.append(f"SameSite={settings.cookie_same_site}")
        self._cookie_tail = "; ".join(attributes)
        self._expires_second = -1
        self._expires_text = ""
        self._preflight_tail = [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "Content-Type, SP-Anonymous"),
            ("access-control-allow-methods", "POST, GET, OPTIONS"),
            ("access-control-max-age", str(settings.cors_max_age_s)),
        ]

    # ------------------------------------------------------------------ entry point
    def handle(self, request: Request, now_ms: int | None = None) -> Outcome:
        if now_ms is None:
            now_ms = time.time_ns() // 1_000_000
        method = request.method
        path = self.paths.get(request.path, request.path)
        if method == "OPTIONS":
            return self._preflight(request)
        if path == "/i" or path == "/ice.png":
            if method != "GET" and method != "HEAD":
                return self._not_allowed("GET, HEAD, OPTIONS")
            return self._track(request, path, now_ms, "pixel")
        if path == "/health":
            return Outcome(Response(200, list(_TEXT_HEADERS), b"ok"), kind="health")
        if path == "/robots.txt":
            return Outcome(Response(200, list(_TEXT_HEADERS), ROBOTS), kind="robots")
        if path.startswith("/r/"):
            if method != "GET" and method != "HEAD":
                return self._not_allowed("GET, HEAD, OPTIONS")
            return self._redirect(request, path, now_ms)
        segments = path.split("/")
        if len(segments) == 3 and segments[1] and segments[2]:
            if method == "POST":
                return self._track(request, path, now_ms, "post")
            if method == "GET" or method == "HEAD":
                return self._track(request, path, now_ms, "pixel")
            return self._not_allowed("GET, HEAD, POST, OPTIONS")
        return Outcome(Response(404, list(_TEXT_HEADERS), b"not found"), kind="notfound")

    # ------------------------------------------------------------------ routes
    def _not_allowed(self, allow: str) -> Outcome:
        return Outcome(Response(405, _TEXT_HEADERS + [("allow", allow)], b"method not allowed"), kind="notallowed")

    def _preflight(self, request: Request) -> Outcome:
        origin = _header(request.headers, "origin")
        headers = [("access-control-allow-origin", origin or "*")] + self._preflight_tail
        return Outcome(Response(200, headers), kind="cors")

    def _track(self, request: Request, path: str, now_ms: int, kind: str) -> Outcome:
        context = self._context(request)
        if kind == "pixel":
            response = Response(200, list(_PIXEL_HEADERS), b"" if request.method == "HEAD" else PIXEL)
        else:
            response = Response(200, list(_TEXT_HEADERS), b"ok")
        return self._finish(request, path, now_ms, kind, context, response)

    def _redirect(self, request: Request, path: str, now_ms: int) -> Outcome:
        if not self.settings.redirect_enabled:
            return Outcome(Response(404, list(_TEXT_HEADERS), b"redirects disabled"), kind="redirect")
        targets = query_values(request.query, "u")
        if len(targets) > 1:
            # the pipeline records the last u: refuse rather than send the user somewhere else than recorded
            return Outcome(Response(400, list(_TEXT_HEADERS), b"more than one redirect target u"), kind="redirect")
        if not targets or not targets[0]:
            return Outcome(Response(400, list(_TEXT_HEADERS), b"missing redirect target u"), kind="redirect")
        context = self._context(request)
        # the target is checked in _finish, once the nuid macro is filled in: the URL checked is the URL sent
        response = Response(302, [("location", targets[0])] + _NO_CACHE)
        return self._finish(request, path, now_ms, "redirect", context, response)

    def _redirect_allowed(self, target: str) -> bool:
        """Only absolute http(s) URLs to an allowlisted host (or its subdomain); nothing browsers could re-read.

        The host must be plain ASCII (letters, digits, dots, hyphens; an optional port): a browser decodes
        percent-encoding in a host (``evil.com%23.example.com`` goes to ``evil.com``) and maps other
        characters, so anything else is refused rather than guessed at.
        """
        if any(ch in target for ch in "\\\t\r\n ") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
            return False
        try:
            parts = urlsplit(target)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host or not _REDIRECT_NETLOC.fullmatch(parts.netloc):
            return False
        return any(host == domain or host.endswith("." + domain) for domain in self.redirect_domains)

    def _finish_redirect(self, response: Response, nuid: str | None) -> bool:
        """Fill the nuid macro into the Location, then check the URL that is actually sent (False: refuse)."""
        target = response.headers[0][1]
        if self.settings.redirect_macro_enabled and nuid:
            target = target.replace(self.settings.redirect_placeholder, nuid)
        if not self._redirect_allowed(target):
            return False
        response.headers[0] = ("location", target)
        return True

    @staticmethod
    def _redirect_refused() -> Outcome:
        return Outcome(Response(400, list(_TEXT_HEADERS), b"redirect target not allowed"), kind="redirect")

    # ------------------------------------------------------------------ identity and payload
    def _context(self, request: Request) -> "_Context":
        """One pass over the headers: what the payload and the cookie rules need."""
        ctx = _Context()
        stored = ctx.headers
        for name, value in request.headers:
            lname = name.lower()
            if lname == "cookie":
                ctx.cookie = value if ctx.cookie is None else ctx.cookie + "; " + value
                continue  # stored below, filtered
            if lname == "user-agent":
                ctx.user_agent = value
            elif lname == "referer":
                ctx.referer = value
            elif lname == "host":
                ctx.host = value
            elif lname == "content-type":
                ctx.content_type = value.lower()
            elif lname == "x-forwarded-for":
                ctx.forwarded_for = value if ctx.forwarded_for is None else ctx.forwarded_for + ", " + value
            elif lname == "origin":
                ctx.origin = value
            elif lname == "sp-anonymous":
                ctx.anonymous = True
            elif lname == "content-encoding" and request.decoded_encoding:
                continue  # the stored body is the decoded one
            stored.append((lname, name, value))
        return ctx

    def _finish(
        self, request: Request, path: str, now_ms: int, kind: str, ctx: "_Context", response: Response
    ) -> Outcome:
        settings = self.settings
        cookie_name = settings.cookie_name
        existing = cookie_value(ctx.cookie, cookie_name) if ctx.cookie else None
        if self.dnt_pattern is not None:
            dnt = cookie_value(ctx.cookie, settings.dnt_cookie_name)
            if dnt is not None and self.dnt_pattern.fullmatch(dnt):
                if kind == "redirect" and not self._finish_redirect(response, None):
                    return self._redirect_refused()
                self._cors(response, ctx.origin)
                return Outcome(response, kind=kind)  # do not track: nothing stored, no cookie
        if ctx.anonymous:
            ip = "unknown"
            nuid = None
            headers = [f"{canonical_header_name(name)}: {value}" for lname, name, value in ctx.headers
                       if lname not in ANONYMOUS_NUID_HEADERS]
            if existing is not None and settings.cookie_enabled:
                response.headers.append(("set-cookie", self._expired_cookie(ctx.origin)))
        else:
            ip = client_ip(ctx.forwarded_for, request.remote_ip, settings.trust_x_forwarded_for)
            nuid = valid_nuid(query_param(request.query, "nuid")) or valid_nuid(existing) or str(uuid.uuid4())
            headers = [f"{canonical_header_name(name)}: {value}" for _, name, value in ctx.headers]
            if ctx.cookie is not None:
                filtered = filter_cookie_header(ctx.cookie)
                if filtered:
                    headers.append(f"Cookie: {filtered}")
            if settings.cookie_enabled:
                response.headers.append(("set-cookie", self._set_cookie(nuid, ctx.origin, now_ms)))
        if kind == "redirect" and not self._finish_redirect(response, nuid):
            return self._redirect_refused()
        self._cors(response, ctx.origin)
        hostname = _host_only(ctx.host)
        body = request.body if request.body else None
        payload = CollectorPayload(
            schema=COLLECTOR_PAYLOAD_SCHEMA,
            ipAddress=ip,
            timestamp=now_ms,
            encoding="UTF-8",
            collector=self.collector,
            userAgent=ctx.user_agent,
            refererUri=ctx.referer,
            path=path,
            querystring=request.query,
            body=body,
            headers=headers,
            contentType=ctx.content_type,
            hostname=hostname,
            networkUserId=nuid,
        )
        good, bad = self.serialize(payload, now_ms)
        key = ip if settings.use_ip_as_partition_key and ip != "unknown" else os.urandom(8).hex()
        return Outcome(response, good, bad, key, kind)

    def _cors(self, response: Response, origin: str | None) -> None:
        if origin:
            response.headers.append(("access-control-allow-origin", origin))
            response.headers.append(("access-control-allow-credentials", "true"))

    def _cookie_domain(self, origin: str | None) -> str | None:
        if self.cookie_domains and origin:
            hosts = []
            for item in origin.split():
                try:
                    host = urlsplit(item).hostname
                except ValueError:
                    host = None
                if host:
                    hosts.append(host.lower())
            for domain in self.cookie_domains:
                if any(host == domain or host.endswith("." + domain) for host in hosts):
                    return domain
        return self.settings.cookie_fallback_domain

    def _set_cookie(self, nuid: str, origin: str | None, now_ms: int) -> str:
        second = now_ms // 1000
        if second != self._expires_second:
            self._expires_second = second
            self._expires_text = formatdate(second + self.cookie_max_age, usegmt=True)
        text = f"{self.settings.cookie_name}={nuid}; Expires={self._expires_text}; Max-Age={self.cookie_max_age}"
        domain = self._cookie_domain(origin)
        if domain:
            text += f"; Domain={domain}"
        return text + "; " + self._cookie_tail if self._cookie_tail else text

    def _expired_cookie(self, origin: str | None) -> str:
        text = f"{self.settings.cookie_name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
        domain = self._cookie_domain(origin)
        if domain:
            text += f"; Domain={domain}"
        return text + "; " + self._cookie_tail if self._cookie_tail else text

    # ------------------------------------------------------------------ sizes
    def serialize(self, payload: CollectorPayload, now_ms: int) -> tuple[list[bytes], list[bytes]]:
        """Snowplow's SplitBatch: one record, several records (a POST split by events), or bad rows."""
        data = encode_payload(payload)
        size = len(data)
        if size <= self.max_record:
            return [data], []
        if size > self.max_payload:
            return [], [self._violation(
                now_ms, self.max_payload, size, "oversized collector payload: Payload exceeds max size",
                payload_to_string(payload))]
        return self._split(payload, size, now_ms)

    def _violation(self, now_ms: int, maximum: int, actual: int, expectation: str, text: str) -> bytes:
        return badrows.size_violation(
            artifact=self.settings.collector_name, version=self.settings.collector_version, now_ms=now_ms,
            maximum=maximum, actual=actual, expectation=expectation, payload=text, truncate_to=self.truncate_to,
        )

    def _split(self, payload: CollectorPayload, size: int, now_ms: int) -> tuple[list[bytes], list[bytes]]:
        limit = self.max_record
        body = payload.body
        if body is None:
            return [], [self._violation(now_ms, limit, size, "oversized collector payload: GET requests cannot be split",
                                        payload_to_string(payload))]
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            document = None
        if not (isinstance(document, dict) and isinstance(document.get("data"), list)
                and isinstance(document.get("schema"), str)):
            return [], [self._violation(
                now_ms, limit, size,
                "oversized collector payload: cannot split POST requests which are not json or not self-describing",
                payload_to_string(payload))]
        schema = document["schema"]
        payload.body = b""
        base = len(encode_payload(payload))  # everything but the body's bytes
        envelope = len(orjson.dumps({"schema": schema, "data": []}))
        if base + envelope > limit:
            payload.body = body
            return [], [self._violation(
                now_ms, limit, size,
                'oversized collector payload: cannot split this POST request because event without "data" field '
                "is still too big", payload_to_string(payload))]
        room = limit - base - envelope
        good: list[bytes] = []
        bad: list[bytes] = []
        batch: list[bytes] = []
        batch_size = 0
        for event in document["data"]:
            encoded = orjson.dumps(event)
            cost = len(encoded) + (1 if batch else 0)
            if len(encoded) > room:
                bad.append(self._violation(
                    now_ms, limit, base + envelope + len(encoded),
                    "oversized collector payload: this POST request split is still too large",
                    encoded.decode("utf-8")))
                continue
            if batch_size + cost > room:
                good.append(self._child(payload, schema, batch))
                batch, batch_size, cost = [], 0, len(encoded)
            batch.append(encoded)
            batch_size += cost
        if batch:
            good.append(self._child(payload, schema, batch))
        payload.body = body
        return good, bad

    @staticmethod
    def _child(payload: CollectorPayload, schema: str, events: list[bytes]) -> bytes:
        payload.body = b'{"schema":' + orjson.dumps(schema) + b',"data":[' + b",".join(events) + b"]}"
        return encode_payload(payload)


@dataclass(slots=True)
class _Context:
    headers: list[tuple[str, str, str]] = field(default_factory=list)  # (lower name, name, value) to store
    cookie: str | None = None
    user_agent: str | None = None
    referer: str | None = None
    host: str | None = None
    content_type: str | None = None
    forwarded_for: str | None = None
    origin: str | None = None
    anonymous: bool = False


def _header(headers: list[tuple[str, str]], lname: str) -> str | None:
    for name, value in headers:
        if name.lower() == lname:
            return value
    return None


def _host_only(host: str | None) -> str | None:
    if not host:
        return None
    host = host.strip()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
