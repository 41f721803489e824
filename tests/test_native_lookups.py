"""The native ``ua_parser_config`` and ``ip_lookups`` (``native/src/python/lookups.rs``): the Python engines behind
a per-worker cache in the Rust chain. On cache misses and hits alike, the native event and failures are what the
enrichment's ``writes(value)`` says, applied to the event by this test (the fields set in order, the contexts
appended to ``derived_contexts``, the failures added); an exception in the engine or in ``writes`` has the
documented outcome.

The MaxMind databases are the small test ones of ``tests/test_enrichments.py`` (written with ``mmdb_writer``, a
test requirement), plus one with records the lookup code does not expect."""
from __future__ import annotations

import hashlib

import pytest

from snowplow_beam.beam_pipeline.sample_data import _USER_AGENTS
from snowplow_beam.transforms import native
from snowplow_beam.transforms.enrich import payload_of
from snowplow_beam.transforms.enrichments import IpLookups, UaParser
from tests.test_enrichments import (CHROME_WINDOWS, FIREFOX_MAC, LONDON_IP, MILFORD_IP, raw_event, write_maxmind,
                                    write_mmdb)

SP = "iglu:com.snowplowanalytics.snowplow"
CONTEXTS = f"{SP}/contexts/jsonschema/1-0-1"
SEED = hashlib.sha256(b"seed").digest()

USER_AGENTS = [
    *_USER_AGENTS, FIREFOX_MAC, CHROME_WINDOWS,
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "-", " ", "",
    "Mozilla/5.0 (Ünïcødé; 中文; العربية) Firefox/99.0 🦊", "Mozilla/5.0\u200b(zero width)\ufeff",
    "Mozilla/5.0 (\x00\x01\x1f\x7f control) Chrome/1.2.3", "tab\there\nnew line\r\nFirefox/3.0",
    "x" * 999, "Firefox/1.0 " + "y" * 988, "z" * 1001, "Mozilla/5.0 " * 834, "€" * 1000, "€" * 1001,
    "(" * 500 + ")" * 500, "Mozilla/5.0 (" + "Windows NT 10.0; " * 58 + ")",
]

ADDRESSES = [
    LONDON_IP, MILFORD_IP, "2001:db8::8", "[2001:db8::1]:443", f"::ffff:{LONDON_IP}", f"{LONDON_IP}:41234",
    f"  {LONDON_IP}  ", "81.2.69.1", "216.160.83.255", "198.51.100.1", "10.0.0.1", "127.0.0.1", "::1", "::",
    "0.0.0.0", "255.255.255.255", "2001:db9::1", "fe80::1%eth0", "not an ip", "999.1.1.1", "1.2.3", "-", " ",
    f"{LONDON_IP}, {MILFORD_IP}", "[::1", "]", "[]:80", "٨١.٢.٦٩.١٤٢", "81.2.69.142\x00", "x" * 128,
    "1" * 127, "::ffff:not.an.ip", "2001:db8::ffff:81.2.69.142",
]


def applied(enrichments, raw) -> tuple:
    """What the processor must make of an event: mapped without the chain, then each enrichment's ``writes`` of the
    value it reads applied here (``UaParser``: the ``useragent``, unless longer than ``max_length``; ``IpLookups``:
    the ``user_ipaddress``, nothing set when ``writes`` raises). Returns (event, failures, too long fields)."""
    mapped = native.map_event(payload_of(raw.source), raw.parameters, SEED, 0, 0, "v")
    assert mapped.invalid is None
    event, failures = mapped.event, mapped.failures
    for enrichment in enrichments:
        if isinstance(enrichment, UaParser):
            value = event.get("useragent")
            if value is None or len(value) > enrichment.native_settings()["max_length"]:
                continue
            fields, contexts, more = enrichment.writes(value)
        else:
            value = event.get("user_ipaddress")
            if not value:
                continue
            try:
                fields, contexts, more = enrichment.writes(value)
            except Exception:  # a record the lookup does not expect: IP lookups never fail an event
                continue
        for name, field_value in fields:
            event[name] = field_value
        if contexts:
            event.setdefault("derived_contexts", {"schema": CONTEXTS, "data": []})["data"].extend(contexts)
        failures.extend(more)
    return event, failures, [] if failures else native.too_long_fields(event)


def native_result(chain, raw) -> tuple:
    mapped = native.map_event(payload_of(raw.source), raw.parameters, SEED, 0, 0, "v", enrichments=chain)
    too_long = []
    if mapped.invalid is not None:
        [violation] = mapped.invalid
        too_long = [report["path"].removeprefix("$.") for report in violation["error"]["dataReports"]]
    return mapped.event, mapped.failures, too_long


def chain_of(enrichment) -> "native.EnrichmentChain":
    return native.EnrichmentChain([(enrichment.NATIVE_KIND, enrichment.native_settings())])


def compare(enrichment, chain, raw) -> tuple:
    """The native result of ``raw``, a miss or a hit, is what ``enrichment.writes`` says (:func:`applied`); returns
    it."""
    event, failures, too_long = applied([enrichment], raw)
    got_event, got_failures, got_too_long = native_result(chain, raw)
    assert got_failures == failures
    assert got_too_long == [name for name, _ in too_long]
    assert got_event == event
    assert list(got_event) == list(event)  # the same fields, in the same order
    assert [type(value) for value in got_event.values()] == [type(value) for value in event.values()]
    return got_event, got_failures


@pytest.fixture
def maxmind(tmp_path):
    """The MaxMind databases of tests/test_enrichments.py."""
    return write_maxmind(tmp_path / "maxmind")


def counted(settings: dict) -> tuple[dict, list]:
    """``settings`` with a ``writes`` that records what it is called with."""
    calls = []
    writes = settings["writes"]

    def counting(value):
        calls.append(value)
        return writes(value)

    return {**settings, "writes": counting}, calls


# ---- ua_parser_config ------------------------------------------------------------------------------------------

def test_ua_parser_native_settings():
    parser = UaParser()
    settings = parser.native_settings()
    assert parser.NATIVE_KIND == "ua_parser_config"
    assert (settings["cache_size"], settings["max_length"], settings["identifier"]) == (10_000, 1000, "ua-parser")
    assert settings["schema"] == f"{SP}/ua_parser_config/jsonschema/1-0-1"
    assert settings["writes"](FIREFOX_MAC)[1][0]["data"]["useragentFamily"] == "Firefox"
    assert len(chain_of(parser)) == 1


@pytest.mark.parametrize("where", ["header", "ua"])
def test_ua_parser_native_applies_writes_on_misses_and_hits(where):
    parser = UaParser()
    settings, calls = counted(parser.native_settings())
    chain = native.EnrichmentChain([(parser.NATIVE_KIND, settings)])
    results = {}
    for round_ in range(2):
        for useragent in USER_AGENTS:
            raw = raw_event({"ua": useragent}) if where == "ua" else raw_event(useragent=useragent)
            result = compare(parser, chain, raw)
            if round_:
                assert result == results[useragent]  # the hit is the miss
            results[useragent] = result
    # each user agent short enough was parsed once (control characters cleaned, line breaks dropped first)
    assert len(calls) == len(set(calls))
    assert all(len(useragent) <= 1000 for useragent in calls)
    parsed = [event for event, _ in results.values() if "derived_contexts" in event]
    assert len(parsed) >= len(USER_AGENTS) - 6
    for event, failures in results.values():
        assert failures == []
    long_one = results["z" * 1001][0]
    assert "derived_contexts" not in long_one


def test_ua_parser_engine_exception_is_the_same_failure_and_not_cached():
    seen = []

    def broken(useragent, domains):
        seen.append(useragent)
        raise RuntimeError(f"rules exploded on {useragent}")

    parser = UaParser(resolver=broken)
    chain = chain_of(parser)
    for _ in range(3):
        _, failures = compare(parser, chain, raw_event(useragent=FIREFOX_MAC))
        assert failures == [{"enrichment": {"schemaKey": f"{SP}/ua_parser_config/jsonschema/1-0-1",
                                            "identifier": "ua-parser"},
                             "message": {"field": "useragent", "value": FIREFOX_MAC,
                                         "expectation": "could not parse useragent: RuntimeError"}}]
    assert len(seen) == 6  # 3 writes by this test and 3 native misses (a failure is not cached)


@pytest.mark.parametrize("writes, kind", [
    (lambda useragent: (_ for _ in ()).throw(ValueError(f"secret {useragent}")), "ValueError"),
    (lambda useragent: None, "TypeError"),
    (lambda useragent: ([], "not a list", []), "TypeError"),
    (lambda useragent: ([("no_such_field", "x")], [], []), "ValueError"),
    (lambda useragent: ([], [{"schema": "s", "data": object()}], []), "ValueError"),
    (lambda useragent: ([("geo_latitude", float("nan"))], [], []), "ValueError"),
    (lambda useragent: 1 / 0, "ZeroDivisionError"),
])
def test_ua_parser_writes_that_raise_give_an_error_naming_the_type_only(writes, kind):
    settings = {**UaParser().native_settings(), "writes": writes}
    chain = native.EnrichmentChain([("ua_parser_config", settings)])
    for _ in range(2):  # not cached: the same each time
        mapped = native.map_event(payload_of(raw_event(useragent=FIREFOX_MAC).source), {"e": "pv", "p": "web"},
                                  SEED, 0, 0, "v", enrichments=chain)
        assert mapped.failures == [{"enrichment": {"schemaKey": f"{SP}/ua_parser_config/jsonschema/1-0-1",
                                                   "identifier": "ua-parser"},
                                    "message": {"error": f"could not parse useragent: {kind}"}}]
        assert "derived_contexts" not in mapped.event


def test_ua_parser_cache_is_bounded_by_its_size():
    parser = UaParser()
    for size, expected in ((0, 12), (2, 12), (4, 4), (10_000, 4)):
        settings, calls = counted({**parser.native_settings(), "cache_size": size})
        chain = native.EnrichmentChain([("ua_parser_config", settings)])
        for _ in range(3):
            for useragent in _USER_AGENTS[:4]:
                compare(parser, chain, raw_event(useragent=useragent))
        assert len(calls) == expected, size


def test_ua_parser_settings_errors():
    settings = UaParser().native_settings()
    for broken, message in (({**settings, "writes": 3}, "callable"), ({**settings, "cache_size": -1}, "cache_size"),
                            ({k: v for k, v in settings.items() if k != "max_length"}, "max_length")):
        with pytest.raises((ValueError, TypeError), match=message):
            native.EnrichmentChain([("ua_parser_config", broken)])


# ---- ip_lookups -------------------------------------------------------------------------------------------------

def every_database(maxmind) -> IpLookups:
    return IpLookups(geo=str(maxmind / "GeoLite2-City.mmdb"), isp=str(maxmind / "GeoIP2-ISP.mmdb"),
                     domain=str(maxmind / "GeoIP2-Domain.mmdb"),
                     connection_type=str(maxmind / "GeoIP2-Connection-Type.mmdb"),
                     asn=str(maxmind / "GeoLite2-ASN.mmdb"))


@pytest.mark.parametrize("databases", ["every", "free", "paid"])
@pytest.mark.parametrize("where", ["source", "ip"])
def test_ip_lookups_native_applies_writes_on_misses_and_hits(maxmind, databases, where):
    lookups = {
        "every": every_database(maxmind),
        "free": IpLookups(geo=str(maxmind / "GeoLite2-City.mmdb"), asn=str(maxmind / "GeoLite2-ASN.mmdb")),
        "paid": IpLookups(geo=str(maxmind / "GeoIP2-City.mmdb"), isp=str(maxmind / "GeoIP2-ISP.mmdb"),
                          domain=str(maxmind / "GeoIP2-Domain.mmdb"),
                          connection_type=str(maxmind / "GeoIP2-Connection-Type.mmdb")),
    }[databases]
    assert lookups.NATIVE_KIND == "ip_lookups" and lookups.native_settings()["cache_size"] == 20_000
    settings, calls = counted(lookups.native_settings())
    chain = native.EnrichmentChain([(lookups.NATIVE_KIND, settings)])
    results = {}
    for round_ in range(2):
        for address in ADDRESSES:
            raw = raw_event({"ip": address}) if where == "ip" else raw_event(ip=address)
            result = compare(lookups, chain, raw)
            assert result[1] == []  # never fails an event
            if round_:
                assert result == results[address]
            results[address] = result
    assert len(calls) == len(set(calls))  # each address looked up once
    london = results[LONDON_IP][0]
    assert london["geo_city"] == "London" and isinstance(london["geo_latitude"], float)
    if databases == "every":
        assert london["ip_netspeed"] == "Corporate"
        assert london["derived_contexts"]["data"] == [
            {"schema": f"{SP}/asn/jsonschema/1-0-1", "data": {"number": 20712, "organization": "Andrews & Arnold Ltd"}}]
        assert results["2001:db8::8"][0]["geo_country"] == "DE"


def test_ip_lookups_records_the_code_does_not_expect_set_nothing(tmp_path):
    geo = write_mmdb(tmp_path / "odd" / "GeoLite2-City.mmdb", "GeoLite2-City", {
        "192.0.2.0/25": {"subdivisions": ["not a record"]},  # AttributeError in the lookup
        "192.0.2.128/25": {"location": {"latitude": "north"}},  # ValueError
        "198.51.100.0/24": {"country": {"iso_code": 7}, "location": {"latitude": 1, "longitude": -2}},
    })
    lookups = IpLookups(geo=str(geo))
    settings, calls = counted(lookups.native_settings())
    chain = native.EnrichmentChain([("ip_lookups", settings)])
    for _ in range(2):
        for address in ("192.0.2.1", "192.0.2.200"):
            event, failures = compare(lookups, chain, raw_event(ip=address))
            assert failures == [] and not any(key.startswith(("geo_", "ip_")) for key in event)
        event, _ = compare(lookups, chain, raw_event(ip="198.51.100.7"))
        assert (event["geo_country"], event["geo_latitude"], event["geo_longitude"]) == (7, 1.0, -2.0)
    assert calls == ["192.0.2.1", "192.0.2.200", "198.51.100.7", "192.0.2.1", "192.0.2.200"]  # errors not cached


@pytest.mark.parametrize("writes", [
    lambda address: (_ for _ in ()).throw(RuntimeError(f"secret {address}")),
    lambda address: None,
    lambda address: ([("geo_country", "GB"), ("not_a_field", 1)], [], []),
    lambda address: ([("geo_latitude", float("inf"))], [], []),
])
def test_ip_lookups_writes_that_raise_set_nothing(maxmind, writes):
    settings = {**every_database(maxmind).native_settings(), "writes": writes}
    chain = native.EnrichmentChain([("ip_lookups", settings)])
    mapped = native.map_event(payload_of(raw_event(ip=LONDON_IP).source), {"e": "pv", "p": "web"}, SEED, 0, 0, "v",
                              enrichments=chain)
    assert mapped.failures == [] and mapped.invalid is None
    assert not any(key.startswith(("geo_", "ip_")) for key in mapped.event)
    assert "derived_contexts" not in mapped.event


def test_ip_lookups_and_ua_parser_in_one_chain(maxmind):
    parser, lookups = UaParser(), every_database(maxmind)
    chain = native.EnrichmentChain([(parser.NATIVE_KIND, parser.native_settings()),
                                    (lookups.NATIVE_KIND, lookups.native_settings())])
    raw = raw_event(ip=MILFORD_IP, useragent=CHROME_WINDOWS)
    event, failures, _ = applied([parser, lookups], raw)
    assert failures == []
    for _ in range(2):
        got = native.map_event(payload_of(raw.source), raw.parameters, SEED, 0, 0, "v", enrichments=chain)
        assert got.event == event and got.failures == []
        assert [entity["schema"] for entity in got.event["derived_contexts"]["data"]] == [
            f"{SP}/ua_parser_context/jsonschema/1-0-0", f"{SP}/asn/jsonschema/1-0-1"]


def test_a_keyboard_interrupt_in_writes_is_not_swallowed():
    def interrupted(useragent):
        raise KeyboardInterrupt

    chain = native.EnrichmentChain([("ua_parser_config", {**UaParser().native_settings(), "writes": interrupted})])
    with pytest.raises(KeyboardInterrupt):
        mapped = native.map_event(payload_of(raw_event(useragent=FIREFOX_MAC).source), {"e": "pv", "p": "web"},
                                  SEED, 0, 0, "v", enrichments=chain)
        assert mapped.failures[0]["message"] == {"error": "could not parse useragent: KeyboardInterrupt"}
        for _ in range(10_000):  # the interrupt arrives at the next check of the eval loop
            pass


THREADS = r"""
import hashlib, sys, threading, time
from snowplow_beam.transforms import native
from snowplow_beam.transforms.enrich import payload_of
from snowplow_beam.transforms.enrichments import UaParser
from tests.test_enrichments import raw_event
settings = UaParser().native_settings()
def slow(useragent):
    time.sleep(0.002)  # releases the GIL inside the chain, as an engine may
    return settings["writes"](useragent)
chain = native.EnrichmentChain([("ua_parser_config", {**settings, "writes": slow})])
def run(n):
    for i in range(25):
        raw = raw_event(useragent=f"UA {n} {i}")
        native.map_event(payload_of(raw.source), raw.parameters, b"s" * 32, 0, 0, "v", enrichments=chain)
threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("done")
"""


def test_threads_sharing_a_chain_whose_lookup_releases_the_gil_do_not_deadlock():
    # in a child process: a deadlock holds the GIL, and would hang this one
    import subprocess
    import sys

    from tests.helpers import REPO

    done = subprocess.run([sys.executable, "-c", THREADS], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "done"), done.stderr[-2000:]
