"""``snowplow-recover`` / ``python -m snowplow_beam.recover``: turn bad rows that now pass into good events.

    snowplow-recover --lake ROOT --from 2025-11-28T09 --to 2025-11-28T12 \\
        --salt_file /run/secrets/salt --recovery_key_file /run/secrets/recovery.keys [--report failing.json]

The bad rows of the hourly partitions in ``[from, to)`` (``enriched_bad/`` and ``raw_bad/``) that carry a
recovery copy (:mod:`transforms.recovery`) are opened with the recovery key, their raw records (each one
once, however many bad rows it made) run through the current Decode -> Enrich -> Validate -> Pseudonymize,
and the events that pass are written to ``ROOT/good/<collector hour>/part-recovered-<digest>-000.parquet``:

- the same raw record gives the same ``event_id`` (sent by the tracker, or derived from the record) and
  the same ``collector_tstamp``, hence the same partition;
- events whose ``event_id`` is already in their good partition (a POST whose other events were good, an
  earlier recovery) are skipped, and the file name is a digest of the partition and the recovered event
  ids, so running recover twice writes nothing new the second time (and two identical runs write one file);
- rows that still fail are counted by type and, with ``--report FILE``, written there (pseudonymized,
  JSON lines); the original bad rows stay where they are: nothing is deleted.

Use the salt, policy, enrichments and Iglu resolver of the pipeline (same options), so that pseudonyms
match. See ``recover/RECOVERY.md``.
"""
from __future__ import annotations

import argparse
import sys

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from snowplow_beam.beam_pipeline.launcher import (RECOVER, ConfigurationError, check_startup, command,
                                                  config_from_options, launch, remove_temporary)
from snowplow_beam.beam_pipeline.files import use_options
from snowplow_beam.beam_pipeline.options import (HelpFormatter, SnowplowOptions, add_good_format_option,
                                                 add_privacy_options, add_validation_options, describe_options)
from snowplow_beam.beam_pipeline.sources import input_fingerprint
from snowplow_beam.beam_pipeline.summary import RunSummary, summarize
from snowplow_beam.beam_pipeline.writers import finished_files
from snowplow_beam.lake.layout import BAD_OUTPUTS, partitions_between, temporary_dir
from snowplow_beam.recover.graph import PROGRESS_WHAT, build_recovery
from snowplow_beam.recover.summary import RecoverSummary
from snowplow_beam.runners import prepare_runner
from snowplow_beam.transforms.recovery import generate_key
from snowplow_beam.transforms.timestamps import parse_time


def _parser(add_help: bool = False) -> argparse.ArgumentParser:
    """Recover's own options; the rest of the command line is the pipeline's (Beam parses it)."""
    parser = argparse.ArgumentParser(
        prog="snowplow-recover", description="Turn bad rows that now pass into good events, without duplicates.", add_help=add_help,
        formatter_class=HelpFormatter,
        epilog="Use the salt, policy, enrichments and Iglu resolver of the pipeline, so that pseudonyms match. "
               "Exit status: 0 every bad row "
               "and event accounted for, 1 a mismatch, 2 a configuration error. See recover/RECOVERY.md.")
    recovery = parser.add_argument_group("recovery")
    recovery.add_argument("--lake", help="The lake's ROOT (local or s3://).")
    recovery.add_argument("--from", dest="start", help="Start of the range (ISO 8601, UTC when naive), inclusive.")
    recovery.add_argument("--to", dest="end", help="End of the range, exclusive; hours that overlap are read whole.")
    recovery.add_argument("--report", help="Write the rows that still fail here (JSON lines, pseudonymized).")
    recovery.add_argument("--dry_run", "--dry-run", action="store_true",
                          help="Re-process and count, but write nothing.")
    recovery.add_argument("--generate_key", "--generate-key", action="store_true",
                          help="Print a new recovery key (a line for the key file) and exit.")
    return parser


def usage() -> str:
    """Recover's options and the pipeline's that it takes, grouped, with their defaults."""
    parser = _parser(add_help=True)
    describe_options(parser, (add_good_format_option, add_privacy_options, add_validation_options))
    return parser.format_help()


def recover(argv: list[str] | None = None, out=None) -> RecoverSummary:
    """Run a recovery to completion; ``argv`` as on the command line."""
    out = out or sys.stderr
    args, rest = _parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    if not args.lake or not args.start or not args.end:
        raise ConfigurationError("--lake, --from and --to are required")
    try:
        start, end = parse_time(args.start), parse_time(args.end)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    if end <= start:
        raise ConfigurationError("--to must be after --from")
    options = prepare_runner(PipelineOptions(rest), unbounded=False)
    use_options(options)
    snowplow = options.view_as(SnowplowOptions)
    config = config_from_options(snowplow)
    check_startup(options, config, RECOVER)

    root = args.lake.rstrip("/")
    partitions = partitions_between(start, end)
    files = finished_files(root, BAD_OUTPUTS, partitions)
    total = sum(size for _, size in files)
    print(f"snowplow-recover: {len(files):,} bad-row files ({total / 1e6:,.1f} MB) in {len(partitions):,} hourly "
          f"partitions from {start:%Y-%m-%dT%H:%M}Z to {end:%Y-%m-%dT%H:%M}Z", file=out)
    if not files:
        return RecoverSummary(RunSummary(), len(partitions), args.dry_run)
    run_id = "recover-" + input_fingerprint(files)
    pipeline = beam.Pipeline(options=options)
    build_recovery(pipeline, [path for path, _ in files], config, root, snowplow.good_format, run_id,
                   dry_run=args.dry_run, report=args.report)
    result = launch(pipeline, progress=PROGRESS_WHAT)
    remove_temporary(temporary_dir(root, run_id))
    return RecoverSummary(summarize(result), len(partitions), args.dry_run)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "-h" in argv or "--help" in argv:
        print(usage())
        return 0
    args, _ = _parser().parse_known_args(argv)
    if args.generate_key:
        print(generate_key())
        return 0
    return command("snowplow-recover", lambda: recover(argv))


if __name__ == "__main__":
    sys.exit(main())
