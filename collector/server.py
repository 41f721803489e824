"""The HTTP side: an RSGI application (granian's native interface) and ``run``.

The application reads the body within the size and time limits, hands a :class:`collector.core.Request`
to :class:`collector.core.Handler`, stores the records if the sinks accept them (503 otherwise), waits
until an acknowledging sink (the file sink) has durably written them (503 if it could not), and answers.
Sinks start in ``__rsgi_init__`` (the file sink first finishes what a dead worker left behind) and are
drained in ``__rsgi_del__``, when granian stops the worker on SIGTERM/SIGINT. granian respawns a worker
that dies (SIGKILL, OOM).
"""
from __future__ import annotations

import asyncio
import functools
import logging
import sys

from snowplow_beam.collector.config import Settings
from snowplow_beam.collector.core import Handler, Request, RequestError, decode_body
from snowplow_beam.collector.metrics import Metrics
from snowplow_beam.collector.sinks import BufferedSink, Receipt, build_sinks

log = logging.getLogger("snowplow.collector")

_TEXT = [("content-type", "text/plain; charset=utf-8")]
_UNAVAILABLE = _TEXT + [("retry-after", "5")]


class CollectorApp:
    """One per server process: the handler, the sinks and the counters."""

    def __init__(self, settings: Settings, sinks: tuple[BufferedSink, BufferedSink] | None = None):
        self.settings = settings
        self.handler = Handler(settings)
        self.good, self.bad = sinks if sinks is not None else build_sinks(settings)
        self.metrics = Metrics()
        self.drop_limit = settings.drop_payload_bytes
        self.body_timeout = settings.body_read_timeout_s
        self.write_timeout = settings.write_timeout_s
        self._started = False
        self._closed = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if not self._started:
            self._started = True
            self.good.start()
            self.bad.start()
            log.info("collector %s: %s sink ready", self.settings.collector_string, self.settings.sink)

    def close(self) -> int:
        """Drain both sinks; returns the number of records that could not be written."""
        if self._closed or not self._started:
            return 0
        self._closed = True
        lost = self.good.close() + self.bad.close()
        stranded = getattr(self.good, "stranded_records", 0) + getattr(self.bad, "stranded_records", 0)
        refused = self.good.refused_records + self.bad.refused_records
        log.info("collector stopped: %d good and %d bad records written, %d lost, %d not yet in place (kept under "
                 ".tmp/, moved into place by the next start), %d refused with 503",
                 self.good.written_records, self.bad.written_records, lost, stranded, refused)
        return lost

    def __rsgi_init__(self, loop) -> None:
        self.start()

    def __rsgi_del__(self, loop) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    async def __rsgi__(self, scope, proto) -> None:
        if scope.proto != "http":
            return  # websockets are off; nothing else is served
        try:
            status, headers, body, kind = await self._serve(scope, proto)
        except Exception:  # noqa: BLE001 - a bug must cost one 500, never the process
            log.exception("internal error on %s %s", scope.method, scope.path)
            status, headers, body, kind = 500, _TEXT, b"internal error", "error"
        self.metrics.requests[(kind, status)] += 1
        proto.response_bytes(status, headers, body)

    async def _serve(self, scope, proto):
        path = scope.path
        method = scope.method
        if path == "/sink-health":
            if self.good.healthy and self.bad.healthy:
                return 200, _TEXT, b"ok", "health"
            return 503, _TEXT, b"sink unhealthy", "health"
        if path == "/metrics" and method == "GET":
            return 200, [("content-type", "text/plain; version=0.0.4")], \
                self.metrics.render((self.good, self.bad)), "metrics"
        headers = scope.headers.items()
        body = None
        decoded = None
        if method == "POST":
            try:
                body = await self._read_body(scope, proto)
                encoding = scope.headers.get("content-encoding")
                if encoding:
                    body, decoded = decode_body(body, encoding, self.drop_limit)
            except RequestError as exc:
                self.metrics.rejected[_reason(exc.status)] += 1
                return exc.status, _TEXT, exc.message.encode(), "rejected"
        client = scope.client
        remote = client.rsplit(":", 1)[0].strip("[]") if client else None
        query = scope.query_string or None
        request = Request(method, path, query, headers, body, remote, decoded)
        outcome = self.handler.handle(request)
        if outcome.good or outcome.bad:
            if not (self.good.accepting() if outcome.good else True) or not (
                    self.bad.accepting() if outcome.bad else True):
                self.metrics.rejected["sink_unavailable"] += 1
                return 503, _UNAVAILABLE, b"sink unavailable, retry later", outcome.kind
            receipts = []
            for records, sink in ((outcome.good, self.good), (outcome.bad, self.bad)):
                if records:
                    receipt = Receipt(asyncio.get_running_loop()) if sink.acknowledges else None
                    sink.put(records, outcome.partition_key, receipt)
                    if receipt is not None:
                        receipts.append(receipt)
            if receipts and not await self._written(receipts):
                self.metrics.rejected["write_failed"] += 1
                return 503, _UNAVAILABLE, b"could not store the event, retry later", outcome.kind
            self.metrics.records["good"] += len(outcome.good)
            self.metrics.records["bad"] += len(outcome.bad)
        response = outcome.response
        return response.status, response.headers, response.body, outcome.kind

    async def _written(self, receipts: list[Receipt]) -> bool:
        """Wait until the sinks have written (True) or refused (False) the records; False after write_timeout_s."""
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.write_timeout, _expire, receipts)
        try:
            for receipt in receipts:
                if not await receipt.future:
                    return False
            return True
        finally:
            timer.cancel()

    async def _read_body(self, scope, proto) -> bytes:
        limit = self.drop_limit
        length = scope.headers.get("content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                raise RequestError(400, "bad Content-Length") from None
            if declared > limit:
                raise RequestError(413, f"body larger than {limit} bytes")
            try:
                async with asyncio.timeout(self.body_timeout):
                    return await proto()
            except TimeoutError:
                raise RequestError(408, "body not received in time") from None
            except Exception as exc:  # client went away mid-body
                raise RequestError(400, f"body not received: {type(exc).__name__}") from None
        chunks = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout):
                async for chunk in proto:
                    size += len(chunk)
                    if size > limit:
                        raise RequestError(413, f"body larger than {limit} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise RequestError(408, "body not received in time") from None
        except RequestError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise RequestError(400, f"body not received: {type(exc).__name__}") from None
        return b"".join(chunks)


def _expire(receipts: list[Receipt]) -> None:
    # too slow: answer 503. The record may still be written later (a duplicate if the tracker retries),
    # but it is never answered 200 without being stored.
    for receipt in receipts:
        if not receipt.future.done():
            receipt.future.set_result(False)


def _reason(status: int) -> str:
    return {400: "bad_request", 408: "timeout", 413: "too_large", 415: "unsupported_encoding"}.get(status, str(status))


def create_app(settings: Settings) -> CollectorApp:
    """Build the application (called in each server process)."""
    _configure_logging(settings.log_level)
    return CollectorApp(settings)


def _configure_logging(level: str) -> None:
    logger = logging.getLogger("snowplow.collector")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())


def run(settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT, then drain the sinks (blocking)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings

    _configure_logging(settings.log_level)
    server = Granian(
        target="snowplow_beam.collector.server:create_app",  # informational: the loader below builds the app
        address=settings.host,
        port=settings.port,
        interface=Interfaces.RSGI,
        workers=settings.workers,
        loop=Loops.auto,
        http=HTTPModes.http1,
        websockets=False,
        backlog=2048,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(settings.header_read_timeout_s * 1000),
            max_buffer_size=settings.max_header_bytes,
        ),
        log_level=settings.log_level.lower() if settings.log_level.lower() != "warning" else "warn",
        workers_kill_timeout=int(settings.shutdown_timeout_s) + 20,
        # a worker killed by SIGKILL or the OOM killer is started again (its sinks recover its files);
        # granian gives up and exits if a respawned worker dies again within about 5 s (a crash loop)
        respawn_failed_workers=True,
    )
    server.serve(target_loader=functools.partial(create_app, settings), wrap_loader=False)
