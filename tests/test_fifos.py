"""A FIFO (or another file that is not a regular file) wherever a command reads a file: one line
naming it, exit 1, and never a hang (a FIFO with no writer blocks a plain open for ever)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
NOT_REGULAR = "is not a regular file (a FIFO, a device or a socket)"


@pytest.fixture
def root(tmp_path) -> Path:
    for folder in ("data", "seeds", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "reports.yaml", tmp_path / "reports.yaml")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "src" / "warclaims").mkdir(parents=True)
    return tmp_path


def _fifo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warclaims", *args],
        capture_output=True,
        text=True,
        timeout=60,  # a hang fails the test here, not the suite
        stdin=subprocess.DEVNULL,
        env={**os.environ, "WARCLAIMS_ROOT": str(root)},
    )


def _seed(root: Path) -> Path:
    return sorted((root / "seeds").iterdir())[0]


CASES = [
    # (what, the FIFO's place, the command)
    ("the claim table", lambda r: r / "data" / "events.csv", lambda r, f: ("validate",)),
    ("a seed", _seed, lambda r, f: ("validate",)),
    ("validate --events", lambda r: r / "edited.csv", lambda r, f: ("validate", "--events", str(f))),
    ("build --reports", lambda r: r / "list.yaml", lambda r, f: ("build", "--reports", str(f))),
    ("the build's claim table", lambda r: r / "data" / "events.csv", lambda r, f: ("build", "--quiet")),
    ("import-losses", lambda r: r / "losses.json", lambda r, f: ("import-losses", str(f))),
    (
        "import-attacks",
        lambda r: r / "attacks.csv",
        lambda r, f: ("import-attacks", str(f), "--models", str(FIXTURES / "attacks" / "missiles_and_uavs.csv")),
    ),
    (
        "import-territory's snapshot",
        lambda r: r / "x.geojson",
        lambda r, f: ("import-territory", str(f), "--region", str(FIXTURES / "territory" / "region.geojson")),
    ),
    (
        "import-territory --region",
        lambda r: r / "region.geojson",
        lambda r, f: (
            "import-territory",
            str(FIXTURES / "territory" / "snapshot_1720000000.geojson"),
            "--region",
            str(f),
        ),
    ),
    ("data/external.yaml", lambda r: r / "data" / "external.yaml", lambda r, f: ("fetch", "general-staff")),
    (
        "check-external --previous",
        lambda r: r / "published.json",
        lambda r, f: ("check-external", "--previous", str(f)),
    ),
]


@pytest.mark.parametrize(("what", "place", "command"), CASES, ids=[c[0] for c in CASES])
def test_a_fifo_is_named_in_one_line_and_never_blocks(root, what, place, command):
    fifo = _fifo(place(root))
    run = _run(root, *command(root, fifo))
    assert run.returncode == 1, run.stderr
    assert NOT_REGULAR in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_a_build_with_a_fifo_for_the_sources_table_says_so(root):
    _fifo(root / "data" / "sources.csv")
    done = _run(root, "build")
    assert done.returncode == 1, done.stderr
    assert "sources.csv" in done.stderr and NOT_REGULAR in done.stderr
    assert "Traceback" not in done.stderr


def test_a_build_refuses_a_table_file_that_is_a_link_out_of_the_project(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "sources.csv"
    shutil.copy(root / "data" / "sources.csv", outside)
    (root / "data" / "sources.csv").unlink()
    (root / "data" / "sources.csv").symlink_to(outside)
    done = _run(root, "build")
    assert done.returncode == 1, done.stderr
    assert "data/sources.csv is outside the project's data/ and seeds/" in done.stderr
    assert not (root / "reports" / "index.html").exists()
