"""Reading the project's CSV files the way spreadsheets write them, with line numbers kept.

Accepted: a UTF-8 byte-order mark, CRLF line endings, no final newline.
Rejected with a located message: bytes that are not UTF-8, an empty file, unbalanced
quoting, a row with the wrong number of fields, missing or unknown columns.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warclaims.errors import NO_LINE, ClaimTableError, Problem, shorten
from warclaims.paths import csv_cells_of_any_size, read_regular


@dataclass
class RawTable:
    """A CSV file as text cells: `frame` holds strings ("" for empty), `lines` the editor line of each row."""

    path: str
    frame: pd.DataFrame
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index]


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ClaimTableError(
            [Problem(shown, line, "", f"byte {col} (0x{data[exc.start]:02x}) is not UTF-8; save the file as UTF-8")]
        ) from None


# Characters no cell may hold: C0 controls but tab, newline and carriage return; DEL; C1 controls;
# and the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
# reorder how the text around them displays: a claimant or figure shown reversed on a page or
# headline, or a quote that reads other than it is stored ("Trojan Source", CVE-2021-42574).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _kind(char: str) -> str:
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "bidirectional control character, which reorders how the text displays"
    return "control character"


def _column_at(text: str, at: int) -> str:
    """The header's name for the cell that character `at` of `text` is in ("" on the header line, or
    where the header does not name it): the fields before it on its line, counted as csv reads them."""
    start = text.rfind("\n", 0, at) + 1
    if start == 0:
        return ""
    header = next(csv.reader([text[: text.find("\n")]]), [])
    before = next(csv.reader([text[start:at] + "x"]), [""])
    index = len(before) - 1
    return header[index].strip() if index < len(header) else ""


def read_csv(
    path: Path, shown: str, columns: list[str], required: list[str] | None = None, renamed: dict | None = None
) -> RawTable:
    """Read `path` into text cells, checking the header against `columns` (all required unless
    `required` says); `renamed` maps a column the table once had to what became of it."""
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise ClaimTableError([Problem(shown, NO_LINE, "", "file not found")]) from None
    except IsADirectoryError:
        raise ClaimTableError([Problem(shown, NO_LINE, "", "is a folder, not a CSV file")]) from None
    except OSError as exc:
        raise ClaimTableError([Problem(shown, NO_LINE, "", f"cannot be read: {exc.strerror or exc}")]) from None
    text = _decode(data, shown)
    control = _CONTROL.search(text)
    if control:  # NUL, escape and the like: not text anyone typed, and invisible on every page
        at = control.start()
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise ClaimTableError(
            [
                Problem(
                    shown,
                    line,
                    _column_at(text, at),
                    f"character {column} is a {_kind(text[at])} (U+{ord(text[at]):04X}); remove it",
                )
            ]
        )
    if not text.strip():
        raise ClaimTableError([Problem(shown, 1, "", "file is empty; expected a header row: " + ",".join(columns))])

    with csv_cells_of_any_size():
        return _parse(text, shown, columns, required, renamed)


def _parse(text: str, shown: str, columns: list[str], required: list[str] | None, renamed: dict | None) -> RawTable:
    fast = _read_plain(text)
    if fast is not None:
        records, starts = fast
        return _finish(shown, records, starts, columns, required, renamed)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    last_end = 0
    try:
        for record in reader:
            start = last_end + 1
            last_end = reader.line_num
            if not record or (all(cell == "" for cell in record) and len(record) <= 1):
                continue  # blank line
            records.append(record)
            starts.append(start)
    except csv.Error as exc:
        start, end = last_end + 1, reader.line_num
        if "unexpected end of data" in str(exc):
            msg = 'unbalanced quoting: a field opened with " on this line is never closed'
        elif end > start:
            msg = f'unbalanced quoting: a field opened with " on this line runs on to line {end}'
        else:
            msg = f'cannot parse this row ({exc}); write a " inside a quoted field as ""'
        raise ClaimTableError([Problem(shown, start, "", msg)]) from None

    return _finish(shown, records, starts, columns, required, renamed)


def _read_plain(text: str) -> tuple[list[list[str]], list[int]] | None:
    """Fast path for the common file: one record per line, no blank lines. Returns None
    (use the careful reader) when a record spans lines or anything else is unusual."""
    lines = text.split("\n")  # csv's own line ends (splitlines() would also part a cell at U+2028)
    if lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        if any("\r" in line for line in lines):  # a bare CR: a line end to csv, not to this split
            return None
    if not lines or any(not line.strip() for line in lines):
        return None
    try:
        records = list(csv.reader(lines, strict=True))
    except csv.Error:
        return None
    # A quoted newline joins two lines into one record; a short or long row is one the careful
    # reader names ("row has 7 fields, the header has 8"). pandas, read here before, padded a short
    # row with empty cells, so a row in an old layout passed with its cells in the wrong columns.
    if len(records) != len(lines) or len(set(map(len, records))) != 1:
        return None
    return records, list(range(1, len(lines) + 1))


def _finish(
    shown: str,
    records: list[list[str]],
    starts: list[int],
    columns: list[str],
    required: list[str] | None,
    renamed: dict | None = None,
) -> RawTable:
    header, header_line = records[0], starts[0]
    problems: list[Problem] = []
    required = columns if required is None else required
    stripped = [h.strip() for h in header]
    if not set(stripped) & set(columns):  # not this table at all: say so without quoting what it holds
        raise ClaimTableError(
            [
                Problem(
                    shown,
                    header_line,
                    "",
                    f"the first line is not this table's header (expected {', '.join(columns[:4])}, …); "
                    "is this the right file?",
                )
            ]
        )
    for i, name in enumerate(stripped, start=1):
        if name not in columns:
            close = difflib.get_close_matches(name, [c for c in columns if c not in stripped], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known columns: {', '.join(columns)}"
            if name in (renamed or {}):
                successors, how = renamed[name]
                present = [c for c in successors if c in stripped]
                hint = (
                    f"; an old column, left over beside {' and '.join(present)}, which took its place: "
                    "move what it holds there and remove it"
                    if present
                    else f"; {how}"
                )
            problems.append(Problem(shown, header_line, f"column {i}", f"unknown column '{shorten(name)}'{hint}"))
    for name in required:
        if name not in stripped:
            problems.append(Problem(shown, header_line, name, f"missing column '{name}'"))
    dupes = {h for h in stripped if stripped.count(h) > 1}
    for name in sorted(dupes):
        problems.append(Problem(shown, header_line, name, f"column '{name}' appears more than once"))
    width = len(header)
    for record, line in zip(records[1:], starts[1:], strict=True):
        if len(record) != width:
            problems.append(Problem(shown, line, "", f"row has {len(record)} fields, the header has {width}"))
    if problems:
        raise ClaimTableError(problems)

    frame = pd.DataFrame(records[1:], columns=stripped, dtype=object)
    for name in columns:
        if name not in frame.columns:
            frame[name] = ""
    return RawTable(shown, frame[columns].reset_index(drop=True), starts[1:])
