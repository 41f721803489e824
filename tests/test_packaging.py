"""Packaging: one wheel, one extra per use, every module under ``snowplow_beam``.

- Quick: no file of the project imports a room by its bare name (``import transforms``, ``python -m collector``):
  from the repository root such an import finds the folder, installed it finds nothing (or another project's).
- Slow: the wheel is built once from the rooms setup.py names; it holds ``snowplow_beam/...`` only. For each extra
  a clean virtualenv installs ``"<wheel>[extra]"`` with requirements.txt as the constraints, as the images do;
  every module of the extra's rooms imports, and every console script of the extra starts with ``--help`` (a
  usage naming its options or commands). pip needs the package index (its cache makes a second run quicker):
  unreachable, the tests fail in CI and skip elsewhere. About a minute in all, Beam's install the longest.
"""
from __future__ import annotations

import ast
import configparser
import email
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import require

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "snowplow_beam"
ROOMS = frozenset(ast.literal_eval(re.search(r"^ROOMS = (\(.*?\))$", (ROOT / "setup.py").read_text(),
                                             re.M | re.S).group(1)))
# extra -> (its console scripts, the rooms whose every module it must import)
EXTRAS = {
    "pipeline": ({"snowplow-pipeline", "snowplow-recover"},
                 {"beam_pipeline", "transforms", "runners", "lake", "recover"}),
    "collector": ({"snowplow-collector"}, {"collector"}),
    "warehouse": ({"snowplow-warehouse"}, {"warehouse"}),
    "report": ({"snowplow-report"}, {"report"}),
}
NOT_THE_PROJECTS = {"build", "dist", "node_modules"}  # and every folder whose name starts with a dot (.venv, .tools)


# ---------------------------------------------------------------------------- quick: bare room names
def _ours(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not NOT_THE_PROJECTS & set(parts) and not any(part.startswith(".") for part in parts[:-1])


def _python_files() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if _ours(path))


def _bare_room(module: str) -> bool:
    return module.split(".")[0] in ROOMS


def _bare_imports(source: str, label: str) -> list[str]:
    """``label:line module`` for each import of a room by its bare name: statements, import_module, ``-m``."""
    found = []
    for node in ast.walk(ast.parse(source, label)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if function in ("import_module", "__import__", "run_module"):
                modules = [node.args[0].value]
        elif isinstance(node, (ast.List, ast.Tuple)):
            items = [item.value if isinstance(item, ast.Constant) else None for item in node.elts]
            modules = [module for flag, module in zip(items, items[1:]) if flag == "-m"]
        found += [f"{label}:{node.lineno} {module}" for module in modules
                  if isinstance(module, str) and _bare_room(module)]
    return found


def test_the_reader_of_bare_imports_sees_them():
    source = ("import transforms.iglu\nfrom collector import core\nfrom . import lake\n"
              "import snowplow_beam.transforms\nimportlib.import_module('warehouse.sql')\n"
              "subprocess.run([sys.executable, '-m', 'beam_pipeline', '--help'])\nimport reportlab\n")
    assert sorted(_bare_imports(source, "sample.py")) == [
        "sample.py:1 transforms.iglu", "sample.py:2 collector", "sample.py:5 warehouse.sql",
        "sample.py:6 beam_pipeline"]


def test_no_file_imports_a_room_by_its_bare_name():
    found = [hit for path in _python_files() for hit in _bare_imports(path.read_text(), str(path.relative_to(ROOT)))]
    assert not found, f"import {NAMESPACE}.<room>, never the bare room: {found}"


def test_no_command_runs_a_room_by_its_bare_name():
    commands = [ROOT / "Makefile", *ROOT.glob(".ci/*"), *ROOT.rglob("*.sh")]
    found = []
    for path in commands:
        if path.is_file() and (path.parent.name == ".ci" or _ours(path)):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                found += [f"{path.relative_to(ROOT)}:{number} {m}" for m in re.findall(r"-m ([\w.]+)", line)
                          if _bare_room(m)]
    assert not found, f"python -m {NAMESPACE}.<room>, never the bare room: {found}"


def test_every_room_and_extra_has_its_place_in_the_table():
    assert set().union(*(rooms for _, rooms in EXTRAS.values())) == ROOMS


# ---------------------------------------------------------------------------- slow: the wheel and its extras
def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def index_reachable():
    probe = _run([sys.executable, "-m", "pip", "index", "versions", "orjson", "--timeout", "15", "--retries", "1"],
                 timeout=120)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built once from a copy of what setup.py reads (the tree stays free of build/), with the
    pinned build tools of pyproject.toml; cargo reuses the checkout's native/target, so the Rust core is not
    compiled again from scratch."""
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.py", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, source / name)
    for room in ROOMS:
        shutil.copytree(ROOT / room, source / room, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so"))
    shutil.copytree(ROOT / "native", source / "native", ignore=shutil.ignore_patterns("target"))
    wheels = tmp_path_factory.mktemp("wheels")
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", wheels, source],
                timeout=600, env={**os.environ, "CARGO_TARGET_DIR": str(ROOT / "native" / "target")})
    assert done.returncode == 0, done.stderr
    return next(wheels.glob("*.whl"))


def _dist_info(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(f".dist-info/{name}"))).decode()


def _console_scripts(wheel: Path) -> dict[str, str]:
    entry_points = configparser.ConfigParser(delimiters=("=",))
    entry_points.optionxform = str
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    return dict(entry_points["console_scripts"])


@pytest.mark.slow
def test_the_wheel_holds_only_the_namespace(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {NAMESPACE}, f"installed under a generic name: {tops - {NAMESPACE}}"
    assert {name.split("/")[1] for name in names if name.startswith(f"{NAMESPACE}/")} >= ROOMS
    assert f"{NAMESPACE}/__init__.py" not in names  # a namespace package: nothing of ours at its top


@pytest.mark.slow
def test_the_wheel_has_an_extra_per_use_and_every_console_script_has_its_extra(wheel):
    metadata = email.message_from_string(_dist_info(wheel, "METADATA"))
    assert set(metadata.get_all("Provides-Extra")) == {*EXTRAS, "all"}
    by_extra = {}
    for requirement in metadata.get_all("Requires-Dist"):
        spec, _, marker = requirement.partition(";")
        extra = re.fullmatch(r'\s*extra\s*==\s*"(\w+)"\s*', marker).group(1) if marker else None
        by_extra.setdefault(extra, set()).add(spec.strip())
    assert by_extra["all"] == set().union(*(by_extra[extra] for extra in EXTRAS))
    pins = {line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()} - {""}
    assert set().union(*by_extra.values()) == pins, "every pin of requirements.txt belongs to the core or an extra"
    assert set(_console_scripts(wheel)) == set().union(*(scripts for scripts, _ in EXTRAS.values()))


@pytest.mark.slow
@pytest.mark.parametrize("extra", sorted(EXTRAS))
@pytest.mark.registry
def test_a_clean_install_of_each_extra_imports_its_rooms_and_starts_its_console_scripts(
        extra, wheel, index_reachable, tmp_path):
    require(index_reachable, "the package index is unreachable: pip cannot install the extras")
    venv = tmp_path / "venv"
    done = _run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=120)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
                 "--constraint", ROOT / "requirements.txt", f"{wheel}[{extra}]"], timeout=600)
    assert done.returncode == 0, done.stderr
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment["PATH"] = f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    scripts, rooms = EXTRAS[extra]
    importer = ("import importlib, pkgutil, sys\n"
                f"for room in {sorted(rooms)!r}:\n"
                f"    package = importlib.import_module('{NAMESPACE}.' + room)\n"
                "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
                "        importlib.import_module(module.name)\n")
    done = _run([python, "-c", importer], cwd=tmp_path, env=environment, timeout=300)
    assert done.returncode == 0, f"[{extra}] does not import its rooms {sorted(rooms)}: {done.stderr}"
    for script in sorted(scripts):
        done = _run([venv / "bin" / script, "--help"], cwd=tmp_path, env=environment, timeout=120)
        assert done.returncode == 0, f"{script} --help with [{extra}] installed: {done.stderr}"
        usage = re.match(rf"usage: {script} (.*?)\n\n", done.stdout, re.S)
        assert usage, done.stdout
        assert usage.group(1).replace("[-h]", "").strip(), f"{script} --help names no option nor command: {done.stdout}"
