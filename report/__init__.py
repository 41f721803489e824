"""``snowplow-report``: an HTML dashboard of the lake. :mod:`.storage` lists the lake (local or S3),
:mod:`.queries` reads it with DuckDB into :mod:`.data`, :mod:`.render` draws the page, :mod:`.__main__` is the CLI."""
