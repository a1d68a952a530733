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
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from warclaims import interrupts
from warclaims.reports.processes import alive, exit_now, exit_soon, register_first, starting

STOP_SECONDS = 2.0  # how long stopped workers get to end their kernels before they are killed


class Pool:
    """The build's workers and the zygote their kernels are forked from (`zygote`), for one build
    or, in watch mode, for many.

    Entering starts the zygote and the forkserver at once, so their imports overlap the claim
    table's validation; the workers start with the first `run`, and a zygote a notebook killed is
    replaced at the next. Leaving stops the workers, the zygote and every kernel.
    """

    def __init__(self, root: Path, jobs: int | None = None, warm: bool = True):
        self.root = root
        self.jobs = max(1, jobs or default_jobs())
        # False: every kernel starts cold, as jupyter_client starts it (--cold-kernels; and where the
        # system has no pidfds to hold a process that is not one's child, i.e. not Linux).
        self.warm = warm and hasattr(os, "pidfd_open")
        self._executor = None
        self._workers: list = []  # every process the executor started (`_context`), for `stop`
        self._started = False
        self._zygote = None
        self.environment: dict[str, str] = {}
        self.scratch: str | None = None  # the build's temporary folder: the zygote's socket, each report's files

    def __enter__(self) -> Pool:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote and the forkserver (once)."""
        from warclaims.reports import zygote

        if self._started:
            return
        self._started = True
        # The kernels' environment, fixed now: the zygote's libraries read it when they are imported,
        # and what the build imports afterwards (validation) may change the build's own.
        self.environment = dict(os.environ)
        try:
            # With a zygote, made now: the zygote removes it if the build is killed. Without one, it
            # is made with the first workers (`run`), which remove it then: made here, a build killed
            # while it validates (or a watch session before its first rebuild) left it behind.
            if self.warm:
                self._make_scratch()
                self._zygote = zygote.Zygote(self.root, self.environment, self.scratch)
            start_forkserver()
        except OSError as exc:  # no temporary folder, no socket, no /dev/shm for the pool's locks
            self.close()
            raise WorkersError(_cannot_start(exc)) from None
        except BaseException:  # Ctrl-C halfway: `with pool` never reaches its exit, so what started stops here
            self.close()
            raise

    @contextlib.contextmanager
    def running(self, reports: int):
        """For one build of `reports` reports: a pool started here (no more workers than reports) is
        closed at the end; one already started (watch mode) stays up, unless the build is interrupted."""
        if self._started:
            yield self
            return
        self.jobs = min(self.jobs, max(1, reports))
        with self:
            yield self

    def close(self) -> None:
        """Stop the workers, the zygote and every kernel, and remove the temporary folder. Once
        begun this runs to its end (a Ctrl-C meanwhile is raised after it): stopped halfway, it
        left kernels running and files behind."""
        with interrupts.deferred():
            if self._executor is not None:
                stop(self._executor, self._workers)
                self._executor = None
            if self._zygote is not None:
                self._zygote.stop()
                self._zygote = None
            if self.scratch is not None:  # the workers and kernels are gone: nothing writes there now
                shutil.rmtree(self.scratch, ignore_errors=True)
                self.scratch = None
            self._started = False

    def run(self, payloads: list[dict], progress: bool) -> dict:
        """Run `render.run_report` for every payload; returns results by report id.

        A report whose worker died is run once more on fresh workers (another report's crash
        breaks the whole executor); a report whose worker dies twice is failed, and the pool goes
        on. KeyboardInterrupt stops every worker and kernel before it propagates.
        """
        import concurrent.futures as cf

        from tqdm import tqdm

        self.start()
        address = self._zygote.ensure() if self._zygote else None  # a new one if a notebook killed it
        if self.scratch is None:
            try:
                self._make_scratch()
            except OSError as exc:
                raise WorkersError(_cannot_start(exc)) from None
        payloads = [
            {**p, "zygote": address, "environment": self.environment, "scratch": self.scratch} for p in payloads
        ]
        results: dict[str, dict] = {}
        tries = dict.fromkeys((p["id"] for p in payloads), 0)
        try:
            with tqdm(total=len(payloads), desc="reports", unit="report", disable=not progress, file=sys.stderr) as bar:
                while payloads:
                    executor = self._start()
                    futures = {executor.submit(_run_report, p): p for p in payloads}
                    payloads = []
                    for fut in cf.as_completed(futures):
                        job = futures[fut]
                        try:
                            result = _received(fut.result())
                        except cf.process.BrokenProcessPool as exc:
                            tries[job["id"]] += 1
                            self._executor = None  # broken: the next round starts fresh workers
                            if tries[job["id"]] < 2:
                                payloads.append(job)
                                continue
                            result = _crashed(job["id"], exc)
                        except Exception as exc:
                            result = _crashed(job["id"], exc)
                        results[job["id"]] = result
                        bar.set_postfix_str(job["id"])
                        bar.update()
        except BaseException:
            self.close()
            raise
        return results

    def _make_scratch(self) -> None:
        """The build's temporary folder, made and kept in `scratch` with Ctrl-C deferred: `mkdtemp`
        makes the folder a line before it returns its name, and the process's first use of
        `tempfile` writes and removes a probe file of a random name in TMPDIR; a Ctrl-C in between
        left either behind, with no name to remove it by."""
        with interrupts.deferred():
            self.scratch = tempfile.mkdtemp(prefix="warclaims-build-")

    def _start(self):
        import concurrent.futures as cf

        if self._executor is None:
            self._workers = []
            try:
                self._executor = cf.ProcessPoolExecutor(
                    max_workers=self.jobs,
                    mp_context=_context(self._workers),
                    initializer=_worker_init,
                    initargs=(os.getpid(), self.scratch),
                )
            except OSError as exc:  # its locks live in /dev/shm
                raise WorkersError(_cannot_start(exc)) from None
        return self._executor


class WorkersError(Exception):
    """The build's workers cannot be started (one line); nothing ran, reports/ is as it was."""


def _cannot_start(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"cannot start the build's workers: {(exc.strerror or str(exc)).lower()}{where}; reports/ left as it was"


def default_jobs() -> int:
    """Workers per build: one per core and one more, so a core is not idle while a worker waits on
    its kernel (starting, replying) rather than computing."""
    return (os.cpu_count() or 1) + 1


def run_all(payloads: list[dict], pool: Pool, progress: bool) -> dict:
    """Run every payload's report on `pool`; returns results by report id (the build's one call
    into the workers, which tests replace to build without kernels)."""
    return pool.run(payloads, progress)


def _crashed(report_id: str, exc: BaseException) -> dict:
    """The result of a report whose worker itself failed: that report failed, the pool goes on."""
    return {"id": report_id, "status": "failed", "error": f"{type(exc).__name__}: {exc}", "notebook": None}


def _context(started: list):
    """The forkserver context, which also keeps every process it starts in `started`.

    ProcessPoolExecutor has no public list of its workers before Python 3.14 (`terminate_workers`),
    and stopping them needs one; its `mp_context` is public, and creates them through `Process`.
    """
    import multiprocessing

    forkserver = multiprocessing.get_context("forkserver")

    class Keeping(type(forkserver)):
        def Process(self, *args, **kwargs):
            proc = forkserver.Process(*args, **kwargs)
            started.append(proc)
            return proc

    return Keeping()


def stop(pool, workers: list) -> None:
    """Stop every worker of `pool` (`workers`; each ends its kernels), killing any that does not
    exit in time."""
    workers = [proc for proc in workers if proc.pid is not None]  # one whose start failed has nothing to stop
    for proc in workers:
        if proc.is_alive():
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        proc.join(STOP_SECONDS)
        if proc.is_alive():
            proc.kill()
            proc.join(STOP_SECONDS)


def start_forkserver() -> None:
    """Start the forkserver now, so its imports load while the build validates the claim table."""
    import multiprocessing
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker
    import multiprocessing.util

    multiprocessing.get_context("forkserver").set_forkserver_preload(["warclaims.reports.warm"])
    # Its temporary folder (the forkserver's socket), made with Ctrl-C deferred: it is removed at
    # the exit once made and registered, which are two steps (see `Pool._make_scratch`).
    with interrupts.deferred():
        multiprocessing.util.get_temp_dir()
    # The forkserver starts the resource tracker, which unblocks SIGINT when it has started it:
    # started first, it leaves the forkserver's start alone.
    multiprocessing.resource_tracker.ensure_running()
    with interrupts.sigint_blocked():  # `warm` ignores and unblocks it, first thing
        multiprocessing.forkserver.ensure_running()


# --- inside a worker ---------------------------------------------------------------------------


def _worker_init(build_pid: int, scratch: str) -> None:
    # Ctrl-C is ignored and stderr quiet already: the forkserver did both (`warm`).
    signal.signal(signal.SIGTERM, lambda signum, frame: exit_soon(143))
    threading.Thread(target=_watch_build, args=(build_pid, scratch), name="watch-build", daemon=True).start()


def _run_report(job: dict) -> dict:
    """Run one report; its result (pages, notebook, figures: about 1 MB) goes in a file in the
    build's temporary folder, and only that file's name goes back through the pool's pipe.

    A message of a few hundred bytes is written to the pipe at once, and a large one piece by
    piece. A worker stopped in the middle of a large one (Ctrl-C, while it answers) would leave
    the executor's reader thread waiting for the rest, for ever, and the build could not exit.
    """
    import pickle

    from warclaims.reports.render import run_report

    result = run_report(job)
    # The name is sent only once the file is whole, so it needs no temporary name of its own.
    path = Path(job["scratch"]) / f"result-{os.getpid()}-{job['id']}.pickle"
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    with starting():  # a worker exiting meanwhile (the build is dead) finds it, and removes it
        path.write_bytes(data)
    return {"result_file": str(path)}


def _received(sent: dict) -> dict:
    """A worker's result, read back from its file (`_run_report`)."""
    import pickle

    path = Path(sent["result_file"])
    result = pickle.loads(path.read_bytes())
    path.unlink()
    return result


def _watch_build(build_pid: int, scratch: str) -> None:
    """Block until the build process is gone, then end this worker and its kernels, and remove the
    build's temporary folder if no other worker still has a report's folder there."""
    import select

    try:
        fd = os.pidfd_open(build_pid)
    except (AttributeError, OSError):  # no pidfd (old kernel): poll instead
        while alive(build_pid):
            threading.Event().wait(0.25)
    else:
        select.select([fd], [], [])
    # Registered first, so it runs last: after this worker's report folder is gone. Whichever
    # worker removes its folder last finds the build's folder empty (the zygote, when there is one,
    # also removes it; with --cold-kernels there is none).
    register_first(lambda: _remove_if_empty(scratch))
    exit_now(1)


def _remove_if_empty(scratch: str) -> None:
    """Remove the build's temporary folder unless another worker's report is still in it. Results
    no build will read (it is dead) go first."""
    for result in Path(scratch).glob("result-*.pickle"):
        result.unlink(missing_ok=True)
    os.rmdir(scratch)
