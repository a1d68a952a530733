"""One look for every chart: colours by claimant side, qualifier glyphs and hatching, captions.

Colours are from the Okabe–Ito palette, which stays distinguishable with the common forms of
colour blindness; the same side has the same colour on every chart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import matplotlib as mpl
import pandas as pd
import seaborn as sns

SIDE_COLORS = {"russia": "#D55E00", "ukraine": "#0072B2", "other": "#6E6E6E"}
SIDE_LABELS = {"russia": "Russia", "ukraine": "Ukraine", "other": "Other (publisher)"}
QUALIFIER_GLYPHS = {"exact": "", "at_least": "≥", "at_most": "≤", "approximately": "~"}
QUALIFIER_WORDS = {"exact": "", "at_least": "at least", "at_most": "at most", "approximately": "about"}
QUALIFIED_HATCH = "///"  # bars whose value is a bound or an approximation
UNITS = {"km2": ("km²", 1.0), "mi2": ("sq mi", 1 / 2.589988110336)}  # 1 sq mi = 2.589988110336 km² (exact)
FIGSIZE = (9.0, 4.8)
DPI = 110


def set_theme() -> None:
    """Apply the suite's theme (seaborn whitegrid, readable sizes, deterministic SVG output)."""
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    mpl.rcParams.update({
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 9.5,
        "svg.hashsalt": "warclaims",
        "svg.fonttype": "path",
    })


def side_color(side: str) -> str:
    return SIDE_COLORS[str(side)]


def format_number(value: float) -> str:
    """'1,400', '13.2', '541': no decimals on whole or large numbers (a converted ~1,400 km² is not 540.5 sq mi)."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


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


def is_qualified(qualifier: str | None) -> bool:
    return str(qualifier) not in ("exact", "None", "nan", "<NA>")


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


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def claimants_phrase(data: pd.DataFrame) -> str:
    """'Russia’s defence ministry (Russia) and Ukraine’s national guard (Ukraine)', in order of appearance."""
    pairs = data[["claimant", "claimant_side"]].astype(str).drop_duplicates()
    return _join([c if s == "other" else f"{c} ({SIDE_LABELS[s]})" for c, s in zip(pairs["claimant"], pairs["claimant_side"])])


def caption_text(data: pd.DataFrame) -> str:
    """Provenance for a chart: source(s), claimants, 'not independently verified', and the date window."""
    titles = data[["title", "published"]].drop_duplicates()
    sources = "; ".join(f"“{t}” ({pd.Timestamp(p).day} {pd.Timestamp(p):%b %Y})" for t, p in zip(titles["title"], titles["published"]))
    window = format_window(data["date_start"].min(), data["date_end"].max())
    return f"Claims by {claimants_phrase(data)}; not independently verified. Dates: {window}. Source: {sources}"


def add_caption(ax, data: pd.DataFrame) -> None:
    """Write the provenance caption under the axes, as the x label so layout keeps it below the tick labels."""
    ax.set_xlabel(caption_text(data), loc="left", fontsize=8.5, color="#333333", wrap=True, labelpad=10)
    ax.xaxis.label.set_gid("caption")


def caption_of(ax) -> str:
    return ax.xaxis.label.get_text()


def side_legend(ax, sides: Iterable[str], *, qualified: bool = False, extra: list | None = None) -> None:
    """A legend of claimant sides (and of the hatching that marks qualified values), in a row above the axes."""
    handles = [mpl.patches.Patch(facecolor=SIDE_COLORS[s], label=f"Claimed by {SIDE_LABELS[s]}" if s != "other" else "Stated by the publisher")
               for s in SIDE_COLORS if s in set(map(str, sides))]
    if qualified:
        handles.append(mpl.patches.Patch(facecolor="white", edgecolor="#333333", hatch=QUALIFIED_HATCH,
                                         label="Hatched: bound or approximation (≥ at least, ≤ at most, ~ about)"))
    handles.extend(extra or [])
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(handles), 3), frameon=False,
              borderaxespad=0.2, handlelength=1.6, columnspacing=1.2)


def md(text: object) -> str:
    """Text from the table made safe for Markdown/HTML output: markup characters are escaped."""
    escaped = html.escape(str(text), quote=False)
    for ch in "\\`*_[]#|":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped
