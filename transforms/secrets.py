"""The pipeline's secrets (the pseudonymization salt, the recovery keys): where each is, and reading it.

A :class:`SecretSource` says where a secret is, never what it is: a file (any location the pipeline's
:class:`transforms.files.Files` reads), an AWS Secrets Manager secret, or else an environment variable of the
process that reads it. Only the location travels with the pipeline; each worker reads the secret itself, in
``DoFn.setup``. Whatever is cached from a secret is keyed by its bytes (see :mod:`transforms.config`), never by
its location: two runs in one process with different values never share it.

A secret that cannot be read raises :class:`SecretUnavailable`, whose message names the location and never
quotes the secret.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass

from snowplow_beam.transforms.files import Files

SALT_ENV = "PSEUDONYMIZATION_SALT"
RECOVERY_KEY_ENV = "RECOVERY_KEY"
MIN_SALT_BYTES = 16  # 128 bits: what a brute force of the salt itself must get through


class SecretUnavailable(RuntimeError):
    """A secret is missing, cannot be read, or is unusable; the pipeline must not write anything."""


@contextmanager
def _quiet_botocore():
    """No botocore DEBUG records while a secret is fetched (``botocore.parsers`` logs response bodies)."""
    loggers = [logging.getLogger(name) for name in ("botocore", "botocore.parsers", "botocore.endpoint")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.INFO))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@dataclass(frozen=True)
class SecretSource:
    """Where one secret is: ``file``, else ``secret_id`` (in ``region``), else the environment variable ``env``.

    ``name`` is what the secret is called in messages (``salt``, ``recovery key``).
    """

    name: str
    env: str
    file: str | None = None
    secret_id: str | None = None
    region: str | None = None

    @classmethod
    def salt(cls, file: str | None = None, secret_id: str | None = None, region: str | None = None) -> "SecretSource":
        return cls("salt", SALT_ENV, file, secret_id, region)

    @classmethod
    def recovery_key(cls, file: str | None = None, secret_id: str | None = None,
                     region: str | None = None) -> "SecretSource":
        return cls("recovery key", RECOVERY_KEY_ENV, file, secret_id, region)

    def configured(self) -> bool:
        return bool(self.file or self.secret_id or os.environ.get(self.env))

    def describe(self) -> str:
        if self.file:
            return f"file {self.file}"
        if self.secret_id:
            return f"AWS Secrets Manager secret {self.secret_id}"
        return f"environment variable {self.env}"

    def read(self, files: Files) -> bytes:
        """The secret's bytes (empty when the environment variable is unset); :class:`SecretUnavailable` when
        the file or the secret cannot be read. A file's trailing line break (``\\n`` or ``\\r\\n``, as editors
        and ``echo`` add) is not part of the secret; a Secrets Manager secret is its SecretBinary, else its
        SecretString."""
        if self.file:
            try:
                secret = files.read_bytes(self.file)
            except Exception as exc:  # any file system's error: named, never quoted (it may hold the path only)
                raise SecretUnavailable(f"cannot read the {self.name} file {self.file}: {type(exc).__name__}") from None
            secret = secret[:-1] if secret.endswith(b"\n") else secret
            return secret[:-1] if secret.endswith(b"\r") else secret
        if self.secret_id:
            import boto3

            try:
                with _quiet_botocore():  # its DEBUG log prints response bodies: the secret itself
                    secret = boto3.client("secretsmanager", region_name=self.region).get_secret_value(
                        SecretId=self.secret_id)
            except Exception as exc:
                raise SecretUnavailable(
                    f"cannot read the {self.name} secret {self.secret_id}: {type(exc).__name__}") from None
            binary = secret.get("SecretBinary")
            return bytes(binary) if binary is not None else secret.get("SecretString", "").encode("utf-8")
        return os.environ.get(self.env, "").encode("utf-8")


def read_salt(source: SecretSource, files: Files) -> bytes:
    """The pseudonymization salt; :class:`SecretUnavailable` when it is missing, empty or too short."""
    salt = source.read(files)
    if not salt:
        raise SecretUnavailable(
            f"no pseudonymization salt: the {source.describe()} is empty or unset. Give --salt_file, "
            f"--salt_secret_id or the {SALT_ENV} environment variable; the pipeline never writes "
            "unpseudonymized output."
        )
    if len(salt) < MIN_SALT_BYTES:
        raise SecretUnavailable(
            f"the pseudonymization salt ({source.describe()}) has {len(salt)} bytes; at least {MIN_SALT_BYTES} are "
            "required: with a short salt anyone can recompute the pseudonyms of guessed values (e-mail "
            "addresses, user ids) and so reverse them. Generate one with: openssl rand -hex 32"
        )
    return salt
