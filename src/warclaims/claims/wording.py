"""How claims are written as text: numbers, qualifiers, date windows, and Markdown-safe table text."""

from __future__ import annotations

import html

import pandas as pd

from warclaims.claims.vocabulary import QUALIFIER_GLYPHS, QUALIFIER_WORDS, UNITS


def format_number(value: float) -> str:
    """'1,400', '13.2', '541': no decimals on whole or large numbers (a converted ~1,400 km² is not 540.5 sq mi)."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def is_qualified(qualifier: str | None) -> bool:
    return str(qualifier) not in ("exact", "None", "nan", "<NA>")


def value_label(value: float, qualifier: str | None, unit: str | None = None) -> str:
    """'≥6', '~1,400 km²', '159': the value with its qualifier glyph, never bare when qualified."""
    if pd.isna(value):
        return ""
    glyph = QUALIFIER_GLYPHS.get(str(qualifier) if qualifier is not None else "exact", "")
    suffix = f" {UNITS[unit][0]}" if unit in UNITS else ""
    return f"{glyph}{format_number(value)}{suffix}"


def value_words(value: float, qualifier: str | None) -> str:
    """'at least 6', 'about 1,400', '159' for prose and alt text."""
    words = QUALIFIER_WORDS.get(str(qualifier), "")
    return f"{words} {format_number(value)}".strip()


def format_window(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A date window as people write it: '20 May 2025', '20–21 May 2025', 'Aug 2024', '1 Aug 2024 – 30 Apr 2025'."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if start.day == 1 and end.is_month_end and (start.year, start.month) == (end.year, end.month):
        return f"{start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def md(text: object) -> str:
    """Text from the table made safe for Markdown/HTML output: markup characters are escaped."""
    escaped = html.escape(str(text), quote=False)
    for ch in "\\`*_[]#|$":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped
