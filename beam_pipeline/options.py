"""The pipeline's options (the command-line contract; documented in the README)."""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions


class SnowplowOptions(PipelineOptions):
    """Inputs, outputs and configuration files of the enrich-validate-pseudonymize pipeline."""

    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument("--input", help="Glob of raw files: one base64 Thrift CollectorPayload per line "
                                            "(plain or .gz, local or s3://).")
        parser.add_argument("--raw_bad_input", help="Glob of the collector's raw-bad files (JSON lines); "
                                                    "pseudonymized into ROOT/raw_bad/.")
        parser.add_argument("--output", help="Root of the lake (local or s3://): good/, raw_bad/, enriched_bad/.")
        parser.add_argument("--good_format", choices=("parquet", "tsv"), default="parquet",
                            help="Format of ROOT/good/: typed Parquet (default) or Snowplow's enriched TSV.")
        parser.add_argument("--good_shards", type=int, default=1,
                            help="Files per hourly partition of good events (default 1).")
        parser.add_argument("--salt_file", help="File holding the pseudonymization salt (read on the workers).")
        parser.add_argument("--salt_secret_id", help="AWS Secrets Manager secret holding the salt.")
        parser.add_argument("--salt_secret_region", help="Region of --salt_secret_id (default: AWS chain).")
        parser.add_argument("--recovery_key_file",
                            help="File of recovery keys (read on the workers): bad rows then carry their raw "
                                 "record encrypted, for snowplow-recover. Else the RECOVERY_KEY environment "
                                 "variable of the workers; without either, bad rows carry no copy.")
        parser.add_argument("--recovery_key_secret_id", help="AWS Secrets Manager secret holding the recovery keys.")
        parser.add_argument("--recovery_key_secret_region",
                            help="Region of --recovery_key_secret_id (default: AWS chain).")
        parser.add_argument("--pseudonymization_config",
                            help="Pseudonymization policy JSON (default: the shipped policy).")
        parser.add_argument("--iglu_resolver", help="Iglu resolver config JSON (default: embedded registry only).")
        parser.add_argument("--enrichments", help="Directory of enrichment config JSON files "
                                                  "(default: the documented default set).")


class KinesisOptions(PipelineOptions):
    """Continuous reading from Kinesis (documented in beam_pipeline/STREAMING.md)."""

    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument("--kinesis_stream", help="Kinesis stream of raw-good records (Thrift CollectorPayloads): "
                                                     "switches the pipeline to streaming from Kinesis.")
        parser.add_argument("--raw_bad_stream", help="Kinesis stream of the collector's raw-bad rows (JSON); "
                                                     "pseudonymized into ROOT/raw_bad/.")
        parser.add_argument("--kinesis_endpoint_url", help="Kinesis endpoint (emulators); default: AWS's, or "
                                                           "AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL.")
        parser.add_argument("--kinesis_region", help="AWS region of the streams (default: the AWS chain).")
        parser.add_argument("--kinesis_initial_position", default="TRIM_HORIZON",
                            choices=("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"),
                            help="Where a read with no checkpoint starts (default TRIM_HORIZON).")
        parser.add_argument("--kinesis_start_timestamp",
                            help="For AT_TIMESTAMP: ISO 8601 time (e.g. 2026-11-28T09:00:00Z) or epoch seconds.")
        parser.add_argument("--kinesis_max_records", type=int,
                            help="Bounded mode: stop reading each stream after this many records.")
        parser.add_argument("--kinesis_max_read_seconds", type=float,
                            help="Bounded mode: stop reading after this many seconds.")
        parser.add_argument("--kinesis_poll_seconds", type=float, default=0.5,
                            help="Wait before polling a caught-up shard again (default 0.5).")
        parser.add_argument("--window_seconds", type=int, default=60,
                            help="Fixed window of the streaming writers: one file per window and partition "
                                 "(default 60).")
        parser.add_argument("--allowed_lateness_seconds", type=int, default=3600,
                            help="Records behind the watermark by up to this long still get written, in extra "
                                 "files of their window (default 3600).")


def describe_options(parser) -> None:
    """Add the pipeline's own options to an argparse ``parser``, one group per options class (for ``--help``)."""
    for options in (SnowplowOptions, KinesisOptions):
        options._add_argparse_args(parser.add_argument_group(options.__doc__.splitlines()[0].rstrip(".")))
