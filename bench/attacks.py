"""Benchmark of `warclaims.external.attacks.load_attacks`: the real one-month slice (when ../shared is
beside the project) and a generated file in the dataset's format (1,000,000 rows by default).

The generated rows mix every form the real file uses: timed and date-only windows, `H:MM` and
`24:00`, Ukrainian and combined model names, `{}` fields and exact duplicates.

Usage: .venv/bin/python bench/attacks.py [ROWS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from warclaims.external.attacks import load_attacks

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "attacks"
FIXTURES = ROOT / "tests" / "fixtures" / "attacks"


def generate(rows: int, path: Path) -> None:
    rng = np.random.default_rng(20250521)
    days = pd.Timestamp("2022-09-01") + pd.to_timedelta(rng.integers(0, 1400, rows), unit="D")
    form = rng.integers(0, 4, rows)
    start = np.where(form == 0, days.strftime("%Y-%m-%d"), (days - pd.Timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"))
    end = np.where(
        form == 0,
        days.strftime("%Y-%m-%d"),
        np.where(
            form == 3, days.strftime("%Y-%m-%d") + " 24:00", (days + pd.Timedelta(hours=9)).strftime("%Y-%m-%d %-H:%M")
        ),
    )
    models = np.array(
        [
            "Shahed-136/131",
            "Молнія",
            "Orlan-10",
            "Iskander-M/KN-23",
            "X-101/X-555 and Kalibr",
            "Shahed-136/131 and Orlan-10",
            "Шахед-238",
            "GBU",
        ]
    )
    launched = rng.integers(1, 300, rows)
    frame = pd.DataFrame(
        {
            "time_start": start,
            "time_end": end,
            "model": models[rng.integers(0, len(models), rows)],
            "launch_place": "Kursk oblast and Bryansk oblast",
            "target": "Ukraine",
            "target_main": "",
            "launched": launched.astype(float),
            "destroyed": (launched * rng.random(rows)).round().astype(float),
            "not_reach_goal": "",
            "still_attacking": "",
            "border_crossing": "{}",
            "source": "kpszsu/posts/generated",
        }
    )
    frame.iloc[: rows // 100] = frame.iloc[rows // 100 : 2 * (rows // 100)].to_numpy()  # 1% exact duplicates
    frame.to_csv(path, index=False)


def timed(path: Path, models: Path, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = load_attacks(path, models)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if (SHARED / "missile_attacks_daily_2025-05.csv").exists():
        seconds, result = timed(SHARED / "missile_attacks_daily_2025-05.csv", SHARED / "missiles_and_uavs.csv")
        print(f"real one-month slice: {result.rows_read:,} rows in {seconds * 1000:.0f} ms (median of 3)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.csv"
        generate(rows, path)
        seconds, result = timed(path, FIXTURES / "missiles_and_uavs.csv")
        print(
            f"generated file: {result.rows_read:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {seconds:.2f} s (median of 3); "
            f"{len(result.frame):,} imported, {result.duplicates_dropped:,} duplicates dropped, "
            f"{sum(result.unknown_models.values()):,} rows of unknown models kept"
        )


if __name__ == "__main__":
    main()
