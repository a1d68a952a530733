"""Chart functions shaped like seaborn's: each takes a tidy claims frame (from `load_claims`),
draws on `ax` (a new figure when None) and returns the Axes.

Rules every chart follows: one mark per claim row, never summed or stacked across claimants;
colour by claimant side (style.SIDE_COLORS); qualified values hatched and labelled with their
glyph (≥, ≤, ~); date windows drawn as spans; a provenance caption under the axes.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from warclaims import style

ONE_DAY = pd.Timedelta(days=1)


def _axes(ax: Axes | None, figsize=style.FIGSIZE) -> Axes:
    if ax is not None:
        return ax
    style.set_theme()
    # A bare Figure, not pyplot: nothing is shown twice by the inline backend, and no global state.
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _require(data: pd.DataFrame, what: str) -> None:
    if data.empty:
        raise ValueError(f"no {what} claims to plot (the selection is empty)")


def _bar_style(row) -> dict:
    qualified = style.is_qualified(row.qualifier)
    color = style.side_color(row.claimant_side)
    return dict(color=color, edgecolor=color, hatch=style.QUALIFIED_HATCH if qualified else None,
                alpha=0.55 if qualified else 1.0, linewidth=1.2)


def _claim_bars(ax: Axes, rows: pd.DataFrame, x: np.ndarray, width: float, unit_of=None) -> None:
    """One bar per claim row at positions x, labelled with its value and qualifier glyph."""
    for xi, row in zip(x, rows.itertuples()):
        bar = ax.bar(xi, row.value, width=width, **_bar_style(row), gid=f"claim:{row.event_id}")[0]
        label = style.value_label(row.value, row.qualifier, unit_of(row) if unit_of else None)
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=11, fontweight="bold",
                    gid=f"value:{row.event_id}")
        if row.qualifier == "at_least":  # a lower bound: the true figure may be higher
            ax.annotate("", xy=(xi + width * 0.32, row.value * 1.15 + 0.4), xytext=(xi + width * 0.32, row.value),
                        arrowprops=dict(arrowstyle="-|>", color=style.side_color(row.claimant_side), lw=1.5))


def plot_drone_claims(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Drone claims (intercepted, reached target) as separate bars, one per claimant and claim,
    with the per-hour rate where the text gives a duration."""
    rows = data[data["family"].astype(str) == "drones"].sort_values(["date_start", "claimant_side", "metric"])
    _require(rows, "drone")
    ax = _axes(ax)
    x = np.arange(len(rows))
    _claim_bars(ax, rows, x, 0.6)
    labels = []
    for row in rows.itertuples():
        label = f"{row.claimant}\n{str(row.metric_label).lower()}\n{style.format_window(row.date_start, row.date_end)}"
        if pd.notna(row.duration_hours):
            rate = row.value / row.duration_hours
            label += f"\n≈{rate:,.1f} per hour over {style.format_number(row.duration_hours)} h"
        labels.append(label)
    ax.set_xticks(x, labels)
    ax.set_ylabel("Drones (as claimed)")
    ax.set_ylim(0, rows["value"].max() * 1.25)
    ax.set_xlim(-0.7, len(rows) - 0.3)
    ax.set_title("Drone claims, each side’s own figure", pad=30)
    style.side_legend(ax, rows["claimant_side"], qualified=rows["qualifier"].map(style.is_qualified).any())
    style.add_caption(ax, rows)
    return ax


def plot_casualties(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Killed and wounded, grouped by incident; one bar per claim, lower bounds drawn as lower bounds."""
    rows = data[data["family"].astype(str) == "casualties"].sort_values(["date_start", "incident", "claimant_side", "metric"])
    _require(rows, "casualty")
    ax = _axes(ax)
    positions, ticks, tick_labels, pos = [], [], [], 0.0
    for _, group in rows.groupby("incident", observed=True, sort=False):
        xs = pos + np.arange(len(group))
        positions.extend(xs)
        ticks.extend(xs)
        tick_labels.extend(f"{str(r.metric_label)}\n{r.claimant}" for r in group.itertuples())
        first = group.iloc[0]
        ax.annotate(f"{first['subject'] or first['incident']}, {style.format_window(first['date_start'], group['date_end'].max())}",
                    xy=(xs.mean(), 1.0), xycoords=("data", "axes fraction"), xytext=(0, -6), textcoords="offset points",
                    ha="center", va="top", fontsize=10, fontstyle="italic", gid=f"incident:{first['incident']}")
        pos = xs[-1] + 2
    _claim_bars(ax, rows, np.array(positions), 0.7)
    ax.set_xticks(ticks, tick_labels)
    ax.set_ylabel("People (as claimed)")
    ax.set_ylim(0, rows["value"].max() * 1.45)
    ax.set_xlim(min(positions) - 0.8, max(positions) + 0.8)
    ax.set_title("Casualty claims by claimant and incident", pad=30)
    style.side_legend(ax, rows["claimant_side"], qualified=rows["qualifier"].map(style.is_qualified).any())
    style.add_caption(ax, rows)
    return ax


def plot_territory(data: pd.DataFrame, *, unit: str = "km2", ax: Axes | None = None) -> Axes:
    """Territory held over time: each claim a step at its value across its date window, claims joined
    in time order by a thin connector; windows wider than a week are shaded and dashed (date uncertain)."""
    if unit not in style.UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(style.UNITS)}")
    unit_label, factor = style.UNITS[unit]
    rows = data[data["metric"].astype(str) == "territory_held_km2"].sort_values(["date_end", "date_start"])
    _require(rows, "territory")
    ax = _axes(ax)
    context = data[(data["metric"].astype(str) == "event") & data["incident"].isin(rows["incident"].unique())]
    for row in context.itertuples():  # e.g. the incursion: where the story starts
        start, end = mdates.date2num(row.date_start), mdates.date2num(row.date_end + ONE_DAY)
        ax.axvspan(start, end, color=style.side_color(row.claimant_side), alpha=0.25, lw=0, gid=f"event:{row.event_id}")
        ax.annotate(f"{row.subject}\n({row.date_text})", xy=(end, 0.5), xycoords=("data", "axes fraction"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=9, color="#444444", rotation=90)
    values = rows["value"] * factor
    prev = None
    for row, value in zip(rows.itertuples(), values):
        start, end = mdates.date2num(row.date_start), mdates.date2num(row.date_end + ONE_DAY)
        color = style.side_color(row.claimant_side)
        wide = (row.date_end - row.date_start) > pd.Timedelta(days=7)
        ax.axvspan(start, end, color=color, alpha=0.07 if wide else 0.18, lw=0, gid=f"window:{row.event_id}")
        ax.hlines(value, start, end, colors=color, linewidth=3.2, linestyles="--" if wide else "-", gid=f"claim:{row.event_id}")
        if prev is not None:  # the change from one claim to the next, whoever made them
            ax.plot([start, start], [prev, value], color="#8A8A8A", lw=1.2, ls=":", zorder=1)
        prev = value
        label = style.value_label(value, row.qualifier, unit)
        at, ha, dx = ((start + end) / 2, "center", 0) if wide else (end, "left", 6)  # narrow window: label beside it
        ax.annotate(f"{label}\n{row.claimant} (“{row.date_text}”)", xy=(at, value), xytext=(dx, 8),
                    textcoords="offset points", ha=ha, va="bottom", fontsize=10, fontweight="bold", color=color,
                    gid=f"value:{row.event_id}")
    first = min(rows["date_start"].min(), context["date_start"].min() if len(context) else rows["date_start"].min())
    last = rows["date_end"].max()
    ax.set_xlim(mdates.date2num(first - pd.Timedelta(days=20)), mdates.date2num(last + pd.Timedelta(days=75)))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylim(0, max(values.max() * 1.3, 1))
    ax.set_ylabel(f"Territory held ({unit_label})")
    ax.set_title("Claimed territory held in the Kursk region", pad=30)
    dashed = mpl.lines.Line2D([], [], color="#555555", lw=2.5, ls="--", label="Dashed: date not known within the window")
    style.side_legend(ax, rows["claimant_side"], extra=[dashed] if any((rows["date_end"] - rows["date_start"]) > pd.Timedelta(days=7)) else None)
    style.add_caption(ax, rows)
    return ax


def timeline_label(row) -> str:
    if pd.isna(row.value):
        return f"{row.subject or row.incident}"
    return f"{row.claimant}: {str(row.metric_label).lower()} {style.value_label(row.value, row.qualifier, row.unit)}"


def plot_timeline(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Every claim and dated event as a span from date_start to date_end, one row each, by side."""
    rows = data.sort_values(["date_start", "date_end", "event_id"])
    _require(rows, "dated")
    ax = _axes(ax, figsize=(10.5, 0.42 * len(rows) + 2.6))
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows.itertuples()):
        start = mdates.date2num(row.date_start)
        width = mdates.date2num(row.date_end + ONE_DAY) - start
        color = style.side_color(row.claimant_side)
        ax.barh(yi, width, left=start, height=0.55, color=color, alpha=0.35, lw=0, gid=f"window:{row.event_id}")
        filled = not style.is_qualified(row.qualifier) or pd.isna(row.value)
        ax.plot(start + width / 2, yi, marker="D" if pd.isna(row.value) else "o", ms=7, color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.6, gid=f"claim:{row.event_id}")
    ax.set_yticks(y, [timeline_label(r) for r in rows.itertuples()])
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_title("Every claim and dated event, by when it happened", pad=48)
    markers = [
        mpl.lines.Line2D([], [], marker="o", ls="", color="#555555", label="claimed value"),
        mpl.lines.Line2D([], [], marker="o", ls="", color="#555555", markerfacecolor="white", label="open: bound or approximation"),
        mpl.lines.Line2D([], [], marker="D", ls="", color="#555555", label="dated event"),
    ]
    style.side_legend(ax, rows["claimant_side"], extra=markers)
    style.add_caption(ax, rows)
    return ax
