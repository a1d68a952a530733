"""Time each notebook executed with papermill's Python API, defaults, one kernel start each.

Usage: .venv/bin/python bench/notebooks.py [repeats]   (prints the median seconds per notebook)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import papermill as pm

from warclaims.paths import repo_root


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    notebooks = sorted((repo_root() / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        for nb in notebooks:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                pm.execute_notebook(
                    str(nb), str(Path(tmp) / nb.name), progress_bar=False, kernel_name="python3", log_output=False
                )
                times.append(time.perf_counter() - t0)
            print(
                f"{nb.stem:<22} median {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f}, n={repeats})"
            )


if __name__ == "__main__":
    main()
