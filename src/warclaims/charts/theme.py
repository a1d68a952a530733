"""The charts' theme: colours by claimant side, hatching for qualified values, legends, captions, date axes.

Colours are from the Okabe–Ito palette, which stays distinguishable with the common forms of
colour blindness; the same side has the same colour on every chart.
"""

from __future__ import annotations

import contextvars
import textwrap
from collections.abc import Iterable
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns

from warclaims.claims.citing import cite, recorded
from warclaims.claims.vocabulary import QUALIFIER_WORDS, QUALIFIERS, SIDE_LABELS
from warclaims.claims.wording import format_window, side_phrase

SIDE_COLORS = {"russia": "#D55E00", "ukraine": "#0072B2", "other": "#6E6E6E"}
QUALIFIED_HATCH = "///"  # bars whose value is a lower bound
# Hatching by qualifier: a floor and a ceiling never look alike.
HATCHES = {"at_least": QUALIFIED_HATCH, "at_most": "\\\\\\", "approximately": "..."}


def hatch_for(qualifier) -> str | None:
    return HATCHES.get(str(qualifier))


MAPPED_COLOR = "#009E73"  # a mapped series (DeepState): its own claimant, neither side's colour
FIGSIZE = (9.0, 4.8)
DPI = 110
NARROW_WIDTH = 4.0  # inches: the chart a phone shows, its text at full size rather than shrunk to fit
_NARROW = contextvars.ContextVar("warclaims_narrow", default=False)


@contextmanager
def narrow():
    """Draw the charts made inside this block for a phone's width: narrower figures, shorter label
    lines, cards and panels stacked rather than side by side."""
    token = _NARROW.set(True)
    try:
        yield
    finally:
        _NARROW.reset(token)


def is_narrow() -> bool:
    return _NARROW.get()


def figsize(width: float, height: float) -> tuple[float, float]:
    """(width, height) in inches; in a narrow block, a phone's width and room for wrapped labels."""
    return (NARROW_WIDTH, height * 1.25 + 0.6) if is_narrow() else (width, height)


def _style() -> dict:
    """The suite's rcParams: seaborn's whitegrid style, notebook sizes and deep palette, readable
    sizes, deterministic SVG output."""
    rc = {
        **sns.axes_style("whitegrid", rc={"font.family": ["DejaVu Sans"]}),
        **sns.plotting_context("notebook"),
        "axes.prop_cycle": mpl.cycler(color=sns.color_palette("deep")),
    }
    rc.update(
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
            "svg.fonttype": "none",  # text stays text in SVG exports
        }
    )
    return rc


STYLE = _style()


def styled():
    """A block (or, as `@theme.styled()`, a function) inside which charts are drawn and saved in
    the suite's style; rcParams are as before once it ends. Ticks, gridlines and constrained
    layout read rcParams when a figure is drawn, not when it is made: saving a chart belongs
    inside the block as much as making it."""
    return mpl.rc_context(STYLE)


def side_color(side: str) -> str:
    return SIDE_COLORS[str(side)]


def label_text(text: object, width: int = 28, *, phone: int | None = None) -> str:
    """Table text for a label on a chart: wrapped to `width` characters (keeping its own line breaks),
    whole: nothing is cut with "…" (a territory label measured wider than its panel is wrapped
    again where it is placed, `plots._rewrapped`). On a phone, `phone` characters (default: at most
    26): a text with the phone's whole width to itself (a card) says how much that width holds."""
    if is_narrow():
        width = phone if phone is not None else min(width, 26)
    wrapped = [
        part
        for paragraph in str(text).split("\n")
        for part in (textwrap.wrap(paragraph, width=width, break_long_words=True, break_on_hyphens=False) or [""])
    ]
    return "\n".join(wrapped)


def shortened(text: object, most: int) -> str:
    """Text for a caption, whole up to `most` characters, else cut there with "…" (captions wrap
    to the figure's width themselves, so a phone's narrower figure does not shorten them)."""
    text = " ".join(str(text).split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class DateTicks(mpl.ticker.Formatter):
    """Date ticks that name the month on the first tick and wherever it changes, and the year on the
    first tick and wherever it changes, with no offset label at the axis's end ('20 May', '21', …,
    '1 Jun'; 'Aug 2024', 'Sep', …, 'Jan 2025'): a reader never has to find the month elsewhere."""

    def __call__(self, x, pos=None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values) -> list[str]:
        days = [mdates.num2date(v).replace(tzinfo=None) for v in values]
        step = (values[1] - values[0]) if len(values) > 1 else 1.0
        out, last = [], None
        for d in days:
            new_year = last is None or d.year != last.year
            new_month = new_year or d.month != last.month
            if step >= 300:
                label = f"{d.year}"
            elif step >= 28:
                label = f"{d:%b}" + (f"\n{d.year}" if new_year else "")
            else:
                label = (f"{d.day} {d:%b}" if new_month else f"{d.day}") + (f"\n{d.year}" if new_year else "")
            out.append(label)
            last = d
        return out


TICK_INCHES = 0.48  # a date tick's room: "31 Aug" (about 0.42 in) and a gap to the next


class FittingDateLocator(mdates.AutoDateLocator):
    """AutoDateLocator's ticks, thinned to those the panel's drawn width holds: a panel narrowed by
    its neighbours (a column of undated values, a phone) never prints dates over each other."""

    def __init__(self, most: int):
        super().__init__(minticks=2, maxticks=most)

    def __call__(self):
        ticks = list(super().__call__())
        if len(ticks) < 3:
            return ticks
        # Day ticks restart each month (…, 29, 31 Aug, 1 Sep): a tick much nearer its neighbour than
        # the locator's step would print over it.
        step, kept = float(np.max(np.diff(ticks))), ticks[:1]
        for tick in ticks[1:]:
            if tick - kept[-1] >= step * 0.6:
                kept.append(tick)
        lo, hi = sorted(self.axis.get_view_interval())
        axes = self.axis.axes
        per_tick = axes.bbox.width / axes.get_figure(root=True).dpi * step / max(hi - lo, 1e-9)  # inches
        every = int(np.ceil(TICK_INCHES / per_tick)) if per_tick > 0 else 1
        if every > 1:  # every n-th, from the first inside the view (which names its month and year)
            inside = [t for t in kept if lo <= t <= hi]
            first = kept.index(inside[0]) if inside else 0
            kept = kept[first % every :: every]
        return kept


def date_axis(ax, maxticks: int = 8) -> None:
    """Dates on the x axis, at most `maxticks` ticks (fewer on a phone, and no more than the panel's
    width holds), the month and year named where they begin (`DateTicks`)."""
    locator = FittingDateLocator(min(maxticks, 5) if is_narrow() else maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateTicks())


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def claimants_phrase(data: pd.DataFrame, most: int = 8) -> str:
    """'Russia’s defence ministry (Russia) and Ukraine’s national guard (Ukraine)', in order of appearance;
    a claimant that is a side itself is named once ('Russia', not 'Russia (Russia)'). Beyond `most`
    claimants, a count by side ('7 claimants: 3 Russian, 4 Ukrainian'): the chart names each at its mark."""
    pairs = data[["claimant", "claimant_side"]].astype(str).drop_duplicates()
    if len(pairs) > most:
        counts = pairs["claimant_side"].value_counts()
        words = {"russia": "Russian", "ukraine": "Ukrainian", "other": "the publisher’s own account"}
        parts = [f"{int(counts[s])} {words[s]}" if s != "other" else words[s] for s in SIDE_LABELS if counts.get(s, 0)]
        return f"{len(pairs)} claimants ({_join(parts)})"
    return _join(
        [side_phrase(shortened(c, 100), s) for c, s in zip(pairs["claimant"], pairs["claimant_side"], strict=True)]
    )


def source_line(headline: object, outlet: object, published, url: object = None) -> str:
    """'“Headline”, Outlet, 21 May 2025, https://…', or what is not recorded ('article of 21 May 2025;
    headline and outlet not recorded'): `citing.cite`, the headline whole (the schema bounds it), since
    a headline cut inside its quotation marks would read as the headline."""
    named, rest = cite(headline, outlet, pd.Timestamp(published))
    link = f", {recorded(url)}" if recorded(url) else ""
    return f"{named}{rest}{link}"


def page_sources(data: pd.DataFrame) -> pd.DataFrame:
    """The distinct sources of `data` (headline, description, outlet, published, url), in order of publication."""
    columns = [c for c in ("source_id", "headline", "description", "outlet", "published", "url") if c in data.columns]
    key = ["source_id"] if "source_id" in columns else ["headline", "published"]
    return data[columns].drop_duplicates(subset=key).sort_values("published", kind="stable")


def sources_phrase(data: pd.DataFrame) -> str:
    """The one source in full; several as a count, since the page lists them in full once (a chart
    citing 50 sources by title would be a caption longer than the chart)."""
    sources = page_sources(data)
    if len(sources) > 1:
        return f"{len(sources)} sources, listed at the end of the page"
    return "; ".join(
        source_line(getattr(r, "headline", None), getattr(r, "outlet", None), r.published, getattr(r, "url", None))
        for r in sources.itertuples()
    )


def caption_text(data: pd.DataFrame) -> str:
    """Provenance for a chart: claimants, 'not independently verified', the date window and the source(s)."""
    window = format_window(data["date_start"].min(), data["date_end"].max())
    sources = page_sources(data)
    label = "Sources" if len(sources) > 1 else "Source"
    return (
        f"Claims by {claimants_phrase(data)}; not independently verified. Dates: {window}. "
        f"{label}: {sources_phrase(data)}."
    )


CAPTION_SIZE = 8.5
# A phone shows its 4-inch drawing about 370 CSS px wide, so 1 pt is about 1.1 CSS px: 10.5 pt
# keeps a caption at 11 CSS px or more.
NARROW_CAPTION_SIZE = 10.5
TITLE_SIZE = 13
LEGEND_SIZE = 9.5


# However long a text from the table or external.yaml is, a chart draws at most this many lines of
# it (a 100 KB citation drew a chart 31,000 px tall); the page prints it whole.
CAPTION_LINES = 16  # the longest caption today, the overview on a phone, has 9
TITLE_LINES = 4


def bounded(lines: list[str], most: int) -> str:
    """Wrapped `lines` joined, at most `most` of them, the last ending in "…" when some were left out."""
    if len(lines) <= most:
        return "\n".join(lines)
    last = lines[most - 1]
    return "\n".join([*lines[: most - 1], last[: max(1, len(last) - 1)].rstrip() + "…"])


def set_caption(ax, text: str) -> None:
    """Write a provenance caption along the bottom of the figure, from its left edge.

    A figure-level label, so constrained layout keeps it below everything and a wide y axis does
    not push it off the right edge; wrapped here to the figure's width (matplotlib's own wrapping
    measures text as mathtext even when math is off, so a "$" in a claimant's name would break it).
    """
    fig = ax.get_figure(root=True)
    size = NARROW_CAPTION_SIZE if is_narrow() else CAPTION_SIZE
    width = int(fig.get_figwidth() * 72 / (size * 0.62))
    wrapped = bounded(textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False), CAPTION_LINES)
    label = fig.supxlabel(wrapped, x=0.01, ha="left", fontsize=size, color="#333333")
    label.set_gid("caption")


def add_caption(ax, data: pd.DataFrame) -> None:
    """The provenance caption of `data` (caption_text) under the axes."""
    set_caption(ax, caption_text(data))


def caption_of(ax) -> str:
    """The caption of the axes' figure as one line of text (unwrapped)."""
    return " ".join(ax.get_figure(root=True).get_supxlabel().split("\n"))


def headline(ax, title: str) -> None:
    """The chart's title, at the figure's top left. Charts with a legend carry it as the legend's title
    (see `legend`), so title and legend are aligned at the figure's left and never overlap."""
    fig = ax.get_figure(root=True)
    fig.suptitle(_wrap_title(fig, title), x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold").set_gid("title")


def _figure_text(fig, gid: str):
    """The figure-level text with this gid (the title, the caption), or None: found among the
    figure's own texts rather than through matplotlib's private attributes."""
    return next((t for t in fig.texts if t.get_gid() == gid), None)


def caption_artist(fig):
    return _figure_text(fig, "caption")


@contextmanager
def captionless(fig):
    """`fig` without its caption, shorter by the caption's height, for as long as the block runs.

    A page prints the caption as text under the picture (it reflows, stays 13 CSS px on a phone and
    can be searched and read aloud), so the page's pictures leave it out: text is what a lossless
    image compresses worst, a third of a chart's bytes. The downloads keep it, as a picture shared
    alone needs its source."""
    label = caption_artist(fig)
    if label is None or not label.get_visible() or not label.get_text():
        yield fig
        return
    fig.draw_without_rendering()
    height = label.get_window_extent().height / fig.dpi
    width, tall = fig.get_size_inches()
    label.set_visible(False)
    label.set_in_layout(False)
    fig.set_size_inches(width, max(tall - height, tall * 0.3))
    try:
        yield fig
    finally:
        label.set_visible(True)
        label.set_in_layout(True)
        fig.set_size_inches(width, tall)


def _wrap_title(fig, title: str) -> str:
    width = int(fig.get_figwidth() * 72 / (TITLE_SIZE * 0.66))
    return bounded(textwrap.wrap(title, width=width, break_long_words=True), TITLE_LINES)


def title_of(ax) -> str:
    return " ".join(ax.get_figure(root=True).get_suptitle().split("\n"))


def side_handles(sides: Iterable[str]) -> list:
    """Legend entries for the claimant sides present, in the palette's order."""
    present = set(map(str, sides))
    return [
        mpl.patches.Patch(
            facecolor=SIDE_COLORS[s],
            label=f"Claimed by {SIDE_LABELS[s]}" if s != "other" else "Stated by the publisher",
        )
        for s in SIDE_COLORS
        if s in present
    ]


def hatch_handle(qualifiers: Iterable[str]) -> list:
    """Legend entries for hatching, one per qualifier drawn (none when no value is qualified)."""
    present = [q for q in QUALIFIERS if q != "exact" and q in set(map(str, qualifiers))]
    return [
        mpl.patches.Patch(
            facecolor="white", edgecolor="#333333", hatch=HATCHES[q], label=f"Hatched: {QUALIFIER_WORDS[q]}"
        )
        for q in present
    ]


def legend(ax, handles: list, ncol: int | None = None) -> None:
    """The chart's legend above the plot at the figure's left, under the title (which moves into the
    legend, so constrained layout places the two as one). Only the encodings drawn are passed in, so it
    never lists one the chart does not use."""
    if not handles:
        return
    fig = ax.get_figure(root=True)
    room = int((fig.get_figwidth() * 72 - 40) / (LEGEND_SIZE * 0.58))  # characters a legend line can hold
    for handle in handles:
        if len(handle.get_label()) > room:
            handle.set_label(textwrap.fill(handle.get_label(), room))
    longest = max(len(line) for h in handles for line in h.get_label().split("\n"))
    ncol = ncol or (len(handles) if len(handles) <= 3 else 2)
    ncol = max(1, min(ncol, int(fig.get_figwidth() * 72 // (longest * LEGEND_SIZE * 0.58 + 30))))
    shown = _figure_text(fig, "title")
    title = shown.get_text() if shown is not None and shown.get_visible() else None
    if title:  # the legend carries it from here; the figure's own title stays, hidden, as the record
        shown.set_visible(False)
        shown.set_in_layout(False)
    fig.legend(
        handles=handles,
        loc="outside upper left",
        ncol=ncol,
        fontsize=LEGEND_SIZE,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
        title=title,
        title_fontproperties={"size": TITLE_SIZE, "weight": "bold"},
        alignment="left",
    ).set_gid("legend")


def side_legend(ax, sides: Iterable[str], *, qualifiers: Iterable[str] = (), extra: list | None = None) -> None:
    """A legend of the claimant sides present, the hatching of the qualifiers present, and `extra` entries."""
    legend(ax, side_handles(sides) + hatch_handle(qualifiers) + list(extra or []))
