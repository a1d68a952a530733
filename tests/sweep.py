"""Ctrl-C at evenly spaced moments of a whole command: shared by tests/test_interrupts.py and
bench/interrupts.py (which prints the figures the README gives).

A point starts the command in a session of its own (so its process group is the one Ctrl-C in
a terminal reaches), sends SIGINT to that group at its moment, and checks what a user would:
the exit status and every line printed, that reports/ still matches its manifest, that nothing the
command started is still alive, and that its temporary folder is empty.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, copy_project, marked

INTERRUPTED = {
    "build": "build interrupted; reports/ unchanged for unfinished reports",
}
# "small": one notebook of three short cells, so that a point costs little more than the build's
# own machinery (the helpers' start, validation, publishing, the pool's shutdown, the exit), which
# is what an interrupt tests; "every": the shipped report list, as a user builds it.
SMALL = "reports:\n  - notebook: moment\n"
MOMENT = {
    "cells": [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# A moment of the build"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "parameters",
            "metadata": {"tags": ["parameters"]},
            "outputs": [],
            "source": ['events_csv = "data/events.csv"'],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "claims",
            "metadata": {},
            "outputs": [],
            "source": ["import warclaims as wc\n", "\n", "len(wc.load_claims(events_csv))"],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "warclaims (.venv)", "language": "python", "name": "warclaims"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def sweep_projects(folder: Path, reports: str = "small", lanes: int = 1) -> list[Path]:
    """`lanes` project copies to interrupt: with the overview alone ("small") or the shipped report list."""
    roots = []
    for lane in range(lanes):
        root = copy_project(folder / f"project-{lane}")
        if reports == "small":
            (root / "reports.yaml").write_text(SMALL, encoding="utf-8")
            (root / "notebooks" / "moment.ipynb").write_text(json.dumps(MOMENT, indent=1), encoding="utf-8")
        else:
            shutil.copy(ROOT / "reports.yaml", root / "reports.yaml")
        roots.append(root)
    return roots


def _argv(command: str) -> list[str]:
    if command == "build":
        return ["build", "--force", "--quiet"]
    if command == "watch":
        return ["build", "--watch"]
    raise ValueError(command)


def _start(root: Path, command: str, mark: str, tmp: Path) -> subprocess.Popen:
    if command == "watch":  # a watch has no --force: it starts with a build only when reports/ is gone
        shutil.rmtree(root / "reports", ignore_errors=True)
    return subprocess.Popen(
        [sys.executable, "-m", "warclaims", *_argv(command)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(root), "WARCLAIMS_TEST_MARK": mark, "TMPDIR": str(tmp)},
        start_new_session=True,
    )


def measured_run(roots: list[Path], command: str = "build", runs: int = 2) -> float:
    """Seconds one whole run takes (a build to its exit; a watch to its first "watching" line), with
    one run in each of `roots` at once, as the sweep runs them: the longest of the last of `runs`
    rounds (the first also compiles and fills caches)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(roots)) as lanes:
        for _ in range(runs):
            took = max(lanes.map(lambda root: _one_run(root, command), roots))
    return took


def _one_run(root: Path, command: str) -> float:
    tmp = _short_tmp()
    mark = uuid.uuid4().hex
    started = time.monotonic()
    proc = _start(root, command, mark, tmp)
    if command == "watch":
        for line in proc.stderr:
            if line.startswith("watching "):
                break
        took = time.monotonic() - started
        os.killpg(proc.pid, signal.SIGINT)
        proc.communicate(timeout=60)
    else:
        _, err = proc.communicate(timeout=300)
        took = time.monotonic() - started
        if proc.returncode != 0:
            raise RuntimeError(f"the measured {command} failed ({proc.returncode}): {err}")
    _settle(mark, 10)
    shutil.rmtree(tmp, ignore_errors=True)
    return took


@dataclass
class Point:
    at: float  # seconds after the start
    share: float  # of the measured length
    status: int
    kind: str  # "interrupted", "finished" or what went wrong
    detail: str

    @property
    def ok(self) -> bool:
        return self.kind in ("interrupted", "finished", "finished before")


# Before its first line, a command is Python starting (30-40 ms measured here, 10 of them the bare
# interpreter): a Ctrl-C then is Python's to answer (it exits by SIGINT, nothing started). The sweep
# begins after that.
PYTHON_STARTS = 0.1


def sweep_points(roots: list[Path], command: str, length: float, points: int, start: float = 0.0) -> list[Point]:
    """Interrupt `command` at `points` moments evenly spaced over `start`..1.2 x `length` (and not
    before PYTHON_STARTS), as many at once as there are `roots` (copies of one project: each run
    has its own build lock)."""
    from concurrent.futures import ThreadPoolExecutor

    first, last = max(PYTHON_STARTS, start * length), 1.2 * length
    step = (last - first) / points
    moments = [first + step * (i + 0.5) for i in range(points)]
    free = list(roots)

    def one(at: float) -> Point:
        root = free.pop()
        try:
            return interrupt_at(root, command, at, length)
        finally:
            free.append(root)

    with ThreadPoolExecutor(len(roots)) as lanes:
        return list(lanes.map(one, moments))


def _short_tmp() -> Path:
    """The run's own TMPDIR, with a path short enough for its kernels' Unix sockets (pytest's
    temporary folders are not): what is left in it is the run's."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="wc-sweep-", dir="/tmp"))


def interrupt_at(root: Path, command: str, at: float, length: float) -> Point:
    tmp = _short_tmp()
    mark = uuid.uuid4().hex
    started = time.monotonic()
    proc = _start(root, command, mark, tmp)
    delay = started + at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    ended = proc.poll() is not None  # the interrupt comes after the command's exit
    with contextlib.suppress(ProcessLookupError):  # gone, group and all
        os.killpg(proc.pid, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Point(at, at / length, proc.returncode, "hung", "no exit within 60 s of the interrupt")
    left = _settle(mark, 5)
    kind, detail = _judge(command, proc.returncode, out, err)
    if kind == "finished" and ended:
        kind = "finished before"
    problems = []
    if left:
        problems.append(f"left running: {sorted(left.values())}")
    leftovers = sorted(p.name for p in tmp.iterdir())
    if leftovers:
        problems.append(f"left in TMPDIR: {leftovers[:5]}")
    mismatch = manifest_mismatch(root / "reports")
    if mismatch:
        problems.append(f"reports/ does not match its manifest: {mismatch[:5]}")
    shutil.rmtree(tmp, ignore_errors=True)
    if problems and kind in ("interrupted", "finished", "finished before"):
        kind = "left something"
    return Point(at, at / length, proc.returncode, kind, "; ".join([detail, *problems]).strip("; "))


def _judge(command: str, status: int, out: str, err: str) -> tuple[str, str]:
    lines = err.strip().splitlines()
    if command == "watch":
        if status == 0 and lines and lines[-1] == "stopped watching" and not _traceback(err):
            return "interrupted", ""
        return "wrong exit", f"stderr: {err.strip()[-300:]!r}"
    if status == 130:
        if lines == [INTERRUPTED[command]]:
            return "interrupted", ""
        return "wrong words", f"stderr: {err.strip()[-300:]!r}"
    if status == 0:
        summary = out.strip().splitlines()
        others = [ln for ln in lines if not ln.startswith(("skipped ", "note: "))]
        if summary and summary[-1].startswith("reports/index.html: ") and not others:
            return "finished", ""
        return "wrong words", f"stdout: {out.strip()[-200:]!r} stderr: {err.strip()[-300:]!r}"
    return "wrong status", f"stderr: {err.strip()[-300:]!r}"


def _traceback(err: str) -> bool:
    return "Traceback" in err or "Exception ignored" in err


def _settle(mark: str, seconds: float) -> dict[int, str]:
    """What still carries the run's mark once `seconds` have passed (or nothing, as soon as it is so)."""
    deadline = time.monotonic() + seconds
    while True:
        left = marked(mark)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def manifest_mismatch(reports: Path) -> list[str]:
    """Files reports/manifest.json lists whose bytes differ from what it says ([] when all match)."""
    import hashlib

    if not (reports / "manifest.json").exists():  # nothing published yet: nothing may be there
        return (
            sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file())
            if reports.exists()
            else []
        )
    try:
        manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest.json: {exc}"]
    wrong = []
    for entry in manifest.get("reports", {}).values():
        for rel, digest in {**entry.get("outputs", {}), **entry.get("failed_outputs", {})}.items():
            path = reports / rel
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                wrong.append(rel)
    index = reports / "index.html"
    if manifest.get("index.html") and (
        not index.is_file() or hashlib.sha256(index.read_bytes()).hexdigest() != manifest["index.html"]
    ):
        wrong.append("index.html")
    return wrong
