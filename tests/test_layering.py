"""The package's layers: imports run one way, no module imports itself back, the library knows nothing of click
or xlwings.

The graph is built from the source with ``ast`` (imports inside functions included), so an import hidden in a
function body counts like any other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pia_excel"

#: top-level units from the entry points down to the bottom; a unit may import only units of a lower rank
#: (and itself). Units on one line are independent of each other.
LAYERS = [
    ("xl",),  # the stable name the Excel buttons call, re-exporting addin.handlers
    ("cli", "addin"),
    ("api",),
    ("export", "organisation"),
    ("pdf", "changelog"),
    ("rules",),
    ("batch", "storage"),
    ("excel",),
    ("models",),
    ("spec",),
    ("wareki",),
    ("errors", "atomic"),
]
RANK = {unit: len(LAYERS) - i for i, units in enumerate(LAYERS) for unit in units}
#: units that talk to the user or to Excel; everything else is the library
FRONT_ENDS = {"cli", "addin", "xl"}
FORBIDDEN_IN_LIBRARY = {"click", "xlwings"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                found.append((sub if sub in MODULES else mod, node.lineno))
    return found


def _graph() -> dict[str, list[tuple[str, int]]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


GRAPH = _graph()


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "pia_excel" and len(parts) > 1 else None


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in MODULES} - {None}
    assert units <= set(RANK), f"units without a layer: {sorted(units - set(RANK))}"


def test_imports_run_one_way():
    wrong = []
    for module, imports in GRAPH.items():
        src = _unit(module)
        for target, line in imports:
            dst = _unit(target)
            if src is None or dst is None or dst == src:
                continue
            if RANK[dst] >= RANK[src]:
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_import_cycles():
    internal = {m: sorted({t for t, _ in imps if t in MODULES and t != m}) for m, imps in GRAPH.items()}
    # a package's __init__ that imports its own submodules is the usual re-export, not a cycle by itself:
    # cycles are searched on the whole graph, so a submodule importing its package back while the package
    # imports it is reported
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in internal[m]:
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(internal):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _unit(m) not in FRONT_ENDS))
def test_library_does_not_import_click_or_xlwings(module):
    used = {t.split(".")[0] for t, _ in GRAPH[module]} & FORBIDDEN_IN_LIBRARY
    assert not used, f"{module} imports {sorted(used)}: only pia_excel.cli and pia_excel.addin may"


def test_the_checks_see_function_level_imports(tmp_path):
    """The graph includes imports inside functions (they are how cycles used to hide)."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from .excel import writer\n", encoding="utf-8")
    assert ("pia_excel.excel.writer", 2) in _imports("pia_excel.m", src)


def test_top_level_holds_a_handful_of_modules():
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert top == ["api", "atomic", "batch", "errors", "export", "storage", "wareki", "xl"]
