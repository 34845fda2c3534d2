"""The layers hold (cli -> io -> core): the import contracts of pyproject.toml, no import circle, and a
core that touches no file, stream or process of its own (tests/test_layers.py is the one place that says so)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

SRC = Path(__file__).resolve().parents[1] / "src" / "qp_eval"
ROOT = SRC.parents[1]


def test_the_import_contracts_of_the_layers_hold():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_import_circle_anywhere():
    """Tarjan's strongly connected components over every import of the package (inside functions too;
    annotations for type checkers aside): each component is one module."""
    graph = grimp.build_graph("qp_eval", exclude_type_checking_imports=True)
    mods = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(mods)) for m in mods}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for m in mods:
        if m not in index:
            visit(m)
    assert circles == []


# what a module of the core may not use: the file system, the process, the terminal
NOT_IN_CORE = {"os", "shutil", "tempfile", "subprocess", "glob", "zipfile", "signal", "sys", "socket", "sqlite3"}
CALLS_NOT_IN_CORE = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "stat", "lstat", "exists",
                     "is_dir", "is_file", "iterdir", "rglob", "glob", "resolve", "mkdir", "unlink", "rename",
                     "replace", "touch", "chmod", "print", "input"}


def test_the_core_opens_no_file_and_writes_no_stream():
    found = []
    for path in sorted((SRC / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path.name, node.lineno, a.name) for a in node.names if a.name.split(".")[0] in NOT_IN_CORE]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] in NOT_IN_CORE:
                    found.append((path.name, node.lineno, node.module))
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in CALLS_NOT_IN_CORE and not (name == "replace" and _is_text_replace(node)):
                    found.append((path.name, node.lineno, name))
    assert found == []


def _is_text_replace(node: ast.Call) -> bool:
    """``str.replace(a, b)`` and ``dataclasses.replace(x, field=...)``, not ``Path.replace(target)``:
    a rename is a method called with one argument and no keywords."""
    return not isinstance(node.func, ast.Attribute) or len(node.args) != 1 or bool(node.keywords)


HEAVY = {"openpyxl", "xlsxwriter", "docx", "python_calamine", "defusedxml", "lxml", "numpy", "pandas", "wcwidth"}


def test_an_import_inside_a_function_only_defers_a_heavy_library():
    """Outside the command line, a module imports what it uses at its top, but for a file-format library
    imported where it is first needed (and saying so). The commands import inside themselves so that
    ``qp-eval --help`` imports typer alone (tests/test_cli.py checks what it imports)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] == "cli":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    module = (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name
                    heavy = getattr(node, "level", 0) == 0 and module.split(".")[0] in HEAVY
                    said = "#" in lines[node.lineno - 1] or "#" in lines[node.end_lineno - 1]
                    if not (heavy and said):
                        found.append(f"{path.relative_to(SRC)}:{node.lineno} {module}")
    assert found == []
