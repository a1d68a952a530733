"""Chart functions shaped like seaborn's: each takes a tidy claims frame (from `load_claims`),
draws on `ax` (a new figure when None) and returns the Axes.

Rules every chart follows: one mark per claim row, never summed or stacked across claimants;
colour by claimant side (theme.SIDE_COLORS); qualified values hatched and labelled with their
glyph (≥, ≤, ~); date windows drawn as spans; a provenance caption under the axes.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.patheffects
import matplotlib.textpath
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from warclaims.charts import theme
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording

ONE_DAY = pd.Timedelta(days=1)
MAX_MARKS = 30  # above this many claims a chart draws series over time instead of one labelled mark each


def _axes(ax: Axes | None, figsize=theme.FIGSIZE) -> Axes:
    if ax is not None:
        return ax
    # A bare Figure, not pyplot: nothing is shown twice by the inline backend, and no global state.
    return Figure(figsize=theme.figsize(*figsize), layout="constrained").add_subplot()


def _require(data: pd.DataFrame, what: str) -> None:
    if data.empty:
        raise ValueError(f"no {what} claims to plot (the selection is empty)")


def _bar_style(row) -> dict:
    qualified = wording.is_qualified(row.qualifier)
    color = theme.side_color(row.claimant_side)
    return {
        "color": color,
        "edgecolor": color,
        "hatch": theme.hatch_for(row.qualifier),
        "alpha": 0.55 if qualified else 1.0,
        "linewidth": 1.2,
    }


def _claim_bars(ax: Axes, rows: pd.DataFrame, y: np.ndarray, height: float) -> None:
    """One horizontal bar per claim row at positions y, labelled at its end with its value as the
    text qualifies it; a lower bound ("at least") carries an arrow pointing further along the bar
    (the true figure may be higher), an upper bound ("at most") one pointing back (it may be lower)."""
    for yi, row in zip(y, rows.itertuples(), strict=True):
        bar = ax.barh(yi, row.value, height=height, **_bar_style(row), gid=f"claim:{row.event_id}")[0]
        label = wording.claim_value(row) + {"at_least": " →", "at_most": " ←"}.get(str(row.qualifier), "")
        ax.annotate(
            label,
            (bar.get_width(), yi),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=10.5,
            fontweight="bold",
            color="#222222",
            gid=f"value:{row.event_id}",
        )


def _union(start: np.ndarray, end: np.ndarray) -> list[tuple[float, float]]:
    """Overlapping [start, end) spans merged, as (x, width) pairs: thousands of windows shaded at once."""
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    new = np.r_[True, start[1:] > reach[:-1]]
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(start) - 1]
    return list(zip(start[first], reach[last] - start[first], strict=True))


MAX_SERIES_PANELS = 6  # panels of a many-claims chart; the rest are counted in its caption
# A many-claims chart's marks by qualifier, (marker, hollow): a floor and a ceiling never look alike.
SERIES_MARKS = {"exact": ("o", False), "at_least": ("^", True), "at_most": ("v", True), "approximately": ("D", True)}
SERIES_WORDS = {
    "at_least": "Open triangle up: at least",
    "at_most": "Open triangle down: at most",
    "approximately": "Open diamond: about",
}


def _series_over_time(ax: Axes | None, rows: pd.DataFrame, ylabel: str, title: str) -> Axes:
    """Many claims: one panel per thing counted (metric and subject: drones intercepted of one
    side's drones, people killed of one kind), each claim a point at the middle of its window with
    the window as a horizontal line, coloured by the claimant's side and hollow when qualified.
    Different counts never share an axis; within a panel, points are claims, never joined or
    summed. Drawn with one call per side and panel, not per claim."""
    subject = rows["subject"].astype(object).fillna("").astype(str)
    keys = rows["metric_label"].astype(str) + np.where(subject.eq(""), "", ": " + subject)
    counted = keys.value_counts(sort=True)
    shown = list(counted.index[:MAX_SERIES_PANELS])
    if ax is not None and len(shown) > 1:
        raise ValueError(f"these claims count {len(counted)} different things, one panel each; pass ax=None")
    if ax is None:
        height = 3.0 * len(shown) + 2.0
        fig = Figure(figsize=theme.figsize(theme.FIGSIZE[0], height), layout="constrained")
        axes = list(np.atleast_1d(fig.subplots(len(shown), 1)))
    else:
        axes = [ax]
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    mid = (start + end) / 2
    values = rows["value"].to_numpy(dtype=float)
    sides = rows["claimant_side"].astype(str).to_numpy()
    first, last = mdates.date2num(rows["date_start"].min()), mdates.date2num(rows["date_end"].max() + ONE_DAY)
    short = (end - start) <= NARROW.days  # a point only where the text gives the day
    qualifiers = rows["qualifier"].astype(str).to_numpy()
    ids = np.array([f"#claim:{i}" for i in rows["event_id"].astype(str)], dtype=object)
    for panel, key in zip(axes, shown, strict=True):
        here = (keys == key).to_numpy()
        for side in pd.unique(sides[here]):
            idx = np.flatnonzero(here & (sides == side))
            color = theme.side_color(side)
            panel.hlines(values[idx], start[idx], end[idx], colors=color, alpha=0.5, lw=1.2, rasterized=True).set_urls(
                list(ids[idx])
            )
            for qualifier, (marker, hollow) in SERIES_MARKS.items():
                at = idx[short[idx] & (qualifiers[idx] == qualifier)]
                if len(at):
                    panel.scatter(
                        mid[at],
                        values[at],
                        s=18,
                        marker=marker,
                        facecolors="white" if hollow else color,
                        edgecolors=color,
                        rasterized=True,
                        gid=f"series{'-qualified' if hollow else ''}:{side}:{key}",
                    ).set_urls(list(ids[at]))
        claimants = rows["claimant"][here].nunique()
        panel.set_title(
            theme.label_text(
                f"{key}: {int(here.sum()):,} claim{'s' * bool(here.sum() != 1)} by {claimants} claimant{'s' * (claimants != 1)}",
                90,
            ),
            loc="left",
            fontsize=10.5,
            gid="panel-title",
        )
        theme.date_axis(panel)
        panel.set_xlim(first - (last - first) * 0.03, last + (last - first) * 0.03)
        panel.set_ylim(0, max(values[here].max(), 1) * 1.15)
        panel.set_ylabel(ylabel)
    handles = theme.side_handles(rows["claimant_side"])
    present = set(qualifiers[short])
    for qualifier, (marker, hollow) in SERIES_MARKS.items():
        if qualifier in present and hollow:
            handles.append(
                mpl.lines.Line2D(
                    [],
                    [],
                    ls="",
                    marker=marker,
                    markerfacecolor="white",
                    markeredgecolor="#555555",
                    label=SERIES_WORDS[qualifier],
                )
            )
    if (~short).any():
        handles.append(
            mpl.lines.Line2D([], [], color="#555555", lw=1.2, label="Line alone: a window; the text gives no day")
        )
    theme.headline(axes[0], f"{title} ({len(rows):,} claims, never joined up or added)")
    theme.legend(axes[0], handles, ncol=2)
    caption = theme.caption_text(rows)
    left = counted.iloc[MAX_SERIES_PANELS:]
    if len(left):
        caption += f" {int(left.sum()):,} claims of {len(left)} other kinds are not drawn here; the page’s claims CSV holds them."
    theme.set_caption(axes[0], caption)
    return axes[0]


def _callout_lines(row) -> list[tuple[str, str]]:
    """The lines of one call-out card below its number: (text, kind)."""
    lines = []
    if isinstance(row.location, str) and row.location.strip():
        lines.append((theme.label_text(f"Where: {row.location}", 40, phone=44), "detail"))
    # The window only: a text's words for when may date the statement rather than the event (the
    # Oryol strike's "On Wednesday" is the day the military reported it), so the card does not gloss
    # the window with them; the claim's card on the page quotes them as "The text says".
    when = f"When: {wording.format_window(row.date_start, row.date_end)}"
    lines.append((theme.label_text(when, 40, phone=44), "detail"))
    if pd.notna(row.duration_hours):
        lines.append((theme.label_text(f"{wording.rate_phrase(row)}, if spread evenly", 40, phone=44), "detail"))
    lines.append(
        (
            theme.label_text(f"Claimed by {wording.side_phrase(row.claimant, row.claimant_side)}", 40, phone=44),
            "claimant",
        )
    )
    return lines


LINE = 1.3  # line height, in font sizes


def drone_heading(row) -> str:
    """What a drone card counts, with what and where: 'Drones intercepted: Ukrainian drones, over
    Russia'. Two cards about opposite directions never share a heading."""
    subject = row.subject.strip() if isinstance(row.subject, str) else ""
    country = row.country.strip() if isinstance(row.country, str) else ""
    what = ", ".join(p for p in (subject, f"over {country}" if country else "") if p)
    return f"{row.metric_label}: {what}" if what else str(row.metric_label)


def _card(row) -> list[tuple[str, float, str, str, float]]:
    """One call-out card as (text, font size, weight, kind, space above in points), top to bottom:
    the incident it belongs to, what it counts, the number, and where, when and who."""
    card = [
        (
            theme.label_text(
                wording.incident_label(row.incident, row.date_start, row.date_end, wording.place_and_subject(row)),
                40,
                phone=42,
            ),
            9.5,
            "normal",
            "group",
            8,
        ),
        (theme.label_text(drone_heading(row), 30, phone=34), 11, "bold", "heading", 4),
        (wording.claim_value(row), 30, "bold", "value", 6),
    ]
    for text, kind in _callout_lines(row):
        card.append((text, 9, "normal", kind, 6))
    return card


def _card_height(card) -> float:
    """Points a card takes: each text's lines at its line height, and the space above each."""
    return sum(above + size * LINE * (text.count("\n") + 1) for text, size, _, _, above in card)


def drone_order(data: pd.DataFrame) -> pd.DataFrame:
    """The drone claims in the cards' order (date, incident, what and where, side, metric): the
    chart, its alt text and the prose list them the same way."""
    rows = data[data["family"].astype(str) == vocab.DRONES]
    keys = rows[["subject", "country"]].astype(object).fillna("")
    rows = rows.assign(_s=keys["subject"].astype(str), _c=keys["country"].astype(str))
    return rows.sort_values(["date_start", "incident", "_s", "_c", "claimant_side", "metric"]).drop(
        columns=["_s", "_c"]
    )


@theme.styled()
def plot_drone_claims(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Drone claims as number call-outs, one card per claim, each headed by what it counts, of what
    and where (`drone_heading`), under the incident it belongs to: different counts by different
    claimants, never bars on one axis that read as a contest, and cards of two nights or of opposite
    directions never share a heading. Cards of one incident and direction are next to each other.
    Cards are laid out in points from their top edge, so they keep their spacing at any figure size
    (three to a row, or one under another on a phone)."""
    rows = drone_order(data)
    _require(rows, "drone")
    if len(rows) > MAX_MARKS:
        return _series_over_time(ax, rows, "Drones (as claimed)", "Drone claims")
    ncols = 1 if theme.is_narrow() else min(len(rows), 3)
    nrows = int(np.ceil(len(rows) / ncols))
    cards = [_card(row) for row in rows.itertuples()]
    row_height = max(_card_height(card) for card in cards) + 18  # points, with a gap under each row
    own = ax is None
    if own:
        width = theme.NARROW_WIDTH if theme.is_narrow() else 3.4 * ncols + 0.6
        ax = Figure(figsize=(width, nrows * row_height / 72 + 2), layout="constrained").add_subplot()
    ax.set_axis_off()
    for i, (row, card) in enumerate(zip(rows.itertuples(), cards, strict=True)):
        _draw_card(ax, row, card, (i % ncols + 0.02) / ncols, 1 - (i // ncols) / nrows, ncols)
    headings = {drone_heading(r) for r in rows.itertuples()}
    incidents = rows["incident"].astype(str).nunique()
    if len(headings) == 1 and incidents == 1:
        title = f"{next(iter(headings))}: each claimant’s own count, not added together"
    else:
        subjects = rows["subject"].dropna().astype(str).str.strip().unique()
        about = subjects[0][:1].upper() + subjects[0][1:] if len(subjects) == 1 and subjects[0] else "Drone claims"
        title = f"{about} in {incidents} incident{'s' * (incidents != 1)}: each card its own count, never added"
    theme.headline(ax, title)
    theme.side_legend(ax, rows["claimant_side"])
    theme.add_caption(ax, rows)
    if own:  # as tall as the cards plus what the layout puts above and below them
        fig = ax.get_figure(root=True)
        fig.draw_without_rendering()
        furniture = sum(a.get_window_extent().height for a in (*fig.legends, theme.caption_artist(fig)) if a)
        fig.set_size_inches(fig.get_figwidth(), nrows * row_height / 72 + furniture / fig.dpi + 0.5)
    return ax


def _draw_card(ax: Axes, row, card, x: float, top: float, ncols: int) -> None:
    """One claim's card: a bar in its side's colour, then its texts, in points from the card's top."""
    color = theme.side_color(row.claimant_side)
    ax.plot(
        [x, x + 0.9 / ncols],
        [top, top],
        transform=ax.transAxes,
        color=color,
        lw=4,
        solid_capstyle="butt",
        clip_on=False,
        gid=f"claim:{row.event_id}",
    )
    offset = 0.0
    for text, size, weight, kind, above in card:
        offset += above
        ax.annotate(
            text,
            xy=(x, top),
            xycoords="axes fraction",
            xytext=(0, -offset),
            textcoords="offset points",
            fontsize=size,
            fontweight=weight,
            fontstyle="italic" if kind == "group" else "normal",
            va="top",
            color=color if kind == "value" else "#222222" if kind == "heading" else "#333333",
            annotation_clip=False,
            gid=f"{kind}:{row.event_id}",
        ).set_in_layout(False)  # placed in points from the card's top; the figure is sized for them
        offset += size * LINE * (text.count("\n") + 1)


def casualty_incident_label(group: pd.DataFrame) -> str:
    """An incident's name over its bars: 'Missile attack on 20 May 2025: Ukrainian servicemen'."""
    first = group.iloc[0]
    said = " ".join(wording.place_and_subject(r) for r in group.itertuples())
    label = wording.incident_label(first["incident"], first["date_start"], group["date_end"].max(), said)
    subjects = [s for s in group["subject"].dropna().astype(str).unique() if s.strip()]
    places = [s for s in group["location"].dropna().astype(str).unique() if s.strip()]
    what = ", ".join(subjects + places[:1])
    return f"{label}: {what}" if what else label


ROW = 0.3  # inches per unit of the casualty chart's y axis
MAX_BARS = 60  # casualty claims drawn as named bars under their incidents; beyond, a panel per thing counted


@theme.styled()
def plot_casualties(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Killed and wounded, grouped by incident: each incident named above its bars, one horizontal bar
    per claim with what it counts and who claims it above the bar, lower bounds drawn as lower bounds.
    Rows, not columns: the names have a line of their own at any width, however many incidents."""
    rows = data[data["family"].astype(str) == vocab.CASUALTIES].sort_values(
        ["date_start", "incident", "claimant_side", "metric"]
    )
    _require(rows, "casualty")
    if len(rows) > MAX_BARS:
        return _series_over_time(ax, rows, "People (as claimed)", "Casualty claims")
    groups = list(rows.groupby("incident", observed=True, sort=False))
    if ax is None:
        width = theme.NARROW_WIDTH if theme.is_narrow() else theme.FIGSIZE[0]
        ax = Figure(figsize=(width, 1), layout="constrained").add_subplot()
    fig = ax.get_figure(root=True)
    chars = int(fig.get_figwidth() * 72 * 0.82 / (10.5 * 0.62))  # what a line above a bar can hold

    def lines(text: str, most: int) -> str:
        return theme.bounded(textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False), most)

    positions, labels, heads, y = [], [], [], 0.0
    for _, group in groups:  # in y units of ROW inches, top to bottom
        head = lines(casualty_incident_label(group), 3)
        heads.append((y, head, group.iloc[0]["incident"]))
        y += 0.75 + 0.6 * (head.count("\n") + 1)
        for row in group.itertuples():
            label = lines(f"{row.metric_label}, claimed by {wording.side_phrase(row.claimant, row.claimant_side)}", 3)
            y += 0.55 * (label.count("\n") + 1)
            labels.append(label)
            positions.append(y + 0.45)
            y += 1.1
        y += 0.5
    own = fig.get_figheight() == 1
    if own:
        fig.set_size_inches(fig.get_figwidth(), y * ROW + 2.0)
    ordered = pd.concat([g for _, g in groups])
    _claim_bars(ax, ordered, np.array(positions), 0.55)
    for yi, label, row in zip(positions, labels, ordered.itertuples(), strict=True):
        ax.annotate(
            label,
            xy=(0, yi - 0.32),
            xycoords=("axes fraction", "data"),
            xytext=(2, 1),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=9.5,
            color="#333333",
            gid=f"label:{row.event_id}",
        )
    for yh, label, incident in heads:
        ax.annotate(
            label,
            xy=(0, yh + 0.1),
            xycoords=("axes fraction", "data"),
            xytext=(2, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=10.5,
            fontweight="bold",
            fontstyle="italic",
            gid=f"incident:{incident}",
        )
    ax.set_ylim(y, -0.2)
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("People (as claimed)")
    ax.set_xlim(0, rows["value"].max() * (1.6 if theme.is_narrow() else 1.3))
    incidents = [label for _, label, _ in heads]
    if len(incidents) == 1:
        # the panel names the incident; the title says how to read its bars, not the same words again
        title = "Casualties as claimed: one bar per claim, never added into one total"
    else:
        title = f"Casualties as claimed in {len(incidents)} incidents, by incident and claimant: never added"
    theme.headline(ax, title)
    theme.side_legend(ax, rows["claimant_side"], qualifiers=rows["qualifier"].astype(str))
    theme.add_caption(ax, rows)
    if own:  # the rows at ROW inches each, plus what the layout puts above and below them
        fig.draw_without_rendering()
        furniture = sum(a.get_window_extent().height for a in (*fig.legends, theme.caption_artist(fig)) if a)
        fig.set_size_inches(fig.get_figwidth(), y * ROW + furniture / fig.dpi + 1.2)
    _room_for_values(ax)
    return ax


def _grown(lo: float, hi: float, over: float, extent: float, least: float) -> float:
    """The upper limit that moves `over` display units of labels inside an axis `extent` units long
    (from lo to hi), counting the extent left to the marks as at least `least` of it."""
    return hi + (hi - lo) * over / max(extent - over, extent * least) * 1.05


def _room_for_values(ax: Axes) -> None:
    """Widen the value axis until every bar's value label ends inside the plot."""
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("value:")]
    fig = ax.get_figure(root=True)
    fig.draw_without_rendering()
    for _ in range(4):
        frame = ax.get_window_extent()
        over = max(t.get_window_extent().x1 for t in labels) - (frame.x1 - 4)
        if over <= 0:
            return
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, _grown(lo, hi, over, frame.width, 1 / 4))


WIDE = pd.Timedelta(days=7)  # a window longer than this means the text does not give the day
MAX_PANELS = 12  # places drawn, one panel each; the rest are counted on the chart and left to the table


def _undated_rows(rows: pd.DataFrame) -> np.ndarray:
    """Which claims' texts give no day: their window is longer than WIDE."""
    return ((rows["date_end"] - rows["date_start"]) > WIDE).to_numpy()


def _labelled(rows: pd.DataFrame) -> list[int]:
    """Which of a panel's claims (positions in `rows`, in its order) `_territory_panel` labels: all
    of them up to the panel's room, else each side's largest and latest, so no side goes unnamed."""
    if len(rows) <= (2 if theme.is_narrow() else 4):
        return list(range(len(rows)))
    values = rows["value"].to_numpy(dtype=float)
    sides = rows["claimant_side"].astype(str).to_numpy()
    return sorted(
        {
            int(i)
            for side in pd.unique(sides)
            for idx in [np.flatnonzero(sides == side)]
            for i in (idx[np.argmax(values[idx])], idx[-1])
        }
    )


def names_place(subject: str, location: str) -> bool:
    """Whether `subject` already names the place `location` is in ('Kursk territory…' and 'Kursk region')."""
    return bool(location) and location.split()[0].lower() in subject.lower()


def place_of(location: object, subject: object) -> str:
    """What a territory claim is about, as a panel names it: its subject, with its place when the
    subject does not name it ('Kursk territory held by Ukrainian forces'; 'Territory held (Lisove)')."""
    location = location.strip() if isinstance(location, str) else ""
    subject = subject.strip() if isinstance(subject, str) else ""
    if not subject:
        return location or "Territory held"
    if not location or names_place(subject, location):
        return subject
    return f"{subject} ({location})"


def territory_places(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Territory claims grouped by what they are about (subject and location, both), each group a
    series of its own: claims about different places never share an axis. Each group is named by
    `place_of`, or by its subject and location in full where that name would be another group's
    too. In order of each group's first date."""

    def norm(col):
        return rows[col].astype(object).where(rows[col].notna(), "").astype(str).str.strip()

    keyed = rows.assign(_loc=norm("location"), _subj=norm("subject"))
    groups = sorted(keyed.groupby(["_loc", "_subj"], sort=False), key=lambda g: (g[1]["date_start"].min(), g[0]))
    names = [place_of(loc, subj) for (loc, subj), _ in groups]
    out = []
    for ((loc, subj), group), name in zip(groups, names, strict=True):
        if names.count(name) > 1 and loc:  # two places would read alike: say both in full
            name = f"{subj or 'Territory held'} ({loc})"
        out.append((name, group.drop(columns=["_loc", "_subj"])))
    return out


def mapped_place_index(places: list[tuple[str, pd.DataFrame]], place: str | None) -> int | None:
    """Which of `places` (from `territory_places`) a mapped region stands for: the one named `place`
    (as a panel names it, or as the claims' location), the only one when `place` is not given, else None."""
    if place:
        return next(
            (
                i
                for i, (name, g) in enumerate(places)
                if name == place or place in set(g["location"].dropna().astype(str))
            ),
            None,
        )
    return 0 if len(places) == 1 else None


@theme.styled()
def plot_territory(
    data: pd.DataFrame,
    *,
    unit: str = "km2",
    ax: Axes | None = None,
    mapped: pd.DataFrame | None = None,
    mapped_caption: str = "",
    mapped_place: str | None = None,
    also: str | None = None,
) -> Axes:
    """Territory held as claimed, one panel per place (subject and location), each on its own axis;
    with `also` (a unit), each panel's right axis reads the same areas in that unit.

    In each panel a value whose day the text gives (within a week) is a mark on its window; a value
    whose date is only known to lie in a longer window is a mark in a "day not given" column left of
    the time axis, at its height, with its window a thin bracket in a lane below zero: nothing is
    drawn at that height along the window, which would read as the area held all along. Derived
    values are drawn hollow and say so. A dated event of the panel's own incidents (the incursion
    the claims are about) is shaded in that panel only.

    mapped: a daily series of mapped areas (index: date; held_km2, grey_km2), drawn as its own
    claimant's line with the grey zone as a band above it (not counted as held): in the panel of
    `mapped_place` (a place as `place_of` names it, or a claims' location), in the only panel when
    there is one, else in a panel of its own. Returns the first panel's Axes."""
    if unit not in vocab.UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(vocab.UNITS)}")
    unit_label = vocab.UNITS[unit][0]
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2].sort_values(["date_end", "date_start"])
    _require(rows, "territory")
    places = territory_places(rows)
    shown, left_out = places[:MAX_PANELS], places[MAX_PANELS:]
    has_map = mapped is not None and len(mapped) > 0
    map_at = mapped_place_index(shown, mapped_place) if has_map else None
    panels = len(shown) + (has_map and map_at is None)
    if ax is not None and panels > 1:
        raise ValueError(f"these claims are about {len(places)} places, one panel each; pass ax=None")
    if ax is None:
        height = theme.FIGSIZE[1] if panels == 1 else 2.7 * panels + 1.6
        # A panel with undated values is taller: their labels and their windows' lanes need the room.
        # On a phone, a panel with more than one label is taller too: labels lifted over each other and
        # over the marks need the height.
        ratios = [
            (1.4 if _undated_rows(g).any() else 1.0) + (0.4 * max(len(_labelled(g)) - 1, 0) if theme.is_narrow() else 0)
            for _, g in shown
        ] + [1.0] * (panels - len(shown))
        if panels > 1:
            height += 2.7 * (sum(ratios) - panels)
        if has_map:  # two more legend rows (the mapped line and the grey zone), and the panel keeps its height
            height += 1.6 if theme.is_narrow() else 0.6
        fig = Figure(figsize=theme.figsize(theme.FIGSIZE[0], height), layout="constrained")
        axes = list(np.atleast_1d(fig.subplots(panels, 1, height_ratios=ratios)))
    else:
        axes = [ax]
    events = data[data["metric"].astype(str) == vocab.EVENT]
    drawn = {"derived": False}
    for i, (name, group) in enumerate(shown):
        panel_events = events[events["incident"].isin(group["incident"].unique())]
        here = mapped if i == map_at else None
        _territory_panel(axes[i], group, panel_events, unit, here, drawn, title=name if panels > 1 else None)
    if has_map and map_at is None:
        _mapped_panel(axes[-1], mapped, unit)
    if also in vocab.UNITS and also != unit:
        for panel in axes:
            _second_scale(panel, unit, also)
    handles = theme.side_handles(rows["claimant_side"])
    if has_map:
        handles += _mapped_handles()
    if drawn["derived"]:
        handles.append(
            mpl.lines.Line2D(
                [],
                [],
                ls="",
                marker="s",
                markerfacecolor="white",
                markeredgecolor="#555555",
                markeredgewidth=1.8,
                label="Hollow square: derived from the words, no number in the text",
            )
        )
    if len(places) == 1:
        title = f"{places[0][0]}, as claimed ({unit_label})"
    else:
        title = f"Territory held, as claimed, in {len(places)} places ({unit_label}): each place on its own axis"
    theme.headline(axes[0], title)
    theme.legend(axes[0], handles, ncol=2)
    caption = theme.caption_text(rows)
    if left_out:
        caption += (
            f" {len(left_out)} more place{'s' * (len(left_out) != 1)} with territory claims "
            f"({sum(len(g) for _, g in left_out):,} claims) not drawn here; the page’s claims CSV holds them."
        )
    if has_map:
        caption += (
            f" Mapped areas: {mapped_caption}; shown for "
            f"{wording.format_window(mapped.index.min(), mapped.index.max())}, the claims' dates and a month either side."
        )
    theme.set_caption(axes[0], caption)
    _unstack_labels(axes[: len(shown)])
    _fit_titles(axes[0].get_figure(root=True))
    return axes[0]


def _territory_panel(ax: Axes, rows: pd.DataFrame, context: pd.DataFrame, unit: str, mapped, drawn: dict, title):
    """One place's claims (and its events and mapped series) on `ax`; notes in `drawn` which
    encodings it used, for the legend."""
    unit_label, factor = vocab.UNITS[unit]
    if mapped is not None:
        _draw_mapped(ax, mapped, factor)
        _mapped_notes(ax, mapped, rows, unit)
    for row in context.itertuples():  # e.g. the incursion the claims are about: named in the panel's title
        ax.axvspan(
            mdates.date2num(row.date_start),
            mdates.date2num(row.date_end + ONE_DAY),
            color=_event_color(row.claimant_side),
            alpha=0.22,
            lw=0,
            gid=f"event:{row.event_id}",
        )
    values = rows["value"].to_numpy(dtype=float) * factor  # drawn exact; labels round to the claim's precision
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    wide = _undated_rows(rows)
    derived = rows["value_basis"].astype(str).eq("derived").to_numpy()
    qualifiers = rows["qualifier"].astype(str).to_numpy()
    sides = rows["claimant_side"].astype(str).to_numpy()
    ids = np.array([f"#claim:{i}" for i in rows["event_id"].astype(str)], dtype=object)  # each element's claim
    top = max(values.max(), 1)
    many = len(rows) > MAX_MARKS  # rasterized in SVG: thousands of vector shapes would make files of many MB
    for side in pd.unique(sides):
        color = theme.side_color(side)
        m = (sides == side) & ~wide  # the undated are drawn by `_undated`: a column of values, lanes of windows
        if m.any():
            ax.hlines(
                values[m],
                start[m],
                end[m],
                colors=color,
                linewidth=1.2 if many else 5,
                rasterized=many,
                clip_on=False,
                gid=f"claims:{side}:narrow",
            ).set_urls(list(ids[m]))
        marks = (sides == side) & derived & ~wide
        if marks.any() and not many:
            ax.scatter(
                (start[marks] + end[marks]) / 2,
                values[marks],
                s=50,
                marker="s",
                facecolors="white",
                edgecolors=color,
                linewidths=1.8,
                zorder=4,
                clip_on=False,
                gid=f"derived:{side}",
            ).set_urls(list(ids[marks]))
        if not many:  # a bound points the way the value may lie: "no more than 15 km²" is not a bar at 15
            for qualifier, way in BOUNDS.items():
                for i in np.flatnonzero((sides == side) & ~wide & (qualifiers == qualifier)):
                    ax.annotate(
                        "",
                        xy=((start[i] + end[i]) / 2, values[i]),
                        xytext=(0, BOUND_POINTS if way == "up" else -BOUND_POINTS),
                        textcoords="offset points",
                        arrowprops={"arrowstyle": "<|-,head_width=0.25", "color": color, "lw": 1.4, "shrinkA": 0},
                        annotation_clip=False,
                        gid=f"bound:{way}:{rows.iloc[i]['event_id']}",
                    ).set_in_layout(False)
    drawn["derived"] |= bool(derived.any() and not many)  # hollow, in the day-given marks or the column
    first = min(rows["date_start"].min(), context["date_start"].min() if len(context) else rows["date_start"].min())
    last = max(rows["date_end"].max(), context["date_end"].max() if len(context) else rows["date_end"].max())
    if mapped is not None:
        first, last = min(first, mapped.index.min()), max(last, mapped.index.max())
        top = max(top, float((mapped["held_km2"] + mapped["grey_km2"]).max() * factor))
    span = max((last - first).days, 30)
    left, right = mdates.date2num(first) - span * 0.06, mdates.date2num(last + ONE_DAY) + span * 0.06
    label_idx = _labelled(rows)
    claimants = rows[["claimant", "claimant_side"]].astype(str).drop_duplicates()
    one_claimant = len(rows) > 1 and len(claimants) == 1
    for i in label_idx:
        if wide[i]:  # labelled by `_undated`: in its column, beside its mark, and on its window's bracket
            continue
        row = rows.iloc[i]
        at = (start[i] + end[i]) / 2
        value = wording.claim_value(row, unit if unit != "km2" else None)
        when = theme.label_text(wording.format_window(row["date_start"], row["date_end"]), 40)
        note = " (derived from the words)" if derived[i] else ""
        value = theme.label_text(f"{value}{note}", 56, phone=21)  # a phone's panel is narrow
        if one_claimant:  # named once, in the panel's title
            said = f"“{row['date_text']}”, " if len(rows) <= 3 else ""
            text = f"{value}\n" + theme.label_text(f"{said}{when}", 56)
        else:
            said = f", “{row['date_text']}”" if len(rows) <= 3 else ""
            text = f"{value}\n" + theme.label_text(f"{row['claimant']}{said}", 56) + f"\n{when}"
        ax.annotate(
            text,
            xy=(min(max(at, left), right), values[i]),
            xytext=(0, 10 + (BOUND_POINTS if BOUNDS.get(qualifiers[i]) == "up" else 0)),
            textcoords="offset points",
            ha="center",
            va="bottom",
            multialignment="center",
            fontsize=9.5,
            color=theme.side_color(row["claimant_side"]),
            fontweight="bold",
            annotation_clip=False,
            gid=f"value:{row['event_id']}",
            # a white halo: a label over the mapped line or band stays legible, and the line reads as behind it
            path_effects=[mpl.patheffects.withStroke(linewidth=3.5, foreground="white")],
        ).set_in_layout(False)  # placed inside the panel by `_unstack_labels`, which sees every label
    ax.set_xlim(left, right)
    theme.date_axis(ax)
    labelled = set(label_idx)
    lanes = _undated(
        ax, rows, values, (start, end), (sides, ids), wide, derived, labelled, top, many, one_claimant, unit
    )
    ax.set_ylim(-top * (0.06 + LANE * lanes), top * 1.45)
    ax.yaxis.set_major_locator(_NonNegative())  # the lanes below zero hold windows, not areas
    ax.set_ylabel(f"Territory ({unit_label})")
    if lanes:  # the values' column reads the same axis, and carries its labels
        strip = next(a for a in ax.child_axes if a.get_gid() == "undated")
        strip.set_ylabel(ax.get_ylabel())
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelleft=False)
    shaded = list(dict.fromkeys(f"{r.subject or r.incident} ({r.date_text})" for r in context.itertuples()))
    if len(shaded) > 3:
        shaded = [f"{len(shaded)} dated events of these claims’ incidents"]
    parts = [title] if title else []
    if one_claimant:
        who = wording.side_phrase(claimants.iloc[0]["claimant"], claimants.iloc[0]["claimant_side"])
        parts = [f"{parts[0]}, as claimed by {who}" if parts else f"As claimed by {who}", *parts[1:]]
    if len(label_idx) < len(rows):
        parts.append(f"{len(rows)} claims; labelled: each side’s largest and latest")
    if shaded:
        parts.append("Shaded: " + "; ".join(shaded))
    if parts:
        ax.set_title(theme.label_text("\n".join(parts), 90), loc="left", fontsize=10.5, gid="panel-title")


def lane_gid(side: str) -> str:
    """The id of a side's window brackets in a panel's lanes below zero."""
    return f"claims:{side}:wide"


def in_lane(gid: str) -> bool:
    """Whether an element with this id lies in a window lane (a bracket or its "window:" tag), apart
    from the value it belongs to: the hover layer gives it an area of its own."""
    return gid.startswith("window:") or (gid.startswith("claims:") and gid.endswith(":wide"))


BOUNDS = {"at_least": "up", "at_most": "down"}  # a bound's arrow, from its mark the way the value may lie
BOUND_POINTS = 18  # the arrow's length; a label over an upward one starts above it
UNDATED_OFFSET = (0, 7)  # points from an undated value's place in its column to its label, over the marks
LANE = 0.17  # a window lane's height below zero, in fractions of the panel's largest area: a tag's line
LANE_TOP = 0.04  # the lanes' top below zero (a rule at zero parts them from the areas), in the same fractions
TAG_POINTS = 8
MAX_LANES = 3  # window lanes a panel gives; more windows share the last lane
STRIP_STEP = 0.16  # inches between the sides' sub-columns of marks
STRIP_POINTS = 8.5  # the column's labels
STRIP_CHARS = 10  # characters a column label's line holds ("nearly", "1,400 km²"): the column's width


class _NonNegative(mpl.ticker.MaxNLocator):
    """The usual ticks, without those below zero: areas are never negative, and the room below
    zero holds the windows of undated values."""

    def __init__(self, **kwargs):
        super().__init__(**({"nbins": "auto", "steps": [1, 2, 2.5, 5, 10]} | kwargs))  # as AutoLocator

    def __call__(self):
        return [t for t in super().__call__() if t >= 0]


def _undated(
    ax: Axes,
    rows,
    values,
    window,
    who,
    wide,
    derived,
    labelled: set,
    top: float,
    many: bool,
    one_claimant: bool,
    unit: str,
) -> int:
    """Values whose day the text does not give (their window is longer than WIDE): each value a mark
    in a column of its own left of the time axis, at its height ("day not given"), labelled there,
    and its window a thin bracket in a lane below zero, under a rule and tagged with who claims the
    value, so no value is drawn or labelled along a stretch of days it was never said to hold.
    `window` is the claims' (start, end) in date numbers, `who` their (sides, links); with
    `one_claimant` the panel's title names the claimant; values read in `unit`. Returns the lanes used (0: every day given)."""
    if not wide.any():
        return 0
    start, end = window
    sides, ids = who
    narrow = theme.is_narrow()
    shown_unit = unit if unit != "km2" else None  # the claim's own unit reads as written
    idx = np.flatnonzero(wide)
    order = list(pd.unique(sides[idx]))  # each side's marks in a sub-column: equal values never hide each other
    shown = {  # the value, and who says it (never "Russia: 0 km²", which reads as Russia holding none)
        i: theme.label_text(wording.claim_value(rows.iloc[i], shown_unit), STRIP_CHARS)
        + ("" if one_claimant else "\n" + theme.label_text(f"according to {rows.iloc[i]['claimant']}", STRIP_CHARS + 2))
        for i in idx
        if i in labelled
    }
    fig = ax.get_figure(root=True)
    font = mpl.font_manager.FontProperties(size=STRIP_POINTS, weight="bold")
    longest = max(  # inches: the widest line of the column's labels, in the figure's font
        (
            mpl.textpath.TextPath((0, 0), line, prop=font).get_extents().width / 72
            for t in shown.values()
            for line in t.split("\n")
        ),
        default=0.0,
    )
    width = max(longest + 0.1, STRIP_STEP * len(order) + 0.25, 0.55)  # inches: the labels, over the marks
    marks_x = width / 2 + STRIP_STEP * (np.arange(len(order)) - (len(order) - 1) / 2)  # the sides' sub-columns
    plot_width = max(fig.get_figwidth() - 1.8 - width, 1.0)  # about the panel's width: the figure less its margins
    # The column is placed in inches from the panel's left edge (and spans its height), so the
    # layout, which sees it, gives it the room it needs at any figure width.
    inches = mpl.transforms.blended_transform_factory(
        fig.dpi_scale_trans + mpl.transforms.ScaledTranslation(0, 0, ax.transAxes), ax.transAxes
    )
    strip = ax.inset_axes([-(width + 0.08), 0, width, 1], transform=inches, sharey=ax)
    strip.set_gid("undated")
    strip.set_xlim(0, width)  # in inches: marks and labels are placed by their size, not the column's
    strip.set_xticks([])
    strip.grid(axis="x", visible=False)
    strip.set_title("day not\ngiven", fontsize=8.5, fontweight="normal", loc="center", color="#444444")
    for k, side in enumerate(order):
        color = theme.side_color(side)
        m = idx[sides[idx] == side]
        strip.scatter(
            np.full(len(m), marks_x[k]),
            values[m],
            s=30 if many else 60,
            marker="s",
            facecolors=["white" if d else color for d in derived[m]],
            edgecolors=color,
            linewidths=1.8,
            zorder=4,
            clip_on=False,
            rasterized=many,
            gid=f"undated:{side}",
        ).set_urls(list(ids[m]))
    for i, text in shown.items():  # just over the marks, at the value's height; `_unstack_labels` parts close ones
        strip.annotate(
            text,
            xy=(width / 2, values[i]),
            xytext=UNDATED_OFFSET,
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=STRIP_POINTS,
            color=theme.side_color(sides[i]),
            fontweight="bold",
            annotation_clip=False,
            gid=f"value:{rows.iloc[i]['event_id']}",
            path_effects=[mpl.patheffects.withStroke(linewidth=3, foreground="white")],
        ).set_in_layout(False)
    # Lanes: each window in the first lane where it clears the ones there, with room for its tag.
    left, right = ax.get_xlim()
    per_inch = (right - left) / max(plot_width - 0.3, 1.0)  # days per inch of the panel
    room = (right - left) * (0.28 if narrow else 0.18)
    ends: list[float] = []
    lane_of = {}
    for i in idx[np.argsort(start[idx], kind="stable")]:
        lane = next((n for n, e in enumerate(ends) if start[i] >= e), None)
        if lane is None:
            lane = len(ends) if len(ends) < MAX_LANES else len(ends) - 1
            if lane == len(ends):
                ends.append(0.0)
        ends[lane] = max(ends[lane], end[i], start[i] + room)
        lane_of[i] = lane
    lane_y = [-top * (LANE_TOP + LANE * (n + 0.5)) for n in range(len(ends))]
    ax.axhline(0, color="#888888", linewidth=0.9, zorder=1.5, gid="lanes:rule")  # areas above, windows below
    strip.annotate(  # the lanes' heading, in the column beside them: what the brackets below the rule are
        "when →",
        # at the column's foot, beside the lowest lane: at the first lane it sat under a 0's square
        xy=(width, 0),
        xycoords=("data", "axes fraction"),
        xytext=(-3, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=TAG_POINTS,
        color="#444444",
        annotation_clip=False,
        gid="lanes:heading",
    ).set_in_layout(False)
    cap = top * 0.025
    for side in order:
        m = [i for i in idx if sides[i] == side]
        spans = [(start[i], end[i]) for i in m]  # the window's own days: a short one is a short bracket
        ys = [lane_y[lane_of[i]] for i in m]
        ax.add_collection(
            mpl.collections.LineCollection(
                [[(x0, y), (x1, y)] for (x0, x1), y in zip(spans, ys, strict=True)]
                + [[(x, y - cap), (x, y + cap)] for span, y in zip(spans, ys, strict=True) for x in span],
                colors=theme.side_color(side),
                linewidths=1.2 if many else 1.6,
                rasterized=many,
                clip_on=False,
                gid=lane_gid(side),
                urls=[ids[i] for i in m] + [None] * (2 * len(m)),
            )
        )
        for i, (x0, x1), y in zip(m, spans, ys, strict=True):
            if i not in labelled:
                continue
            row = rows.iloc[i]
            value = wording.claim_value(row, shown_unit)
            # Who says it, and when in their words: two values side by side are not one dispute on one day.
            who = "" if one_claimant else f", according to {row['claimant']}"
            said = f" (“{row['date_text']}”)" if str(row["date_text"]).strip() else ""
            # Who says it goes before "some day in here": the column's label says who, and a bare
            # value on a bracket reads as held over all of it.
            if narrow:  # a phone's panel: the value (the column's label says who)
                tags = [f"{value}: some day in here"]
            else:
                note = " (derived from the words)" if derived[i] else ""
                tags = [
                    f"{value}{note}{who}{said}: some day in here",
                    f"{value}{who}{said}: some day in here",
                    f"{value}{who}: some day in here",
                    f"{value}: some day in here",
                ]
            place = None
            for tag in tags:
                need = len(tag) * TAG_POINTS * 0.56 / 72 * per_inch  # the tag's width, in days
                if x1 - x0 > need * 1.1:  # on the bracket, which it interrupts
                    place = {"xy": ((x0 + x1) / 2, y), "ha": "center"}
                elif x0 - left > need * 1.1 and x0 - left > right - x1:  # beside it, where there is room
                    place = {"xy": (x0, y), "ha": "right", "xytext": (-4, 0)}
                elif right - x1 > need * 1.1:
                    place = {"xy": (x1, y), "ha": "left", "xytext": (4, 0)}
                if place:
                    break
            else:  # in two lines at its own bracket: centred on it, or from its end inwards at a panel's edge
                tag = f"{value}\nsome day in here"
                need = max(len(line) for line in tag.split("\n")) * TAG_POINTS * 0.56 / 72 * per_inch
                mid = (x0 + x1) / 2
                if x1 - x0 > need * 1.1:  # on the bracket, which it interrupts
                    place = {"xy": (mid, y), "ha": "center"}
                elif x0 - left > need * 1.1:  # beside it, ending where it starts: the bracket stays in sight
                    place = {"xy": (x0, y), "ha": "right", "xytext": (-4, 0)}
                elif right - x1 > need * 1.1:
                    place = {"xy": (x1, y), "ha": "left", "xytext": (4, 0)}
                elif mid + need / 2 > right:  # its right edge on its own bracket's end, never 60 px away
                    place = {"xy": (x1, y), "ha": "right", "xytext": (2, 0)}
                else:
                    place = {"xy": (max(mid, left + need / 2), y), "ha": "center"}
            ax.annotate(
                tag,
                **({"xytext": (0, 0), "va": "center"} | place),
                textcoords="offset points",
                fontsize=TAG_POINTS,
                color=theme.side_color(side),
                annotation_clip=False,
                gid=f"window:{row['event_id']}",
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            ).set_in_layout(False)  # placed in the panel, from its bracket
    return len(ends)


def _second_scale(ax: Axes, unit: str, also: str) -> None:
    """The panel's areas read in a second unit on its right axis: the same marks, so one picture
    serves readers of either (a page switching between two drawings carried both)."""
    ratio = vocab.UNITS[also][1] / vocab.UNITS[unit][1]
    right = ax.secondary_yaxis("right", functions=(lambda y: y * ratio, lambda y: y / ratio))
    right.set_ylabel(vocab.UNITS[also][0])
    right.yaxis.set_major_locator(_NonNegative(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    right.set_gid("second-scale")


def _mapped_panel(ax: Axes, mapped: pd.DataFrame, unit: str) -> None:
    """The mapped series alone, when no panel's claims are about the region it measures."""
    unit_label, factor = vocab.UNITS[unit]
    _draw_mapped(ax, mapped, factor)
    theme.date_axis(ax)
    ax.set_ylim(0, max(float((mapped["held_km2"] + mapped["grey_km2"]).max() * factor), 1) * 1.15)
    ax.set_ylabel(f"Mapped ({unit_label})")
    ax.set_title(
        theme.label_text("DeepState maps of the region measured (no claim in this table is about it by name)", 90),
        loc="left",
        fontsize=10.5,
        gid="panel-title",
    )


def _unstack_labels(axes: list[Axes]) -> None:
    """Lift a value label that would print over another of its panel, and make room above for the
    lifted ones: labels are placed in points from their marks, so two claims of one place on nearby
    days (two "0 km²" a few days apart) would otherwise print one over the other."""
    panels = [
        (
            ax,
            sorted(
                (
                    t
                    for holder in (ax, *ax.child_axes)  # with the undated values' column
                    for t in holder.texts
                    if (t.get_gid() or "").startswith("value:")
                ),
                key=lambda t: t.xy[::-1],
            ),
        )
        for ax in axes
    ]
    panels = [(ax, labels) for ax, labels in panels if labels]
    if not panels:
        return
    fig = panels[0][0].get_figure(root=True)
    up = {
        t.get_gid().split(":", 2)[2]
        for ax, _ in panels
        for t in ax.texts
        if (t.get_gid() or "").startswith("bound:up:")
    }

    def base_of(text) -> float:  # points from a label's mark to its foot: over a lower bound's arrow
        if _undated_label(text):
            return UNDATED_OFFSET[1]
        return 10 + (BOUND_POINTS if text.get_gid().split(":", 1)[1] in up else 0)

    ceiling = {ax: ax.get_ylim()[1] * 3.5 for ax, _ in panels}  # a taller axis would flatten the marks
    fig.draw_without_rendering()  # once, for the layout: the passes below measure without drawing
    for attempt in range(5):
        for _, labels in panels:  # each pass places them afresh from their marks, at the current scale
            for text in labels:
                if _undated_label(text):  # over the marks in the values' column
                    text.xyann = UNDATED_OFFSET
                    continue
                text.set_horizontalalignment("center")
                text.set_multialignment("center")
                text.xyann = (0, base_of(text))
        grown = False
        for ax, labels in panels:
            frame = ax.get_window_extent()
            for text in labels:  # centred on its mark where it fits, else running inwards from the edge it meets
                if _undated_label(text):
                    continue
                box = text.get_window_extent()
                if box.width > frame.width - 4:  # wider than its panel (a phone's): in shorter lines
                    text.set_text(_rewrapped(text.get_text(), (frame.width - 4) / box.width))
                    box = text.get_window_extent()
                if box.x0 < frame.x0 + 2 or box.width > frame.width - 4:
                    text.set_multialignment("left")
                    text.xyann = ((frame.x0 + 2 - box.x0) * 72 / fig.dpi, base_of(text))
                elif box.x1 > frame.x1 - 2:
                    text.set_multialignment("right")
                    text.xyann = ((frame.x1 - 2 - box.x1) * 72 / fig.dpi, base_of(text))
            placed, marks = [], _mark_boxes(ax)  # a label clears the other labels and every mark
            for text in labels:
                box, dy, moved = text.get_window_extent(), 0.0, True
                while moved:
                    moved = False
                    for other in placed + marks:
                        if box.translated(0, dy).overlaps(other):
                            dy += other.y1 - (box.y0 + dy) + 3
                            moved = True
                text.xyann = (text.xyann[0], base_of(text) + dy * 72 / fig.dpi)
                placed.append(box.translated(0, dy))
            frame = ax.get_window_extent()
            over = max(b.y1 for b in placed) - (frame.y1 - 4)
            lo, hi = ax.get_ylim()
            if over > 0 and attempt < 4 and hi < ceiling[ax]:  # more headroom, in data units, for the highest label
                hi = min(_grown(lo, hi, over, frame.height, 1 / 3), ceiling[ax])
                ax.set_ylim(lo, hi)
                grown = True
        if not grown:
            return


def _mark_boxes(ax: Axes) -> list:
    """Where a panel's day-given marks are drawn, in display units: each bar (its line's thickness)
    and each hollow square, so a label lifted over one mark is not laid over another."""
    boxes = []
    for c in ax.collections:
        gid = c.get_gid() or ""
        if gid.startswith("claims:") and gid.endswith(":narrow"):
            half = max(c.get_linewidth()) * ax.get_figure(root=True).dpi / 72 / 2 + 1
            for seg in c.get_segments():
                (x0, y0), (x1, _) = ax.transData.transform(seg[[0, -1]])
                boxes.append(mpl.transforms.Bbox([[min(x0, x1), y0 - half], [max(x0, x1), y0 + half]]))
        elif gid.startswith("derived:"):
            for x, y in ax.transData.transform(c.get_offsets()):
                boxes.append(mpl.transforms.Bbox([[x - 5, y - 5], [x + 5, y + 5]]))
    return boxes


def _fit_titles(fig: Figure) -> None:
    """Panel titles measured wider than the figure leaves them (a panel narrowed by its column of
    undated values) are wrapped again, whole, to fit."""
    titles = fig.findobj(match=lambda a: isinstance(a, mpl.text.Text) and a.get_gid() == "panel-title")
    if not titles:
        return
    fig.draw_without_rendering()
    for title in titles:
        box = title.get_window_extent()
        room = fig.bbox.x1 - 4 - box.x0
        if title.get_text() and box.width > room > 0:
            title.set_text(_rewrapped(title.get_text(), room / box.width))


def _rewrapped(text: str, fraction: float) -> str:
    """A label's lines wrapped to `fraction` of the longest one's length: a label measured wider than
    its panel, which its characters' count could not foresee, fits it (whole: nothing is cut)."""
    most = max(len(line) for line in text.split("\n"))
    width = max(int(most * fraction) - 1, 8)
    return "\n".join(
        part
        for line in text.split("\n")
        for part in (textwrap.wrap(line, width=width, break_long_words=False, break_on_hyphens=False) or [""])
    )


def _undated_label(text) -> bool:
    """Whether a value label belongs to an undated value (in the column of values whose day is not given)."""
    return text.axes is not None and text.axes.get_gid() == "undated"


def _draw_mapped(ax: Axes, mapped: pd.DataFrame, factor: float) -> None:
    """The mapped series under the claims: held as a line, the grey zone as a band above it. Days
    without a snapshot break the line (a gap in the archive is not a straight line between maps)."""
    # The band spans the snapshots as they are (a day with no snapshot cut a white stripe in it that
    # read as the grey zone vanishing); the held line breaks on such a day, as a gap in the maps.
    xs = mdates.date2num(mapped.index)
    held_at = mapped["held_km2"].to_numpy(dtype=float) * factor
    grey_at = mapped["grey_km2"].to_numpy(dtype=float) * factor
    ax.fill_between(
        xs,
        held_at,
        held_at + grey_at,
        facecolor=GREY_ZONE,
        edgecolor=GREY_ZONE_EDGE,
        hatch=GREY_ZONE_HATCH,
        lw=0,
        zorder=1,
        gid="mapped:grey",
    )
    daily = mapped.asfreq("D")
    x = mdates.date2num(daily.index)
    held = daily["held_km2"].to_numpy(dtype=float) * factor
    known = np.isfinite(held)
    before, after = np.r_[False, known[:-1]], np.r_[known[1:], False]
    alone = np.flatnonzero(known & ~before & ~after)  # a snapshot between two days without one: a dot, not nothing
    ax.plot(
        x, held, color=theme.MAPPED_COLOR, lw=1.6, marker="o", ms=3, markevery=list(alone), zorder=2, gid="mapped:held"
    )


# An event the publisher reports in its own words: a pale sand band, not the grey of the maps' grey
# zone beside it (both were grey, so the incursion read as grey zone), nor the yellow that marks an
# article's own days on the context charts. A side's own event keeps its side's colour.
EVENT_SAND = "#B08D57"


def _event_color(side) -> str:
    return EVENT_SAND if str(side) == "other" else theme.side_color(side)


NOTE_COLOR = "#00664A"  # the mapped series' green, darkened for small text on white (7:1)


def _mapped_notes(ax: Axes, mapped: pd.DataFrame, rows: pd.DataFrame, unit: str) -> None:
    """The maps' figures the headline and dek give, on the line they come from: the largest area
    held (and the run of days it lasts), and the map nearest the latest dated claim with its held
    and grey areas (Russia's "0" in late April sits on land still mapped held or grey). Direct
    labels with a leader to the day, in the mapped series' colour."""
    from warclaims.charts.maps import mapped_facts

    facts = mapped_facts(mapped, rows)
    if facts is None:
        return
    factor = vocab.UNITS[unit][1]
    # On a phone the time axis is about 1.5 in wide: the largest area only, in short lines (the dek
    # just above the chart gives the map nearest the claim in the same words).
    width = 16 if theme.is_narrow() else 34

    def area(km2: float) -> str:  # a number is never parted from its unit by a line break
        return wording.mapped_area(km2, unit).replace(" ", "\u00a0")

    style = {"fontsize": 8, "color": NOTE_COLOR, "annotation_clip": False, "va": "bottom"}
    leader = {"arrowstyle": "-", "color": NOTE_COLOR, "lw": 0.8, "shrinkA": 1, "shrinkB": 2}
    first, last = facts.held_days
    at = mdates.date2num(first + (last - first) / 2)
    view = ax.get_xlim()
    right = at > view[0] + 0.6 * (view[1] - view[0]) if view[1] > view[0] else False
    ax.annotate(
        theme.label_text(
            f"Largest mapped as held: {area(facts.held)}, {wording.format_window(first, last)}",
            width,
        ),
        xy=(at, facts.held * factor),
        xytext=(-6 if right else 6, 34),
        textcoords="offset points",
        ha="right" if right else "left",
        arrowprops=leader,
        gid="mapped:note:peak",
        **style,
    ).set_in_layout(False)
    if facts.near is not None and not theme.is_narrow():
        which, shown = facts.near_words(unit, "\u00a0")
        near, most = mdates.date2num(facts.near), facts.near_top * factor
        ax.annotate(
            theme.label_text(f"{which[:1].upper()}{which[1:]}: {shown}", width),
            xy=(near + (mdates.date2num(facts.near_last) - near) / 2, most),
            xytext=(-4, 64),
            textcoords="offset points",
            ha="right",
            arrowprops=leader,
            gid="mapped:note:near",
            **style,
        ).set_in_layout(False)


# The grey zone: light and dotted, so it is not read as the event band (a flat grey wash) beside it.
GREY_ZONE, GREY_ZONE_EDGE, GREY_ZONE_HATCH = "#E4E4E4", "#9A9A9A", "...."


def _mapped_handles() -> list:
    return [
        mpl.lines.Line2D(
            [],
            [],
            color=theme.MAPPED_COLOR,
            lw=1.6,
            marker="o",
            ms=3,
            # the line breaks where no map was archived, and a dot is a map between two such days
            label="DeepState maps: held by Ukraine (a break: no snapshot that day; a dot: a lone one)",
        ),
        mpl.patches.Patch(
            facecolor=GREY_ZONE,
            edgecolor=GREY_ZONE_EDGE,
            hatch=GREY_ZONE_HATCH,
            lw=0,
            label="DeepState maps: grey zone (not counted as held)",
        ),
    ]


def timeline_label(row, phone: int | None = None) -> str:
    """A timeline row's label: who claims what, of what and where, as the table says ('Russia:
    Kursk territory held by Ukrainian forces, 0 km²', never 'Russia: territory held 0 km²', which
    reads as Russia holding none): two claims about different places or people must not read alike.
    On a phone, wrapped to `phone` characters (a label with the phone's width to itself)."""
    if pd.isna(row.value):
        return theme.label_text(row.subject or row.incident, 48, phone=phone)
    subject = row.subject.strip() if isinstance(row.subject, str) else ""
    location = row.location.strip() if isinstance(row.location, str) else ""
    if names_place(subject, location):
        location = ""  # the subject names the place already
    if str(getattr(row, "family", "")) == vocab.TERRITORY and subject:  # the subject says whose territory
        where = f" ({location})" if location else ""
        return theme.label_text(f"{row.claimant}: {subject}{where}, {wording.claim_value(row)}", 48, phone=phone)
    about = ", ".join(p for p in (subject, location) if p)
    what = f"{row.claimant}: {str(row.metric_label).lower()} {wording.claim_value(row)}"
    return theme.label_text(f"{what} ({about})" if about else what, 48, phone=phone)


NARROW = pd.Timedelta(days=2)  # a drone night (two dates) is one point of a drone series
# On the timeline a window of one day gets a mark on that day; a longer one (a night over two dates,
# "two days after") a bar only: a mark at the midnight between would invent a moment.
DAY_GIVEN = pd.Timedelta(days=1)


def crowded_window(rows: pd.DataFrame, days: int = 14) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The `days`-long stretch holding most rows, when the timeline is long and they would crowd in it."""
    first, last = rows["date_start"].min(), rows["date_end"].max()
    if (last - first).days < 8 * days or len(rows) < 4:
        return None
    starts = rows["date_start"].sort_values().to_numpy()
    best, at = 0, None
    for i, s0 in enumerate(starts):
        n = int(np.searchsorted(starts, s0 + np.timedelta64(days, "D"), side="right")) - i
        if n > best:
            best, at = n, pd.Timestamp(s0)
    if best < 3:
        return None
    inside = rows[(rows["date_start"] >= at) & (rows["date_start"] <= at + pd.Timedelta(days=days))]
    return inside["date_start"].min() - ONE_DAY, inside["date_end"].max() + 2 * ONE_DAY


def _draw_timeline_rows(ax: Axes, rows: pd.DataFrame, y: np.ndarray, height: float = 0.55) -> None:
    for yi, row in zip(y, rows.itertuples(), strict=True):
        start = mdates.date2num(row.date_start)
        width = mdates.date2num(row.date_end + ONE_DAY) - start
        color = theme.side_color(row.claimant_side)
        qualified = wording.is_qualified(row.qualifier) and pd.notna(row.value)
        narrow = (row.date_end - row.date_start) < DAY_GIVEN
        ax.barh(
            yi,
            width,
            left=start,
            height=height,
            color=color,
            alpha=0.35 if narrow else 0.45,
            lw=1 if qualified else 0,
            edgecolor=color,
            hatch=theme.hatch_for(row.qualifier) if qualified and not narrow else None,
            gid=f"window:{row.event_id}",
        )
        if narrow:  # a mark only where the day is known: a mark in a long window would invent a date
            ax.plot(
                start + width / 2,
                yi,
                marker="D" if pd.isna(row.value) else "o",
                ms=7,
                color=color,
                markerfacecolor="white" if qualified else color,
                markeredgewidth=1.6,
                gid=f"claim:{row.event_id}",
            )


@theme.styled()
def plot_timeline(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Every claim and dated event as a span from date_start to date_end, one row each, by side; where
    most rows crowd into a few days of a long timeline, a second panel shows those days."""
    rows = data.sort_values(["date_start", "date_end", "event_id"])
    _require(rows, "dated")
    if len(rows) > MAX_MARKS:
        return _timeline_lanes(rows, ax)
    crowded = crowded_window(rows) if ax is None else None
    if ax is None and theme.is_narrow():
        return _phone_timeline(rows, crowded)
    labels = [timeline_label(r) for r in rows.itertuples()]
    lines = max(label.count("\n") + 1 for label in labels)
    per_row = 0.42 if lines <= 2 else (0.64 if theme.is_narrow() else 0.56)  # a phone's labels wrap shorter, taller
    height = per_row * len(rows) + 2.9  # a row as tall as its label
    if ax is None:
        fig = Figure(figsize=(11.5 if crowded else 10.5, height), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True, width_ratios=[1.5, 1]) if crowded else [fig.add_subplot()]
        ax = axes[0]
    else:
        axes = [ax]
    y = np.arange(len(rows))[::-1]
    for panel in axes:
        _draw_timeline_rows(panel, rows, y)
        theme.date_axis(panel, maxticks=6)
        panel.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_yticks(y, labels)
    if crowded:
        _detail_panel(ax, axes[1], crowded)
    _timeline_furniture(ax, rows)
    return ax


def _detail_panel(whole: Axes, detail: Axes, crowded: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    """The crowded days drawn again in `detail`, shaded and named on the whole period's panel."""
    lo, hi = (mdates.date2num(d) for d in crowded)
    detail.set_xlim(lo, hi)
    detail.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, int((hi - lo) // 6))))
    detail.xaxis.set_major_formatter(mdates.DateFormatter("%-d"))
    detail.set_title(
        theme.label_text(f"Detail, {wording.format_window(crowded[0], crowded[1] - ONE_DAY)}", 30),
        loc="left",
        fontsize=10,
    )
    whole.axvspan(lo, hi, color="#999999", alpha=0.15, lw=0)
    whole.set_title(theme.label_text("Whole period (shaded: the detail)", 40), loc="left", fontsize=10)


def _phone_timeline(rows: pd.DataFrame, crowded) -> Axes:
    """The timeline on a phone: each row's label above its bar across the whole width (labels beside
    the rows left the whole period a panel a quarter of the screen wide), and the detail panel below
    it with only the rows its days hold, not empty rows for the others."""
    labels = [timeline_label(r, phone=38) for r in rows.itertuples()]
    parts = [(rows, labels)]
    if crowded:
        lo, hi = crowded
        kept = ((rows["date_end"] + ONE_DAY > lo) & (rows["date_start"] < hi)).to_numpy()
        parts.append((rows[kept], [t for t, k in zip(labels, kept, strict=True) if k]))
    ratios = [max(_rows_height(lab) / 72, 0.5) for _, lab in parts]
    fig = Figure(figsize=theme.figsize(10.5, sum(ratios) + 2.6 + 0.6 * len(parts)), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(len(parts), 1, height_ratios=ratios)))
    for panel, (part, lab) in zip(axes, parts, strict=True):
        _labelled_rows(panel, part, lab, lambda ax, row, y: _draw_timeline_rows(ax, row, y, height=_ROW_BAR))
        theme.date_axis(panel, maxticks=6)
    if crowded:
        _detail_panel(axes[0], axes[1], crowded)
    _timeline_furniture(axes[0], rows)
    for panel, (_, lab) in zip(axes, parts, strict=True):
        _grow_for_rows(fig, panel, lab)
    return axes[0]


def _timeline_furniture(ax: Axes, rows: pd.DataFrame) -> None:
    """The timeline's headline, legend (the marks drawn, and only those) and caption."""
    narrow = (rows["date_end"] - rows["date_start"]) < DAY_GIVEN
    valued = rows["value"].notna()
    qualified = rows["qualifier"].map(wording.is_qualified) & valued
    marks = [
        (narrow & valued & ~qualified).any()
        and mpl.lines.Line2D([], [], marker="o", ls="", color="#555555", label="claimed value, day given"),
        (narrow & qualified).any()
        and mpl.lines.Line2D(
            [], [], marker="o", ls="", color="#555555", markerfacecolor="white", label="open: bound or approximation"
        ),
        (narrow & ~valued).any() and mpl.lines.Line2D([], [], marker="D", ls="", color="#555555", label="dated event"),
        (~narrow).any()
        and mpl.patches.Patch(facecolor="#555555", alpha=0.45, label="bar only: the text gives a window, not a day"),
    ]
    hatched = theme.hatch_handle(rows.loc[~narrow & qualified, "qualifier"].astype(str))  # as the bars are hatched
    theme.headline(ax, "Every claim and dated event, by when it happened")
    theme.legend(ax, theme.side_handles(rows["claimant_side"]) + [m for m in marks if m] + hatched, ncol=3)
    theme.add_caption(ax, rows)


def _timeline_lanes(rows: pd.DataFrame, ax: Axes | None) -> Axes:
    """Many claims: one lane per (what is claimed, side), every window drawn in one call per lane."""
    lanes = rows.groupby(["metric_label", "claimant_side"], observed=True, sort=True).indices
    ax = _axes(ax, figsize=(10.5, 0.42 * len(lanes) + 2.6))
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    labels = []
    for y, ((label, side), idx) in enumerate(reversed(list(lanes.items()))):
        color = theme.side_color(side)
        spans = _union(start[idx], end[idx])
        ax.broken_barh(spans, (y - 0.27, 0.54), color=color, alpha=0.25, lw=0, gid=f"lane:{label}:{side}")
        known = idx[(end[idx] - start[idx]) <= DAY_GIVEN.days]  # a dot only where the text gives the day
        ax.scatter(
            (start[known] + end[known]) / 2, np.full(len(known), y), s=10, color=color, zorder=3, rasterized=True
        ).set_urls([f"#claim:{i}" for i in rows["event_id"].astype(str).to_numpy()[known]])
        labels.append(f"{theme.label_text(label, 36)} — {vocab.SIDE_LABELS[str(side)]} ({len(idx):,})")
    ax.set_yticks(range(len(labels)), labels)
    theme.date_axis(ax, maxticks=4 if theme.is_narrow() else 8)  # the lanes' names take most of a phone's width
    ax.set_ylim(-0.7, len(labels) - 0.3)
    theme.headline(ax, f"{len(rows):,} claims and dated events, by what is claimed and by whom")
    theme.side_legend(ax, rows["claimant_side"])
    theme.add_caption(ax, rows)
    return ax


def _mark_article(
    axes, article: tuple[pd.Timestamp, pd.Timestamp], label: str, gid: str, *, night: bool = False
) -> tuple[float, float]:
    """Shade the article's days on every panel and name them on the first (with `night`, only the
    one night ending on the last day, centred on its point); returns the span's ends."""
    start, end = mdates.date2num(article[0]), mdates.date2num(article[1] + ONE_DAY)
    if night:
        start, end = mdates.date2num(article[1]) - 0.5, mdates.date2num(article[1]) + 0.5
    for ax in axes:
        ax.axvspan(
            start, end, color="#FFD54F", alpha=0.35, lw=0, gid=gid, zorder=0.5
        )  # behind the bars: no third colour
    axes[0].annotate(
        label,
        xy=(end, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color="#6D4C00",
    )
    return start, end


# A context chart's lower panel, the article's claims: one row per claim, its label above its bar. In
# points, so a label never reaches the row above, however many claims the table holds.
ROW_LABEL_SIZE = 9.5
_ROW_LINE = ROW_LABEL_SIZE * 1.3
_ROW_BAR = 9.0
_ROW_GAP = 8.0


def _row_labels(rows: pd.DataFrame, label_of) -> list[str]:
    """Each claim's label, wrapped for the panel's whole width (a phone's holds about 38 characters)."""
    return [theme.label_text(label_of(row), 70, phone=38) for row in rows.itertuples()]


def _rows_height(labels: list[str]) -> float:
    """Points the claim rows need: each label's lines, its bar and a gap (at least one row's worth)."""
    lines = sum(text.count("\n") + 1 for text in labels) if labels else 1
    return lines * _ROW_LINE + max(len(labels), 1) * (_ROW_BAR + _ROW_GAP + 2) + _ROW_GAP / 2


def _claim_rows(ax: Axes, rows: pd.DataFrame, labels: list[str], *, nights: bool = False) -> None:
    """The article's claims in a context chart's lower panel (`_labelled_rows`), each a bar over its
    window: its dates, not its size; hatched and paler where the text qualifies its figure, as on the
    family charts. With `nights` (the Air Force's axis, a night drawn at the date it ends, ±12 hours),
    a window over two or more dates is drawn over the nights between them, as the article's night is
    shaded: 20–21 May is the night ending 21 May, not 48 hours."""

    def bar(ax: Axes, row: pd.DataFrame, y: np.ndarray) -> None:
        r = next(row.itertuples())
        start, end = mdates.date2num(r.date_start), mdates.date2num(r.date_end + ONE_DAY)
        if nights and r.date_end > r.date_start:
            start, end = mdates.date2num(r.date_start + ONE_DAY) - 0.5, mdates.date2num(r.date_end) + 0.5
        ax.barh(y[0], end - start, left=start, height=_ROW_BAR, **_bar_style(r), gid=f"claim:{r.event_id}")

    _labelled_rows(ax, rows, labels, bar)


def _labelled_rows(ax: Axes, rows: pd.DataFrame, labels: list[str], draw) -> None:
    """Each row of `rows` on a row of its own: its label above it from the panel's left edge, in its
    side's colour, then what `draw(ax, row, y)` draws at height y (a one-row frame, the row's centre).
    A label beside its bar ran out of the panel on a phone, and two claims on one row were drawn over
    each other. The y axis is in points (`_rows_height`); `_grow_for_rows` makes the panel at least
    that tall."""
    y = -_ROW_GAP / 2
    for i, (row, text) in enumerate(zip(rows.itertuples(), labels, strict=True)):
        y -= (text.count("\n") + 1) * _ROW_LINE + 2
        # anchored by its foot to its own bar's top: a panel taller than its rows need spreads the
        # rows, and a label hung from the row's top drifted toward the bar above
        ax.annotate(
            text,
            xy=(0, y),
            xycoords=("axes fraction", "data"),
            xytext=(4, 1),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=ROW_LABEL_SIZE,
            fontweight="bold",
            color=theme.side_color(row.claimant_side),
            gid="claim-label",
        )
        draw(ax, rows.iloc[[i]], np.array([y - _ROW_BAR / 2]))
        y -= _ROW_BAR + _ROW_GAP
    ax.set_yticks([])
    ax.set_ylim(-_rows_height(labels), 0)


def _grow_for_rows(fig: Figure, ax: Axes, labels: list[str]) -> None:
    """Make the claims' panel at least as tall as its rows need, growing the figure (constrained
    layout shares the growth between the panels by their height ratios)."""
    need = _rows_height(labels)
    for _ in range(3):
        fig.draw_without_rendering()
        have = ax.get_window_extent().height * 72 / fig.dpi
        if have >= need - 0.5:
            return
        ratios = fig.axes[0].get_subplotspec().get_gridspec().get_height_ratios() or [1, 1]
        share = ratios[-1] / sum(ratios)
        width, height = fig.get_size_inches()
        fig.set_size_inches(width, height + (need - have) / 72 / share + 0.05)


def _panel_ratios(top_inches: float, labels: list[str]) -> list[float]:
    """Height ratios of a context chart's two panels: the series at `top_inches`, the claims at what
    their rows need, plus room for the lower panel's two-line title."""
    return [top_inches, max(_rows_height(labels) / 72, 0.5)]


# The Air Force dataset's outcomes of a night, as it defines them, in the order drawn: its columns,
# the words the chart and the cards use, and the line each is drawn as. "Did not reach their
# target" (lost locally) is never counted as destroyed.
AIR_FORCE_SERIES = {
    "launched": ("Russian drones launched at Ukraine", {"marker": "o", "lw": 1.6, "ls": "--", "alpha": 0.65}),
    "destroyed": ("of them, destroyed (shot down)", {"marker": "o", "lw": 2.2}),
    "not_reach_goal": (
        "of them, lost locally (did not reach their target)",
        {"marker": "s", "lw": 1.6, "ls": ":", "color": "#56B4E9"},
    ),
}


@theme.styled()
def plot_drone_context(
    nights: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    article: tuple[pd.Timestamp, pd.Timestamp],
    caption: str = "the Ukrainian Air Force’s reports, not independently verified",
    axes: tuple[Axes, Axes] | None = None,
) -> tuple[Axes, Axes]:
    """Two panels on one date axis, never added together: above, the Ukrainian Air Force's nightly
    counts of Russian drones launched at Ukraine and destroyed; below, the article's claims about
    drones over Russia (another direction, another claimant)."""
    labels = _row_labels(claims, _drone_row_label)
    fig = None
    if axes is None:
        ratios = _panel_ratios(3.0, labels)
        fig = Figure(figsize=theme.figsize(9.0, sum(ratios) + 2.2), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=ratios)
    else:
        top, bottom = axes
    color = theme.side_color("ukraine")
    x = mdates.date2num(nights.index)
    for column, (label, style) in AIR_FORCE_SERIES.items():
        if column in nights:
            top.plot(
                x,
                nights[column].astype("float"),
                ms=4,
                label=label,
                gid=f"series:{column}",
                **{"color": color, **style},
            )
    _mark_article((top, bottom), article, "the article’s night", "article-night", night=True)
    top.set_ylabel("Drones per night")
    top.set_ylim(0, max(float(nights["launched"].max(skipna=True) or 0), 1) * 1.15)
    top.set_title(
        theme.label_text("Ukrainian Air Force: Russian drones launched at Ukraine, per overnight report", 80, phone=38),
        loc="left",
        fontsize=11,
        gid="panel-title",
    )
    theme.headline(top, "Two directions, two claimants: drones over Ukraine and drones over Russia")
    handles = top.get_legend_handles_labels()[0] + theme.hatch_handle(claims["qualifier"].astype(str))
    theme.legend(top, handles, ncol=1 if theme.is_narrow() else 3)
    _claim_rows(bottom, claims, labels, nights=True)
    bottom.set_title(
        theme.label_text(
            "The article: drones over Russia, as claimed\n(another direction, another claimant)",
            80,
            phone=38,
        ),
        loc="left",
        fontsize=11,
        gid="panel-title",
    )
    theme.date_axis(bottom, maxticks=10)
    first, last = nights.index.min(), nights.index.max()
    bottom.set_xlim(mdates.date2num(first) - 0.5, mdates.date2num(last) + 1.5)
    theme.set_caption(
        bottom,
        f"Above: {caption}; nights {wording.format_window(first, last)}. Below: "
        + (theme.caption_text(claims) if len(claims) else "no matching claim from the article in this selection."),
    )
    if fig is not None:
        _fit_titles(fig)
        _grow_for_rows(fig, bottom, labels)
    return top, bottom


def _drone_row_label(row) -> str:
    subject = f" ({row.subject})" if isinstance(row.subject, str) else ""
    return f"{row.claimant}: {wording.claim_value(row)} {str(row.metric_label).lower()}{subject}"


# The other side's losses as one side claims them: no side's colour; solid, so the article-days band
# behind the bars never tints one into a third colour.
LOSSES_COLOR = "#A3A3A3"


def statements_word(days: pd.DataFrame) -> str:
    """The one word the statements give every figure with ("about"), which the losses panel's title
    says; "" when they give none or several."""
    words = sorted({q for q in days["qualifier"].dropna().astype(str) if q.strip()})
    return words[0] if len(words) == 1 else ""


@theme.styled()
def plot_losses_context(
    days: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    article: tuple[pd.Timestamp, pd.Timestamp],
    claimant: str,
    caption: str,
) -> tuple[Axes, Axes]:
    """Two panels on one date axis, never added together: above, a context series of daily claimed
    losses (one claimant, about the other side); below, the article's casualty claims (another
    claimant, about other people), each a mark on its window with its value as the text words it."""
    casualty = claims[claims["family"].astype(str) == vocab.CASUALTIES].sort_values(["date_start", "metric"])
    labels = _row_labels(casualty, _casualty_row_label)
    ratios = _panel_ratios(3.0, labels)
    fig = Figure(figsize=theme.figsize(9.0, sum(ratios) + 2.2), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=ratios)
    x = mdates.date2num(days.index)
    daily = days["daily"].astype("float").to_numpy()
    # Not the claimant side's blue: beside the article's Ukrainian casualties in that blue, Russian
    # losses in it read as Ukraine's. A context series of the other side's losses is drawn grey.
    color = LOSSES_COLOR
    # A statement dated D covers the 24 hours before it: its bar spans the day before D.
    top.bar(x - 0.5, np.nan_to_num(daily, nan=0.0), width=0.8, color=color, gid="series:daily")
    word = statements_word(days)
    qualified = f" (“{word}”, as the statements word it)" if word else ""
    top.set_title(
        theme.label_text(
            f"Russian losses, per day, as {claimant} claims them{qualified}: one “personnel” figure, "
            "not split into killed and wounded",
            80,
            phone=38,
        ),
        loc="left",
        fontsize=11,
        gid="panel-title",
    )
    top.set_ylabel("People per day (as claimed)")
    top.set_ylim(0, max(np.nanmax(daily) if np.isfinite(daily).any() else 1, 1) * 1.2)
    start, end = _mark_article((top, bottom), article, "the article’s days", "article-days")
    lo, hi = x.min() if len(x) else start, (x.max() + 1) if len(x) else end
    _claim_rows(bottom, casualty, labels)
    bottom.set_title(
        theme.label_text("The article: casualties as claimed\n(another claimant, other people)", 80, phone=38),
        loc="left",
        fontsize=11,
        gid="panel-title",
    )
    theme.date_axis(bottom, maxticks=10)
    bottom.set_xlim(lo - 1.0, hi + 0.5)  # a statement's bar spans the day before it: the first one whole
    handles = [
        mpl.patches.Patch(facecolor=color, label=f"Russian personnel losses, per day, claimed by {claimant} (Ukraine)"),
        *theme.side_handles(casualty["claimant_side"]),
        *theme.hatch_handle(casualty["qualifier"].astype(str)),  # the article's qualified figures, as drawn
    ]
    theme.headline(top, "Two claimants, two sides’ losses: context per day, and the article’s figures")
    theme.legend(top, handles, ncol=1)
    theme.set_caption(
        bottom,
        f"Above: {caption}. Below: "
        + (theme.caption_text(casualty) if len(casualty) else "no casualty claim from the article in this selection."),
    )
    _fit_titles(fig)
    _grow_for_rows(fig, bottom, labels)
    return top, bottom


def _casualty_row_label(row) -> str:
    subject = f" ({row.subject})" if isinstance(row.subject, str) else ""
    return f"{row.claimant}: {str(row.metric_label).lower()}, {wording.claim_value(row)}{subject}"
