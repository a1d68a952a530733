"""Numbers as English news text writes them: digits ("1,400", "12") and words ("six", "two hundred")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
WORD_VALUES: dict[str, int] = (
    {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)} | dict(_SCALES)
)

_WORD = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_WORD_RUN = re.compile(rf"\b(?:{_WORD})(?:(?:[ -]|\sand\s)(?:{_WORD}))*\b", re.IGNORECASE)
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TOKEN = re.compile(rf"(?<![\w.,])(?:(?P<date>{_ISO_DATE})|(?P<num>{_DIGITS}))(?![\w])")


@dataclass(frozen=True)
class NumberMention:
    """One number written in a text: where (0-based offset), how it is written, and its value."""

    start: int
    end: int
    text: str
    value: float


def _words_value(run: str) -> int:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", run.lower()):
        if word == "and" or not word:
            continue
        v = WORD_VALUES[word]
        if v == 100:
            current = max(current, 1) * 100
        elif v >= 1000:
            total += max(current, 1) * v
            current = 0
        else:
            current += v
    return total + current


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in `text`, digits and English number words, in order. ISO dates count as one mention."""
    found: list[NumberMention] = []
    for m in _TOKEN.finditer(text):
        if m.group("date"):
            found.append(NumberMention(m.start(), m.end(), m.group(0), float("nan")))
        else:
            found.append(NumberMention(m.start(), m.end(), m.group(0), float(m.group(0).replace(",", ""))))
    for m in _WORD_RUN.finditer(text):
        found.append(NumberMention(m.start(), m.end(), m.group(0), float(_words_value(m.group(0)))))
    return sorted(found, key=lambda n: n.start)


def mentions_value(text: str, value: float) -> bool:
    """True when `text` writes `value` as digits (with or without thousands separators) or as number words."""
    return any(n.value == value for n in find_numbers(text))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a 0-based offset, as a text editor counts them."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
