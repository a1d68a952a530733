"""Benchmark of `warclaims build` against the work floor and against the loop a user would write by hand.

Prints, for the report list in fresh copies of the project:
  - the work floor: the cells of every report executed in one already-warm kernel (figures
    rendered, PNG and SVG), summed and divided by the cores, plus one start-up (a cold kernel
    started and the notebooks' libraries imported), with each report's cell time;
  - the cold build (`warclaims build --force`) and the naive loop (`papermill` CLI then
    `jupyter nbconvert --to html` CLI for each report, one after the other), measured
    alternately, with the ratios cold / naive and cold / floor;
  - the no-op rebuild, and the rebuild after editing one row of data/events.csv;
  - the marginal cost of a report: builds of N, 2N, 4N, ... parameter sets of one notebook (each
    a start date before every claim, so every report does the same work), with the cost per added
    report between consecutive sizes;
  - the cold build on a generated claim table of --rows rows (bench/claims.py), each report's time
    in it, and its ratio to the shipped table's cold build (target <= 2x).

Usage: .venv/bin/python bench/build.py [--repeat 3] [--sizes 6,12,24,48,96] [--notebook drone_interceptions]
                                       [--rows 100000] [--no-naive] [--no-marginal] [--no-scale] [--scale-only]
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
# What every notebook imports in its first code cell: a kernel's start-up in the floor imports it.
IMPORTS = "import warclaims as wc\nfrom warclaims import figures, prose\nimport warclaims.charts.plots"


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


def work_floor(root: Path) -> tuple[float, dict[str, float]]:
    """(start-up, cell seconds by report): one cold kernel, warmed by a first pass over every
    report, then each report's cells timed from execute request to reply, outputs received."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from warclaims.charts import CLAIMS_CSV_ENV
    from warclaims.paths import CACHE_ENV, build_cache

    async def run() -> tuple[float, dict[str, float]]:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "WARCLAIMS_ROOT": str(root),
                CACHE_ENV: str(build_cache(root)),
                CLAIMS_CSV_ENV: f"{tmp}/claims.csv",
            }
            km = AsyncKernelManager(kernel_name="python3")
            start = time.perf_counter()
            await km.start_kernel(cwd=str(root), env=env, stderr=subprocess.DEVNULL)  # its TCP notice
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                await kc.execute_interactive(IMPORTS, timeout=60)
                startup = time.perf_counter() - start
                cells: dict[str, float] = {}
                for _ in range(2):  # the first pass warms what the imports did not (fonts, caches)
                    for report in entries(root):
                        nb = load_notebook_node(str(root / report.notebook))
                        nb = parameterize_notebook(nb, report.parameters, kernel_name="python3")
                        took = 0.0
                        for cell in nb.cells:
                            if cell.cell_type == "code":
                                begun = time.perf_counter()
                                reply = await kc.execute_interactive(
                                    cell.source, timeout=300, output_hook=lambda msg: None
                                )
                                took += time.perf_counter() - begun
                                if reply["content"]["status"] != "ok":
                                    raise RuntimeError(f"{report.id}: a cell failed in the floor measurement")
                        cells[report.id] = took
                return startup, cells
            finally:
                kc.stop_channels()
                await km.shutdown_kernel(now=True)

    return asyncio.run(run())


def naive_loop(root: Path) -> float:
    out = root / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    total = 0.0
    for report in entries(root):
        params = [a for k, v in report.parameters.items() for a in ("-y", json.dumps({k: v}))]
        total += timed([str(BIN / "papermill"), report.notebook, str(out / f"{report.id}.ipynb"), *params], root)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out / f"{report.id}.ipynb")], root)
    return total


def _edit_note(root: Path) -> None:
    """Change one claim's note in data/events.csv (a text cell no chart reads as a number)."""
    import csv
    import io

    path = root / "data" / "events.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("notes") if "notes" in rows[0] else len(rows[0]) - 1
    rows[1][column] = (rows[1][column] + " (edited for the benchmark)").strip()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit_one_row(root: Path) -> str:
    """Change one row of data/events.csv, rebuild, and return a line of how long and what rebuilt."""
    _edit_note(root)
    start = time.perf_counter()
    run = subprocess.run(
        [str(BIN / "warclaims"), "build", "--quiet"],
        cwd=root,
        env={**os.environ, "WARCLAIMS_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - start
    summary = next(line for line in reversed((run.stdout + run.stderr).splitlines()) if line.startswith("reports/"))
    return f"{took:.2f} s  ({summary.split(': ', 1)[-1]})"


def watch_saves(root: Path, repeat: int) -> tuple[list[float], str]:
    """`warclaims build --watch` on `root`: seconds from saving drone_interceptions.ipynb (one
    report) to its HTML, `repeat` times; and the line for a changed row of data/events.csv."""
    import re
    import signal

    proc = subprocess.Popen(
        [str(BIN / "warclaims"), "build", "--watch"],
        cwd=root,
        env={**os.environ, "WARCLAIMS_ROOT": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )

    def line(pattern: str) -> re.Match:
        for text in proc.stderr:
            m = re.search(pattern, text)
            if m:
                return m
        raise RuntimeError(f"the watcher ended before printing {pattern!r}")

    try:
        line(r"^watching ")
        seconds = []
        path = root / "notebooks" / "drone_interceptions.ipynb"
        for n in range(repeat):
            time.sleep(0.5)
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb["cells"].append({"cell_type": "markdown", "id": f"bench-{n}", "metadata": {}, "source": f"Saved {n}."})
            path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
            seconds.append(float(line(r"saved: rebuilt .*; (\d+\.\d+) s from the save")[1]))
        time.sleep(0.5)
        _edit_note(root)
        table = line(r"^data/events\.csv saved: (.*)$")[1]
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(30)
    return seconds, table


def marginal(tmp: Path, notebook: str, sizes: list[int]) -> list[tuple[int, float]]:
    """Cold builds of N parameter sets of one notebook, each in a fresh copy: [(N, seconds)]."""
    curve = []
    for n in sizes:
        root = project_copy(tmp / f"marginal-{n}")
        # Distinct start dates, all before every claim: each report selects (and draws) the whole table.
        sets = "\n".join(f"      s{i:03d}: {{start_date: '{_day(i)}'}}" for i in range(n))
        (root / "reports.yaml").write_text(f"reports:\n  - notebook: {notebook}\n    parameter_sets:\n{sets}\n")
        timed([str(BIN / "warclaims"), "build", "--quiet"], root)  # the validation cache, as any later build has it
        curve.append((n, timed([str(BIN / "warclaims"), "build", "--force", "--quiet"], root)))
        shutil.rmtree(root)
    return curve


def _day(i: int) -> str:
    import datetime as dt

    return (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build timing; the median is printed")
    parser.add_argument("--sizes", default="6,12,24,48,96", help="report counts for the marginal-cost curve")
    parser.add_argument("--notebook", default="drone_interceptions", help="the notebook of the marginal-cost curve")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--no-marginal", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument(
        "--scale-only",
        action="store_true",
        help="only the shipped and the generated table's cold builds, and their ratio",
    )
    args = parser.parse_args()
    # The package's bytecode, as an installed package has it (make setup writes it too); with
    # PYTHONDONTWRITEBYTECODE set and none written, every command would compile the package first.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "warclaims")], check=True)
    build = [str(BIN / "warclaims"), "build", "--quiet"]
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="warclaims-bench-") as tmp:
        root = project_copy(Path(tmp) / "shipped")
        n = len(entries(root))
        timed(build, root)  # a first build: the validation cache, as any later build has it
        if args.scale_only:
            cold = statistics.median(timed([*build, "--force"], root) for _ in range(args.repeat))
            print(f"cold build (--force), shipped table: {cold:.2f} s (median of {args.repeat})")
            scale(Path(tmp), args.rows, args.repeat, cold)
            return
        startup, cells = work_floor(root)
        floor = sum(cells.values()) / cores + startup
        print(f"entries: {n}, cores: {cores}, build timings: median of {args.repeat} runs")
        print(
            f"work floor: {floor:.2f} s = cells {sum(cells.values()):.2f} s / {cores} cores + one start-up {startup:.2f} s"
        )
        for report_id, seconds in cells.items():
            print(f"  cells of {report_id:<40} {seconds:.2f} s")
        colds, naives = [], []
        for _ in range(args.repeat):  # alternately, so a slow spell of the machine falls on both
            colds.append(timed([*build, "--force"], root))
            if not args.no_naive:
                naives.append(naive_loop(root))
        cold = statistics.median(colds)
        print(
            f"cold build (--force):                       {cold:.2f} s  ({cold / floor:.2f}x the work floor; target <= 1.5x)"
        )
        if naives:
            naive = statistics.median(naives)
            print(
                f"naive loop (papermill CLI + nbconvert CLI): {naive:.2f} s  (cold build = {cold / naive:.3f}x; target <= 0.15x)"
            )
        noop = statistics.median(timed(build, root) for _ in range(args.repeat))
        print(f"no-op rebuild:                              {noop:.3f} s  (target <= 0.1 s)")
        print(f"rebuild after editing one row of data/events.csv: {edit_one_row(root)}")
        saves, table = watch_saves(root, args.repeat)
        print(
            f"watch mode, save of one notebook to its HTML: {statistics.median(saves):.2f} s median of "
            f"{len(saves)} ({', '.join(f'{s:.2f}' for s in saves)}; target < 2 s)"
        )
        print(f"watch mode, a row of data/events.csv changed: {table}")
        if not args.no_marginal:
            sizes = [int(s) for s in args.sizes.split(",")]
            curve = marginal(Path(tmp), args.notebook, sizes)
            per_report = (
                statistics.median(v for k, v in cells.items() if k.startswith(f"{args.notebook}--")) / cores
                if any(k.startswith(f"{args.notebook}--") for k in cells)
                else None
            )
            print(f"marginal cost, parameter sets of {args.notebook} (target <= 0.5 s per added report):")
            previous = None
            for count, seconds in curve:
                line = f"  {count:>4} reports: {seconds:6.2f} s"
                if previous:
                    line += f"   +{(seconds - previous[1]) / (count - previous[0]):.3f} s per report from {previous[0]}"
                print(line)
                previous = (count, seconds)
            if per_report:
                print(
                    f"  (its floor: cells {per_report * cores:.2f} s / {cores} cores = {per_report:.3f} s per report)"
                )
        if not args.no_scale:
            scale(Path(tmp), args.rows, args.repeat, cold)


def scale(tmp: Path, rows: int, repeat: int, cold: float) -> None:
    """The cold build of a generated `rows`-row table against the shipped table's `cold` build: its
    median of `repeat`, the ratio (target <= 2x), and each report's time in its last run."""
    import re

    big = project_copy(tmp / "big")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "claims.py"), str(rows), str(big / "data" / "events.csv")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "WARCLAIMS_ROOT": str(big)},
    )
    env = {**os.environ, "WARCLAIMS_ROOT": str(big)}
    cmd = [str(BIN / "warclaims"), "build", "--force", "--quiet", "--timings"]
    subprocess.run([*cmd[:2], "--quiet"], check=True, cwd=big, env=env, capture_output=True)  # the validation cache
    seconds, printed = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run(cmd, check=True, cwd=big, env=env, capture_output=True, text=True)
        printed = run.stdout + run.stderr
        seconds.append(time.perf_counter() - start)
    scaled = statistics.median(seconds)
    print(
        f"cold build, {rows:,}-row claim table: {scaled:.2f} s  (median of {repeat}; "
        f"{scaled / cold:.2f}x the shipped table's {cold:.2f} s; target <= 2x)"
    )
    for report_id, took in re.findall(r"^\s+(\S+)\s+started at .*took\s+([\d.]+) s", printed, flags=re.M):
        print(f"  {report_id:<40} {float(took):7.2f} s")


if __name__ == "__main__":
    main()
