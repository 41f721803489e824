"""Collector settings: one dataclass, loaded from CLI flags and/or a JSON config file.

Every field is a CLI flag of the same name (``--good_path``; ``--cookie_secure false`` for booleans,
``--redirect_domains a.com,b.com`` for lists, ``--paths '{"/com.acme/track": "/com.snowplowanalytics.snowplow/tp2"}'``
for the path map) and a key of the same name in the JSON file given with ``--config``. Flags given on the
command line win over the file; the file wins over the defaults. Defaults follow Snowplow's stream
collector (``reference.conf`` of 3.x) where it has one.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snowplow_beam.collector import SHORT_NAME, __version__

STANDARD_PATHS = ("/i", "/ice.png", "/r/tp2", "/com.snowplowanalytics.snowplow/tp2")


class ConfigError(ValueError):
    """The settings are not usable; the message says which one and why."""


@dataclass
class Settings:
    # --- network
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1  # server processes; each has its own sinks (and its own files / metrics)
    header_read_timeout_s: float = 30.0  # request line + headers must arrive within this (else the connection is closed)
    body_read_timeout_s: float = 30.0  # the body must arrive within this (else 408, nothing stored)
    max_header_bytes: int = 65536  # request line + headers larger than this are refused (431), nothing stored
    # --- sinks
    sink: str = "file"  # "file" or "kinesis"
    good_path: str | None = None  # file sink: folder of raw-good files (base64 Thrift, one record a line)
    bad_path: str | None = None  # file sink: folder of raw-bad files (one JSON bad row a line)
    file_rotate_seconds: float = 60.0  # a file is closed (renamed into place) at most this long after it was opened
    file_max_bytes: int = 128 * 1024 * 1024  # ... or once it reaches this size
    good_stream: str | None = None
    bad_stream: str | None = None
    kinesis_endpoint_url: str | None = None
    region: str | None = None
    use_ip_as_partition_key: bool = False  # else a random key per request
    record_limit: int = 500  # buffer flush triggers (PutRecords caps: 500 records, 5 MB)
    byte_limit: int = 3_145_728
    time_limit_ms: int = 1000
    max_retries: int = 3  # consecutive failed writes before a sink is reported unhealthy (503s)
    backoff_min_ms: int = 500
    backoff_max_ms: int = 1500
    max_buffer_bytes: int = 64 * 1024 * 1024  # accepted but unwritten bytes per sink; past this, 503
    shutdown_timeout_s: float = 10.0  # how long a shutdown keeps trying to drain the buffers
    write_timeout_s: float = 10.0  # file sink: a record not durably written within this is answered 503
    # --- sizes (bytes)
    max_record_bytes: int = 1_000_000  # a serialized record up to this goes through as it is (Kinesis: 1 MB)
    max_payload_bytes: int = 1_048_576  # a serialized payload over this is a size_violation (no splitting)
    drop_payload_bytes: int = 2_097_152  # a body over this gets 413 and nothing is stored
    # --- identity
    cookie_enabled: bool = True
    cookie_name: str = "sp"
    cookie_expiration_days: float = 365.0
    cookie_domains: list[str] = field(default_factory=list)
    cookie_fallback_domain: str | None = None
    cookie_path: str = "/"
    cookie_secure: bool = True
    cookie_http_only: bool = True
    cookie_same_site: str = "None"  # None, Lax, Strict, or "" for no attribute
    dnt_cookie_enabled: bool = False
    dnt_cookie_name: str = ""
    dnt_cookie_value: str = ""  # a regular expression the whole cookie value must match
    trust_x_forwarded_for: bool = True  # Snowplow's behaviour: the first X-Forwarded-For address is the client IP
    # --- routes
    paths: dict[str, str] = field(default_factory=dict)  # custom path -> standard path
    redirect_enabled: bool = False
    redirect_domains: list[str] = field(default_factory=list)  # allowed hosts (and their subdomains)
    redirect_macro_enabled: bool = False
    redirect_placeholder: str = "${SP_NUID}"
    cors_max_age_s: int = 3600
    # --- identity of this collector in the payload
    collector_name: str = SHORT_NAME
    collector_version: str = __version__
    log_level: str = "info"

    @property
    def collector_string(self) -> str:
        """The payload's ``collector`` field: ``<shortName>-<version>-<sinkclass>`` like Snowplow's."""
        return f"{self.collector_name}-{self.collector_version}-{self.sink}"

    def validate(self) -> "Settings":
        if self.sink == "file":
            if not self.good_path or not self.bad_path:
                raise ConfigError("--sink file needs --good_path and --bad_path")
        elif self.sink == "kinesis":
            if not self.good_stream or not self.bad_stream:
                raise ConfigError("--sink kinesis needs --good_stream and --bad_stream")
        else:
            raise ConfigError(f"unknown sink {self.sink!r} (file, kinesis)")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} out of range")
        if self.workers < 1:
            raise ConfigError("workers must be at least 1")
        if not 0 < self.max_record_bytes <= self.max_payload_bytes <= self.drop_payload_bytes:
            raise ConfigError("sizes must satisfy 0 < max_record_bytes <= max_payload_bytes <= drop_payload_bytes")
        if not 1 <= self.record_limit <= 500:
            raise ConfigError("record_limit must be 1..500 (PutRecords' cap)")
        if not 1 <= self.byte_limit <= 5_000_000:
            raise ConfigError("byte_limit must be 1..5,000,000 (PutRecords' cap)")
        if self.write_timeout_s <= 0:
            raise ConfigError("write_timeout_s must be positive")
        if self.max_header_bytes < 8192:
            raise ConfigError("max_header_bytes must be at least 8192")
        if self.cookie_same_site not in ("None", "Lax", "Strict", ""):
            raise ConfigError("cookie_same_site must be None, Lax, Strict or empty")
        for source, target in self.paths.items():
            if not source.startswith("/") or target not in STANDARD_PATHS and not _is_vendor_version(target):
                raise ConfigError(f"paths: {source!r} -> {target!r}: the target must be a standard path")
        if self.dnt_cookie_enabled:
            if not self.dnt_cookie_name:
                raise ConfigError("dnt_cookie_enabled needs dnt_cookie_name")
            try:
                re.compile(self.dnt_cookie_value)
            except re.error as exc:
                raise ConfigError(f"dnt_cookie_value is not a regular expression: {exc}") from None
        return self

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Settings":
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        kwargs = {name: _coerce(names[name], value) for name, value in values.items()}
        return cls(**kwargs)


def _is_vendor_version(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "" and all(parts[1:])


def _field_kind(f: dataclasses.Field) -> str:
    text = str(f.type)
    if text.startswith("bool"):
        return "bool"
    if text.startswith("int"):
        return "int"
    if text.startswith("float"):
        return "float"
    if text.startswith("list"):
        return "list"
    if text.startswith("dict"):
        return "dict"
    return "str"


def _parse_bool(text: str) -> bool:
    lowered = str(text).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    kind = _field_kind(f)
    try:
        if value is None:
            return None
        if kind == "bool":
            return value if isinstance(value, bool) else _parse_bool(value)
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError("a boolean is not an integer")
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "list":
            if isinstance(value, str):
                return [item.strip() for item in value.split(",") if item.strip()]
            return [str(item) for item in value]
        if kind == "dict":
            if isinstance(value, str):
                value = json.loads(value)
            if not isinstance(value, dict):
                raise ValueError("expected a JSON object")
            return {str(k): str(v) for k, v in value.items()}
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{f.name}: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-collector",
        description="Snowplow-compatible collector: tracker protocol in, Thrift CollectorPayload records out.",
    )
    parser.add_argument("--config", help="JSON file of settings (same names as the flags); flags win over it")
    for f in dataclasses.fields(Settings):
        kind = _field_kind(f)
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        hint = {"bool": "true|false", "list": "comma-separated", "dict": "JSON object"}.get(kind, kind)
        parser.add_argument(
            f"--{f.name}", dest=f.name, default=None, metavar=hint.upper() if kind != "str" else "VALUE",
            help=f"default: {default!r}",
        )
    return parser


def load_settings(argv: list[str] | None = None) -> Settings:
    """Settings from a JSON file (``--config``) overlaid with the flags; validated."""
    args = build_parser().parse_args(argv)
    values: dict[str, Any] = {}
    if args.config:
        try:
            loaded = json.loads(Path(args.config).read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read config file {args.config}: {exc}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {args.config} must hold a JSON object")
        values.update(loaded)
    for name, value in vars(args).items():
        if name != "config" and value is not None:
            values[name] = value
    return Settings.from_mapping(values).validate()
