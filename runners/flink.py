"""The Flink preset: production, the streaming pipeline on a Flink cluster through Beam's portable Flink runner.

When to use it: production (deploy/kubernetes/base/pipeline/flinkdeployment.yaml), or any Flink cluster. What
:func:`flink_args` sets, from :class:`FlinkSettings` (its defaults are production's):

- **where the job goes**, one of three: the FlinkDeployment's ``FlinkPortableClientEntryPoint`` runs the driver
  and appends ``--job_endpoint`` itself (neither ``job_endpoint`` nor ``job_server_jar``: production); a running
  Beam Flink job server (``job_endpoint``, host:port); or Beam's job-server jar, which ``FlinkRunner`` starts
  (``job_server_jar`` with ``flink_master``: the cluster's REST address, or ``[local]`` for a mini cluster).
  The jar's Beam version must be the Python SDK's (deploy/Dockerfile pins both).
- ``--flink_version``: the cluster's minor version (Beam 2.73 accepts 1.17 to 1.20).
- **the Python steps** in a worker pool beside each TaskManager (EXTERNAL, ``localhost:50000``): the
  path :mod:`runners.portable` describes, proven in CI on Prism's job server.
- **checkpoints**: ``--checkpointing_interval`` (off by default in Flink; the Kinesis positions and open windows
  are saved only by checkpoints), ``--state_backend`` (RocksDB: window state larger than memory) and
  ``--state_backend_storage_path`` (production: ``s3://<lake bucket>/flink/checkpoints``). These three are the
  Java job server's options (:data:`JOB_SERVER_OPTIONS`): Python's parser does not know them, the job server
  describes them to the driver.
- ``--parallelism``: equal to the FlinkDeployment's ``job.parallelism`` (one slot per TaskManager, so the number
  of TaskManagers: the operator starts that many).

The FlinkDeployment's driver command and ``flinkConfiguration`` are checked against these values by
tests/test_deploy.py; change both together.
"""
from __future__ import annotations

from dataclasses import dataclass

from snowplow_beam.runners.portable import external_environment_args, portable_args

JOB_SERVER_OPTIONS = frozenset({"checkpointing_interval", "state_backend", "state_backend_storage_path"})
STATE_BACKENDS = frozenset({"rocksdb", "filesystem"})


@dataclass(frozen=True)
class FlinkSettings:
    """How the pipeline runs on Flink; every default but the storage path is production's."""

    state_backend_storage_path: str
    flink_version: str = "1.20"
    job_endpoint: str | None = None
    job_server_jar: str | None = None
    flink_master: str = "[auto]"
    worker_pool: str = "localhost:50000"
    checkpointing_interval_ms: int = 60_000
    state_backend: str = "rocksdb"
    parallelism: int = 2

    def __post_init__(self):
        if self.job_endpoint and self.job_server_jar:
            raise ValueError("give a job endpoint or a job server jar, not both")
        if self.state_backend not in STATE_BACKENDS:
            raise ValueError(f"state backend {self.state_backend!r}: one of {sorted(STATE_BACKENDS)}")
        if self.checkpointing_interval_ms < 1 or self.parallelism < 1:
            raise ValueError("the checkpointing interval and the parallelism must be positive")


def flink_args(settings: FlinkSettings) -> list[str]:
    """The Beam pipeline arguments that run the pipeline on Flink as ``settings`` say."""
    if settings.job_server_jar:
        target = ["--runner=FlinkRunner", f"--flink_job_server_jar={settings.job_server_jar}",
                  f"--flink_master={settings.flink_master}", *external_environment_args(settings.worker_pool)]
    else:
        target = portable_args(settings.worker_pool, settings.job_endpoint)
    return [*target,
            f"--flink_version={settings.flink_version}",
            f"--parallelism={settings.parallelism}",
            f"--checkpointing_interval={settings.checkpointing_interval_ms}",
            f"--state_backend={settings.state_backend}",
            f"--state_backend_storage_path={settings.state_backend_storage_path}"]
