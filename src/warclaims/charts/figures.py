"""Figure-level helpers: compose the chart functions, add alt text, and render deterministically.

A `ClaimFigure` displays itself in Jupyter as a PNG with its alt text (used by the HTML export)
and carries its SVG in a warclaims MIME type, so the report build can publish both without the
notebook writing any file.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from warclaims.charts import FIGURE_MIME, plots
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording


@dataclass
class ClaimFigure:
    name: str
    figure: Figure
    alt: str

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
        return buf.getvalue()

    def svg(self) -> str:
        buf = io.StringIO()
        self.figure.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = self.png()
        data = {
            "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": f"[figure] {self.alt}",
            FIGURE_MIME: {"name": self.name, "alt": self.alt, "svg": self.svg()},
        }
        return data, {"image/png": {"alt": self.alt}}


@dataclass
class NoClaims:
    """Shown instead of an empty chart when the parameters select nothing."""

    what: str
    selection: str

    def __str__(self) -> str:
        return f"No {self.what} claims match this selection ({self.selection}), so there is no chart."

    def _repr_markdown_(self) -> str:
        return f"> **No claims match.** {wording.md(self)}"

    def __repr__(self) -> str:
        return str(self)


def _sentences(rows: pd.DataFrame, *, unit: str | None = None, factor: float = 1.0, most: int = 6) -> str:
    """One clause per claim for a few claims; for many, a count per claimant and the date range."""
    if len(rows) > most:
        counts = rows.groupby(["claimant", "metric_label"], observed=True).size()
        per = "; ".join(f"{c}: {n:,} claims of {str(m).lower()}" for (c, m), n in counts.items())
        return f"{len(rows):,} claims from {wording.format_window(rows['date_start'].min(), rows['date_end'].max())} ({per})"
    parts = []
    for r in rows.itertuples():
        value = wording.value_words(r.value * factor, r.qualifier)
        suffix = f" {vocab.UNITS[unit][0]}" if unit else ""
        parts.append(
            f"{r.claimant}: {value}{suffix} {str(r.metric_label).lower()} ({wording.format_window(r.date_start, r.date_end)})"
        )
    return "; ".join(parts)


def _family_figure(
    data: pd.DataFrame, family: str, what: str, plot, name: str, chart: str, order: list[str], selection: str
):
    rows = data[data["family"].astype(str) == family]
    if rows.empty:
        return NoClaims(what, selection)
    ax = plot(rows)
    return ClaimFigure(name, ax.figure, f"{chart}: {_sentences(rows.sort_values(order))}.")


def drone_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    return _family_figure(
        data,
        vocab.DRONES,
        "drone",
        plots.plot_drone_claims,
        "drone_claims",
        "Bar chart of drone claims, one bar per claimant",
        ["date_start"],
        selection,
    )


def casualty_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    return _family_figure(
        data,
        vocab.CASUALTIES,
        "casualty",
        plots.plot_casualties,
        "casualties",
        "Bar chart of casualty claims by incident",
        ["date_start", "metric"],
        selection,
    )


def territory_figure(data: pd.DataFrame, unit: str = "km2", selection: str = "") -> ClaimFigure | NoClaims:
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
    if rows.empty:
        return NoClaims("territory", selection)
    ax = plots.plot_territory(data, unit=unit)
    _, factor = vocab.UNITS[unit]
    alt = (
        f"Step chart of territory held over time: {_sentences(rows.sort_values('date_end'), unit=unit, factor=factor)}."
    )
    return ClaimFigure(f"territory_{unit}", ax.figure, alt)


def timeline_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    if data.empty:
        return NoClaims("dated", selection)
    ax = plots.plot_timeline(data)
    first, last = data["date_start"].min(), data["date_end"].max()
    sides = ", ".join(f"{vocab.SIDE_LABELS[s]} {n}" for s, n in data["claimant_side"].value_counts().items() if n)
    alt = (
        f"Timeline of {len(data)} claims and dated events from {wording.format_window(first, first)} to "
        f"{wording.format_window(last, last)}, each drawn as a span over its date window (by side: {sides})."
    )
    return ClaimFigure("timeline", ax.figure, alt)


def drone_context_figure(sel, attacks, days: int = 14) -> ClaimFigure | NoClaims | None:
    """The Air Force's nightly drone counts around the article's night, beside the article's drone claims
    (None, so nothing is shown, when no attack dataset was given)."""
    from warclaims.external.attacks import nights_around_article

    if attacks is None:
        return None
    first, last, nights = nights_around_article(sel.all_claims, attacks.frame, days)
    if nights["reports"].sum() == 0:
        return NoClaims(
            "Air Force drone",
            f"no reports in the dataset for {wording.format_window(nights.index.min(), nights.index.max())}",
        )
    claims = sel.claims[sel.claims["metric"].astype(str) == vocab.DRONES_INTERCEPTED]
    top, _bottom = plots.plot_drone_context(nights, claims, article=(first, last))
    on = nights.loc[last] if last in nights.index else None
    night = (
        f" (night ending {wording.format_window(last, last)}: {int(on['launched'])} launched, {int(on['destroyed'])} destroyed)"
        if on is not None and pd.notna(on["launched"])
        else ""
    )
    below = "; ".join(
        f"{r.claimant}: {wording.value_words(r.value, r.qualifier)} drones intercepted ({r.subject}), "
        f"{wording.format_window(r.date_start, r.date_end)}"
        for r in claims.head(3).itertuples()
    )
    alt = (
        f"Line chart of the Ukrainian Air Force’s nightly counts of Russian drones launched at Ukraine and destroyed, "
        f"{wording.format_window(nights.index.min(), nights.index.max())}{night}; below it, as a separate panel, "
        f"{below or 'no drone claim from the article in this selection'}."
    )
    return ClaimFigure("drone_context", top.figure, alt)
