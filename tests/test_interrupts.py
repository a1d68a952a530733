"""Ctrl-C at any moment of the long commands: one line and status 130 (or, once a build has begun
to publish, its normal summary), nothing left running, nothing half-written.

The build and the watch are swept (tests/sweep.py): interrupted at evenly spaced moments across a
whole measured run, its last part and a moment after its end included. bench/interrupts.py runs
the same sweep more densely and prints the figures the README gives.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, marked, wait_until
from sweep import _short_tmp, measured_run, sweep_points, sweep_projects

FIXTURES = Path(__file__).parent / "fixtures"


def _explain(points) -> str:
    return "\n".join(f"at {p.at:.2f} s ({p.share:.0%}): {p.kind}, status {p.status}; {p.detail}" for p in points)


def test_ctrl_c_at_any_moment_of_a_build_ends_in_one_line_or_its_summary(tmp_path):
    roots = sweep_projects(tmp_path, "small")
    length = measured_run(roots)
    points = sweep_points(roots, "build", length, 20)
    bad = [p for p in points if not p.ok]
    assert bad == [], _explain(bad)
    assert any(p.kind == "interrupted" for p in points), _explain(points)


def test_ctrl_c_at_any_moment_of_a_watch_stops_watching(tmp_path):
    roots = sweep_projects(tmp_path, "small")
    length = measured_run(roots, "watch", runs=1)
    points = sweep_points(roots, "watch", length, 5)
    bad = [p for p in points if not p.ok]
    assert bad == [], _explain(bad)


def _interrupt_when(proc: subprocess.Popen, ready, what: str, twice: bool = False) -> tuple[str, str]:
    wait_until(ready, 30, what)
    os.killpg(proc.pid, signal.SIGINT)
    if twice:  # an impatient user: the second one lands while the first is being handled
        time.sleep(0.005)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
    return proc.communicate(timeout=30)


def _command(root: Path, mark: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "warclaims", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(root), "WARCLAIMS_TEST_MARK": mark, **env},
        start_new_session=True,
    )


class Dripping(BaseHTTPRequestHandler):
    """Sends a file's first bytes, then nothing: a download Ctrl-C interrupts halfway."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.write(b"[" * 1000)
        self.wfile.flush()
        self.server.sent.set()
        self.server.stop.wait(20)


@pytest.fixture
def dripping():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    httpd.sent, httpd.stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.stop.set()
    httpd.shutdown()


def test_ctrl_c_during_a_download_keeps_the_old_copy_in_one_line(tmp_path, dripping, mark):
    (tmp_path / "data" / "external" / "general-staff").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "src" / "warclaims").mkdir(parents=True)
    old = tmp_path / "data" / "external" / "general-staff" / "russia_losses_personnel.json"
    old.write_bytes((FIXTURES / "general_staff" / "russia_losses_personnel.json").read_bytes())
    before = sorted(p.name for p in old.parent.iterdir())
    url = f"http://127.0.0.1:{dripping.server_address[1]}/data"
    proc = _command(tmp_path, mark, "fetch", "general-staff", "--force", "--quiet", "--base-url", url)
    _, err = _interrupt_when(proc, dripping.sent.is_set, "the download to begin")
    assert (proc.returncode, err.strip()) == (
        130,
        "fetch interrupted; every file not fetched in full keeps its old copy",
    )
    assert old.read_bytes() == (FIXTURES / "general_staff" / "russia_losses_personnel.json").read_bytes()
    assert sorted(p.name for p in old.parent.iterdir()) == before  # no temporary file left
    wait_until(lambda: not marked(mark), 5, "the fetch to be gone")


@pytest.mark.parametrize("twice", [False, True], ids=["once", "twice"])
def test_ctrl_c_during_a_territory_import_on_workers_is_one_line(tmp_path, mark, twice):
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    doc = json.loads((FIXTURES / "territory" / "snapshot_1720000000.geojson").read_text(encoding="utf-8"))
    for i in range(400):  # different bytes each, so none is answered from the cache
        doc["name"] = f"copy {i}"
        (snapshots / f"{1720000000 + 86400 * i}.geojson").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "src" / "warclaims").mkdir(parents=True)
    cache = tmp_path / "cache"
    region = FIXTURES / "territory" / "region.geojson"
    args = ("import-territory", str(snapshots), "--region", str(region), "--jobs", "2", "--cache", str(cache))
    proc = _command(tmp_path, mark, *args)

    def measuring():  # the workers have written their first results
        return cache.is_dir() and any(cache.iterdir())

    _, err = _interrupt_when(proc, measuring, "the first snapshots to be measured", twice)
    assert (proc.returncode, err.strip()) == (
        130,
        "import-territory interrupted; nothing written (snapshots measured so far stay cached)",
    )
    assert len(list(cache.iterdir())) < 400, "the import ran to its end: interrupt it sooner"
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []
    wait_until(lambda: not marked(mark), 5, "the import and its workers to be gone")


def test_ctrl_c_during_a_losses_import_is_one_line(tmp_path, mark):
    records = json.loads((FIXTURES / "general_staff" / "russia_losses_personnel.json").read_text(encoding="utf-8"))
    many = [{**records[-1], "date": f"{2000 + i // 366:04d}-01-01", "day": i} for i in range(300_000)]
    big = tmp_path / "losses.json"
    big.write_text(json.dumps(many), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "src" / "warclaims").mkdir(parents=True)
    proc = _command(tmp_path, mark, "import-losses", str(big), "--skip-bad-rows")

    def reading():  # pandas loaded: the import has begun; it takes several seconds to read
        with contextlib.suppress(OSError):
            return "/pandas/_libs/" in Path(f"/proc/{proc.pid}/maps").read_text()
        return False

    _, err = _interrupt_when(proc, reading, "the import to load pandas")
    assert (proc.returncode, err.strip()) == (130, "import-losses interrupted")
    wait_until(lambda: not marked(mark), 5, "the import to be gone")


DEFERRED = """
import os, signal, sys
from warclaims.interrupts import Interrupted, committed, deferred, handle_ctrl_c, ignore_from_now
handle_ctrl_c()
steps = []
try:
    with deferred():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("block ran to its end")
    steps.append("not reached")
except Interrupted:
    steps.append("raised after the block")
with committed(final=True):
    os.kill(os.getpid(), signal.SIGINT)
    steps.append("final block ran")
os.kill(os.getpid(), signal.SIGINT)
steps.append("ignored from then on")
print(";".join(steps))
"""


def test_deferred_raises_after_the_block_and_committed_final_ignores_to_the_exit():
    run = subprocess.run([sys.executable, "-c", DEFERRED], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.strip() == ("block ran to its end;raised after the block;final block ran;ignored from then on")


@pytest.mark.parametrize("command", [("summary",), ("validate",)], ids=["summary", "validate"])
def test_ctrl_c_while_a_short_command_ends_is_its_output_or_one_line(command, mark):
    # A Ctrl-C in the tenth of a second after a command's output, while Python exits, killed it by
    # SIGINT (status -2, nothing said) or printed from the unraisable hook.
    import time as clock

    started = clock.monotonic()
    run = subprocess.run([sys.executable, "-m", "warclaims", *command], capture_output=True, timeout=60)
    length = clock.monotonic() - started
    for i in range(12):
        proc = _command(ROOT, mark, *command)
        clock.sleep(0.1 + length * 1.1 * i / 12)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        if proc.returncode == 130:
            # What the command says on stderr before it ends (a data warning) may come first: the
            # lines before the last are a beginning of an uninterrupted run's stderr.
            *before, last = err.strip().splitlines() or [""]
            assert last == f"{command[0]} interrupted", err
            assert before == run.stderr.decode().splitlines()[: len(before)], err
        else:
            assert (proc.returncode, out) == (run.returncode, run.stdout.decode()), err
            assert "Traceback" not in err and "Exception ignored" not in err


def test_a_ctrl_c_wrapped_by_python_is_still_a_ctrl_c(monkeypatch, capsys):
    # Python 3.11 wraps an exception raised in __set_name__ (pandera's dtypes, while imported) in a
    # RuntimeError: a Ctrl-C at that moment of an import once ended a build with a traceback.
    from warclaims import cli
    from warclaims.interrupts import caused_by_ctrl_c

    def importing(args):
        class Field:
            def __set_name__(self, owner, name):
                raise KeyboardInterrupt

        class Int:
            signed = Field()

    wrapped = None
    try:
        importing(None)
    except BaseException as exc:
        wrapped = exc
    assert caused_by_ctrl_c(wrapped) and not caused_by_ctrl_c(RuntimeError("other"))
    monkeypatch.setattr(cli, "_validate", importing)  # the command's module, imported when it runs
    assert cli.main(["validate"]) == 130
    assert capsys.readouterr().err.strip().splitlines() == ["validate interrupted"]  # one line, no traceback


# Ctrl-C at one chosen moment of a command, whatever the machine's speed (`python -c HOOK how what
# command...`): while the extension module EXT initialises and imports WANTED ("import",
# "EXT:WANTED"), or once the command's Nth file or folder is made in TMPDIR ("made", "N").
HOOK = r"""
import importlib.machinery, os, signal, sys

# Ctrl-C at one chosen moment of the command, whatever the machine's speed: while the extension
# module EXT initialises and imports WANTED, or as the Nth file or folder is made in TMPDIR.
how, what, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
inside = []
def ctrl_c():
    with open(os.environ["INJECTED"], "a") as said:  # the test knows the moment came
        said.write("ctrl-c\n")
    os.kill(os.getpid(), signal.SIGINT)
if how == "import":
    ext, wanted = what.split(":")
    class Interrupting:
        def find_spec(self, name, path, target=None):
            if inside and inside[-1] == ext and name == wanted:
                ctrl_c()
            return None
    sys.meta_path.insert(0, Interrupting())
    loader = importlib.machinery.ExtensionFileLoader
    def tracking(method):
        def tracked(self, arg):
            inside.append(getattr(arg, "name", None) or arg.__name__)
            try:
                return method(self, arg)
            finally:
                inside.pop()
        return tracked
    loader.create_module, loader.exec_module = tracking(loader.create_module), tracking(loader.exec_module)
else:
    tmp, made, nth = os.environ["TMPDIR"], [], int(what)
    def audit(event, args):
        if event == "os.mkdir" or (event == "open" and isinstance(args[2], int) and args[2] & os.O_CREAT):
            if isinstance(args[0], (str, bytes)) and os.fsdecode(args[0]).startswith(tmp + os.sep):
                made.append(args[0])
                if len(made) == nth and os.getpid() == main_pid:
                    ctrl_c()  # handled at the next line of Python: once the file or folder is there
    main_pid = os.getpid()
    sys.addaudithook(audit)
sys.argv = ["warclaims", *argv]
from warclaims.command import main
raise SystemExit(main())
"""


def _hooked(root: Path, mark: str, how: str, what: str, *args: str, tmp: Path, injected: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HOOK, how, what, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={
            **os.environ,
            "WARCLAIMS_ROOT": str(root),
            "WARCLAIMS_TEST_MARK": mark,
            "TMPDIR": str(tmp),
            "INJECTED": str(injected),
        },
        start_new_session=True,
    )


@pytest.mark.parametrize(
    "where",
    # numpy's initialisation imports datetime through PyCapsule_Import, which replaces the
    # KeyboardInterrupt by an ImportError of its own (pandas wraps it in another): no trace of it left
    ["numpy._core._multiarray_umath:datetime", "pandas._libs.tslibs.timezones:zoneinfo"],
    ids=["numpy-replaces-it", "pandas-passes-it-on"],
)
def test_ctrl_c_while_an_extension_module_initialises_is_one_line(tmp_path, mark, where):
    (tmp_path / "tmp").mkdir()
    proc = _hooked(ROOT, mark, "import", where, "validate", tmp=tmp_path / "tmp", injected=tmp_path / "injected")
    _, err = proc.communicate(timeout=120)
    assert (tmp_path / "injected").exists(), f"{where} was not imported: the test needs another moment"
    assert (proc.returncode, err.strip()) == (130, "validate interrupted")


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_ctrl_c_as_a_build_makes_a_temporary_file_leaves_none(tmp_path, mark, nth):
    # The build's first four in TMPDIR: tempfile's probe file, the build's folder, the zygote's and
    # multiprocessing's; each was left behind by a Ctrl-C between making it and keeping its name.
    (root,) = sweep_projects(tmp_path, "small")
    tmp = _short_tmp()  # room for the zygote's socket: else its folder is made in /tmp instead
    try:
        proc = _hooked(root, mark, "made", str(nth), "build", "--force", "--quiet", tmp=tmp, injected=tmp_path / "i")
        _, err = proc.communicate(timeout=120)
        assert (tmp_path / "i").exists(), "the build made fewer files in TMPDIR"
        assert (proc.returncode, err.strip()) == (130, "build interrupted; reports/ unchanged for unfinished reports")
        wait_until(lambda: not marked(mark), 10, "the build and its helpers to be gone")
        assert sorted(p.name for p in tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
