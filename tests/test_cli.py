"""Every entry point's --help names every option with its meaning (and its default where it has one).

Read from the console scripts' ``main`` as a user runs them, on a wide terminal so nothing wraps.
"""
from __future__ import annotations

import re

import pytest

from snowplow_beam.beam_pipeline.__main__ import main as pipeline_main
from snowplow_beam.recover.__main__ import main as recover_main
from snowplow_beam.report.__main__ import main as report_main

ENTRY_POINTS = {"snowplow-pipeline": pipeline_main, "snowplow-recover": recover_main, "snowplow-report": report_main}
OPTION = re.compile(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$")  # an option's line: its flags, then its meaning or none


def _help(main, capsys, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", "1000")
    try:
        code = main(["--help"])
    except SystemExit as exit_:  # argparse's own -h
        code = exit_.code
    assert code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_every_option_has_a_meaning(name, capsys, monkeypatch):
    text = _help(ENTRY_POINTS[name], capsys, monkeypatch)
    flags = set(re.findall(r"\[(--[a-z_-]+)", text.split("\n\n")[0]))  # the usage line's options
    described = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = OPTION.match(line)
        if match:  # argparse puts the meaning of a long option on the next line
            meaning = match.group(2) or lines[index + 1].strip()
            for flag in re.findall(r"--[a-z_-]+", match.group(1)):
                described[flag] = meaning
    assert flags and flags <= set(described), f"{name}: options without a meaning: {sorted(flags - set(described))}"
    assert all(len(meaning.split()) >= 3 for meaning in described.values())


def test_defaults_are_shown_where_there_is_one(capsys, monkeypatch):
    text = _help(pipeline_main, capsys, monkeypatch)
    assert re.search(r"--good_format \{parquet,tsv\}\s+.*\(default: parquet\)", text)
    assert re.search(r"--window_seconds WINDOW_SECONDS\s+.*\(default: 60\)", text)
    assert "(default: None)" not in text
    for group in ("input:", "output:", "privacy:", "validation and enrichments:", "streaming (Kinesis):", "runner"):
        assert group in text
    recover = _help(recover_main, capsys, monkeypatch)
    assert "recovery:" in recover and "privacy:" in recover and "--input" not in recover
