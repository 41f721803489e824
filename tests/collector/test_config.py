"""The collector's settings as a user reads them: ``snowplow-collector --help`` gives every setting a meaning and
its real default, in groups; the settings table of collector/README.md says the same; the ``--config`` file takes
the same names.

The help is read as printed (``main(["--help"])``); defaults are checked against ``Settings()``'s own values.
"""
from __future__ import annotations

import dataclasses
import json
import re
import shlex
from pathlib import Path

import pytest

from snowplow_beam.collector.__main__ import main
from snowplow_beam.collector.config import Settings, load_settings

README = Path(__file__).resolve().parents[2] / "collector" / "README.md"
NAMES = [f.name for f in dataclasses.fields(Settings)]
DEFAULT = re.compile(r" \(default: (.+)\)$")


def printed_help(capsys, monkeypatch) -> str:
    """``--help`` as printed, on a terminal wide enough that no line wraps (argparse wraps at hyphens too)."""
    monkeypatch.setenv("COLUMNS", "1000")
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def help_entries(text: str) -> list[tuple[str, str, str]]:
    """``(group, option, help text on one line)`` for every option of the printed help, in order."""
    entries: list[list[str]] = []
    group = ""
    for line in text.splitlines():
        heading = re.fullmatch(r"(\S.*):", line)
        option = re.fullmatch(r"  (--?[a-z_]+)(?:,? \S+)*?(?: {2,}(.*))?", line)
        if heading:
            group = heading.group(1)
        elif option:
            entries.append([group, option.group(1).lstrip("-"), option.group(2) or ""])
        elif line.startswith("    ") and entries:
            entries[-1][2] += " " + line.strip()
    return [(g, name, " ".join(words.split())) for g, name, words in entries]


@pytest.fixture
def settings_help(capsys, monkeypatch) -> dict[str, tuple[str, str]]:
    """Setting name -> (its group, its help text) as ``--help`` prints them."""
    entries = help_entries(printed_help(capsys, monkeypatch))
    return {name: (group, words) for group, name, words in entries if name in NAMES}


def typed(text: str, like: object) -> object:
    """A default as typed after its flag, read back as the type of ``like`` (the test's own reading)."""
    if isinstance(like, bool):
        return {"true": True, "false": False}[text]
    if isinstance(like, (int, float)):
        return type(like)(text)
    if isinstance(like, list):
        return [item for item in text.split(",") if item]
    if isinstance(like, dict):
        return json.loads(text)
    return text


def test_every_setting_is_an_option_with_a_meaning(capsys, monkeypatch):
    entries = help_entries(printed_help(capsys, monkeypatch))
    options = [name for _, name, _ in entries]
    assert options == ["h", "config", *NAMES]
    for group, name, words in entries:
        if name in NAMES:
            meaning = DEFAULT.sub("", words)
            assert len(meaning.split()) >= 3, f"--{name} has no meaning in --help: {words!r}"
            assert group != "options", f"--{name} is in no group"


def test_settings_are_grouped(settings_help):
    groups = {name: group for name, (group, _) in settings_help.items()}
    assert len(set(groups.values())) >= 8
    assert groups["host"] == groups["port"] == groups["workers"] == "server"
    assert groups["good_path"] == groups["file_rotate_seconds"] == groups["write_timeout_s"] == "sink: file"
    assert groups["good_stream"] == groups["record_limit"] == groups["region"] == "sink: Kinesis"
    assert groups["cookie_name"] == groups["cookie_same_site"] == "cookies"
    assert "redirect" in groups["redirect_domains"] and groups["paths"] == groups["redirect_domains"]
    assert groups["cors_max_age_s"] == "CORS"
    assert "logging" in groups["log_level"]
    assert "limits" in groups["max_payload_bytes"] == groups["header_read_timeout_s"]


def test_the_defaults_shown_are_the_real_defaults(settings_help):
    real = Settings()
    for name in NAMES:
        value = getattr(real, name)
        shown = DEFAULT.search(settings_help[name][1])
        if value is None:
            assert shown is None, f"--{name} has no default but --help shows {shown.group(1)}"
            continue
        assert shown, f"--{name}: --help shows no default, the real one is {value!r}"
        [text] = shlex.split(shown.group(1))
        assert typed(text, value) == value, f"--{name}: --help shows {shown.group(1)}, the real default is {value!r}"
    # a few as a user would read them
    assert settings_help["port"][1].endswith("(default: 8080)")
    assert settings_help["cookie_secure"][1].endswith("(default: true)")
    assert settings_help["redirect_placeholder"][1].endswith("(default: '${SP_NUID}')")
    assert "(default:" not in settings_help["good_path"][1]


def test_a_shown_default_given_as_the_flag_gives_the_default(settings_help):
    argv = ["--good_path", "/g", "--bad_path", "/b"]
    for name in NAMES:
        shown = DEFAULT.search(settings_help[name][1])
        if shown:
            argv += [f"--{name}", *shlex.split(shown.group(1))]
    assert load_settings(argv) == Settings(good_path="/g", bad_path="/b")


def test_the_config_file_takes_every_setting_by_the_same_name(tmp_path):
    values = {name: getattr(Settings(), name) for name in NAMES}
    values.update(sink="kinesis", good_stream="g", bad_stream="b", region="eu-west-1", cookie_domains=["a.com"])
    config = tmp_path / "collector.json"
    config.write_text(json.dumps(values))
    assert dataclasses.asdict(load_settings(["--config", str(config)])) == values


def readme_settings() -> list[tuple[str, str, str, str]]:
    """``(group, setting, default, meaning)`` of the README's settings tables, in order."""
    text = README.read_text()
    start, end = text.index("<!-- settings -->"), text.index("<!-- end of settings -->")
    rows, group = [], ""
    for line in text[start:end].splitlines():
        heading = re.fullmatch(r"\*\*(.+)\*\*", line)
        row = re.fullmatch(r"\| `(\w+)` \| (.*?) \| (.*) \|", line)
        if heading:
            group = heading.group(1)
        elif row:
            rows.append((group, row.group(1), row.group(2), row.group(3)))
    return rows


def test_the_readme_settings_say_what_help_says(settings_help):
    expected = []
    for name in NAMES:
        group, words = settings_help[name]
        shown = DEFAULT.search(words)
        expected.append((group, name, f"`{shown.group(1)}`" if shown else "–", DEFAULT.sub("", words)))
    table = "\n".join(f"| `{name}` | {default} | {meaning} |" for _, name, default, meaning in expected)
    assert readme_settings() == expected, f"collector/README.md's settings differ from --help:\n{table}"
