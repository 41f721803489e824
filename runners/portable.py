"""The portable path: a runner's Beam job server, and a pool of Python workers started beside the runner.

When to use it: any runner reached through the Beam Job API with ``--runner=PortableRunner``: Flink in production
(the job server inside the JobManager, a worker pool beside every TaskManager: :mod:`runners.flink`) and Prism's job
server on this machine, where tests/test_runners.py proves this path on every change.

- **EXTERNAL environment** (:func:`portable_args`): the runner asks the worker pool at ``environment_config``
  (host:port) for SDK workers, and the pool starts them as its own child processes, so they read the pool's
  environment and files (the salt, AWS credentials), never the driver's. The pool launches ``python`` from its
  PATH: the interpreter with this project installed must come first (:func:`worker_pool_command`). LOOPBACK (the
  driver runs the steps) works only where the runner can reach the driver; PROCESS needs the SDK container's
  ``boot`` binary, which the wheel lacks.
- **The job's state stream** (:func:`keep_unbounded_job_alive`): Beam's portable runners also apply
  ``--job_server_timeout`` (default 300 s) to it, so an unbounded job's ``wait_until_finish`` would fail with
  DEADLINE_EXCEEDED after five minutes: unbounded runs get 30 days, unless the user set a timeout.
"""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, PortableOptions

DEFAULT_JOB_SERVER_TIMEOUT = 300
UNBOUNDED_JOB_SERVER_TIMEOUT = 30 * 24 * 3600
WORKER_POOL_MODULE = "apache_beam.runners.worker.worker_pool_main"


def external_environment_args(worker_pool: str) -> list[str]:
    """The Python steps run by the worker pool at ``worker_pool`` (host:port)."""
    return ["--environment_type=EXTERNAL", f"--environment_config={worker_pool}"]


def portable_args(worker_pool: str, job_endpoint: str | None = None) -> list[str]:
    """PortableRunner, the job server at ``job_endpoint``, the Python steps in the worker pool at ``worker_pool``.

    Without ``job_endpoint`` the caller appends it (Flink's FlinkPortableClientEntryPoint does).
    """
    endpoint = [f"--job_endpoint={job_endpoint}"] if job_endpoint else []
    return ["--runner=PortableRunner", *endpoint, *external_environment_args(worker_pool)]


def worker_pool_command(port: int, python: str = "python") -> list[str]:
    """The worker pool serving ``port``; started beside every TaskManager (or job server) with ``python`` on PATH."""
    return [python, "-m", WORKER_POOL_MODULE, f"--service_port={port}"]


def keep_unbounded_job_alive(options: PipelineOptions) -> None:
    """Raise the job server timeout an unbounded job outlives, unless the user chose one (in place)."""
    portable = options.view_as(PortableOptions)
    if portable.job_server_timeout == DEFAULT_JOB_SERVER_TIMEOUT:
        portable.job_server_timeout = UNBOUNDED_JOB_SERVER_TIMEOUT
