"""What the steps need to build their per-worker resources: locations and a reader, never secrets.

A :class:`PipelineConfig` is pickled into the DoFns; in ``DoFn.setup`` each worker turns it into
the Iglu validator, the enrichments and the pseudonymizer. Those are built once per process and
shared by the DoFns that need them (compiled schemas, loaded assets, the HMAC key). What is built
from a secret is shared by the secret's value (its SHA-256), never by where it was read from.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field

from snowplow_beam.transforms.files import Files
from snowplow_beam.transforms.pseudonymize import Policy, Pseudonymizer
from snowplow_beam.transforms.recovery import Keyring
from snowplow_beam.transforms.secrets import SecretSource, SecretUnavailable, read_salt

_SHARED: dict = {}
_SHARED_LOCK = threading.RLock()


def _shared(key, factory):
    """One instance per process for each key, built on first use."""
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = factory()
        return _SHARED[key]


def _digest(secret: bytes) -> bytes:
    return hashlib.sha256(secret).digest()


@dataclass(frozen=True)
class PipelineConfig:
    """Locations of the pipeline's configuration and secrets, and ``files``, the reader of every location
    (:class:`transforms.files.Files`; the pipeline's reads through Beam). Without a location, the shipped
    default is used (the embedded Iglu registry, the default enrichments and policy, the salt and recovery
    key from the environment), and no reader is needed."""

    files: Files | None = None
    iglu_resolver: str | None = None
    enrichments_dir: str | None = None
    pseudonymization_config: str | None = None
    salt: SecretSource = field(default_factory=SecretSource.salt)
    recovery: SecretSource = field(default_factory=SecretSource.recovery_key)

    def __post_init__(self):
        located = [where for where in (self.iglu_resolver, self.enrichments_dir, self.pseudonymization_config,
                                       self.salt.file, self.recovery.file) if where]
        if located and self.files is None:
            raise ValueError(f"PipelineConfig: {located[0]} is a location, and no files reader was given")

    def resolver(self):
        from snowplow_beam.transforms.iglu.resolver import Resolver

        def build():
            if not self.iglu_resolver:
                return Resolver.embedded()
            return Resolver.from_config(json.loads(self.files.read_bytes(self.iglu_resolver)))

        return _shared(("resolver", self.iglu_resolver), build)

    def validator(self):
        """Iglu validation of self-describing JSON (:class:`transforms.iglu.validator.Validator`), one per process."""
        from snowplow_beam.transforms.iglu.validator import Validator

        return _shared(("validator", self.iglu_resolver), lambda: Validator(self.resolver()))

    def event_validator(self):
        from snowplow_beam.transforms.validation import EventValidator

        return _shared(("event_validator", self.iglu_resolver), lambda: EventValidator(self.validator()))

    def enrichments(self) -> list:
        from snowplow_beam.transforms.enrichments import load_enrichments

        return _shared(("enrichments", self.enrichments_dir, self.iglu_resolver),
                       lambda: load_enrichments(self.enrichments_dir, self.resolver(), self.files))

    def policy(self) -> Policy:
        return _shared(("policy", self.pseudonymization_config),
                       lambda: Policy.from_file(self.pseudonymization_config, self.files))

    def recovery_keyring(self) -> Keyring | None:
        """The recovery keys (:mod:`transforms.recovery`), or None when none is configured."""
        return self._keyring(self._recovery_secret())

    def _recovery_secret(self) -> bytes | None:
        return self.recovery.read(self.files) if self.recovery.configured() else None

    def _keyring(self, secret: bytes | None) -> Keyring | None:
        if secret is None:
            return None
        return _shared(("keyring", _digest(secret)), lambda: Keyring.from_secret(secret, self.recovery.describe()))

    def pseudonymizer(self) -> Pseudonymizer:
        salt = read_salt(self.salt, self.files)
        recovery = self._recovery_secret()
        key = ("pseudonymizer", self.pseudonymization_config, _digest(salt), recovery and _digest(recovery),
               self.iglu_resolver)
        return _shared(key, lambda: Pseudonymizer(self.policy(), salt, recovery=self._keyring(recovery),
                                                  is_valid=self.validator().is_valid))

    def check_secrets(self) -> None:
        """The start-up checks of the salt and the recovery key, shared by every launch (batch, streaming,
        recover): what would otherwise fail on every worker, no salt at all included. Raises
        :class:`SecretUnavailable` with the message for the user. Secrets Manager secrets are not fetched here (the launcher may not hold the
        workers' permissions); files and environment variables are read and checked as the workers will."""
        for source in (self.salt, self.recovery):
            if source.file and not self.files.exists(source.file):
                raise SecretUnavailable(f"the {source.name} file {source.file} does not exist")
        if not self.salt.secret_id:
            read_salt(self.salt, self.files)
        if not self.recovery.secret_id:
            self.recovery_keyring()
