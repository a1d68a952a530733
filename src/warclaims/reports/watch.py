"""`warclaims build --watch`: rebuild on save, with the build's workers and zygote kept warm.

The watcher looks at the files a build reads (the report list, the notebooks, the claim table
and its companions, the seeds, files a parameter names) ten times a second, by size and
modification time. Polling a few dozen files costs nothing measurable, sees a save however the
editor writes it (in place, or a new file renamed over the old one), and works on any file
system; a library of file-system events would add a dependency to save at most 0.1 s.

A save is followed by the ordinary build: only the reports whose inputs changed are rebuilt,
and each line says what was saved, what was rebuilt, and the time from the save to the HTML
being published. The workers and the zygote stay up between builds, so a rebuild costs the
report's own cells. A change to the package's source restarts the whole command (the zygote
and the workers hold the old code). Ctrl-C stops it, with every worker and kernel.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from warclaims import interrupts
from warclaims.reports import workers
from warclaims.reports.build import BuildLocked, DataInvalid, PublishError, build
from warclaims.reports.digests import Digests
from warclaims.reports.reportlist import ReportListError, load_cached

INTERVAL = 0.1  # seconds between looks
SETTLE = 0.05  # seconds a change must stay still before it is built (editors write in steps)
WATCHED = ("reports.yaml", "notebooks/*.ipynb", "data/*.csv", "data/*.yaml", "seeds/*")
SOURCE = ("src/warclaims/**/*.py", "src/warclaims/**/*.j2", "requirements.lock")
_DIGESTS = Digests()  # the watcher's own, kept in memory: it reads the list to find the files parameters name


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def watch(
    root: Path,
    *,
    reports_file: Path | None = None,
    show_code: bool = False,
    jobs: int | None = None,
    timeout: int = 300,
    warm_kernels: bool = True,
) -> int:
    """Build, then rebuild on every save until Ctrl-C; returns the exit status (0 once stopped)."""
    reports_file = reports_file or root / "reports.yaml"
    pool = workers.Pool(root, jobs, warm_kernels)
    try:
        pool.start()
        seen = _look(root, reports_file)
        _build(root, pool, reports_file, show_code, timeout, saved=None, what="start")
        _log(f"watching {root.name}/ for saves (Ctrl-C stops)")
        while True:
            time.sleep(INTERVAL)
            now = _look(root, reports_file)
            if now == seen:
                continue
            time.sleep(SETTLE)
            settled = _look(root, reports_file)
            if settled != now:
                continue  # still being written: look again next time
            changed = sorted(p for p in set(seen) | set(now) if seen.get(p) != now.get(p))
            seen = now
            if any(_is_source(p) for p in changed):
                _log(f"{', '.join(changed)} changed: restarting with the new code")
                pool.close()
                _before_exec()
                os.execv(sys.executable, [sys.executable, "-m", "warclaims", *sys.argv[1:]])
            saved = max((now[p][1] for p in changed if p in now), default=time.time_ns()) / 1e9
            _build(root, pool, reports_file, show_code, timeout, saved=saved, what=", ".join(changed))
    except workers.WorkersError as exc:
        _log(str(exc))
        return 1
    except KeyboardInterrupt:
        interrupts.ignore_from_now()  # stopping: a second Ctrl-C changes nothing
        _log("stopped watching")
        return 0
    finally:
        pool.close()


def _build(
    root: Path, pool: workers.Pool, reports_file: Path, show_code: bool, timeout: int, saved: float | None, what: str
) -> None:
    """One build; says what happened. Problems with the inputs are said and the watch goes on."""
    started = time.perf_counter()
    try:
        outcome = build(
            root, reports_file=reports_file, show_code=show_code, timeout=timeout, progress=False, pool=pool
        )
    except (ReportListError, DataInvalid, BuildLocked, PublishError, workers.WorkersError) as exc:
        _log(f"{what}: {exc}")
        return
    if saved is None:
        outcome.print_summary(time.perf_counter() - started)
        return
    for report_id, error in outcome.failed:
        _log(f"FAILED {report_id}: {error} (see reports/failed/{report_id}.html)")
    done = outcome.built + [i for i, _ in outcome.failed]
    if done:
        took = time.time() - saved
        _log(f"{what} saved: rebuilt {', '.join(done)}; {took:.2f} s from the save to the HTML")
    else:
        _log(f"{what} saved: no report changed")


def _before_exec() -> None:
    """What the interpreter's exit would have done, before the watch replaces itself with a new
    one: multiprocessing's temporary folder (the forkserver's socket) is removed; it was left in
    TMPDIR after every restart."""
    import multiprocessing.util
    import shutil

    shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)


def _look(root: Path, reports_file: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of every watched file, by path relative to the project."""
    paths = {reports_file}
    for pattern in (*WATCHED, *SOURCE):
        paths.update(root.glob(pattern))
    try:
        for report in load_cached(reports_file, root, _DIGESTS):
            paths.update(root / v for v in report.parameters.values() if isinstance(v, str) and v)
            paths.update(root / r for r in report.requires)
    except (ReportListError, OSError):
        pass  # the build says what is wrong with the list
    out = {}
    for folder in [p for p in paths if p.is_dir()]:  # a folder parameter (the map snapshots): its files
        paths.discard(folder)
        shown = _shown(folder, root)
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:  # one stat each, names joined as text: 1,360 snapshots cost little
                with contextlib.suppress(OSError):
                    if entry.is_file():
                        st = entry.stat()
                        out[f"{shown}/{entry.name}"] = (st.st_size, st.st_mtime_ns)
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file() and "__pycache__" not in path.parts:
            out[_shown(path, root)] = (st.st_size, st.st_mtime_ns)
    return out


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _is_source(path: str) -> bool:
    return path.startswith("src/") or path == "requirements.lock"
