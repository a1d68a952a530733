"""Errors in what people give the suite, each located as `path:line: column: message`.

Every input kind has its own error type, so a message never says "the claim table is invalid"
about an attack dataset; all of them share `InputError`'s shape, which the command line prints
one problem per line and Jupyter shows without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where} {self.message}"


class InputError(Exception):
    """An input file is invalid; `problems` lists every finding, sorted by file and line."""

    what = "the input is invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self.what}; fix these and rerun:", *map(str, self.problems)]


class ClaimTableError(InputError):
    """The claim table (data/*.csv, or a file it depends on) is invalid."""

    what = "the claim table is invalid"


class AttackDataError(InputError):
    """The attack dataset (missile_attacks_daily.csv or its model table) cannot be read."""

    what = "the attack dataset cannot be read"
