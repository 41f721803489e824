"""Where and how to read a stream: `KinesisSettings` (and the boto3 client they make), initial positions, and the
Kinesis limits a reader keeps to."""
from __future__ import annotations

from dataclasses import dataclass

TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
AT_TIMESTAMP = "AT_TIMESTAMP"
INITIAL_POSITIONS = (TRIM_HORIZON, LATEST, AT_TIMESTAMP)

GET_RECORDS_PER_SECOND = 5            # per shard (Kinesis limit)
READ_BYTES_PER_SECOND = 2 * 1024 ** 2  # per shard (Kinesis limit, shared by all consumers)
MAX_RECORDS_PER_CALL = 10_000


@dataclass(frozen=True)
class KinesisSettings:
    """Where and how to read; pickled into the DoFn (no credentials: boto3's standard chain on workers)."""

    stream: str
    endpoint_url: str | None = None
    region: str | None = None
    initial_position: str = TRIM_HORIZON
    start_timestamp: float | None = None   # epoch seconds, for AT_TIMESTAMP
    max_records: int | None = None          # bounded mode: stop after this many (user) records
    max_read_seconds: float | None = None   # bounded mode: stop after this long
    read_to_tip: bool = False               # bounded mode: stop each shard group once every shard was caught up
    split_by_shard: bool = True             # one restriction per shard family (False: one for the whole stream)
    records_per_call: int = MAX_RECORDS_PER_CALL
    idle_poll_seconds: float = 0.5          # wait after a read that found a shard caught up
    idle_skew_seconds: float = 2.0          # watermark of a caught-up shard: poll time minus this
    discovery_seconds: float = 60.0         # ListShards again this often
    bundle_seconds: float = 2.0             # self-checkpoint this often (streaming runners output then)
    max_consecutive_errors: int = 12        # per shard, then the bundle fails (and the runner retries)

    def __post_init__(self):
        if not self.stream:
            raise ValueError("a Kinesis stream name is required")
        if self.initial_position not in INITIAL_POSITIONS:
            raise ValueError(f"initial position must be one of {', '.join(INITIAL_POSITIONS)}")
        if self.initial_position == AT_TIMESTAMP and self.start_timestamp is None:
            raise ValueError("AT_TIMESTAMP needs a start timestamp")
        if self.max_records is not None and self.max_records < 0:
            raise ValueError("max_records must not be negative")
        if not 1 <= self.records_per_call <= MAX_RECORDS_PER_CALL:
            raise ValueError(f"records_per_call must be within 1..{MAX_RECORDS_PER_CALL}")

    @property
    def bounded(self) -> bool:
        return self.max_records is not None or self.max_read_seconds is not None or self.read_to_tip

    def client(self):
        """A boto3 Kinesis client: credentials from the standard AWS chain; retries are ours."""
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=10,
                        max_pool_connections=16)
        return boto3.session.Session().client("kinesis", endpoint_url=self.endpoint_url, region_name=self.region,
                                              config=config)
