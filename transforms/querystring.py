"""The one reader of ``name=value&name=value`` text: tracker querystrings, page and referer URL queries, form bodies.

Both views read a text as ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` reads it: ``+`` and
``%20`` are spaces, bytes that are not UTF-8 once unquoted become U+FFFD, a name without ``=`` has an empty
value and empty pairs (``a=1&&b=2``) are skipped. They are several times faster, because most names and values
need no unquoting and only those that do are unquoted. Free of dependencies, so the collector reads querystrings
exactly as the pipeline does.

- :func:`query_pairs`: every pair, in order, repeated names kept. For what needs the order or every value:
  a form body re-encoded pair by pair, the first of several names that is present (a referer's search
  term), all values of one name (the collector refuses a redirect with two targets).
- :func:`parse_querystring`: name -> value, the LAST of a repeated name winning. For tracker parameters and
  the parameters an enrichment reads: the value the pipeline records, and the one the collector acts on.
"""
from __future__ import annotations

from urllib.parse import unquote_plus


def query_pairs(text: str | None) -> list[tuple[str, str]]:
    """The (name, value) pairs of a querystring, in order, repeated names kept."""
    if not text:
        return []
    pairs = []
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        pairs.append((name, value))
    return pairs


def parse_querystring(text: str | None) -> dict[str, str]:
    """A querystring as a dict; for a repeated name the last value wins."""
    return dict(query_pairs(text))
