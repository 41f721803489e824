"""``python -m beam_pipeline`` / ``snowplow-pipeline``: run the batch pipeline and print its counts."""
from __future__ import annotations

import logging
import sys

from beam_pipeline.pipeline import ConfigurationError, run


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        summary = run(argv)
    except (ConfigurationError, FileNotFoundError) as exc:  # FileNotFoundError: no input file matches
        print(f"snowplow-pipeline: {exc}", file=sys.stderr)
        return 2
    print(summary.report())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
