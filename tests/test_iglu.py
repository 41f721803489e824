"""Tests for transforms/iglu/: schema keys, the resolver (embedded, local and HTTP registries, caching, system
errors) and the validator (bad-row-shaped failure messages)."""
import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from snowplow_beam.transforms.iglu.errors import IgluSystemError, SchemaNotFound
from snowplow_beam.transforms.iglu.keys import (InvalidSchemaKey, SchemaCriterion, SchemaKey, is_schema_uri,
                                                schema_key_of)
from snowplow_beam.transforms.iglu.registries import BUILTIN_REGISTRY, BUILTIN_REPOSITORY_NAME
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator

SELF_DESC = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#"
GITLAB_STANDARD = "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7"
CONTEXTS = SchemaCriterion.parse("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*")
SCHEMA_VIOLATIONS = SchemaKey.parse("iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1")


def gitlab_context(**overrides):
    data = {
        "environment": "production",
        "source": "gitlab-rails",
        "plan": "free",
        "extra": {},
        "user_id": None,
        "namespace_id": 9970,
    }
    data.update(overrides)
    return {"schema": GITLAB_STANDARD, "data": data}


def iglu_schema(vendor, name, version, body, fmt="jsonschema"):
    schema = {"$schema": SELF_DESC, "self": {"vendor": vendor, "name": name, "format": fmt, "version": version}}
    schema.update(body)
    return schema


def write_schema(root: Path, vendor, name, version, body, fmt="jsonschema"):
    path = root / vendor / name / fmt / version
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(iglu_schema(vendor, name, version, body, fmt)))
    return path


THING = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "count": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["a", "b"]},
        "when": {"type": ["string", "null"], "format": "date-time"},
        "items": {
            "type": "array",
            "items": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
        },
        "code": {"type": "string", "pattern": "^[a-z]+$"},
    },
    "required": ["id"],
    "additionalProperties": False,
}


def sdj(uri, data):
    return {"schema": uri, "data": data}


# ---------------------------------------------------------------------------------------------------------------
# Keys and criteria
# ---------------------------------------------------------------------------------------------------------------


def test_schema_key_parse_and_format():
    key = SchemaKey.parse("iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1")
    assert key == SchemaKey("com.snowplowanalytics.snowplow", "link_click", "jsonschema", "1-0-1")
    assert key.to_uri() == "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"
    assert key.path() == "com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"
    assert (key.model, key.revision, key.addition) == (1, 0, 1)
    assert SchemaKey.parse("iglu:com.acme-x_y/ev_ent-1/jsonschema/10-20-300").version == "10-20-300"
    assert hash(key) == hash(SchemaKey.parse(key.to_uri()))


@pytest.mark.parametrize(
    "uri, code",
    [
        ("iglu:com.acme/event/jsonschema/01-0-0", "INVALID_SCHEMAVER"),
        ("iglu:com.acme/event/jsonschema/0-1-0", "INVALID_SCHEMAVER"),
        ("iglu:com.acme/event/jsonschema/1-0", "INVALID_SCHEMAVER"),
        ("iglu:com.acme/event/jsonschema/1-0-0-0", "INVALID_SCHEMAVER"),
        ("iglu:com.acme/event/jsonschema/1-a-0", "INVALID_SCHEMAVER"),
        ("iglu:com.acme/event/1-0-0", "INVALID_IGLUURI"),
        ("com.acme/event/jsonschema/1-0-0", "INVALID_IGLUURI"),
        ("iglu:com acme/event/jsonschema/1-0-0", "INVALID_IGLUURI"),
        ("iglu:com.acme/event/jsonschema/1-0-0\n", "INVALID_SCHEMAVER"),
        ("", "INVALID_IGLUURI"),
        (None, "INVALID_IGLUURI"),
        (42, "INVALID_IGLUURI"),
    ],
)
def test_schema_key_parse_invalid(uri, code):
    with pytest.raises(ValueError) as info:
        SchemaKey.parse(uri)
    assert isinstance(info.value, InvalidSchemaKey)
    assert info.value.code == code
    assert schema_key_of(uri) is None and not is_schema_uri(uri)


def test_schema_key_of_any_value():
    uri = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"
    assert schema_key_of(uri) == SchemaKey("com.snowplowanalytics.snowplow", "link_click", "jsonschema", "1-0-1")
    assert is_schema_uri(uri)
    for value in ([uri], {"schema": uri}, b"iglu:com.acme/event/jsonschema/1-0-0", uri.encode()):
        assert schema_key_of(value) is None and not is_schema_uri(value)


def test_schema_criterion():
    crit = SchemaCriterion.parse("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*")
    assert crit.to_uri() == "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*"
    key = SchemaKey.parse
    assert crit.matches(key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"))
    assert crit.matches(key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-7"))
    assert not crit.matches(key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-1-0"))
    assert not crit.matches(key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0"))
    assert not crit.matches(key("iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"))
    assert not crit.matches(key("iglu:com.acme/contexts/jsonschema/1-0-0"))
    any_model = SchemaCriterion.parse("iglu:com.acme/e/jsonschema/*-*-*")
    assert any_model.matches(key("iglu:com.acme/e/jsonschema/3-2-1"))
    assert (any_model.model, any_model.revision, any_model.addition) == (None, None, None)
    model1 = SchemaCriterion.parse("iglu:com.acme/e/jsonschema/1-*-*")
    assert model1.matches(key("iglu:com.acme/e/jsonschema/1-5-2"))
    assert not model1.matches(key("iglu:com.acme/e/jsonschema/2-0-0"))
    exact = SchemaCriterion.parse("iglu:com.acme/e/jsonschema/1-0-2")
    assert exact.matches(key("iglu:com.acme/e/jsonschema/1-0-2"))
    assert not exact.matches(key("iglu:com.acme/e/jsonschema/1-0-1"))


@pytest.mark.parametrize(
    "text",
    ["iglu:com.acme/e/jsonschema/1-*", "iglu:com.acme/e/jsonschema/01-*-*", "iglu:com.acme/e/jsonschema/x-*-*",
     "com.acme/e/jsonschema/1-*-*", "iglu:com.acme/e/1-*-*", None],
)
def test_schema_criterion_invalid(text):
    with pytest.raises(ValueError):
        SchemaCriterion.parse(text)


# ---------------------------------------------------------------------------------------------------------------
# Embedded registry
# ---------------------------------------------------------------------------------------------------------------


def test_embedded_registry_contents():
    shipped = sorted(p.relative_to(BUILTIN_REGISTRY).as_posix() for p in BUILTIN_REGISTRY.glob("*/*/*/*"))
    # 106 Iglu Central schemas + those written by this project (listed in the NOTICE)
    ours = ["com.gitlab/gitlab_standard/jsonschema/1-0-9", "com.gitlab/gitlab_standard/jsonschema/1-1-7",
            "org.ietf/http_cookie/jsonschema/1-0-0", "com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0",
            "com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1"]
    assert len(shipped) == 106 + len(ours) and set(ours) <= set(shipped)
    assert (BUILTIN_REGISTRY.parent / "NOTICE").read_text().count("cbac22edd8c67e09413c19e80c3d7354e1f010c8") == 1
    a = json.loads((BUILTIN_REGISTRY / "com.gitlab/gitlab_standard/jsonschema/1-0-9").read_text())
    b = json.loads((BUILTIN_REGISTRY / "com.gitlab/gitlab_standard/jsonschema/1-1-7").read_text())
    assert a["self"]["version"] == "1-0-9" and b["self"]["version"] == "1-1-7"
    a["self"]["version"] = b["self"]["version"]
    assert a == b
    assert b["required"] == ["environment"] and b["additionalProperties"] is False


def test_embedded_lookup_hit_and_not_found():
    resolver = Resolver.embedded()
    schema = resolver.lookup(SchemaKey.parse("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"))
    assert schema["self"]["version"] == "1-0-4"
    assert resolver.lookup(SchemaKey.parse(GITLAB_STANDARD))["self"]["name"] == "gitlab_standard"
    with pytest.raises(SchemaNotFound) as info:
        resolver.lookup(SchemaKey.parse("iglu:com.acme/nothing/jsonschema/1-0-0"))
    (entry,) = info.value.lookup_history
    assert entry["repository"] == BUILTIN_REPOSITORY_NAME
    assert entry["errors"] == [{"error": "NotFound"}]
    assert entry["attempts"] == 1
    assert entry["lastAttempt"].endswith("Z")


def test_lookup_rejects_dot_vendor(tmp_path):
    # "." is allowed in vendors, but a vendor of only dots must not walk out of a registry root
    root = tmp_path / "registry"
    root.mkdir()
    leak = tmp_path / "leak" / "jsonschema" / "1-0-0"
    leak.parent.mkdir(parents=True)
    leak.write_text(json.dumps(iglu_schema("..", "leak", "1-0-0", {"type": "object"})))
    assert (root / ".." / "leak" / "jsonschema" / "1-0-0").is_file()
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        {"name": "local", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(root)}}}]})
    with pytest.raises(SchemaNotFound):
        resolver.lookup(SchemaKey.parse("iglu:../leak/jsonschema/1-0-0"))


def test_local_directory_registry_and_config(tmp_path):
    write_schema(tmp_path / "schemas", "com.acme", "thing", "1-0-0", THING)
    config = {
        "schema": "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
        "data": {
            "cacheSize": 10,
            "cacheTtl": None,
            "repositories": [
                {"name": "local", "priority": 0, "vendorPrefixes": ["com.acme"],
                 "connection": {"embedded": {"path": str(tmp_path)}}},
                {"name": "classpath", "priority": 1, "vendorPrefixes": [],
                 "connection": {"embedded": {"path": "/iglu-embedded"}}},
            ],
        },
    }
    assert Validator(Resolver.embedded()).validate(config) == []  # the fixture is a valid resolver config
    resolver = Resolver.from_config(config)
    assert resolver.lookup(SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0"))["self"]["name"] == "thing"
    # "/iglu-embedded" (not a directory here) is the shipped registry; the bare data object is accepted too.
    resolver2 = Resolver.from_config(config["data"])
    assert resolver2.lookup(SchemaKey.parse(GITLAB_STANDARD))["self"]["version"] == "1-1-7"
    with pytest.raises(SchemaNotFound) as info:
        resolver2.lookup(SchemaKey.parse("iglu:com.acme/other/jsonschema/1-0-0"))
    assert [h["repository"] for h in info.value.lookup_history] == [BUILTIN_REPOSITORY_NAME, "local", "classpath"]
    # a directory without a schemas/ subdirectory is read directly
    flat = tmp_path / "flat"
    write_schema(flat, "com.flat", "thing", "1-0-0", {"type": "object"})
    resolver3 = Resolver.from_config({"cacheSize": 5, "repositories": [
        {"name": "flat", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(flat)}}}]})
    assert resolver3.lookup(SchemaKey.parse("iglu:com.flat/thing/jsonschema/1-0-0"))["type"] == "object"


@pytest.mark.parametrize(
    "config",
    [
        {"repositories": []},
        {"cacheSize": 10},
        {"cacheSize": 10, "cacheTtl": -1, "repositories": []},
        {"cacheSize": 10, "repositories": [{"name": "x", "priority": 0, "vendorPrefixes": [], "connection": {}}]},
        {"cacheSize": 10, "repositories": [{"name": "x", "priority": 0, "vendorPrefixes": [],
                                            "connection": {"http": {}}}]},
        {"schema": "iglu:com.acme/not_a_resolver/jsonschema/1-0-0", "data": {"cacheSize": 1, "repositories": []}},
        "not a dict",
    ],
)
def test_from_config_rejects_malformed(config):
    with pytest.raises(ValueError):
        Resolver.from_config(config)


def test_from_file_local_and_s3(tmp_path, monkeypatch):
    config = {"schema": "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-1",
              "data": {"cacheSize": 7, "repositories": []}}
    path = tmp_path / "resolver.json"
    path.write_text(json.dumps(config))
    assert Resolver.from_file(str(path)).cache_size == 7

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="conf")
        s3.put_object(Bucket="conf", Key="iglu/resolver.json", Body=json.dumps(config).encode())
        resolver = Resolver.from_file("s3://conf/iglu/resolver.json")
    assert resolver.cache_size == 7
    assert resolver.lookup(SchemaKey.parse(GITLAB_STANDARD))["self"]["version"] == "1-1-7"


# ---------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    return Validator(Resolver.embedded())


def test_validate_valid(validator):
    assert validator.validate(gitlab_context()) == []
    assert validator.validate(gitlab_context()) == []  # warm path
    assert validator.validate(gitlab_context(user_id="6f1e", is_gitlab_team_member=True,
                                             feature_enabled_by_namespace_ids=[1, 2])) == []
    session = sdj("iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-1", {
        "userId": "4fe2b4b3-7f5e-4b2a-9d55-5b0d3d8cb6f1", "sessionId": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b",
        "sessionIndex": 3, "previousSessionId": None, "storageMechanism": "COOKIE_1"})
    assert validator.validate(session) == []
    contexts = sdj("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", [gitlab_context()])
    assert validator.validate_with_criterion(contexts, CONTEXTS) == []


def test_validate_does_not_mutate_instance(validator):
    instance = gitlab_context()
    before = copy.deepcopy(instance)
    validator.validate(instance)
    validator.validate(gitlab_context(plan="x" * 40))
    assert instance == before


def test_validate_invalid_reports(validator):
    instance = gitlab_context(source=5, plan="x" * 40, namespace_id="nine", unknown_field=1)
    del instance["data"]["environment"]
    (message,) = validator.validate(instance)
    assert message["schemaKey"] == GITLAB_STANDARD
    assert message["error"]["error"] == "ValidationError"
    reports = {(r["keyword"], r["path"]): r for r in message["error"]["dataReports"]}
    assert reports[("type", "$.source")] == {
        "message": "$.source: integer found, string expected", "path": "$.source", "keyword": "type",
        "targets": ["integer", "string"]}
    assert reports[("maxLength", "$.plan")]["message"] == "$.plan: may only be 32 characters long"
    assert reports[("type", "$.namespace_id")]["message"] == "$.namespace_id: string found, [integer, null] expected"
    assert reports[("required", "$")] == {
        "message": "$.environment: is missing but it is required", "path": "$", "keyword": "required",
        "targets": ["environment"]}
    assert reports[("additionalProperties", "$")]["message"] == (
        "$.unknown_field: is not defined in the schema and the schema does not allow additional properties")
    assert reports[("additionalProperties", "$")]["targets"] == ["unknown_field"]
    assert len(message["error"]["dataReports"]) == 5
    # the data values themselves are never quoted in the messages
    assert "xxxxxxxx" not in json.dumps(message["error"]) and "nine" not in json.dumps(message["error"])


def test_validate_invalid_after_valid_uses_slow_path(validator):
    assert validator.validate(gitlab_context()) == []
    (message,) = validator.validate(gitlab_context(environment=None))
    assert message["error"]["dataReports"][0]["message"] == "$.environment: null found, string expected"
    assert validator.validate(gitlab_context()) == []


def test_validate_nested_paths_enum_formats(tmp_path):
    write_schema(tmp_path, "com.acme", "thing", "1-0-0", THING)
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        {"name": "local", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(tmp_path)}}}]})
    validator = Validator(resolver)
    uri = "iglu:com.acme/thing/jsonschema/1-0-0"
    good = {"id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b", "count": 0, "kind": "a",
            "when": "2024-05-01T10:00:00.123Z", "items": [{"x": 1}, {"x": 2.5}], "code": "abc"}
    assert validator.validate(sdj(uri, good)) == []
    bad = dict(good, id="not-a-uuid", count=-1, kind="c", when="yesterday", items=[{"x": 1}, {"x": "2"}, {}])
    (message,) = validator.validate(sdj(uri, bad))
    got = {(r["path"], r["keyword"]): r for r in message["error"]["dataReports"]}
    assert set(got) == {("$.id", "format"), ("$.count", "minimum"), ("$.kind", "enum"), ("$.when", "format"),
                        ("$.items[1].x", "type"), ("$.items[2]", "required")}
    assert got[("$.id", "format")]["message"] == "$.id: does not match the uuid pattern"
    assert got[("$.when", "format")]["targets"] == ["date-time"]
    assert got[("$.count", "minimum")]["message"] == "$.count: must have a minimum value of 0"
    assert got[("$.kind", "enum")]["message"] == '$.kind: does not have a value in the enumeration ["a","b"]'
    assert got[("$.items[1].x", "type")]["message"] == "$.items[1].x: string found, number expected"
    assert got[("$.items[2]", "required")]["message"] == "$.items[2].x: is missing but it is required"
    # a non-identifier property name is bracket-quoted
    (message,) = validator.validate(sdj(uri, dict(good, **{"odd key": 1})))
    assert message["error"]["dataReports"][0]["message"].startswith("$['odd key']: is not defined")


def test_pattern_dollar_is_read_as_python_re_reads_it(tmp_path):
    # re.search("^[a-z]+$") also matches before a final newline: so do the slow path and the native store
    write_schema(tmp_path, "com.acme", "pat", "1-0-0", {"type": "object", "properties": {
        "code": {"type": "string", "pattern": "^[a-z]+$"}}})
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        {"name": "local", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(tmp_path)}}}]})
    validator = Validator(resolver)
    uri = "iglu:com.acme/pat/jsonschema/1-0-0"
    assert validator.validate(sdj(uri, {"code": "abc\n"})) == []  # slow path; the store takes the schema
    assert validator.store.valid(uri, {"code": "abc\n"}, 0)
    assert not validator.store.valid(uri, {"code": "abc\nd"}, 0)
    (message,) = validator.validate(sdj(uri, {"code": "abc\nd"}))
    (report,) = message["error"]["dataReports"]
    assert report == {"message": "$.code: does not match the regex pattern ^[a-z]+$", "path": "$.code",
                      "keyword": "pattern", "targets": ["^[a-z]+$"]}


def test_invalid_schema_gives_schema_issues(tmp_path):
    write_schema(tmp_path, "com.acme", "broken", "1-0-0", {"type": "object", "properties": {"a": {"type": "strin"}}})
    write_schema(tmp_path, "com.acme", "badref", "1-0-0", {"$ref": "http://example.invalid/schema.json"})
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        {"name": "local", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(tmp_path)}}}]})
    validator = Validator(resolver)
    (message,) = validator.validate(sdj("iglu:com.acme/broken/jsonschema/1-0-0", {"a": "x"}))
    assert message["error"]["error"] == "ValidationError"
    (issue,) = message["error"]["schemaIssues"]
    assert issue["path"] == "$.properties.a.type"
    assert "strin" in issue["message"]
    (message,) = validator.validate(sdj("iglu:com.acme/badref/jsonschema/1-0-0", {}))
    assert "remote $ref not supported" in message["error"]["schemaIssues"][0]["message"]


@pytest.mark.parametrize(
    "instance, code",
    [
        ({"data": {}}, "INVALID_IGLUURI"),
        ({"schema": "com.gitlab/gitlab_standard/jsonschema/1-1-7", "data": {}}, "INVALID_IGLUURI"),
        ({"schema": ["iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7"], "data": {}}, "INVALID_IGLUURI"),
        ({"schema": "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-07", "data": {}}, "INVALID_SCHEMAVER"),
        ({"schema": GITLAB_STANDARD}, "INVALID_DATA_PAYLOAD"),
        ([GITLAB_STANDARD], "INVALID_DATA_PAYLOAD"),
        ("iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7", "INVALID_DATA_PAYLOAD"),
        (None, "INVALID_DATA_PAYLOAD"),
    ],
)
def test_not_self_describing(validator, instance, code):
    assert validator.validate(instance) == [{"json": instance, "error": code}]
    assert validator.validate_with_criterion(instance, CONTEXTS) == [{"json": instance, "error": code}]


def test_criterion_mismatch(validator):
    instance = gitlab_context()
    assert validator.validate_with_criterion(instance, CONTEXTS) == [
        {"schemaKey": GITLAB_STANDARD, "schemaCriterion": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*"}]
    bad_envelope = sdj("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", [{"schema": GITLAB_STANDARD}])
    (message,) = validator.validate_with_criterion(bad_envelope, CONTEXTS)
    assert message["error"]["dataReports"][0]["message"] == "$[0].data: is missing but it is required"


def test_unknown_schema_resolution_error(validator):
    instance = sdj("iglu:com.acme/unknown/jsonschema/1-0-0", {"a": 1})
    (message,) = validator.validate(instance)
    assert message["schemaKey"] == "iglu:com.acme/unknown/jsonschema/1-0-0"
    assert message["error"]["error"] == "ResolutionError"
    (entry,) = message["error"]["lookupHistory"]
    assert entry["repository"] == BUILTIN_REPOSITORY_NAME and entry["errors"] == [{"error": "NotFound"}]


# ---------------------------------------------------------------------------------------------------------------
# HTTP registries
# ---------------------------------------------------------------------------------------------------------------


class FakeRegistry:
    """A static Iglu registry served from a directory on 127.0.0.1, counting requests."""

    def __init__(self, root: Path, status: int | None = None, delay: float = 0.0):
        self.root = root
        self.status = status  # force this HTTP status for every request
        self.delay = delay
        self.requests: list[tuple[str, str | None]] = []
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                registry.requests.append((self.path, self.headers.get("apikey")))
                if registry.delay:
                    time.sleep(registry.delay)
                if registry.status is not None:
                    self.send_error(registry.status)
                    return
                target = registry.root / self.path.lstrip("/")
                if not self.path.startswith("/schemas/") or not target.is_file():
                    self.send_error(404)
                    return
                body = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def add(self, vendor, name, version, body):
        return write_schema(self.root / "schemas", vendor, name, version, body)

    def count(self, key_path):
        return sum(1 for path, _ in self.requests if path == f"/schemas/{key_path}")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def registries(tmp_path):
    started = []

    def start(name="r", **kwargs):
        reg = FakeRegistry(tmp_path / f"registry-{name}-{len(started)}", **kwargs)
        started.append(reg)
        return reg

    yield start
    for reg in started:
        try:
            reg.stop()
        except Exception:
            pass


def http_repo(name, uri, priority=0, prefixes=(), apikey=None):
    conn = {"uri": uri}
    if apikey is not None:
        conn["apikey"] = apikey
    return {"name": name, "priority": priority, "vendorPrefixes": list(prefixes), "connection": {"http": conn}}


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


FAST = {"attempts": 3, "backoff": 0.01, "timeout": 2.0}


def test_http_hit_cached_and_apikey(registries):
    reg = registries()
    reg.add("com.acme", "thing", "1-0-0", THING)
    resolver = Resolver.from_config(
        {"cacheSize": 10, "cacheTtl": 600, "repositories": [http_repo("acme", reg.uri + "/", apikey="s3cret")]}, **FAST)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    schema = resolver.lookup(key)
    assert schema["self"]["name"] == "thing"
    assert reg.requests == [("/schemas/com.acme/thing/jsonschema/1-0-0", "s3cret")]
    assert resolver.lookup(key) is schema
    assert len(reg.requests) == 1  # served from the cache
    validator = Validator(resolver)
    assert validator.validate(sdj(key.to_uri(), {"id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"})) == []
    assert len(reg.requests) == 1


def test_http_not_found_is_cached(registries):
    reg = registries()
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [http_repo("acme", reg.uri)]}, **FAST)
    key = SchemaKey.parse("iglu:com.acme/missing/jsonschema/1-0-0")
    for _ in range(3):
        with pytest.raises(SchemaNotFound) as info:
            resolver.lookup(key)
        history = info.value.lookup_history
        assert [h["repository"] for h in history] == [BUILTIN_REPOSITORY_NAME, "acme"]
        assert history[1]["errors"] == [{"error": "NotFound"}] and history[1]["attempts"] == 1
    assert reg.count(key.path()) == 1
    # the not-found result is also what the validator reports
    (message,) = Validator(resolver).validate(sdj(key.to_uri(), {}))
    assert message["error"]["lookupHistory"][1]["repository"] == "acme"
    assert reg.count(key.path()) == 1


def test_http_vendor_prefix_and_priority_order(registries, tmp_path):
    a, b, c = registries("a"), registries("b"), registries("c")
    for reg, label in ((a, "A"), (b, "B"), (c, "C")):
        reg.add("com.acme", "thing", "1-0-0", {"description": label, "type": "object"})
        reg.add("com.other", "thing", "1-0-0", {"description": label, "type": "object"})
    local = tmp_path / "local"
    write_schema(local, "com.local", "thing", "1-0-0", {"description": "L", "type": "object"})
    config = {"cacheSize": 10, "repositories": [
        http_repo("A", a.uri, priority=1),
        http_repo("B", b.uri, priority=5, prefixes=["com.acme"]),
        http_repo("C", c.uri, priority=0),
        {"name": "L", "priority": 9, "vendorPrefixes": [], "connection": {"embedded": {"path": str(local)}}},
    ]}
    resolver = Resolver.from_config(config, **FAST)
    assert [r.name for r in resolver.ordered_repositories("com.acme")] == [BUILTIN_REPOSITORY_NAME, "B", "L", "C", "A"]
    assert [r.name for r in resolver.ordered_repositories("com.other")] == [BUILTIN_REPOSITORY_NAME, "L", "C", "A", "B"]
    assert resolver.lookup(SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0"))["description"] == "B"
    assert resolver.lookup(SchemaKey.parse("iglu:com.other/thing/jsonschema/1-0-0"))["description"] == "C"
    assert resolver.lookup(SchemaKey.parse("iglu:com.local/thing/jsonschema/1-0-0"))["description"] == "L"
    # each lookup stopped at the first repository having the schema
    assert (len(a.requests), len(b.requests), len(c.requests)) == (0, 1, 1)
    # the built-in embedded registry is always first, even over a matching vendor prefix
    b.add("com.gitlab", "gitlab_standard", "1-1-7", {"description": "remote"})
    assert "remote" not in resolver.lookup(SchemaKey.parse(GITLAB_STANDARD))["description"]
    assert b.count("com.gitlab/gitlab_standard/jsonschema/1-1-7") == 0
    # when the first repositories do not have it, the next one is asked
    a.add("com.acme", "only_a", "1-0-0", {"description": "A only"})
    assert resolver.lookup(SchemaKey.parse("iglu:com.acme/only_a/jsonschema/1-0-0"))["description"] == "A only"
    assert [len(r.requests) for r in (a, b, c)] == [1, 2, 2]


def test_http_registry_down_is_system_error(registries):
    reg = registries()
    uri = reg.uri
    reg.stop()  # nothing listens on that port any more
    sleeps = []
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [http_repo("down", uri)]},
                                    attempts=3, backoff=0.01, timeout=2.0, sleep=sleeps.append)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    with pytest.raises(IgluSystemError) as info:
        resolver.lookup(key)
    history = info.value.lookup_history
    assert history[0] == dict(history[0], repository=BUILTIN_REPOSITORY_NAME, errors=[{"error": "NotFound"}])
    assert history[1]["repository"] == "down" and history[1]["attempts"] == 3
    assert [e["error"] for e in history[1]["errors"]] == ["RepoFailure"]
    assert sleeps == [0.01, 0.02]  # exponential backoff between the 3 attempts
    # system errors are not cached: the next lookup tries again, and the validator lets the error through
    with pytest.raises(IgluSystemError):
        Validator(resolver).validate(sdj(key.to_uri(), {}))
    assert sleeps == [0.01, 0.02, 0.01, 0.02]
    # embedded schemas still resolve while the registry is down
    assert Validator(resolver).validate(gitlab_context()) == []


def test_http_5xx_retried_then_system_error(registries):
    reg = registries(status=503)
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [http_repo("flaky", reg.uri)]}, **FAST)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    with pytest.raises(IgluSystemError) as info:
        resolver.lookup(key)
    assert reg.count(key.path()) == 3
    assert info.value.lookup_history[1]["errors"][0]["error"] == "RepoFailure"
    assert "503" in info.value.lookup_history[1]["errors"][0]["message"]
    # the registry recovers: the schema is found and cached
    reg.status = None
    reg.add("com.acme", "thing", "1-0-0", THING)
    assert resolver.lookup(key)["self"]["name"] == "thing"
    assert resolver.lookup(key)["self"]["name"] == "thing"
    assert reg.count(key.path()) == 4


def test_http_client_failure_not_retried(registries):
    reg = registries(status=401)
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [http_repo("private", reg.uri, apikey="bad")]},
                                    **FAST)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    with pytest.raises(IgluSystemError) as info:
        resolver.lookup(key)
    assert reg.count(key.path()) == 1
    assert info.value.lookup_history[1]["errors"][0]["error"] == "ClientFailure"


def test_http_failure_with_other_registry_not_found(registries):
    up, down = registries("up"), registries("down")
    down_uri = down.uri
    down.stop()
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    # the failing registry is not responsible for the vendor and another registry answered NotFound: bad row
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        http_repo("central", up.uri), http_repo("down", down_uri, prefixes=["com.other"])]}, **FAST)
    with pytest.raises(SchemaNotFound) as info:
        resolver.lookup(key)
    errors = {h["repository"]: h["errors"][0]["error"] for h in info.value.lookup_history}
    assert errors == {BUILTIN_REPOSITORY_NAME: "NotFound", "central": "NotFound", "down": "RepoFailure"}
    (message,) = Validator(resolver).validate(sdj(key.to_uri(), {}))
    assert message["error"]["error"] == "ResolutionError"
    assert len(message["error"]["lookupHistory"]) == 3
    # the failing registry is the one declared for the vendor: system error, even though another said NotFound
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        http_repo("central", up.uri), http_repo("down", down_uri, prefixes=["com.acme"])]}, **FAST)
    with pytest.raises(IgluSystemError):
        resolver.lookup(key)


def test_cache_ttl_expiry_with_injected_clock(registries):
    reg = registries()
    reg.add("com.acme", "thing", "1-0-0", THING)
    clock = FakeClock()
    resolver = Resolver.from_config({"cacheSize": 10, "cacheTtl": 10, "repositories": [http_repo("acme", reg.uri)]},
                                    clock=clock, **FAST)
    hit = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    miss = SchemaKey.parse("iglu:com.acme/missing/jsonschema/1-0-0")
    validator = Validator(resolver)
    good, bad = sdj(hit.to_uri(), {"id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b", "count": 5}), sdj(hit.to_uri(), {"id": 1})
    assert validator.validate(good) == []
    with pytest.raises(SchemaNotFound):
        resolver.lookup(miss)
    clock.now += 9
    assert validator.validate(good) == []
    with pytest.raises(SchemaNotFound):
        resolver.lookup(miss)
    assert (reg.count(hit.path()), reg.count(miss.path())) == (1, 1)
    # the schema changes on the server; after the TTL the new version is fetched, recompiled and used
    reg.add("com.acme", "thing", "1-0-0", dict(THING, properties=dict(THING["properties"], count={"type": "string"})))
    clock.now += 2
    (message,) = validator.validate(good)
    assert message["error"]["dataReports"][0]["message"] == "$.count: integer found, string expected"
    with pytest.raises(SchemaNotFound):
        resolver.lookup(miss)
    assert (reg.count(hit.path()), reg.count(miss.path())) == (2, 2)
    assert validator.validate(bad)[0]["error"]["dataReports"][0]["path"] == "$.id"


def test_cache_lru_eviction(registries):
    reg = registries()
    for name in ("a", "b", "c"):
        reg.add("com.acme", name, "1-0-0", {"type": "object"})
    resolver = Resolver.from_config({"cacheSize": 2, "repositories": [http_repo("acme", reg.uri)]}, **FAST)
    keys = {n: SchemaKey.parse(f"iglu:com.acme/{n}/jsonschema/1-0-0") for n in "abc"}
    for n in "ab":
        resolver.lookup(keys[n])
    resolver.lookup(keys["a"])  # a becomes the most recently used
    resolver.lookup(keys["c"])  # evicts b
    resolver.lookup(keys["a"])
    assert reg.count(keys["a"].path()) == 1
    resolver.lookup(keys["b"])
    assert reg.count(keys["b"].path()) == 2


def test_cache_size_zero_disables_caching_but_not_compilation_reuse(registries):
    reg = registries()
    reg.add("com.acme", "thing", "1-0-0", THING)
    resolver = Resolver.from_config({"cacheSize": 0, "repositories": [http_repo("acme", reg.uri)]}, **FAST)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    validator = Validator(resolver)
    assert validator.validate_data(key, {"id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}) == []
    compiled = validator._compiled[key]
    (message,) = validator.validate_data(key, {"id": 5})
    assert message == {"schemaKey": key.to_uri(), "error": {"error": "ValidationError", "dataReports": [
        {"message": "$.id: integer found, string expected", "path": "$.id", "keyword": "type",
         "targets": ["integer", "string"]}]}}
    assert reg.count(key.path()) == 2  # nothing cached ...
    assert validator._compiled[key] is compiled  # ... but an equal schema is not compiled again


def test_concurrent_lookups_single_flight(registries):
    reg = registries(delay=0.2)
    reg.add("com.acme", "thing", "1-0-0", THING)
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [http_repo("acme", reg.uri)]}, **FAST)
    key = SchemaKey.parse("iglu:com.acme/thing/jsonschema/1-0-0")
    results = []
    threads = [threading.Thread(target=lambda: results.append(resolver.lookup(key))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(results) == 6 and all(r is results[0] for r in results)
    assert reg.count(key.path()) == 1


# ---------------------------------------------------------------------------------------------------------------
# Every message kind fits the schema_violations 2-0-1 bad row
# ---------------------------------------------------------------------------------------------------------------


def test_all_messages_fit_schema_violations_bad_row(registries, tmp_path):
    up, down = registries("up"), registries("down")
    down_uri = down.uri
    down.stop()
    local = tmp_path / "local"
    write_schema(local, "com.acme", "thing", "1-0-0", THING)
    write_schema(local, "com.acme", "broken", "1-0-0", {"type": 5})
    write_schema(local, "com.acme", "pat", "1-0-0", {"properties": {"c": {"pattern": "^a$"}}})
    resolver = Resolver.from_config({"cacheSize": 10, "repositories": [
        {"name": "local", "priority": 0, "vendorPrefixes": [], "connection": {"embedded": {"path": str(local)}}},
        http_repo("central", up.uri), http_repo("down", down_uri)]}, **FAST)
    validator = Validator(resolver)
    messages = []
    for instance in ({"data": 1}, {"schema": "iglu:a/b/c/01-0-0", "data": 1}, {"schema": GITLAB_STANDARD}):
        messages += validator.validate(instance)
    messages += validator.validate_with_criterion(gitlab_context(), CONTEXTS)
    messages += validator.validate(sdj("iglu:com.acme/unknown/jsonschema/1-0-0", {}))
    messages += validator.validate(sdj("iglu:com.acme/thing/jsonschema/1-0-0",
                                       {"id": "x", "count": 1.5, "kind": 3, "items": [{}], "extra": 1, "code": "A"}))
    messages += validator.validate(gitlab_context(environment="e" * 33, source=None))
    messages += validator.validate(sdj("iglu:com.acme/broken/jsonschema/1-0-0", {}))
    messages += validator.validate(sdj("iglu:com.acme/pat/jsonschema/1-0-0", {"c": "a\nb"}))
    kinds = [m.get("error") if isinstance(m.get("error"), str) else
             ("CriterionMismatch" if "schemaCriterion" in m else
              m["error"]["error"] + ("/schemaIssues" if "schemaIssues" in m["error"] else "")) for m in messages]
    assert kinds == ["INVALID_IGLUURI", "INVALID_SCHEMAVER", "INVALID_DATA_PAYLOAD", "CriterionMismatch",
                     "ResolutionError", "ValidationError", "ValidationError", "ValidationError/schemaIssues",
                     "ValidationError"]
    repo_errors = {h["repository"]: h["errors"][0]["error"] for h in messages[4]["error"]["lookupHistory"]}
    assert repo_errors == {BUILTIN_REPOSITORY_NAME: "NotFound", "local": "NotFound", "central": "NotFound",
                           "down": "RepoFailure"}

    bad_row = {
        "schema": SCHEMA_VIOLATIONS.to_uri(),
        "data": {
            "processor": {"artifact": "snowplow-beam-pipeline", "version": "0.1.0"},
            "failure": {"timestamp": "2026-01-02T03:04:05.678Z", "messages": messages},
            "payload": {
                "raw": {"vendor": "com.snowplowanalytics.snowplow", "version": "tp2", "parameters": [],
                        "loaderName": "thrift", "encoding": "UTF-8"},
                "enriched": {"app_id": "gitlab", "event_id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"},
            },
        },
    }
    schema = Resolver.embedded().lookup(SCHEMA_VIOLATIONS)
    item_schema = schema["properties"]["failure"]["properties"]["messages"]["items"]
    item_validator = Draft4Validator(item_schema, format_checker=FormatChecker())
    for message in messages:
        assert list(item_validator.iter_errors(message)) == [], message
    # the whole bad row, with jsonschema and with our own validator
    assert list(Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(bad_row["data"])) == []
    assert Validator(Resolver.embedded()).validate(bad_row) == []
    # sanity: the item schema does reject a malformed message
    assert list(item_validator.iter_errors({"schemaKey": "x", "error": {"error": "ResolutionError"}}))
