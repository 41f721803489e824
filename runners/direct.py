"""Local runs on this machine, with no network attempt.

Beam's ``DirectRunner`` first tries to download a Prism binary for every pipeline, with no
timeout. Batch pipelines run on the FnApiRunner anyway, so the preset picks it directly when no
runner is given; an explicit ``--runner=DirectRunner`` gets a Prism location that does not exist,
which makes it fall back at once instead of downloading.
"""
from __future__ import annotations

_NO_PRISM = "/nonexistent/prism"


def _has_flag(argv: list[str], name: str) -> bool:
    return any(arg == f"--{name}" or arg.startswith(f"--{name}=") for arg in argv)


def _runner(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg.startswith("--runner="):
            return arg.split("=", 1)[1]
        if arg == "--runner" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def local_args(argv: list[str]) -> list[str]:
    """``argv`` with the local-runner defaults added where the user chose nothing."""
    argv = list(argv)
    runner = _runner(argv)
    if runner is None:
        argv.append("--runner=FnApiRunner")
    elif runner.lower() in ("directrunner", "direct") and not _has_flag(argv, "prism_location"):
        argv.append(f"--prism_location={_NO_PRISM}")
    return argv
