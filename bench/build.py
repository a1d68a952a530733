"""Benchmark of `warclaims build` against the loop a user would write by hand.

Prints, on the same report list in fresh copies of the project:
  - the median single-notebook papermill execution (Python API, warm process),
  - a cold build (`warclaims build --force`, one process pool, in-process nbconvert),
  - a no-op rebuild (nothing changed),
  - the naive loop: `papermill nb out.ipynb` then `jupyter nbconvert --to html`, one process each, in turn,
  - the cold build on a generated claim table of --rows rows (bench/claims.py).

Usage: .venv/bin/python bench/build.py [--rows 100000] [--repeat 3] [--no-naive] [--no-scale]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
COPY = ("data", "seeds", "notebooks", "src", "reports.yaml", "requirements.lock", "pyproject.toml")


def project_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dest / name)
    return dest


def timed(cmd: list[str], root: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd,
        check=True,
        cwd=root,
        env={**os.environ, "WARCLAIMS_ROOT": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def entries(root: Path):
    from warclaims.reports.reportlist import load_report_list

    # As the build does, leave out entries whose required files (data/external/...) are absent.
    return [r for r in load_report_list(root / "reports.yaml", root) if all((root / f).is_file() for f in r.requires)]


def median_papermill(root: Path) -> float:
    import papermill as pm

    os.environ["WARCLAIMS_ROOT"] = str(root)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for report in entries(root):
            start = time.perf_counter()
            pm.execute_notebook(
                str(root / report.notebook),
                f"{tmp}/{report.id}.ipynb",
                parameters=report.parameters,
                kernel_name="python3",
                cwd=str(root),
                progress_bar=False,
                log_output=False,
            )
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_loop(root: Path) -> float:
    out = root / "naive"
    out.mkdir()
    total = 0.0
    for report in entries(root):
        params = [a for k, v in report.parameters.items() for a in ("-y", json.dumps({k: v}))]
        total += timed([str(BIN / "papermill"), report.notebook, str(out / f"{report.id}.ipynb"), *params], root)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out / f"{report.id}.ipynb")], root)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build timing; the median is printed")
    args = parser.parse_args()
    build = [str(BIN / "warclaims"), "build", "--quiet"]
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="warclaims-bench-") as tmp:
        root = project_copy(Path(tmp) / "shipped")
        n = len(entries(root))
        single = median_papermill(root)
        cold = statistics.median(timed([*build, "--force"], root) for _ in range(args.repeat))
        noop = statistics.median(timed(build, root) for _ in range(args.repeat))
        ideal = n * single / cores
        print(f"entries: {n}, cores: {cores}, build timings: median of {args.repeat} runs")
        print(f"median single-notebook papermill execution: {single:.2f} s")
        print(
            f"cold build (--force):                       {cold:.2f} s  ({cold / ideal:.2f}x entries*median/cores = {ideal:.2f} s; target <= 1.3x)"
        )
        print(f"no-op rebuild:                              {noop:.2f} s  (target <= 0.5 s)")
        if not args.no_naive:
            naive = naive_loop(root)
            print(
                f"naive loop (papermill CLI + nbconvert CLI): {naive:.2f} s  (cold build = {cold / naive:.2f}x; target <= 0.35x)"
            )
        if not args.no_scale:
            big = project_copy(Path(tmp) / "big")
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "claims.py"), str(args.rows), str(big / "data" / "events.csv")],
                check=True,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "WARCLAIMS_ROOT": str(big)},
            )
            scaled = statistics.median(timed([*build, "--force"], big) for _ in range(args.repeat))
            print(
                f"cold build, {args.rows:,}-row claim table:    {scaled:.2f} s  ({scaled / cold:.2f}x the shipped table; target <= 2x)"
            )


if __name__ == "__main__":
    main()
