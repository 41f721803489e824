"""``snowplow-warehouse --help`` and each command's ``--help``: every option says what it is and what its default is.

The help is read as printed; the defaults of the Snowflake objects are checked against :class:`Objects`' own.
"""
from __future__ import annotations

import re

import pytest

from snowplow_beam.warehouse.__main__ import main
from snowplow_beam.warehouse.sql import Objects

COMMANDS = ("load", "sql", "query")


def printed_help(argv: list[str], capsys, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", "1000")  # no wrapping: one line per option
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def options(text: str) -> dict[str, str]:
    """Option (or positional argument) -> its help text, as printed."""
    found: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        entry = re.fullmatch(r"  (-[-\w]+|\w+)(?:,? [-\w\[\].]+)*?(?: {2,}(.*))?", line)
        if entry:
            last = entry.group(1)
            found[last] = entry.group(2) or ""
        elif line.startswith("        ") and last:
            found[last] += " " + line.strip()
    return found


def test_the_top_level_help_lists_every_command_with_its_meaning(capsys, monkeypatch):
    text = printed_help([], capsys, monkeypatch)
    for command in COMMANDS:
        listed = re.search(rf"^ +{command} {{2,}}(.*)$", text, re.M)
        assert listed and len(listed.group(1).split()) >= 5, text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_a_meaning_and_a_default(command, capsys, monkeypatch):
    listed = options(printed_help([command], capsys, monkeypatch))
    assert "--lake" in listed
    for option, text in listed.items():
        if option == "-h":
            continue
        meaning = re.sub(r" \((default: .*|required)\)$", "", text)
        assert len(meaning.split()) >= 3, f"{command} {option}: no meaning in {text!r}"
        assert text.endswith(")") and ("(default: " in text or text.endswith("(required)")), \
            f"{command} {option}: no default in {text!r}"


@pytest.mark.parametrize("command", ("load", "sql"))
def test_the_defaults_shown_are_the_objects_defaults(command, capsys, monkeypatch):
    listed = options(printed_help([command], capsys, monkeypatch))
    objects = Objects()
    assert listed["--good-table"].endswith(f"(default: {objects.good_table})")
    assert listed["--bad-table"].endswith(f"(default: {objects.bad_table})")
    assert listed["--storage-integration"].endswith(f"(default: {objects.storage_integration})")
    assert listed["--database"].endswith(f"(default: $SNOWFLAKE_DATABASE, else {objects.database})")
    assert listed["--schema"].endswith(f"(default: $SNOWFLAKE_SCHEMA, else {objects.schema})")
