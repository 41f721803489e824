"""The pipeline's steps as Beam composites: Decode, Enrich, Validate, Pseudonymize.

Each step wraps the plain event logic of this package in a DoFn that builds its resources once
per worker (``setup``) and returns its main output and its dead letters: ``result[MAIN]`` and
``result[BAD]`` (a PCollection of :class:`transforms.badrows.BadRow`).
"""
from __future__ import annotations

import base64
import hashlib
import logging
import sys
import traceback
import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms import badrows
from transforms.adapters import AdapterError, AdapterRegistry, split_path
from transforms.badrows import BadRow
from transforms.config import PipelineConfig
from transforms.enrich import EnrichmentError, EventEnricher
from transforms.iglu import IgluSystemError
from transforms.thrift_model import PayloadFormatError, decode_base64_record, decode_payload, encode_payload

MAIN = "main"
BAD = "bad"
NAMESPACE = "snowplow"
_LOG = logging.getLogger(__name__)
_MAX_ERROR_LENGTH = 512


class _DecodeFn(beam.DoFn):
    def __init__(self, base64_lines: bool):
        self._base64_lines = base64_lines
        self._raw = Metrics.counter(NAMESPACE, "raw_records")
        self._unreadable = Metrics.counter(NAMESPACE, "records_unreadable")

    def process(self, record):
        self._raw.inc()
        try:
            payload = decode_base64_record(record) if self._base64_lines else decode_payload(record)
        except PayloadFormatError as exc:
            text = record if isinstance(record, str) else base64.b64encode(record).decode("ascii")
            if exc.field is None:
                message = {"error": str(exc)[:_MAX_ERROR_LENGTH]}
            else:
                message = {"payloadField": exc.field, "value": exc.value, "expectation": str(exc)}
            self._unreadable.inc()
            yield TaggedOutput(BAD, badrows.format_violation(text, message))
            return
        seed = hashlib.sha256(record.encode("ascii") if isinstance(record, str) else record).digest()
        yield seed, payload


class Decode(beam.PTransform):
    """Raw records -> ``(record digest, CollectorPayload)``; undecodable records -> raw-bad rows.

    ``base64_lines``: records are lines of base64 text (files); else raw Thrift bytes (Kinesis).
    """

    def __init__(self, base64_lines: bool = True, label: str | None = None):
        super().__init__(label)
        self._base64_lines = base64_lines

    def expand(self, records):
        return records | "DecodeRecords" >> beam.ParDo(_DecodeFn(self._base64_lines)).with_outputs(BAD, main=MAIN)


class _EnrichFn(beam.DoFn):
    """One payload -> its events, enriched; a payload the adapters reject -> one bad row."""

    def __init__(self, config: PipelineConfig):
        self._config = config
        self._events = Metrics.counter(NAMESPACE, "events")
        self._adapted = Metrics.counter(NAMESPACE, "records_adapted")
        self._rejected = Metrics.counter(NAMESPACE, "records_rejected")

    def setup(self):
        self._adapters = AdapterRegistry(self._config.event_validator().payload_data)
        self._enricher = EventEnricher(self._config.enrichments())

    def process(self, element):
        seed, payload = element
        try:
            raw_events = self._adapt(payload)
        except AdapterError as exc:
            self._rejected.inc()
            yield TaggedOutput(BAD, exc.bad_row)
            return
        except IgluSystemError:
            raise
        except Exception:  # a bug must not lose the record: keep it as a bad row and carry on
            self._rejected.inc()
            yield TaggedOutput(BAD, _internal_error(payload))
            return
        self._adapted.inc()
        for index, raw_event in enumerate(raw_events):
            self._events.inc()
            try:
                yield raw_event, self._enricher.enrich(raw_event, seed, index)
            except EnrichmentError as exc:
                yield TaggedOutput(BAD, exc.bad_row)
            except IgluSystemError:
                raise
            except Exception:
                yield TaggedOutput(BAD, _internal_error(payload))

    def _adapt(self, payload):
        api = split_path(payload.path)
        if api is None:
            raise AdapterError(badrows.format_violation(
                base64.b64encode(encode_payload(payload)).decode("ascii"),
                {"payloadField": "path", "value": payload.path,
                 "expectation": "a request path of the form /vendor/version"},
                payload.timestamp))
        return self._adapters.adapt(payload, *api)


def _internal_error(payload) -> BadRow:
    """A ``generic_error`` bad row for an unexpected exception, holding the whole record.

    The error names the exception type and where it was raised, never its message: messages
    can quote event data, and bad rows and logs must not hold it in clear.
    """
    exc_type, _, tb = sys.exc_info()
    frames = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)[-5:]]
    error = f"{exc_type.__name__} at " + " <- ".join(reversed(frames))
    _LOG.error("unexpected error while enriching a record, kept as a generic_error bad row: %s", error)
    return badrows.generic_error(
        base64.b64encode(encode_payload(payload)).decode("ascii"), [error[:_MAX_ERROR_LENGTH]], payload.timestamp
    )


class Enrich(beam.PTransform):
    """CollectorPayloads -> ``(raw event, enriched event)`` pairs; failures -> enriched-bad rows.

    Adapting (one payload, many events) and enriching share one DoFn: Beam's per-element cost
    is paid once per event instead of twice.
    """

    def __init__(self, config: PipelineConfig, label: str | None = None):
        super().__init__(label)
        self._config = config

    def expand(self, payloads):
        return payloads | "EnrichEvents" >> beam.ParDo(_EnrichFn(self._config)).with_outputs(BAD, main=MAIN)


class _ValidateFn(beam.DoFn):
    def __init__(self, config: PipelineConfig):
        self._config = config

    def setup(self):
        self._validator = self._config.event_validator()

    def process(self, element):
        raw_event, event = element
        messages = self._validator.event(event)
        if messages:
            yield TaggedOutput(BAD, badrows.schema_violations(raw_event, event, messages))
        else:
            yield event


class Validate(beam.PTransform):
    """``(raw event, enriched event)`` pairs -> events whose self-describing JSON (unstruct event,
    contexts, derived contexts) validates against Iglu; the others -> schema_violations rows.

    An unreachable Iglu registry is a system error: it fails the bundle (and the runner retries it)
    instead of turning good traffic into bad rows.
    """

    def __init__(self, config: PipelineConfig, label: str | None = None):
        super().__init__(label)
        self._config = config

    def expand(self, pairs):
        return pairs | "ValidateEvents" >> beam.ParDo(_ValidateFn(self._config)).with_outputs(BAD, main=MAIN)


class _PseudonymizeFn(beam.DoFn):
    def __init__(self, config: PipelineConfig, bad_rows: bool):
        self._config = config
        self._bad_rows = bad_rows
        self._good = Metrics.counter(NAMESPACE, "good")

    def setup(self):
        self._pseudonymizer = self._config.pseudonymizer()

    def process(self, element):
        if self._bad_rows:
            Metrics.counter(NAMESPACE, f"{element.output}_{element.type_name}").inc()
            Metrics.counter(NAMESPACE, element.output).inc()
            yield self._pseudonymizer.bad_row(element)
        else:
            self._good.inc()
            yield self._pseudonymizer.event(element)


class Pseudonymize(beam.PTransform):
    """HMAC-SHA256 every value outside the allowlist: good events, or (``bad_rows=True``) bad rows."""

    def __init__(self, config: PipelineConfig, bad_rows: bool = False, label: str | None = None):
        super().__init__(label)
        self._config = config
        self._bad_rows = bad_rows

    def expand(self, elements):
        return elements | "HashValues" >> beam.ParDo(_PseudonymizeFn(self._config, self._bad_rows))
