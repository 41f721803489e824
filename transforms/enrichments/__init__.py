"""Configurable enrichments, run in Snowplow's order after the built-in enrichment steps.

Each enrichment is configured by a self-describing JSON file, as Snowplow's are; a directory of
them is given with ``--enrichments``. Without it, :func:`default_enrichments` run.
"""
from __future__ import annotations

import json

from transforms.enrichments.fingerprint import EventFingerprint

# Config schema name -> (factory from the config's data, position in Snowplow's order).
_ENRICHMENTS = {
    "event_fingerprint_config": (EventFingerprint.from_config, 11),
}


class EnrichmentConfigError(ValueError):
    """An enrichment configuration file that cannot be used; the message names the file."""


def default_enrichments() -> list:
    """The enrichments that run when no ``--enrichments`` directory is given."""
    return [EventFingerprint()]


def load_enrichments(directory: str | None, resolver) -> list:
    """The enabled enrichments configured in ``directory`` (one JSON file each), in Snowplow's order.

    Each file is validated against its Iglu config schema; a bad file raises
    :class:`EnrichmentConfigError` naming it.
    """
    if directory is None:
        return default_enrichments()
    from apache_beam.io.filesystems import FileSystems

    from transforms.iglu import Validator

    validator = Validator(resolver)
    pattern = directory.rstrip("/") + "/*.json"
    found = []
    for metadata in sorted(FileSystems.match([pattern])[0].metadata_list, key=lambda m: m.path):
        path = metadata.path
        try:
            with FileSystems.open(path, compression_type="uncompressed") as handle:
                config = json.loads(handle.read())
        except ValueError as exc:
            raise EnrichmentConfigError(f"{path}: not valid JSON ({exc})") from None
        messages = validator.validate(config)
        if messages:
            raise EnrichmentConfigError(f"{path}: does not validate against its schema: {json.dumps(messages)[:2000]}")
        name = config["schema"].split("/")[1]
        if name not in _ENRICHMENTS:
            raise EnrichmentConfigError(f"{path}: enrichment {name} is not supported")
        if not config["data"].get("enabled", True):
            continue
        factory, position = _ENRICHMENTS[name]
        try:
            found.append((position, path, factory(config["data"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise EnrichmentConfigError(f"{path}: {exc}") from None
    return [enrichment for _, _, enrichment in sorted(found, key=lambda item: item[:2])]
