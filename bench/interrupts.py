"""Ctrl-C at every moment of a command: the sweep behind the README's interrupt figures.

Measures one whole run of the command (a cold `warclaims build --force` by default) in a fresh
copy of the project, then starts it again and again, sending SIGINT to its process group (what
Ctrl-C in a terminal does) at evenly spaced moments from its start to 120 % of the measured
length: the last part of the run (publishing, the summary, the pool's shutdown, the interpreter's
exit) and a moment after it ends are covered. For every interrupt it records the exit status, what
the command printed on stderr, whether reports/ matches its manifest, and whether anything the run
started is still alive; then prints a line per outcome and the totals.

Usage: .venv/bin/python bench/interrupts.py [--points 40] [--command build|watch|fetch|import-territory]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' sweep helpers

from sweep import PYTHON_STARTS, measured_run, sweep_points, sweep_projects


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=40, help="interrupts, evenly spaced (default 40)")
    parser.add_argument("--command", default="build", choices=("build", "watch"), help="what to interrupt")
    parser.add_argument("--reports", default="every", choices=("small", "every"), help="the report list built")
    parser.add_argument("--lanes", type=int, default=1, help="commands run at once (default 1)")
    parser.add_argument("--from", dest="start", type=float, default=0.0, help="first moment, as a share of the run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warclaims-sweep-") as tmp:
        roots = sweep_projects(Path(tmp), args.reports, args.lanes)
        length = measured_run(roots, args.command)
        print(
            f"one whole {args.command}: {length:.2f} s; {args.points} interrupts from {max(PYTHON_STARTS, args.start * length):.2f} to {1.2 * length:.2f} s"
        )
        results = sweep_points(roots, args.command, length, args.points, args.start)
    kinds = Counter()
    for r in results:
        kinds[r.kind] += 1
        print(f"  at {r.at:5.2f} s ({r.share:4.0%}): {r.kind:<28} status {r.status:>4}  {r.detail}")
    bad = [r for r in results if not r.ok]
    print(", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    print(f"{len(results) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
