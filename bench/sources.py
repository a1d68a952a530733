"""Benchmark of charts and builds as the claim table grows by sources, not by repeating one article.

For tables of 1, 2, 5, 20 and 50 sources (tests/madeup.py: the shipped article, two hand-written
made-up articles, then generated ones), prints:
  - the table's rows and, per chart family, the marks drawn and the time to draw and render it at
    both widths (PNG and SVG, as a build does), the median of --repeat runs;
  - with --build, the cold build (`warclaims build --force`) of the four notebooks on that table.

Usage: .venv/bin/python bench/sources.py [--sizes 1,2,5,20,50] [--repeat 3] [--build]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("madeup", ROOT / "tests" / "madeup.py")
madeup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(madeup)

FOUR = """reports:
  - notebook: overview
  - notebook: drone_interceptions
  - notebook: casualties
  - notebook: territory
"""


def chart_times(claims, repeat: int) -> dict[str, tuple[int, float]]:
    from warclaims import figures

    out = {}
    for name, make in (
        ("drones", figures.drone_figure),
        ("casualties", figures.casualty_figure),
        ("territory", figures.territory_figure),
        ("timeline", figures.timeline_figure),
    ):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fig = make(claims)
            fig._repr_mimebundle_()  # both PNGs and the SVG, as the notebook's output
            times.append(time.perf_counter() - start)
        out[name] = (len(fig.figure.axes), statistics.median(times))
    return out


def build_time(table: Path) -> float:
    work = Path(tempfile.mkdtemp(prefix="warclaims-bench-sources-"))
    try:
        for folder in ("data", "seeds"):
            shutil.copytree(table / folder, work / folder)
        for folder in ("notebooks", "src"):
            shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "requirements.lock"):
            shutil.copy(ROOT / name, work / name)
        (work / "reports.yaml").write_text(FOUR)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "warclaims", "build", "--force"],
            cwd=work,
            check=True,
            capture_output=True,
            env={**__import__("os").environ, "WARCLAIMS_ROOT": str(work)},
        )
        return time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,2,5,20,50")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    import warclaims

    print(
        f"{'sources':>7} {'rows':>5}  "
        + "  ".join(f"{n:>18}" for n in ("drones", "casualties", "territory", "timeline"))
    )
    print(
        f"{'':>7} {'':>5}  "
        + "  ".join(f"{'panels  seconds':>18}" for _ in range(4))
        + ("  build s" if args.build else "")
    )
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            table = madeup.write_table(Path(tmp), n)
            claims = warclaims.load_claims(root=table)
            times = chart_times(claims, args.repeat)
            line = f"{n:>7} {len(claims):>5}  " + "  ".join(f"{p:>8} {t:>9.2f}" for p, t in times.values())
            if args.build:
                line += f"  {build_time(table):>7.1f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
