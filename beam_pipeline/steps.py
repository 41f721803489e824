"""The pipeline's processing step as one Beam composite, :class:`ProcessRecords`, which batch, streaming and
recover all use: batches of raw records in, :class:`~snowplow_beam.transforms.processor.GoodPiece` and
:class:`~snowplow_beam.transforms.processor.BadPiece` out, through one DoFn that runs the Beam-free
:class:`~snowplow_beam.transforms.processor.RecordProcessor` (built once per worker, in ``setup``).

Elements are batches: files are read in batches of lines (:mod:`.sources`), streams are batched per window and
bundle (:class:`BatchRecords`). Nothing in the graph touches events one by one.

Metrics (namespace ``snowplow``), counted per batch: ``raw_records``, ``records_unreadable``, ``records_adapted``,
``records_rejected``, ``events``, ``good``, ``raw_bad`` and ``enriched_bad`` (and one per bad-row type,
``enriched_bad_schema_violations``...), ``bad_rows_sealed`` (bad rows carrying a recovery copy),
``pseudonymized_values`` (values of good events replaced by pseudonyms); the distribution ``enrich_micros`` (a
batch's time from decoding to validated events, per event: one value per batch). The writers add ``files_written``,
``rows_written``, ``late_files_written``, ``pieces_spilled`` and ``e2e_latency_ms``.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from snowplow_beam.beam_pipeline.summary import NAMESPACE
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.processor import PARQUET, BatchResult, RecordProcessor
from snowplow_beam.transforms.progress import process_meter

GOOD = "good"
BAD = "bad"
RAW_PROGRESS = "raw records"  # what progress lines call the records
BATCH_RECORDS = 1000  # raw records per batch: enough to make Beam's per-element cost negligible per record
LINES, THRIFT, BAD_ROWS = "lines", "thrift", "bad_rows"  # the kinds of input ProcessRecords takes


class _ProcessBatchFn(beam.DoFn):
    """A batch of raw records (or of collector bad rows, with ``kind`` BAD_ROWS) -> its pieces, counted."""

    def __init__(self, config: PipelineConfig, kind: str, good_format: str, shards: int, progress: str | None):
        self._config = config
        self._kind = kind
        self._good_format = good_format
        self._shards = shards
        self._progress_name = progress
        self._enrich_micros = Metrics.distribution(NAMESPACE, "enrich_micros")

    def setup(self):
        self._processor = RecordProcessor(self._config, self._good_format, self._shards)
        self._meter = process_meter(self._progress_name) if self._progress_name and self._kind != BAD_ROWS else None

    def process(self, batch):
        if self._kind == BAD_ROWS:
            result = self._processor.process_bad_rows(batch)
        else:
            result = self._processor.process(batch, base64_lines=self._kind == LINES)
        self._count(result)
        yield from result.good
        for piece in result.bad:
            yield TaggedOutput(BAD, piece)

    def _count(self, result: BatchResult) -> None:
        for name, count in result.counters.items():
            Metrics.counter(NAMESPACE, name).inc(count)
        for micros in result.enrich_micros:
            self._enrich_micros.update(micros)
        if self._meter is not None:
            self._meter.add(result.counters["raw_records"])


class BatchRecords(beam.PTransform):
    """Records of a stream -> lists of at most :data:`BATCH_RECORDS`, per window and bundle."""

    def expand(self, records):
        return records | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=BATCH_RECORDS)


class ProcessRecords(beam.PTransform):
    """Batches of raw records -> ``{"good": GoodPieces, "bad": BadPieces}``, pseudonymized: the one processing step.

    The input is a dict of PCollections of batches (lists), any of: ``"lines"`` (base64 Thrift lines as bytes, as
    files hold them, or :class:`~snowplow_beam.transforms.badrows.Unreadable`), ``"thrift"`` (raw Thrift bytes, as
    Kinesis holds them), ``"bad_rows"`` (BadRows from elsewhere: the collector's). ``good`` is None when no raw
    records are given.
    """

    def __init__(self, config: PipelineConfig, good_format: str = PARQUET, shards: int = 1,
                 progress: str | None = RAW_PROGRESS, label: str | None = None):
        super().__init__(label)
        self._config = config
        self._good_format = good_format
        self._shards = shards
        self._progress = progress

    def expand(self, inputs):
        good, bad = [], []
        for kind in (LINES, THRIFT, BAD_ROWS):
            if kind in inputs:
                fn = _ProcessBatchFn(self._config, kind, self._good_format, self._shards, self._progress)
                result = inputs[kind] | f"Process{kind.title().replace('_', '')}" >> beam.ParDo(fn).with_outputs(
                    BAD, main=GOOD)
                if kind != BAD_ROWS:
                    good.append(result[GOOD])
                bad.append(result[BAD])
        return {
            GOOD: (good[0] if len(good) == 1 else good | "AllGood" >> beam.Flatten()) if good else None,
            BAD: bad[0] if len(bad) == 1 else bad | "AllBad" >> beam.Flatten(),
        }
