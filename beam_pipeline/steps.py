"""The pipeline's steps as Beam composites: Decode, Enrich, Validate, Pseudonymize, and their one wiring,
:class:`ProcessRecords`, which batch, streaming and recover all use.

Each step wraps the plain event logic of ``transforms/`` in a DoFn that builds its resources once
per worker (``setup``) and returns its main output and its dead letters: ``result[MAIN]`` and
``result[BAD]`` (a PCollection of :class:`transforms.badrows.BadRow`).

Every bad row made from a raw record carries that record (its ``original``, a
:class:`transforms.recovery.Original`) to ``Pseudonymize``, which seals it with the recovery key or
drops it: the record travels from Decode on as the last item of each element for that purpose.

Metrics (namespace ``snowplow``): counters ``raw_records``, ``records_unreadable``, ``records_adapted``,
``records_rejected``, ``events``, ``good``, ``raw_bad`` and ``enriched_bad`` (and one per bad-row type,
``enriched_bad_schema_violations``...), ``bad_rows_sealed`` (bad rows carrying a recovery copy);
distributions ``enrich_micros`` (time to enrich one event) and ``pseudonymized_fields`` (fields of a
good event replaced by pseudonyms), both sampled on one event in :data:`SAMPLE_EVERY` so that the
clock is not read for every event. The writers add ``files_written``, ``rows_written``,
``late_files_written`` and ``e2e_latency_ms``.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import sys
import time
import traceback

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from snowplow_beam.beam_pipeline.summary import NAMESPACE
from snowplow_beam.transforms import badrows
from snowplow_beam.transforms.adapters import AdapterError, AdapterRegistry, split_path
from snowplow_beam.transforms.badrows import BadRow, Unreadable
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.enrich import EnrichmentError, EventEnricher
from snowplow_beam.transforms.iglu.errors import IgluSystemError
from snowplow_beam.transforms.progress import BatchedCount, process_meter
from snowplow_beam.transforms.recovery import RECOVERY_FIELD, Original
from snowplow_beam.transforms.thrift_model import PayloadFormatError, decode_base64_record, decode_payload, encode_payload

MAIN = "main"
BAD = "bad"
_LOG = logging.getLogger(__name__)
_MAX_ERROR_LENGTH = 512
SAMPLE_EVERY = 16  # distributions measured on one event in 16 (the first of a DoFn instance included)
RAW_PROGRESS = "raw records"  # what the Decode step's progress lines call the records
_PROGRESS_BATCH = 1024  # records counted between two looks at the progress meter's clock


def keep_original(bad: BadRow, record) -> BadRow:
    """``bad`` with the raw record it came from attached, for ``Pseudonymize`` to seal (or drop)."""
    return bad._replace(original=Original(record))


class _DecodeFn(beam.DoFn):
    def __init__(self, base64_lines: bool, progress: str | None = RAW_PROGRESS):
        self._base64_lines = base64_lines
        self._progress_name = progress
        self._progress = BatchedCount(None, _PROGRESS_BATCH)
        self._raw = Metrics.counter(NAMESPACE, "raw_records")
        self._unreadable = Metrics.counter(NAMESPACE, "records_unreadable")

    def setup(self):
        meter = process_meter(self._progress_name) if self._progress_name else None
        self._progress = BatchedCount(meter, _PROGRESS_BATCH)

    def finish_bundle(self):
        self._progress.flush()

    def process(self, record):
        self._raw.inc()
        self._progress.one()
        if isinstance(record, Unreadable):  # a line too long to read, or the damaged rest of a file
            self._unreadable.inc()
            yield TaggedOutput(BAD, badrows.unreadable_record(record))
            return
        if self._base64_lines and type(record) is bytes:
            record = record.decode("latin-1")  # one character per byte: any line, exactly; base64 is ASCII
        try:
            payload = decode_base64_record(record) if self._base64_lines else decode_payload(record)
        except PayloadFormatError as exc:
            text = record if isinstance(record, str) else base64.b64encode(record).decode("ascii")
            if exc.field is None:
                message = {"error": str(exc)[:_MAX_ERROR_LENGTH]}
            else:
                message = {"payloadField": exc.field, "value": exc.value, "expectation": str(exc)}
            self._unreadable.inc()
            yield TaggedOutput(BAD, keep_original(badrows.format_violation(text, message), record))
            return
        seed = hashlib.sha256(record.encode("ascii") if isinstance(record, str) else record).digest()
        yield seed, payload, record


class Decode(beam.PTransform):
    """Raw records -> ``(record digest, CollectorPayload, record)``; undecodable records -> raw-bad rows.

    ``base64_lines``: records are lines of base64 text (files: ``str``, or ``bytes`` as read, or
    :class:`transforms.badrows.Unreadable` where a file could not be read); else raw Thrift bytes (Kinesis).
    ``progress``: what a progress line calls the records (:mod:`transforms.progress`); None: no lines.
    """

    def __init__(self, base64_lines: bool = True, label: str | None = None, progress: str | None = RAW_PROGRESS):
        super().__init__(label)
        self._base64_lines = base64_lines
        self._progress = progress

    def expand(self, records):
        return records | "DecodeRecords" >> beam.ParDo(
            _DecodeFn(self._base64_lines, self._progress)).with_outputs(BAD, main=MAIN)


class _EnrichFn(beam.DoFn):
    """One payload -> its events, enriched; a payload the adapters reject -> one bad row."""

    def __init__(self, config: PipelineConfig):
        self._config = config
        self._events = Metrics.counter(NAMESPACE, "events")
        self._adapted = Metrics.counter(NAMESPACE, "records_adapted")
        self._rejected = Metrics.counter(NAMESPACE, "records_rejected")
        self._enrich_micros = Metrics.distribution(NAMESPACE, "enrich_micros")
        self._sample = 0

    def setup(self):
        self._adapters = AdapterRegistry(self._config.event_validator().payload_data)
        self._enricher = EventEnricher(self._config.enrichments())

    def process(self, element):
        seed, payload, record = element
        try:
            raw_events = self._adapt(payload)
        except AdapterError as exc:
            self._rejected.inc()
            yield TaggedOutput(BAD, keep_original(exc.bad_row, record))
            return
        except IgluSystemError:
            raise
        except Exception:  # a bug must not lose the record: keep it as a bad row and carry on
            self._rejected.inc()
            yield TaggedOutput(BAD, keep_original(_internal_error(payload), record))
            return
        self._adapted.inc()
        enrich = self._enricher.enrich
        for index, raw_event in enumerate(raw_events):
            self._events.inc()
            self._sample += 1
            try:
                if self._sample % SAMPLE_EVERY == 1:
                    start = time.perf_counter_ns()
                    event = enrich(raw_event, seed, index)
                    self._enrich_micros.update((time.perf_counter_ns() - start) // 1000)
                else:
                    event = enrich(raw_event, seed, index)
            except EnrichmentError as exc:
                yield TaggedOutput(BAD, keep_original(exc.bad_row, record))
                continue
            except IgluSystemError:
                raise
            except Exception:
                yield TaggedOutput(BAD, keep_original(_internal_error(payload), record))
                continue
            yield raw_event, event, record

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
    """``(digest, CollectorPayload, record)`` -> ``(raw event, enriched event, record)``; failures -> enriched-bad rows.

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
        raw_event, event, record = element
        messages = self._validator.event(event)
        if messages:
            yield TaggedOutput(BAD, keep_original(badrows.schema_violations(raw_event, event, messages), record))
        else:
            yield event


class Validate(beam.PTransform):
    """``(raw event, enriched event, record)`` -> events whose self-describing JSON (unstruct event,
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
        self._sealed = Metrics.counter(NAMESPACE, "bad_rows_sealed")
        self._fields = Metrics.distribution(NAMESPACE, "pseudonymized_fields")
        self._sample = 0

    def setup(self):
        self._pseudonymizer = self._config.pseudonymizer()
        self._allowlist = self._pseudonymizer.policy.atomic_allowlist

    def process(self, element):
        if self._bad_rows:
            Metrics.counter(NAMESPACE, f"{element.output}_{element.type_name}").inc()
            Metrics.counter(NAMESPACE, element.output).inc()
            out = self._pseudonymizer.bad_row(element)
            if element.original is not None and RECOVERY_FIELD in out.row:
                self._sealed.inc()
            yield out
        else:
            self._good.inc()
            out = self._pseudonymizer.event(element)
            self._sample += 1
            if self._sample % SAMPLE_EVERY == 1:
                allowlist = self._allowlist
                self._fields.update(sum(1 for name, value in out.items()
                                        if value is not None and name not in allowlist))
            yield out


class Pseudonymize(beam.PTransform):
    """HMAC-SHA256 every value outside the allowlist: good events, or (``bad_rows=True``) bad rows."""

    def __init__(self, config: PipelineConfig, bad_rows: bool = False, label: str | None = None):
        super().__init__(label)
        self._config = config
        self._bad_rows = bad_rows

    def expand(self, elements):
        return elements | "HashValues" >> beam.ParDo(_PseudonymizeFn(self._config, self._bad_rows))


class ProcessRecords(beam.PTransform):
    """Raw records -> ``{"good": events, "bad": bad rows}``, both pseudonymized: the one wiring of the steps.

    The input is a dict of PCollections, any of: ``"lines"`` (base64 Thrift lines, as files hold them),
    ``"thrift"`` (raw Thrift bytes, as Kinesis holds them), ``"bad_rows"`` (BadRows from elsewhere: the
    collector's). ``good`` is None when no raw records are given.
    """

    def __init__(self, config: PipelineConfig, progress: str | None = RAW_PROGRESS, label: str | None = None):
        super().__init__(label)
        self._config = config
        self._progress = progress

    def expand(self, inputs):
        config = self._config
        decoded, bad = [], []
        for name, base64_lines in (("lines", True), ("thrift", False)):
            if name in inputs:
                result = inputs[name] | f"Decode{name.title()}" >> Decode(base64_lines, progress=self._progress)
                decoded.append(result[MAIN])
                bad.append(result[BAD])
        good = None
        if decoded:
            payloads = decoded[0] if len(decoded) == 1 else decoded | "Decoded" >> beam.Flatten()
            enriched = payloads | "Enrich" >> Enrich(config)
            validated = enriched[MAIN] | "Validate" >> Validate(config)
            good = validated[MAIN] | "Pseudonymize" >> Pseudonymize(config)
            bad += [enriched[BAD], validated[BAD]]
        if "bad_rows" in inputs:
            bad.append(inputs["bad_rows"])
        bad_rows = (bad
                    | "CollectBadRows" >> beam.Flatten()
                    | "PseudonymizeBadRows" >> Pseudonymize(config, bad_rows=True))
        return {"good": good, "bad": bad_rows}
