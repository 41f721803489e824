"""Bad-row recovery (``snowplow-recover``): re-process the raw records that bad rows carry sealed, without duplicates.

| module | concern |
| --- | --- |
| ``__main__.py`` | the command line: options, start-up checks (the launcher's), listing the range's bad-row files, the run |
| ``graph.py`` | the Beam graph: open the copies, the pipeline's steps, one good file per partition, the still-failing rows |
| ``summary.py`` | the recovery's accounting |

How to use it, and what it guarantees: ``recover/RECOVERY.md``.
"""
