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
    "warclaims": 5,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    while module not in LAYERS:
        module = module.rpartition(".")[0]
    return LAYERS[module]


def imports_of(path: Path) -> set[str]:
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
