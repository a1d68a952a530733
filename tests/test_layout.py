"""The package's layout: folders in the order data flows, imports running one way down it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from warclaims.environment import differences

from conftest import ROOT

PACKAGE = ROOT / "src" / "warclaims"
# Lower layers never import higher ones: cli over reports over charts over external over claims,
# with errors, paths and interrupts (standard library only) under everything.
LAYERS = {
    "warclaims.errors": 0,
    "warclaims.paths": 0,
    "warclaims.interrupts": 0,
    "warclaims.strictyaml": 0,
    "warclaims.claims": 1,
    "warclaims.external": 2,
    "warclaims.charts": 3,
    "warclaims.reports": 4,
    "warclaims.environment": 5,
    "warclaims.cli": 5,
    "warclaims.command": 5,
    "warclaims.__main__": 5,
    "warclaims": 5,  # the package's own __init__ (the names notebooks import), never a module under it
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """The layer of `module`: its own entry, else its subpackage's. A module of the package's top
    level that LAYERS does not name has none (KeyError), so a new one must be placed."""
    found = module
    while found not in LAYERS or (found == "warclaims" and module != "warclaims"):
        found = found.rpartition(".")[0]
        if not found:
            raise KeyError(f"{module} has no layer: add it to LAYERS in tests/test_layout.py")
    return LAYERS[found]


def _skipped(tree: ast.Module) -> set[int]:
    """Ids of the nodes under `if TYPE_CHECKING:` or `if __name__ == "__main__":`, which are not
    imported when the module is (type hints; running it as a program)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "__name__ == '__main__'"):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    return skipped


def imports_of(path: Path) -> set[str]:
    """Every warclaims module `path` imports, at its top or inside a function."""
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _skipped(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found |= {f"{base}.{a.name}" if base == "warclaims" else base for a in node.names}
    return {m for m in found if m == "warclaims" or m.startswith("warclaims.")}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_run_one_way(path):
    me = module_name(path)
    upward = sorted(m for m in imports_of(path) if layer(m) > layer(me))
    assert upward == [], f"{me} (layer {layer(me)}) imports from a higher layer: {upward}"


def test_every_module_has_a_layer():
    for path in MODULES:
        layer(module_name(path))
    with pytest.raises(KeyError, match=r"warclaims\.helper has no layer"):
        layer("warclaims.helper")  # a new top-level module is placed by hand, never by default


def _module_of(name: str, known: set[str]) -> str:
    """`warclaims.reports.kernels.ForkedKernelManager` -> the module it lives in."""
    while name not in known and "." in name:
        name = name.rpartition(".")[0]
    return name


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle of `graph` (module -> the modules it imports), once, as a path that returns
    to its start."""
    found, seen = [], set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append([*cycle, nxt])
            elif len(path) < 12:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def import_graph() -> dict[str, set[str]]:
    known = {module_name(p) for p in MODULES}
    graph = {}
    for path in MODULES:
        me = module_name(path)
        graph[me] = {m for m in (_module_of(i, known) for i in imports_of(path)) if m != me and m != "warclaims"}
    return graph


def test_no_module_imports_itself_round_a_cycle():
    """Inside a layer too, and counting imports inside functions (late imports hide a cycle, they
    do not cut it); the package's own __init__ (lazy names for notebooks) is left out."""
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    graph = import_graph()
    graph["warclaims.reports.processes"] = {"warclaims.reports.workers"}  # as zygote -> workers once did
    assert ["warclaims.reports.processes", "warclaims.reports.workers", "warclaims.reports.processes"] in cycles(
        graph
    ) or any(c[0] == "warclaims.reports.workers" and "warclaims.reports.processes" in c for c in cycles(graph))


def test_selecting_claims_loads_no_chart_library():
    code = "import sys, warclaims.charts.selection; print(sorted(m for m in ('seaborn', 'matplotlib') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "folder", sorted({p.parent for p in MODULES}), ids=lambda p: p.relative_to(PACKAGE.parent).as_posix()
)
def test_no_module_shadows_the_standard_library(folder):
    """Python run from inside the package (sys.path[0] is the folder) still imports pandas."""
    run = subprocess.run(
        [sys.executable, "-c", "import pandas, json, numbers, csv, string"], cwd=folder, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    names = {p.stem for p in folder.glob("*.py")}
    assert not names & set(sys.stdlib_module_names)


def test_notebook_facing_names_are_stable():
    import warclaims
    from warclaims import charts, figures, prose

    for name in (
        "load_claims",
        "load_events",
        "select_claims",
        "load_attacks_parameter",
        "check_unit",
        "ParameterError",
        "ClaimTableError",
    ):
        assert getattr(warclaims, name)
    assert callable(figures.timeline_figure) and callable(prose.overview) and callable(charts.plot_territory)


def test_environment_check_names_a_missing_or_changed_package(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pins\npandas==0.0.1\nno-such-package-warclaims==1.0\n", encoding="utf-8")
    found = differences(lock)
    assert "no-such-package-warclaims 1.0 is locked but not installed" in found
    assert any(line.startswith("pandas is ") and line.endswith("the lock pins 0.0.1") for line in found)
    assert differences(ROOT / "requirements.lock") == []


def test_no_source_file_is_git_ignored():
    """.gitignore names the generated folders at the root only: src/warclaims/reports/ is source."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = [str(p.relative_to(ROOT)) for p in MODULES] + [
        str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
    ]
    run = subprocess.run(["git", "check-ignore", "--no-index", *files], cwd=ROOT, capture_output=True, text=True)
    assert run.stdout.split() == []
