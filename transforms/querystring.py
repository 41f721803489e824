"""The one reader of ``name=value&name=value`` text: tracker querystrings, page and referer URL queries, form bodies.

The native core's reader (``native/src/querystring.rs``), which the pipeline's path uses in Rust: a text is read
as ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` reads it: ``+`` and ``%20`` are spaces, bytes that are
not UTF-8 once unquoted become U+FFFD, a name without ``=`` has an empty value and empty pairs (``a=1&&b=2``) are
skipped. The collector reads querystrings with it too, exactly as the pipeline does.

- :func:`query_pairs`: every pair, in order, repeated names kept. For what needs the order or every value:
  a form body re-encoded pair by pair, the first of several names that is present (a referer's search
  term), all values of one name (the collector refuses a redirect with two targets).
- :func:`parse_querystring`: name -> value, the LAST of a repeated name winning (in the place of the first). For
  tracker parameters and the parameters an enrichment reads: the value the pipeline records, and the one the
  collector acts on.
"""
from __future__ import annotations

from snowplow_beam.transforms import native

query_pairs = native.query_pairs  # (text: str | None) -> list[tuple[str, str]]
parse_querystring = native.parse_querystring  # (text: str | None) -> dict[str, str]
