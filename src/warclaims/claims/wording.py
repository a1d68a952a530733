"""How claims are written as text: numbers, qualifiers, date windows, and Markdown-safe table text."""

from __future__ import annotations

import html
import math
import re

import pandas as pd

from warclaims.claims.vocabulary import QUALIFIER_GLYPHS, QUALIFIER_WORDS, SIDE_LABELS, UNITS


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


def significant_figures(value: float) -> int:
    """How many significant figures a claimed number is written with: 1,400 has 2, 159 has 3, 13.5 has 3
    (trailing zeros of a whole number are taken as not significant, as in "nearly 1,400")."""
    if not value or not math.isfinite(value):
        return 1
    text = f"{abs(value):.10g}"
    if "e" in text:
        text = f"{abs(value):f}"
    digits = text.replace(".", "").lstrip("0") if "." in text else text.rstrip("0")
    return max(1, len(digits))


def converted(value: float, factor: float) -> float:
    """`value` × `factor`, rounded to the claim's own precision (nearly 1,400 km² is 540 sq mi, not 541)."""
    if factor == 1.0 or not value:
        return value * factor
    result = value * factor
    figures = significant_figures(value)
    return round(result, figures - 1 - math.floor(math.log10(abs(result))))


def mapped_area(km2: float, unit: str = "km2") -> str:
    """A measured area as the pages print it, in `unit`: to the nearest 10 from 100 up, and then said
    to be rounded ("about 900 km²"), else whole ("27 km²"): the maps' outlines do not support more
    (see data/regions/README.md), and the headline, prose, alt text, chart labels and map titles
    all say the same words."""
    factor, name = UNITS[unit][1], UNITS[unit][0]
    value = km2 * factor
    if value >= 100:
        return f"about {format_number(round(value, -1))} {name}"
    return f"{format_number(round(value))} {name}"


def peak_days(series: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the run of days around the largest value that stay within 1 % of it,
    with no gap of more than two days (a mapped area flat from 1 to 10 September peaks "on 1–10 Sep",
    not on the one day it is largest)."""
    known = series.dropna()
    top = known.idxmax()
    near = known >= known.max() * 0.99
    first = last = top
    for day in known.loc[:top].index[::-1]:
        if not near[day] or (first - day).days > 2:  # a run of snapshots, not a guess across a gap
            break
        first = day
    for day in known.loc[top:].index:
        if not near[day] or (day - last).days > 2:
            break
        last = day
    return first, last


def claim_value(row, unit: str | None = None) -> str:
    """A claim's value as the text qualifies it: 'nearly 1,400 km²', 'at least 6', '159'; converted to
    `unit` (from km²) at the claim's precision. A row that leaves `qualifier_text` empty gets its
    qualifier's own words ('at least'), the same on every chart, never a glyph beside another row's words."""
    factor = UNITS[unit][1] if unit in UNITS else 1.0
    value = converted(row.value, factor)
    words = getattr(row, "qualifier_text", None)
    shown_unit = unit if unit in UNITS else getattr(row, "unit", None)
    suffix = f" {UNITS[shown_unit][0]}" if shown_unit in UNITS else ""
    if isinstance(words, str) and words.strip():
        return f"{words.strip()} {format_number(value)}{suffix}"
    return value_words(value, row.qualifier) + suffix


def rate_phrase(row) -> str:
    """'about 13 an hour over 12 hours': a claim's average rate, at the precision its numbers support."""
    figures = min(significant_figures(row.value), significant_figures(row.duration_hours))
    rate = row.value / row.duration_hours
    rounded = round(rate, figures - 1 - math.floor(math.log10(abs(rate)))) if rate else 0.0
    return f"about {format_number(rounded)} an hour over {format_number(row.duration_hours)} hours"


def side_phrase(claimant: str, side: str) -> str:
    """'Russia’s defence ministry (Russia)'; just 'Russia' where the claimant is the side itself."""
    label = SIDE_LABELS.get(str(side), str(side))
    if side == "other" or str(claimant).strip().lower() == label.lower():
        return str(claimant)
    return f"{claimant} ({label})"


def place_and_subject(row) -> str:
    """A claim's own words for where and about whom (a table row or a tuple of one), how
    `incident_label` capitalises an incident's name: not its quote, whose sentences begin with
    capitals of common words."""
    return " ".join(
        str(v) for v in (getattr(row, "location", None), getattr(row, "subject", None)) if isinstance(v, str)
    )


def incident_label(incident: str, start, end, text: object = "") -> str:
    """An incident slug read out: 'missile-attack-2025-05-20' → 'Missile attack on 20 May 2025'; over
    a window, 'Drone night, 20–21 May 2025'. A word the claim's own `text` (its place and subject)
    writes with a capital keeps it: 'shelling-kursk' → 'Shelling Kursk', not 'Shelling kursk'."""
    words = re.sub(r"-?\d{4}-\d{2}-\d{2}$", "", str(incident)).replace("-", " ").replace("_", " ").strip()
    written = {w.lower(): w for w in re.findall(r"\w+", str(text or "")) if w[:1].isupper()}
    words = " ".join(written.get(w.lower(), w) for w in words.split())
    words = words[:1].upper() + words[1:] if words else "Incident"
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return f"{words} on {format_window(start, end)}" if start == end else f"{words}, {format_window(start, end)}"


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


def markdown_text(text: object) -> str:
    """Text from the table made safe for Markdown/HTML output: markup characters are escaped."""
    escaped = html.escape(str(text), quote=False)
    for ch in "\\`*_[]#|$":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped
