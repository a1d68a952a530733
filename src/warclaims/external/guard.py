"""The guard before publishing refreshed data: the fetched datasets are checked on their own terms
and against the summary of what was last published (reports/external.json); a tripped guard names
the dataset, the date and the values. `warclaims check-external` runs it; the scheduled CI run
publishes only when it passes.

It fails closed: a summary that is missing, empty, not JSON or not what a build publishes is an
error, not "nothing to compare against" (unless the run says it is the first publish, and then the
in-file checks still run). Checks:
- each dataset reads as its data (`importers.why_not_data`: no record read, or most left out), and
  no more of its records are left out than were last time;
- no record is dated after the run's day (one from 2099 would make every later run "move back");
- against the last publish: a file shrinks by more than a set share; a series' last date moves
  back; a running total falls; a metric disappears; fewer days carry a figure; the records up to
  the last published date changed (their sha256 is published and compared);
- a day's figure is more than k times the largest of the 90 days before it, and so is a running
  total's rise across days with no record, per day of the gap.

An archive of map snapshots (DeepState) is checked as areas, measured inside its declared region
(the per-file cache makes that a second after the first run):
- no snapshot is dated after the run's day; the last date never moves back; no fewer snapshots
  than were published; the snapshots up to the last published date are the ones published (the
  sha256 of their names and contents);
- between two snapshots after the last published one, the area mapped as held, or as grey zone,
  changes by at most JUMP_KM2. In the whole real archive (1,359 snapshots, inside Kursk oblast) the
  largest change is 238 km² of grey zone from one day to the next, during the incursion's first
  week; held changes by at most 169 km². A boundary swapped for another, or a snapshot of another
  front, moves it by thousands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from pathlib import Path

import pandas as pd

from warclaims.errors import InputError
from warclaims.external.datasets import Dataset, load_datasets
from warclaims.paths import read_regular

FACTOR = 5.0  # a new daily figure above FACTOR × the largest of the previous WINDOW days trips the guard
SHRINK = 0.10  # a file that loses more than this share of its bytes trips the guard
WINDOW = 90
JUMP_KM2 = 400.0  # a mapped area changing more than this between two snapshots trips the guard (see above)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHA = re.compile(r"[0-9a-f]{64}")


class GuardError(Exception):
    """The guard cannot check (no usable summary, a setting that is not a number): one line. The
    publish stops, as when the guard trips."""


def check_settings(factor: float, shrink: float) -> None:
    if not isinstance(factor, int | float) or not math.isfinite(factor) or factor <= 1:
        raise GuardError(f"--factor {factor!r}: give a number above 1 (a day above FACTOR x the 90 before trips it)")
    if not isinstance(shrink, int | float) or not math.isfinite(shrink) or not 0 < shrink < 1:
        raise GuardError(f"--shrink {shrink!r}: give a share between 0 and 1 (0.10: a file 10 % smaller trips it)")


def _series(dataset: Dataset, root: Path) -> tuple[pd.DataFrame | None, int]:
    """date, metric, daily, cumulative for a fetched dataset (None when its importer has no daily
    series), and how many of its records the importer left out."""
    from warclaims.external.importers import imported

    result = imported(dataset, [dataset.path(root, f) for f in dataset.files])
    if result is None:
        return None, 0
    frame = result.frame
    if dataset.importer == "general_staff":
        return frame[["date", "metric", "daily", "cumulative"]], result.bad_records
    per = frame.groupby(["night", "kind"], observed=True)["launched"].sum(min_count=1).reset_index()
    per = per.rename(columns={"night": "date", "kind": "metric", "launched": "daily"})
    return per.assign(cumulative=pd.NA, metric=per["metric"].astype(str)), result.bad_rows


def history_sha256(series: pd.DataFrame, through: str) -> str:
    """The sha256 of the series' records up to `through` (a day), written canonically: what a later
    refresh must still hold when it only adds days."""
    rows = series[series["date"] <= pd.Timestamp(through)].sort_values(["metric", "date"])
    text = rows[["date", "metric", "daily", "cumulative"]].astype(str).to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def summarize(root: Path) -> dict:
    """What is fetched now: each file's size and sha256; each series' last date, running totals,
    days with a figure per metric, records left out and the sha256 of its history. A dataset its
    importer cannot read is summarized by its files and the reason (the reports that read it fail;
    the others publish)."""
    out = {}
    for name, dataset in load_datasets(root).items():
        if not dataset.fetched(root):
            continue
        if dataset.listing:
            out[name] = _snapshots_summary(dataset, root)
            continue
        files = {}
        for f in dataset.files:
            with open(dataset.path(root, f), "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256")
            files[f] = {"size": dataset.path(root, f).stat().st_size, "sha256": digest.hexdigest()}
        entry: dict = {"files": files}
        try:
            series, bad = _series(dataset, root)
        except InputError as exc:
            entry["unreadable"] = str(exc.problems[0])[:200]
            out[name] = entry
            continue
        if series is not None and len(series):
            last = series["date"].max()
            totals = series.dropna(subset=["cumulative"]).sort_values("date").groupby("metric").last()
            entry["last_date"] = f"{last:%Y-%m-%d}"
            entry["totals"] = {
                str(m): {"date": f"{r.date:%Y-%m-%d}", "cumulative": int(r.cumulative)} for m, r in totals.iterrows()
            }
            with_figure = series.dropna(subset=["daily"]).groupby("metric")["date"].nunique()
            entry["days"] = {str(m): int(n) for m, n in with_figure.items()}
            entry["bad_records"] = int(bad)
            entry["history"] = {"through": entry["last_date"], "sha256": history_sha256(series, entry["last_date"])}
        out[name] = entry
    return dict(sorted(out.items()))


def check(
    root: Path,
    previous: dict,
    *,
    factor: float = FACTOR,
    shrink: float = SHRINK,
    today: dt.date | None = None,
) -> list[str]:
    """Every reason not to publish the refreshed datasets, one line each (empty: publish).
    `previous`: the last published summary ({} only for a first publish: see `read_previous`)."""
    from warclaims.external.importers import why_not_data

    check_settings(factor, shrink)
    today = today or dt.datetime.now(dt.UTC).date()
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
        if dataset.listing:
            problems += _snapshots_against(name, dataset, root, previous.get(name, {}), today)
            continue
        why = why_not_data(dataset, [dataset.path(root, f) for f in dataset.files])
        if why:
            problems.append(f"{name}: does not read as the data ({why})")
            continue
        series, bad = _series(dataset, root)
        if series is None or series.empty:
            continue
        problems += _against(name, series, bad, previous.get(name, {}), today, factor)
    return problems


def _dates(name: str, what: str, last: pd.Timestamp, before: dict, today: dt.date) -> list[str]:
    """The two checks of a dataset's last date, series and snapshots alike: not after the run's day,
    and not before the last published one."""
    problems = []
    if last.date() > today + dt.timedelta(days=1):
        problems.append(f"{name}: {what} is dated {last:%Y-%m-%d}, after the day of this run ({today})")
    if before.get("last_date") and last < pd.Timestamp(before["last_date"]):
        problems.append(f"{name}: the last date moved back from {before['last_date']} to {last:%Y-%m-%d}")
    return problems


def _against(name: str, series: pd.DataFrame, bad: int, before: dict, today: dt.date, factor: float) -> list[str]:
    """The checks of one dataset's series, on its own and against what was published `before`."""
    last = series["date"].max()
    problems = _dates(name, "a record", last, before, today)
    if "bad_records" in before and bad > before["bad_records"]:
        problems.append(
            f"{name}: {bad:,} records cannot be read, {bad - before['bad_records']:,} more than were published"
        )
    metrics = set(series["metric"].astype(str))
    for metric in sorted(set(before.get("totals", {})) | set(before.get("days", {}))):
        if metric not in metrics:
            problems.append(f"{name}: the metric {metric!r} was published before and is gone now")
    with_figure = series.dropna(subset=["daily"]).groupby("metric")["date"].nunique()
    for metric, days in before.get("days", {}).items():
        now = int(with_figure.get(metric, 0))
        if metric in metrics and now < days:
            problems.append(f"{name}: {metric} has a figure on {now:,} days, fewer than the {days:,} published")
    for metric, old in before.get("totals", {}).items():
        rows = series[(series["metric"] == metric) & series["cumulative"].notna()].sort_values("date")
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
    history = before.get("history")
    if history and history_sha256(series, history["through"]) != history["sha256"]:
        problems.append(f"{name}: the records up to {history['through']} changed since they were published")
    since = pd.Timestamp(before["last_date"]) if before.get("last_date") else last - pd.Timedelta(days=1)
    return problems + _spikes(name, series, since, factor)


def _snapshots(dataset: Dataset, root: Path) -> pd.DataFrame:
    """The archive's snapshots measured inside its declared region (one row each, in time order)."""
    from warclaims.external.territory import load_territory
    from warclaims.paths import build_cache

    if not dataset.region:
        raise GuardError(f"{dataset.name}: data/external.yaml gives it no region to measure in; the guard cannot check")
    result = load_territory(
        dataset.archive(root), root / dataset.region, skip_bad_rows=True, cache=build_cache(root) / "territory"
    )
    if result.skipped:
        raise InputError(result.skipped[:1])
    return result.frame.sort_values("time").reset_index(drop=True)


def _snapshots_history(frame: pd.DataFrame, through: str) -> str:
    """The sha256 of the names and contents of the snapshots up to `through` (a day)."""
    rows = frame[frame["date"] <= pd.Timestamp(through)]
    return hashlib.sha256("\n".join(f"{r.file}\0{r.sha256}" for r in rows.itertuples()).encode()).hexdigest()


def _snapshots_summary(dataset: Dataset, root: Path) -> dict:
    entry: dict = {"files": {}}
    try:
        frame = _snapshots(dataset, root)
    except InputError as exc:
        entry["unreadable"] = str(exc.problems[0])[:200]
        return entry
    if frame.empty:
        return entry
    last = frame.iloc[-1]
    entry["snapshots"] = len(frame)
    entry["last_date"] = f"{last['date']:%Y-%m-%d}"
    entry["last_areas"] = {"held_km2": round(float(last["held_km2"]), 1), "grey_km2": round(float(last["grey_km2"]), 1)}
    entry["history"] = {"through": entry["last_date"], "sha256": _snapshots_history(frame, entry["last_date"])}
    return entry


def _snapshots_against(name: str, dataset: Dataset, root: Path, before: dict, today: dt.date) -> list[str]:
    """The checks of an archive of map snapshots (see the module)."""
    try:
        frame = _snapshots(dataset, root)
    except InputError as exc:
        return [f"{name}: does not read as the data ({exc.problems[0]})"]
    if frame.empty:
        return [f"{name}: no snapshot could be read"]
    last = frame["date"].max()
    problems = _dates(name, "a snapshot", last, before, today)
    if before.get("snapshots") and len(frame) < before["snapshots"]:
        problems.append(f"{name}: {len(frame):,} snapshots, fewer than the {before['snapshots']:,} published")
    history = before.get("history")
    if history and _snapshots_history(frame, history["through"]) != history["sha256"]:
        problems.append(f"{name}: the snapshots up to {history['through']} changed since they were published")
    since = pd.Timestamp(before["last_date"]) if before.get("last_date") else None
    for column, what in (("held_km2", "held"), ("grey_km2", "grey zone")):
        step = frame[column].diff().abs()
        for at in frame.index[(step > JUMP_KM2).to_numpy()]:
            if since is not None and frame.loc[at, "date"] <= since:
                continue  # published already: checked when it was new
            a, b = frame.loc[at - 1], frame.loc[at]
            problems.append(
                f"{name}: the area mapped as {what} went from {a[column]:,.0f} km² ({a['date']:%Y-%m-%d}) to "
                f"{b[column]:,.0f} km² ({b['date']:%Y-%m-%d}), a change of more than {JUMP_KM2:,.0f} km² "
                "between two snapshots"
            )
    return problems


def _spikes(name: str, series: pd.DataFrame, since: pd.Timestamp, factor: float) -> list[str]:
    """Days after `since` whose figure, or whose running total's rise per day across a gap of days
    with no record, is more than `factor` x the largest figure of the WINDOW days before."""
    out = []
    window = f"{WINDOW}D"
    for metric, rows in series.groupby("metric"):
        rows = rows.sort_values("date").set_index("date")
        daily = rows["daily"].astype(float)
        known = daily.dropna()
        prior = known.rolling(window, closed="left").max()
        count = known.rolling(window, closed="left").count()
        for day, value in known[known.index > since].items():
            if count[day] >= 7 and prior[day] > 0 and value > factor * prior[day]:
                out.append(
                    f"{name}: on {day:%Y-%m-%d} the daily {metric} figure {value:,.0f} is more than "
                    f"{factor:g}× the largest of the {WINDOW} days before ({prior[day]:,.0f})"
                )
        totals = rows["cumulative"].dropna().astype(float)
        if len(totals) < 2:
            continue
        steps = totals.index.to_series().diff().dt.days
        for day in totals.index[(totals.index > since) & (steps > 1).to_numpy()]:
            earlier = known[(known.index < day) & (known.index >= day - pd.Timedelta(days=WINDOW))]
            here = totals.index.get_loc(day)
            rise = (totals.iloc[here] - totals.iloc[here - 1]) / steps[day]
            if len(earlier) >= 7 and earlier.max() > 0 and rise > factor * earlier.max():
                out.append(
                    f"{name}: from {totals.index[here - 1]:%Y-%m-%d} to {day:%Y-%m-%d} ({int(steps[day])} days, "
                    f"no record between) the {metric} total rose {rise:,.0f} a day, more than {factor:g}× the "
                    f"largest daily figure of the {WINDOW} days before ({earlier.max():,.0f})"
                )
    return out


def read_previous(path: Path, shown: str | None = None, *, first_publish: bool = False) -> dict:
    """The summary published last time (reports/external.json), checked to be one a build
    publishes; GuardError (one line) when it cannot be used, which stops the publish. With
    `first_publish`, no summary is expected (and one given is still read)."""
    shown = shown or str(path)
    if first_publish and not path.exists():
        return {}
    try:
        if not path.is_file():
            what = (
                "is a folder"
                if path.is_dir()
                else "not found"
                if not path.exists()
                else "is not a regular file (a FIFO, a device or a socket)"
            )
            raise GuardError(
                f"{shown}: {what}; the guard cannot check against nothing "
                "(for the very first publish, say --first-publish)"
            )
        doc = json.loads(read_regular(path).decode("utf-8"))
    except GuardError:
        raise
    except UnicodeDecodeError:
        raise GuardError(f"{shown}: not UTF-8 text; not a summary a build publishes") from None
    except json.JSONDecodeError as exc:
        raise GuardError(f"{shown}:{exc.lineno}: column {exc.colno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise GuardError(f"{shown}: nested too deep; not a summary a build publishes") from None
    except OSError as exc:
        raise GuardError(f"{shown}: cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    problem = _summary_problem(doc)
    if problem:
        raise GuardError(f"{shown}: {problem}; not a summary a build publishes, so the guard cannot check")
    if not doc and not first_publish:
        raise GuardError(
            f"{shown}: names no dataset; the guard cannot check against nothing "
            "(for the very first publish, say --first-publish)"
        )
    return doc


def _summary_problem(doc) -> str:
    """What in `doc` is not what `summarize` writes ("" when it is)."""
    if not isinstance(doc, dict):
        return "expected an object of datasets"
    for name, entry in doc.items():
        where = f"dataset {name!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            return f"{where}: expected an object with its 'files'"
        for f, info in entry["files"].items():
            size = info.get("size") if isinstance(info, dict) else None
            sha = info.get("sha256") if isinstance(info, dict) else None
            if not _count(size) or not (isinstance(sha, str) and _SHA.fullmatch(sha)):
                return f"{where}, file {f!r}: expected a whole size and a sha256"
        if "last_date" in entry and not _day(entry["last_date"]):
            return f"{where}: last_date {entry['last_date']!r} is not a day YYYY-MM-DD"
        totals = entry.get("totals", {})
        if not isinstance(totals, dict) or not all(
            isinstance(t, dict) and _day(t.get("date")) and _count(t.get("cumulative")) for t in totals.values()
        ):
            return f"{where}: totals must give each metric a day and a whole cumulative count"
        days = entry.get("days", {})
        if not isinstance(days, dict) or not all(_count(n) for n in days.values()):
            return f"{where}: days must give each metric a whole count"
        if "bad_records" in entry and not _count(entry["bad_records"]):
            return f"{where}: bad_records must be a whole count"
        if "snapshots" in entry and not _count(entry["snapshots"]):
            return f"{where}: snapshots must be a whole count"
        areas = entry.get("last_areas", {})
        if not isinstance(areas, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            for v in areas.values()
        ):
            return f"{where}: last_areas must give each area as a number of km²"
        if "unreadable" in entry and not isinstance(entry["unreadable"], str):
            return f"{where}: unreadable must be the reason, as text"
        history = entry.get("history")
        if history is not None and not (
            isinstance(history, dict)
            and _day(history.get("through"))
            and isinstance(history.get("sha256"), str)
            and _SHA.fullmatch(history["sha256"])
        ):
            return f"{where}: history must give a day and a sha256"
    return ""


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**15


def _day(value) -> bool:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
