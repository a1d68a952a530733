"""Sentences for the notebooks, generated from the table so no figure is typed twice.

Every value taken from the table passes through `wording.markdown_text`, so text in a claim (a quote, a
note) reaches the Markdown and HTML as text, never as markup.
"""

from __future__ import annotations

import html

import pandas as pd

from warclaims.charts.selection import Selection
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording
from warclaims.claims.citing import cite, recorded, short_names, summary
from warclaims.claims.wording import markdown_text


class Prose(str):
    """Markdown that Jupyter renders as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


def claim_sentence(row, *, unit: str | None = None, quote: bool = True) -> str:
    """'**Russia’s defence ministry** (Russia): drones intercepted, **159** (Ukrainian drones), 20–21 May 2025 (“Tuesday night…”).'

    unit: show an area claim in this unit ("mi2"), converted at the claim's own precision.
    """
    who = markdown_text(wording.side_phrase(row.claimant, row.claimant_side))
    when = f"{wording.format_window(row.date_start, row.date_end)} (“{markdown_text(row.date_text)}”)"
    if pd.isna(row.value):
        text = f"**{markdown_text(row.subject or row.incident)}**, {when}, per {who}."
    else:
        value = markdown_text(wording.claim_value(row, unit))
        subject = f" ({markdown_text(row.subject)})" if isinstance(row.subject, str) else ""
        if str(getattr(row, "family", "")) == vocab.DRONES and isinstance(row.country, str) and row.country.strip():
            subject = (
                f" ({markdown_text(row.subject)}, over {markdown_text(row.country)})"
                if subject
                else f" (over {markdown_text(row.country)})"
            )
        text = f"{_bold_claimant(who)}: {markdown_text(str(row.metric_label).lower())}, **{value}**{subject}, {when}."
        if row.value_basis == "derived":
            text += " The number is derived from the wording, not written in it."
    if quote:
        text += f" Source words: “{markdown_text(row.quote)}”"
    return text


def _bold_claimant(phrase: str) -> str:
    """'**Russia’s defence ministry** (Russia)': the claimant in bold, its side after it."""
    name, sep, side = phrase.rpartition(" (")
    return f"**{name}** ({side}" if sep else f"**{phrase}**"


MOST_LISTED = 12  # claims spelled out in prose; the rest are counted and left to the table


def bullet_list(rows: pd.DataFrame, most: int = MOST_LISTED, **kwargs) -> str:
    lines = [f"- {claim_sentence(r, **kwargs)}" for r in rows.head(most).itertuples()]
    if len(rows) > most:
        lines.append(f"- … and {len(rows) - most:,} more claims of this kind, in this page’s claims CSV.")
    return "\n".join(lines)


def _count(n, one: str, many: str) -> str:
    return f"{int(n)} {one if int(n) == 1 else many}"


def _side_counts(claims: pd.DataFrame) -> str:
    counts = claims["claimant_side"].value_counts()
    return ", ".join(f"{vocab.SIDE_LABELS[s]} {int(counts.get(s, 0))}" for s in vocab.SIDE_LABELS if counts.get(s, 0))


def headline(
    sel: Selection,
    family: str | None = None,
    *,
    unit: str = "km2",
    mapped=None,
    place: str | None = None,
    attacks=None,
    losses=None,
):
    """The page's headline and dek (its one H1), from the claims it shows and any context drawn
    beside them: see `headlines`."""
    from warclaims.charts import headlines

    context = [
        (name, result)
        for name, result in (
            ("DeepState’s snapshots", mapped),
            ("the Air Force’s reports", attacks),
            ("the General Staff’s statements", losses),
        )
        if result is not None
    ]
    if family is None:
        found = headlines.overview_headline(sel.claims)
        found.as_of = headlines.as_of(sel.claims, context)
        return found
    rows = sel.shown(family)
    found, beside = "", ""
    if family == vocab.TERRITORY and mapped is not None:
        from warclaims.charts.parameters import check_place
        from warclaims.charts.plots import mapped_place_index, territory_places

        claims = rows[rows["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
        places = territory_places(claims) if len(claims) else []
        at = mapped_place_index(places[:MOST_PLACES], check_place(place)) if places else None
        if at is not None:
            found, beside = headlines.mapped_finding(places[at][1], mapped, unit)
            if not found:  # maps given, none of these dates: said, so the page never reads as the one without
                found = "DeepState’s maps hold no snapshot of these dates"
    elif attacks is not None:
        from warclaims.external.attacks import nights_around_article

        found, beside = headlines.context_phrases(attacks, "attacks")
        _first, last, nights = nights_around_article(sel.all_claims, attacks.frame, 1)
        # The figure the chart and prose give, in the dek: it counts other drones (Russia's, launched at
        # Ukraine) than the claims may, so the headline names the dataset beside them, not its number.
        if last in nights.index and pd.notna(nights.loc[last, "launched"]):
            beside += (
                f" The Air Force counted {int(nights.loc[last, 'launched']):,} Russian drones launched at Ukraine"
                f" on the night ending {wording.format_window(last, last)}."
            )
    elif losses is not None:
        from warclaims.external.general_staff import days_around

        found, beside = headlines.context_phrases(losses, "losses")
        first, last, series = days_around(sel.all_claims, losses.frame, 1)
        on = series.loc[first + pd.Timedelta(days=1) : last + pd.Timedelta(days=1), "daily"].dropna()
        if len(on):  # a statement dated D covers the 24 hours before it, as the prose says
            word = next(iter(series["qualifier"].dropna().astype(str)), "")
            who = losses.dataset.claimant if losses.dataset is not None else "the Ukrainian General Staff"
            day = pd.Timestamp(on.index[0])
            beside += (
                f" {who[:1].upper() + who[1:]} claimed {word + ' ' if word else ''}{int(on.iloc[0]):,} Russian"
                f" personnel lost in the 24 hours before its statement of {wording.format_window(day, day)}."
            )
    found = headlines.family_headline(rows, family, unit=unit, found=found, beside=beside)
    found.as_of = headlines.as_of(rows, context)
    return found


def overview(sel: Selection) -> Prose:
    c = sel.claims
    if c.empty:
        return Prose(f"> **No claims match** this selection ({markdown_text(sel.description)}).")
    valued = c[c["value"].notna()]
    q = valued["qualifier"].astype(str).value_counts()
    sources = c["source_id"].nunique()
    return Prose(
        f"This selection ({markdown_text(sel.description)}) holds **{_count(len(valued), 'claimed value', 'claimed values')}** and "
        f"**{_count(len(c) - len(valued), 'dated event', 'dated events')}** from {sources} source{'s' * (sources != 1)}, "
        f"dated {wording.format_window(c['date_start'].min(), c['date_end'].max())}. Values by side of the claimant: "
        f"{_side_counts(valued) or 'none'}. Of the values, "
        f"{_count(q.get('exact', 0), 'is written as an exact count', 'are written as exact counts')}, "
        f"{_count(q.get('at_least', 0), 'as a lower bound', 'as lower bounds')} (“at least”), "
        f"{_count(q.get('at_most', 0), 'as an upper bound', 'as upper bounds')} and "
        f"{_count(q.get('approximately', 0), 'as an approximation', 'as approximations')}; "
        f"{_count((valued['value_basis'] == 'derived').sum(), 'is', 'are')} derived from the wording rather than written as a number."
    )


def how_to_read(sel: Selection, family: str | None = None, **drawn) -> Prose:
    """How to read the chart above, for this selection as it is drawn: the timeline's (family None)
    or a family page's, and what it cannot show; `drawn` is what the territory chart is given
    (unit, mapped, place)."""
    from warclaims.charts import keys

    key = {
        None: keys.timeline,
        vocab.CASUALTIES: keys.casualties,
        vocab.DRONES: keys.drones,
        vocab.TERRITORY: keys.territory,
    }[family](sel, **drawn)
    if not key:
        return Prose("")
    return Prose(f"**How to read the chart.** {key}\n\n{keys.limits(sel, family)}")


def drones(sel: Selection) -> Prose:
    from warclaims.charts.plots import drone_order

    rows = drone_order(sel.claims)
    if rows.empty:
        return Prose(f"> **No drone claims match** this selection ({markdown_text(sel.description)}).")
    lines = [bullet_list(rows)]
    for r in rows[rows["duration_hours"].notna()].head(MOST_LISTED).itertuples():
        lines.append(
            f"\n{markdown_text(r.claimant)} gives a duration, so its figure works out at **{markdown_text(wording.rate_phrase(r))}** "
            "if the drones were spread evenly; the text does not say they were."
        )
    return Prose("\n".join(lines))


def casualties(sel: Selection) -> Prose:
    rows = sel.claims[sel.claims["family"].astype(str) == vocab.CASUALTIES].sort_values(
        ["date_start", "incident", "metric"]
    )
    if rows.empty:
        return Prose(f"> **No casualty claims match** this selection ({markdown_text(sel.description)}).")
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
                f"\nOnly {markdown_text(claimants[0])} gives figures for this incident in the table; no other party’s count is there to compare."
            )
    return Prose("\n".join(out))


MOST_PLACES = 12  # places spelled out in prose, as on the chart


def territory(sel: Selection, unit: str, mapped=None, place: str | None = None) -> Prose:
    """The territory claims place by place (as the chart draws them, one panel each), with the
    largest claim of each place; with `mapped`, what the maps show for the place they measure."""
    from warclaims.charts.parameters import check_place
    from warclaims.charts.plots import mapped_place_index, territory_places

    place = check_place(place)  # checked here, in the notebook's first cell, before any text is shown
    rows = sel.claims[sel.claims["metric"].astype(str) == vocab.TERRITORY_HELD_KM2].sort_values("date_end")
    if rows.empty:
        return Prose(f"> **No territory claims match** this selection ({markdown_text(sel.description)}).")
    places = territory_places(rows)
    out = []
    if len(places) > 1:
        out.append(
            f"The claims are about {len(places)} places; each is listed and drawn on its own, never added to "
            "another or set on one scale with it."
        )
    for name, group in places[:MOST_PLACES]:
        if len(places) > 1:
            out.append(f"\n**{markdown_text(name)}**\n")
        out.append(bullet_list(group, unit=unit))
        peak = next(group.loc[[group["value"].idxmax()]].itertuples())
        undated = (peak.date_end - peak.date_start) > pd.Timedelta(days=7)
        if len(group) > 1 or undated:
            out.append(
                f"\nThe largest value claimed for it is **{markdown_text(wording.claim_value(peak, unit))}**, by {markdown_text(peak.claimant)}"
                + (
                    f", for some day in {wording.format_window(peak.date_start, peak.date_end)}: the text does not "
                    "say which."
                    if undated
                    else f", for {wording.format_window(peak.date_start, peak.date_end)}."
                )
            )
    if len(places) > MOST_PLACES:
        out.append(f"\n… and {len(places) - MOST_PLACES:,} more places, in this page’s claims CSV.")
    if unit != "km2":
        out.append(
            f"\nValues are stored in km² and shown in {vocab.UNITS[unit][0]}, rounded to the precision of the "
            "claim they convert (1 sq mi = 2.589988 km²)."
        )
    if mapped is not None and not mapped.frame.empty:
        at = mapped_place_index(places[:MOST_PLACES], place)
        if at is None:
            out.append(
                "\nThe map snapshots measure one region, and none of the places these claims are about is "
                "named as that region, so the maps are drawn in a panel of their own and compared with no claim."
            )
        else:
            group = places[at][1]
            peak = next(group.loc[[group["value"].idxmax()]].itertuples())
            out.append(_mapped_comparison(group, mapped, unit, peak))
    return Prose("\n".join(out))


def _mapped_comparison(rows: pd.DataFrame, mapped, unit: str, peak) -> str:
    """What the maps show beside the claims, in numbers the data gives (never typed)."""
    from warclaims.external.territory import daily

    series = daily(mapped.frame)
    first, last = rows["date_start"].min(), rows["date_end"].max()
    from warclaims.charts.maps import mapped_facts

    facts = mapped_facts(series, rows)  # the headline's, dek's and chart's figures
    if facts is None:
        return (
            f"\nThe map snapshots given hold no day between {wording.format_window(first, last)}, so they "
            "say nothing about these claims."
        )
    who = markdown_text(mapped.dataset.claimant) if mapped.dataset is not None else "DeepState"
    region = "the region"
    if getattr(mapped, "region", None) is not None:
        from warclaims.external.territory import region_label

        region = markdown_text(region_label(mapped.region)[0] or "the region")

    def area(km2: float) -> str:
        return wording.mapped_area(km2, unit)

    return (
        f"\n**Against the maps.** {who} maps the area it shows held by Ukraine day by day; measured inside {region}, "
        "the largest area mapped as held is "
        f"**{area(facts.held)}** ({wording.format_window(*facts.held_days)}); counting the grey "
        f"zone as well, **{area(facts.total)}** ({wording.format_window(*facts.total_days)}). "
        f"The claim is {markdown_text(wording.claim_value(peak, unit))}. The maps are one team’s reading, not a count by either "
        "side, and the grey zone is not counted as held."
    )


class ClaimTable:
    """The claim rows as a readable HTML table (every cell escaped), with the verbatim quotes."""

    MOST_ROWS = 200  # beyond this the page would be megabytes of table; the CSV is the full record

    def __init__(self, claims: pd.DataFrame):
        self.total = len(claims)
        claims = claims.sort_values(["date_start", "date_end", "event_id"]).head(self.MOST_ROWS)  # as the timeline
        from warclaims.charts.theme import page_sources

        self.sources = page_sources(claims)
        number = {sid: n for n, sid in enumerate(self.sources["source_id"].astype(str), start=1)}
        self.source_of = [number[str(sid)] for sid in claims["source_id"]]
        self.frame = pd.DataFrame(
            {
                "When": [
                    f"{wording.format_window(a, b)} ({t})"
                    for a, b, t in zip(claims["date_start"], claims["date_end"], claims["date_text"], strict=True)
                ],
                "Claimant": claims["claimant"].astype(str),
                "Side": claims["claimant_side"].astype(str).map({**vocab.SIDE_LABELS, "other": "The publisher"}),
                "Claim": [
                    (r.metric_label if pd.isna(r.value) else f"{r.metric_label}: {wording.claim_value(r)}")
                    + (f" ({r.location})" if isinstance(r.location, str) and r.location.strip() else "")
                    for r in claims.itertuples()
                ],
                "Quote (verbatim)": claims["quote"].astype(str),
                "Notes": claims["notes"].fillna("").astype(str),
            }
        )
        self.names = short_names(
            [(r.headline, r.outlet, r.published, str(r.source_id)) for r in self.sources.itertuples()]
        )
        if len(self.sources) > 1:
            self.frame.insert(1, "Source", [self.names[n - 1] for n in self.source_of])

    def _repr_html_(self) -> str:
        """The table, every cell escaped; each cell carries its column name so narrow screens can show
        a row as a stack of labelled lines instead of scrolling sideways."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.frame.columns)
        body = "\n".join(
            f'<tr data-source="{n}">'
            + "".join(
                f'<td data-label="{html.escape(c, quote=True)}">{html.escape(str(v))}</td>'
                for c, v in zip(self.frame.columns, row, strict=True)
            )
            + "</tr>"
            for n, row in zip(self.source_of, self.frame.itertuples(index=False), strict=True)
        )
        table = f'<table class="warclaims-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
        table = self._source_filter() + table
        if self.total > len(self.frame):
            table = (
                f"<p>The first {len(self.frame):,} of {self.total:,} claims by date; the full table is the events CSV "
                "this report was built from.</p>\n"
            ) + table
        return f'<div class="warclaims-claims">\n{table}\n</div>'

    def _source_filter(self) -> str:
        """With several sources, a choice of source above the table: radio buttons and CSS rules (no
        script), so it works with scripts off and under any Content-Security-Policy that allows the
        page's own styles. Each row says its source in the Source column either way."""
        if len(self.sources) < 2:
            return ""
        counts = pd.Series(self.source_of).value_counts()
        options = [
            f'<label><input type="radio" name="warclaims-source" id="warclaims-source-0" checked> '
            f"every source ({len(self.frame):,})</label>"
        ]
        rules = []
        for n, name in enumerate(self.names, start=1):
            options.append(
                f'<label><input type="radio" name="warclaims-source" id="warclaims-source-{n}"> '
                f"{html.escape(name)} ({int(counts.get(n, 0)):,})</label>"
            )
            rules.append(
                f'.warclaims-claims:has(#warclaims-source-{n}:checked) tbody tr:not([data-source="{n}"]) {{ display: none; }}'
            )
        style = (
            "<style>\n.warclaims-sources label { display: block; margin: .15rem 0; }\n"
            + "\n".join(rules)
            + "\n</style>"
        )
        return (
            f'{style}\n<fieldset class="warclaims-sources"><legend>Show the claims of</legend>\n'
            + "\n".join(options)
            + "\n</fieldset>\n"
        )

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            return self.frame.to_string(index=False)


def _citation(result, fallback: str) -> str:
    """The dataset's citation from data/external.yaml (its declaration travels with the import)."""
    dataset = getattr(result, "dataset", None)
    return (
        markdown_text(f"{dataset.citation} (licence: {dataset.licence})")
        if dataset is not None
        else markdown_text(fallback)
    )


def attack_context(sel: Selection, attacks, days: int) -> Prose | None:
    """What the Air Force context adds; nothing when no dataset was given (how to add one is said in the
    notebook and the README, not on the reader's page)."""
    if attacks is None:
        return None
    from warclaims.external.attacks import nights_around_article

    _first, last, nights = nights_around_article(sel.all_claims, attacks.frame, days)
    lines = [
        "## The other direction: the Ukrainian Air Force’s nightly counts\n\n"
        "Analysts read a one-night claim against the nights around it. The chart below puts the Air Force’s "
        "nightly counts of Russian drones launched at Ukraine in its own panel above the article’s claim, on the "
        "same dates.\n",
        f"The counts are {_citation(attacks, 'the attack dataset')}.",
    ]
    if last in nights.index and pd.notna(nights.loc[last, "launched"]):
        on = nights.loc[last]
        lines.append(
            f"\nOn the night ending {wording.format_window(last, last)} the Air Force reported "
            f"**{int(on['launched']):,} Russian drones launched at Ukraine** in its overnight reports: "
            f"**{int(on['destroyed']):,} destroyed**"
            + (
                f" and **{int(on['not_reach_goal']):,} lost locally** (the dataset’s “did not reach their target”, "
                "never counted as destroyed)"
                if pd.notna(on["not_reach_goal"])
                else ""
            )
            + ". "
            f"Over the {int(nights['launched'].notna().sum())} nights shown with a report, the median was "
            f"{nights['launched'].median():,.0f} launched a night."
        )
    else:
        lines.append(f"\nThe dataset has no drone report for the night ending {wording.format_window(last, last)}.")
    lines.append(
        "\nThese are Ukraine’s counts of Russian drones over Ukraine; the article’s figure is Russia’s count of "
        "Ukrainian drones over Russia. Different direction, different claimant: the chart keeps them in "
        "separate panels, never parts of one count."
    )
    from warclaims.charts import keys

    claims = sel.claims[sel.claims["metric"].astype(str) == vocab.DRONES_INTERCEPTED]  # as the chart draws them
    if nights["reports"].sum():  # a chart is drawn
        drones = int((sel.claims["family"].astype(str) == vocab.DRONES).sum())
        lines.append(f"\n**How to read the chart below.** {keys.attacks_context(nights, claims, drones)}")
    return Prose("\n".join(lines))


def losses_context(sel: Selection, losses, days: int) -> Prose | None:
    """What the General Staff's daily claims add beside the article's casualty figures; nothing when no
    dataset was given."""
    if losses is None:
        return None
    from warclaims.external.general_staff import days_around

    first, last, series = days_around(sel.all_claims, losses.frame, days)
    claimant = markdown_text(losses.dataset.claimant if losses.dataset is not None else "the Ukrainian General Staff")
    lines = [
        "## For context: another claimant’s daily figures\n\n"
        f"The chart below puts {claimant}’s daily claims of Russian personnel losses in a panel of their own, "
        "above the article’s casualty figures on the same dates. Different claimant, different side’s losses: "
        "they are never added or compared as one count.\n",
        f"The figures are {_citation(losses, 'the General Staff losses dataset')}.",
    ]
    shown = series["daily"].dropna()
    # A statement dated D covers the 24 hours before it: the article's days are told by the statements after them.
    on = series.loc[first + pd.Timedelta(days=1) : last + pd.Timedelta(days=1), "daily"].dropna()
    word = next(iter(series["qualifier"].dropna().astype(str)), "")
    if len(on):
        day = on.index[0]
        missing = len(series) - len(shown)
        gap = f"; {missing} of those days {'has' if missing == 1 else 'have'} no daily figure" if missing else ""
        lines.append(
            f"\nThe statement dated {wording.format_window(day, day)}, covering the 24 hours before it, claimed "
            f"**{markdown_text((word + ' ') if word else '')}{int(on.iloc[0]):,} Russian personnel lost**. Over the "
            f"{len(series)} days shown, the median claim was {shown.median():,.0f} a day{gap}."
        )
    else:
        lines.append(f"\nThe dataset has no daily figure for {wording.format_window(first, last)}.")
    if len(shown):  # a chart is drawn
        from warclaims.charts import keys

        lines.append(f"\n**How to read the chart below.** {keys.losses_context(series, sel.claims)}")
    return Prose("\n".join(lines))


class SourceList:
    """A page's sources as HTML (every text escaped, each address an attribute as the table stores
    it: Markdown would read the characters of an address as markup)."""

    def __init__(self, listed: pd.DataFrame):
        self.items = []
        for r in listed.itertuples():
            url = recorded(r.url) or None
            described = summary(getattr(r, "description", None))
            self.items.append((*cite(r.headline, r.outlet, r.published), url, described))

    def _repr_html_(self) -> str:
        if not self.items:
            return ""
        heading = "Sources" if len(self.items) != 1 else "Source"
        lines = []
        for named, rest, url, described in self.items:
            shown = html.escape(named)
            if url:  # an http(s) address with no space, quote or angle bracket (validated)
                shown = f'<a href="{html.escape(url, quote=True)}">{shown}</a>'
            about = f' <span class="wc-standfirst">{html.escape(described)}</span>' if described else ""
            lines.append(f"<li>{shown}{html.escape(rest)}{about}</li>")
        return f'<h2 id="{heading}">{heading}</h2>\n<ul class="warclaims-source-list">\n' + "\n".join(lines) + "\n</ul>"

    def __repr__(self) -> str:
        return "\n".join(f"{named}{rest}" + (f", {url}" if url else "") for named, rest, url, _ in self.items)


def sources(sel: Selection, family: str | None = None) -> SourceList:
    """The page's sources in full, once (those of the claims it draws, `Selection.shown`): each
    chart's caption counts them and points here."""
    from warclaims.charts.theme import page_sources

    return SourceList(page_sources(sel.shown(family)))


class Methods:
    """The page's "Methods and data", collapsed at its end: how each dataset was read (rows read,
    duplicates and unreadable rows left out, files measured), which readers of the prose need not
    wade through. Every text is escaped."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines)
        return f'<details class="wc-methods"><summary>Methods and data</summary><ul>{items}</ul></details>'

    def __repr__(self) -> str:
        return "Methods and data: " + " ".join(self.lines)


def _left_out(parts: list[tuple[int, str, str]]) -> str:
    """'; 2 rows repeated another exactly and were dropped': each count that is not zero, in words."""
    said = [f"{n:,} {one if n == 1 else many}" for n, one, many in parts if n]
    return ("; " + "; ".join(said)) if said else ""


def methods(sel: Selection, family: str | None = None, *, attacks=None, losses=None, mapped=None) -> Methods:
    """The "Methods and data" of a page about `family` (None: every claim): the claims it draws
    (`Selection.shown`) and each context dataset's import, in sentences (a count of nothing left out
    is not said)."""
    c = sel.shown(family)
    valued = int(c["value"].notna().sum())
    events = len(c) - valued
    lines = [
        f"Claims: {_count(valued, 'claimed value', 'claimed values')}"
        + (f" and {_count(events, 'dated event', 'dated events')}" if events else "")
        + f" from the claim table ({sel.description}), "
        "each recorded with its claimant, qualifier, date window and verbatim quote; a date in words (“late "
        "April”) is resolved to a window, and a value the text implies without a number is marked as derived."
    ]
    if attacks is not None:
        unknown = sum(attacks.unknown_models.values()) if attacks.unknown_models else 0
        frame = attacks.frame
        dated = int((frame["date_only"].astype(bool) & (frame["kind"] == "drone")).sum()) if len(frame) else 0
        lines.append(
            f"Air Force counts: {attacks.rows_read:,} rows of the dataset’s file read"
            + _left_out(
                [
                    (
                        attacks.duplicates_dropped,
                        "row repeated another exactly and was dropped",
                        "rows repeated another exactly and were dropped",
                    ),
                    (
                        attacks.bad_rows,
                        "row could not be read and was left out",
                        "rows could not be read and were left out",
                    ),
                    (
                        unknown,
                        "row of a model the reference table does not know is not counted as drones",
                        "rows of a model the reference table does not know are not counted as drones",
                    ),
                ]
            )
            + "; the nightly counts drawn are the overnight reports (those that give times), and "
            + (
                f"{_count(dated, 'report', 'reports')} that give only a date (a day’s reconnaissance drones, not a "
                "night) are left out of them."
                if dated
                else "no report here gives only a date."
            )
        )
    if losses is not None:
        lines.append(
            f"General Staff figures: {losses.records:,} daily statements read"
            + _left_out(
                [
                    (
                        losses.bad_records,
                        "statement could not be read and was left out",
                        "statements could not be read and were left out",
                    ),
                    (
                        len(losses.corrections),
                        "day’s running total is lower than the day before’s, a correction by the statements "
                        "themselves, so that day has no daily figure",
                        "days’ running totals are lower than the day before’s, corrections by the statements "
                        "themselves, so those days have no daily figure",
                    ),
                ]
            )
            + "."
        )
    if mapped is not None:
        lines.append(
            f"DeepState maps: {mapped.files:,} snapshot files read"
            + _left_out(
                [
                    (
                        len(mapped.skipped),
                        "file could not be read and was left out",
                        "files could not be read and were left out",
                    )
                ]
            )
            + "; in each snapshot the areas held, grey and occupied are measured on the ellipsoid inside the region’s "
            "boundary."
        )
    return Methods(lines)
