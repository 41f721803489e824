"""Run checkov on deploy/terraform, from a virtualenv of its own.

checkov pins its dependencies exactly (boto3 among them), which conflicts with requirements.txt, so it
is installed into ``.tools/checkov-venv`` (git-ignored) from ``deploy/requirements-checkov.txt``: made on
first use, remade when that file changes. Needs PyPI the first time only.

    python deploy/checkov.py            # prints checkov's report; exit 1 on any failed check or
                                        # parsing error, or a suppression without a reason
    python deploy/checkov.py --json     # one JSON summary line instead (tests/test_deploy.py reads it)

Suppressions are inline in the .tf files: ``#checkov:skip=CKV_...:<reason>``; every one must give a reason.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "deploy" / "requirements-checkov.txt"
TERRAFORM = ROOT / "deploy" / "terraform"
VENV = ROOT / ".tools" / "checkov-venv"
STAMP = VENV / ".requirements-sha256"


class SetupError(RuntimeError):
    """checkov could not be installed (no Python venv support, no access to PyPI)."""


def checkov_executable() -> Path:
    """The checkov of .tools/checkov-venv, installing it when missing or out of date."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    executable = VENV / "bin" / "checkov"
    if executable.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return executable
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    except Exception as exc:  # noqa: BLE001 - ensurepip missing, read-only disk...
        raise SetupError(f"cannot create {VENV}: {exc}") from None
    python = VENV / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        capture_output=True, text=True)
    if done.returncode != 0 or not executable.exists():
        raise SetupError(f"pip install -r {REQUIREMENTS} failed:\n{done.stdout}{done.stderr}")
    STAMP.write_text(wanted + "\n")
    return executable


def run(output: str = "json") -> subprocess.CompletedProcess:
    executable = checkov_executable()
    env = dict(os.environ, LOG_LEVEL="WARNING")
    return subprocess.run(
        [str(executable), "--directory", str(TERRAFORM), "--framework", "terraform", "--skip-download",
         "--compact", "--output", output] + (["--quiet"] if output == "cli" else []),
        capture_output=True, text=True, env=env, cwd=ROOT)


def summarize(report_text: str) -> dict:
    """Counts, failures and suppressions of checkov's JSON report."""
    report = json.loads(report_text)
    reports = report if isinstance(report, list) else [report]
    summary = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "failures": [], "skips": []}
    for item in reports:
        counts = item.get("summary", {})
        for key in ("passed", "failed", "skipped", "parsing_errors"):
            summary[key] += int(counts.get(key, 0))
        results = item.get("results", {})
        for check in results.get("failed_checks", []):
            summary["failures"].append(
                {"check": check["check_id"], "resource": check["resource"], "file": check["file_path"]})
        for check in results.get("skipped_checks", []):
            summary["skips"].append({"check": check["check_id"], "resource": check["resource"],
                                     "reason": (check.get("check_result") or {}).get("suppress_comment", "")})
    summary["skips_without_reason"] = [
        skip for skip in summary["skips"] if not skip["reason"].strip() or skip["reason"] == "No comment provided"]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print a one-line JSON summary")
    args = parser.parse_args(argv)
    try:
        done = run("json")
    except SetupError as exc:
        print(f"checkov unavailable: {exc}", file=sys.stderr)
        return 3
    if not done.stdout.strip():
        print(f"checkov produced no report (exit {done.returncode}):\n{done.stderr}", file=sys.stderr)
        return 2
    summary = summarize(done.stdout)
    ok = not summary["failed"] and not summary["parsing_errors"] and not summary["skips_without_reason"]
    if args.json:
        print(json.dumps(summary))
    else:
        print(run("cli").stdout)
        for skip in summary["skips"]:
            print(f"suppressed {skip['check']} on {skip['resource']}: {skip['reason']}")
        print(f"passed {summary['passed']}, failed {summary['failed']}, suppressed {summary['skipped']}, "
              f"parsing errors {summary['parsing_errors']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
