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
    return Figure(figsize=figsize, layout="constrained").add_subplot()


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


def _claim_bars(ax: Axes, rows: pd.DataFrame, x: np.ndarray, width: float, unit_of=None) -> None:
    """One bar per claim row at positions x, labelled with its value and qualifier glyph."""
    for xi, row in zip(x, rows.itertuples(), strict=True):
        bar = ax.bar(xi, row.value, width=width, **_bar_style(row), gid=f"claim:{row.event_id}")[0]
        label = wording.value_label(row.value, row.qualifier, unit_of(row) if unit_of else None)
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold",
            gid=f"value:{row.event_id}",
        )
        if row.qualifier == "at_least":  # a lower bound: the true figure may be higher
            ax.annotate(
                "",
                xy=(xi + width * 0.32, row.value * 1.15 + 0.4),
                xytext=(xi + width * 0.32, row.value),
                arrowprops={"arrowstyle": "-|>", "color": theme.side_color(row.claimant_side), "lw": 1.5},
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
    ax.set_title(f"{title} ({len(rows):,} claims)", pad=30)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8.5)
    theme.add_caption(ax, rows)
    return ax


def plot_drone_claims(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Drone claims (intercepted, reached target) as separate bars, one per claimant and claim,
    with the per-hour rate where the text gives a duration."""
    rows = data[data["family"].astype(str) == vocab.DRONES].sort_values(["date_start", "claimant_side", "metric"])
    _require(rows, "drone")
    ax = _axes(ax)
    if len(rows) > MAX_MARKS:
        return _series_over_time(ax, rows, "Drones (as claimed)", "Drone claims, each side’s own figure")
    x = np.arange(len(rows))
    _claim_bars(ax, rows, x, 0.6)
    labels = []
    for row in rows.itertuples():
        label = (
            f"{theme.fit(row.claimant)}\n{theme.fit(str(row.metric_label).lower())}\n"
            f"{wording.format_window(row.date_start, row.date_end)}"
        )
        if pd.notna(row.duration_hours):
            rate = row.value / row.duration_hours
            label += f"\n≈{rate:,.1f} per hour over {wording.format_number(row.duration_hours)} h"
        labels.append(label)
    ax.set_xticks(x, labels)
    ax.set_ylabel("Drones (as claimed)")
    ax.set_ylim(0, rows["value"].max() * 1.25)
    ax.set_xlim(-0.7, len(rows) - 0.3)
    ax.set_title("Drone claims, each side’s own figure", pad=30)
    theme.side_legend(ax, rows["claimant_side"], qualified=rows["qualifier"].map(wording.is_qualified).any())
    theme.add_caption(ax, rows)
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
    for _, group in rows.groupby("incident", observed=True, sort=False):
        xs = pos + np.arange(len(group))
        positions.extend(xs)
        ticks.extend(xs)
        tick_labels.extend(
            f"{theme.fit(r.metric_label, 24, 1)}\n{theme.fit(r.claimant, 24)}" for r in group.itertuples()
        )
        first = group.iloc[0]
        ax.annotate(
            theme.fit(
                f"{first['subject'] or first['incident']}, "
                f"{wording.format_window(first['date_start'], group['date_end'].max())}",
                44,
            ),
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
    ax.set_title("Casualty claims by claimant and incident", pad=30)
    theme.side_legend(ax, rows["claimant_side"], qualified=rows["qualifier"].map(wording.is_qualified).any())
    theme.add_caption(ax, rows)
    return ax


def plot_territory(data: pd.DataFrame, *, unit: str = "km2", ax: Axes | None = None) -> Axes:
    """Territory held over time: each claim a step at its value across its date window, claims joined
    in time order by a thin connector; windows wider than a week are shaded and dashed (date uncertain)."""
    if unit not in vocab.UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(vocab.UNITS)}")
    unit_label, factor = vocab.UNITS[unit]
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2].sort_values(["date_end", "date_start"])
    _require(rows, "territory")
    ax = _axes(ax)
    context = data[(data["metric"].astype(str) == vocab.EVENT) & data["incident"].isin(rows["incident"].unique())]
    for side, group in context.groupby("claimant_side", observed=True):  # e.g. the incursion: where the story starts
        spans = _union(mdates.date2num(group["date_start"]), mdates.date2num(group["date_end"] + ONE_DAY))
        ax.broken_barh(
            spans,
            (0, 1),
            transform=ax.get_xaxis_transform(),
            color=theme.side_color(side),
            alpha=0.25,
            lw=0,
            gid=f"events:{side}",
        )
    if 0 < len(context) <= 3:
        for row in context.itertuples():
            end = mdates.date2num(row.date_end + ONE_DAY)
            ax.annotate(
                f"{theme.fit(row.subject, 40, 1)}\n({theme.fit(row.date_text, 38, 1)})",
                xy=(end, 0.5),
                xycoords=("data", "axes fraction"),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=9,
                color="#444444",
                rotation=90,
            )
    values = rows["value"].to_numpy() * factor
    start = mdates.date2num(rows["date_start"])
    end = mdates.date2num(rows["date_end"] + ONE_DAY)
    wide = ((rows["date_end"] - rows["date_start"]) > pd.Timedelta(days=7)).to_numpy()
    sides = rows["claimant_side"].astype(str).to_numpy()
    for side in pd.unique(sides):
        for is_wide in (False, True):
            m = (sides == side) & (wide == is_wide)
            if not m.any():
                continue
            color = theme.side_color(side)
            many = m.sum() > MAX_MARKS  # rasterized in SVG: thousands of vector shapes would make files of many MB
            ax.broken_barh(
                _union(start[m], end[m]),
                (0, 1),
                transform=ax.get_xaxis_transform(),
                color=color,
                alpha=0.07 if is_wide else 0.18,
                lw=0,
            )
            ax.hlines(
                values[m],
                start[m],
                end[m],
                colors=color,
                linewidth=1.2 if many else 3.2,
                rasterized=many,
                linestyles="--" if is_wide else "-",
                gid=f"claims:{side}:{'wide' if is_wide else 'narrow'}",
            )
    if 1 < len(rows) <= MAX_MARKS:  # the change from one claim to the next, whoever made them
        ax.plot(
            np.repeat(start[1:], 2),
            np.column_stack([values[:-1], values[1:]]).ravel(),
            color="#8A8A8A",
            lw=1.2,
            ls=":",
            zorder=1,
        )
    label_idx = range(len(rows)) if len(rows) <= 12 else sorted({int(np.argmax(values)), len(rows) - 1})
    for i in label_idx:
        row = rows.iloc[i]
        color = theme.side_color(row["claimant_side"])
        at, ha, dx = (
            ((start[i] + end[i]) / 2, "center", 0) if wide[i] else (end[i], "left", 6)
        )  # narrow window: label beside it
        ax.annotate(
            f"{wording.value_label(values[i], row['qualifier'], unit)}\n"
            + theme.fit(f"{row['claimant']} (“{row['date_text']}”)", 40),
            xy=(at, values[i]),
            xytext=(dx, 8),
            textcoords="offset points",
            ha=ha,
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color=color,
            gid=f"value:{row['event_id']}",
        )
    first = min(rows["date_start"].min(), context["date_start"].min() if len(context) else rows["date_start"].min())
    last = rows["date_end"].max()
    ax.set_xlim(mdates.date2num(first - pd.Timedelta(days=20)), mdates.date2num(last + pd.Timedelta(days=75)))
    theme.date_axis(ax)
    ax.set_ylim(0, max(values.max() * 1.3, 1))
    ax.set_ylabel(f"Territory held ({unit_label})")
    ax.set_title("Claimed territory held in the Kursk region", pad=30)
    dashed = mpl.lines.Line2D(
        [], [], color="#555555", lw=2.5, ls="--", label="Dashed: date not known within the window"
    )
    theme.side_legend(ax, rows["claimant_side"], extra=[dashed] if wide.any() else None)
    theme.add_caption(ax, rows)
    return ax


def timeline_label(row) -> str:
    if pd.isna(row.value):
        return theme.fit(row.subject or row.incident, 48)
    value = wording.value_label(row.value, row.qualifier, row.unit)
    return theme.fit(f"{row.claimant}: {str(row.metric_label).lower()} {value}", 48)


def plot_timeline(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Every claim and dated event as a span from date_start to date_end, one row each, by side."""
    rows = data.sort_values(["date_start", "date_end", "event_id"])
    _require(rows, "dated")
    if len(rows) > MAX_MARKS:
        return _timeline_lanes(rows, ax)
    ax = _axes(ax, figsize=(10.5, 0.42 * len(rows) + 2.6))
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows.itertuples(), strict=True):
        start = mdates.date2num(row.date_start)
        width = mdates.date2num(row.date_end + ONE_DAY) - start
        color = theme.side_color(row.claimant_side)
        ax.barh(yi, width, left=start, height=0.55, color=color, alpha=0.35, lw=0, gid=f"window:{row.event_id}")
        filled = not wording.is_qualified(row.qualifier) or pd.isna(row.value)
        ax.plot(
            start + width / 2,
            yi,
            marker="D" if pd.isna(row.value) else "o",
            ms=7,
            color=color,
            markerfacecolor=color if filled else "white",
            markeredgewidth=1.6,
            gid=f"claim:{row.event_id}",
        )
    ax.set_yticks(y, [timeline_label(r) for r in rows.itertuples()])
    theme.date_axis(ax)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_title("Every claim and dated event, by when it happened", pad=64)
    markers = [
        mpl.lines.Line2D([], [], marker="o", ls="", color="#555555", label="claimed value"),
        mpl.lines.Line2D(
            [], [], marker="o", ls="", color="#555555", markerfacecolor="white", label="open: bound or approximation"
        ),
        mpl.lines.Line2D([], [], marker="D", ls="", color="#555555", label="dated event"),
    ]
    theme.side_legend(ax, rows["claimant_side"], extra=markers)
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
    ax.set_title(f"{len(rows):,} claims and dated events, by what is claimed and by whom", pad=30)
    theme.side_legend(ax, rows["claimant_side"])
    theme.add_caption(ax, rows)
    return ax


def plot_drone_context(
    nights: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    article: tuple[pd.Timestamp, pd.Timestamp],
    axes: tuple[Axes, Axes] | None = None,
) -> tuple[Axes, Axes]:
    """Two panels on one date axis, never added together: above, the Ukrainian Air Force's nightly
    counts of Russian drones launched at Ukraine and destroyed; below, the article's claims about
    drones over Russia (another direction, another claimant)."""
    if axes is None:
        theme.set_theme()
        fig = Figure(figsize=(9.0, 6.4), layout="constrained")
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
    start, end = mdates.date2num(article[0]), mdates.date2num(article[1] + ONE_DAY)
    for ax in (top, bottom):
        ax.axvspan(start, end, color="#FFD54F", alpha=0.35, lw=0, gid="article-night")
    top.annotate(
        "the article’s night",
        xy=(end, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color="#6D4C00",
    )
    top.set_ylabel("Drones per night")
    top.set_ylim(0, max(float(nights["launched"].max(skipna=True) or 0), 1) * 1.15)
    top.set_title(
        "Ukrainian Air Force: Russian drones launched at Ukraine, per night", loc="left", fontsize=11.5, pad=24
    )
    top.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, borderaxespad=0.1)
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
        bottom.annotate(
            f"{theme.fit(row.claimant, 40, 1)}:\n"
            + theme.fit(
                f"{wording.value_label(row.value, row.qualifier)} {str(row.metric_label).lower()}{subject}", 40
            ),
            xy=(cend, 0),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=10,
            fontweight="bold",
            color=bar.get_facecolor(),
        )
    bottom.set_yticks([])
    bottom.set_ylim(-0.6, 0.6)
    bottom.set_title(
        "The article: drones over Russia, as claimed (another direction, another claimant: not added)",
        loc="left",
        fontsize=11.5,
    )
    theme.date_axis(bottom, maxticks=10)
    first, last = nights.index.min(), nights.index.max()
    bottom.set_xlim(mdates.date2num(first) - 0.5, mdates.date2num(last) + 1.5)
    theme.set_caption(
        bottom,
        f"Above: Ukrainian Air Force reports compiled in the public dataset “Massive Missile Attacks on Ukraine” "
        f"(Petro Ivaniuk), nights {wording.format_window(first, last)}; claims by Ukraine’s Air Force, not "
        "independently verified. Below: "
        + (theme.caption_text(claims) if len(claims) else "no matching claim from the article in this selection."),
    )
    return top, bottom
