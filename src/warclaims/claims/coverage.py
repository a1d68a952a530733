"""Coverage: every number in a source text is a claim row or a listed skip with a reason.

A number is *claimed* when an events row of the same source has a quote that spans it and a
`value` (or `duration_hours`) equal to it. It is *skipped* when a skipped.csv row of the same
source writes it in `number` and has a `context` snippet that spans it. Anything else is
unaccounted, and validation fails on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from warclaims.claims.numberwords import NumberMention, find_numbers, line_col
from warclaims.errors import Problem

if TYPE_CHECKING:
    from warclaims.claims.checking import CheckedTable


@dataclass(frozen=True)
class Mention:
    source_id: str
    path: str
    line: int
    col: int
    text: str
    status: str  # claimed | skipped | unaccounted
    by: str  # the event_id, or the skip reason

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.text!r} {self.status}" + (f" ({self.by})" if self.by else "")


def _spans(text: str, snippet: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(snippet)
    while snippet and start >= 0:
        spans.append((start, start + len(snippet)))
        start = text.find(snippet, start + 1)
    return spans


def _inside(n: NumberMention, spans: list[tuple[int, int]]) -> bool:
    return any(a <= n.start and n.end <= b for a, b in spans)


def number_mentions(
    events: pd.DataFrame, skipped: pd.DataFrame, texts: dict[str, str], paths: dict[str, str]
) -> list[Mention]:
    """Every number in every source text with its status. Frames hold text cells as in the CSV files."""
    out: list[Mention] = []
    for source_id, text in texts.items():
        # One entry per distinct (quote, value, duration): a large table repeats them.
        ev = events[events["source_id"] == source_id].drop_duplicates(["quote", "value", "duration_hours"])
        claims = []
        for event_id, quote, value, hours in zip(
            ev["event_id"], ev["quote"], ev["value"], ev["duration_hours"], strict=True
        ):
            values = {float(v) for v in (value, hours) if v not in ("", None) and _is_number(v)}
            claims.append((event_id, _spans(text, quote), values))
        sk = skipped[skipped["source_id"] == source_id]
        skips = [
            (number, _spans(text, context), reason)
            for number, context, reason in zip(sk["number"], sk["context"], sk["reason"], strict=True)
        ]
        for n in find_numbers(text):
            line, col = line_col(text, n.start)
            status, by = "unaccounted", ""
            for event_id, spans, values in claims:
                if n.value in values and _inside(n, spans):
                    status, by = "claimed", event_id
                    break
            else:
                for number, spans, reason in skips:
                    if number == n.text and _inside(n, spans):
                        status, by = "skipped", reason
                        break
            out.append(Mention(source_id, paths.get(source_id, source_id), line, col, n.text, status, by))
    return out


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def mentions(checked: CheckedTable) -> list[Mention]:
    """Every number in the checked table's source texts, with what accounts for it."""
    return number_mentions(checked.frame("events"), checked.frame("skipped"), checked.texts, checked.source_paths())


def coverage_problems(checked: CheckedTable) -> list[Problem]:
    """Unaccounted numbers (located in the source text) and skip rows that match no number."""
    events, skipped = checked.tables["events"], checked.tables["skipped"]
    problems = [
        Problem(
            m.path,
            m.line,
            f"column {m.col}",
            f"number {m.text!r} is neither a claim in {events.path} nor listed in {skipped.path}",
        )
        for m in mentions(checked)
        if m.status == "unaccounted"
    ]
    sk = skipped.frame
    for i, (source_id, number, context) in enumerate(zip(sk["source_id"], sk["number"], sk["context"], strict=True)):
        text = checked.texts.get(source_id)
        if text is None:
            continue
        if not _spans(text, context):
            problems.append(
                Problem(skipped.path, skipped.line_of(i), "context", f"does not occur verbatim in source '{source_id}'")
            )
        elif number not in context:
            problems.append(
                Problem(skipped.path, skipped.line_of(i), "number", f"{number!r} is not in its context snippet")
            )
    return problems
