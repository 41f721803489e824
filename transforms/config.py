"""What the steps need to build their per-worker resources: file locations only, never secrets.

A :class:`PipelineConfig` is pickled into the DoFns; in ``DoFn.setup`` each worker turns it into
the Iglu validator, the enrichments and the pseudonymizer. Those are built once per process and
shared by the DoFns that need them (compiled schemas, loaded assets, the HMAC key).
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from snowplow_beam.transforms.pseudonymize import Policy, Pseudonymizer, SaltSource
from snowplow_beam.transforms.recovery import RecoveryKeySource

_SHARED: dict = {}
_SHARED_LOCK = threading.RLock()


def _shared(key, factory):
    """One instance per process for each key, built on first use."""
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = factory()
        return _SHARED[key]


@dataclass(frozen=True)
class PipelineConfig:
    """Locations of the pipeline's configuration (local paths or any Beam filesystem URI)."""

    iglu_resolver: str | None = None
    enrichments_dir: str | None = None
    pseudonymization_config: str | None = None
    salt: SaltSource = field(default_factory=SaltSource)
    recovery: RecoveryKeySource = field(default_factory=RecoveryKeySource)

    def resolver(self):
        from snowplow_beam.transforms.iglu import Resolver

        def build():
            return Resolver.from_file(self.iglu_resolver) if self.iglu_resolver else Resolver.embedded()

        return _shared(("resolver", self.iglu_resolver), build)

    def validator(self):
        """Iglu validation of self-describing JSON (:class:`transforms.iglu.Validator`), one per process."""
        from snowplow_beam.transforms.iglu import Validator

        return _shared(("validator", self.iglu_resolver), lambda: Validator(self.resolver()))

    def event_validator(self):
        from snowplow_beam.transforms.validation import EventValidator

        return _shared(("event_validator", self.iglu_resolver), lambda: EventValidator(self.validator()))

    def enrichments(self) -> list:
        from snowplow_beam.transforms.enrichments import load_enrichments

        return _shared(("enrichments", self.enrichments_dir, self.iglu_resolver),
                       lambda: load_enrichments(self.enrichments_dir, self.resolver()))

    def policy(self) -> Policy:
        return _shared(("policy", self.pseudonymization_config), lambda: Policy.from_file(self.pseudonymization_config))

    def recovery_keyring(self):
        """The recovery keys (:mod:`transforms.recovery`), or None when none is configured."""
        return _shared(("recovery", self.recovery), self.recovery.read)

    def pseudonymizer(self) -> Pseudonymizer:
        salt = self.salt.read()  # the cache is keyed by the salt itself: a new salt never meets an old pseudonymizer
        key = ("pseudonymizer", self.pseudonymization_config, hashlib.sha256(salt).digest(), self.recovery,
               self.iglu_resolver)
        return _shared(key, lambda: Pseudonymizer(self.policy(), salt, recovery=self.recovery_keyring(),
                                                  validate=self.validator().validate))
