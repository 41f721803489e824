"""One JSON schema compiled for validation, and the failure reports of data it rejects.

Each schema is checked once (draft-04; the Iglu ``$schema``, ``self`` and ``$supersededBy`` keywords are
stripped; remote ``$ref`` is refused, and so are unresolvable local ones and patterns Python's ``re`` cannot
compile) and validated with ``jsonschema``'s Draft4Validator, whose errors make the ``dataReports``, worded as
the networknt validator that enrich uses words them. Formats checked: date-time, email, hostname, ipv4, ipv6,
uri (the draft-04 regexes of fastjsonschema, which this used to compile with), uuid and regex, each bounded in
length; other formats are not asserted. The fast path of valid data is the native store (``validator.py``),
which asserts the same formats.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable
from urllib.parse import unquote

from jsonschema import Draft4Validator, FormatChecker

from snowplow_beam.transforms.iglu.errors import bounded_message

_DRAFT4 = "http://json-schema.org/draft-04/schema#"
MAX_DATA_REPORTS = 100  # failures reported per schema in a bad row; the rest are left out
_STRIPPED_KEYWORDS = ("$schema", "self", "$supersededBy")

# Event data meets these patterns, and some backtrack on long text (email's look-ahead is quadratic): each
# runs only on text no longer than a value of that format can be (RFC 5321, 1035, 3339, 4291); longer fails.
# The native store (native/src/validate.rs) asserts the same, translated to the regex crate.
# Calendar date: the day must exist in its month, and 29 February only in a leap year.
_DATE_REGEX = (
    r'\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))'
    r'|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29'
)
_FORMAT_REGEXES: dict[str, str] = {
    'date-time': r'^(?:' + _DATE_REGEX + r')(t|T)(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|[+-](?:[01]\d|2[0-3])[0-5]\d|z|Z)\Z',
    'email': r'^(?!.*\.\..*@)[^@.][^@]*(?<!\.)@[^@]+\.[^@]+\Z',
    'hostname': r'^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]{0,61}[A-Za-z0-9])\Z',
    'ipv4': r'^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\Z',
    'ipv6': (
        r'^(?:'
        r'(?:[0-9A-Fa-f]{1,4}:){6}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|::(?:[0-9A-Fa-f]{1,4}:){5}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){4}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,1}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){3}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,2}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){2}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,3}[0-9A-Fa-f]{1,4})?::[0-9A-Fa-f]{1,4}:(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,4}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,5}[0-9A-Fa-f]{1,4})?::[0-9A-Fa-f]{1,4}'
        r'|(?:(?:[0-9A-Fa-f]{1,4}:){,6}[0-9A-Fa-f]{1,4})?::'
        r')\Z'
    ),
    'uri': r'^\w+:(\/?\/?)[^\s]+\Z',
    "uuid": r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z",
}
_FORMAT_MAX_LENGTHS = {"email": 254, "hostname": 253, "date-time": 64, "ipv4": 15, "ipv6": 45, "uuid": 36}


def _format_check(name: str, pattern: str):
    compiled = re.compile(pattern)
    limit = _FORMAT_MAX_LENGTHS.get(name)
    if limit is None:  # linear patterns (uri)
        return lambda value: not isinstance(value, str) or compiled.match(value) is not None
    return lambda value: not isinstance(value, str) or (len(value) <= limit and compiled.match(value) is not None)


_FORMAT_CHECKS = {name: _format_check(name, pattern) for name, pattern in _FORMAT_REGEXES.items()}


def _refuse_remote_ref(uri: str):
    raise ValueError(f"remote $ref not supported: {uri}")


_NO_REMOTE = {scheme: _refuse_remote_ref for scheme in ("http", "https", "file", "ftp", "iglu")}

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for fmt, check in _FORMAT_CHECKS.items():
        checker.checks(fmt)(check)
    checker.checks("regex", raises=re.error)(lambda v: not isinstance(v, str) or re.compile(v) is not None)
    return checker


_FORMAT_CHECKER = _format_checker()


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.fullmatch(part):
            out += "." + part
        else:
            out += "['" + str(part).replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _schema_text(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _report(message: str, path: str, keyword: str | None, targets: list | None) -> dict:
    return {"message": message, "path": path, "keyword": keyword, "targets": targets}


def _reports_for_error(err, seen: set) -> list[dict]:
    """networknt-style data reports (what enrich writes) for one jsonschema error; never quotes the data."""
    keyword = err.validator
    value = err.validator_value
    instance = err.instance
    path = _json_path(err.absolute_path)
    if keyword == "required":
        # jsonschema yields one error per missing property; report each missing property once per keyword
        marker = (path, "required", tuple(value) if isinstance(value, list) else repr(value))
        if marker in seen:
            return []
        seen.add(marker)
        missing = [p for p in value if isinstance(instance, dict) and p not in instance]
        return [_report(f"{_json_path([*err.absolute_path, p])}: is missing but it is required", path, "required", [p]) for p in missing]
    if keyword == "additionalProperties" and value is False:
        props = err.schema.get("properties", {}) or {}
        patterns = list((err.schema.get("patternProperties", {}) or {}).keys())
        extras = [
            k for k in instance if k not in props and not any(re.search(p, k) for p in patterns)
        ] if isinstance(instance, dict) else []
        return [
            _report(
                f"{_json_path([*err.absolute_path, k])}: is not defined in the schema and the schema does not allow additional properties",
                path, "additionalProperties", [k],
            )
            for k in extras
        ] or [_report(f"{path}: additional properties are not allowed", path, keyword, [])]
    if keyword == "type":
        found = _type_name(instance)
        expected = value if isinstance(value, str) else "[" + ", ".join(map(str, value)) + "]"
        return [_report(f"{path}: {found} found, {expected} expected", path, "type", [found, expected])]
    simple = {
        "maxLength": "may only be {} characters long",
        "minLength": "must be at least {} characters long",
        "pattern": "does not match the regex pattern {}",
        "format": "does not match the {} pattern",
        "multipleOf": "must be multiple of {}",
        "minItems": "expected at least {} items",
        "maxItems": "expected at most {} items",
        "minProperties": "should have a minimum of {} properties",
        "maxProperties": "may only have a maximum of {} properties",
        "enum": "does not have a value in the enumeration {}",
    }
    if keyword in simple:
        shown = _schema_text(value) if keyword == "enum" else str(value)
        return [_report(f"{path}: " + simple[keyword].format(shown), path, keyword, [shown])]
    if keyword in ("minimum", "maximum"):
        exclusive = bool(err.schema.get("exclusiveMinimum" if keyword == "minimum" else "exclusiveMaximum"))
        word = ("greater than" if keyword == "minimum" else "less than") if exclusive else None
        text = f"must be {word} {value}" if word else f"must have a {keyword} value of {value}"
        return [_report(f"{path}: {text}", path, keyword, [str(value)])]
    fixed = {
        "uniqueItems": "the items in the array must be unique",
        "anyOf": "should be valid to any of the schemas",
        "oneOf": "should be valid to one and only one of the schemas",
        "allOf": "should be valid to all the schemas",
        "not": "should not be valid to the schema",
        "additionalItems": "no additional items are allowed in the array",
        "dependencies": "has a missing dependency",
        "additionalProperties": "has a property that does not match the additionalProperties schema",
    }
    text = fixed.get(keyword, f"fails the {keyword!r} constraint")
    return [_report(f"{path}: {text}", path, keyword, [])]


class CompiledSchema:
    """A schema checked once: ``definition`` (what is validated: the Iglu keywords stripped) when it can be used,
    else the ``issues`` that make it unusable (``schemaIssues`` of a ValidationError). ``schema`` is the schema as
    the resolver gave it."""

    __slots__ = ("schema", "definition", "issues", "_validator")

    def __init__(self, schema: Any):
        self.schema = schema
        self.definition = None
        self.issues: list[dict] | None = None
        self._validator = None
        if not isinstance(schema, dict):
            self.issues = [{"path": "$", "message": f"schema is a JSON {_type_name(schema)}, not an object"}]
            return
        definition = {k: v for k, v in schema.items() if k not in _STRIPPED_KEYWORDS}
        definition["$schema"] = _DRAFT4
        issues = _schema_issues(definition)
        if issues:
            self.issues = issues
            return
        try:
            _check_compilable(definition, definition, 0)
        except Exception as exc:  # re.error, a remote or unresolvable $ref, a schema nested too deep
            self.issues = [{"path": "$", "message": bounded_message(f"cannot compile schema: {exc}")}]
            return
        self.definition = definition
        self._validator = Draft4Validator(definition, format_checker=_FORMAT_CHECKER)

    def failures(self, data: Any) -> list[dict]:
        """The ``dataReports`` of ``data`` (``[]`` when it is valid); only for a schema that compiled."""
        reports: list[dict] = []
        seen: set = set()
        try:
            for err in self._validator.iter_errors(data):
                reports.extend(_reports_for_error(err, seen))
                if len(reports) >= MAX_DATA_REPORTS:  # an array of a million bad items: a bounded bad row
                    del reports[MAX_DATA_REPORTS:]
                    break
        except Exception as exc:  # e.g. data holding non-JSON values; report rather than crash the worker
            return [_report(f"$: cannot validate data: {bounded_message(str(exc))}", "$", None, [])]
        return reports


_MAX_SCHEMA_DEPTH = 200
_DATA_KEYWORDS = ("enum", "default", "examples", "const")  # their values are data, not schemas


def _check_compilable(node: Any, root: dict, depth: int) -> None:
    """Raises what compiling the schema once used to: a pattern ``re`` cannot compile, a ``$ref`` that is not a
    local JSON pointer into the schema (nothing is fetched), or one that points at nothing."""
    if depth > _MAX_SCHEMA_DEPTH:
        raise ValueError("schema nested too deeply")
    if isinstance(node, list):
        for item in node:
            _check_compilable(item, root, depth + 1)
        return
    if not isinstance(node, dict):
        return
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        re.compile(pattern)
    properties = node.get("patternProperties")
    if isinstance(properties, dict):
        for key in properties:
            re.compile(key)
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith("#"):
            raise ValueError(f"remote $ref not supported: {ref}")
        _resolve_pointer(root, ref[1:])
    for key, value in node.items():
        if key not in _DATA_KEYWORDS:
            _check_compilable(value, root, depth + 1)


def _resolve_pointer(schema: Any, fragment: str) -> Any:
    """A JSON pointer (RFC 6901, percent-decoded) into the schema, as fastjsonschema resolved it."""
    fragment = fragment.lstrip("/")
    for part in unquote(fragment).split("/") if fragment else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(schema, list) and part.isdigit() and int(part) < len(schema):
            schema = schema[int(part)]
        elif isinstance(schema, dict) and part in schema:
            schema = schema[part]
        else:
            raise ValueError(f"Unresolvable ref: {part}")
    return schema


def _schema_issues(definition: dict) -> list[dict]:
    meta = Draft4Validator(Draft4Validator.META_SCHEMA)
    issues = []
    try:
        for err in meta.iter_errors(definition):
            issues.append({"path": _json_path(err.absolute_path), "message": bounded_message(err.message)})
    except Exception as exc:
        issues.append({"path": "$", "message": bounded_message(f"cannot check schema: {exc}")})
    return issues
