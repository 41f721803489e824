"""One JSON schema compiled for validation, and the failure reports of data it rejects.

Each schema is compiled once with ``fastjsonschema`` (draft-04; the Iglu ``$schema``, ``self`` and ``$supersededBy``
keywords are stripped, remote ``$ref`` is refused); only when that says "invalid" is ``jsonschema``
(Draft4Validator, same format checks) run to collect every error for ``dataReports``, worded as the networknt
validator that enrich uses words them. Formats checked by both: date-time, email, hostname, ipv4, ipv6, uri
(fastjsonschema's draft-04 regexes), uuid and regex, each bounded in length; other formats are not asserted.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

import fastjsonschema
from fastjsonschema.draft04 import CodeGeneratorDraft04

from snowplow_beam.transforms.iglu.errors import bounded_message

_DRAFT4 = "http://json-schema.org/draft-04/schema#"
MAX_DATA_REPORTS = 100  # failures reported per schema in a bad row; the rest are left out
_STRIPPED_KEYWORDS = ("$schema", "self", "$supersededBy")

# The same format assertions for fastjsonschema (fast path) and jsonschema (error collection), so they agree.
# Event data meets these patterns, and some backtrack on long text (email's look-ahead is quadratic): each
# runs only on text no longer than a value of that format can be (RFC 5321, 1035, 3339, 4291); longer fails.
_FORMAT_REGEXES: dict[str, str] = dict(CodeGeneratorDraft04.FORMAT_REGEXS)
_FORMAT_REGEXES["uuid"] = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z"
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

_js_format_checker = None


def _format_checker():
    global _js_format_checker
    if _js_format_checker is None:
        from jsonschema import FormatChecker

        checker = FormatChecker(formats=())
        for fmt, check in _FORMAT_CHECKS.items():
            checker.checks(fmt)(check)
        checker.checks("regex", raises=re.error)(lambda v: not isinstance(v, str) or re.compile(v) is not None)
        _js_format_checker = checker
    return _js_format_checker


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
    """A schema compiled once: ``fast`` (fastjsonschema's function) when it compiles, else the ``issues`` that
    make it unusable (``schemaIssues`` of a ValidationError). ``schema`` is the schema as the resolver gave it."""

    __slots__ = ("schema", "fast", "definition", "issues", "_slow")

    def __init__(self, schema: Any):
        self.schema = schema
        self.fast = None
        self.definition = None
        self.issues: list[dict] | None = None
        self._slow = None
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
            self.fast = fastjsonschema.compile(
                definition, handlers=_NO_REMOTE, formats=_FORMAT_CHECKS, use_default=False
            )
        except Exception as exc:  # JsonSchemaDefinitionException, re.error, ref resolution, ...
            self.issues = [{"path": "$", "message": bounded_message(f"cannot compile schema: {exc}")}]
            return
        self.definition = definition

    def failures(self, data: Any) -> list[dict]:
        """The ``dataReports`` of ``data`` (``[]`` when it is valid); only for a schema that compiled."""
        try:
            self.fast(data)
            return []
        except fastjsonschema.JsonSchemaValueException as exc:
            return self._data_reports(data, exc)
        except Exception as exc:  # e.g. data holding non-JSON values; report rather than crash the worker
            return [_report(f"$: cannot validate data: {bounded_message(str(exc))}", "$", None, [])]

    def _data_reports(self, data: Any, fast_error: Exception) -> list[dict]:
        reports: list[dict] = []
        try:
            if self._slow is None:
                from jsonschema import Draft4Validator

                self._slow = Draft4Validator(self.definition, format_checker=_format_checker())
            seen: set = set()
            for err in self._slow.iter_errors(data):
                reports.extend(_reports_for_error(err, seen))
                if len(reports) >= MAX_DATA_REPORTS:  # an array of a million bad items: a bounded bad row
                    del reports[MAX_DATA_REPORTS:]
                    break
        except Exception:  # unresolvable $ref, exotic schema: fall back to fastjsonschema's message
            reports = []
        if not reports:
            reports = [_fast_report(fast_error)]
        return reports


def _fast_report(exc: Exception) -> dict:
    name = getattr(exc, "name", None) or "data"
    parts = list(getattr(exc, "path", None) or ["data"])[1:]
    path = _json_path(int(p) if p.isdigit() else p for p in parts)
    message = getattr(exc, "message", str(exc))
    if message.startswith(name):
        message = path + ":" + message[len(name):]
    return _report(message, path, getattr(exc, "rule", None), [])


def _schema_issues(definition: dict) -> list[dict]:
    from jsonschema import Draft4Validator

    meta = Draft4Validator(Draft4Validator.META_SCHEMA)
    issues = []
    try:
        for err in meta.iter_errors(definition):
            issues.append({"path": _json_path(err.absolute_path), "message": bounded_message(err.message)})
    except Exception as exc:
        issues.append({"path": "$", "message": bounded_message(f"cannot check schema: {exc}")})
    return issues
