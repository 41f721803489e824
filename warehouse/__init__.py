"""Snowflake for the lake: SQL generated from the canonical field list, and a loader.

``python -m snowplow_beam.warehouse load --lake ROOT`` (console script ``snowplow-warehouse``) applies the DDL and loads the
lake with COPY; ``--dry-run`` prints the SQL. See warehouse/README.md.
"""
