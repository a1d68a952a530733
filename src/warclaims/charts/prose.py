"""Sentences for the notebooks, generated from the table so no figure is typed twice.

Every value taken from the table passes through `wording.md`, so text in a claim (a quote, a
note) reaches the Markdown and HTML as text, never as markup.
"""

from __future__ import annotations

import pandas as pd

from warclaims.charts.selection import Selection
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording
from warclaims.claims.wording import md


class Prose(str):
    """Markdown that Jupyter renders as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _unit_words(unit: str | None) -> str:
    return f" {vocab.UNITS[unit][0]}" if unit in vocab.UNITS else ""


def claim_sentence(row, *, unit: str | None = None, factor: float = 1.0, quote: bool = True) -> str:
    """'**Russia’s defence ministry** (Russia): drones intercepted, 159 (Ukrainian drones), 20–21 May 2025 (“Tuesday night…”).'"""
    side = vocab.SIDE_LABELS[str(row.claimant_side)]
    when = f"{wording.format_window(row.date_start, row.date_end)} (“{md(row.date_text)}”)"
    if pd.isna(row.value):
        text = f"**{md(row.subject or row.incident)}**, {when}, per {md(row.claimant)} ({side})."
    else:
        value = wording.value_words(row.value * factor, row.qualifier) + (
            _unit_words(unit) if unit else _unit_words(row.unit)
        )
        subject = f" ({md(row.subject)})" if isinstance(row.subject, str) else ""
        text = f"**{md(row.claimant)}** ({side}): {md(str(row.metric_label).lower())}, **{value}**{subject}, {when}."
        if row.value_basis == "derived":
            text += " The number is derived from the wording, not written in it."
    if quote:
        text += f" Source words: “{md(row.quote)}”"
    return text


MOST_LISTED = 12  # claims spelled out in prose; the rest are counted and left to the table


def bullet_list(rows: pd.DataFrame, most: int = MOST_LISTED, **kwargs) -> str:
    lines = [f"- {claim_sentence(r, **kwargs)}" for r in rows.head(most).itertuples()]
    if len(rows) > most:
        lines.append(f"- … and {len(rows) - most:,} more claims of this kind, listed in the overview’s claim table.")
    return "\n".join(lines)


def _count(n, one: str, many: str) -> str:
    return f"{int(n)} {one if int(n) == 1 else many}"


def _side_counts(claims: pd.DataFrame) -> str:
    counts = claims["claimant_side"].value_counts()
    return ", ".join(f"{vocab.SIDE_LABELS[s]} {int(counts.get(s, 0))}" for s in vocab.SIDE_LABELS if counts.get(s, 0))


def overview(sel: Selection) -> Prose:
    c = sel.claims
    if c.empty:
        return Prose(f"> **No claims match** this selection ({md(sel.description)}).")
    valued = c[c["value"].notna()]
    q = valued["qualifier"].astype(str).value_counts()
    sources = c["title"].nunique()
    return Prose(
        f"This selection ({md(sel.description)}) holds **{_count(len(valued), 'claimed value', 'claimed values')}** and "
        f"**{_count(len(c) - len(valued), 'dated event', 'dated events')}** from {sources} source{'s' * (sources != 1)}, "
        f"dated {wording.format_window(c['date_start'].min(), c['date_end'].max())}. By side of the claimant: {_side_counts(c)}. "
        f"Of the values, {int(q.get('exact', 0))} are written as exact counts, {int(q.get('at_least', 0))} as lower bounds "
        f"(“at least”), {int(q.get('at_most', 0))} as upper bounds and {int(q.get('approximately', 0))} as approximations; "
        f"{_count((valued['value_basis'] == 'derived').sum(), 'is', 'are')} derived from the wording rather than written as a number."
    )


def drones(sel: Selection) -> Prose:
    rows = sel.claims[sel.claims["family"].astype(str) == vocab.DRONES].sort_values(["date_start", "claimant_side"])
    if rows.empty:
        return Prose(f"> **No drone claims match** this selection ({md(sel.description)}).")
    lines = [bullet_list(rows)]
    for r in rows[rows["duration_hours"].notna()].head(MOST_LISTED).itertuples():
        rate = r.value / r.duration_hours
        lines.append(
            f"\n{md(r.claimant)} gives a duration, {wording.format_number(r.duration_hours)} hours, so its figure works out at "
            f"**{rate:,.1f} drones per hour** if they were spread evenly; the text does not say they were."
        )
    if rows["claimant"].nunique() > 1:
        lines.append(
            "\nThe bars come from different claimants counting different things (drones one side says it "
            "intercepted, drones the other side says reached a target); they are shown side by side and never added."
        )
    return Prose("\n".join(lines))


def casualties(sel: Selection) -> Prose:
    rows = sel.claims[sel.claims["family"].astype(str) == vocab.CASUALTIES].sort_values(
        ["date_start", "incident", "metric"]
    )
    if rows.empty:
        return Prose(f"> **No casualty claims match** this selection ({md(sel.description)}).")
    out = []
    incidents = rows["incident"].astype(str).unique()
    if len(incidents) > MOST_LISTED:
        out.append(
            f"The selection holds {len(rows):,} casualty claims about {len(incidents):,} incidents; the first {MOST_LISTED} are spelled out here."
        )
        rows = rows[rows["incident"].astype(str).isin(incidents[:MOST_LISTED])]
    for _incident, group in rows.groupby("incident", observed=True, sort=False):
        claimants = group["claimant"].astype(str).unique()
        out.append(bullet_list(group))
        if len(claimants) == 1:
            out.append(
                f"\nOnly {md(claimants[0])} gives figures for this incident in the table; no other party’s count is there to compare."
            )
    bounds = rows[rows["qualifier"].astype(str) == "at_least"]
    if not bounds.empty:
        out.append(
            "\nFigures written as “at least” are lower bounds: their bars are hatched, carry ≥ and an upward arrow, "
            "because the real number may be higher."
        )
    return Prose("\n".join(out))


def territory(sel: Selection, unit: str) -> Prose:
    rows = sel.claims[sel.claims["metric"].astype(str) == vocab.TERRITORY_HELD_KM2].sort_values("date_end")
    if rows.empty:
        return Prose(f"> **No territory claims match** this selection ({md(sel.description)}).")
    _, factor = vocab.UNITS[unit]
    out = [bullet_list(rows, unit=unit, factor=factor)]
    peak = rows.loc[rows["value"].idxmax()]
    out.append(
        f"\nThe peak in the table is **{wording.value_words(peak['value'] * factor, peak['qualifier'])}{_unit_words(unit)}**, "
        f"claimed by {md(peak['claimant'])}; its date window runs {wording.format_window(peak['date_start'], peak['date_end'])} "
        "because the text does not say when the peak was. Values are stored in km² and converted here "
        "(1 sq mi = 2.59 km²), so the chart never relies on a conversion printed in the article."
    )
    return Prose("\n".join(out))


class ClaimTable:
    """The claim rows as a readable HTML table (every cell escaped), with the verbatim quotes."""

    MOST_ROWS = 200  # beyond this the page would be megabytes of table; the CSV is the full record

    def __init__(self, claims: pd.DataFrame):
        self.total = len(claims)
        claims = claims.sort_values(["date_start", "event_id"]).head(self.MOST_ROWS)
        self.frame = pd.DataFrame(
            {
                "When": [
                    f"{wording.format_window(a, b)} ({t})"
                    for a, b, t in zip(claims["date_start"], claims["date_end"], claims["date_text"], strict=True)
                ],
                "Claimant": claims["claimant"].astype(str),
                "Side": claims["claimant_side"].astype(str).map(vocab.SIDE_LABELS),
                "Claim": [
                    r.metric_label
                    if pd.isna(r.value)
                    else f"{r.metric_label}: {wording.value_label(r.value, r.qualifier, r.unit)}"
                    for r in claims.itertuples()
                ],
                "Quote (verbatim)": claims["quote"].astype(str),
                "Notes": claims["notes"].fillna("").astype(str),
            }
        )

    def _repr_html_(self) -> str:
        with pd.option_context("display.max_colwidth", None):
            table = self.frame.to_html(index=False, escape=True, border=0, classes="warclaims-table", justify="left")
        if self.total > len(self.frame):
            table = (
                f"<p>The first {len(self.frame):,} of {self.total:,} claims by date; the full table is the events CSV "
                "this report was built from.</p>\n"
            ) + table
        return table

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            return self.frame.to_string(index=False)


DATASET_NOTE = (
    "the public “Massive Missile Attacks on Ukraine” dataset compiled by Petro Ivaniuk (piterfm) from "
    "Ukrainian Air Force reports and published on Kaggle"
)


def attack_context(sel: Selection, attacks, days: int) -> Prose:
    """What the Air Force context adds, or how to add it when no dataset was given."""
    if attacks is None:
        return Prose(
            "Set the parameter `attacks_csv` to `missile_attacks_daily.csv` from "
            + DATASET_NOTE
            + " to add, for context, the Ukrainian Air Force’s nightly counts of Russian drones launched at "
            "Ukraine around this night."
        )
    from warclaims.external.attacks import nights_around_article

    _first, last, nights = nights_around_article(sel.all_claims, attacks.frame, days)
    lines = [
        f"For context, {DATASET_NOTE}: {attacks.rows_read:,} rows read, {attacks.duplicates_dropped:,} exact duplicates "
        f"dropped, {attacks.bad_rows:,} unreadable rows left out"
        + (
            f", {_count(sum(attacks.unknown_models.values()), 'row', 'rows')} whose model the reference table does not know kept as "
            "unknown (not counted as drones)"
            if attacks.unknown_models
            else ""
        )
        + "."
    ]
    if last in nights.index and pd.notna(nights.loc[last, "launched"]):
        on = nights.loc[last]
        lines.append(
            f"\nOn the night ending {wording.format_window(last, last)} the Air Force reported "
            f"**{int(on['launched']):,} Russian drones launched at Ukraine** and **{int(on['destroyed']):,} destroyed** "
            f"({int(on['reports'])} report rows). Over the {len(nights)} nights shown, the median was "
            f"{nights['launched'].median():,.0f} launched per night with a report."
        )
    else:
        lines.append(f"\nThe dataset has no drone report for the night ending {wording.format_window(last, last)}.")
    lines.append(
        "\nThese are Ukraine’s counts of Russian drones over Ukraine; the article’s figure is Russia’s count of "
        "Ukrainian drones over Russia. Different direction, different claimant: the chart keeps them in "
        "separate panels and never adds them. Date-only reports count for the date they carry; nights "
        "without a report are gaps, not zeros."
    )
    return Prose("\n".join(lines))
