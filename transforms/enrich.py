"""From raw event to enriched event: the 131 canonical fields, then the configured enrichments and the checks.

Phases, as in Snowplow's enrich:

1. map and validate input: collector fields, tracker parameters parsed into typed fields, the self-describing
   JSON parameters parsed (unparseable values -> ``schema_violations``); then the built-in enrichments: page and
   referer URLs, derived timestamp, schema fields (failures -> ``enrichment_failures``). Both run in the native
   core (``native/src/enrich.rs``), a batch of records per call (:func:`native.adapt_records`), and come here as
   one ``native.MappedEvent`` per event.
2. the configured enrichments (:mod:`transforms.enrichments`), in order. Failures -> ``enrichment_failures``.
3. atomic field lengths against ``atomic/jsonschema/1-0-0``. Too long -> ``schema_violations``.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from snowplow_beam.transforms import ARTIFACT, __version__, badrows, native
from snowplow_beam.transforms.adapters import RawEvent
from snowplow_beam.transforms.atomic import MAX_LENGTHS
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.timestamps import now_ms

ATOMIC_SCHEMA = "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0"
V_ETL = f"{ARTIFACT}-{__version__}"

# Tracker parameter -> the enriched fields it fills (the pseudonymizer keeps a parameter in clear
# only where all of them are allowlisted).
PARAMETER_FIELDS: dict[str, tuple[str, ...]] = native.parameter_fields()


# What a tracker-sent string field holds when it is what it says (a language tag, a time zone name, a
# charset...). The pseudonymizer keeps an allowlisted value in clear only when it has this shape: a
# value that does not is free text, whatever field it came in (``lang=jane@example.com``).
FIELD_SHAPES: dict[str, re.Pattern] = {
    "br_lang": re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,8}"),
    "os_timezone": re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,31}(?:/[A-Za-z0-9_+\-]{1,32}){0,3}"),
    "br_colordepth": re.compile(r"[0-9]{1,3}"),
    "doc_charset": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,39}"),
    "tr_currency": re.compile(r"[A-Za-z]{3}"),
    "ti_currency": re.compile(r"[A-Za-z]{3}"),
    "base_currency": re.compile(r"[A-Za-z]{3}"),
    "name_tracker": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}"),
    "v_tracker": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}"),
    "v_collector": re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}"),
}


def field_fits(field: str, value) -> bool:
    """Whether an enriched field's value has the shape the field promises (see :data:`FIELD_SHAPES`)
    and fits its maxLength; fields without a shape take any value of their type."""
    if isinstance(value, str) and value:
        limit = MAX_LENGTHS.get(field)
        if limit is not None and len(value) > limit:
            return False
        shape = FIELD_SHAPES.get(field)
        return shape is None or shape.fullmatch(value) is not None
    return True


def parameter_fits(key: str, value: str) -> bool:
    """Whether a tracker parameter's value is what its fields say: it parses (a UUID, a timestamp, a number,
    one of the enumerated values...; the native core's parsers) and each field it fills gets a value of its
    shape and length. Parameters that fill no field (the self-describing JSON ones, unknown ones) never fit."""
    try:
        fields = native.parse_parameter(key, value)
    except ValueError:
        return False
    return fields is not None and all(field_fits(field, parsed) for field, parsed in fields)


def atomic_report(field: str, message: str, keyword: str | None, value) -> dict:
    """A data report against atomic/jsonschema/1-0-0. ``message`` never quotes the value; ``targets`` holds it."""
    return {"message": message, "path": f"$.{field}", "keyword": keyword, "targets": [value]}


def atomic_violation(reports: list[dict]) -> dict:
    return {"schemaKey": ATOMIC_SCHEMA, "error": {"error": "ValidationError", "dataReports": reports}}


def payload_of(source) -> "native.CollectorPayload":
    """The collector payload a :class:`~transforms.adapters.Source` describes (for events built from parameters)."""
    return native.CollectorPayload(
        timestamp=source.timestamp, ipAddress=source.ip_address, encoding=source.encoding,
        collector=source.collector, querystring=source.querystring, body=source.body,
        contentType=source.content_type, hostname=source.hostname, userAgent=source.user_agent,
        refererUri=source.referer_uri, headers=source.headers, networkUserId=source.network_user_id,
    )


class EnrichmentError(Exception):
    """An event that cannot be enriched; ``bad_row`` says why."""

    def __init__(self, bad_row: BadRow):
        super().__init__(bad_row.type_name)
        self.bad_row = bad_row


class EventEnricher:
    """Finishes mapped events into enriched events (dicts of :mod:`transforms.atomic` fields).

    ``enrichments`` run in order after the built-in steps: those of the native core (a class with ``NATIVE_KIND``
    and ``native_settings()``, every enrichment this project ships) in its :class:`native.EnrichmentChain`, within
    the native call that maps the batch; then enrichments written in Python, here, once per batch: an object with
    ``enrich_batch(events, raw_events) -> list[list[dict]]``, which may change the events (dicts) in place and
    returns, per event in order, its ``enrichment_failures`` messages. ``clock``: the time of enrichment
    (``etl_tstamp``), read once per batch.
    """

    def __init__(self, enrichments: Sequence = (), clock: Callable[[], int] = now_ms):
        self.chain = native.EnrichmentChain(
            [(e.NATIVE_KIND, e.native_settings()) for e in enrichments if hasattr(e, "NATIVE_KIND")])
        self._python = tuple(e for e in enrichments if not hasattr(e, "NATIVE_KIND"))
        self.clock = clock

    @property
    def all_native(self) -> bool:
        """Whether every enrichment runs in the native chain (then an event the native call finishes is done)."""
        return not self._python

    def enrich(self, raw: RawEvent, seed: bytes, index: int) -> dict:
        """The enriched event for the ``index``-th event of the record whose SHA-256 is ``seed`` (one event; the
        pipeline maps a batch of records per native call and calls :meth:`finish_batch`)."""
        mapped = native.map_event(payload_of(raw.source), raw.parameters, seed, index, self.clock(), V_ETL, self.chain)
        finished = self.finish_batch([(raw, mapped)])[0]
        if isinstance(finished, EnrichmentError):
            raise finished
        return finished[0]

    def finish_batch(self, items: Sequence[tuple[RawEvent, "native.MappedEvent"]]) -> list:
        """Per mapped event of a batch, in order: ``(event, validated)`` (validated: by the store, in the native
        call), or the :class:`EnrichmentError` holding its bad row. The enrichments written in Python run here,
        each once over the batch's events that mapped; an exception they raise propagates (the record processor
        then finishes the events one by one)."""
        out: list = [None] * len(items)
        mapped_ok = []  # (position, raw event, mapped event) of the events whose parameters fit their fields
        for at, (raw, mapped) in enumerate(items):
            if mapped.invalid is not None:
                out[at] = EnrichmentError(badrows.schema_violations(raw, mapped.event, mapped.invalid))
            else:
                mapped_ok.append((at, raw, mapped))
        for enrichment in self._python if mapped_ok else ():
            found = self._messages_of(enrichment, [mapped.event for _, _, mapped in mapped_ok],
                                      [raw for _, raw, _ in mapped_ok])
            for (_, _, mapped), messages in zip(mapped_ok, found):
                mapped.failures.extend(messages)
        for at, raw, mapped in mapped_ok:
            if mapped.failures:
                out[at] = EnrichmentError(badrows.enrichment_failures(raw, mapped.event, mapped.failures))
            elif not self._python:
                out[at] = mapped.event, mapped.validated
            else:
                out[at] = self._checked_lengths(raw, mapped.event)
        return out

    @staticmethod
    def _messages_of(enrichment, events: list[dict], raws: list[RawEvent]) -> list[list]:
        """One enrichment written in Python over events: its messages per event (a result that is not one list
        per event is a ``TypeError``)."""
        found = enrichment.enrich_batch(events, raws)
        if not isinstance(found, (list, tuple)) or len(found) != len(events) or not all(
                isinstance(messages, (list, tuple)) for messages in found):
            raise TypeError(f"{type(enrichment).__name__}.enrich_batch must return one list of messages per event")
        return found

    @staticmethod
    def _checked_lengths(raw: RawEvent, event: dict):
        """What the Python-written enrichments set, against the atomic maxLengths."""
        too_long = native.too_long_fields(event)
        if too_long:
            reports = [atomic_report(name, f"exceeds maxLength {limit}", "maxLength", event[name]) for name, limit in too_long]
            return EnrichmentError(badrows.schema_violations(raw, event, [atomic_violation(reports)]))
        return event, False
