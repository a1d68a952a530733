"""Import the Ukrainian General Staff's daily claims of Russian losses, as compiled in the public
"2022 Ukraine-Russia War Dataset" (Petro Ivaniuk, MIT licence): russia_losses_personnel.json and
russia_losses_equipment.json, one record per day.

`load_losses(personnel, equipment=None)` returns a tidy frame, one row per day and metric:
`date` (the statement's day; it covers the 24 hours before it), `metric` ("personnel", or an
equipment key such as "drone" or "tank"), `cumulative` (the statement's running total since
24 Feb 2022), `daily` (the difference from the day before), `qualifier` (the statement's own word,
as "personnel*" gives it, e.g. "about"), and `index` (the record's place in its file).

Choices, for the files' ways:
- A day's figure is the difference from the day before. The first day, and a day after a gap of
  missing dates, has no daily figure (a difference over two days is not one day's claim).
- A cumulative total that goes down (the statements correct themselves now and then) is reported
  in `corrections`, located as below, and that day has no daily figure: never a negative loss.
- A date that is not later than the one before, a count that is not a whole number from 0 to
  100,000,000, and a record without a date are errors. Equipment keys added over time are missing (not zero) before they
  appear. Each problem is reported as `path: [index].field: message` and stops the import, unless
  `skip_bad_rows` is set: then the record is left out and counted (rows = imported + skipped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from warclaims.claims.vocabulary import EARLIEST_DATE, LATEST_DATE
from warclaims.errors import NO_LINE, InputError, Problem, shorten
from warclaims.paths import read_regular

MAX_COUNT = 100_000_000
PERSONNEL = "personnel"
# Fields of the equipment file that are not counts: the record's day and number, and the text naming
# the front sections with the greatest losses, kept by the statements for a while.
NOT_COUNTS = {"date", "day", "greatest losses direction"}


class LossesError(InputError):
    """A General Staff losses file cannot be read."""

    what = "the General Staff losses file cannot be read"


@dataclass
class LossesImport:
    frame: pd.DataFrame
    records: int
    skipped: list[Problem] = field(default_factory=list)
    gaps: int = 0
    corrections: list[Problem] = field(default_factory=list)  # totals that went down: no daily figure that day
    dataset: object = None  # its declaration in data/external.yaml, where known (external.datasets.Dataset)

    @property
    def bad_records(self) -> int:
        return len({(p.path, p.column.split("]")[0]) for p in self.skipped})

    def daily(self, metric: str = PERSONNEL) -> pd.Series:
        """The daily figures of one metric, indexed by date."""
        rows = self.frame[self.frame["metric"] == metric]
        return rows.set_index("date")["daily"]

    def summary(self, shown: str) -> str:
        f = self.frame
        span = f"{f['date'].min():%Y-%m-%d} to {f['date'].max():%Y-%m-%d}" if len(f) else "no days"
        return (
            f"{shown}: {self.records:,} records, {f['date'].nunique():,} days ({span}), "
            f"{f['metric'].nunique():,} metrics; {self.gaps:,} gaps in the dates; {len(self.corrections):,} totals "
            f"corrected downwards (no daily figure on those days); {self.bad_records:,} bad records skipped"
        )


def _records(path: Path, shown: str) -> list:
    try:
        text = read_regular(path).decode("utf-8-sig")
    except FileNotFoundError:
        raise LossesError([Problem(shown, NO_LINE, "", "file not found")]) from None
    except IsADirectoryError:
        raise LossesError([Problem(shown, NO_LINE, "", "is a folder, not a JSON file")]) from None
    except UnicodeDecodeError:
        raise LossesError([Problem(shown, NO_LINE, "", "is not UTF-8 text")]) from None
    except OSError as exc:
        raise LossesError([Problem(shown, NO_LINE, "", f"cannot be read ({exc.strerror or exc})")]) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LossesError([Problem(shown, exc.lineno, f"column {exc.colno}", f"not valid JSON ({exc.msg})")]) from None
    except (RecursionError, ValueError):  # nested thousands deep, or a number of thousands of digits
        raise LossesError(
            [Problem(shown, NO_LINE, "", "not JSON this importer can read (nested too deep or a number too long)")]
        ) from None
    if not isinstance(doc, list):
        raise LossesError([Problem(shown, NO_LINE, "", "expected a JSON list of daily records")])
    if not doc:
        raise LossesError([Problem(shown, NO_LINE, "", "holds no records (an empty list)")])
    return doc


def _read(path: Path, shown: str, metrics: list[str] | None) -> tuple[pd.DataFrame, list[Problem], int]:
    """The file's valid records in long form (date, metric, cumulative, qualifier, index), a problem
    for each bad one, and how many records it has. Vectorized: a problem is built only per bad record."""
    records = _records(path, shown)
    problems = [
        Problem(shown, NO_LINE, f"[{i}]", "expected a record {date, ...}")
        for i, r in enumerate(records)
        if not isinstance(r, dict)
    ]
    frame = pd.DataFrame.from_records([r if isinstance(r, dict) else {} for r in records])
    frame["index"] = np.arange(len(records))
    frame = frame[np.array([isinstance(r, dict) for r in records], dtype=bool)]  # rows (a list would pick columns)
    raw = frame["date"] if "date" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    date = pd.to_datetime(raw.where(raw.map(lambda v: isinstance(v, str))), format="%Y-%m-%d", errors="coerce")
    date = date.where(date.between(pd.Timestamp(EARLIEST_DATE), pd.Timestamp(LATEST_DATE)))  # not year 1 or 9999
    bad = date.isna()
    problems += [
        Problem(
            shown,
            NO_LINE,
            f"[{i}].date",
            f"{shorten(v)!r} is not a date YYYY-MM-DD from {EARLIEST_DATE} to {LATEST_DATE}",
        )
        for i, v in zip(frame.loc[bad, "index"], raw[bad], strict=True)
    ]
    keys = metrics or [c for c in frame.columns if c not in NOT_COUNTS and c != "index" and not str(c).endswith("*")]
    counts = {}
    for key in (k for k in keys if k in frame.columns):
        column = frame[key]
        numeric = column.map(type).isin([int, float])  # not bool, not text
        number = pd.to_numeric(column.where(numeric), errors="coerce")
        whole = numeric & number.between(0, MAX_COUNT) & (number % 1 == 0)
        # Written in the record and not null: a NaN (which JSON readers accept) is a wrong count, not a gap.
        given = frame["index"].map(lambda i, key=key: records[i].get(key) is not None)
        wrong = given & ~whole & ~bad
        problems += [
            Problem(shown, NO_LINE, f"[{i}].{key}", f"{shorten(v)!r} is not a whole count from 0 to {MAX_COUNT:,}")
            for i, v in zip(frame.loc[wrong, "index"], column[wrong], strict=True)
        ]
        bad |= wrong
        counts[key] = number
    seen = date.where(~bad).cummax().shift()  # the latest date of the good records before each one
    early = ~bad & (date <= seen)
    problems += [
        Problem(shown, NO_LINE, f"[{i}].date", f"{d:%Y-%m-%d} is not after the record before ({s:%Y-%m-%d})")
        for i, d, s in zip(frame.loc[early, "index"], date[early], seen[early], strict=True)
    ]
    good = ~(bad | early)
    qualifier = frame.get(f"{PERSONNEL}*")
    parts = []
    for key, number in counts.items():
        keep = good & number.notna()
        parts.append(
            pd.DataFrame(
                {
                    "date": date[keep],
                    "metric": key,
                    "cumulative": number[keep].astype("int64"),
                    "qualifier": qualifier[keep].where(qualifier[keep].map(lambda v: isinstance(v, str)))
                    if key == PERSONNEL and qualifier is not None
                    else None,
                    "index": frame.loc[keep, "index"],
                }
            )
        )
    long = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["date", "metric", "cumulative", "qualifier", "index"])
    )
    problems.sort(key=lambda p: int(p.column[1 : p.column.index("]")]))
    return long, problems, len(records)


def load_losses(
    personnel: str | Path,
    equipment: str | Path | None = None,
    *,
    skip_bad_rows: bool = False,
    shown: str | None = None,
) -> LossesImport:
    """Read the personnel file (and the equipment file, when given) into a tidy frame (see the module)."""
    files = [(Path(personnel), shown or str(personnel), [PERSONNEL])]
    if equipment is not None:
        files.append((Path(equipment), str(equipment), None))
    rows, problems, corrections, total, gaps = [], [], [], 0, 0
    for path, name, metrics in files:
        frame, bad, n = _read(path, name, metrics)
        problems += bad
        total += n
        if frame.empty:
            continue
        frame = frame.sort_values(["metric", "date"])
        step = frame.groupby("metric")["date"].diff()
        change = frame.groupby("metric")["cumulative"].diff()
        down = change < 0  # a correction: reported, and that day has no daily figure (never a negative loss)
        before = frame.groupby("metric")["cumulative"].shift()
        corrections += [
            Problem(
                name,
                NO_LINE,
                f"[{r.index}].{r.metric}",
                f"{r.cumulative:,} is less than the day before ({int(b):,}): "
                "a correction; this day has no daily figure",
            )
            for r, b in zip(frame[down].itertuples(), before[down], strict=True)
        ]
        frame["daily"] = change.where((step == pd.Timedelta(days=1)) & ~down)
        dates = pd.Series(sorted(frame["date"].unique()))
        gaps += int((dates.diff() > pd.Timedelta(days=1)).sum())
        rows.append(frame)
    if problems and not skip_bad_rows:
        raise LossesError(problems)
    columns = ["date", "metric", "daily", "cumulative", "qualifier", "index"]
    frame = pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)
    frame["daily"] = frame["daily"].astype("Float64").round().astype("Int64")
    frame["cumulative"] = frame["cumulative"].astype("Int64")
    return LossesImport(
        frame.sort_values(["date", "metric"]).reset_index(drop=True), total, problems, gaps, corrections
    )


def days_around(claims: pd.DataFrame, losses: pd.DataFrame, days: int, metric: str = PERSONNEL):
    """The window of the article's casualty claims (first, last day) and the daily figures `days`
    either side of it, every day present (a day without a statement has no figure, not zero)."""
    from warclaims.claims.vocabulary import CASUALTIES

    casualty = claims[claims["family"].astype(str) == CASUALTIES]
    if len(casualty):
        first, last = casualty["date_start"].min(), casualty["date_end"].max()
    else:
        first = last = pd.Timestamp(claims["published"].max())
    rows = losses[losses["metric"] == metric].set_index("date")
    span = pd.date_range(first - pd.Timedelta(days=days), last + pd.Timedelta(days=days), freq="D", name="date")
    out = rows.reindex(span)[["daily", "cumulative", "qualifier"]]
    return first, last, out.assign(daily=out["daily"].astype("Float64"), cumulative=out["cumulative"].astype("Float64"))
