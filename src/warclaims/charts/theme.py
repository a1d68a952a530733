"""The charts' theme: colours by claimant side, hatching for qualified values, legends, captions, date axes.

Colours are from the Okabe–Ito palette, which stays distinguishable with the common forms of
colour blindness; the same side has the same colour on every chart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns

from warclaims.claims.vocabulary import SIDE_LABELS
from warclaims.claims.wording import format_window

SIDE_COLORS = {"russia": "#D55E00", "ukraine": "#0072B2", "other": "#6E6E6E"}
QUALIFIED_HATCH = "///"  # bars whose value is a bound or an approximation
FIGSIZE = (9.0, 4.8)
DPI = 110


def set_theme() -> None:
    """Apply the suite's theme (seaborn whitegrid, readable sizes, deterministic SVG output)."""
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    mpl.rcParams.update(
        {
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
            # Text from the table is printed as written: "$5m and $9m" is money, not mathtext.
            "text.parse_math": False,
            "svg.fonttype": "path",
        }
    )


def side_color(side: str) -> str:
    return SIDE_COLORS[str(side)]


def fit(text: object, width: int = 28, lines: int = 2) -> str:
    """Table text for a label on a chart: wrapped to `width` characters, at most `lines` lines, the
    rest cut with "…" (the caption and the alt text carry it whole), so no label runs off the figure."""
    wrapped = textwrap.wrap(str(text), width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = [
            *wrapped[: lines - 1],
            textwrap.shorten(" ".join(wrapped[lines - 1 :]), width=width, placeholder="…"),
        ]
        if wrapped[-1] == "…" or len(wrapped[-1]) > width:  # one unbroken word: cut it by characters
            wrapped[-1] = " ".join(textwrap.wrap(str(text), width=width)[lines - 1 :])[: width - 1] + "…"
    return "\n".join(wrapped)


def date_axis(ax, maxticks: int = 8) -> None:
    """Dates on the x axis as concise ticks ('2025', 'Feb', 'May'), at most `maxticks` of them."""
    locator = mdates.AutoDateLocator(maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def claimants_phrase(data: pd.DataFrame) -> str:
    """'Russia’s defence ministry (Russia) and Ukraine’s national guard (Ukraine)', in order of appearance."""
    pairs = data[["claimant", "claimant_side"]].astype(str).drop_duplicates()
    return _join(
        [
            fit(c, 100, 1) if s == "other" else f"{fit(c, 100, 1)} ({SIDE_LABELS[s]})"
            for c, s in zip(pairs["claimant"], pairs["claimant_side"], strict=True)
        ]
    )


def caption_text(data: pd.DataFrame) -> str:
    """Provenance for a chart: source(s), claimants, 'not independently verified', and the date window."""
    titles = data[["title", "published"]].drop_duplicates()
    sources = "; ".join(
        f"“{t}” ({pd.Timestamp(p).day} {pd.Timestamp(p):%b %Y})"
        for t, p in zip(titles["title"], titles["published"], strict=True)
    )
    window = format_window(data["date_start"].min(), data["date_end"].max())
    return f"Claims by {claimants_phrase(data)}; not independently verified. Dates: {window}. Source: {sources}"


CAPTION_SIZE = 8.5


def set_caption(ax, text: str) -> None:
    """Write a provenance caption along the bottom of the figure, from its left edge.

    A figure-level label, so constrained layout keeps it below everything and a wide y axis does
    not push it off the right edge; wrapped here to the figure's width (matplotlib's own wrapping
    measures text as mathtext even when math is off, so a "$" in a claimant's name would break it).
    """
    fig = ax.get_figure(root=True)
    width = int(fig.get_figwidth() * 72 / (CAPTION_SIZE * 0.62))
    wrapped = "\n".join(textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False))
    label = fig.supxlabel(wrapped, x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#333333")
    label.set_gid("caption")


def add_caption(ax, data: pd.DataFrame) -> None:
    """The provenance caption of `data` (caption_text) under the axes."""
    set_caption(ax, caption_text(data))


def caption_of(ax) -> str:
    """The caption of the axes' figure as one line of text (unwrapped)."""
    return " ".join(ax.get_figure(root=True).get_supxlabel().split("\n"))


def side_legend(ax, sides: Iterable[str], *, qualified: bool = False, extra: list | None = None) -> None:
    """A legend of claimant sides (and of the hatching that marks qualified values), in a row above the axes."""
    handles = [
        mpl.patches.Patch(
            facecolor=SIDE_COLORS[s],
            label=f"Claimed by {SIDE_LABELS[s]}" if s != "other" else "Stated by the publisher",
        )
        for s in SIDE_COLORS
        if s in set(map(str, sides))
    ]
    if qualified:
        handles.append(
            mpl.patches.Patch(
                facecolor="white",
                edgecolor="#333333",
                hatch=QUALIFIED_HATCH,
                label="Hatched: bound or approximation (≥ at least, ≤ at most, ~ about)",
            )
        )
    handles.extend(extra or [])
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=len(handles) if len(handles) <= 3 else 2,
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.6,
        columnspacing=1.2,
    )
