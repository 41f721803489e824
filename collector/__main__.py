"""``python -m snowplow_beam.collector`` / ``snowplow-collector``: parse the settings and serve."""
from __future__ import annotations

import sys

from snowplow_beam.collector.config import ConfigError, load_settings


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings(argv)
    except ConfigError as exc:
        print(f"snowplow-collector: {exc}", file=sys.stderr)
        return 2
    from snowplow_beam.collector.server import run

    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
