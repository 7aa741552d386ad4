"""The notebook API at the package root: light to import, every name resolves; and the
package's import graph: no module imports one that imports it back."""

from __future__ import annotations

import ast
import re
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import selaras

PACKAGE = Path(selaras.__file__).parent


def test_importing_the_package_and_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, selaras, selaras.cli; "
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'scipy', 'sacrebleu') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(selaras._API))
def test_every_public_name_is_the_documented_function_of_its_module(name: str) -> None:
    """``selaras.X`` is the very object its module defines, documented, with typed arguments."""
    module = importlib.import_module(selaras._API[name])
    obj = getattr(selaras, name)
    assert obj is getattr(module, name)
    assert inspect.isfunction(obj) and obj.__module__ == module.__name__, f"{name} is re-exported, not defined, there"
    doc = inspect.getdoc(obj) or ""
    assert len(doc.split()) >= 5, f"{name} needs a docstring that says what it does"
    params = [p for p in inspect.signature(obj).parameters.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    assert all(p.annotation is not inspect.Parameter.empty for p in params), f"{name} has untyped arguments"


def _module_name(path: Path) -> str:
    parts = ["selaras", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, at the top or inside functions."""
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        if (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"selaras\.[\w.]+:\w+", node.value)
            and path != PACKAGE / "__init__.py"
        ):
            # A lazy "module:function" loader (backends/registry.py, the format
            # registry): importlib imports it, so it is an edge too. The package root's
            # notebook API is left out: only users reach it (modules import just
            # ``__version__`` from the root, which loads nothing).
            names = [node.value.partition(":")[0]]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != _module_name(path):
                found.add(name)
    return found


def _import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports_of(f, modules) for f in files}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path per cycle found by depth-first search (empty when the graph is acyclic)."""
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    graph = _import_graph()
    assert "selaras.backends.base" in graph and "selaras.rows" in graph["selaras.jobs.run"]
    assert _cycles(graph) == []


def test_lazy_importlib_loaders_count_as_imports() -> None:
    """The registry's "module:function" strings are edges: a loop through importlib is
    a loop (the CTranslate2 engine and the shortlist builder once formed one)."""
    graph = _import_graph()
    assert "selaras.backends.ct2" in graph["selaras.backends.registry"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_layers_stay_apart() -> None:
    """The aligner needs no metrics or engines; checks and review need no serialiser of export."""
    graph = _import_graph()

    def reaches(module: str) -> set[str]:
        seen, todo = set(), [module]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    align = {m for m in graph if m.startswith("selaras.align")}
    for module in align:
        assert not {"selaras.metrics", "selaras.backends"} & {m.rsplit(".", 1)[0] if m.startswith("selaras.backends.") else m for m in reaches(module)}, module
    for module in (m for m in graph if m.startswith(("selaras.checks", "selaras.review"))):
        assert "selaras.export" not in reaches(module), module
    assert not any(m.startswith("selaras.backends.") and m != "selaras.backends.base" for m in graph["selaras.backends.base"])


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        selaras.no_such_thing  # noqa: B018


def test_root_api_runs_the_pure_steps() -> None:
    sentences = selaras.split_sentences("Dr. Budi datang pukul 09.30 WIB. Dia membawa 1.250.000 rupiah.")
    assert [s.text for s in sentences] == ["Dr. Budi datang pukul 09.30 WIB.", "Dia membawa 1.250.000 rupiah."]
    beads = selaras.align_sentences([s.text for s in sentences], ["Dr. Budi came at 09:30.", "He brought 1,250,000 rupiah."])
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,))]
