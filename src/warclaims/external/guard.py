"""The guard before publishing refreshed data: a refreshed series is checked against the summary of
what was last published (reports/external.json), and a tripped guard names the dataset, the date
and the values. `warclaims check-external` runs it; the scheduled CI run publishes only when it passes.

Checks: a file shrinks by more than a set share; a series' last date moves backwards; a cumulative
total falls below the last published one; a new day's figure is more than k times the largest of
the 90 days before it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from warclaims.external.datasets import Dataset, load_datasets

FACTOR = 5.0  # a new daily figure above FACTOR × the largest of the previous WINDOW days trips the guard
SHRINK = 0.10  # a file that loses more than this share of its bytes trips the guard
WINDOW = 90


def _series(dataset: Dataset, root: Path) -> pd.DataFrame | None:
    """date, metric, daily, cumulative for a fetched dataset (None when its importer has no daily series)."""
    from warclaims.external.importers import imported

    result = imported(dataset, [dataset.path(root, f) for f in dataset.files])
    if result is None:
        return None
    frame = result.frame
    if dataset.importer == "general_staff":
        return frame[["date", "metric", "daily", "cumulative"]]
    if dataset.importer == "attacks":
        per = frame.groupby(["night", "kind"], observed=True)["launched"].sum(min_count=1).reset_index()
        per = per.rename(columns={"night": "date", "kind": "metric", "launched": "daily"})
        return per.assign(cumulative=pd.NA, metric=per["metric"].astype(str))
    return None


def summarize(root: Path) -> dict:
    """What is fetched now: each file's size and sha256, each series' last date and last totals."""
    out = {}
    for name, dataset in load_datasets(root).items():
        if not dataset.fetched(root):
            continue
        files = {}
        for f in dataset.files:
            data = dataset.path(root, f).read_bytes()
            files[f] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        entry = {"files": files}
        series = _series(dataset, root)
        if series is not None and len(series):
            last = series["date"].max()
            totals = series.dropna(subset=["cumulative"]).sort_values("date").groupby("metric").last()
            entry["last_date"] = f"{last:%Y-%m-%d}"
            entry["totals"] = {
                str(m): {"date": f"{r.date:%Y-%m-%d}", "cumulative": int(r.cumulative)} for m, r in totals.iterrows()
            }
        out[name] = entry
    return dict(sorted(out.items()))


def check(root: Path, previous: dict, *, factor: float = FACTOR, shrink: float = SHRINK) -> list[str]:
    """Every reason not to publish the refreshed datasets, one line each (empty: publish)."""
    problems = []
    datasets = load_datasets(root)
    for name, before in previous.items():
        dataset = datasets.get(name)
        if dataset is None:
            continue
        if not dataset.fetched(root):
            problems.append(f"{name}: published before, but its files are not fetched now")
            continue
        for f, old in before.get("files", {}).items():
            path = dataset.path(root, f)
            size = path.stat().st_size if path.is_file() else 0
            if size < old["size"] * (1 - shrink):
                problems.append(
                    f"{name}/{f}: shrank from {old['size']:,} to {size:,} bytes "
                    f"(more than {shrink:.0%} smaller than the published copy)"
                )
    for name, dataset in datasets.items():
        if not dataset.fetched(root):
            continue
        series = _series(dataset, root)
        if series is None or series.empty:
            continue
        before = previous.get(name, {})
        last = series["date"].max()
        if before.get("last_date") and last < pd.Timestamp(before["last_date"]):
            problems.append(f"{name}: the last date moved back from {before['last_date']} to {last:%Y-%m-%d}")
        for metric, old in before.get("totals", {}).items():
            rows = series[(series["metric"] == metric) & series["cumulative"].notna()]
            if len(rows) and rows["date"].max() < pd.Timestamp(old["date"]):
                problems.append(
                    f"{name}: the last {metric} date moved back from {old['date']} to {rows['date'].max():%Y-%m-%d}"
                )
            if len(rows) and int(rows["cumulative"].iloc[-1]) < old["cumulative"]:
                now = rows.iloc[-1]
                problems.append(
                    f"{name}: the {metric} total fell from {old['cumulative']:,} ({old['date']}) to "
                    f"{int(now['cumulative']):,} ({now['date']:%Y-%m-%d})"
                )
        since = pd.Timestamp(before["last_date"]) if before.get("last_date") else last - pd.Timedelta(days=1)
        problems += _spikes(name, series, since, factor)
    return problems


def _spikes(name: str, series: pd.DataFrame, since: pd.Timestamp, factor: float) -> list[str]:
    out = []
    for metric, rows in series.dropna(subset=["daily"]).groupby("metric"):
        rows = rows.sort_values("date").set_index("date")["daily"].astype(float)
        for day, value in rows[rows.index > since].items():
            window = rows[(rows.index < day) & (rows.index >= day - pd.Timedelta(days=WINDOW))]
            if len(window) >= 7 and window.max() > 0 and value > factor * window.max():
                out.append(
                    f"{name}: on {day:%Y-%m-%d} the daily {metric} figure {value:,.0f} is more than "
                    f"{factor:g}× the largest of the {WINDOW} days before ({window.max():,.0f})"
                )
    return out


def read_previous(path: Path) -> dict:
    """The summary published last time (reports/external.json), or {} when there is none."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}
