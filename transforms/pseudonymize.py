"""Privacy by default: every value outside an allowlist becomes its HMAC-SHA256 pseudonym.

The pseudonym of a value is ``hmac.new(salt, text.encode("utf-8"), hashlib.sha256).hexdigest()``,
where ``text`` is the string itself, or the JSON text of a number or boolean (``42``, ``true``);
null stays null. It is deterministic (the same value always gives the same pseudonym, so joins
across time and tables still work) and irreversible without the salt. The native core
(``transforms.native``) computes it: one HMAC implementation for good events and bad rows.

The policy (:class:`Policy`, a JSON file) says what stays in clear:

- ``atomic_allowlist``: enriched fields kept as they are. Other string fields are hashed; other
  non-string fields (numbers, decimals, booleans, timestamps) are removed (null).
- ``entities``: per-schema rules for self-describing JSON (contexts, derived contexts, the
  unstruct event), matched by schema criterion. ``allow`` lists the paths kept in clear (every
  other leaf hashed); ``deny`` lists the only paths hashed. Entities without a rule: every leaf
  hashed. Paths are ``$`` (the whole entity) or ``$.key.key``; arrays are transparent, and a path
  covers everything below it. Object keys are kept; only values are hashed.
- ``header_allowlist``: HTTP headers kept in clear in bad rows (names, case-insensitive).

The ``schema`` of a self-describing JSON stays in clear when it is a valid Iglu URI (else it is
hashed like any value); any other key beside ``schema`` and ``data`` has its value hashed.

Bad rows get the same treatment (:meth:`Pseudonymizer.bad_row`): tracker parameters follow the
fields they fill (so ``aid`` is clear when ``app_id`` is), contexts and unstruct events inside
parameters and bodies follow the entity rules, headers follow the header allowlist (a line that
is not ``Name: value`` is hashed whole), and the collector's IP address, user agent, referer and
network user id are hashed. In querystrings and form bodies, parameter names outside the tracker
protocol are hashed too (``?jane@example.com`` puts data in a name; the keys of JSON bodies are
object keys, kept). The request path's vendor and version stay in clear, like schema fields.

Pseudonymized bad rows still validate against their Iglu schemas: whatever cannot be parsed into
fields (an undecodable record, a truncated oversized payload), and any value longer than the
schema allows (a re-encoded context over 512 characters), is replaced by its pseudonym and its
length; the network user id, typed as a UUID there, becomes the first 32 hex digits of its
pseudonym in UUID layout (joinable with the good events' 64-digit pseudonym); a version longer
than 16 characters keeps 16 of them. A bad row of an unexpected shape has every leaf hashed.

The raw record a bad row came from travels with it (its ``original``, a :class:`transforms.recovery.Original`)
until :meth:`Pseudonymizer.bad_row`, which seals it under ``recovery`` with the recovery keyring when one
is configured (an AES-256-GCM envelope, see :mod:`transforms.recovery`) and drops it otherwise. A
``recovery`` key inside a row (JSON read from a file) is hashed like any other key.

Good events go in batches to the native core (``native.GoodEvents``), which pseudonymizes and serializes them in
one call: :meth:`Pseudonymizer.good_table` (Parquet's Arrow table) and :meth:`Pseudonymizer.good_tsv` (the
canonical TSV lines). An allowlisted field with a shape (``enrich.FIELD_SHAPES``) whose value does not fit it is
free text there: hashed.

The salt is given as bytes; where it is read from is :mod:`transforms.secrets`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import orjson
import pyarrow as pa

from snowplow_beam.transforms import badrows, bounded_json, native
from snowplow_beam.transforms.adapters import decode_base64url
from snowplow_beam.transforms.atomic import FIELD_NAMES, FIELDS, JSON_FIELDS, table_of_columns
from snowplow_beam.transforms.badrows import BadRow
from snowplow_beam.transforms.enrich import FIELD_SHAPES, PARAMETER_FIELDS, field_fits, parameter_fits
from snowplow_beam.transforms.iglu.keys import SchemaCriterion, is_schema_uri, schema_key_of
from snowplow_beam.transforms.querystring import query_pairs
from snowplow_beam.transforms.files import Files
from snowplow_beam.transforms.recovery import RECOVERY_FIELD

DEFAULT_POLICY_PATH = Path(__file__).with_name("data") / "pseudonymization.json"
_TERMINAL = "\0all"  # trie marker: this path and everything below it
_SENSITIVE_MESSAGE_KEYS = ("value", "json", "targets")
_MAX_CACHED_TEXT = 512  # the longest value whose pseudonym is cached: the cache holds at most ~40 MB
_PATH_MESSAGE_KEYS = ("message", "path")
_QUOTED_KEY = re.compile(r"\['((?:[^'\\]|\\.)*)'\]")  # a key in a JSON path that is not a plain name
_EVENT_KEY = re.compile(r"(\$\[[0-9]+\])\.([A-Za-z_][A-Za-z0-9_]*)")  # a name of an event of a tp2 body
# Schema-describing parameters that carry no user data when they hold an Iglu URI (the Iglu webhook's ``schema``).
_SCHEMA_PARAMETERS = frozenset(("schema",))
_JSON_PARAMETERS = {"ue_pr": "unstruct_event", "ue_px": "unstruct_event", "co": "contexts", "cx": "contexts"}
_BASE64_PARAMETERS = frozenset(("ue_px", "cx"))
# Parameter names of the tracker protocol (payload_data 1-0-4, plus the redirect's ``u`` and the Iglu
# webhook's ``schema``): kept in clear. Any other name is data (``?jane@example.com``) and is hashed.
_PROTOCOL_PARAMETERS = frozenset(PARAMETER_FIELDS) | frozenset((
    "ad_ad", "ad_ba", "ad_ca", "ad_uid", "ctype", "mac", "sa", "sn", "sp", "st", "ue_na", "u", "schema",
))
_COLLECTOR_FIELDS_HASHED = ("ipAddress", "useragent", "refererUri")
_COLLECTOR_UUID_FIELDS = ("networkUserId", "userId")  # typed "format": "uuid" by the bad-row schemas
# maxLength of the bad-row schemas (adapter_failures 1-0-0, tracker_protocol_violations 1-0-1,
# schema_violations / enrichment_failures 2-0-1) for the values that stay in clear or grow when hashed.
_MAX_PARAMETER_VALUE = 512
_MAX_HEADER = 8192
_MAX_COLLECTOR = 32
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # an RFC 9110 token
# Collector fields kept in clear when they are what they say (a media type, a charset name, a host),
# else hashed (cut to the bad-row schemas' maxLength): (name, shape, maxLength).
_COLLECTOR_FIELDS_SHAPED = (
    ("contentType", re.compile(rf"{_TOKEN}/{_TOKEN}(?: *; *{_TOKEN}=(?:{_TOKEN}|\"[^\"\\]*\"))*"), 256),
    ("encoding", re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*"), 32),
    ("hostname", re.compile(r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?"), 255),
)
# Header names kept in clear beside the policy's header allowlist (whose values stay in clear too):
# the standard ones. Any other name may be data (``X-Jane-Doe: 1``) and is hashed with its value.
_STANDARD_HEADERS = frozenset((
    "accept", "accept-charset", "accept-encoding", "accept-language", "authorization", "cache-control",
    "connection", "content-encoding", "content-length", "content-type", "cookie", "dnt", "forwarded", "host",
    "if-modified-since", "if-none-match", "origin", "pragma", "priority", "referer", "sec-ch-ua",
    "sec-ch-ua-mobile", "sec-ch-ua-platform", "sec-fetch-dest", "sec-fetch-mode", "sec-fetch-site",
    "sec-fetch-user", "sec-gpc", "te", "upgrade-insecure-requests", "user-agent", "via", "x-forwarded-for",
    "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "x-real-ip", "x-requested-with",
    "sp-anonymous",
))
_MAX_VENDOR = 64
_MAX_VERSION = 16
_HEADER_NAME = re.compile(_TOKEN)
_PROCESSOR_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-+]*")
_PATH_KEY = re.compile(r"[^\s\[\]*'\".]+")


def _shape_text(shape: re.Pattern) -> str:
    """A field shape's regex text, for the native core's regex engine (same syntax for these patterns; a flag
    would be lost in the text, so there is none)."""
    if shape.flags != re.UNICODE:
        raise ValueError(f"a field shape takes no flags: {shape.pattern!r}")
    return shape.pattern


def _is_timestamp(value) -> bool:
    """Whether ``value`` is an RFC 3339 date-time (what bad rows carry as ``timestamp``)."""
    if not isinstance(value, str) or len(value) > 40 or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class Hasher:
    """HMAC-SHA256 pseudonyms under one salt, with a cache for values that repeat."""

    def __init__(self, salt: bytes, cache_size: int = 1 << 16):
        # the native core's HMAC (a GoodEvents of no fields: only its hasher), the same as the good events':
        # hmac.digest(salt, text.encode("utf-8", "surrogatepass"), "sha256").hex(); surrogatepass: a lone
        # surrogate (a str from outside the file reader) still has a deterministic pseudonym
        pseudonym = native.GoodEvents((), (), {}, (), salt).hash_text
        cached = lru_cache(maxsize=cache_size)(pseudonym)  # a hit: ~90 ns, a call into the core ~350 ns (measured)

        def text(value: str) -> str:
            # only short values repeat; a long one (a body of a megabyte) would pin its text in the cache
            return cached(value) if len(value) <= _MAX_CACHED_TEXT else pseudonym(value)

        self.text = text

    def leaf(self, value):
        """A JSON leaf's pseudonym: strings as they are, numbers and booleans as JSON text, null kept."""
        if value is None:
            return None
        if isinstance(value, str):
            return self.text(value)
        try:
            return self.text(orjson.dumps(value).decode("utf-8"))
        except TypeError:  # an integer beyond 64 bits (orjson's limit): its JSON text is its decimal form
            return self.text(json.dumps(value))

    def opaque(self, text: str) -> str:
        """What replaces data that cannot be parsed into fields: its pseudonym and its length."""
        return f"hmac-sha256:{self.text(text)};length={len(text)}"

    def uuid(self, text: str) -> str:
        """The pseudonym's first 32 hex digits in UUID layout, for fields a schema types as UUIDs."""
        digest = self.text(text)
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _strings(value, what: str) -> list[str]:
    """A policy list: a JSON array of strings (a bare string would be read as its characters)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{what} must be a list of strings, not {value!r:.200}")
    return list(value)


def _path_trie(paths) -> dict:
    trie: dict = {}
    for path in paths:
        if path == "$":
            return {_TERMINAL: True}
        if not path.startswith("$."):
            raise ValueError(f"path {path!r} must be '$' or start with '$.'")
        node = trie
        for key in path[2:].split("."):
            if not key:
                raise ValueError(f"path {path!r} has an empty key")
            if not _PATH_KEY.fullmatch(key):
                raise ValueError(
                    f"path {path!r}: keys are plain names ('$.a.b'); arrays are transparent, and brackets, "
                    "wildcards, quotes and spaces are not supported"
                )
            node = node.setdefault(key, {})
        node[_TERMINAL] = True
    return trie


@dataclass(frozen=True)
class EntityRule:
    """How to pseudonymize the data of the entities whose schema matches ``criterion``."""

    criterion: SchemaCriterion
    allow: bool  # True: paths kept in clear; False: only the paths hashed
    trie: dict
    paths: tuple[str, ...]  # as the policy lists them (what the native core builds its trie from)


class Policy:
    """What stays in clear; see the module docstring for the file format."""

    def __init__(self, atomic_allowlist, entities, header_allowlist):
        atomic_allowlist = _strings(atomic_allowlist, "atomic_allowlist")
        header_allowlist = _strings(header_allowlist, "header_allowlist")
        if not isinstance(entities, (list, tuple)):
            raise ValueError(f"entities must be a list of rules, not {entities!r:.200}")
        unknown = sorted(set(atomic_allowlist) - set(FIELD_NAMES))
        if unknown:
            raise ValueError(f"atomic_allowlist names fields that do not exist: {', '.join(unknown)}")
        self.atomic_allowlist = frozenset(atomic_allowlist) - set(JSON_FIELDS)
        self.header_allowlist = frozenset(h.lower() for h in header_allowlist)
        self.rules: tuple[EntityRule, ...] = tuple(self._rule(entity) for entity in entities)
        self.clear_parameters = frozenset(
            key for key, fields in PARAMETER_FIELDS.items() if all(f in self.atomic_allowlist for f in fields)
        )
        self.rule_for = lru_cache(maxsize=4096)(self._rule_for)

    @staticmethod
    def _rule(entity: dict) -> EntityRule:
        if not isinstance(entity, dict) or set(entity) not in ({"schema", "allow"}, {"schema", "deny"}):
            raise ValueError(f"an entity rule has 'schema' and one of 'allow' or 'deny': {entity!r}")
        allow = "allow" in entity
        kind = "allow" if allow else "deny"
        paths = _strings(entity[kind], f"the {kind} paths of {entity['schema']!r}")
        return EntityRule(SchemaCriterion.parse(entity["schema"]), allow, _path_trie(paths), tuple(paths))

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        if not isinstance(data, dict):
            raise ValueError("the pseudonymization policy must be a JSON object")
        unknown = set(data) - {"atomic_allowlist", "entities", "header_allowlist", "description"}
        if unknown:
            raise ValueError(f"unknown keys in the pseudonymization policy: {', '.join(sorted(unknown))}")
        return cls(data.get("atomic_allowlist", ()), data.get("entities", ()), data.get("header_allowlist", ()))

    @classmethod
    def from_file(cls, path: str | None = None, files: Files | None = None) -> "Policy":
        """Load a policy file through ``files``; the shipped default when ``path`` is None."""
        text = DEFAULT_POLICY_PATH.read_bytes() if path is None else files.read_bytes(path)
        try:
            return cls.from_dict(json.loads(text))
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"invalid pseudonymization policy {path or DEFAULT_POLICY_PATH}: {exc}") from None

    def _rule_for(self, schema: str) -> EntityRule | None:
        key = schema_key_of(schema)
        if key is None:
            return None
        for rule in self.rules:
            if rule.criterion.matches(key):
                return rule
        return None


class Pseudonymizer:
    """Applies a :class:`Policy` with one salt to enriched events and bad rows.

    ``recovery``: a :class:`transforms.recovery.Keyring`; when given, bad rows keep their raw record
    sealed with it (see :meth:`bad_row`).

    ``is_valid``: whether a self-describing JSON validates against its Iglu schema (``sdj -> bool``:
    :meth:`transforms.iglu.validator.Validator.is_valid`). In bad rows, an entity's rule applies only when
    the entity validates (the data of one that does not is free text: every leaf hashed), and every
    pseudonymized bad row is checked against its own schema (one that fails becomes a
    ``generic_error`` holding it as a pseudonym). Without it, entities in bad rows are hashed whole and
    bad rows are not checked.
    """

    def __init__(self, policy: Policy, salt: bytes, recovery=None, is_valid=None):
        self.policy = policy
        self._hash = Hasher(salt)
        self._recovery = recovery
        self._is_valid = is_valid
        self._good = native.GoodEvents(
            FIELDS, sorted(policy.atomic_allowlist), {name: _shape_text(shape) for name, shape in FIELD_SHAPES.items()},
            [(str(rule.criterion), rule.allow, list(rule.paths)) for rule in policy.rules], salt,
        )

    # ---- JSON values ---------------------------------------------------------------------------

    def _all_leaves(self, node):
        if isinstance(node, dict):
            return {k: self._all_leaves(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._all_leaves(v) for v in node]
        return self._hash.leaf(node)

    def _walk(self, node, trie, allow: bool):
        if trie is None:
            return node if not allow else self._all_leaves(node)
        if _TERMINAL in trie:
            return node if allow else self._all_leaves(node)
        if isinstance(node, dict):
            return {k: self._walk(v, trie.get(k), allow) for k, v in node.items()}
        if isinstance(node, list):
            return [self._walk(v, trie, allow) for v in node]
        return self._hash.leaf(node) if allow else node

    def _self_describing(self, sdj: dict, data) -> dict:
        """``sdj`` with ``data`` in place of its data: the schema in clear if it is an Iglu URI, every
        other key's value hashed (validation looks at ``schema`` and ``data`` only)."""
        if len(sdj) == 2 and is_schema_uri(sdj.get("schema")):  # the usual shape
            return {"schema": sdj["schema"], "data": data}
        out = {}
        for key, value in sdj.items():
            if key == "data":
                out[key] = data
            elif key == "schema" and is_schema_uri(value):
                out[key] = value
            else:
                out[key] = self._all_leaves(value)
        return out

    def entity(self, entity, validated: bool = True):
        """A self-describing entity ``{"schema", "data"}``: its data per the schema's rule.

        ``validated=False`` (bad rows): the rule applies only if the entity validates against its schema.
        """
        if not isinstance(entity, dict) or "data" not in entity:
            return self._all_leaves(entity)
        schema = entity.get("schema")
        rule = self.policy.rule_for(schema) if is_schema_uri(schema) else None
        if rule is not None and not validated and not self._entity_valid(entity):
            rule = None
        if rule is None:
            data = self._all_leaves(entity["data"])
        else:
            data = self._walk(entity["data"], rule.trie, rule.allow)
        return self._self_describing(entity, data)

    def _entity_valid(self, entity: dict) -> bool:
        return self._is_valid is not None and self._is_valid(entity)

    def envelope(self, field: str, envelope, validated: bool = True):
        """The value of ``unstruct_event`` (one entity inside) or ``contexts`` / ``derived_contexts`` (a list)."""
        if not isinstance(envelope, dict) or "data" not in envelope:
            return self._all_leaves(envelope)
        data = envelope["data"]
        if field == "unstruct_event":
            data = self.entity(data, validated)
        elif isinstance(data, list):
            data = [self.entity(item, validated) for item in data]
        else:
            data = self._all_leaves(data)
        return self._self_describing(envelope, data)

    # ---- good events ---------------------------------------------------------------------------

    def event_id_text(self, event_id: str) -> str:
        """An event id as the event's good row holds it (what spreads good events over files)."""
        return event_id if "event_id" in self.policy.atomic_allowlist else self._hash.text(event_id)

    def good_table(self, events: list[dict], batch: "native.GoodBatch | None" = None,
                   indices: list[int] = ()) -> tuple[pa.Table, int]:
        """The good events at ``indices`` of a native batch (``adapt_records``' good events), then ``events``
        (dicts), pseudonymized as one Arrow table (:data:`atomic.ARROW_SCHEMA`), and how many values were
        pseudonymized (set, outside the allowlist), in one call into the native core."""
        rows, columns, pseudonymized = self._good.arrow_columns(batch, list(indices), events)
        return table_of_columns(rows, columns), pseudonymized

    def good_tsv(self, events: list[dict], batch: "native.GoodBatch | None" = None,
                 indices: list[int] = ()) -> tuple[bytes, int]:
        """The same events pseudonymized as canonical TSV lines (UTF-8, each ending in a newline), and how many
        values were pseudonymized, in one call into the native core."""
        return self._good.tsv_lines(batch, list(indices), events)

    # ---- bad rows ------------------------------------------------------------------------------

    def parameter(self, name: str, value):
        """One tracker parameter's value, as a bad row may carry it: in clear only where the policy keeps
        its fields in clear *and* it is what they say (it parses, it has their shape); else hashed."""
        if value is None:
            return value
        if not isinstance(value, str):
            return self._all_leaves(value)
        if name in self.policy.clear_parameters and parameter_fits(name, value):
            return value
        if name in _SCHEMA_PARAMETERS and is_schema_uri(value):
            return value
        field = _JSON_PARAMETERS.get(name)
        if field is not None:
            try:
                text = decode_base64url(value).decode("utf-8") if name in _BASE64_PARAMETERS else value
                clean = orjson.dumps(self.envelope(field, bounded_json.loads(text), validated=False))
            except (ValueError, binascii.Error, TypeError):
                return self._hash.text(value)
            return base64.urlsafe_b64encode(clean).decode("ascii") if name in _BASE64_PARAMETERS else clean.decode()
        return self._hash.text(value)

    def _name(self, name: str) -> str:
        """A parameter name: in clear if the tracker protocol defines it, else hashed."""
        return name if name in _PROTOCOL_PARAMETERS else self._hash.text(name)

    def _parameters(self, items):
        """A bad row's ``[{name, value}]``; a value longer than the schema allows becomes its pseudonym and length."""
        if items is None:
            return None
        out = []
        for item in items:
            name, value = item["name"], item["value"]
            clean = self.parameter(name, value)
            if clean is not None and len(clean) > _MAX_PARAMETER_VALUE:
                clean = self._hash.opaque(value)
            out.append({"name": self._name(name), "value": clean})
        return out

    def _headers(self, headers):
        if headers is None:
            return None
        allowed = self.policy.header_allowlist
        out = []
        for header in headers:
            name, colon, value = header.partition(":")
            name = name.strip()
            if not colon or not _HEADER_NAME.fullmatch(name):  # not a header: no name to keep
                out.append(self._hash.text(header))
            elif (lower := name.lower()) in allowed and len(header) <= _MAX_HEADER:
                out.append(header)
            elif lower in allowed or lower in _STANDARD_HEADERS:
                out.append(f"{name}: {self._hash.text(value.strip())}")
            else:
                out.append(f"{self._hash.text(name)}: {self._hash.text(value.strip())}")
        return out

    def _body(self, body, content_type):
        if body is None:
            return None
        try:
            parsed = bounded_json.loads(body)
        except ValueError:
            if (content_type or "").lower().startswith("application/x-www-form-urlencoded"):
                return urlencode([(self._name(k), self.parameter(k, v)) for k, v in query_pairs(body)])
            return self._hash.opaque(body)
        if isinstance(parsed, dict) and isinstance(parsed.get("data"), list) and "schema" in parsed:
            data = [  # the events of a payload_data body: their keys are parameter names
                {self._name(k): self.parameter(k, v) for k, v in item.items()}
                if isinstance(item, dict) else self._all_leaves(item)
                for item in parsed["data"]
            ]
            return orjson.dumps(self._self_describing(parsed, data)).decode("utf-8")
        return orjson.dumps(self._all_leaves(parsed)).decode("utf-8")

    def _adapter(self, row: dict) -> None:
        """``vendor`` and ``version`` (the request path) in place: in clear, like schema fields, unless longer
        than the schemas allow (64 and 16 characters): then the pseudonym, cut to 16 digits for the version."""
        vendor, version = row.get("vendor"), row.get("version")
        if isinstance(vendor, str) and len(vendor) > _MAX_VENDOR:
            row["vendor"] = self._hash.text(vendor)
        if isinstance(version, str) and len(version) > _MAX_VERSION:
            row["version"] = self._hash.text(version)[:_MAX_VERSION]

    def _collector_fields(self, payload: dict) -> dict:
        out = dict(payload)
        for name in _COLLECTOR_FIELDS_HASHED:
            if out.get(name) is not None:
                out[name] = self._hash.text(out[name])
        for name in _COLLECTOR_UUID_FIELDS:
            if out.get(name) is not None:
                out[name] = self._hash.uuid(out[name])
        if "headers" in out:
            out["headers"] = self._headers(out["headers"])
        for name, shape, limit in _COLLECTOR_FIELDS_SHAPED:
            value = out.get(name)
            if isinstance(value, str) and not (len(value) <= limit and shape.fullmatch(value)):
                out[name] = self._hash.text(value)[:limit]
        collector = out.get("collector")
        if isinstance(collector, str) and not (
                "v_collector" in self.policy.atomic_allowlist and len(collector) <= _MAX_COLLECTOR
                and field_fits("v_collector", collector)):
            out["collector"] = self._hash.text(collector)[:_MAX_COLLECTOR]
        self._adapter(out)
        return out

    def _partial_event(self, enriched: dict) -> dict:
        allowlist = self.policy.atomic_allowlist
        out = {}
        for name, value in enriched.items():
            if name in allowlist:
                out[name] = value if field_fits(name, value) else self._hash.leaf(value)
            elif name in JSON_FIELDS:
                try:
                    envelope = self.envelope(name, bounded_json.loads(value), validated=False)
                    out[name] = orjson.dumps(envelope).decode("utf-8")
                except (ValueError, TypeError):
                    out[name] = self._hash.text(value)
            elif isinstance(value, str):
                out[name] = self._hash.text(value)
        return out

    def _message(self, message, parameters: bool = False):
        """Failure messages: their values hashed; in the JSON paths they quote (``message``, ``path``), keys
        that are not plain names hashed (``$['jane@example.com']``), and with ``parameters`` (the events of a
        tp2 body) every name outside the tracker protocol (``$[0].janedoe``)."""
        if isinstance(message, dict):
            return {
                k: self._all_leaves(v) if k in _SENSITIVE_MESSAGE_KEYS
                else self._path_keys(v, parameters) if k in _PATH_MESSAGE_KEYS and isinstance(v, str)
                else self._message(v, parameters)
                for k, v in message.items()
            }
        if isinstance(message, list):
            return [self._message(m, parameters) for m in message]
        return message

    def _path_keys(self, text: str, parameters: bool) -> str:
        text = _QUOTED_KEY.sub(lambda m: f"['{self._hash.text(m[1])}']", text)
        if parameters:
            text = _EVENT_KEY.sub(lambda m: f"{m[1]}.{self._name(m[2])}", text)
        return text

    def bad_row(self, bad: BadRow) -> BadRow:
        """A bad row with nothing outside the policy left in clear; its raw record, if the pipeline attached
        one, sealed under ``recovery`` with the recovery keyring (dropped when there is none)."""
        if not bad.built_here:
            data = self._foreign(bad.row.get("data"))
        else:
            try:
                data = self._bad_row_data(bad.type_name, bad.row["data"])
            except (KeyError, TypeError, AttributeError, ValueError, IndexError):
                data = self._all_leaves(bad.row.get("data"))  # not a shape the builders make: every leaf hashed
        row = self._self_describing(bad.row, data)
        if self._is_valid is not None and not self._is_valid(row):
            row = self._schemaless(bad, row)
        if bad.original is not None and self._recovery is not None:
            row[RECOVERY_FIELD] = self._recovery.seal(bad.original)
        return bad._replace(row=row, original=None)

    def _schemaless(self, bad: BadRow, row: dict) -> dict:
        """A pseudonymized bad row that fails its own schema, kept whole (as a pseudonym) in a generic_error."""
        text = orjson.dumps(row).decode("utf-8")
        schema = row.get("schema") if is_schema_uri(row.get("schema")) else "an unknown schema"
        error = f"a bad row failed {schema} once pseudonymized; kept whole as its pseudonym"
        return badrows.generic_error(self._hash.opaque(text), [error[:512]], bad.partition_ms).row

    def _foreign(self, data):
        """The data of a bad row another program wrote (the collector's raw-bad files): every string hashed
        but the timestamps and the processor's name and version that fit their shapes; numbers kept."""
        if not isinstance(data, dict):
            return self._all_leaves(data)
        out = {}
        for key, value in data.items():
            if key == "processor" and isinstance(value, dict):
                out[key] = {k: v if isinstance(v, str) and len(v) <= 64 and _PROCESSOR_TEXT.fullmatch(v)
                            else self._all_leaves(v) for k, v in value.items()}
            elif key == "failure" and isinstance(value, dict):
                out[key] = {k: v if k == "timestamp" and _is_timestamp(v) else self._numbers_kept(v)
                            for k, v in value.items()}
            elif key == "payload" and isinstance(value, str):
                out[key] = self._hash.opaque(value)
            else:
                out[key] = self._numbers_kept(value)
        return out

    def _numbers_kept(self, node):
        """Every string leaf hashed; numbers, booleans and null kept (sizes and counts, which schemas type)."""
        if isinstance(node, dict):
            return {k: self._numbers_kept(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._numbers_kept(v) for v in node]
        return self._hash.text(node) if isinstance(node, str) else node

    def _bad_row_data(self, kind: str, data: dict) -> dict:
        failure = self._message(data["failure"], kind in ("adapter_failures", "tracker_protocol_violations"))
        payload = data["payload"]
        if isinstance(payload, str):  # format and size violations, generic errors: unparsed bytes
            payload = self._hash.opaque(payload)
        elif kind in ("adapter_failures", "tracker_protocol_violations"):
            payload = self._collector_fields(payload)
            payload["querystring"] = self._parameters(payload.get("querystring"))
            payload["body"] = self._body(payload.get("body"), payload.get("contentType"))
            self._adapter(failure)  # a copy already: _message rebuilds the dicts
        elif "raw" in payload:
            raw = self._collector_fields(payload["raw"])
            raw["parameters"] = self._parameters(raw.get("parameters"))
            payload = {"raw": raw, "enriched": self._partial_event(payload.get("enriched", {}))}
        else:
            payload = self._all_leaves(payload)
        out = {k: v if k == "processor" else self._all_leaves(v)
               for k, v in data.items() if k not in ("failure", "payload")}
        return {**out, "failure": failure, "payload": payload}
