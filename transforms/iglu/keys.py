"""Iglu URIs: the one parser of ``iglu:vendor/name/format/M-R-A`` (`SchemaKey`) and of criteria such as
``iglu:vendor/name/format/1-*-*`` (`SchemaCriterion`), with iglu-core's grammar: vendor ``[a-zA-Z0-9-_.]+``,
name and format ``[a-zA-Z0-9-_]+``, SchemaVer ``M-R-A`` with M >= 1 and no leading zeros.

Parsed keys are cached (the same URIs come with every event); invalid URIs are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PART = r"[a-zA-Z0-9\-_]+"
_VENDOR = r"[a-zA-Z0-9\-_.]+"
_URI_RE = re.compile(
    rf"iglu:({_VENDOR})/({_PART})/({_PART})/([1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))"
)
_LOOSE_URI_RE = re.compile(rf"iglu:{_VENDOR}/{_PART}/{_PART}/[^/]*")
_CRITERION_RE = re.compile(
    rf"iglu:({_VENDOR})/({_PART})/({_PART})/([1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)"
)

_KEY_CACHE: dict[str, "SchemaKey"] = {}
_KEY_CACHE_MAX = 10_000


class InvalidSchemaKey(ValueError):
    """An Iglu URI that cannot be parsed. ``code`` is the NotIglu error of the bad row:
    ``INVALID_SCHEMAVER`` (well-formed URI with a bad version such as ``01-0-0``) or ``INVALID_IGLUURI``."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class SchemaKey:
    """Coordinates of one schema: ``iglu:vendor/name/format/MODEL-REVISION-ADDITION``."""

    vendor: str
    name: str
    format: str
    version: str

    @classmethod
    def parse(cls, uri: str) -> "SchemaKey":
        """Parse ``iglu:vendor/name/format/M-R-A``; raises `InvalidSchemaKey` (a ValueError) if invalid."""
        if not isinstance(uri, str):
            raise InvalidSchemaKey(f"Iglu URI must be a string, not {type(uri).__name__}", "INVALID_IGLUURI")
        key = _KEY_CACHE.get(uri)
        if key is not None:
            return key
        m = _URI_RE.fullmatch(uri)
        if m is None:
            if _LOOSE_URI_RE.fullmatch(uri):
                raise InvalidSchemaKey(f"invalid SchemaVer in Iglu URI {uri[:200]!r}", "INVALID_SCHEMAVER")
            raise InvalidSchemaKey(f"invalid Iglu URI {uri[:200]!r}", "INVALID_IGLUURI")
        key = cls(*m.groups())
        if len(_KEY_CACHE) >= _KEY_CACHE_MAX:
            _KEY_CACHE.clear()
        _KEY_CACHE[uri] = key
        return key

    def to_uri(self) -> str:
        return f"iglu:{self.vendor}/{self.name}/{self.format}/{self.version}"

    def path(self) -> str:
        return f"{self.vendor}/{self.name}/{self.format}/{self.version}"

    @property
    def model(self) -> int:
        return int(self.version.split("-", 1)[0])

    @property
    def revision(self) -> int:
        return int(self.version.split("-")[1])

    @property
    def addition(self) -> int:
        return int(self.version.split("-")[2])

    def __str__(self) -> str:
        return self.to_uri()


def schema_key_of(value: object) -> SchemaKey | None:
    """The `SchemaKey` of ``value`` when it is a valid Iglu URI, else None (any other string, or not a string)."""
    try:
        return SchemaKey.parse(value)
    except InvalidSchemaKey:
        return None


def is_schema_uri(value: object) -> bool:
    """Whether ``value`` is a valid Iglu URI."""
    return schema_key_of(value) is not None


@dataclass(frozen=True, slots=True)
class SchemaCriterion:
    """``iglu:vendor/name/format/M-R-A`` where any of M, R, A may be ``*`` (stored as None)."""

    vendor: str
    name: str
    format: str
    model: int | None
    revision: int | None
    addition: int | None

    @classmethod
    def parse(cls, text: str) -> "SchemaCriterion":
        if not isinstance(text, str):
            raise ValueError(f"schema criterion must be a string, not {type(text).__name__}")
        m = _CRITERION_RE.fullmatch(text)
        if m is None:
            raise ValueError(f"invalid schema criterion {text[:200]!r}")
        vendor, name, fmt, *ver = m.groups()
        model, revision, addition = (None if v == "*" else int(v) for v in ver)
        return cls(vendor, name, fmt, model, revision, addition)

    def matches(self, key: SchemaKey) -> bool:
        if key.vendor != self.vendor or key.name != self.name or key.format != self.format:
            return False
        m, r, a = (int(p) for p in key.version.split("-"))
        return (
            (self.model is None or self.model == m)
            and (self.revision is None or self.revision == r)
            and (self.addition is None or self.addition == a)
        )

    def to_uri(self) -> str:
        ver = "-".join("*" if v is None else str(v) for v in (self.model, self.revision, self.addition))
        return f"iglu:{self.vendor}/{self.name}/{self.format}/{ver}"

    def __str__(self) -> str:
        return self.to_uri()
