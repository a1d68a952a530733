"""Ctrl-C during a build: one line and exit status 130, whenever it comes, and helper processes
that never see it.

A terminal sends Ctrl-C to the build's whole process group. The build decides what an interrupt
stops. Its helpers (the forkserver and the workers forked from it, the zygote) start with SIGINT
blocked (`sigint_blocked`), ignore it from their first line (`ignore_sigint`), and write nothing on
the build's terminal (`quiet`): a report's output is in its notebook, and a worker's failure comes
back to the build as that report's error.

In the build itself, `handle_ctrl_c` makes Ctrl-C raise `Interrupted`, a KeyboardInterrupt:

- of its own class: once a plain KeyboardInterrupt has passed through certain points of CPython
  3.11 (an `exec` of source text, which dataclasses do while a module imports), the interpreter
  ends by killing itself with SIGINT after the build has handled the interrupt and said so. The
  build then exits with status -2 instead of 130. CPython compares the exception's exact class.
- raised again where Python cannot pass it on (a weakref callback or a `__del__` print "Exception
  ignored in ..." and go on), so the interrupt is not printed as a traceback and lost while the
  build carries on.
- counted (`caused_by_ctrl_c`): an import that a Ctrl-C interrupts may end in another exception
  with no trace of it. An extension module's initialisation replaces it (numpy's, importing
  `datetime` through `PyCapsule_Import`, raises an ImportError of its own, which pandas wraps in
  another), so what reaches the command is an ImportError, a SystemError or anything else.

Some steps must not stop halfway once begun: renaming a build's files into reports/ (else a mixed
set is published), a fetched file with its sidecar, stopping the workers and kernels. They run
under `committed`: a Ctrl-C meanwhile waits for the step's end and is raised then (`deferred`), or,
when the process ends with that step (a one-shot build has published, and has only its summary
left to say), is ignored from then to the process's exit (`ignore_from_now`). Ignoring, not a
handler, covers the interpreter's own exit too: CPython puts the default action back for every
signal with a Python handler while it finalizes, and a Ctrl-C then killed the build by SIGINT
(status -2) after it had printed its summary; an ignored signal stays ignored.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, as the build's own SIGINT handler raises it."""


def handle_ctrl_c() -> None:
    """In the build's main thread: Ctrl-C raises `Interrupted`, and raises it again if Python
    swallowed it."""
    signal.signal(signal.SIGINT, _raise_interrupted)
    previous = sys.unraisablehook
    if getattr(previous, "raises_interrupted", False):  # installed already (warclaims.command, then cli)
        return

    def unraisable(info) -> None:
        if isinstance(info.exc_value, Interrupted):
            signal.raise_signal(signal.SIGINT)  # the handler runs again, at the next line of Python
            return
        previous(info)

    unraisable.raises_interrupted = True
    sys.unraisablehook = unraisable


# How many times this process's handler has raised `Interrupted`.
_RAISED = 0


def _raise_interrupted(signum, frame) -> None:
    global _RAISED
    _RAISED += 1
    raise Interrupted


@contextlib.contextmanager
def sigint_blocked():
    """Start a helper process (the forkserver, the zygote) with SIGINT blocked, as CPython starts
    its resource tracker: a helper still importing would die of a Ctrl-C with a traceback. The
    helper inherits the blocked signal, ignores it, then unblocks it (`ignore_sigint`). A Ctrl-C
    that arrives meanwhile waits here and reaches the build as soon as this ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_sigint() -> None:
    """In a helper started by `sigint_blocked`: ignore Ctrl-C, then unblock it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def quiet() -> None:
    """This process's stderr goes nowhere (a helper's, and so its children's)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deferred():
    """Run the block to its end: a Ctrl-C that arrives meanwhile is raised when it ends. Signal
    handlers belong to the main thread; elsewhere the block runs as it is."""
    if not _main_thread():
        yield
        return
    arrived = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if arrived:
            signal.raise_signal(signal.SIGINT)  # the previous handler runs now, here


def ignore_from_now() -> None:
    """This process ends without stopping for Ctrl-C again: it is ignored until the exit (and by
    any process started from now on, which inherits that)."""
    while _main_thread():
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return
        except KeyboardInterrupt:  # one already pending ran the handler first: that one is ignored too
            continue


@contextlib.contextmanager
def committed(final: bool):
    """A step that must not stop halfway (see the module): with `final`, the process ends with it
    and Ctrl-C is ignored from here on; else a Ctrl-C waits for the step's end."""
    if final:
        ignore_from_now()
        yield
    else:
        with deferred():
            yield


# What Ctrl-C leaves, in the one line a command says when it is interrupted.
INTERRUPTED = {
    "build": "build interrupted; reports/ unchanged for unfinished reports",
    "fetch": "fetch interrupted; every file not fetched in full keeps its old copy",
    "import-territory": "import-territory interrupted; nothing written (snapshots measured so far stay cached)",
}


def caused_by_ctrl_c(exc: BaseException) -> bool:
    """Whether `exc` came of a Ctrl-C: it wraps one (Python 3.11 turns an exception raised while a
    class body's attributes are named, `__set_name__`, as pandera's dtypes do on import, into a
    RuntimeError whose cause is the KeyboardInterrupt), or a Ctrl-C has been raised in this process
    already and `exc` is what became of it (an extension module's initialisation replaced it, see
    the module). Either way a Ctrl-C at that moment of an import arrives in disguise."""
    if _RAISED:
        return True
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def say_interrupted(argv: list[str]) -> int:
    """After Ctrl-C stopped the command `argv` (without the program's name): its one line on
    stderr, and its exit status (130; 0 for a watch, which Ctrl-C is the way to stop)."""
    ignore_from_now()  # a second Ctrl-C while this process exits changes nothing
    command = argv[0] if argv and not argv[0].startswith("-") else "warclaims"
    if command == "build" and "--watch" in argv:  # stopped before the watch had begun
        print("stopped watching", file=sys.stderr, flush=True)
        return 0
    print(INTERRUPTED.get(command, f"{command} interrupted"), file=sys.stderr, flush=True)
    return 130
