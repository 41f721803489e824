"""EventValidator with the native schema store (the fast path) against the Python path alone: the same verdicts,
messages and rewrites of the event."""
from __future__ import annotations

import copy
import json
import random
import re

import pytest

from snowplow_beam.transforms import native
from snowplow_beam.transforms.iglu.resolver import Resolver
from snowplow_beam.transforms.iglu.validator import Validator
from snowplow_beam.transforms.validation import EventValidator
from tests.test_iglu import gitlab_context, sdj, write_schema

SNOWPLOW = "iglu:com.snowplowanalytics.snowplow"
UNSTRUCT = f"{SNOWPLOW}/unstruct_event/jsonschema/1-0-0"
CONTEXTS_0 = f"{SNOWPLOW}/contexts/jsonschema/1-0-0"
CONTEXTS_1 = f"{SNOWPLOW}/contexts/jsonschema/1-0-1"
SESSION = sdj(f"{SNOWPLOW}/client_session/jsonschema/1-0-1", {
    "userId": "4fe2b4b3-7f5e-4b2a-9d55-5b0d3d8cb6f1", "sessionId": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b",
    "sessionIndex": 3, "previousSessionId": None, "storageMechanism": "COOKIE_1"})
LINK_CLICK = sdj(f"{SNOWPLOW}/link_click/jsonschema/1-0-1", {"targetUrl": "https://example.com/a", "elementId": "x"})
OLD = "iglu:com.acme/old/jsonschema/1-0-0"
LOOKAHEAD = "iglu:com.acme/lookahead/jsonschema/1-0-0"


class NoStore:
    """A store that never takes a schema: the Validator's Python path alone."""

    def add(self, *args):
        return False

    def valid(self, *args):
        return False

    def verdict(self, *args):
        return None

    def accept_event(self, *args):
        return False


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def registry(tmp_path):
    write_schema(tmp_path, "com.acme", "old", "1-0-0", {"$supersededBy": "1-0-1", "type": "object"})
    write_schema(tmp_path, "com.acme", "old", "1-0-1", {
        "type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string", "maxLength": 3}},
        "additionalProperties": False})
    # a look-ahead: the store refuses it, Python keeps validating it
    write_schema(tmp_path, "com.acme", "lookahead", "1-0-0", {
        "type": "object", "properties": {"code": {"type": "string", "pattern": "^(?!x)[a-z]+$"}}})
    return tmp_path


def validators(registry, clock=None, cache_ttl=None):
    def make():
        config = {"cacheSize": 100, "cacheTtl": cache_ttl, "repositories": [
            {"name": "local", "priority": 0, "vendorPrefixes": [],
             "connection": {"embedded": {"path": str(registry)}}}]}
        return Validator(Resolver.from_config(config, **({"clock": clock} if clock else {})))
    fast, slow = make(), make()
    slow.store = NoStore()
    return fast, slow


def events():
    old = sdj(OLD, {"a": 1, "b": "x"})
    return [
        {"event_id": "1", "unstruct_event": sdj(UNSTRUCT, LINK_CLICK), "contexts": sdj(CONTEXTS_0, [gitlab_context(), SESSION]),
         "derived_contexts": sdj(CONTEXTS_1, []), "after": 1},
        {"event_id": "2", "unstruct_event": sdj(UNSTRUCT, old), "contexts": sdj(CONTEXTS_1, [old, gitlab_context()])},
        {"event_id": "3", "contexts": sdj(CONTEXTS_1, []), "derived_contexts": sdj(CONTEXTS_0, [SESSION]), "after": 2},
        {"event_id": "4", "unstruct_event": None, "contexts": sdj(CONTEXTS_1, [old])},
        {"event_id": "5"},
        {"event_id": "6", "unstruct_event": sdj(UNSTRUCT, sdj(LOOKAHEAD, {"code": "abc"}))},
    ]


def as_text(value):
    return json.dumps(value)  # key order included


def without_times(messages):
    return re.sub(r'"lastAttempt": "[^"]*"', '"lastAttempt": ""', json.dumps(messages))


def test_valid_events_by_the_store_are_rewritten_as_the_python_path_does(registry):
    fast, slow = validators(registry)
    fast_events, slow_events = EventValidator(fast), EventValidator(slow)
    for event in events():
        assert fast_events.event(copy.deepcopy(event)) == []  # warms the store through the slow path
    taken = 0
    for event in events():
        by_store, by_python = copy.deepcopy(event), copy.deepcopy(event)
        refused = event.get("unstruct_event") and event["unstruct_event"]["data"]["schema"] == LOOKAHEAD
        assert fast.accept_event(copy.deepcopy(event)) is (not refused)
        taken += not refused
        assert fast_events.event(by_store) == [] == slow_events.event(by_python)
        assert as_text(by_store) == as_text(by_python)
    assert taken == 5
    # the entities are the event's own objects, as on the Python path
    event = events()[1]
    entity = event["contexts"]["data"][1]
    assert fast.accept_event(event) and event["contexts"]["data"][1] is entity
    assert event["derived_contexts"]["data"] == [
        {"schema": "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0",
         "data": {"originalSchema": OLD, "validatedWith": "1-0-1"}}] * 2


def test_refused_schema_stays_on_the_python_path(registry):
    fast, _ = validators(registry)
    assert fast.validate(sdj(LOOKAHEAD, {"code": "abc"})) == []
    assert not fast.store.valid(LOOKAHEAD, {"code": "abc"}, 0)
    (message,) = fast.validate(sdj(LOOKAHEAD, {"code": "xabc"}))
    assert message["error"]["dataReports"][0]["keyword"] == "pattern"


def test_invalid_events_get_the_same_messages_and_stay_untouched(registry):
    fast, slow = validators(registry)
    fast_events, slow_events = EventValidator(fast), EventValidator(slow)
    for event in events():
        fast_events.event(copy.deepcopy(event))
    bad = [
        {"unstruct_event": sdj(UNSTRUCT, sdj(OLD, {"a": "one", "b": "long text"})), "contexts": sdj(CONTEXTS_1, [SESSION])},
        {"contexts": sdj(CONTEXTS_1, [gitlab_context(plan="x" * 40), sdj("iglu:com.acme/unknown/jsonschema/1-0-0", {})])},
        {"contexts": sdj(CONTEXTS_0, [])},
        {"contexts": sdj(f"{SNOWPLOW}/contexts/jsonschema/2-0-0", [SESSION])},
        {"derived_contexts": sdj(CONTEXTS_1, [{"schema": "iglu:com.acme/old/jsonschema/1-0"}, 5])},
        {"unstruct_event": sdj(CONTEXTS_1, [SESSION])},
        {"contexts": sdj(CONTEXTS_1, [gitlab_context(namespace_id=1.0)])},  # Draft 4: 1.0 is no integer
    ]
    for event in bad:
        before = copy.deepcopy(event)
        assert not fast.accept_event(event) and as_text(event) == as_text(before)
        by_store, by_python = copy.deepcopy(event), copy.deepcopy(event)
        messages = fast_events.event(by_store)
        assert messages and without_times(messages) == without_times(slow_events.event(by_python)), event
        assert as_text(by_store) == as_text(by_python)
    # past 64 bits the store cannot say: Python does (valid: Draft 4 integers have no bound)
    event = {"contexts": sdj(CONTEXTS_0, [gitlab_context(namespace_id=2 ** 70)])}
    assert not fast.accept_event(copy.deepcopy(event))
    by_store, by_python = copy.deepcopy(event), copy.deepcopy(event)
    assert fast_events.event(by_store) == [] == slow_events.event(by_python)
    assert as_text(by_store) == as_text(by_python) and by_store["contexts"]["schema"] == CONTEXTS_1


def test_is_valid_takes_the_stores_verdict_either_way_and_python_where_it_cannot_tell(registry):
    fast, slow = validators(registry)
    slow_paths = []
    validate_slow = fast._validate_slow
    fast._validate_slow = lambda key, uri, data: slow_paths.append(uri) or validate_slow(key, uri, data)
    unknown = "iglu:com.acme/unknown/jsonschema/1-0-0"
    cases = [  # (instance, valid, whose verdict): by the schemas of the registry fixture and Iglu Central
        (sdj(OLD, {"a": 1}), True, "store"), (sdj(OLD, {"a": "one"}), False, "store"),
        (sdj(OLD, {"b": "long"}), False, "store"), (SESSION, True, "store"),
        (sdj(SESSION["schema"], {**SESSION["data"], "sessionIndex": "3"}), False, "store"),
        (sdj(LOOKAHEAD, {"code": "abc"}), True, "python"), (sdj(LOOKAHEAD, {"code": "xabc"}), False, "python"),
        (sdj(unknown, {}), False, "python"), ({"schema": OLD}, False, "neither"), ([OLD], False, "neither"),
    ]
    for instance, valid, judge in cases:
        fast.validate(instance if isinstance(instance, dict) else {})  # resolved, and in the store if it takes it
        slow_paths.clear()
        assert fast.is_valid(instance) is valid is slow.is_valid(instance), instance
        assert slow_paths == ([instance["schema"]] if judge == "python" else []), instance


def test_an_expired_entry_goes_back_to_the_resolver(registry):
    clock = Clock()
    fast, _ = validators(registry, clock=clock, cache_ttl=60)
    resolved = []
    resolve = fast.resolver.resolve
    fast.resolver.resolve = lambda key: resolved.append(key.to_uri()) or resolve(key)
    event_validator = EventValidator(fast)
    event = {"contexts": sdj(CONTEXTS_1, [SESSION])}
    assert event_validator.event(copy.deepcopy(event)) == []
    assert resolved == [CONTEXTS_1, SESSION["schema"]]
    clock.now += 59.9
    assert fast.accept_event(copy.deepcopy(event))
    assert event_validator.event(copy.deepcopy(event)) == [] and len(resolved) == 2
    clock.now += 0.1  # the resolver's entry expires: so does the store's
    assert not fast.accept_event(copy.deepcopy(event))
    assert not fast.store.valid(SESSION["schema"], SESSION["data"], int(clock.now * 1000))
    assert event_validator.event(copy.deepcopy(event)) == []
    assert resolved == [CONTEXTS_1, SESSION["schema"]] * 2
    assert fast.accept_event(copy.deepcopy(event))  # taken again, until the new expiry


def test_payload_data_uses_the_store():
    validator = Validator(Resolver.embedded())
    body = sdj(f"{SNOWPLOW}/payload_data/jsonschema/1-0-4", [{"e": "pv", "p": "web", "tv": "js-3.0.0"}])
    event_validator = EventValidator(validator)
    assert event_validator.payload_data(body) == []
    assert validator.store.valid(body["schema"], body["data"], 0)
    assert event_validator.payload_data(sdj(CONTEXTS_1, [])) == [
        {"schemaKey": CONTEXTS_1, "schemaCriterion": f"{SNOWPLOW}/payload_data/jsonschema/1-*-*"}]
    (message,) = event_validator.payload_data(sdj(body["schema"], [{"e": "pv"}]))
    assert message["error"]["error"] == "ValidationError"


PATTERN_TOKENS = ["a", "b", ".", "^", "$", "\\d", "\\w", "\\s", "\\S", "\\W", "\\b", "[a-c]", "[^a]", "[\\d.]", "(", ")",
                  "|", "*", "+", "?", "{2}", "{,2}", "*?", "\\.", "-", "é", "\\n", "\\Z", "[]a]", "}", "(?:", "(?=a)"]
TEXT_CHARS = ["a", "b", "1", "٣", " ", "\n", "\x1c", "\xa0", ".", "-", "é", "_", "\u2028"]


def test_patterns_are_never_more_lenient_than_python_re():
    # seeded: random patterns from Python-and-regex-crate syntax, random texts; the store may say "not valid"
    # where re.search matches (non-ASCII text under \d, \w, \s, \b), never the other way round
    rng = random.Random(7)
    taken = 0
    for _ in range(400):
        pattern = "".join(rng.choice(PATTERN_TOKENS) for _ in range(rng.randint(1, 7)))
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue
        store = native.SchemaStore()
        if not store.add("iglu:com.acme/p/jsonschema/1-0-0", {"type": "string", "pattern": pattern}, None, None):
            continue
        taken += 1
        for _ in range(30):
            text = "".join(rng.choice(TEXT_CHARS) for _ in range(rng.randint(0, 6)))
            matched = compiled.search(text) is not None
            valid = store.valid("iglu:com.acme/p/jsonschema/1-0-0", text, 0)
            assert matched or not valid, (pattern, text)
            assert store.verdict("iglu:com.acme/p/jsonschema/1-0-0", text, 0) in (None, matched), (pattern, text)
            if text.isascii():
                assert valid == matched, (pattern, text)
    assert taken > 100
