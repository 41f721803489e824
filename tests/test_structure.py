"""The house's rules, read from the source: no import cycles, no private names used across modules.

The import graph is read with ``ast`` from every module of the rooms (imports inside functions included: a
cycle hidden by a lazy import is still a cycle).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "snowplow_beam"
ROOMS = ("beam_pipeline", "transforms", "runners", "collector", "warehouse", "lake", "report", "recover")


def _modules() -> dict[str, Path]:
    modules = {}
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([NAMESPACE, *parts])] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """``(module imported, names taken from it, line)`` for every import of a project module in ``path``."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names if alias.name.startswith(NAMESPACE)]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module.startswith(NAMESPACE):
                names = [alias.name for alias in node.names]
                # ``from package import module`` imports the module
                found += [(f"{module}.{n}", [], node.lineno) for n in names if f"{module}.{n}" in MODULES]
                others = [n for n in names if f"{module}.{n}" not in MODULES]
                if others:
                    found.append((module, others, node.lineno))
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = set()
        for module, _, _ in _imports(name, path):
            while module and module not in MODULES:  # a name inside a module: the module
                module = module.rpartition(".")[0]
            if module and module != name:
                targets.add(module)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_of_the_import_graph_sees_imports():
    graph = _graph()
    assert f"{NAMESPACE}.transforms.timestamps" in graph[f"{NAMESPACE}.beam_pipeline.launcher"]
    assert f"{NAMESPACE}.beam_pipeline.launcher" in graph[f"{NAMESPACE}.beam_pipeline.__main__"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_no_private_name_is_imported_from_another_module():
    private = [f"{path.relative_to(ROOT)}:{line}: {module}.{n}"
               for name, path in MODULES.items() for module, names, line in _imports(name, path)
               for n in names if n.startswith("_") and not n.startswith("__")]
    assert private == []
