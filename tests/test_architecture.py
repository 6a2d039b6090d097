"""The import rule of the package: layers import downwards only, no module imports close a cycle,
and no module is longer than 500 lines.

Layers, top to bottom: ``cli -> present -> analysis -> fitting -> inputs -> core`` (the root
``model/__init__.py`` and ``model/__main__.py`` are the public face, above them all).  Every import
counts for the layer rule: at module level, inside functions, and inside ``if TYPE_CHECKING:``
blocks (a type-only import is still a dependency a reader must follow).  For cycles, every import
that runs counts, at module level or inside a function; type-only imports do not, because they
never execute: a result class may name in a hint the class its verb returns (``Results.compare``
returns a ``Comparison``, which holds two ``Results``).  The one exception is :data:`LEAVES`: a leaf module that imports nothing of the model
above ``core`` may be called from any layer (``Results.plot()`` draws with
``model.present.plotting``); the test checks that each leaf stays a leaf.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "model"
LAYERS = ("core", "inputs", "fitting", "analysis", "present", "cli")
"""Bottom to top: a module may import its own layer and the layers before it."""
LEAVES = {
    "model.present.plotting": "figures from frames and column names; Results/Draws/Sensitivity.plot()",
    "model.present.labels": "Chinese and English names and units of the output variables (plots, sliders)",
    "model.present.fonts": "the CJK font registered with matplotlib (plots)",
    "model.inputs.paths": "where the shipped files and the user's cache folder are (fonts, calibrations)",
}
"""Modules any layer may import, because they import nothing of the model but ``core``."""
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return len(LAYERS)  # the public face: model, model.__main__
    return LAYERS.index(parts[1])


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, *, type_only: bool = True) -> set[str]:
    """Every model module ``module`` imports, wherever the import statement stands; without
    ``type_only``, leave out those under ``if TYPE_CHECKING:``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    skip = set()
    if not type_only:
        skip = {id(n) for block in ast.walk(tree) if _is_type_checking(block) for n in ast.walk(block)}
    out = set()
    for node in ast.walk(tree):  # module level, functions, methods, if TYPE_CHECKING blocks
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from model.present import briefing`` imports the module model.present.briefing
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # ``import model.core.levers.base`` etc.
                name = name.rpartition(".")[0]
            if name.startswith("model") and name != module:
                out.add(name)
    return out


GRAPH = {m: _imports(m) for m in MODULES}
"""Every import, type-only ones included (the layer rule)."""
RUNTIME = {m: _imports(m, type_only=False) for m in MODULES}
"""Imports that execute, at module level or in a function (the cycle rule)."""


def test_the_layers_exist_and_each_says_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"model/{layer}/__init__.py must say what the layer may import"


def test_no_import_points_up_a_layer():
    upward = [
        f"{m} ({LAYERS[_layer(m)] if _layer(m) < len(LAYERS) else 'root'}) imports {t} "
        f"({LAYERS[_layer(t)] if _layer(t) < len(LAYERS) else 'root'})"
        for m, targets in GRAPH.items() for t in sorted(targets)
        if _layer(t) > _layer(m) and t not in LEAVES
    ]
    assert upward == []


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaves_import_only_core(leaf):
    assert {t for t in GRAPH[leaf] if _layer(t) > 0 and t not in LEAVES} == set()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_imports_close_a_cycle():
    assert _cycles(RUNTIME) == []


def test_the_import_scan_sees_imports_inside_functions_and_type_checking_blocks():
    # cli/compare.py imports the analysis inside its command functions; present/output.py
    # imports the result classes under TYPE_CHECKING only
    assert "model.analysis.comparison" in RUNTIME["model.cli.compare"]
    assert "model.analysis.results" in GRAPH["model.present.run_files"]
    assert "model.analysis.results" not in RUNTIME["model.present.run_files"]


@pytest.mark.parametrize("path", sorted([*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_longer_than_500_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(ROOT)} has {n} lines"
