"""Shared fixtures: a throw-away copy of the project's data and seeds to break on purpose."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from warclaims.paths import repo_root

ROOT = repo_root()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ and seeds/ in a temporary root; WARCLAIMS_ROOT points at it."""
    for folder in ("data", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "src" / "warclaims").mkdir(parents=True)
    monkeypatch.setenv("WARCLAIMS_ROOT", str(tmp_path))
    return tmp_path


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames or list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def edit_row(path: Path, key: str, key_value: str, **changes: str) -> int:
    """Change cells of the row whose `key` is `key_value`; returns its line number (header = 1)."""
    rows = read_rows(path)
    for i, row in enumerate(rows):
        if row[key] == key_value:
            row.update(changes)
            write_rows(path, rows)
            return i + 2
    raise KeyError(key_value)


@pytest.fixture(scope="module")
def build_project(tmp_path_factory):
    """A copy of everything a report build reads (data, seeds, notebooks, package source, lock)."""
    return copy_project(tmp_path_factory.mktemp("project"))


# Every notebook once, and the territory in square miles: the pages a reader can open.
EVERY_NOTEBOOK = """reports:
  - notebook: overview
  - notebook: drone_interceptions
  - notebook: casualties
  - notebook: territory
    parameter_sets:
      default: {}
      square-miles: {territory_unit: mi2}
"""


def copy_project(root: Path, data_from: Path = ROOT) -> Path:
    """Into `root`: the notebooks, package source and lock of this checkout, with data/ and seeds/
    from `data_from` (this checkout, or a fixture article's folder)."""
    for folder in ("data", "seeds"):
        shutil.copytree(data_from / folder, root / folder)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(
        ROOT / "src" / "warclaims", root / "src" / "warclaims", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    return root


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots", metavar="DIR", help="keep the browser tests' screenshots in DIR (make test: build/screenshots)"
    )


@pytest.fixture(scope="session")
def screenshots(request, tmp_path_factory) -> Path:
    """Where the browser tests save screenshots: --screenshots DIR, else a temporary folder."""
    given = request.config.getoption("--screenshots")
    folder = Path(given).resolve() if given else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _checkout_state() -> dict[str, int]:
    """Every file of the checkout git would see (tracked or not, ignored ones too) with its mtime,
    leaving out the virtualenv, caches Python writes and what --screenshots names."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "screenshots"}
    state = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            state[os.path.relpath(path, ROOT)] = os.stat(path).st_mtime_ns
    return state


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched():
    """The suite writes nothing into the checkout: everything it builds or caches is under tmp_path."""
    before = _checkout_state()
    yield
    after = _checkout_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"the tests wrote into the checkout: {changed[:10]}"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def visible_texts(fig) -> list:
    """The texts a render actually draws (recorded as they draw), with something to show."""
    from matplotlib.text import Text

    drawn: list = []
    original = Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    Text.draw = record
    try:
        fig.draw_without_rendering()
    finally:
        Text.draw = original
    return list(dict.fromkeys(drawn))


# --- processes a build started: the tests that interrupt, kill or crash builds use these ---


def cli(root: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "warclaims", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(root), **kwargs.pop("env", {})},
        **kwargs,
    )


def marked(mark: str) -> dict[int, str]:
    """Processes whose environment carries this test's mark: the build, its forkserver, workers and kernels."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"WARCLAIMS_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found[int(entry.name)] = (
                        (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    )
            except OSError:
                continue
    return found


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ..."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat[stat.rfind(")") + 2 :].split()


def parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def kernels_of(mark: str) -> dict[int, str]:
    """The build's kernels: forked by its zygote (a zygote's child runs the same command line, and
    leads a session of its own, which a program the zygote runs while it imports does not), or
    started cold (`ipykernel_launcher`)."""
    procs = marked(mark)
    zygotes = {pid for pid, cmd in procs.items() if "warclaims.reports.zygote" in cmd}

    def forked(pid: int) -> bool:
        fields = _stat(pid)
        return pid in zygotes and bool(fields) and int(fields[1]) in zygotes and int(fields[3]) == pid

    return {pid: cmd for pid, cmd in procs.items() if "ipykernel_launcher" in cmd or forked(pid)}


@pytest.fixture
def mark():
    """A unique mark in the environment of a build started by the test; whatever carries it is killed afterwards."""
    value = uuid.uuid4().hex
    yield value
    for pid in marked(value):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


INJECTED = "<script>alert(1)</script><img src=x onerror=alert(2)>"
CONTEXT = """  - notebook: drone_interceptions
    parameter_sets:
      air-force-context:
        attacks_csv: data/external/attacks/missile_attacks_daily.csv
        attacks_models_csv: data/external/attacks/missiles_and_uavs.csv
        context_days: 3
  - notebook: casualties
    parameter_sets:
      general-staff-context:
        losses_json: data/external/general-staff/russia_losses_personnel.json
        losses_days: 5
  - notebook: territory
    parameter_sets:
      deepstate-context:
        snapshots: data/external/deepstate/geojsons
        region_geojson: data/regions/test.geojson
"""


@pytest.fixture(scope="session")
def published_pages(tmp_path_factory):
    """Every report a reader can open, with context data and markup in a claim and a citation: the
    pages the browser tests read (built once for all of them)."""
    root = copy_project(tmp_path_factory.mktemp("published"))
    fixtures = ROOT / "tests" / "fixtures"
    events = root / "data" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("Location as for the killed.", INJECTED))
    text = events.read_text(encoding="utf-8")  # a quote must be the source's words: the markup goes in a subject
    row = ",killed,6,at_least,at least,stated,Ukraine’s national guard,ukraine,Ukrainian servicemen,"
    events.write_text(text.replace(row, row[:-1] + f" {INJECTED},", 1), encoding="utf-8")
    external = root / "data" / "external.yaml"
    external.write_text(
        external.read_text().replace(
            "(Petro Ivaniuk)\n    importer: attacks", f"(Petro Ivaniuk) {INJECTED}\n    importer: attacks"
        )
    )
    (root / "data" / "external" / "attacks").mkdir(parents=True)
    shutil.copy(
        fixtures / "attacks" / "attacks_oddities.csv",
        root / "data" / "external" / "attacks" / "missile_attacks_daily.csv",
    )
    shutil.copy(
        fixtures / "attacks" / "missiles_and_uavs.csv", root / "data" / "external" / "attacks" / "missiles_and_uavs.csv"
    )
    (root / "data" / "external" / "general-staff").mkdir(parents=True)
    shutil.copy(
        fixtures / "general_staff" / "russia_losses_personnel.json", root / "data" / "external" / "general-staff"
    )
    snapshots = root / "data" / "external" / "deepstate" / "geojsons"
    snapshots.mkdir(parents=True)
    for name in ("snapshot_1720000000.geojson", "snapshot_1720086400.geojson"):
        shutil.copy(fixtures / "territory" / name, snapshots)
    shutil.copy(fixtures / "territory" / "region.geojson", root / "data" / "regions" / "test.geojson")
    (root / "reports.yaml").write_text(EVERY_NOTEBOOK + CONTEXT)
    from warclaims.reports.build import build

    outcome = build(root, progress=False)
    assert outcome.failed == [] and len(outcome.built) == 8, outcome
    return root / "reports"


# Debian's chromium, as the browser tests drive it: headless, and no host resolves (an address
# such as 127.0.0.1 included), so a page that reaches for the network fails the test. A module that
# serves on 127.0.0.1 (JupyterLab) sets its own CHROMIUM_ARGS, excluding that address alone.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.fixture(scope="module")
def browser(request):
    """One headless Chromium per test module (a module's pages share it; Playwright's sync API is
    kept out of the other modules' event loops), with the module's CHROMIUM_ARGS where it has them."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        args = getattr(request.module, "CHROMIUM_ARGS", CHROMIUM_ARGS)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        yield browser
        browser.close()
