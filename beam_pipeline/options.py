"""The pipeline's options: the command-line contract of ``snowplow-pipeline`` (and of ``snowplow-recover``, which
takes the same privacy, validation and enrichment options so that its pseudonyms match).

Options are grouped as ``--help`` shows them: input, output, privacy, validation and enrichments
(:class:`SnowplowOptions`), streaming (:class:`KinesisOptions`) and the runner (Beam's own options, of which
:data:`RUNNER_OPTIONS` lists the ones a deployment sets).
"""
from __future__ import annotations

import argparse

from apache_beam.options.pipeline_options import PipelineOptions

# Beam's options that choose and configure the runner (runners/ has the presets), shown by --help; Beam parses them.
RUNNER_OPTIONS = (
    ("--runner", "FnApiRunner when none is given (runners/local.py); PrismRunner, PortableRunner, FlinkRunner"),
    ("--prism_location", "the Prism binary for --runner=PrismRunner (built by `go install`, see STREAMING.md)"),
    ("--job_endpoint", "a portable runner's job service, host:port (Prism's, or Flink's job server)"),
    ("--environment_type", "where the Python steps run: EXTERNAL (a worker pool beside each TaskManager), LOOPBACK..."),
    ("--environment_config", "for EXTERNAL: the worker pool's address, e.g. localhost:50000"),
    ("--flink_version", "the Flink cluster's version (Flink runner)"),
    ("--parallelism", "the Flink job's parallelism"),
)


class SnowplowOptions(PipelineOptions):
    """Inputs, outputs, privacy, validation and enrichments of the enrich-validate-pseudonymize pipeline."""

    @classmethod
    def _add_argparse_args(cls, parser):
        for add in (add_input_options, add_output_options, add_privacy_options, add_validation_options):
            add(parser)


def add_input_options(parser) -> None:
    inputs = parser.add_argument_group("input")
    inputs.add_argument("--input", help="Glob of raw files: one base64 Thrift CollectorPayload per line "
                                        "(plain, .gz or .bz2, local or s3://).")
    inputs.add_argument("--raw_bad_input", help="Glob of the collector's raw-bad files (JSON lines); "
                                                "pseudonymized into ROOT/raw_bad/.")


def add_output_options(parser) -> None:
    outputs = parser.add_argument_group("output")
    outputs.add_argument("--output", help="Root of the lake (local or s3://): good/, raw_bad/, enriched_bad/.")
    _add_good_format(outputs)
    outputs.add_argument("--good_shards", type=int, default=1, help="Files per hourly partition of good events.")


def add_good_format_option(parser) -> None:
    """The output format alone (for tools that write good events but no run's whole output: recover)."""
    _add_good_format(parser.add_argument_group("output"))


def _add_good_format(group) -> None:
    group.add_argument("--good_format", choices=("parquet", "tsv"), default="parquet",
                       help="Format of ROOT/good/: typed Parquet or Snowplow's enriched TSV.")


def add_privacy_options(parser) -> None:
    privacy = parser.add_argument_group("privacy")
    privacy.add_argument("--salt_file", help="File holding the pseudonymization salt (read on the workers; "
                                             "else the workers' PSEUDONYMIZATION_SALT environment variable).")
    privacy.add_argument("--salt_secret_id", help="AWS Secrets Manager secret holding the salt.")
    privacy.add_argument("--salt_secret_region", help="Region of --salt_secret_id (default: the AWS chain).")
    privacy.add_argument("--recovery_key_file",
                         help="File of recovery keys (read on the workers): bad rows then carry their raw record "
                              "encrypted, for snowplow-recover. Else the workers' RECOVERY_KEY environment "
                              "variable; without either, bad rows carry no copy.")
    privacy.add_argument("--recovery_key_secret_id", help="AWS Secrets Manager secret holding the recovery keys.")
    privacy.add_argument("--recovery_key_secret_region",
                         help="Region of --recovery_key_secret_id (default: the AWS chain).")
    privacy.add_argument("--pseudonymization_config",
                         help="Pseudonymization policy JSON: what stays in clear (default: the shipped policy).")


def add_validation_options(parser) -> None:
    validation = parser.add_argument_group("validation and enrichments")
    validation.add_argument("--iglu_resolver", help="Iglu resolver config JSON (default: the embedded registry).")
    validation.add_argument("--enrichments", help="Directory of Snowplow enrichment config JSON files "
                                                  "(default: the documented default set).")


class KinesisOptions(PipelineOptions):
    """Continuous reading from Kinesis (beam_pipeline/STREAMING.md)."""

    @classmethod
    def _add_argparse_args(cls, parser):
        streaming = parser.add_argument_group("streaming (Kinesis)")
        streaming.add_argument("--kinesis_stream", help="Kinesis stream of raw-good records (Thrift "
                                                        "CollectorPayloads): switches the pipeline to streaming.")
        streaming.add_argument("--raw_bad_stream", help="Kinesis stream of the collector's raw-bad rows (JSON); "
                                                        "pseudonymized into ROOT/raw_bad/.")
        streaming.add_argument("--kinesis_endpoint_url", help="Kinesis endpoint (emulators); default: AWS's, or "
                                                              "AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL.")
        streaming.add_argument("--kinesis_region", help="AWS region of the streams (default: the AWS chain).")
        streaming.add_argument("--kinesis_initial_position", default="TRIM_HORIZON",
                               choices=("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"),
                               help="Where a read with no checkpoint starts.")
        streaming.add_argument("--kinesis_start_timestamp",
                               help="For AT_TIMESTAMP: ISO 8601 time (e.g. 2026-11-28T09:00:00Z) or epoch seconds.")
        streaming.add_argument("--kinesis_max_records", type=int,
                               help="Bounded mode: stop reading each stream after this many records (a count "
                                    "over the whole stream: one reader per stream).")
        streaming.add_argument("--kinesis_max_read_seconds", type=float,
                               help="Bounded mode: stop reading after this many seconds.")
        streaming.add_argument("--kinesis_read_to_tip", action="store_true",
                               help="Bounded mode: stop reading once every shard has been read up to its tip "
                                    "(what the stream holds when the reader gets there: a backfill).")
        streaming.add_argument("--kinesis_poll_seconds", type=float, default=0.5,
                               help="Wait before polling a caught-up shard again.")
        streaming.add_argument("--window_seconds", type=int, default=60,
                               help="Fixed window of the streaming writers: one file per window and partition.")
        streaming.add_argument("--allowed_lateness_seconds", type=int, default=3600,
                               help="Records behind the watermark by up to this long still get written, in extra "
                                    "files of their window.")


class HelpFormatter(argparse.HelpFormatter):
    """``--help`` with each option's default, where it has one."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def describe_options(parser, groups=None) -> None:
    """Add the pipeline's options to an argparse ``parser`` for ``--help``, grouped, and the runner's.

    ``groups``: the ``add_*_options`` functions to show (default: all, streaming included).
    """
    groups = groups or (add_input_options, add_output_options, add_privacy_options, add_validation_options,
                        KinesisOptions._add_argparse_args)
    for add in groups:
        add(parser)
    runner = parser.add_argument_group("runner (Beam's options; presets in runners/)")
    for flag, meaning in RUNNER_OPTIONS:
        runner.add_argument(flag, help=meaning)
