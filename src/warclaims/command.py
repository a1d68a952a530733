"""The `warclaims` command's entry point, and `python -m warclaims`'s: Ctrl-C is handled from its
first line, before the command line's own modules load (a Ctrl-C while they loaded printed a
traceback of the import). The few milliseconds of Python's own start-up before this line are
Python's: a Ctrl-C then exits by SIGINT, before anything has started."""

from __future__ import annotations

import sys


def main() -> int:
    from warclaims.interrupts import caused_by_ctrl_c, handle_ctrl_c, say_interrupted

    handle_ctrl_c()
    try:
        from warclaims.cli import main as command_line
    except KeyboardInterrupt:
        return say_interrupted(sys.argv[1:])
    except Exception as exc:
        if caused_by_ctrl_c(exc):  # a Ctrl-C inside an import, wrapped by Python
            return say_interrupted(sys.argv[1:])
        raise
    return command_line()
