"""Build workers: a process pool whose workers and kernels never outlive the build.

Workers fork from a forkserver that has imported and warmed the renderer once (`warm`). Each
worker ignores Ctrl-C (the build decides what an interrupt stops), ends its kernels and exits
on SIGTERM, and watches the build process: when the build dies, even by `kill -9`, the worker
ends its kernels and exits too. Kernels run in sessions of their own, so a worker kills each
kernel's whole process group, not only the kernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

STOP_SECONDS = 2.0  # how long stopped workers get to end their kernels before they are killed


def run_all(
    payloads: list[dict], jobs: int | None, progress: bool, on_result: Callable[[dict], None] | None = None
) -> dict:
    """Run `render.run_report` for every payload on a pool; returns results by report id.

    A worker that crashes fails its report only. KeyboardInterrupt stops every worker and kernel
    before it propagates.
    """
    import concurrent.futures as cf
    import multiprocessing

    from tqdm import tqdm

    workers = max(1, min(len(payloads), jobs or os.cpu_count() or 1))
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    results: dict[str, dict] = {}
    try:
        futures = {pool.submit(_run_report, p): p["id"] for p in payloads}
        with tqdm(total=len(futures), desc="reports", unit="report", disable=not progress, file=sys.stderr) as bar:
            for fut in cf.as_completed(futures):
                report_id = futures[fut]
                try:
                    results[report_id] = fut.result()
                except Exception as exc:  # the worker itself crashed: that report failed, the pool goes on
                    results[report_id] = {
                        "id": report_id,
                        "status": "failed",
                        "error": f"{type(exc).__name__}: {exc}",
                        "notebook": None,
                    }
                if on_result:
                    on_result(results[report_id])
                bar.set_postfix_str(report_id)
                bar.update()
    except BaseException:
        stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


def stop(pool) -> None:
    """Stop every worker of `pool` (each ends its kernels), killing any that does not exit in time."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.join(STOP_SECONDS)
        if proc.is_alive():
            proc.kill()
            proc.join(STOP_SECONDS)


def start_forkserver() -> None:
    """Start the forkserver now, so its imports load while the build validates the claim table."""
    import multiprocessing
    import multiprocessing.forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["warclaims.reports.warm"])
    multiprocessing.forkserver.ensure_running()


# --- inside a worker ---------------------------------------------------------------------------


def _worker_init(build_pid: int) -> None:
    from warclaims.reports.render import quiet_worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: _exit_now(143))
    threading.Thread(target=_watch_build, args=(build_pid,), name="watch-build", daemon=True).start()
    quiet_worker()


def _run_report(job: dict) -> dict:
    from warclaims.reports.render import run_report

    return run_report(job)


def _watch_build(build_pid: int) -> None:
    """Block until the build process is gone, then end this worker and its kernels."""
    import select

    try:
        fd = os.pidfd_open(build_pid)
    except (AttributeError, OSError):  # no pidfd (old kernel): poll instead
        while _alive(build_pid):
            threading.Event().wait(0.25)
    else:
        select.select([fd], [], [])
    _exit_now(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc (a kernel is a child of the worker that started it)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _exit_now(code: int) -> None:
    """Kill this worker's kernels (each with its process group) and exit without cleanup handlers."""
    for child in _children(os.getpid()):
        try:
            os.killpg(child, signal.SIGKILL)  # a kernel leads a session of its own
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
    os._exit(code)
