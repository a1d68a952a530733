"""Import the public "Massive Missile Attacks on Ukraine" dataset (Petro Ivaniuk, "piterfm"):
the Ukrainian Air Force's reports of Russian drones and missiles launched at Ukraine and destroyed.

`load_attacks(path, models)` returns a tidy frame, one row per report and weapon model:
`report_start`, `report_end` (timestamps), `night` (the date the report window ends on),
`date_only`, `model`, `category` (from the reference table), `kind` (drone, missile, other or
unknown), `launched`, `destroyed`, `not_reach_goal`, `still_attacking` (nullable integers),
`source`, and `line` (the row's line in the file).

Choices, for the real file's oddities:
- Windows: `YYYY-MM-DD HH:MM` as given; `H:MM` and `HH:MM:SS` are accepted; `24:00` is midnight at
  the end of that day; a date-only window covers the whole day (start 00:00, end 24:00) and is
  flagged `date_only`. A report belongs to the night its window ends on (`night`; for a
  date-only report, that date).
- Models: looked up by exact name in the reference table (which also lists combined names such
  as "X-101/X-555 and Kalibr" and names in Ukrainian such as "Молнія"). A combined name the table
  lacks takes the kind its parts share ("Shahed-136/131 and Orlan-10": drone) or `mixed`. A model
  the table does not know at all is kept, with kind `unknown`, and counted in the summary: never
  dropped.
- Empty fields and `{}` are missing values. Counts are whole numbers written as "76" or "76.0".
- Exact duplicate rows (every field equal) are counted and dropped once; rows for the same window
  and model with different counts are different reports and are kept.
- A row that cannot be read (a window that is not a date, a count that is not a whole number from
  0 to 1,000,000, an end before its start; a line with a stray quote, too few or too many
  fields, or a NUL byte) is reported as `path:line: column: message`. No field of this dataset
  spans lines, so a quote left open is that line's error, never a merged row. The import stops with every
  such problem listed, unless `skip_bad_rows` is set: then those rows are left out and counted.

Every row of the file is accounted for: rows read = imported + exact duplicates + bad rows.
All parsing is vectorized (pandas), so the multi-year file imports in well under a second and a
generated 1,000,000-row file in seconds (bench/attacks.py).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from warclaims.claims.vocabulary import DRONES_INTERCEPTED
from warclaims.errors import NO_LINE, AttackDataError, Problem, shorten
from warclaims.paths import read_regular

REQUIRED = ["time_start", "time_end", "model", "launched", "destroyed"]
COUNTS = ["launched", "destroyed", "not_reach_goal", "still_attacking"]
KINDS = ["drone", "missile", "other", "mixed", "unknown"]


@dataclass
class AttackImport:
    """The tidy frame and what the import had to decide."""

    frame: pd.DataFrame
    rows_read: int
    duplicates_dropped: int
    bad_rows: int = 0
    skipped: list[Problem] = field(default_factory=list)
    unknown_models: dict[str, int] = field(default_factory=dict)
    dataset: object = None  # its declaration in data/external.yaml, where known (external.datasets.Dataset)

    def summary(self, shown: str) -> str:
        f = self.frame
        span = f"{f['night'].min():%Y-%m-%d} to {f['night'].max():%Y-%m-%d}" if len(f) else "no rows"
        kinds = ", ".join(f"{k} {n:,}" for k, n in f["kind"].value_counts().items() if n)
        unknown = "; ".join(f"{m!r} ({n})" for m, n in sorted(self.unknown_models.items(), key=lambda kv: -kv[1])[:10])
        return (
            f"{shown}: {self.rows_read:,} rows read, {len(f):,} imported ({kinds}); nights {span}; "
            f"{self.duplicates_dropped:,} exact duplicate rows dropped; {self.bad_rows:,} bad rows skipped"
            + (f"; models not in the reference table, kept as unknown: {unknown}" if unknown else "")
        )


def _decoded(path: Path, shown: str) -> str:
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise AttackDataError([Problem(shown, NO_LINE, "", "file not found")]) from None
    except IsADirectoryError:
        raise AttackDataError([Problem(shown, NO_LINE, "", "is a folder, not a CSV file")]) from None
    except OSError as exc:
        raise AttackDataError([Problem(shown, NO_LINE, "", f"cannot be read ({exc.strerror})")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AttackDataError([Problem(shown, line, "", "is not UTF-8 text")]) from None
    if not text.strip():
        raise AttackDataError([Problem(shown, 1, "", "file is empty")])
    return text


def _read(path: Path, shown: str, required: list[str]) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """The file's records as text cells, the line each starts on, and the lines that are not records.

    No field of this dataset spans lines, so each non-blank line is one record. The C parser reads
    the common, clean file; a file it cannot read, or that it reads as other than one record per
    line (an unbalanced quote merging two rows, a short or long row, a NUL byte), is read line by
    line, so every bad line is located and nothing is merged or lost.
    """
    text = _decoded(path, shown)
    frame = _read_clean(text)
    bad: list[Problem] = []
    if frame is None:
        physical = text.splitlines()
        numbers = [n for n, line in enumerate(physical, start=1) if line.strip()]
        frame, numbers, bad = _read_lines(physical, numbers, shown)
    else:
        numbers = list(range(1, len(frame) + 2))
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise AttackDataError([Problem(shown, 1, c, f"missing column '{c}'") for c in missing])
    return frame.reset_index(drop=True), np.array(numbers[1:], dtype=int), bad


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")  # inside the text; the first and last lines are checked apart


def _read_clean(text: str) -> pd.DataFrame | None:
    """The file through pandas' C parser when it is clean: one record per line, no blank line, no
    NUL, every row as wide as the header. None when it is not (then it is read line by line)."""
    body = text.rstrip("\r\n")
    first, last = body[: body.find("\n")], body[body.rfind("\n") + 1 :]
    if "\0" in body or _BLANK_LINE.search(body) or not first.strip() or not last.strip():
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, engine="c")
    except (pd.errors.ParserError, ValueError):  # e.g. a row with more fields than the header
        return None
    if len(frame) != body.count("\n"):
        return None  # a quote left open merged lines into one record
    # The C parser pads a short row with empty fields, silently; a short row ends in an empty field.
    suspects = np.flatnonzero(frame.iloc[:, -1].eq("").to_numpy()) if frame.shape[1] else []
    if len(suspects):
        physical = text.splitlines()
        if not _widths_match([physical[i + 1] for i in suspects], frame.shape[1]):
            return None
    return frame


def _widths_match(lines: list[str], width: int) -> bool:
    """Every line has `width` fields (commas inside quotes do not separate fields)."""
    text = pd.Series(lines, dtype=object)
    counts = text.str.count(",") + 1
    quoted = text.str.contains('"', regex=False).to_numpy()
    if quoted.any():
        # One reader over them all is safe here: the caller has seen one record per line.
        widths = [len(record) for record in csv.reader(text[quoted].tolist())]
        if len(widths) != int(quoted.sum()):
            return False
        counts[quoted] = widths
    return bool((counts == width).all())


def _read_lines(physical: list[str], numbers: list[int], shown: str) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Each non-blank line parsed as one record; lines that are not a whole record are problems."""

    def parse(line: str) -> list[str] | None:
        try:
            return next(csv.reader([line], strict=True))
        except csv.Error:
            return None

    header = parse(physical[numbers[0] - 1])
    if header is None or "\0" in physical[numbers[0] - 1]:
        raise AttackDataError([Problem(shown, numbers[0], "", "cannot read the header row")])
    records, kept, bad = [], [numbers[0]], []
    for n in numbers[1:]:
        line = physical[n - 1]
        record = parse(line)
        if "\0" in line:
            bad.append(Problem(shown, n, "", "contains a NUL byte"))
        elif record is None:
            bad.append(
                Problem(shown, n, "", 'cannot read this row: a quoted field is not closed on its line (a stray ")')
            )
        elif len(record) != len(header):
            bad.append(Problem(shown, n, "", f"row has {len(record)} fields, the header has {len(header)}"))
        else:
            records.append(record)
            kept.append(n)
    return pd.DataFrame(records, columns=header, dtype=object), kept, bad


def _parse_times(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(start of the moment, whether only a date was given, ok) for every cell, vectorized.

    The two common forms go through pandas' C parser; only the rest (H:MM:SS, 24:00, junk) through a regex."""
    text = raw.str.strip()
    moment = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
    is_date = text.str.len().eq(10)
    day_only = pd.to_datetime(text.where(is_date), format="%Y-%m-%d", errors="coerce")
    date_only = day_only.notna()
    moment = moment.fillna(day_only)
    rest = moment.isna()
    ok = ~rest
    if rest.any():
        odd = text[rest]
        parts = odd.str.extract(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
        day = pd.to_datetime(parts[0], format="%Y-%m-%d", errors="coerce")
        hours, minutes = pd.to_numeric(parts[1], errors="coerce"), pd.to_numeric(parts[2], errors="coerce")
        seconds = pd.to_numeric(parts[3], errors="coerce").fillna(0)
        valid = day.notna() & (
            ((hours <= 23) & (minutes <= 59) & (seconds <= 59)) | ((hours == 24) & (minutes == 0) & (seconds == 0))
        )
        value = day + pd.to_timedelta(hours.fillna(0) * 3600 + minutes.fillna(0) * 60 + seconds, unit="s")
        moment[rest] = value.where(valid)
        ok[rest] = valid
    return moment.where(ok), date_only, ok


MAX_COUNT = 1_000_000  # per report row; a count beyond it is a typo or an attack on the importer


def _counts(frame: pd.DataFrame) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    values, bad = {}, {}
    for col in COUNTS:
        if col not in frame.columns:
            values[col] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
            bad[col] = pd.Series(False, index=frame.index)
            continue
        text = frame[col].str.strip().replace({"{}": ""})
        number = pd.to_numeric(text, errors="coerce")
        bad[col] = text.ne("") & ~((number >= 0) & (number <= MAX_COUNT) & (number % 1 == 0))
        values[col] = number.where(~bad[col]).round().astype("Int64")
    return values, bad


def _kinds(models: pd.Series, reference: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    category = reference.set_index("model")["category"]
    category = category[~category.index.duplicated()]

    def kind_of(cat: str) -> str:
        cat = str(cat).lower()
        if cat == "uav":
            return "drone"
        if "missile" in cat or "ballistic" in cat:
            return "missile"
        return "other"

    names = pd.Series(models.unique())
    cats = names.map(category)
    kinds = cats.map(lambda c: kind_of(c) if isinstance(c, str) else None)
    for i in names.index[kinds.isna()]:  # combined names the table lacks: judge by their parts
        parts = [p.strip() for p in str(names[i]).split(" and ")]
        part_kinds = {kind_of(category[p]) for p in parts if p in category.index}
        if len(parts) > 1 and len(part_kinds) and all(p in category.index for p in parts):
            kinds[i] = part_kinds.pop() if len(part_kinds) == 1 else "mixed"
    lookup_kind = dict(zip(names, kinds.fillna("unknown"), strict=True))
    lookup_cat = dict(zip(names, cats.astype(object).fillna(""), strict=True))
    return models.map(lookup_cat), models.map(lookup_kind)


def load_attacks(
    path: str | Path, models: str | Path, *, skip_bad_rows: bool = False, shown: str | None = None
) -> AttackImport:
    """Read the dataset and its model reference table into a tidy frame (see the module docstring)."""
    path, models = Path(path), Path(models)
    shown = shown or str(path)
    frame, lines, unreadable = _read(path, shown, REQUIRED)
    reference, _, _ = _read(models, str(models), ["model", "category"])
    rows_read = len(frame) + len(unreadable)

    start, start_date_only, start_ok = _parse_times(frame["time_start"])
    end, end_date_only, end_ok = _parse_times(frame["time_end"])
    end = end + pd.to_timedelta(np.where(end_date_only, 1, 0), unit="D")  # a date-only end is the end of that day
    counts, bad_counts = _counts(frame)
    model = frame["model"].str.strip()

    checks = [
        (
            "time_start",
            ~start_ok,
            lambda i: f"cannot read {shorten(frame.at[i, 'time_start'])!r} as YYYY-MM-DD or YYYY-MM-DD HH:MM",
        ),
        (
            "time_end",
            ~end_ok,
            lambda i: f"cannot read {shorten(frame.at[i, 'time_end'])!r} as YYYY-MM-DD or YYYY-MM-DD HH:MM",
        ),
        (
            "time_end",
            start_ok & end_ok & (end < start),
            lambda i: f"{frame.at[i, 'time_end']!r} is before time_start {frame.at[i, 'time_start']!r}",
        ),
        ("model", model.eq(""), lambda i: "is empty"),
    ] + [
        (
            col,
            bad_counts[col],
            lambda i, col=col: f"{shorten(frame.at[i, col])!r} is not a whole count from 0 to {MAX_COUNT:,}",
        )
        for col in COUNTS
    ]
    bad = pd.Series(False, index=frame.index)
    problems = list(unreadable)
    for column, mask, message in checks:
        mask = mask & ~bad if column == "time_end" else mask  # one message per row is enough for the window
        for i in frame.index[mask.to_numpy()][:1000]:
            problems.append(Problem(shown, int(lines[i]), column, message(i)))
        bad |= mask
    n_bad = int(bad.sum()) + len(unreadable)
    if problems and not skip_bad_rows:
        more = n_bad - len(problems)
        problems.sort(key=lambda p: (p.line, p.column))
        raise AttackDataError(
            problems + ([Problem(shown, problems[-1].line, "", f"… and {more:,} more bad rows")] if more > 0 else [])
        )

    category, kind = _kinds(model, reference)
    tidy = pd.DataFrame(
        {
            "report_start": start,
            "report_end": end,
            "night": end.dt.normalize().where(~end_date_only, end.dt.normalize() - pd.Timedelta(days=1)),
            "date_only": start_date_only | end_date_only,
            "model": model,
            "category": category,
            "kind": pd.Categorical(kind, categories=KINDS),
            **counts,
            "source": frame["source"].str.strip() if "source" in frame.columns else "",
            "line": lines,
        }
    )[~bad.to_numpy()]
    before = len(tidy)
    dup = frame[~bad.to_numpy()].duplicated(keep="first").to_numpy()
    tidy = tidy[~dup].reset_index(drop=True)
    unknown = tidy.loc[tidy["kind"] == "unknown", "model"].value_counts()
    return AttackImport(
        tidy,
        rows_read,
        before - len(tidy),
        n_bad,
        sorted(problems, key=lambda p: (p.line, p.column)),
        {str(k): int(v) for k, v in unknown.items()},
    )


def nightly(
    attacks: pd.DataFrame, kind: str = "drone", *, start=None, end=None, overnight: bool = False
) -> pd.DataFrame:
    """Launched, destroyed and not reaching their target (the dataset's `not_reach_goal`, lost
    locally) per night for one kind of weapon, every night in [start, end] present (nights without
    a report have no counts, not zeros). `overnight`: only the reports with times (the overnight
    barrages), not the date-only ones, which give a day's reconnaissance drones, not a night."""
    rows = attacks[attacks["kind"] == kind]
    if overnight:
        rows = rows[~rows["date_only"].astype(bool)]
    per = rows.groupby("night")[["launched", "destroyed", "not_reach_goal"]].sum(min_count=1)
    per["reports"] = rows.groupby("night").size()
    lo = pd.Timestamp(start) if start is not None else (per.index.min() if len(per) else None)
    hi = pd.Timestamp(end) if end is not None else (per.index.max() if len(per) else None)
    if lo is None:
        return per
    per = per.reindex(pd.date_range(lo, hi, freq="D", name="night"))
    per["reports"] = per["reports"].fillna(0).astype(int)
    return per


def article_night(claims: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The window of the article's drone night: its drones_intercepted claims, else the publication day."""
    drones = claims[claims["metric"].astype(str) == DRONES_INTERCEPTED]
    if len(drones):
        return drones["date_start"].min(), drones["date_end"].max()
    day = pd.Timestamp(claims["published"].max())
    return day, day


def nights_around_article(
    claims: pd.DataFrame, attacks: pd.DataFrame, days: int
) -> tuple[pd.Timestamp, pd.Timestamp, pd.DataFrame]:
    """The article's drone night (first, last day) and the overnight drone reports' counts `days`
    either side of it (the night ending `last` is the article's)."""
    first, last = article_night(claims)
    end = last + pd.Timedelta(days=days)
    if len(attacks) and pd.notna(
        attacks["night"].max()
    ):  # never past the dataset's last night: no invented quiet nights
        end = max(min(end, pd.Timestamp(attacks["night"].max())), last)
    return (
        first,
        last,
        nightly(attacks, "drone", start=first - pd.Timedelta(days=days), end=end, overnight=True),
    )
