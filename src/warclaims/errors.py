"""Problems found in the claim table, reported as path:line: column: message."""

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


class ClaimTableError(Exception):
    """The claim table (or a file it depends on) is invalid; `problems` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return ["ClaimTableError: the claim table is invalid; fix these and rerun:", *map(str, self.problems)]
