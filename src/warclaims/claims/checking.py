"""Checking the claim table: data/sources.csv, metrics.csv, events.csv and skipped.csv.

`check_all()` runs every check and returns a `CheckedTable`: the problems found, and the text
cells and source texts it read, so that loading and the command line reuse one pass.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from warclaims.claims import schema
from warclaims.claims.citing import BLANK
from warclaims.claims.numberwords import mentions_value
from warclaims.claims.reading import RawTable, read_csv
from warclaims.claims.vocabulary import EVENT, REQUIRED_METRICS
from warclaims.errors import ClaimTableError, Problem, shorten
from warclaims.paths import display, read_regular, repo_root, resolve

DEFAULTS = {
    "sources": "data/sources.csv",
    "metrics": "data/metrics.csv",
    "events": "data/events.csv",
    "skipped": "data/skipped.csv",
}


@dataclass
class CheckedTable:
    """What one pass over the claim table found and read.

    problems: every problem, one per cell at most; tables: each file's text cells and line
    numbers, by kind ("sources", "metrics", "events", "skipped"), for the files that could be
    read; texts: each source's text by source_id.
    """

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, RawTable] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def frame(self, kind: str) -> pd.DataFrame:
        """The text cells of one file ("" for empty), as read."""
        return self.tables[kind].frame

    def shown_path(self, kind: str) -> str:
        """The file's path as messages name it."""
        return self.tables[kind].path

    def source_paths(self) -> dict[str, str]:
        """source_id -> the source text's path as written in sources.csv."""
        if "sources" not in self.tables:
            return {}
        f = self.frame("sources")
        return dict(zip(f["source_id"], f["path"], strict=True))

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ClaimTableError(self.problems)


def source_warnings(checked: CheckedTable) -> list[Problem]:
    """What a page cannot cite though the table is valid: each source with neither an outlet nor an
    address (url), which pages cite as "outlet not recorded" (`citing.cite`). Warnings: `validate` prints them and
    still passes, since the seed the table starts from names neither."""
    if "sources" not in checked.tables:
        return []
    table = checked.tables["sources"]
    f = table.frame
    blank = blank_as_empty(f.reindex(columns=["outlet", "url"], fill_value=""))  # as the pages read them
    bare = f.index[(blank["outlet"].isna() & blank["url"].isna()).to_numpy()]
    return [
        Problem(
            table.path,
            table.line_of(int(i)),
            "outlet",
            f"warning: source {f.at[i, 'source_id']!r} names no outlet and no url; its pages say the outlet is not recorded",
        )
        for i in bare
    ]


def _cells_to_problems(table: RawTable, exc: pa.errors.SchemaErrors) -> list[Problem]:
    """One problem per bad cell (the first failing check wins), located by line and column."""
    problems: dict[tuple[int, str], Problem] = {}
    for row in exc.failure_cases.itertuples(index=False):
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
            message = f"'{shorten(cell)}' is not unique"
        else:
            message = f"{check}; found '{shorten(cell)}'"
        problems[(line, column)] = Problem(table.path, line, column, message)
    return list(problems.values())


# A cell of nothing but white space and invisible characters (zero-width spaces and joiners, the
# byte-order mark, soft hyphens) is empty: a claim "by" a zero-width space is a claim by nobody.
_BLANK = BLANK  # one notion of a blank cell for the validator, the typed tables and the citations


def blank_as_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every blank cell (`_BLANK`: "", spaces, zero-width characters) as None. Only
    short cells are tested (a blank cell of more than 16 characters is not something people type)."""
    out = frame.copy()
    for column in out.columns:
        cells = out[column]
        short = cells.str.len().le(16).fillna(False)
        blank = cells[short].map(lambda v: bool(_BLANK.fullmatch(v)))
        out.loc[blank[blank].index, column] = None
    return out


def _check_schema(table: RawTable, spec: pa.DataFrameSchema) -> list[Problem]:
    frame = blank_as_empty(table.frame)
    try:
        spec.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _cells_to_problems(table, exc)
    return []


def _read(kind: str, path: Path, spec: pa.DataFrameSchema, out: CheckedTable, shown: str) -> RawTable | None:
    try:
        table = read_csv(path, shown, schema.columns(spec), schema.required_columns(spec), schema.RENAMED.get(kind))
    except ClaimTableError as exc:
        out.problems.extend(exc.problems)
        return None
    out.problems.extend(_check_schema(table, spec))
    out.tables[kind] = table
    return table


def _check_sources(table: RawTable, root: Path, out: CheckedTable) -> None:
    seeds = (root / "seeds").resolve()
    for i, row in table.frame.iterrows():
        line = table.line_of(i)
        if not row["path"]:
            continue
        path = root / row["path"]
        # Sources live in seeds/, byte for byte: no absolute paths, no ../, no symlink out of seeds/.
        if Path(row["path"]).is_absolute() or not path.resolve().is_relative_to(seeds) or path.resolve() == seeds:
            out.problems.append(
                Problem(table.path, line, "path", f"must be a file under seeds/; found '{shorten(row['path'])}'")
            )
            continue
        if not path.exists():
            out.problems.append(Problem(table.path, line, "path", f"source file '{row['path']}' not found"))
            continue
        try:
            data = read_regular(path)
        except OSError as exc:
            out.problems.append(Problem(table.path, line, "path", f"'{row['path']}' cannot be read: {exc.strerror}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if row["sha256"] and digest != row["sha256"]:
            out.problems.append(
                Problem(table.path, line, "sha256", f"'{row['path']}' has changed: its sha256 is {digest}")
            )
        try:
            out.texts[row["source_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            out.problems.append(Problem(table.path, line, "path", f"'{row['path']}' is not UTF-8 text"))


def _check_metrics(table: RawTable, out: CheckedTable) -> None:
    """The metric ids the charts select by must be defined, with the family they are drawn in."""
    families = dict(zip(table.frame["metric"], table.frame["family"], strict=True))
    for metric, family in REQUIRED_METRICS.items():
        if metric not in families:
            out.problems.append(
                Problem(
                    table.path,
                    1,
                    "metric",
                    f"the vocabulary must define '{metric}' (family '{family}'): "
                    "the charts select it by this id, so it cannot be renamed",
                )
            )
        elif families[metric] != family:
            line = table.line_of(list(table.frame["metric"]).index(metric))
            out.problems.append(
                Problem(
                    table.path, line, "family", f"'{metric}' must be in family '{family}'; found '{families[metric]}'"
                )
            )


def _check_events(table: RawTable, texts: dict[str, str], out: CheckedTable) -> None:
    """The cross-checks no schema library knows: date order, verbatim quotes, values in their quotes."""
    f = table.frame
    start = pd.to_datetime(f["date_start"], format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(f["date_end"], format="%Y-%m-%d", errors="coerce")
    for i in f.index[(end < start).to_numpy()]:
        out.problems.append(
            Problem(
                table.path,
                table.line_of(i),
                "date_end",
                f"{shorten(f.at[i, 'date_end'])} is before date_start {shorten(f.at[i, 'date_start'])}",
            )
        )

    is_event = f["metric"].eq(EVENT)
    has_value = f["value"].ne("")
    for i in f.index[(is_event & has_value).to_numpy()]:
        out.problems.append(
            Problem(
                table.path, table.line_of(i), "value", "must be empty for an 'event' row (a dated event has no value)"
            )
        )
    for i in f.index[(~is_event & ~has_value).to_numpy()]:
        out.problems.append(
            Problem(table.path, table.line_of(i), "value", f"is required for metric '{f.at[i, 'metric']}'")
        )
    for col in ("qualifier", "value_basis"):
        for i in f.index[(has_value & f[col].eq("")).to_numpy()]:
            out.problems.append(Problem(table.path, table.line_of(i), col, "is required when the row has a value"))

    words = f["qualifier_text"].str.strip()
    has_words = words.ne("")
    for i in f.index[(has_words & f["qualifier"].isin(["", "exact"])).to_numpy()]:
        out.problems.append(
            Problem(
                table.path,
                table.line_of(i),
                "qualifier_text",
                "is for a qualified value; the qualifier is exact or empty",
            )
        )
    in_quote = pd.Series([w.lower() in q.lower() for w, q in zip(words, f["quote"], strict=True)], index=f.index)
    for i in f.index[(has_words & ~in_quote).to_numpy()]:
        out.problems.append(
            Problem(table.path, table.line_of(i), "qualifier_text", f"'{shorten(words[i])}' is not in the quote")
        )

    quote_found = pd.Series(
        [q in texts[s] if s in texts else True for s, q in zip(f["source_id"], f["quote"], strict=True)],
        index=f.index,
        dtype=bool,
    )
    for i in f.index[(~quote_found & f["quote"].ne("")).to_numpy()]:
        out.problems.append(
            Problem(
                table.path, table.line_of(i), "quote", f"does not occur verbatim in source '{f.at[i, 'source_id']}'"
            )
        )

    numeric = pd.to_numeric(f["value"].where(has_value), errors="coerce")
    stated = f["value_basis"].eq("stated") & numeric.notna()
    pairs = pd.DataFrame({"quote": f["quote"], "value": numeric})[stated]
    unique = pairs.drop_duplicates()
    ok = {(q, v): mentions_value(q, v) for q, v in zip(unique["quote"], unique["value"], strict=True)}
    for i, q, v in zip(pairs.index, pairs["quote"], pairs["value"], strict=True):
        if not ok[(q, v)]:
            out.problems.append(
                Problem(
                    table.path,
                    table.line_of(i),
                    "value",
                    f"{shorten(f.at[i, 'value'])} is 'stated' but its quote does not write it (as digits or words)",
                )
            )
    for i in f.index[(f["value_basis"].eq("derived") & f["notes"].eq("")).to_numpy()]:
        out.problems.append(
            Problem(
                table.path,
                table.line_of(i),
                "notes",
                "a 'derived' value needs a note saying how it follows from the quote",
            )
        )


def input_paths(root: Path, given: dict) -> dict[str, Path]:
    """The data files a pass reads, by kind: each given replacement, else the repository's own."""
    return {k: (resolve(given[k], v, root) if given.get(k) is not None else root / v) for k, v in DEFAULTS.items()}


def check_all(
    events: str | Path | None = None,
    *,
    sources: str | Path | None = None,
    metrics: str | Path | None = None,
    root: Path | None = None,
    coverage: bool = True,
) -> CheckedTable:
    """Run every check over the data files; `events` (and `sources`, `metrics`) replace the repo's files.

    A replaced file is named in messages as given; relative paths resolve against the cwd, then the repo root.
    """
    from warclaims.claims.coverage import coverage_problems

    root = root or repo_root()
    given = {"events": events, "sources": sources, "metrics": metrics}
    paths = input_paths(root, given)
    shown = {k: str(given[k]) if given.get(k) is not None else display(p, root) for k, p in paths.items()}
    out = CheckedTable()
    source_table = _read("sources", paths["sources"], schema.sources_schema(), out, shown["sources"])
    metric_table = _read("metrics", paths["metrics"], schema.metrics_schema(), out, shown["metrics"])
    # A file that cannot be read has no ids to check references against: its own problems are
    # the ones to report, not one "unknown id" per row that refers to it (validation fails either way).
    source_ids = _ids(source_table, "source_id", "source", out)
    metric_ids = _ids(metric_table, "metric", "metric", out)
    if source_table:
        _check_sources(source_table, root, out)
    if metric_table:
        _check_metrics(metric_table, out)
    events_table = _read("events", paths["events"], schema.events_schema(source_ids, metric_ids), out, shown["events"])
    if events_table:
        _check_events(events_table, out.texts, out)
    skipped = _read("skipped", paths["skipped"], schema.skipped_schema(source_ids), out, shown["skipped"])
    # Coverage reads the claim rows' values, so it only runs on a table that is otherwise valid.
    if coverage and events_table and skipped and not out.problems:
        out.problems.extend(coverage_problems(out))
    # Causes first: a file the others refer to (sources, metrics) before the rows that refer to it.
    order = {shown[k]: i for i, k in enumerate(("sources", "metrics", "events", "skipped"))}
    out.problems = sorted(set(_first_per_cell(out.problems)), key=lambda p: (order.get(p.path, len(order)), p))
    return out


def _ids(table: RawTable | None, column: str, noun: str, out: CheckedTable) -> list[str] | None:
    """The ids another file's rows may refer to; None (nothing to check them against) when the file
    could not be read or holds no row, which is then its one problem."""
    if table is None:
        return None
    if table.frame.empty:
        out.problems.append(
            Problem(table.path, 1, "", f"holds no {noun}: only a header; the claims refer to at least one")
        )
        return None
    return list(table.frame[column])


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """One problem per cell: a schema failure hides the cross-checks that would read the same bad cell."""
    seen: dict[tuple[str, int, str], Problem] = {}
    for p in problems:
        key = (p.path, p.line, p.column) if p.column else (p.path, p.line, p.message)
        seen.setdefault(key, p)
    return list(seen.values())


def validate(events: str | Path | None = None, *, root: Path | None = None) -> list[Problem]:
    """Every problem in the claim table, sorted by file and line; empty when all is well."""
    return check_all(events, root=root).problems
