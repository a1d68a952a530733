"""What the build's processes (workers, the zygote) share: reading a line from a socket, finding
and killing one's children, and exiting at once with a cleanup said beforehand.

It imports nothing of warclaims, so `workers`, `zygote` and `kernels` can each use it without
importing one another. psutil is imported only where a process's children are read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator

# What `exit_now` runs before the process exits, newest first. A signal handler (SIGTERM, the
# build's death) cannot be handed arguments, so what it must clean up is said here beforehand:
# the running report's kernel (`register`) and folder (`folder`), as `atexit` would, which `os._exit` skips.
_CLEANUPS: list[Callable[[], None]] = []
# Held while a child is started, or a file or folder made that a cleanup must see; `exit_now` takes
# it, and never gives it back. A build's death is seen by another thread than the one starting a
# report's kernel: without it, a kernel started just after `exit_now` listed the children outlived
# the worker, and wrote its connection file again into the folder just removed.
_STARTING = threading.RLock()
STARTING_WAIT = 5.0  # seconds `exit_now` waits for a start under way (the zygote may be slow to answer)
# A signal's `exit_soon` that arrived inside such a block (in the thread running it): the block
# ends first, so what it made is there for the cleanups. Python runs signal handlers in the main
# thread, between two steps of what it was doing, which may be inside the block.
_INSIDE = 0
_PENDING: list[int] = []


@contextlib.contextmanager
def starting() -> Iterator[None]:
    """Start a child process, or make what a cleanup removes, in this block: `exit_now` waits until
    the block has ended (and so finds what it made); once `exit_now` has begun, the block waits."""
    global _INSIDE
    with _STARTING:
        _INSIDE += 1
        try:
            yield
        finally:
            _INSIDE -= 1
    if _PENDING and not _INSIDE:
        exit_now(_PENDING[0])


def exit_soon(code: int) -> None:
    """`exit_now`, from a signal handler: at once, or at the end of the `starting` block the
    handler interrupted."""
    if _INSIDE:
        _PENDING.append(code)
    else:
        exit_now(code)


@contextlib.contextmanager
def folder(**mkdtemp) -> Iterator[str]:
    """A new temporary folder (`tempfile.mkdtemp`'s arguments), removed when the block ends or
    when `exit_now` runs first: it is never there without its cleanup registered."""
    with starting():
        path = tempfile.mkdtemp(**mkdtemp)

        def remove() -> None:
            shutil.rmtree(path, ignore_errors=True)

        register(remove)
    try:
        yield path
    finally:
        remove()
        unregister(remove)


def register(cleanup: Callable[[], None]) -> None:
    """From now on, `exit_now` calls `cleanup` (after this process's children are gone)."""
    _CLEANUPS.append(cleanup)


def register_first(cleanup: Callable[[], None]) -> None:
    """Like `register`, but `exit_now` calls `cleanup` after every other."""
    _CLEANUPS.insert(0, cleanup)


def unregister(cleanup: Callable[[], None]) -> None:
    with contextlib.suppress(ValueError):
        _CLEANUPS.remove(cleanup)


def exit_now(code: int) -> None:
    """Kill this process's children (each with its process group) and wait for them, run the
    registered cleanups, and exit without Python's own cleanup handlers."""
    _STARTING.acquire(timeout=STARTING_WAIT)  # never released: nothing starts after this
    for child in kill_children():
        with contextlib.suppress(OSError):
            os.waitpid(child, 0)
    for cleanup in reversed(list(_CLEANUPS)):
        with contextlib.suppress(Exception):
            cleanup()
    os._exit(code)


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (a kernel is a child of the worker that started it), by psutil:
    read from /proc on Linux, and from the system's own tables elsewhere (macOS has no /proc)."""
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.Error:
        return []


def kill_children() -> list[int]:
    """Kill this process's children, each with its process group (a kernel leads a session of its
    own); returns their pids."""
    children = children_of(os.getpid())
    for child in children:
        try:
            os.killpg(child, signal.SIGKILL)
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
    return children


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_line(conn: socket.socket) -> bytes:
    """One newline-ended message from a socket (a request to the zygote, or its reply)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            raise ValueError("request ended early")
        data += chunk
    return data
