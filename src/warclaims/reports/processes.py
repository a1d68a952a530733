"""What the build's processes (workers, the zygote) share: reading a line from a socket, finding
and killing one's children, and exiting at once with a cleanup said beforehand.

It imports nothing of warclaims, so `workers`, `zygote` and `kernels` can each use it without
importing one another. psutil is imported only where a process's children are read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable, Iterator

# What `exit_now` runs before the process exits, newest first. A signal handler (SIGTERM, the
# build's death) cannot be handed arguments, so what it must clean up is said here beforehand:
# the running report's kernel (`register`) and folder (`on_exit`), as `atexit` would, which `os._exit` skips.
_CLEANUPS: list[Callable[[], None]] = []


def register(cleanup: Callable[[], None]) -> None:
    """From now on, `exit_now` calls `cleanup` (after this process's children are gone)."""
    _CLEANUPS.append(cleanup)


def register_first(cleanup: Callable[[], None]) -> None:
    """Like `register`, but `exit_now` calls `cleanup` after every other."""
    _CLEANUPS.insert(0, cleanup)


def unregister(cleanup: Callable[[], None]) -> None:
    with contextlib.suppress(ValueError):
        _CLEANUPS.remove(cleanup)


@contextlib.contextmanager
def on_exit(cleanup: Callable[[], None]) -> Iterator[None]:
    """While the block runs, `exit_now` calls `cleanup` (after this process's children are gone)."""
    register(cleanup)
    try:
        yield
    finally:
        unregister(cleanup)


def exit_now(code: int) -> None:
    """Kill this process's children (each with its process group) and wait for them, run the
    cleanups `on_exit` registered, and exit without Python's own cleanup handlers."""
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
