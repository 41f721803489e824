"""Collector settings: one dataclass, loaded from CLI flags and/or a JSON config file.

Every field is a CLI flag of the same name (``--good_path``; ``--cookie_secure false`` for booleans,
``--redirect_domains a.com,b.com`` for lists, ``--paths '{"/com.acme/track": "/com.snowplowanalytics.snowplow/tp2"}'``
for the path map) and a key of the same name in the JSON file given with ``--config``. Flags given on the
command line win over the file; the file wins over the defaults. Defaults follow Snowplow's stream
collector (``reference.conf`` of 3.x) where it has one.

Each field carries its meaning and its group (:func:`setting`): the one source of ``--help`` and of the settings
table in collector/README.md (tests/collector/test_config.py checks that the table matches).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snowplow_beam.collector import SHORT_NAME, __version__

STANDARD_PATHS = ("/i", "/ice.png", "/r/tp2", "/com.snowplowanalytics.snowplow/tp2")

# The groups of settings, in the order --help and the README show them.
SERVER = "server"
LIMITS = "limits (sizes and timeouts)"
SINK = "sink (either kind)"
FILE_SINK = "sink: file"
KINESIS_SINK = "sink: Kinesis"
COOKIES = "cookies"
ROUTES = "paths and redirects"
CORS = "CORS"
IDENTITY = "identity and logging"


class ConfigError(ValueError):
    """The settings are not usable; the message says which one and why."""


def setting(default: Any, meaning: str, group: str) -> Any:
    """A :class:`Settings` field that knows what it means and where ``--help`` lists it."""
    metadata = {"meaning": meaning, "group": group}
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass
class Settings:
    # --- server
    host: str = setting("127.0.0.1", "address to listen on (0.0.0.0: every interface)", SERVER)
    port: int = setting(8080, "TCP port to listen on", SERVER)
    workers: int = setting(1, "server processes; each has its own sinks, files and metrics", SERVER)
    trust_x_forwarded_for: bool = setting(
        True, "take the client IP from the first X-Forwarded-For address, as Snowplow's does; false: the peer "
              "address", SERVER)
    # --- limits
    header_read_timeout_s: float = setting(
        30.0, "seconds for the request line and headers to arrive, else the connection is closed", LIMITS)
    body_read_timeout_s: float = setting(
        30.0, "seconds for the body to arrive, else 408 and nothing is stored", LIMITS)
    max_header_bytes: int = setting(
        65536, "bytes of request line and headers, at least 8192; larger requests get 431, nothing stored", LIMITS)
    max_record_bytes: int = setting(
        1_000_000, "bytes: a serialized payload up to this is one record (Kinesis' record limit); a bad row's "
                   "payload text is cut to a tenth of it", LIMITS)
    max_payload_bytes: int = setting(
        1_048_576, "bytes: a serialized payload over this is a size_violation bad row; between max_record_bytes "
                   "and this, a POST batch is split by events", LIMITS)
    drop_payload_bytes: int = setting(
        2_097_152, "bytes: a body over this (declared, streamed or decoded from gzip) gets 413, nothing stored",
        LIMITS)
    # --- sink, either kind
    sink: str = setting("file", "where records go: file or kinesis", SINK)
    max_retries: int = setting(
        3, "consecutive failed writes before a sink is unhealthy: then /sink-health and tracking requests get 503",
        SINK)
    backoff_min_ms: int = setting(
        500, "milliseconds before the first retry of a failed write, doubling (with jitter) after each further "
             "failure up to backoff_max_ms; the file sink's first wait is 200 at most", SINK)
    backoff_max_ms: int = setting(1500, "milliseconds: the longest wait between retries", SINK)
    max_buffer_bytes: int = setting(
        64 * 1024 * 1024, "bytes accepted but not yet written, per sink; past this, tracking requests get 503", SINK)
    shutdown_timeout_s: float = setting(
        10.0, "seconds a shutdown (SIGTERM, SIGINT) keeps trying to write what is buffered", SINK)
    # --- sink: file
    good_path: str | None = setting(
        None, "folder of raw-good files: base64 Thrift CollectorPayloads, one a line (needed by the file sink)",
        FILE_SINK)
    bad_path: str | None = setting(
        None, "folder of raw-bad files: JSON bad rows, one a line (needed by the file sink)", FILE_SINK)
    file_rotate_seconds: float = setting(
        60.0, "seconds: a file is closed (renamed from .tmp/ into its folder) at most this long after it was "
              "opened", FILE_SINK)
    file_max_bytes: int = setting(128 * 1024 * 1024, "bytes: a file is also closed once it reaches this size",
                                  FILE_SINK)
    write_timeout_s: float = setting(
        10.0, "seconds: a request whose records are not durably written within this gets 503", FILE_SINK)
    # --- sink: Kinesis
    good_stream: str | None = setting(None, "Kinesis stream of raw-good records (needed by the Kinesis sink)",
                                      KINESIS_SINK)
    bad_stream: str | None = setting(None, "Kinesis stream of raw-bad rows (needed by the Kinesis sink)",
                                     KINESIS_SINK)
    kinesis_endpoint_url: str | None = setting(
        None, "Kinesis endpoint, for emulators (unset: AWS's; credentials from boto3's usual chain)", KINESIS_SINK)
    region: str | None = setting(None, "AWS region of the streams (unset: boto3's usual chain)", KINESIS_SINK)
    use_ip_as_partition_key: bool = setting(
        False, "partition key: the client IP; false: a random key per request", KINESIS_SINK)
    record_limit: int = setting(500, "records: a batch is sent at this many, 1 to 500 (PutRecords' cap)",
                                KINESIS_SINK)
    byte_limit: int = setting(3_145_728, "bytes: ... or at this size, 1 to 5,000,000 (PutRecords' cap)",
                              KINESIS_SINK)
    time_limit_ms: int = setting(1000, "milliseconds: ... or this long after its first record", KINESIS_SINK)
    # --- cookies
    cookie_enabled: bool = setting(True, "set the network_userid cookie on every tracking response", COOKIES)
    cookie_name: str = setting("sp", "name of the network_userid cookie", COOKIES)
    cookie_expiration_days: float = setting(365.0, "days the cookie lives (its Expires and Max-Age)", COOKIES)
    cookie_domains: list[str] = setting(
        [], "cookie Domain: the first of these that a host in Origin is or is under (comma-separated)", COOKIES)
    cookie_fallback_domain: str | None = setting(
        None, "cookie Domain when none of cookie_domains matches (unset: no Domain attribute)", COOKIES)
    cookie_path: str = setting("/", "cookie Path (empty: no Path attribute)", COOKIES)
    cookie_secure: bool = setting(True, "mark the cookie Secure", COOKIES)
    cookie_http_only: bool = setting(True, "mark the cookie HttpOnly", COOKIES)
    cookie_same_site: str = setting("None", "cookie SameSite: None, Lax, Strict, or empty for no attribute",
                                    COOKIES)
    dnt_cookie_enabled: bool = setting(
        False, "honour a do-not-track cookie: a matching request is answered but nothing is stored or set", COOKIES)
    dnt_cookie_name: str = setting("", "name of the do-not-track cookie (needed when it is enabled)", COOKIES)
    dnt_cookie_value: str = setting("", "regular expression the whole do-not-track cookie value must match",
                                    COOKIES)
    # --- paths and redirects
    paths: dict[str, str] = setting(
        {}, "custom path to standard path, a JSON object, e.g. {\"/com.acme/track\": "
            "\"/com.snowplowanalytics.snowplow/tp2\"}", ROUTES)
    redirect_enabled: bool = setting(False, "serve /r/tp2 redirects (else 404)", ROUTES)
    redirect_domains: list[str] = setting(
        [], "hosts a redirect may go to, and their subdomains (comma-separated)", ROUTES)
    redirect_macro_enabled: bool = setting(
        False, "replace redirect_placeholder in the target with the network_userid", ROUTES)
    redirect_placeholder: str = setting("${SP_NUID}", "the text replaced when redirect_macro_enabled", ROUTES)
    # --- CORS
    cors_max_age_s: int = setting(3600, "seconds a browser may cache a CORS preflight (Access-Control-Max-Age)",
                                  CORS)
    # --- identity of this collector in the payload, and logging
    collector_name: str = setting(
        SHORT_NAME, "name in the payload's collector field (name-version-sink) and in size_violation bad rows",
        IDENTITY)
    collector_version: str = setting(__version__, "version in the same places", IDENTITY)
    log_level: str = setting("info", "log level: debug, info, warning or error", IDENTITY)

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


def shown_default(value: Any) -> str | None:
    """A default as one would type it after its flag (shell-quoted); None for a setting with no default."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ",".join(value)
    elif isinstance(value, dict):
        text = json.dumps(value)
    else:
        text = str(value)
    return shlex.quote(text)


_METAVARS = {"bool": "true|false", "int": "N", "float": "NUMBER", "list": "A,B,...", "dict": "JSON", "str": "TEXT"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-collector",
        description="Snowplow-compatible collector: tracker protocol in, Thrift CollectorPayload records out "
                    "(collector/README.md).",
        epilog="Every setting is also a key of the --config file, with the same name. Booleans: true or false; "
               "lists: comma-separated (JSON arrays in the file); paths: a JSON object. Exit status 2: the "
               "settings are not usable (the message says which one).",
    )
    parser.add_argument("--config", metavar="FILE",
                        help="JSON file of settings, same names as the flags; flags given win over it")
    groups: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        group = f.metadata["group"]
        if group not in groups:
            groups[group] = parser.add_argument_group(group)
        default = shown_default(f.default if f.default is not dataclasses.MISSING else f.default_factory())
        meaning = f.metadata["meaning"] + ("" if default is None else f" (default: {default})")
        groups[group].add_argument(f"--{f.name}", dest=f.name, default=None, metavar=_METAVARS[_field_kind(f)],
                                   help=meaning.replace("%", "%%"))
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
