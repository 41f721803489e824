"""What the event logic needs from a file system, and nothing more: the pipeline passes one in.

``transforms/`` reads configs (Iglu resolver, pseudonymization policy, enrichment configs), secrets files
and enrichment assets by location (a local path, ``s3://``, ``gs://``...), yet must not import Beam, whose
``FileSystems`` is what reads those schemes. So it reads through a :class:`Files` given to it: the pipeline's
is :class:`snowplow_beam.beam_pipeline.files.BeamFiles`. It travels inside the pickled
:class:`transforms.config.PipelineConfig`, so it must pickle (a stateless instance of a module-level class).
"""
from __future__ import annotations

from typing import Protocol


class Files(Protocol):
    """Reading by location: whole files, existence, and the files a glob matches."""

    def read_bytes(self, uri: str) -> bytes:
        """The file's content, uncompressed as stored; raises ``OSError`` (or the file system's error)."""

    def exists(self, uri: str) -> bool:
        """Whether a file is at ``uri``."""

    def match(self, pattern: str) -> list[str]:
        """The locations ``pattern`` (a glob) matches, sorted."""
