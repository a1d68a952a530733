"""Generate a large, valid claim table by repeating the shipped claims on later days.

Each copy k shifts every date window by k days and gets its own event ids and incidents, so the
table reads like many nights of claims from the same source. Validation passes (quotes and
values are the source's own), which is what a scale benchmark of the build needs.

Usage: python bench/claims.py ROWS OUT.csv
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from warclaims.paths import repo_root


def generate(rows: int) -> pd.DataFrame:
    base = pd.read_csv(repo_root() / "data" / "events.csv", dtype=str, keep_default_na=False)
    copies = -(-rows // len(base))
    k = np.repeat(np.arange(copies), len(base))[:rows]
    out = pd.concat([base] * copies, ignore_index=True).iloc[:rows].copy()
    suffix = pd.Series(k, index=out.index).astype(str)
    shift = pd.to_timedelta(k, unit="D")
    for col in ("date_start", "date_end"):
        out[col] = (pd.to_datetime(out[col]) + shift).dt.strftime("%Y-%m-%d")
    out["event_id"] = out["event_id"] + "-" + suffix
    out["incident"] = out["incident"] + "-" + suffix
    return out


if __name__ == "__main__":
    n, path = int(sys.argv[1]), sys.argv[2]
    generate(n).to_csv(path, index=False)
    print(f"wrote {n:,} rows to {path}")
