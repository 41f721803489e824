"""``python -m snowplow_beam.beam_pipeline`` / ``snowplow-pipeline``: run the pipeline (batch, or streaming from
Kinesis) and print its counts."""
from __future__ import annotations

import argparse
import sys

from snowplow_beam.beam_pipeline.options import HelpFormatter, describe_options
from snowplow_beam.beam_pipeline.launcher import command, run


def usage() -> str:
    """The pipeline's own options, grouped, with their defaults (Beam's ``--help`` shows none of them)."""
    parser = argparse.ArgumentParser(
        prog="snowplow-pipeline", formatter_class=HelpFormatter,
        description="Enrich, validate and pseudonymize Snowplow raw records into a lake (see README.md).",
        epilog="Beam's own options (--runner, --direct_num_workers, ...) are passed to Beam. Exit status: 0 every "
               "record accounted for, 1 a mismatch or a damaged input file, 2 a configuration error.")
    describe_options(parser)
    return parser.format_help()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "-h" in argv or "--help" in argv:
        print(usage())
        return 0
    return command("snowplow-pipeline", lambda: run(argv))


if __name__ == "__main__":
    sys.exit(main())
