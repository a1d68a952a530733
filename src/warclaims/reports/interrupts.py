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
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, as the build's own SIGINT handler raises it."""


def handle_ctrl_c() -> None:
    """In the build's main thread: Ctrl-C raises `Interrupted`, and raises it again if Python
    swallowed it."""
    signal.signal(signal.SIGINT, _raise_interrupted)
    previous = sys.unraisablehook

    def unraisable(info) -> None:
        if isinstance(info.exc_value, Interrupted):
            signal.raise_signal(signal.SIGINT)  # the handler runs again, at the next line of Python
            return
        previous(info)

    sys.unraisablehook = unraisable


def _raise_interrupted(signum, frame) -> None:
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
