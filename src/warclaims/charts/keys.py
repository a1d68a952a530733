"""How to read each chart as it is drawn for a selection: a sentence for each encoding the chart
uses, and none for one it does not (no second claimant's bars on a page with one claimant, no
bracket where every day is given, no green line without maps).

Each key asks the same questions of the rows that the plotting function does (`plots.WIDE`,
`plots.MAX_MARKS`, `plots.MAX_BARS`, `plots.territory_places`), so the words follow the drawing.
"""

from __future__ import annotations

import pandas as pd

from warclaims.charts import plots, theme
from warclaims.charts.selection import Selection
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording


def _qualifiers(rows: pd.DataFrame) -> set[str]:
    return set(rows.loc[rows["value"].notna(), "qualifier"].astype(str))


SERIES_MARKS = {  # as plots.SERIES_MARKS draws them
    "at_least": "an open triangle pointing up is a lower bound (“at least”)",
    "at_most": "an open triangle pointing down an upper bound (“at most”)",
    "approximately": "an open diamond an approximate figure (“about”)",
}


def _series(rows: pd.DataFrame, what: str) -> str:
    """The key of a many-claims chart (`plots._series_over_time`): a panel per thing counted."""
    start, end = rows["date_start"], rows["date_end"] + plots.ONE_DAY
    short = (end - start).dt.days <= plots.NARROW.days
    text = (
        f"With {len(rows):,} {what} claims, the chart gives one panel to each thing counted: each claim is a "
        "horizontal line over its date window, in the colour of the claimant’s side. Claims are never joined "
        "up or summed."
    )
    if short.any():
        text += " A point marks a claim whose text gives its day"
        marks = [SERIES_MARKS[q] for q in plots.SERIES_WORDS if q in _qualifiers(rows[short])]
        if marks:
            text += ": filled for an exact count; " + theme._join(marks)
        text += "."
    if (~short).any():
        text += " A line with no point is a window within which the text gives no day."
    return text


def _bounds(qualifiers: set[str], bar: bool) -> list[str]:
    """What the chart does with the qualifiers present, in the order the legend gives them."""
    out = []
    if "at_least" in qualifiers:
        out.append(
            "A figure the text gives as “at least” is a lower bound: "
            + (
                "its bar is hatched and its label ends in an arrow along the bar (→)"
                if bar
                else "an arrow points up from it"
            )
            + ", because the real number may be higher."
        )
    if "at_most" in qualifiers:
        out.append(
            "A figure given as “at most” is an upper bound: "
            + (
                "its bar is hatched the other way and its label ends in an arrow back (←)"
                if bar
                else "an arrow points down from it"
            )
            + ", because the real number may be lower."
        )
    if "approximately" in qualifiers:
        out.append(
            "A figure the text gives as approximate (“about”, “nearly”) is drawn at its number"
            + (
                ", dotted and paler, as the text words it, not as an exact count."
                if bar
                else ": only its label, which words it as the text does, tells it from an exact count."
            )
        )
    return out


def casualties(sel: Selection) -> str:
    rows = sel.claims[sel.claims["family"].astype(str) == vocab.CASUALTIES]
    if rows.empty:
        return ""
    if len(rows) > plots.MAX_BARS:
        return _series(rows, "casualty")
    text = [
        "One bar per claim, under the incident it is about, with what it counts and who claims it above the bar. "
        + (
            "Killed and wounded are separate bars, never stacked into one total."
            if rows["metric"].astype(str).nunique() > 1
            else "No bar is added to another."
        )
    ]
    shared = rows.groupby("incident", observed=True)["claimant"].nunique()
    if (shared > 1).any():
        text.append(
            "Where two claimants give figures for the same incident, each claimant’s bars are drawn in its side’s "
            "colour beside the other’s, not added to them."
        )
    text += _bounds(_qualifiers(rows), bar=True)
    return " ".join(text)


def drones(sel: Selection) -> str:
    rows = sel.claims[sel.claims["family"].astype(str) == vocab.DRONES]
    if rows.empty:
        return ""
    if len(rows) > plots.MAX_MARKS:
        return _series(rows, "drone")
    one = len(rows) == 1
    text = [
        ("The card is one claim: " if one else "Each card is one claim: ")
        + "what it counts and of whose drones, the number as the text words it, and where, when and who claims it."
    ]
    if not one:
        text.append(
            "Cards are separate statements, often about separate operations: no card’s number is part of another’s."
        )
    if rows["duration_hours"].notna().any():
        text.append(
            "Where the text gives how long it took, the card also gives the average rate over that time, as if the "
            "drones were spread evenly: an average, not a measured rate."
        )
    return " ".join(text)


def territory(sel: Selection, unit: str = "km2", mapped=None, place: str | None = None) -> str:
    from warclaims.charts.parameters import check_place

    rows = sel.claims[sel.claims["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
    if rows.empty:
        return ""
    places = plots.territory_places(rows.sort_values(["date_end", "date_start"]))
    shown = places[: plots.MAX_PANELS]
    drawn = pd.concat([g for _, g in shown])
    text = []
    if len(places) > 1:
        text.append(
            "Each place the claims are about has its own panel and its own scale: claims about different places "
            "are never one series."
        )
    many = any(len(g) > plots.MAX_MARKS for _, g in shown)
    wide = plots._undated_rows(drawn)
    if (~wide).any():
        text.append(
            "A claim whose text gives its day (or a few days) is a short bar at its value over those days"
            + (", with no mark of its own: there are too many to mark one by one." if many else ".")
        )
    if wide.any():
        text.append(
            "A claim whose text places it only within a longer window is a square in the “day not given” column "
            "at the left, at its value, and its window a bracket below zero (“when →”): it was claimed for some day "
            "inside the window, not held all along."
        )
    if not many and drawn["value_basis"].astype(str).eq("derived").any():
        text.append("A hollow mark is a value derived from the words, where the text gives no number.")
    arrows = set() if many else _qualifiers(drawn[~wide]) & set(plots.BOUNDS)  # arrows only on marks with a day
    text += _bounds(arrows | (_qualifiers(drawn) & {"approximately"}), bar=False)
    events = sel.claims[sel.claims["metric"].astype(str) == vocab.EVENT]
    banded = events[events["incident"].isin(drawn["incident"].unique())]
    if len(banded):  # the colours drawn (plots._event_color): sand for the publisher's account, a side's for a party's
        told = set(banded["claimant_side"].astype(str))
        colours = [
            *(["in sand when the publisher tells it"] if "other" in told else []),
            *(["in the colour of a party’s side when the party does"] if told - {"other"} else []),
        ]
        text.append(
            f"A shaded band is a dated event of the claims’ own incident, named in the panel’s title: {' and '.join(colours)}."
        )
    if mapped is not None and not mapped.frame.empty:
        at = plots.mapped_place_index(shown, check_place(place))
        where = "in its place’s panel" if at is not None else "in a panel of its own, compared with no claim"
        who = mapped.dataset.claimant if getattr(mapped, "dataset", None) is not None else "DeepState"
        who = who.split(" (")[0]  # the gloss is the prose's, once: "DeepState (a Ukrainian open-source …)"
        text.append(
            f"The green line, {where}, is the area {who} maps as held by Ukraine, snapshot by snapshot, and the grey "
            "band above it the grey zone, which is not counted as held."
        )
    return " ".join(text)


def timeline(sel: Selection) -> str:
    """The overview's timeline: a row per claim, or, with many, a lane per kind of claim and side;
    and the detail panel, only when there is one."""
    rows = sel.claims
    if rows.empty:
        return ""
    if len(rows) > plots.MAX_MARKS:
        return (
            f"With {len(rows):,} rows, the timeline draws one lane per kind of claim and side of the claimant: each "
            "claim’s window is shaded in its lane, and a dot marks a claim only where the text gives its day. The "
            "claim table below lists each one."
        )
    text = [
        "Each row is one claim or event, drawn over its date window: texts rarely give an exact day, so a claim is "
        "drawn over every day it could refer to. Colour is the claimant’s side."
    ]
    short = ((rows["date_end"] - rows["date_start"]) < plots.DAY_GIVEN).to_numpy()  # as `_draw_timeline_rows`
    if short.any() and (~short).any():
        text.append(
            "A mark sits on a bar only where the text gives the day; a longer window has no mark, because a mark "
            "would invent a date."
        )
    elif (~short).any():
        text.append("No row has a mark: no text here gives its day, and a mark would invent one.")
    qualified = (rows["value"].notna() & rows["qualifier"].astype(str).map(wording.is_qualified)).to_numpy()
    how = [w for w, m in (("an open mark", short), ("a hatched bar", ~short)) if (qualified & m).any()]
    if how:
        text.append(f"{' or '.join(how).capitalize()} is a value the text qualifies (“at least”, “nearly”).")
    if (rows["value"].isna().to_numpy() & short).any():
        text.append("A diamond is a dated event with no number, on its day.")
    crowded = plots.crowded_window(rows.sort_values(["date_start", "date_end", "event_id"]))
    if crowded:
        text.append(
            f"Most rows crowd into {wording.format_window(crowded[0], crowded[1] - pd.Timedelta(days=1))}; those "
            "days are drawn again, in detail, in a second panel."
        )
    return " ".join(text)


def _claim_rows(claims: pd.DataFrame, what: str, of: int | None = None, *, nights: bool = False) -> str:
    """The lower panel of a context chart (`plots._claim_rows`), as it is drawn for these claims;
    `of`, how many claims of the page's kind there are when the panel draws only some."""
    if claims.empty:
        return f"The lower panel is empty: no {what} claim from the article is in this selection."
    n = len(claims)
    which = f"the article’s {what} claim{'s' * (n != 1)}"
    if of is not None and of > n:
        which += f" ({n} of its {of} drone claims)"
    text = (
        f"Below, {'each of ' if n != 1 else ''}{which} is a row in the colour of its claimant’s side: its label "
        "gives the figure as the text words it, and its bar spans the claim’s "
        + ("nights (a window over two dates, the night between them)" if nights else "dates")
        + ", not its size."
    )
    qualified = [q for q in plots.SERIES_WORDS if q in set(claims["qualifier"].astype(str))]  # the qualified ones
    if qualified:  # the words of the qualifiers drawn, as the legend's hatched entries give them
        words = theme._join([f"“{vocab.QUALIFIER_WORDS[q]}”" for q in qualified])
        text += f" A hatched, paler bar is a figure the text gives as {words}."
    return text


def attacks_context(nights: pd.DataFrame, claims: pd.DataFrame, of: int | None = None) -> str:
    """The Air Force chart (`plots.plot_drone_context`) as drawn: its lines, the band, the claims' rows."""
    drawn = [c for c in plots.AIR_FORCE_SERIES if c in nights and nights[c].notna().any()]
    how = {
        "launched": "Russian drones launched (dashed, paler)",
        "destroyed": "those destroyed (solid)",
        "not_reach_goal": "those lost locally, not reaching their target (dotted, with squares)",
    }
    text = [
        f"Above, the Air Force’s count{'s' * (len(drawn) != 1)} per night: {theme._join([how[c] for c in drawn])}; "
        "each point is one night’s reports."
    ]
    reported = nights["launched"].notna()
    unreported = bool((~reported).any())
    unstated = any(nights.loc[reported, c].isna().any() for c in drawn if c != "launched")
    if unreported or unstated:  # each line's gaps, as drawn: a night with no report, or a report without that figure
        why = " or ".join(
            [
                *(["a night without a report"] if unreported else []),
                *(["a report that gives no such figure"] if unstated else []),
            ]
        )
        text.append(f"A gap in a line is {why}, not a zero.")
    text.append("The shaded band is the article’s night, on both panels.")
    text.append(_claim_rows(claims, "drone interception", of, nights=True))
    return " ".join(text)


def losses_context(series: pd.DataFrame, claims: pd.DataFrame) -> str:
    """The General Staff chart (`plots.plot_losses_context`) as drawn: its bars, the band, the claims' rows."""
    text = ["Above, one grey bar per statement, drawn over the 24 hours before its date, which the statement covers."]
    if series["daily"].isna().any():
        text.append("A day with no bar has no figure in the dataset, not a zero.")
    word = plots.statements_word(series)
    if word:  # only as the panel's title says it: the dataset's own word for every figure, not a bound drawn
        text.append(
            f"The statements give their figures as “{word}”, as the panel’s title says; those bars are not hatched."
        )
    text.append("The shaded band is the article’s days, on both panels.")
    text.append(_claim_rows(claims[claims["family"].astype(str) == vocab.CASUALTIES], "casualty"))
    return " ".join(text)


def limits(sel: Selection, family: str | None = None) -> str:
    """What the chart cannot show, for what it draws: a question about two incidents only where
    there are two, about one side's view of the other's claim only where both sides claim."""
    rows = sel.claims
    if family is not None:
        rows = rows[rows["family"].astype(str) == family]
    if rows.empty:
        return ""
    valued = rows[rows["value"].notna()]
    sides = valued["claimant_side"].astype(str).nunique()
    if family == vocab.CASUALTIES:
        parts = ["how any party counted"]
        if rows["incident"].astype(str).nunique() > 1:
            parts.insert(0, "whether two incidents in the table are the same event, unless the text says so")
        end = (
            " The curator’s notes on where the text leaves such questions open are in the chart’s download "
            "“The claims it draws (CSV)”."
        )
    elif family == vocab.TERRITORY:
        rows = rows[rows["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
        parts = ["the shape of what is claimed (the texts give an area, not a line on a map)"]
        if any(len(g) > 1 for _, g in plots.territory_places(rows)):
            parts.append("the path between two claims about one place (the texts give no figures in between)")
        if rows["claimant_side"].astype(str).nunique() > 1:
            parts.append("whether one side accepts the other’s claim")
        end = ""
    elif family == vocab.DRONES:
        parts = ["how many drones were launched in total"]
        if (rows["metric"].astype(str) == "drones_intercepted").any():
            parts.append("how many of those a side says it stopped the other side would acknowledge")
        end = ""
    else:
        parts = ["whether the claims are true"]
        if rows["claimant"].astype(str).nunique() > 1:
            parts.append("how the windows of different claimants line up beyond what the texts say")
        end = (
            " Two claims in the same days from different sides are different statements, not parts of one count."
            if sides > 1
            else ""
        )
    what = "the timeline" if family is None else "this chart"
    return f"What {what} cannot show: {', or '.join(parts) if len(parts) < 3 else ', '.join(parts[:-1]) + ', or ' + parts[-1]}.{end}"
