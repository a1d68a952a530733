"""Errors in what people give the suite, each located as `path:line: column: message`.

Every input kind has its own error type, so a message never says "the claim table is invalid"
about an attack dataset; all of them share `InputError`'s shape, which the command line prints
one problem per line and Jupyter shows without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_LINE = -1  # a Problem's line where there is none to name: the whole file, or a JSON record


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        # NO_LINE: the whole file, or an input with no lines to name (a JSON record, where the column
        # says where: "[12].personnel")
        where = f"{self.path}:" if self.line == NO_LINE else f"{self.path}:{self.line}:"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where} {self.message}"


PER_COLUMN = 20  # problems shown per file and column before the rest are counted


def shorten(value: object, limit: int = 80) -> str:
    """A cell's text for a message: whole when short, else its start and its length."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}… ({len(text):,} characters)"


def report_lines(problems: list[Problem], per_column: int = PER_COLUMN, noun: str = "problems") -> list[str]:
    """Problems as printed, in the order given (causes first), at most `per_column` for one file and
    column; the rest of each are counted on one line (as more `noun`: "warnings" for those that do
    not fail a run), so a table of 200,000 bad rows prints a page."""
    counts: dict[tuple[str, str, str], int] = {}
    lines = []
    for p in problems:
        key = (p.path, p.column, "" if p.column else p.message)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= per_column:
            lines.append(str(p))
    for (path, column, message), n in counts.items():
        if n > per_column:
            like = (
                f"{column}: … and {n - per_column:,} more {noun} in this column"
                if column
                else (f"… and {n - per_column:,} more lines with: {message}")
            )
            lines.append(f"{path}: {like}")
    return lines


class InputError(Exception):
    """An input file is invalid; `problems` lists every finding, causes first (see each raiser)."""

    what = "the input is invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = list(dict.fromkeys(problems))
        super().__init__("\n".join(report_lines(self.problems)))

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self.what}; fix these and rerun:", *report_lines(self.problems)]


class ClaimTableError(InputError):
    """The claim table (data/*.csv, or a file it depends on) is invalid."""

    what = "the claim table is invalid"


class AttackDataError(InputError):
    """The attack dataset (missile_attacks_daily.csv or its model table) cannot be read."""

    what = "the attack dataset cannot be read"
