"""Warm kernels: every report's kernel is forked from the build's zygote, starts from the state a
cold kernel starts from, shares nothing with the report before it, and fails alone."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from warclaims.reports import workers
from warclaims.reports.build import build

from conftest import cli, copy_project, kernels_of, marked, parent_of, tree, wait_until

# One notebook that can leave state behind (taint), look for what an earlier report left (check),
# or both in one kernel (the control: the check must see what the taint left).
PROBE = r"""
import builtins, os, sys, warnings
import matplotlib as mpl
import pandas as pd
from warclaims.charts import theme


def leaks():
    found = []
    if hasattr(builtins, "LEAKED"):
        found.append("a builtin")
    if "leaked_variable" in globals():
        found.append("a variable")
    if mpl.rcParams["lines.linewidth"] != mpl.rcParamsDefault["lines.linewidth"]:
        found.append("an rcParam")
    if theme.SIDE_COLORS["russia"] != "#D55E00":
        found.append("a monkeypatch")
    if pd.get_option("display.max_rows") != 60:
        found.append("a pandas option")
    if "leaked_module" in sys.modules:
        found.append("an imported module")
    if "WARCLAIMS_LEAKED" in os.environ:
        found.append("an environment variable")
    if ("error", None, Warning, None, 0) in warnings.filters:
        found.append("a warnings filter")
    if os.getcwd() != os.environ["WARCLAIMS_ROOT"]:
        found.append("the working folder")
    return found


with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
    parent = f.read().replace(b"\0", b" ").decode()
print(json.dumps({"pid": os.getpid(), "parent": os.getppid(), "parent_cmdline": parent}))
if role in ("taint", "both"):
    builtins.LEAKED = True
    leaked_variable = 1
    mpl.rcParams["lines.linewidth"] = 9
    theme.SIDE_COLORS["russia"] = "#000000"
    pd.set_option("display.max_rows", 3)
    sys.modules["leaked_module"] = type(sys)("leaked_module")
    os.environ["WARCLAIMS_LEAKED"] = "1"
    warnings.simplefilter("error")
    os.chdir("/")
if role in ("check", "both") and leaks():
    raise AssertionError("state left by an earlier report: " + ", ".join(leaks()))
if role == "crash":
    os.kill(os.getpid(), signal.SIGKILL)
if role == "kill-zygote":
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(3)  # ipykernel notices its parent is gone (it looks every second) and exits
if role == "hang":
    time.sleep(600)
if role == "slow":
    time.sleep(3)
"""

# What a kernel's interpreter looks like from inside: compared between a forked and a cold kernel.
STATE = r"""
import gc, json, multiprocessing, os, re, signal, sys, threading, warnings
import matplotlib as mpl
import matplotlib.pyplot as plt

ip = get_ipython()
fig = plt.figure()
state = {
    "sys.path": sys.path,
    "argv0": os.path.basename(sys.argv[0]),
    "cwd": os.getcwd(),
    "environment names": sorted(os.environ),
    "MPLBACKEND": os.environ.get("MPLBACKEND"),
    "signals": {s: repr(signal.getsignal(getattr(signal, s))) for s in ("SIGINT", "SIGTERM", "SIGCHLD", "SIGPIPE", "SIGHUP")},
    "threads": sorted(re.sub(r"-\d+", "-N", t.name) for t in threading.enumerate()),
    "process": [multiprocessing.current_process().name, repr(multiprocessing.parent_process())],
    "start method": multiprocessing.get_start_method(allow_none=True),
    "warnings": sorted(repr(f) for f in warnings.filters),
    "rcParams": {k: repr(v) for k, v in mpl.rcParams.items()},
    "backend": mpl.get_backend(),
    "post_execute": sorted(f.__name__ for f in ip.events.callbacks["post_execute"]),
    "display formats": sorted(ip.display_formatter.active_types),
    "session leader": os.getsid(0) == os.getpid(),
    "gc enabled": gc.isenabled(),
    "stdin": type(sys.stdin).__name__,
    "stdout": type(sys.stdout).__name__,
    "__main__": type(sys.modules["__main__"]).__name__,
    "recursion limit": sys.getrecursionlimit(),
}
plt.close(fig)
print(json.dumps(state))
"""


def notebook(*sources: str, parameters: str = "") -> str:
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Probe"}]
    if parameters:
        cells.append(
            {
                "cell_type": "code",
                "id": "parameters",
                "metadata": {"tags": ["parameters"]},
                "execution_count": None,
                "outputs": [],
                "source": parameters,
            }
        )
    for n, source in enumerate(sources):
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{n}",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
        )
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1)


@pytest.fixture
def probe_project(tmp_path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "notebooks" / "probe.ipynb").write_text(
        notebook("import json, os, signal, time", PROBE, parameters='role = "check"')
    )
    return root


def report_list(root: Path, *roles: str) -> None:
    sets = "\n".join(f"      {n}-{role}: {{role: {role}}}" for n, role in enumerate(roles))
    (root / "reports.yaml").write_text(f"reports:\n  - notebook: probe\n    parameter_sets:\n{sets}\n")


def printed(root: Path, report_id: str) -> dict:
    """The JSON line the probe printed, from the executed notebook the build published."""
    nb = json.loads((root / "reports" / "notebooks" / f"{report_id}.ipynb").read_text())
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("name") == "stdout":
                text = "".join(out["text"])
                if text.startswith("{"):
                    return json.loads(text.splitlines()[0])
    raise AssertionError(f"{report_id} printed nothing")


def test_no_state_passes_from_one_report_to_the_next(probe_project):
    root = probe_project
    report_list(root, "taint", "check", "taint", "check")
    outcome = build(root, jobs=1, progress=False)  # one worker: every report after the one before, one zygote
    assert outcome.failed == [] and len(outcome.built) == 4
    seen = [printed(root, f"probe--{n}-{role}") for n, role in enumerate(("taint", "check", "taint", "check"))]
    assert len({s["pid"] for s in seen}) == 4  # a kernel each
    assert len({s["parent"] for s in seen}) == 1  # all forked by one process...
    assert outcome.cold == {}
    assert "warclaims.reports.zygote" in seen[0]["parent_cmdline"]  # ...the build's zygote, not a cold start


def test_the_check_sees_state_left_in_its_own_kernel(probe_project):
    """The control: tainting and checking in one kernel fails, naming every kind of state the check looks at."""
    root = probe_project
    report_list(root, "both")
    outcome = build(root, jobs=1, progress=False)
    [(report_id, error)] = outcome.failed
    assert report_id == "probe--0-both"
    for kind in (
        "a builtin",
        "a variable",
        "an rcParam",
        "a monkeypatch",
        "a pandas option",
        "an imported module",
        "an environment variable",
        "a warnings filter",
        "the working folder",
    ):
        assert kind in error


def test_a_forked_kernel_starts_as_a_cold_one_does(tmp_path):
    states = {}
    for warm in (True, False):
        root = copy_project(tmp_path / f"warm-{warm}")
        # The same first cell as every notebook of the project: the zygote has imported what it imports.
        imports = "import warclaims as wc\nfrom warclaims import figures, prose\nwc.select_claims"
        (root / "notebooks" / "state.ipynb").write_text(notebook(imports, STATE))
        (root / "reports.yaml").write_text("reports:\n  - notebook: state\n")
        outcome = build(root, progress=False, warm_kernels=warm)
        assert outcome.failed == []
        state = printed(root, "state--default")
        state["cwd"] = state["cwd"] == str(root)
        state["sys.path"] = [p for p in state["sys.path"] if not p.startswith(str(root))]
        states[warm] = state
    forked, cold = states[True], states[False]
    assert {k for k in forked if forked[k] != cold[k]} == set()


def test_reports_from_forked_and_cold_kernels_are_the_same_bytes(tmp_path):
    trees = []
    for warm in (True, False):
        root = copy_project(tmp_path / f"warm-{warm}")
        (root / "reports.yaml").write_text(
            "reports:\n  - notebook: overview\n  - notebook: territory\n"
            "    parameter_sets:\n      square-miles: {territory_unit: mi2}\n"
        )
        outcome = build(root, progress=False, warm_kernels=warm)
        assert outcome.failed == []
        trees.append(tree(root / "reports"))
    assert trees[0].keys() == trees[1].keys()
    assert [k for k in trees[0] if trees[0][k] != trees[1][k]] == []


# What a report finds of the claim table before it loads it, and what loading it decodes.
TABLE = r"""
import json
import warclaims as wc
from warclaims.claims import cache, loading

held = [p.name for p in loading._CLAIMS]
decoded = []
real = cache._decode
cache._decode = lambda data: decoded.append(1) or real(data)
sel = wc.select_claims()
if role == "taint":  # the preloaded table itself, changed in this kernel
    for table in loading._CLAIMS.values():
        table.loc[:, "notes"] = "tainted"
print(json.dumps({"held": held, "decoded": len(decoded), "rows": len(sel.claims), "tainted": int(sel.claims["notes"].eq("tainted").sum())}))
"""


@pytest.mark.parametrize("warm", [True, False], ids=["forked", "cold"])
def test_the_claim_table_is_decoded_once_per_build_not_once_per_report(tmp_path, warm):
    from warclaims.claims import cache
    from warclaims.paths import build_cache

    root = copy_project(tmp_path / "project")
    (root / "notebooks" / "table.ipynb").write_text(notebook(TABLE, parameters='role = "check"'))
    roles = ("taint", "check", "check")
    sets = "\n".join(f"      {n}-{role}: {{role: {role}}}" for n, role in enumerate(roles))
    (root / "reports.yaml").write_text(f"reports:\n  - notebook: table\n    parameter_sets:\n{sets}\n")
    outcome = build(root, jobs=1, progress=False, warm_kernels=warm)
    assert outcome.failed == []
    seen = [printed(root, f"table--{n}-{role}") for n, role in enumerate(roles)]
    rows = len((root / "data" / "events.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert [s["rows"] for s in seen] == [rows] * 3 and [s["tainted"] for s in seen] == [0] * 3
    if warm:  # made by the zygote, from the build's own validation, before it forked each kernel
        entry = cache.entry_path(root, {}, build_cache(root)).name
        assert [(s["held"], s["decoded"]) for s in seen] == [([entry], 0)] * 3
    else:  # a cold kernel decodes it itself
        assert [(s["held"], s["decoded"]) for s in seen] == [([], 1)] * 3


# The kernel's own connection: its transport, and the sockets of its five channels.
CONNECTION = r"""
import json, os, stat
from ipykernel.connect import get_connection_file

with open(get_connection_file()) as f:
    info = json.load(f)
folder = os.path.dirname(info["ip"])
ports = [info[f"{channel}_port"] for channel in ("shell", "iopub", "stdin", "control", "hb")]
print(json.dumps({
    "transport": info["transport"],
    "folder": folder,
    "mode": oct(os.stat(folder).st_mode & 0o777),
    "sockets": [stat.S_ISSOCK(os.stat(f"{info['ip']}-{port}").st_mode) for port in ports],
}))
"""


@pytest.mark.parametrize("warm", [True, False], ids=["forked", "cold"])
def test_kernels_listen_on_sockets_in_a_private_folder_not_on_tcp_ports(tmp_path, warm):
    # jupyter_client picks a TCP kernel's five ports by binding and releasing them; another process
    # can take one before the kernel binds it, and the kernel dies before it answers (2 of 720
    # kernels did, in parallel builds). A socket file in a folder of the report's own cannot be
    # taken.
    root = copy_project(tmp_path / "project")
    (root / "notebooks" / "connection.ipynb").write_text(notebook(CONNECTION))
    (root / "reports.yaml").write_text("reports:\n  - notebook: connection\n")
    outcome = build(root, progress=False, warm_kernels=warm)
    assert outcome.failed == [] and outcome.cold == {}
    said = printed(root, "connection--default")
    assert said["transport"] == "ipc" and said["sockets"] == [True] * 5
    assert said["mode"] == "0o700"
    assert not Path(said["folder"]).exists()  # removed with the report


@pytest.mark.parametrize("warm", [True, False], ids=["forked", "cold"])
def test_a_kernel_that_dies_while_starting_fails_its_report_with_the_kernels_reason(probe_project, tmp_path, warm):
    # A kernel configuration that raises, with traitlets told to let configuration errors through:
    # the kernel dies in IPKernelApp.initialize, before it answers anything.
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text("raise RuntimeError('a broken kernel configuration')\n")
    env = {"IPYTHONDIR": str(profile.parent), "TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR": "1"}
    report_list(probe_project, "check")
    proc = cli(probe_project, "build", "--quiet", *([] if warm else ["--cold-kernels"]), env=env)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert re.findall(r"^FAILED (\S+): (.*) \(see ", err, re.M) == [
        (
            "probe--0-check",
            "RuntimeError: Kernel died before replying to kernel_info "
            "(the kernel's last error: RuntimeError: a broken kernel configuration)",
        )
    ]
    assert "started its kernel cold" not in err  # the forked one was forked: the zygote shares the environment


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("crash", r"Kernel died"),
        ("hang", r"CellTimeoutError|timed out|Timeout"),
        ("kill-zygote", r"Kernel died|DeadKernelError"),
    ],
)
def test_a_report_that_crashes_hangs_or_kills_the_zygote_fails_alone(probe_project, mark, role, error):
    root = probe_project
    report_list(root, role, "check", "check")
    proc = cli(root, "build", "--quiet", "--jobs", "1", "--timeout", "5", env={"WARCLAIMS_TEST_MARK": mark})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    failed = re.findall(r"^FAILED (\S+): (.*)$", err, re.M)
    assert [f for f, _ in failed] == [f"probe--0-{role}"], err
    assert re.search(error, failed[0][1]), failed[0][1]
    assert "2 built, 0 unchanged, 1 failed" in out
    for report_id in ("probe--1-check", "probe--2-check"):
        assert (root / "reports" / f"{report_id}.html").is_file()
        if role == "kill-zygote":  # the reports after it start their kernels cold, and the build says so
            assert "warclaims.reports.zygote" not in printed(root, report_id)["parent_cmdline"]
            assert f"note: {report_id} started its kernel cold: the zygote did not answer" in err
    wait_until(lambda: not marked(mark), 10, "every kernel of the build to be gone")


def test_a_worker_killed_mid_report_is_replaced_and_its_report_run_again(probe_project, mark):
    root = probe_project
    report_list(root, "slow", "check")
    proc = cli(root, "build", "--quiet", "--jobs", "1", env={"WARCLAIMS_TEST_MARK": mark})
    kernels = wait_until(lambda: kernels_of(mark), 60, "a kernel of the build to start")
    procs = marked(mark)
    forkserver = {pid for pid, cmd in procs.items() if "multiprocessing.forkserver" in cmd}
    worker = next(pid for pid in forkserver if parent_of(pid) in forkserver)
    os.kill(worker, signal.SIGKILL)
    # The dead worker's kernel goes with it (the zygote watches whoever asked for each kernel).
    wait_until(lambda: not set(kernels) & set(marked(mark)), 10, "the dead worker's kernel to be gone")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "2 built, 0 unchanged, 0 failed" in out
    wait_until(lambda: not marked(mark), 10, "every process of the build to be gone")


def test_a_worker_keeps_no_cleanup_of_a_report_that_has_ended(probe_project, tmp_path, monkeypatch):
    # A worker runs report after report. Each registers its kernel's end and its folder's removal
    # for its own length only: one left behind would end (or remove) what is long gone, and the
    # list would grow by one per report for the life of a watch session.
    from warclaims.charts import CLAIMS_CSV_ENV
    from warclaims.paths import CACHE_ENV
    from warclaims.reports import processes, render, zygote

    for name in ("WARCLAIMS_ROOT", CACHE_ENV, CLAIMS_CSV_ENV):  # run_report sets them; restored after
        monkeypatch.setenv(name, "")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    forks = zygote.Zygote(probe_project, dict(os.environ), str(scratch))
    job = {
        "id": "probe",
        "notebook": "notebooks/probe.ipynb",
        "parameters": {"role": "check"},
        "root": str(probe_project),
        "timeout": 60,
        "show_code": False,
        "zygote": forks.address,
        "scratch": str(scratch),
    }
    try:
        for _ in range(2):
            result = render.run_report(job)
            assert (result["status"], result["started_cold"]) == ("ok", "")  # forked: the case at issue
            assert processes._CLEANUPS == []
            assert list(scratch.iterdir()) == []
    finally:
        forks.stop()


def test_a_pool_kept_between_builds_replaces_a_zygote_a_notebook_killed(probe_project):
    """Watch mode keeps one pool: after a report kills the zygote, the next build forks again."""
    root = probe_project
    with workers.Pool(root, 1) as pool:
        report_list(root, "kill-zygote")
        build(root, progress=False, pool=pool)
        report_list(root, "check")
        outcome = build(root, progress=False, pool=pool)
    assert outcome.built == ["probe--0-check"] and outcome.cold == {}
    assert "warclaims.reports.zygote" in printed(root, "probe--0-check")["parent_cmdline"]


def test_the_zygote_is_gone_when_the_build_ends(probe_project, mark):
    root = probe_project
    report_list(root, "check")
    proc = cli(root, "build", "--quiet", env={"WARCLAIMS_TEST_MARK": mark})
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    wait_until(lambda: not marked(mark), 10, "the zygote to exit")


def test_cold_kernels_are_still_an_option_on_the_command_line(probe_project):
    root = probe_project
    report_list(root, "check")
    proc = cli(root, "build", "--quiet", "--cold-kernels")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "warclaims.reports.zygote" not in printed(root, "probe--0-check")["parent_cmdline"]


DEFERRED_EXIT = r"""
import os, shutil, signal, sys, tempfile
from warclaims.reports import processes

signal.signal(signal.SIGTERM, lambda signum, frame: processes.exit_soon(143))
with processes.starting():
    os.kill(os.getpid(), signal.SIGTERM)  # its handler runs here, inside the block
    made = tempfile.mkdtemp(dir=sys.argv[1])
    processes.register(lambda: shutil.rmtree(made))
    print("the block ran to its end", flush=True)
print("not reached", flush=True)
"""


def test_a_worker_told_to_stop_inside_a_start_ends_the_start_then_cleans_up_and_exits(tmp_path):
    # What a worker makes in such a block (a kernel, a report's folder, a result) would escape its
    # cleanups if SIGTERM's exit cut the block short: the exit waits for the block's end.
    run = subprocess.run(
        [sys.executable, "-c", DEFERRED_EXIT, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert (run.returncode, run.stdout) == (143, "the block ran to its end\n"), run.stderr
    assert list(tmp_path.iterdir()) == []
