"""Chart functions shaped like seaborn's: each takes a tidy claims frame (from `load_claims`),
draws on `ax` (a new figure when None) and returns the Axes.

Rules every chart follows: one mark per claim row, never summed or stacked across claimants;
colour by claimant side (theme.SIDE_COLORS); qualified values hatched and labelled with their
glyph (≥, ≤, ~); date windows drawn as spans; a provenance caption under the axes.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
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
    theme.set_theme()
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
        "hatch": theme.QUALIFIED_HATCH if qualified else None,
        "alpha": 0.55 if qualified else 1.0,
        "linewidth": 1.2,
    }


def _claim_bars(ax: Axes, rows: pd.DataFrame, x: np.ndarray, width: float) -> None:
    """One bar per claim row at positions x, labelled with its value as the text qualifies it; a lower
    bound ("at least") carries an upward arrow in its label: the true figure may be higher."""
    for xi, row in zip(x, rows.itertuples(), strict=True):
        bar = ax.bar(xi, row.value, width=width, **_bar_style(row), gid=f"claim:{row.event_id}")[0]
        label = wording.claim_value(row, glyph=True) + (" ↑" if row.qualifier == "at_least" else "")
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
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


def _series_over_time(ax: Axes, rows: pd.DataFrame, ylabel: str, title: str) -> Axes:
    """Many claims: one series per claimant and metric, each claim a point at the middle of its
    window with the window as a horizontal line; drawn with one call per series, not per claim."""
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    mid = (start + end) / 2
    qualified = rows["qualifier"].map(wording.is_qualified).to_numpy(dtype=bool)
    markers = ["o", "s", "^", "D", "v", "P"]
    groups = rows.groupby(["claimant", "metric_label"], observed=True, sort=True).indices
    for n, ((claimant, label), idx) in enumerate(groups.items()):
        side = str(rows["claimant_side"].iloc[idx[0]])
        color, marker = theme.side_color(side), markers[n % len(markers)]
        ax.hlines(rows["value"].to_numpy()[idx], start[idx], end[idx], colors=color, alpha=0.35, lw=1, rasterized=True)
        solid, hollow = idx[~qualified[idx]], idx[qualified[idx]]
        name = f"{theme.fit(claimant, 40, 1)}: {str(label).lower()} ({len(idx):,})"
        ax.scatter(
            mid[solid],
            rows["value"].to_numpy()[solid],
            s=14,
            color=color,
            marker=marker,
            label=name,
            gid=f"series:{claimant}:{label}",
            rasterized=True,
        )
        if len(hollow):
            ax.scatter(
                mid[hollow],
                rows["value"].to_numpy()[hollow],
                s=14,
                facecolors="white",
                edgecolors=color,
                marker=marker,
                label=f"{name}, qualified",
                gid=f"series-qualified:{claimant}:{label}",
                rasterized=True,
            )
    theme.date_axis(ax)
    ax.set_ylim(0, rows["value"].max() * 1.15)
    ax.set_ylabel(ylabel)
    theme.headline(ax, f"{title} ({len(rows):,} claims)")
    handles, _ = ax.get_legend_handles_labels()
    theme.legend(ax, handles, ncol=2)
    theme.add_caption(ax, rows)
    return ax


def _callout_lines(row) -> list[tuple[str, str]]:
    """The lines of one call-out card below its number: (text, kind)."""
    lines = []
    if isinstance(row.subject, str) and row.subject.strip():
        lines.append((theme.fit(row.subject, 34, 2), "subject"))
    if isinstance(row.location, str) and row.location.strip():
        lines.append((theme.fit(f"Where: {row.location}", 40, 2), "detail"))
    lines.append((theme.fit(f"When: {wording.format_window(row.date_start, row.date_end)}", 40, 1), "detail"))
    if pd.notna(row.duration_hours):
        lines.append((theme.fit(f"{wording.rate_phrase(row)}, if spread evenly", 40, 2), "detail"))
    lines.append((theme.fit(f"Claimed by {wording.side_phrase(row.claimant, row.claimant_side)}", 40, 2), "claimant"))
    return lines


LINE = 1.3  # line height, in font sizes


def _card(row) -> list[tuple[str, float, str, str, float]]:
    """One call-out card as (text, font size, weight, kind, space above in points), top to bottom."""
    card = [
        (theme.fit(row.metric_label, 30, 2), 11, "bold", "heading", 8),
        (wording.claim_value(row), 30, "bold", "value", 6),
    ]
    for text, kind in _callout_lines(row):
        card.append((text, 10.5 if kind == "subject" else 9, "bold" if kind == "subject" else "normal", kind, 6))
    return card


def _card_height(card) -> float:
    """Points a card takes: each text's lines at its line height, and the space above each."""
    return sum(above + size * LINE * (text.count("\n") + 1) for text, size, _, _, above in card)


def plot_drone_claims(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Drone claims as number call-outs, one card per claim, each headed by what it counts, with
    where, when and who claims it: different counts by different claimants, never bars on one axis
    that read as a contest. Cards are laid out in points from their top edge, so they keep their
    spacing at any figure size (three to a row, or one under another on a phone)."""
    rows = data[data["family"].astype(str) == vocab.DRONES].sort_values(["date_start", "claimant_side", "metric"])
    _require(rows, "drone")
    if len(rows) > MAX_MARKS:
        ax = _axes(ax)
        return _series_over_time(ax, rows, "Drones (as claimed)", "Drone claims, each claimant’s own count")
    ncols = 1 if theme.is_narrow() else min(len(rows), 3)
    nrows = int(np.ceil(len(rows) / ncols))
    cards = [_card(row) for row in rows.itertuples()]
    row_height = max(_card_height(card) for card in cards) + 18  # points, with a gap under each row
    own = ax is None
    if own:
        theme.set_theme()
        width = theme.NARROW_WIDTH if theme.is_narrow() else 3.4 * ncols + 0.6
        ax = Figure(figsize=(width, nrows * row_height / 72 + 2), layout="constrained").add_subplot()
    ax.set_axis_off()
    for i, (row, card) in enumerate(zip(rows.itertuples(), cards, strict=True)):
        x, top = (i % ncols + 0.02) / ncols, 1 - (i // ncols) / nrows
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
                va="top",
                color=color if kind == "value" else "#222222" if kind == "heading" else "#333333",
                annotation_clip=False,
                gid=f"{kind}:{row.event_id}",
            ).set_in_layout(False)  # placed in points from the card's top; the figure is sized for them
            offset += size * LINE * (text.count("\n") + 1)
    subjects = rows["subject"].dropna().astype(str).unique()
    about = f" about {subjects[0]}" if len(subjects) == 1 else ""
    theme.headline(ax, f"Drone claims{about}: each claimant’s own count, not added together")
    theme.side_legend(ax, rows["claimant_side"], qualifiers=rows["qualifier"].astype(str))
    theme.add_caption(ax, rows)
    if own:  # as tall as the cards plus what the layout puts above and below them
        fig = ax.get_figure(root=True)
        fig.draw_without_rendering()
        furniture = sum(
            a.get_window_extent().height for a in (*fig.legends, fig.get_supxlabel() and fig._supxlabel) if a
        )
        fig.set_size_inches(fig.get_figwidth(), nrows * row_height / 72 + furniture / fig.dpi + 0.5)
    return ax


def plot_casualties(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Killed and wounded, grouped by incident; one bar per claim, lower bounds drawn as lower bounds."""
    rows = data[data["family"].astype(str) == vocab.CASUALTIES].sort_values(
        ["date_start", "incident", "claimant_side", "metric"]
    )
    _require(rows, "casualty")
    ax = _axes(ax)
    if len(rows) > MAX_MARKS:
        return _series_over_time(ax, rows, "People (as claimed)", "Casualty claims by claimant")
    positions, ticks, tick_labels, pos = [], [], [], 0.0
    room = int(ax.get_figure(root=True).get_figwidth() * 72 * 0.8 / 6 / (len(rows) + rows["incident"].nunique() - 1))
    per_bar = max(8, min(24, room))  # characters a tick label may take under its bar
    for _, group in rows.groupby("incident", observed=True, sort=False):
        xs = pos + np.arange(len(group))
        positions.extend(xs)
        ticks.extend(xs)
        tick_labels.extend(
            f"{theme.fit(r.metric_label, per_bar, 1)}\n{theme.fit(r.claimant, per_bar)}" for r in group.itertuples()
        )
        first = group.iloc[0]
        label = wording.incident_label(first["incident"], first["date_start"], group["date_end"].max())
        if isinstance(first["subject"], str) and first["subject"].strip():
            label += f"\n{first['subject']}"
        ax.annotate(
            theme.fit(label, 44, 3),
            xy=(xs.mean(), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -6),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=10,
            fontstyle="italic",
            gid=f"incident:{first['incident']}",
        )
        pos = xs[-1] + 2
    _claim_bars(ax, rows, np.array(positions), 0.7)
    ax.set_xticks(ticks, tick_labels)
    ax.set_ylabel("People (as claimed)")
    ax.set_ylim(0, rows["value"].max() * 1.45)
    ax.set_xlim(min(positions) - 0.8, max(positions) + 0.8)
    theme.headline(ax, "Casualties as claimed, by incident and claimant")
    theme.side_legend(ax, rows["claimant_side"], qualifiers=rows["qualifier"].astype(str))
    theme.add_caption(ax, rows)
    return ax


WIDE = pd.Timedelta(days=7)  # a window longer than this means the text does not give the day


def plot_territory(
    data: pd.DataFrame,
    *,
    unit: str = "km2",
    ax: Axes | None = None,
    mapped: pd.DataFrame | None = None,
    mapped_caption: str = "",
) -> Axes:
    """Territory held as claimed: a value whose day the text gives (within a week) is a mark on its
    window; a value whose date is only known to lie in a longer window is a bracket over that window
    ("date not given"), never a plateau. Derived values are drawn hollow and say so.

    mapped: a daily series of mapped areas (index: date; held_km2, grey_km2), drawn under the claims
    as its own claimant's line, with the grey zone as a band above it (not counted as held)."""
    if unit not in vocab.UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(vocab.UNITS)}")
    unit_label, _ = vocab.UNITS[unit]
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2].sort_values(["date_end", "date_start"])
    _require(rows, "territory")
    ax = _axes(ax)
    handles = theme.side_handles(rows["claimant_side"])
    if mapped is not None and len(mapped):
        handles += _draw_mapped(ax, mapped, vocab.UNITS[unit][1])
    context = data[(data["metric"].astype(str) == vocab.EVENT) & data["incident"].isin(rows["incident"].unique())]
    for row in context.itertuples():  # e.g. the incursion the claims are about, with its own legend entry
        ax.axvspan(
            mdates.date2num(row.date_start),
            mdates.date2num(row.date_end + ONE_DAY),
            color=theme.side_color(row.claimant_side),
            alpha=0.18,
            lw=0,
            gid=f"event:{row.event_id}",
        )
    if 0 < len(context) <= 3:
        handles += [
            mpl.patches.Patch(
                facecolor=theme.side_color(r.claimant_side),
                alpha=0.3,
                label=theme.fit(f"{r.subject or r.incident} ({r.date_text})", 50, 1),
            )
            for r in context.itertuples()
        ]
    values = np.array([wording.converted(v, vocab.UNITS[unit][1]) for v in rows["value"]])
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    wide = ((rows["date_end"] - rows["date_start"]) > WIDE).to_numpy()
    derived = rows["value_basis"].astype(str).eq("derived").to_numpy()
    sides = rows["claimant_side"].astype(str).to_numpy()
    top = max(values.max(), 1)
    many = len(rows) > MAX_MARKS  # rasterized in SVG: thousands of vector shapes would make files of many MB
    for side in pd.unique(sides):
        color = theme.side_color(side)
        for is_wide in (False, True):
            m = (sides == side) & (wide == is_wide)
            if not m.any():
                continue
            if is_wide:  # a bracket: |———| at the value, over the window in which the date lies
                segments = [[(a, v), (b, v)] for a, b, v in zip(start[m], end[m], values[m], strict=True)]
                caps = [
                    [(x, v - top * 0.025), (x, v + top * 0.025)]
                    for a, b, v in zip(start[m], end[m], values[m], strict=True)
                    for x in (a, b)
                ]
                ax.add_collection(
                    mpl.collections.LineCollection(
                        segments,
                        colors=color,
                        linewidths=1.2 if many else 2,
                        rasterized=many,
                        clip_on=False,
                        gid=f"claims:{side}:wide",
                    )
                )
                ax.add_collection(
                    mpl.collections.LineCollection(
                        caps, colors=color, linewidths=1.2 if many else 2, rasterized=many, clip_on=False
                    )
                )
            else:
                ax.hlines(
                    values[m],
                    start[m],
                    end[m],
                    colors=color,
                    linewidth=1.2 if many else 5,
                    rasterized=many,
                    clip_on=False,
                    gid=f"claims:{side}:narrow",
                )
        marks = (sides == side) & derived
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
            )
    first = min(rows["date_start"].min(), context["date_start"].min() if len(context) else rows["date_start"].min())
    last = max(rows["date_end"].max(), context["date_end"].max() if len(context) else rows["date_end"].max())
    if mapped is not None and len(mapped):
        first, last = min(first, mapped.index.min()), max(last, mapped.index.max())
        top = max(top, float((mapped["held_km2"] + mapped["grey_km2"]).max() * vocab.UNITS[unit][1]))
    span = max((last - first).days, 30)
    left, right = mdates.date2num(first) - span * 0.06, mdates.date2num(last + ONE_DAY) + span * 0.06
    label_idx = range(len(rows)) if len(rows) <= 12 else sorted({int(np.argmax(values)), len(rows) - 1})
    for i in label_idx:
        row = rows.iloc[i]
        at = (start[i] + end[i]) / 2
        share = (at - left) / (right - left)  # near an edge, the label runs inwards
        ha, dx = ("right", 4) if share > 0.75 else ("left", -4) if share < 0.25 else ("center", 0)
        value = wording.claim_value(row, unit if unit != "km2" else None)
        when = (
            f"date not given: {wording.format_window(row['date_start'], row['date_end'])}"
            if wide[i]
            else wording.format_window(row["date_start"], row["date_end"])
        )
        note = " (derived from the words)" if derived[i] else ""
        ax.annotate(
            f"{value}{note}\n" + theme.fit(f"{row['claimant']}, “{row['date_text']}”", 56, 2) + f"\n{when}",
            xy=(min(max(at, left), right), values[i]),
            xytext=(dx, 10),
            textcoords="offset points",
            ha=ha,
            va="bottom",
            multialignment=ha,
            fontsize=9.5,
            color=theme.side_color(row["claimant_side"]),
            fontweight="bold",
            gid=f"value:{row['event_id']}",
        )
    ax.set_xlim(left, right)
    theme.date_axis(ax)
    ax.set_ylim(-top * 0.06, top * 1.45)
    ax.set_ylabel(f"Territory ({unit_label})")
    if wide.any():
        handles.append(
            mpl.lines.Line2D(
                [],
                [],
                color="#555555",
                lw=2,
                marker="|",
                markersize=10,
                markeredgewidth=2,
                label="Bracket: held on a day within it; the text gives no day",
            )
        )
    if derived.any():
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
    subjects = rows["subject"].dropna().astype(str).unique()
    theme.headline(ax, f"{subjects[0] if len(subjects) == 1 else 'Territory held'}, as claimed ({unit_label})")
    theme.legend(ax, handles, ncol=2)
    if mapped is not None and len(mapped):
        theme.set_caption(ax, f"{theme.caption_text(rows)} Mapped areas: {mapped_caption}.")
    else:
        theme.add_caption(ax, rows)
    return ax


def _draw_mapped(ax: Axes, mapped: pd.DataFrame, factor: float) -> list:
    """The mapped series under the claims: held as a line, the grey zone as a band above it. Days
    without a snapshot break the line (a gap in the archive is not a straight line between maps)."""
    mapped = mapped.asfreq("D")
    x = mdates.date2num(mapped.index)
    held = mapped["held_km2"].to_numpy(dtype=float) * factor
    grey = mapped["grey_km2"].to_numpy(dtype=float) * factor
    ax.fill_between(x, held, held + grey, color="#9E9E9E", alpha=0.35, lw=0, zorder=1, gid="mapped:grey")
    ax.plot(x, held, color=theme.MAPPED_COLOR, lw=1.6, marker="o", ms=2.5, zorder=2, gid="mapped:held")
    return [
        mpl.lines.Line2D(
            [], [], color=theme.MAPPED_COLOR, lw=1.6, label="DeepState maps: held by Ukraine, per snapshot"
        ),
        mpl.patches.Patch(facecolor="#9E9E9E", alpha=0.35, label="DeepState maps: grey zone (not counted as held)"),
    ]


def timeline_label(row) -> str:
    if pd.isna(row.value):
        return theme.fit(row.subject or row.incident, 48)
    return theme.fit(f"{row.claimant}: {str(row.metric_label).lower()} {wording.claim_value(row, glyph=True)}", 48)


NARROW = pd.Timedelta(days=2)  # a window this short is drawn with a mark; a longer one as a bar only


def _crowded_window(rows: pd.DataFrame, days: int = 14) -> tuple[pd.Timestamp, pd.Timestamp] | None:
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


def _draw_timeline_rows(ax: Axes, rows: pd.DataFrame, y: np.ndarray) -> None:
    for yi, row in zip(y, rows.itertuples(), strict=True):
        start = mdates.date2num(row.date_start)
        width = mdates.date2num(row.date_end + ONE_DAY) - start
        color = theme.side_color(row.claimant_side)
        qualified = wording.is_qualified(row.qualifier) and pd.notna(row.value)
        narrow = (row.date_end - row.date_start) < NARROW
        ax.barh(
            yi,
            width,
            left=start,
            height=0.55,
            color=color,
            alpha=0.35 if narrow else 0.45,
            lw=1 if qualified else 0,
            edgecolor=color,
            hatch=theme.QUALIFIED_HATCH if qualified and not narrow else None,
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


def plot_timeline(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Every claim and dated event as a span from date_start to date_end, one row each, by side; where
    most rows crowd into a few days of a long timeline, a second panel shows those days."""
    rows = data.sort_values(["date_start", "date_end", "event_id"])
    _require(rows, "dated")
    if len(rows) > MAX_MARKS:
        return _timeline_lanes(rows, ax)
    crowded = _crowded_window(rows) if ax is None else None
    height = 0.42 * len(rows) + 2.9
    if ax is None:
        theme.set_theme()
        if theme.is_narrow():  # on a phone the detail panel goes below the whole period, each with its labels
            fig = Figure(figsize=theme.figsize(10.5, height * (2 if crowded else 1)), layout="constrained")
            axes = list(fig.subplots(2, 1)) if crowded else [fig.add_subplot()]
        else:
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
    labels = [timeline_label(r) for r in rows.itertuples()]
    ax.set_yticks(y, labels)
    if crowded and theme.is_narrow():
        axes[1].set_yticks(y, labels)
    if crowded:
        lo, hi = (mdates.date2num(d) for d in crowded)
        axes[1].set_xlim(lo, hi)
        axes[1].xaxis.set_major_locator(mdates.DayLocator(interval=max(1, int((hi - lo) // 6))))
        axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%-d"))
        axes[1].set_title(
            theme.fit(f"Detail, {wording.format_window(crowded[0], crowded[1] - ONE_DAY)}", 30), loc="left", fontsize=10
        )
        ax.axvspan(lo, hi, color="#999999", alpha=0.15, lw=0)
        ax.set_title(
            theme.fit("Whole period (shaded: the detail)", 40 if not theme.is_narrow() else 20), loc="left", fontsize=10
        )
    narrow = (rows["date_end"] - rows["date_start"]) < NARROW
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
        (~narrow & qualified).any()
        and mpl.patches.Patch(
            facecolor="white", edgecolor="#555555", hatch=theme.QUALIFIED_HATCH, label="hatched: bound or approximation"
        ),
    ]
    theme.headline(ax, "Every claim and dated event, by when it happened")
    theme.legend(ax, theme.side_handles(rows["claimant_side"]) + [m for m in marks if m], ncol=3)
    theme.add_caption(ax, rows)
    return ax


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
        ax.scatter((start[idx] + end[idx]) / 2, np.full(len(idx), y), s=10, color=color, zorder=3, rasterized=True)
        labels.append(f"{theme.fit(label, 36, 1)} — {vocab.SIDE_LABELS[str(side)]} ({len(idx):,})")
    ax.set_yticks(range(len(labels)), labels)
    theme.date_axis(ax)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    theme.headline(ax, f"{len(rows):,} claims and dated events, by what is claimed and by whom")
    theme.side_legend(ax, rows["claimant_side"])
    theme.add_caption(ax, rows)
    return ax


def _mark_article(axes, article: tuple[pd.Timestamp, pd.Timestamp], label: str, gid: str) -> tuple[float, float]:
    """Shade the article's days on every panel and name them on the first; returns the span's ends."""
    start, end = mdates.date2num(article[0]), mdates.date2num(article[1] + ONE_DAY)
    for ax in axes:
        ax.axvspan(start, end, color="#FFD54F", alpha=0.35, lw=0, gid=gid)
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


def _label_beside(ax, text: str, start: float, end: float, y: float, view: tuple[float, float], **style) -> None:
    """A claim's label beside its bar, on whichever side has room in the view (lo, hi)."""
    lo, hi = view
    right = (end - lo) / max(hi - lo, 1) < 0.5
    ax.annotate(
        text,
        xy=(end if right else start, y),
        xytext=(6 if right else -6, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        va="center",
        **style,
    )


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
    if axes is None:
        theme.set_theme()
        fig = Figure(figsize=theme.figsize(9.0, 6.4), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.3])
    else:
        top, bottom = axes
    color = theme.side_color("ukraine")
    x = mdates.date2num(nights.index)
    top.plot(
        x,
        nights["launched"].astype("float"),
        marker="o",
        ms=4,
        lw=1.6,
        ls="--",
        color=color,
        alpha=0.65,
        label="Russian drones launched at Ukraine",
        gid="series:launched",
    )
    top.plot(
        x,
        nights["destroyed"].astype("float"),
        marker="o",
        ms=4,
        lw=2.2,
        color=color,
        label="… of which destroyed",
        gid="series:destroyed",
    )
    _mark_article((top, bottom), article, "the article’s night", "article-night")
    top.set_ylabel("Drones per night")
    top.set_ylim(0, max(float(nights["launched"].max(skipna=True) or 0), 1) * 1.15)
    top.set_title(
        theme.fit("Ukrainian Air Force: Russian drones launched at Ukraine, per night", 80), loc="left", fontsize=11
    )
    theme.headline(top, "Two directions, two claimants: drones over Ukraine and drones over Russia")
    theme.legend(top, top.get_legend_handles_labels()[0], ncol=2)
    for row in claims.itertuples():
        cstart, cend = mdates.date2num(row.date_start), mdates.date2num(row.date_end + ONE_DAY)
        bar = bottom.barh(
            0,
            cend - cstart,
            left=cstart,
            height=0.5,
            color=theme.side_color(row.claimant_side),
            gid=f"claim:{row.event_id}",
        )[0]
        subject = f" ({row.subject})" if isinstance(row.subject, str) else ""
        _label_beside(
            bottom,
            f"{theme.fit(row.claimant, 40, 1)}:\n"
            + theme.fit(f"{wording.claim_value(row)} {str(row.metric_label).lower()}{subject}", 40),
            cstart,
            cend,
            0,
            (mdates.date2num(nights.index.min()), mdates.date2num(nights.index.max()) + 1),
            fontsize=10,
            fontweight="bold",
            color=bar.get_facecolor(),
        )
    bottom.set_yticks([])
    bottom.set_ylim(-0.6, 0.6)
    bottom.set_title(
        theme.fit(
            "The article: drones over Russia, as claimed\n(another direction, another claimant: never added)", 80, 3
        ),
        loc="left",
        fontsize=11,
    )
    theme.date_axis(bottom, maxticks=10)
    first, last = nights.index.min(), nights.index.max()
    bottom.set_xlim(mdates.date2num(first) - 0.5, mdates.date2num(last) + 1.5)
    theme.set_caption(
        bottom,
        f"Above: {caption}; nights {wording.format_window(first, last)}. Below: "
        + (theme.caption_text(claims) if len(claims) else "no matching claim from the article in this selection."),
    )
    return top, bottom


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
    theme.set_theme()
    fig = Figure(figsize=theme.figsize(9.0, 6.4), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.6])
    x = mdates.date2num(days.index)
    daily = days["daily"].astype("float").to_numpy()
    color = theme.side_color("ukraine")
    # A statement dated D covers the 24 hours before it: its bar spans the day before D.
    top.bar(x - 0.5, np.nan_to_num(daily, nan=0.0), width=0.8, color=color, alpha=0.8, gid="series:daily")
    words = sorted({q for q in days["qualifier"].dropna().astype(str) if q.strip()})
    qualified = f" (“{words[0]}”, as the statements word it)" if len(words) == 1 else ""
    who = claimant[:1].upper() + claimant[1:]
    top.set_title(theme.fit(f"{who}: Russian personnel losses claimed per day{qualified}", 80), loc="left", fontsize=11)
    top.set_ylabel("People per day (as claimed)")
    top.set_ylim(0, max(np.nanmax(daily) if np.isfinite(daily).any() else 1, 1) * 1.2)
    start, end = _mark_article((top, bottom), article, "the article’s days", "article-days")
    casualty = claims[claims["family"].astype(str) == vocab.CASUALTIES].sort_values(["date_start", "metric"])
    lo, hi = x.min() if len(x) else start, (x.max() + 1) if len(x) else end
    for i, row in enumerate(casualty.itertuples()):
        cstart, cend = mdates.date2num(row.date_start), mdates.date2num(row.date_end + ONE_DAY)
        y = -i
        bottom.barh(
            y,
            cend - cstart,
            left=cstart,
            height=0.5,
            color=theme.side_color(row.claimant_side),
            gid=f"claim:{row.event_id}",
        )
        label = theme.fit(
            f"{row.claimant}: {str(row.metric_label).lower()}, {wording.claim_value(row)}"
            + (f" ({row.subject})" if isinstance(row.subject, str) else ""),
            46,
        )
        _label_beside(
            bottom,
            label,
            cstart,
            cend,
            y,
            (lo, hi),
            fontsize=9.5,
            fontweight="bold",
            color=theme.side_color(row.claimant_side),
        )
    bottom.set_yticks([])
    bottom.set_ylim(-max(len(casualty), 1) + 0.4, 0.6)
    bottom.set_title(
        theme.fit("The article: casualties as claimed\n(another claimant, other people: never added)", 80, 4),
        loc="left",
        fontsize=11,
    )
    theme.date_axis(bottom, maxticks=10)
    bottom.set_xlim(lo - 0.5, hi + 0.5)
    handles = [
        mpl.patches.Patch(facecolor=color, alpha=0.8, label=f"Claimed by {claimant} (Ukraine), per day"),
        *theme.side_handles(casualty["claimant_side"]),
    ]
    theme.headline(top, "Two claimants, two sides’ losses: context per day, and the article’s figures")
    theme.legend(top, handles, ncol=1)
    theme.set_caption(
        bottom,
        f"Above: {caption}. Below: "
        + (theme.caption_text(casualty) if len(casualty) else "no casualty claim from the article in this selection."),
    )
    return top, bottom
