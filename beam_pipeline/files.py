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


def _filesystems():
    """Beam's ``FileSystems``, usable before a pipeline is built (start-up checks read configs to fail fast).

    Beam's S3 filesystem needs pipeline options, which a pipeline sets when it is built and a worker when it
    starts. Until then default options are set, so that ``s3://`` works with the standard AWS environment.
    Beam has no getter for the options it holds: its class attribute is read.
    """
    if FileSystems._pipeline_options is None and RuntimeValueProvider.runtime_options is None:
        FileSystems.set_options(PipelineOptions([]))
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
