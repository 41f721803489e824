"""transforms.querystring: the one querystring reader, checked by hand and against ``urllib.parse.parse_qsl``."""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, strategies as st

from snowplow_beam.transforms.querystring import parse_querystring, query_pairs


@pytest.mark.parametrize("querystring, expected", [
    ("page=A+page", {"page": "A page"}),
    ("page=A%20page", {"page": "A page"}),
    ("a=%2B1&b=%26&c=%3D", {"a": "+1", "b": "&", "c": "="}),
    ("e=pv&e=pp", {"e": "pp"}),
    ("empty=&flag", {"empty": "", "flag": ""}),
    ("caf%C3%A9=%E2%9C%93", {"café": "✓"}),
    ("bad=%FF", {"bad": "\ufffd"}),
    ("", {}), (None, {}),
])
def test_parse_querystring(querystring, expected):
    assert parse_querystring(querystring) == expected


def test_pairs_keep_order_and_repeats():
    assert query_pairs("b=2&a=1&b=3&&=x&flag&a+b=c%2Bd") == [
        ("b", "2"), ("a", "1"), ("b", "3"), ("", "x"), ("flag", ""), ("a b", "c+d")]
    assert query_pairs("") == [] and query_pairs(None) == []


def test_a_value_may_hold_equals_signs():
    assert query_pairs("u=https://a.example/?x=1") == [("u", "https://a.example/?x=1")]


# Text built from the characters that matter to a querystring reader, so that collisions are common.
_QUERY_TEXT = st.text(alphabet=st.sampled_from("ab=&+%20FCé\n;?"), max_size=40)


@given(_QUERY_TEXT)
def test_pairs_are_what_urllib_reads(text):
    assert query_pairs(text) == parse_qsl(text, keep_blank_values=True)


@given(_QUERY_TEXT)
def test_dict_is_what_urllib_reads(text):
    assert parse_querystring(text) == dict(parse_qsl(text, keep_blank_values=True))


@pytest.mark.parametrize("text", ["%", "%2", "%zz=%C3", "a=%C3%28", "%E2%82=1", "a=1%", "+=+", "=&=", "&&&"])
def test_broken_escapes_read_as_urllib_reads_them(text):
    assert query_pairs(text) == parse_qsl(text, keep_blank_values=True)
