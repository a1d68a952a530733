"""Load and validate the claim table: data/sources.csv, metrics.csv, events.csv and skipped.csv.

`validate()` returns every problem found; `load_*()` return typed DataFrames (dates as
datetimes, enums as categoricals) or raise `ClaimTableError` listing the problems.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from warclaims import schema
from warclaims.errors import ClaimTableError, Problem
from warclaims.numbers import mentions_value
from warclaims.paths import display, repo_root, resolve
from warclaims.tables import RawTable, read_csv

DEFAULTS = {
    "sources": "data/sources.csv",
    "metrics": "data/metrics.csv",
    "events": "data/events.csv",
    "skipped": "data/skipped.csv",
}


def _cells_to_problems(table: RawTable, exc: pa.errors.SchemaErrors) -> list[Problem]:
    """One problem per bad cell (the first failing check wins), located by line and column."""
    cases = exc.failure_cases
    problems: dict[tuple[int, str], Problem] = {}
    for row in cases.itertuples(index=False):
        column = row.column if isinstance(row.column, str) else ""
        index = row.index
        if index is None or pd.isna(index):
            problems[(1, column + str(row.check))] = Problem(table.path, 1, column, str(row.check))
            continue
        line = table.line_of(int(index))
        if (line, column) in problems:
            continue
        check = str(row.check)
        cell = row.failure_case
        if check == "not_nullable":
            message = "is required but empty"
        elif check == "field_uniqueness":
            message = f"'{cell}' is not unique"
        else:
            message = f"{check}; found '{cell}'"
        problems[(line, column)] = Problem(table.path, line, column, message)
    return list(problems.values())


def _check(table: RawTable, spec: pa.DataFrameSchema) -> list[Problem]:
    frame = table.frame.replace("", None)
    try:
        spec.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _cells_to_problems(table, exc)
    return []


@dataclass
class _Checked:
    """What one validation pass found and read, so loaders and the CLI share one pass."""

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, RawTable] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def _read(kind: str, path: Path, spec: pa.DataFrameSchema, out: _Checked, root: Path, shown: str | None = None) -> RawTable | None:
    try:
        table = read_csv(path, shown or display(path, root), schema.columns(spec), schema.required_columns(spec))
    except ClaimTableError as exc:
        out.problems.extend(exc.problems)
        return None
    found = _check(table, spec)
    out.problems.extend(found)
    out.tables[kind] = table
    return table


def _check_sources(table: RawTable, root: Path, out: _Checked) -> None:
    for i, row in table.frame.iterrows():
        line = table.line_of(i)
        if not row["path"]:
            continue
        path = root / row["path"]
        if not path.is_file():
            out.problems.append(Problem(table.path, line, "path", f"source file '{row['path']}' not found"))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if row["sha256"] and digest != row["sha256"]:
            out.problems.append(Problem(table.path, line, "sha256", f"'{row['path']}' has changed: its sha256 is {digest}"))
        try:
            out.texts[row["source_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            out.problems.append(Problem(table.path, line, "path", f"'{row['path']}' is not UTF-8 text"))


def _check_events(table: RawTable, texts: dict[str, str], out: _Checked) -> None:
    """The cross-checks no schema library knows: date order, verbatim quotes, values in their quotes."""
    f = table.frame
    start = pd.to_datetime(f["date_start"], format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(f["date_end"], format="%Y-%m-%d", errors="coerce")
    for i in f.index[(end < start).to_numpy()]:
        out.problems.append(Problem(table.path, table.line_of(i), "date_end", f"{f.at[i, 'date_end']} is before date_start {f.at[i, 'date_start']}"))

    is_event = f["metric"].eq(schema.EVENT_METRIC)
    has_value = f["value"].ne("")
    for i in f.index[(is_event & has_value).to_numpy()]:
        out.problems.append(Problem(table.path, table.line_of(i), "value", "must be empty for an 'event' row (a dated event has no value)"))
    for i in f.index[(~is_event & ~has_value).to_numpy()]:
        out.problems.append(Problem(table.path, table.line_of(i), "value", f"is required for metric '{f.at[i, 'metric']}'"))
    for col in ("qualifier", "value_basis"):
        for i in f.index[(has_value & f[col].eq("")).to_numpy()]:
            out.problems.append(Problem(table.path, table.line_of(i), col, "is required when the row has a value"))

    quote_found = pd.Series(
        [q in texts[s] if s in texts else True for s, q in zip(f["source_id"], f["quote"])], index=f.index, dtype=bool
    )
    for i in f.index[(~quote_found & f["quote"].ne("")).to_numpy()]:
        out.problems.append(Problem(table.path, table.line_of(i), "quote", f"does not occur verbatim in source '{f.at[i, 'source_id']}'"))

    numeric = pd.to_numeric(f["value"].where(has_value), errors="coerce")
    stated = f["value_basis"].eq("stated") & numeric.notna()
    pairs = pd.DataFrame({"quote": f["quote"], "value": numeric})[stated]
    unique = pairs.drop_duplicates()
    ok = {(q, v): mentions_value(q, v) for q, v in zip(unique["quote"], unique["value"])}
    for i, q, v in zip(pairs.index, pairs["quote"], pairs["value"]):
        if not ok[(q, v)]:
            out.problems.append(Problem(table.path, table.line_of(i), "value", f"{f.at[i, 'value']} is 'stated' but its quote does not write it (as digits or words)"))
    for i in f.index[(f["value_basis"].eq("derived") & f["notes"].eq("")).to_numpy()]:
        out.problems.append(Problem(table.path, table.line_of(i), "notes", "a 'derived' value needs a note saying how it follows from the quote"))


def _input_paths(root: Path, given: dict) -> dict[str, Path]:
    """The data files a pass reads: each given replacement, else the repository's own."""
    return {k: (resolve(given[k], v, root) if given.get(k) is not None else root / v) for k, v in DEFAULTS.items()}


def check_all(
    events: str | Path | None = None,
    *,
    sources: str | Path | None = None,
    metrics: str | Path | None = None,
    root: Path | None = None,
    coverage: bool = True,
) -> _Checked:
    """Run every check over the data files; `events` (and `sources`, `metrics`) replace the repo's files.

    A replaced file is named in messages as given; relative paths resolve against the cwd, then the repo root.
    """
    from warclaims.coverage import coverage_problems

    root = root or repo_root()
    given = {"events": events, "sources": sources, "metrics": metrics}
    paths = _input_paths(root, given)
    shown = {k: str(v) for k, v in given.items() if v is not None}
    out = _Checked()
    sources = _read("sources", paths["sources"], schema.sources_schema(), out, root, shown.get("sources"))
    metrics = _read("metrics", paths["metrics"], schema.metrics_schema(), out, root, shown.get("metrics"))
    source_ids = list(sources.frame["source_id"]) if sources else []
    metric_ids = list(metrics.frame["metric"]) if metrics else []
    if sources:
        _check_sources(sources, root, out)
    if metrics and schema.EVENT_METRIC not in metric_ids:
        out.problems.append(Problem(metrics.path, 1, "metric", f"the vocabulary must define '{schema.EVENT_METRIC}'"))
    events_table = _read("events", paths["events"], schema.events_schema(source_ids, metric_ids), out, root, shown.get("events"))
    if events_table:
        _check_events(events_table, out.texts, out)
    skipped = _read("skipped", paths["skipped"], schema.skipped_schema(source_ids), out, root)
    # Coverage reads the claim rows' values, so it only runs on a table that is otherwise valid.
    if coverage and events_table and skipped and not out.problems:
        out.problems.extend(coverage_problems(events_table, skipped, out.texts, sources))
    out.problems = _first_per_cell(out.problems)
    return out


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """One problem per cell: a schema failure hides the cross-checks that would read the same bad cell."""
    seen: dict[tuple[str, int, str], Problem] = {}
    for p in problems:
        key = (p.path, p.line, p.column) if p.column else (p.path, p.line, p.message)
        seen.setdefault(key, p)
    return list(seen.values())


def validate(events: str | Path | None = None, *, root: Path | None = None) -> list[Problem]:
    """Every problem in the claim table, sorted by file and line; empty when all is well."""
    return sorted(set(check_all(events, root=root).problems))


def _typed_events(raw: pd.DataFrame, source_ids: list[str], metric_ids: list[str]) -> pd.DataFrame:
    f = raw.replace("", None).copy()
    for col in ("date_start", "date_end"):
        f[col] = pd.to_datetime(f[col], format="%Y-%m-%d")
    for col in ("value", "duration_hours"):
        f[col] = pd.to_numeric(f[col]).astype("float64")
    f["source_id"] = pd.Categorical(f["source_id"], categories=source_ids)
    f["metric"] = pd.Categorical(f["metric"], categories=metric_ids)
    f["qualifier"] = pd.Categorical(f["qualifier"], categories=schema.QUALIFIERS)
    f["value_basis"] = pd.Categorical(f["value_basis"], categories=schema.VALUE_BASES)
    f["claimant_side"] = pd.Categorical(f["claimant_side"], categories=schema.SIDES)
    for col in ("claimant", "incident", "country"):
        f[col] = f[col].astype("category")
    for col in ("event_id", "date_text", "subject", "location", "quote", "notes"):
        f[col] = f[col].astype("string")
    return f


_CODE = ("events.py", "schema.py", "tables.py", "errors.py", "numbers.py")


def _cache_path(root: Path, given: dict) -> Path | None:
    """build/cache/checked-<hash>.pickle, the hash over everything a validation pass reads and the
    code that does it; None when a file cannot be read."""
    digest = hashlib.sha256(f"{pd.__version__} {importlib.metadata.version('pandera')}".encode())
    try:
        files = list(_input_paths(root, given).values())
        files += sorted((root / "seeds").glob("*"))
        files += [Path(__file__).with_name(name) for name in _CODE]
        for path in files:  # resolved, so "data/events.csv" from the repo root and the default path agree
            digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return root / "build" / "cache" / f"checked-{digest.hexdigest()}.pickle"


def _load(events: str | Path | None, root: Path | None, **paths) -> _Checked:
    """One validation pass, reused from build/cache/ when the same inputs passed before: notebooks
    of one build then validate a large table once, not once per notebook."""
    import pickle

    root = root or repo_root()
    cache = _cache_path(root, {"events": events, **paths})
    if cache is not None and cache.is_file():
        try:
            return pickle.loads(cache.read_bytes())
        except Exception:  # a damaged cache entry is ignored and rewritten
            pass
    checked = check_all(events, root=root, coverage=False, **paths)
    if checked.problems:
        raise ClaimTableError(checked.problems)
    _store(cache, checked)
    return checked


def _store(cache: Path | None, checked: _Checked, keep: int = 8) -> None:
    import pickle

    if cache is None:
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cache)
        old = sorted(cache.parent.glob("checked-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
        for path in old:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout still works, only slower


def validate_for_build(root: Path) -> list[Problem]:
    """Every problem in the repository's table (coverage included); when there are none, the
    validated tables are cached so the build's notebooks load them without validating again."""
    checked = check_all(root=root)
    problems = sorted(set(checked.problems))
    if not problems:
        _store(_cache_path(root, {}), checked)
    return problems


def load_sources(*, root: Path | None = None) -> pd.DataFrame:
    """data/sources.csv, validated, with `published` as a datetime."""
    f = _load(None, root).tables["sources"].frame.replace("", None).copy()
    f["published"] = pd.to_datetime(f["published"], format="%Y-%m-%d")
    return f.astype({c: "string" for c in ("source_id", "path", "sha256", "title", "publisher")})


def load_metrics(*, root: Path | None = None) -> pd.DataFrame:
    """data/metrics.csv, validated; `family` is categorical."""
    f = _load(None, root).tables["metrics"].frame.replace("", None).copy()
    f["family"] = pd.Categorical(f["family"], categories=schema.FAMILIES)
    return f.astype({c: "string" for c in ("metric", "unit", "label")})


def load_skipped(*, root: Path | None = None) -> pd.DataFrame:
    """data/skipped.csv, validated: numbers in the sources that are deliberately not claim rows."""
    return _load(None, root).tables["skipped"].frame.astype("string")


def load_events(events: str | Path | None = None, *, root: Path | None = None) -> pd.DataFrame:
    """The validated claim table, one row per claimed value, with real dtypes.

    events: an alternative events CSV (default data/events.csv), checked against the repo's sources and metrics.
    """
    checked = _load(events, root)
    t = checked.tables
    return _typed_events(t["events"].frame, list(t["sources"].frame["source_id"]), list(t["metrics"].frame["metric"]))


def load_claims(
    events: str | Path | None = None,
    *,
    sources: str | Path | None = None,
    metrics: str | Path | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """The claim table joined with its metric (family, unit, label) and source (title, publisher, published)."""
    checked = _load(events, root, sources=sources, metrics=metrics)
    t = checked.tables
    source_ids, metric_ids = list(t["sources"].frame["source_id"]), list(t["metrics"].frame["metric"])
    ev = _typed_events(t["events"].frame, source_ids, metric_ids)
    metrics = t["metrics"].frame.replace("", None).rename(columns={"label": "metric_label", "unit": "unit"})
    metrics["family"] = pd.Categorical(metrics["family"], categories=schema.FAMILIES)
    sources = t["sources"].frame.replace("", None)[["source_id", "title", "publisher", "published"]]
    sources = sources.assign(published=pd.to_datetime(sources["published"], format="%Y-%m-%d"))
    out = ev.merge(metrics.astype({"metric": ev["metric"].dtype}), on="metric", how="left")
    out = out.merge(sources.astype({"source_id": ev["source_id"].dtype}), on="source_id", how="left")
    return out
