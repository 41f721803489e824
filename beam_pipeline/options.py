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
        parser.add_argument("--pseudonymization_config",
                            help="Pseudonymization policy JSON (default: the shipped policy).")
        parser.add_argument("--iglu_resolver", help="Iglu resolver config JSON (default: embedded registry only).")
        parser.add_argument("--enrichments", help="Directory of enrichment config JSON files "
                                                  "(default: the documented default set).")
