"""Recovery copies: each bad row may carry its raw record, encrypted, so that it can be re-processed later.

Bad rows hold pseudonyms only, and a pseudonym can be neither validated nor hashed again. When a
*recovery key* is configured, the pipeline seals the raw record a bad row came from (the base64
Thrift line of a file, or the Thrift bytes of a Kinesis record) with AES-256-GCM and puts the
envelope beside the bad row's ``schema`` and ``data``::

    {"schema": "iglu:...", "data": {...}, "recovery": {"v": 1, "alg": "AES-256-GCM", "keyId": "1f2e3d4c",
                                                       "format": "line", "nonce": "...", "ciphertext": "..."}}

The SDJ itself (``schema`` and ``data``) is unchanged, so it still validates against its Iglu
Central schema; loaders that read ``schema`` and ``data`` ignore the extra key, and Snowflake's
``jsontext`` VARIANT keeps it. Nothing of the record is in clear: the plaintext is the record,
zlib-compressed; ``format`` says how to decode it again (``line``: a base64 text line; ``thrift``:
raw bytes). ``snowplow-recover`` (:mod:`recover`) opens the envelope and runs the
record through the pipeline again, which derives the same event ids and keeps the collector
timestamp.

Keys (a :class:`transforms.secrets.SecretSource`, like the salt: a file, ``RECOVERY_KEY`` or AWS
Secrets Manager, read on the workers, never an option value) are 32 random bytes each, written as 64
hex digits or as base64, one per line (``#`` starts a comment; in ``RECOVERY_KEY`` commas or spaces
separate keys too); a secret of exactly 32 bytes (a SecretBinary) is one key as it is. **The first key seals; every key opens**: to rotate, put a new key first and keep the
old ones below it for as long as bad rows sealed with them may need recovering. A key's id is the
first 8 hex digits of the SHA-256 of its bytes, recorded in every envelope.

The nonce is synthetic: the first 12 bytes of an HMAC-SHA256, under a key derived from the
recovery key, of the associated data and the plaintext. The same record sealed twice gives the
same envelope (reruns write identical files, as everywhere else in the pipeline), and two
different records never share a nonce (but for a 2^-96 chance). The associated data binds the
envelope's version, key id and format. The salt and the recovery key are separate secrets: one
cannot stand in for the other.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import zlib

from snowplow_beam.transforms.secrets import SecretUnavailable

RECOVERY_FIELD = "recovery"
ENVELOPE_VERSION = 1
ALGORITHM = "AES-256-GCM"
LINE = "line"  # the record is a text line (base64 Thrift), as read from files
THRIFT = "thrift"  # the record is the Thrift bytes, as read from Kinesis
KEY_BYTES = 32
_NONCE_BYTES = 12
_NONCE_LABEL = b"snowplow-recovery nonce key v1"
_KEY_SEPARATORS = re.compile(r"[\s,]+")


class EnvelopeError(ValueError):
    """An envelope that cannot be opened: malformed, sealed with a key we do not hold, or tampered with."""


class UnknownKey(EnvelopeError):
    """The envelope was sealed with a key that is not in the keyring."""

    def __init__(self, key_id: str):
        super().__init__(f"no recovery key with id {key_id!r} in the keyring")
        self.key_id = key_id


def key_id(key: bytes) -> str:
    """The id recorded in envelopes: the first 8 hex digits of SHA-256(key)."""
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    """A new random key, as 64 hex digits (a line of a key file)."""
    return os.urandom(KEY_BYTES).hex()


def _parse_key(token: str, position: int) -> bytes:
    if re.fullmatch(r"[0-9a-fA-F]{64}", token):
        return bytes.fromhex(token)
    try:
        cleaned = token.replace("-", "+").replace("_", "/")
        key = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretUnavailable(
            f"recovery key {position} is not {KEY_BYTES} bytes written as 64 hex digits or base64")
    return key


def parse_keys(text: bytes | str) -> list[bytes]:
    """The keys of a key file (or of ``RECOVERY_KEY``, or of a secret), in order; the first one seals."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise SecretUnavailable("the recovery keys are not text (hex or base64, one per line)") from None
    tokens = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        tokens.extend(token for token in _KEY_SEPARATORS.split(line) if token)
    return [_parse_key(token, position) for position, token in enumerate(tokens, 1)]


class Original:
    """The raw record a bad row came from (the ``original`` of a :class:`transforms.badrows.BadRow`),
    travelling with the bad row until it is pseudonymized.

    It is a field of the bad row, not a value inside it (a line of the collector's raw-bad files can
    never pose as one), and its ``repr`` shows no content;
    :meth:`transforms.pseudonymize.Pseudonymizer.bad_row` seals it with the recovery key, or drops it
    when there is none.
    """

    __slots__ = ("record",)

    def __init__(self, record: str | bytes):
        self.record = record

    @property
    def format(self) -> str:
        return LINE if isinstance(self.record, str) else THRIFT

    def __repr__(self) -> str:
        return f"<original record: {self.format}, {len(self.record):,} {'characters' if self.format == LINE else 'bytes'}>"

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return isinstance(other, Original) and other.record == self.record

    def __hash__(self) -> int:
        return hash(self.record)

    def __reduce__(self):
        return Original, (self.record,)


def _associated_data(kid: str, record_format: str) -> bytes:
    return f"snowplow-recovery/v{ENVELOPE_VERSION}/{ALGORITHM}/{kid}/{record_format}".encode("ascii")


def _b64decode(value, name: str) -> bytes:
    if not isinstance(value, str):
        raise EnvelopeError(f"the envelope's {name} is not a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError(f"the envelope's {name} is not base64") from None


class Keyring:
    """Recovery keys: the first seals, all open. ``repr`` shows key ids only."""

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise SecretUnavailable("no recovery key in the keyring")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._ciphers: dict[str, object] = {}
        for key in keys:
            if len(key) != KEY_BYTES:
                raise SecretUnavailable(f"a recovery key must be {KEY_BYTES} bytes")
            kid = key_id(key)
            if kid in self._ciphers:
                raise SecretUnavailable(f"the keyring holds key {kid} twice (or two keys with one id)")
            self._ciphers[kid] = AESGCM(key)
        self.current_id = key_id(keys[0])
        self._nonce_key = hmac.digest(keys[0], _NONCE_LABEL, "sha256")

    @classmethod
    def from_text(cls, text: bytes | str) -> "Keyring":
        return cls(parse_keys(text))

    @classmethod
    def from_secret(cls, secret: bytes, where: str) -> "Keyring":
        """The keyring a secret holds (``where``: its location, for messages): exactly 32 bytes are one key as
        they are (no key in text form is that short); else the keys in text form."""
        if len(secret) == KEY_BYTES:
            return cls([secret])
        try:
            keys = parse_keys(secret)
        except SecretUnavailable as exc:
            raise SecretUnavailable(f"{exc} (in the {where})") from None
        if not keys:
            raise SecretUnavailable(f"no recovery key in the {where}")
        return cls(keys)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    def __repr__(self) -> str:
        return f"Keyring(sealing={self.current_id}, ids={list(self._ciphers)})"

    def seal(self, original: Original | str | bytes) -> dict:
        """The envelope of a raw record (an :class:`Original`, a text line or Thrift bytes)."""
        if not isinstance(original, Original):
            original = Original(original)
        record = original.record
        data = record.encode("utf-8", "surrogatepass") if isinstance(record, str) else bytes(record)
        plaintext = zlib.compress(data, 6)
        aad = _associated_data(self.current_id, original.format)
        nonce = hmac.digest(self._nonce_key, aad + b"\0" + plaintext, "sha256")[:_NONCE_BYTES]
        ciphertext = self._ciphers[self.current_id].encrypt(nonce, plaintext, aad)
        return {
            "v": ENVELOPE_VERSION, "alg": ALGORITHM, "keyId": self.current_id, "format": original.format,
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
        }

    def open(self, envelope) -> Original:
        """The raw record inside an envelope; :class:`EnvelopeError` (:class:`UnknownKey`) when it cannot be."""
        from cryptography.exceptions import InvalidTag

        if not isinstance(envelope, dict):
            raise EnvelopeError("the envelope is not a JSON object")
        if envelope.get("v") != ENVELOPE_VERSION or envelope.get("alg") != ALGORITHM:
            raise EnvelopeError(f"unsupported envelope version {envelope.get('v')!r} / {envelope.get('alg')!r}")
        kid, record_format = envelope.get("keyId"), envelope.get("format")
        if record_format not in (LINE, THRIFT):
            raise EnvelopeError(f"unknown record format {record_format!r}")
        cipher = self._ciphers.get(kid) if isinstance(kid, str) else None
        if cipher is None:
            raise UnknownKey(str(kid))
        nonce = _b64decode(envelope.get("nonce"), "nonce")
        ciphertext = _b64decode(envelope.get("ciphertext"), "ciphertext")
        if len(nonce) != _NONCE_BYTES:
            raise EnvelopeError("the envelope's nonce is not 12 bytes")
        try:
            plaintext = cipher.decrypt(nonce, ciphertext, _associated_data(kid, record_format))
        except InvalidTag:
            raise EnvelopeError(f"the envelope does not open with key {kid}: tampered with, or another key "
                                "with the same id") from None
        try:
            data = zlib.decompress(plaintext)
        except zlib.error:
            raise EnvelopeError("the envelope's plaintext is not zlib data") from None
        return Original(data.decode("utf-8", "surrogatepass") if record_format == LINE else data)
