"""Configurable enrichments, run in Snowplow's order after the built-in enrichment steps.

Each enrichment is configured by a self-describing JSON file, as Snowplow's are; a directory of
them is given with ``--enrichments``. Without it, :func:`default_enrichments` run. See README.md
beside this file for each enrichment, its config versions, the default set and asset locations.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Callable, NamedTuple

from snowplow_beam.transforms import native
from snowplow_beam.transforms.enrichments.anon_ip import AnonIp
from snowplow_beam.transforms.enrichments.assets import reading_assets_with
from snowplow_beam.transforms.enrichments.campaign import CampaignAttribution
from snowplow_beam.transforms.enrichments.cross_navigation import CrossNavigation
from snowplow_beam.transforms.enrichments.extractors import CookieExtractor, HttpHeaderExtractor
from snowplow_beam.transforms.enrichments.fingerprint import EventFingerprint
from snowplow_beam.transforms.enrichments.ip_lookups import IpLookups
from snowplow_beam.transforms.enrichments.referer import RefererParser
from snowplow_beam.transforms.enrichments.useragent import UaParser
from snowplow_beam.transforms.files import Files

_LOG = logging.getLogger(__name__)
SNOWPLOW = "com.snowplowanalytics.snowplow"
SNOWPLOW_ENRICHMENTS = "com.snowplowanalytics.snowplow.enrichments"


class Supported(NamedTuple):
    """An enrichment this project runs: its config schema's vendor, the SchemaVer MODELs it reads,
    the factory ``(config data, config schema URI) -> enrichment`` and its position in Snowplow's order."""

    vendor: str
    models: tuple[int, ...]
    factory: Callable[[dict, str], object]
    position: int


# Config schema name -> how to build it. Positions follow Snowplow's EnrichmentManager.
_ENRICHMENTS = {
    "ua_parser_config": Supported(SNOWPLOW, (1,), UaParser.from_config, 5),
    "referer_parser": Supported(SNOWPLOW, (1, 2), lambda data, schema: RefererParser.from_config(data), 7),
    "campaign_attribution": Supported(SNOWPLOW, (1,), lambda data, schema: CampaignAttribution.from_config(data), 9),
    "cross_navigation_config": Supported(SNOWPLOW_ENRICHMENTS, (1,), CrossNavigation.from_config, 10),
    "event_fingerprint_config": Supported(SNOWPLOW, (1,), lambda data, schema: EventFingerprint.from_config(data), 11),
    "cookie_extractor_config": Supported(SNOWPLOW, (1,), lambda data, schema: CookieExtractor.from_config(data), 12),
    "http_header_extractor_config": Supported(
        SNOWPLOW_ENRICHMENTS, (1,), lambda data, schema: HttpHeaderExtractor.from_config(data), 13),
    "ip_lookups": Supported(SNOWPLOW, (2,), lambda data, schema: IpLookups.from_config(data), 17),
    "anon_ip": Supported(SNOWPLOW, (1,), lambda data, schema: AnonIp.from_config(data), 23),
}
_CROSS_NAVIGATION_POSITION = _ENRICHMENTS["cross_navigation_config"].position


class EnrichmentConfigError(ValueError):
    """An enrichment configuration file that cannot be used; the message names the file."""


def default_enrichments() -> list:
    """The enrichments that run when no ``--enrichments`` directory is given, in Snowplow's order.

    ua-parser (shipped rules), referer parser (shipped database, no internal domains), campaign
    attribution (``utm_*`` and the default click ids), the ``_sp`` cross-navigation fields (short
    format, as Snowplow always does) and the MD5 event fingerprint. IP lookups need a database that
    the project does not ship; IP anonymization is left to pseudonymization; the cookie and header
    extractors need to be told what to extract.
    """
    return [UaParser(), RefererParser(), CampaignAttribution(), CrossNavigation(extended=False), EventFingerprint()]


def load_enrichments(directory: str | None, resolver, files: Files | None = None) -> list:
    """The enabled enrichments configured in ``directory`` (one JSON file each), in Snowplow's order.

    Each file is validated against its Iglu config schema and its assets are read; a bad file raises
    :class:`EnrichmentConfigError` naming it. Files of disabled enrichments are skipped, whatever
    they configure. The ``_sp`` cross-navigation fields are always filled: without an enabled
    ``cross_navigation_config``, the short-format step is added, as Snowplow does.

    ``files`` reads the directory, its files and the assets they name (:mod:`transforms.enrichments.assets`).
    """
    if directory is None:
        return default_enrichments()
    from snowplow_beam.transforms.iglu.keys import SchemaKey
    from snowplow_beam.transforms.iglu.validator import Validator

    validator = Validator(resolver)
    if "://" not in directory and not os.path.isdir(directory):  # a typo must not turn enrichments off
        raise EnrichmentConfigError(f"{directory}: the enrichments directory does not exist")
    pattern = directory.rstrip("/") + "/*.json"
    try:
        matched = files.match(pattern)
    except Exception as exc:
        raise EnrichmentConfigError(f"{directory}: cannot list enrichment configs ({type(exc).__name__}: {exc})") from None
    found: list[tuple[int, str, object]] = []
    names: dict[str, str] = {}
    for path in matched:
        try:
            config = json.loads(files.read_bytes(path))
        except ValueError as exc:
            raise EnrichmentConfigError(f"{path}: not valid JSON ({exc})") from None
        messages = validator.validate(config)
        if messages:
            raise EnrichmentConfigError(f"{path}: does not validate against its schema: {json.dumps(messages)[:2000]}")
        schema = config["schema"]
        key = SchemaKey.parse(schema)
        data = config["data"]
        if not data.get("enabled", True):
            _LOG.info("enrichment config %s is disabled: skipped", path)
            continue
        supported = _ENRICHMENTS.get(key.name)
        if supported is None or supported.vendor != key.vendor:
            raise EnrichmentConfigError(
                f"{path}: enrichment {key.vendor}/{key.name} is not supported (supported: "
                f"{', '.join(sorted(_ENRICHMENTS))}); disable it (\"enabled\": false) or remove the file")
        if key.model not in supported.models:
            raise EnrichmentConfigError(
                f"{path}: {key.name} version {key.version} is not supported (supported: "
                f"{', '.join(f'{model}-*-*' for model in supported.models)})")
        if key.name in names:
            raise EnrichmentConfigError(f"{path}: {key.name} is already configured by {names[key.name]}")
        names[key.name] = path
        try:
            with reading_assets_with(files):
                enrichment = supported.factory(data, schema)
            # what the native core cannot run (a header pattern beyond its regex engine) is refused here, by file
            native.EnrichmentChain([(enrichment.NATIVE_KIND, enrichment.native_settings())])
        except (KeyError, ValueError, TypeError) as exc:  # AssetError is a ValueError
            raise EnrichmentConfigError(f"{path}: {exc}") from None
        found.append((supported.position, path, enrichment))
    if "cross_navigation_config" not in names:
        found.append((_CROSS_NAVIGATION_POSITION, "", CrossNavigation(extended=False)))
    return [enrichment for _, _, enrichment in sorted(found, key=lambda item: item[:2])]

