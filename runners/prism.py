"""The Prism preset: Beam's Go runner on this machine, for continuous streaming and for the portable path.

When to use it:

- **An unbounded Kinesis read on this machine** (windows close as the watermark passes them, files appear while it
  runs): :func:`prism_args` gives ``--runner=PrismRunner --prism_location=<binary>``. Beam starts the binary and
  runs the Python steps in the submitting process (LOOPBACK), so the driver's environment reaches them. The
  location is always given: without it Beam downloads a binary from GitHub, with no timeout.
- **The portable path Flink takes** (a job server and an EXTERNAL worker pool, :mod:`runners.portable`):
  :func:`job_server_command` starts Prism as a job server alone; ``portable_args`` points a pipeline at it.
  Prism starts one SDK worker per environment: a second pool gets no work, ``--sdk_worker_parallelism`` changes
  nothing. Its job server listens on every interface (it has no host flag).

The binary is built from Beam's Go SDK at the version of the Python SDK (the apache-beam pin of requirements.txt)
into ``.tools/go/bin/prism`` of the checkout, by ``runners/install-prism.sh`` (``make tools``; Go 1.26, about two
minutes on two cores, a 64 MB binary).
"""
from __future__ import annotations

from pathlib import Path

PRISM_BINARY = Path(__file__).resolve().parent.parent / ".tools" / "go" / "bin" / "prism"


def prism_args(binary: Path | str = PRISM_BINARY) -> list[str]:
    """PrismRunner with this binary (Beam starts and stops it)."""
    return ["--runner=PrismRunner", f"--prism_location={binary}"]


def job_server_command(job_port: int, binary: Path | str = PRISM_BINARY,
                       idle_shutdown_seconds: int | None = None) -> list[str]:
    """Prism as a job server alone on ``job_port``, without its web UI.

    ``idle_shutdown_seconds``: it exits by itself after that long without a job (a safety for tests).
    """
    command = [str(binary), f"--job_port={job_port}", "--serve_http=false"]
    if idle_shutdown_seconds is not None:
        command.append(f"--idle_shutdown_timeout={idle_shutdown_seconds}s")
    return command
