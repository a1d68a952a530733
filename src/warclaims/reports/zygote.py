"""The zygote: one process per build that has imported what the notebooks import, and forks a
fresh IPython kernel for each report.

A cold kernel spends most of a small report's time starting Python, then IPython, then importing
pandas, matplotlib, seaborn and warclaims. The zygote is started as `python -m
warclaims.reports.zygote`, the way jupyter_client starts `python -m ipykernel_launcher` (same
interpreter, working folder and environment; the working folder off sys.path while it loads). It
imports PRELOAD once and never runs a line of a notebook. For each request on its Unix socket it
forks a child, and the child becomes an ordinary `ipykernel` kernel (`IPKernelApp`) on the
connection file jupyter_client wrote. Every report therefore starts from the same untouched
interpreter state: a variable, an rcParams change, a monkeypatch or an open figure dies with the
report's own process.

The zygote is single-threaded, so each fork is clean. It ignores Ctrl-C (the build decides), kills
its kernels' process groups and exits on SIGTERM, and exits the same way when the build process
ends, however it ends. This module uses the standard library only: the build imports it without
loading jupyter_client. The worker side is `kernels`.
"""

from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from warclaims.reports.processes import exit_now, kill_children, read_line

MPLBACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets for its kernels
# Environment variables that differ from one report's kernel to the next (the build's own, and
# jupyter_client's), read when a notebook runs rather than when a library is imported.
PER_REPORT = frozenset(
    {
        "JPY_PARENT_PID",
        "JPY_SESSION_NAME",
        "JPY_INTERRUPT_EVENT",
        "WARCLAIMS_ROOT",
        "WARCLAIMS_CACHE_DIR",
        "WARCLAIMS_CLAIMS_CSV",
    }
)
# What a notebook imports, loaded once in the zygote (each module's own imports come with it).
PRELOAD = (
    # ipykernel and what it loads while it starts (its debugger brings debugpy: 0.2 s alone)
    "ipykernel_launcher",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.core.logger",
    "faulthandler",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
    "tornado.queues",
    # the notebooks' libraries, with what drawing loads on first use
    "pandas",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "PIL.PngImagePlugin",
    "PIL.BmpImagePlugin",  # with the next three, what Pillow's first save loads, in its order
    "PIL.GifImagePlugin",
    "PIL.JpegImagePlugin",
    "PIL.PpmImagePlugin",
    "pandas.io.formats.csvs",
    "pandas.io.formats.string",
    "seaborn",
    "warclaims.claims.coverage",
    "warclaims.external.attacks",
    "warclaims.external.general_staff",
    "warclaims.charts.selection",
    "warclaims.charts.figures",
    "warclaims.charts.prose",
    "warclaims.charts.plots",
)


SOCKET_PATH_MAX = 100  # bytes of a Unix socket's path (sun_path is 104 on macOS, 108 on Linux)


class Zygote:
    """The zygote of one build (or of a watch session), started for `root` with `environment` (its
    kernels' own).

    The socket is bound here, before the zygote starts, so a worker can connect at once: its
    request waits in the socket's queue while the zygote imports. `stop` ends the zygote and every
    kernel it forked; `ensure` starts a new one if this one has died (a notebook can kill it).
    """

    def __init__(self, root: Path, environment: dict[str, str], scratch: str = ""):
        self.root = root
        self.environment = environment
        self.scratch = scratch  # the build's temporary folder: the zygote removes it if the build is killed
        self.folder: str | None = None
        self.proc: subprocess.Popen | None = None
        self._start()

    def _start(self) -> None:
        try:
            self._start_serving()
        except BaseException:  # a Ctrl-C halfway (the caller has no zygote to stop): what is made goes
            self.stop()
            raise

    def _start_serving(self) -> None:
        import tempfile

        from warclaims.interrupts import deferred, sigint_blocked

        # Its own short folder, not one inside the build's: a Unix socket's path has room for about
        # 100 bytes. Under a temporary folder whose path leaves no room (a deep TMPDIR), in /tmp.
        room = SOCKET_PATH_MAX - len("/warclaims-zygote-12345678/zygote.sock")
        with deferred():  # `mkdtemp` makes the folder a line before it returns its name
            parent = next(p for p in (tempfile.gettempdir(), "/tmp") if len(os.fsencode(p)) <= room)
            self.folder = tempfile.mkdtemp(prefix="warclaims-zygote-", dir=parent)
        self.address = os.path.join(self.folder, "zygote.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(self.address)
            listener.listen(64)
            with sigint_blocked():  # `serve` ignores and unblocks it, first thing
                self.proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "warclaims.reports.zygote",
                        str(listener.fileno()),
                        str(os.getpid()),
                        self.scratch,
                    ],
                    cwd=self.root,
                    env=self.environment,
                    pass_fds=(listener.fileno(),),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

    def ensure(self) -> str:
        """The address of a running zygote: this one, or a new one if it has died."""
        if self.proc.poll() is not None:
            self.stop()
            self._start()
        return self.address

    def stop(self, seconds: float = 2.0) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
            try:
                self.proc.wait(seconds)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def serve(listener: socket.socket, build_pid: int, scratch: str = "") -> None:
    """The zygote's main loop: fork a kernel per request on `listener`, until the build process
    `build_pid` is gone or SIGTERM arrives. Single-threaded, so every fork is clean.

    Each kernel belongs to the worker that asked for it (the socket's peer): when a worker dies
    (killed, or crashed), its kernels are killed too, so none outlives the report it ran.
    """
    from warclaims.interrupts import ignore_sigint

    gc.disable()  # as the gc.freeze documentation advises for a process that forks without exec
    ignore_sigint()
    signal.signal(signal.SIGTERM, lambda signum, frame: exit_now(143))
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)  # a kernel's exit wakes the loop, which collects it
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    try:
        build = os.pidfd_open(build_pid)
    except ProcessLookupError:
        exit_now(1)
    started_with = dict(os.environ)
    _preload()
    # What importing did to the environment (MPLBACKEND, debugpy's PYDEVD_USE_FRAME_EVAL): each
    # kernel gets it as its own imports would have done it, on the same environment.
    preload_env = {k: v for k, v in os.environ.items() if started_with.get(k) != v}
    gc.freeze()  # what the preload made stays out of the kernels' collections: fewer pages copied
    owners: dict[int, tuple[int, set[int]]] = {}  # worker pid -> (its pidfd, its running kernels)
    while True:
        watched = [fd for fd, _ in owners.values()]
        ready, _, _ = select.select([listener, build, wake_r, *watched], [], [])
        if build in ready:  # the build is gone (killed): end the kernels, then remove what it would have
            _end_kernels()
            shutil.rmtree(os.path.dirname(listener.getsockname()), ignore_errors=True)
            if scratch:
                _remove_when_empty(scratch)
            exit_now(1)
        if wake_r in ready:
            with suppress(OSError):
                os.read(wake_r, 4096)
            gone = _reap()
            for _, kernels in owners.values():
                kernels -= gone
        for owner, (fd, kernels) in list(owners.items()):
            if fd in ready:  # the worker is gone: so are its kernels
                for kernel in kernels:
                    with suppress(OSError):
                        os.killpg(kernel, signal.SIGKILL)
                os.close(fd)
                del owners[owner]
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            try:
                request = json.loads(read_line(conn))
                different = _differs(request["env"], started_with)
                if different:
                    raise ValueError(f"the kernel's environment differs from the zygote's in {', '.join(different)}")
                request["env"] = {**request["env"], **preload_env}
                _load_table(request["env"])
                owner = _peer(conn)
                if owner not in owners:
                    owners[owner] = (os.pidfd_open(owner), set())
                keep_out = (listener.fileno(), build, wake_r, wake_w, conn.fileno(), *(fd for fd, _ in owners.values()))
                pid = _fork_kernel(request, close=keep_out)
                owners[owner][1].add(pid)
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            except (OSError, ValueError, KeyError, TypeError) as exc:
                with suppress(OSError):
                    conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")


def _differs(env: dict[str, str], started_with: dict[str, str]) -> list[str]:
    """Names whose values differ between a kernel's environment and the zygote's, leaving out those
    set per report and read only when a notebook runs. The zygote's libraries read the environment
    when they were imported; a kernel that needs another one is started cold instead."""
    names = (set(env) | set(started_with)) - PER_REPORT
    return sorted(n for n in names if env.get(n) != started_with.get(n))


def _peer(conn: socket.socket) -> int:
    """The pid of the process on the other end of a Unix socket (from the kernel, not from the request)."""
    pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid


def _preload() -> None:
    """Import PRELOAD as a kernel would see them. matplotlib reads MPLBACKEND when it is imported,
    so it is set first, as ipykernel does; the backend itself is resolved (and its IPython hooks
    installed) only in the kernel, when a notebook first draws."""
    import importlib

    os.environ.setdefault("MPLBACKEND", MPLBACKEND)
    for name in PRELOAD:
        importlib.import_module(name)


def _load_table(env: dict[str, str]) -> None:
    """The build's validated claim table, typed, made once here before a kernel is forked, so that
    each kernel has it (`claims.loading.preload_claims`, keyed on the table's content and the
    code) instead of decoding it again. The first request of a build waits for it."""
    root, folder = env.get("WARCLAIMS_ROOT"), env.get("WARCLAIMS_CACHE_DIR")
    if not root or not folder:
        return
    from warclaims.claims.loading import preload_claims

    try:
        made = preload_claims(Path(root), Path(folder))
    except Exception:  # never the zygote's end: each kernel then loads the table itself, as a cold one does
        return
    if made:
        gc.freeze()  # as after the imports: the table's pages stay shared with the kernels


def _remove_when_empty(folder: str, seconds: float = 10.0) -> None:
    """Remove the build's temporary folder once the workers, which also saw the build die, have
    removed their reports' folders from it; past `seconds`, remove it whole (the build is dead, and
    a worker still at it exits too). With 2 s and no removal after, a loaded machine left the folder
    behind (twice in four full test runs beside another session)."""
    import shutil
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                shutil.rmtree(folder, ignore_errors=True)
                return
            time.sleep(0.02)


def _end_kernels() -> None:
    """Kill every kernel (each with its process group) and wait until all are gone."""
    kill_children()
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def _reap() -> set[int]:
    """Collect every kernel that has exited (the zygote is their parent); returns their pids."""
    gone = set()
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return gone
        if pid == 0:
            return gone
        gone.add(pid)


def _fork_kernel(request: dict, close: tuple[int, ...]) -> int:
    """Fork a kernel for `request` (argv, cwd, env, and stderr: a file for the kernel's stderr, or
    None); returns its pid once it leads its own session."""
    argv, cwd, env = [str(a) for a in request["argv"]], str(request["cwd"]), dict(request["env"])
    stderr = request.get("stderr")
    started_r, started_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the kernel: it never returns from here
        code = 1
        try:
            os.close(started_r)
            os.setsid()  # its own process group: the build kills the kernel and whatever it started
            os.close(started_w)
            for fd in close:
                os.close(fd)
            _redirect_stdio(str(stderr) if stderr else None)
            _become_kernel(argv, cwd, env)
            code = 0
        except SystemExit as exc:  # as Python itself exits: with the code, and no traceback
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:  # what a cold kernel would print before dying: the worker reports it
            with suppress(BaseException):
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(started_w)
    os.read(started_r, 1)  # EOF once the child has its session (or has died)
    os.close(started_r)
    return pid


def _redirect_stdio(stderr: str | None) -> None:
    """The kernel's stdin and stdout are /dev/null, its stderr the file `stderr` (appended to)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    if stderr:
        log = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        os.dup2(log, 2)
        os.close(log)


def _become_kernel(argv: list[str], cwd: str, env: dict[str, str]) -> None:
    """Turn this freshly forked process into what `python -m ipykernel_launcher ARGV` would be."""
    gc.enable()
    signal.set_wakeup_fd(-1)
    for signum, handler in (
        (signal.SIGINT, signal.default_int_handler),
        (signal.SIGTERM, signal.SIG_DFL),
        (signal.SIGCHLD, signal.SIG_DFL),
    ):
        signal.signal(signum, handler)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # ipykernel exits when its parent does; its parent is the zygote (jupyter_client would name the worker).
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *argv]
    from ipykernel.kernelapp import IPKernelApp

    # These two are read from the environment when ipykernel is imported, which the zygote did
    # before this kernel's environment existed.
    app = IPKernelApp.instance(
        parent_handle=int(os.environ["JPY_PARENT_PID"]), interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0)
    )
    app.initialize(argv)
    app.start()


def main(argv: list[str]) -> None:
    """`python -m warclaims.reports.zygote LISTENING_FD BUILD_PID [SCRATCH]` (started by `Zygote`)."""
    # As ipykernel_launcher does: the working folder is not on sys.path while the kernel loads.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    listener = socket.socket(fileno=int(argv[0]))
    serve(listener, int(argv[1]), argv[2] if len(argv) > 2 else "")


if __name__ == "__main__":
    main(sys.argv[1:])
