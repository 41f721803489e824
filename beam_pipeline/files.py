"""The pipeline's reader of its own files (configs, secrets files, enrichment configs and assets): Beam's FileSystems.

``transforms/`` stays free of Beam and reads only through the :class:`transforms.files.Files` it is given;
this is the one the pipeline gives it (``PipelineConfig(files=BEAM_FILES)``), so every location that works
for ``--input`` (local paths, ``s3://``, ``gs://``...) works for configs, secrets and assets too. An object
rather than three functions: the three go together, and the PipelineConfig carries one field. It has no
state, so it pickles by reference into every DoFn and reads the same way on the workers.
"""
from __future__ import annotations

from dataclasses import dataclass

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.options.value_provider import RuntimeValueProvider


_DEFAULTS = {"set": False}


def use_options(options: PipelineOptions) -> None:
    """Give Beam's filesystems a run's options before its pipeline exists: the launcher lists the input and the
    lake (``s3://`` included) and reads configs before building the graph. Workers get them from their harness."""
    FileSystems.set_options(options)
    _DEFAULTS["set"] = True


def _filesystems():
    """Beam's ``FileSystems``; outside any run (no options given, not on a worker), with default options once, so
    that ``s3://`` works with the standard AWS environment (Beam's S3 filesystem needs options)."""
    if not _DEFAULTS["set"] and RuntimeValueProvider.runtime_options is None:
        use_options(PipelineOptions([]))
    return FileSystems


@dataclass(frozen=True)
class BeamFiles:
    """:class:`transforms.files.Files` over Beam's ``FileSystems``."""

    def read_bytes(self, uri: str) -> bytes:
        with _filesystems().open(uri, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            return handle.read()

    def exists(self, uri: str) -> bool:
        return _filesystems().exists(uri)

    def match(self, pattern: str) -> list[str]:
        return sorted(metadata.path for metadata in _filesystems().match([pattern])[0].metadata_list)


BEAM_FILES = BeamFiles()
