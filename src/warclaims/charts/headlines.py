"""The headline and dek a page opens with: what this page's data shows, computed from the claims
(never typed per article), so it stays true as the table grows.

A headline names the leading claims as the text qualifies them and who makes each ("at least 6
killed and 10 wounded (Ukrainian servicemen), according to Ukraine’s national guard"): the largest
claim of each claimant side, at most two sides, with the same claimant's other figures for that
incident. Values of different claimants are never added or compared in it. The dek says how many
claims, by whom, when, from what, and what a context dataset beside them shows, in the numbers the
page's chart and prose use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from warclaims.charts import theme
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording
from warclaims.claims.wording import markdown_text

NOUNS = {vocab.DRONES: "drone", vocab.CASUALTIES: "casualty", vocab.TERRITORY: "territory"}
FAMILY_WORDS = {
    vocab.DRONES: "drones",
    vocab.CASUALTIES: "casualties",
    vocab.TERRITORY: "territory",
    vocab.STRIKES: "strikes",
}


@dataclass
class Headline:
    """A page's one H1 and the sentence under it (Markdown, every value from the table escaped)."""

    title: str
    dek: str
    as_of: str = ""  # "Data as of …": the latest source, and each context dataset's last day

    def _repr_markdown_(self) -> str:
        text = f"# {markdown_text(self.title)}\n\n{markdown_text(self.dek)}"
        return text + (f'\n\n<p class="wc-asof">{markdown_text(self.as_of)}</p>' if self.as_of else "")

    def __str__(self) -> str:
        return f"{self.title}\n{self.dek}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(row, unit: str, *, subject: bool = True, when: bool = True, named: str = "") -> str:
    """'159 drones intercepted', 'at least 6 killed', 'nearly 1,400 km² of Kursk territory held by …'
    (without the subject when the headline names it once, before the claims; a count without the
    noun of a subject `named` just before it); a territory claim with its window, which its value
    means nothing without."""
    area = str(row.get("unit")) == "km2"
    value = wording.claim_value(row, unit if area else None)
    about = row.get("subject")
    if str(row.get("family")) == vocab.TERRITORY:
        text = f"{value} of {about.strip()}" if subject and isinstance(about, str) and about.strip() else value
        if not when:
            return text
        said = row.get("date_text")
        if isinstance(said, str) and 0 < len(said.strip()) <= 40:  # the text's own words for when
            said = said.strip()
            if said[:1].isupper() and said[1:2].islower():  # mid-sentence: "at the height of …", not "At the …"
                said = said[:1].lower() + said[1:]
            when = f"“{said}”"
        else:
            wide = (row["date_end"] - row["date_start"]) > pd.Timedelta(days=7)
            when = ("some day in " if wide else "") + wording.format_window(row["date_start"], row["date_end"])
        return f"{text} ({when})"
    return f"{value} {_counting(row, named)}"


def _counting(row, named: str = "") -> str:
    """What a count counts, after its number: 'drones intercepted', '1 missile strike'; without the
    noun a subject named just before it gives ('Ukrainian drones: 159 intercepted')."""
    words = str(row["metric_label"]).lower().split()
    if row.get("value") == 1:  # '1 missile strike', '1 drone intercepted': the plural noun made singular
        at = next((i for i, w in enumerate(words[:2]) if w.endswith("s") and not w.endswith("ss")), None)
        if at is not None:
            words[at] = words[at][:-1]
    if len(words) > 1 and named and named.lower().split()[-1] in (words[0], words[0] + "s"):
        words = words[1:]
    return " ".join(words)


def _window(group: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    return group["date_start"].min(), group["date_end"].max()


def lead_claims(valued: pd.DataFrame, most: int = 2) -> list:
    """The claims a headline names: the largest of each claimant side (Russia's, Ukraine's, then
    the publisher's), at most `most` sides, each with its claimant's other figures for the same
    incident (killed beside wounded); in the table's date order."""
    out = []
    for side in vocab.SIDES:
        rows = valued[valued["claimant_side"].astype(str) == side]
        if rows.empty:
            continue
        top = rows.sort_values(["value", "date_end", "event_id"]).iloc[-1]
        same = rows[
            (rows["claimant"].astype(str) == str(top["claimant"]))
            & (rows["incident"].astype(str) == str(top["incident"]))
        ]
        # one figure per metric (the largest): two counts of one thing are never named as if added
        same = same.sort_values(["value", "date_end", "event_id"]).drop_duplicates("metric", keep="last")
        out.append(same.sort_values(["date_start", "metric", "event_id"]))
        if len(out) == most:
            break
    return sorted(out, key=lambda g: (g["date_start"].min(), g["date_end"].max()))


def _by_side(row) -> str:
    """Who makes a claim, in a headline short of room: its side ('Russia'), or the publisher's own account."""
    side = str(row["claimant_side"])
    return vocab.SIDE_LABELS[side] if side in ("russia", "ukraine") else str(row["claimant"])


def claims_phrase(groups: list, unit: str = "km2", *, by_side: bool = False, when: bool = True) -> str:
    """'Ukrainian servicemen: at least 6 killed and 10 wounded, according to Ukraine’s national
    guard; …': each group is one claimant's figures for one incident; a subject they all share is
    named once, first. Shorter: each claimant by its side (`by_side`), a territory claim without
    the text's words for when (`when`)."""
    every = [r for group in groups for _, r in group.iterrows()]
    subjects = {
        r.get("subject").strip() for r in every if isinstance(r.get("subject"), str) and r.get("subject").strip()
    }
    shared = (
        next(iter(subjects)) if len(subjects) == 1 and all(isinstance(r.get("subject"), str) for r in every) else ""
    )
    parts = []
    # Claims about different incidents say where each was, so two figures side by side never read as
    # parts of one count ("159 intercepted, 10 got through"): the text's words for the place, or,
    # where two share a place or one has none, the incident's name read out of the table's id.
    incidents = {str(g["incident"].iloc[0]) for g in groups}
    places = [_place(g) for g in groups]
    by_place = all(places) and len(set(places)) == len(places)
    for group, place in zip(groups, places, strict=True):
        rows = [r for _, r in group.iterrows()]
        own = {str(r.get("subject")) for r in rows if isinstance(r.get("subject"), str)}
        territory = all(str(r.get("family")) == vocab.TERRITORY for r in rows)
        about = [next(iter(own))] if not shared and len(own) == 1 and not territory else []
        # the noun of the subject named first is not said again: 'Ukrainian drones: 159 intercepted; 10 that …'
        figures = theme._join([_what(r, unit, subject=not shared, when=when, named=shared) for r in rows])
        if len(incidents) > 1 and not territory:  # where, or its name without the dates the dek gives
            about.append(
                place
                if by_place
                else re.sub(
                    r",? (on )?\d.*$",
                    "",
                    wording.incident_label(
                        rows[0]["incident"],
                        *_window(group),
                        " ".join(wording.place_and_subject(r) for r in rows),
                    ),
                )
            )
        who = _by_side(rows[0]) if by_side else rows[0]["claimant"]
        parts.append(f"{figures}{' (' + '; '.join(about) + ')' if about else ''}, according to {who}")
    text = "; ".join(parts)
    return f"{_capital(shared)}: {text}" if shared else _capital(text)


def _place(group: pd.DataFrame) -> str:
    """Where one claimant's figures for one incident were, in the text's words ('' when not given)."""
    place = group["location"].iloc[0] if "location" in group else None
    return place.strip() if isinstance(place, str) else ""


def _sources(rows: pd.DataFrame) -> str:
    """'one article of 21 May 2025', '12 articles of 9–21 May 2025'."""
    sources = theme.page_sources(rows)
    first, last = pd.Timestamp(sources["published"].min()), pd.Timestamp(sources["published"].max())
    if len(sources) == 1:
        return f"one article of {wording.format_window(first, first)}"
    return f"{len(sources):,} articles of {wording.format_window(first, last)}"


def _counted(valued: pd.DataFrame, noun: str) -> str:
    n = len(valued)
    claimants = valued["claimant"].astype(str).nunique()
    who = theme.claimants_phrase(valued, most=3) if claimants <= 3 else f"{claimants} claimants"
    return (
        f"{n:,} {noun}claim{'s' * (n != 1)} by {who}, "
        f"{wording.format_window(valued['date_start'].min(), valued['date_end'].max())}, from {_sources(valued)}"
    )


HEADLINE_MOST = 110  # characters: a headline is read at a glance; the dek under it says the rest
OVERVIEW_MOST = 140  # the overview's, which names a claim of each kind


def _more(valued: pd.DataFrame, groups: list, noun: str) -> str:
    shown = sum(len(g) for g in groups)
    more = len(valued) - shown
    return f", and {more:,} more {noun} claim{'s' * (more != 1)}" if more > 0 else ""


ANSWER_ROOM = 20  # characters past HEADLINE_MOST a headline may take to give another claimant's answer to its claim
MANY_MORE = 5  # claims the headline cannot name from which it says how many there are, not "and N more"


def _comparable(valued: pd.DataFrame, group: pd.DataFrame) -> pd.DataFrame:
    """The claims one claim can be ranked among: of the same thing counted (metric), about the same
    people or drones (subject) and the same place (location), whoever claims them."""
    row = group.sort_values("value").iloc[-1]
    same = valued["metric"].astype(str) == str(row["metric"])
    for column in ("subject", "location"):
        if column in valued:
            mine = row.get(column)
            theirs = valued[column].astype(object)
            same &= theirs.isna() if pd.isna(mine) else (theirs.astype(str) == str(mine))
    return valued[same.to_numpy()]


def _largest(valued: pd.DataFrame, groups: list, noun: str, *, who: bool = True) -> str:
    """' — the largest of 100 casualty claims by 12 claimants' where one claim is named and every
    claim counts the same thing about the same people and place ('tied largest' when another gives
    the same figure); else ' — one of 100 …' (or '2 of 100 …', a claim and another claimant's for
    the same incident): killed beside wounded, or areas of ten places, are never ranked. Without
    `who`, no count of claimants (the dek names them)."""
    n = len(valued)
    claimants = valued["claimant"].astype(str).nunique()
    by = ""
    if who:
        by = f" by {valued['claimant'].astype(str).iloc[0]}" if claimants == 1 else f" by {claimants:,} claimants"
    if len(groups) > 1:
        return f" — {len(groups)} of {n:,} {noun} claims{by}"
    group = groups[0]
    if len(_comparable(valued, group)) < n:
        return f" — one of {n:,} {noun} claims{by}"
    top = group["value"].max()
    tied = int((valued["value"] == top).sum()) > int((group["value"] == top).sum())
    return f" — {'tied ' if tied else 'the '}largest of {n:,} {noun} claims{by}"


def _answered(valued: pd.DataFrame, group: pd.DataFrame) -> list:
    """The claim `group`, and where another claimant gives a figure of the same kind for the same
    incident, that claimant's largest such figure after it: a claim is never named without the
    answer the table holds to it ('at least 40 killed, according to Russia; at most 4 killed,
    according to Ukraine's general staff')."""
    row = group.iloc[0]
    other = valued[
        (valued["incident"].astype(str) == str(row["incident"]))
        & valued["metric"].astype(str).isin(set(group["metric"].astype(str)))
        & (valued["claimant"].astype(str) != str(row["claimant"]))
    ]
    if other.empty:
        return [group]
    answer = other.sort_values(["value", "date_end", "event_id"]).iloc[[-1]]
    return sorted([group, answer], key=lambda g: (g["date_start"].min(), g["date_end"].max()))


def _fitting(valued: pd.DataFrame, groups: list, unit: str, noun: str, found: str) -> str:
    """The headline: the leading claims as fully as fits in HEADLINE_MOST characters, each step
    shorter (claimants by side; a territory claim without its words for when; then the one largest
    claim, with a count of the rest), the shortest when none fits; what the context shows follows.
    Among many claims (MANY_MORE or more it could not name) it is the largest and how many claims
    it is the largest of, so a page of 100 claims does not read as about one or two of them."""
    every = lead_claims(valued, most=len(vocab.SIDES))
    lead = [max(every, key=lambda g: (g["value"].max(), -g["date_end"].max().value, len(g)))]
    if len(valued) - len(lead[0]) >= MANY_MORE:  # as many left out as the shortest headline would leave

        def forms(chosen: list) -> list[str]:
            return [
                claims_phrase(chosen, unit, by_side=by_side, when=when) + _largest(valued, chosen, noun, who=who)
                for who in (True, False)
                for by_side, when in ((False, True), (True, True), (True, False))
            ]

        tries = forms(lead)
        answered = _answered(valued, lead[0])
        if len(answered) > 1:  # the answer the table holds to the claim is worth ANSWER_ROOM characters more
            with_answer = forms(answered)
            fits = next((t for t in with_answer if len(t) <= HEADLINE_MOST), None) or next(
                (t for t in with_answer if len(t) <= HEADLINE_MOST + ANSWER_ROOM), None
            )
            tries = [fits] if fits else tries
    else:
        tries = [
            claims_phrase(chosen, unit, by_side=by_side, when=when) + _more(valued, chosen, noun)
            for chosen in (groups, lead)
            for by_side, when in ((False, True), (True, True), (True, False))
        ]
    # The limit is the claims' own: a context's clause after them never costs a claimant its name.
    claims = next((t for t in tries if len(t) <= HEADLINE_MOST), min(tries, key=len))
    return claims + (f"; {found}" if found else "")


def family_headline(
    rows: pd.DataFrame,
    family: str,
    *,
    unit: str = "km2",
    beside: str = "",
    found: str = "",
) -> Headline:
    """The headline of a page about one family of claims (`rows`: the page's claims); `found`, a
    clause of what a context dataset shows (it joins the headline); `beside`, the context drawn
    with the claims (it joins the dek)."""
    if family not in NOUNS:  # the overview's headline is overview_headline's
        raise ValueError(f"family_headline: no page is about {family!r}; one of {', '.join(NOUNS)}")
    valued = rows[(rows["family"].astype(str) == family) & rows["value"].notna()]
    noun = NOUNS[family]
    if valued.empty:
        return Headline(f"No {noun} claims in this selection", "Nothing is drawn: no claim of this kind matches.")
    groups = lead_claims(valued)
    full = claims_phrase(groups, unit) + _more(valued, groups, noun)
    title = _fitting(valued, groups, unit, noun, found)
    dek = "" if title.startswith(full) else f"{full}. "  # the headline was shortened: the dek says it whole
    dek += _capital(_counted(valued, f"{noun} ")) + "."
    if family == vocab.DRONES and len(valued) > 1:
        dek += " Each is one party’s statement about its own operation, never added to another."
    if beside:
        dek += f" {beside}"
    dek += " None is independently verified."
    return Headline(title, dek)


def overview_headline(rows: pd.DataFrame) -> Headline:
    """The overview's headline: the leading claim of each kind, who makes it, as many kinds as fit
    (the kinds with the most claims first), and a count of the rest; the dek says the kinds, dates
    and sources, and tells the parties' claims from the publisher's own account of events."""
    valued = rows[rows["value"].notna()]
    if valued.empty:
        return Headline("No claims in this selection", "Nothing is drawn: no claim matches.")
    families = [f for f in FAMILY_WORDS if (valued["family"].astype(str) == f).any()]
    counts = valued["family"].astype(str).value_counts()
    families.sort(key=lambda f: -counts[f])  # stable: the table's order of kinds among equals
    # each kind's largest claim, whichever side makes it, with its claimant's other figures for it
    leads = [
        [max(lead_claims(valued[valued["family"].astype(str) == f]), key=lambda g: (g["value"].max(), len(g)))]
        for f in families
    ]
    # As many kinds as fit, each claimant by its side if need be: the overview's headline spans
    # kinds, so it may run to OVERVIEW_MOST (one kind alone reads as that kind's page's headline).
    tries = [
        (n, "; ".join(claims_phrase([g], by_side=by_side, when=False) for g in chosen))  # the dek counts the rest
        for n in range(len(leads), 0, -1)
        for chosen in [[g for groups in leads[:n] for g in groups]]
        for by_side in (False, True)
    ]
    n, title = next((t for t in tries if len(t[1]) <= OVERVIEW_MOST), min(tries, key=lambda t: len(t[1])))
    named = sum(len(g) for groups in leads[:n] for g in groups)
    if len(valued) - named >= MANY_MORE:  # among many: the largest claim, and of how many, not one claim of 200
        top = leads[0][0]
        kind = valued[valued["family"].astype(str) == families[0]]
        tries = [
            claims_phrase([top], by_side=by_side, when=False)
            + _largest(kind, [top], {**NOUNS, vocab.STRIKES: "strike"}.get(families[0], families[0]), who=who)
            + f", of {len(valued):,} claims in all"
            for who in (True, False)
            for by_side in (False, True)
        ]
        title = next((t for t in tries if len(t) <= OVERVIEW_MOST), min(tries, key=len))
    elif n == 1 < len(families):  # one kind alone would read as its family page's headline
        title += f", and claims about {theme._join([FAMILY_WORDS[f] for f in families[1:]])}"
    window = wording.format_window(valued["date_start"].min(), valued["date_end"].max())
    kinds = theme._join([FAMILY_WORDS[f] for f in FAMILY_WORDS if f in families])
    events = rows[rows["value"].isna()]
    own = int((events["claimant_side"].astype(str) == "other").sum())
    told = ""
    if len(events):  # the publisher's own account of an event is not a party's claim
        told = f"; {len(events):,} dated event{'s' * (len(events) != 1)}"
        parties = len(events) - own
        told += (
            " ("
            + ", ".join(
                part
                for part in (
                    f"{own:,} as the publisher tells {'it' if own == 1 else 'them'}" if own else "",
                    f"{parties:,} as a party says" if parties else "",
                )
                if part
            )
            + ")"
        )
    n = len(valued)
    dek = (
        f"{n:,} claimed value{'s' * (n != 1)} about {kinds}, {window}, each a claim by the party named{told}; "
        f"from {_sources(rows)}. None is independently verified."
    )
    return Headline(title, dek)


def mapped_finding(rows: pd.DataFrame, mapped, unit: str = "km2") -> tuple[str, str]:
    """What the maps show beside these territory claims, in the numbers the page prints elsewhere:
    (for the headline, for the dek); ("", "") when no snapshot falls in the claims' dates."""
    from warclaims.external.territory import daily

    if mapped is None or mapped.frame.empty or rows.empty:
        return "", ""
    from warclaims.charts.maps import mapped_facts

    facts = mapped_facts(daily(mapped.frame), rows)
    if facts is None:
        return "", ""
    who = mapped.dataset.claimant.split(" (")[0] if getattr(mapped, "dataset", None) is not None else "DeepState"
    # Rounded as every page rounds a mapped area, so "about": the largest is 901.3 km², "about 900".
    found = f"{who}’s maps show {wording.mapped_area(facts.held, unit)} held at the most"
    dek = (
        f"The maps’ largest area held is {wording.mapped_area(facts.held, unit)} "
        f"({wording.format_window(*facts.held_days)}); with the grey zone, "
        f"{wording.mapped_area(facts.total, unit)} ({wording.format_window(*facts.total_days)})"
    )
    if facts.near is not None:  # the maps beside the latest claim, as the chart labels them
        which, shown = facts.near_words(unit)
        dek += f"; on {which}, {shown}"
    return found, dek + "."


def context_phrases(result, kind: str) -> tuple[str, str]:
    """(for the headline, for the dek) of a context dataset drawn beside the claims: the Air Force's
    nightly counts (`kind` "attacks") or the General Staff's daily claims ("losses")."""
    dataset = getattr(result, "dataset", None)
    who = (
        dataset.claimant
        if dataset is not None
        else ("the attack dataset" if kind == "attacks" else "the losses dataset")
    )
    what = "nightly counts" if kind == "attacks" else "daily claims of Russian losses"
    of = (
        "of Russian drones and missiles launched at Ukraine"
        if kind == "attacks"
        else "of Russian personnel losses, as it counts them"
    )
    title = f" (“{dataset.title}”)" if dataset is not None else ""
    noun = "nightly counts" if kind == "attacks" else "daily claims"
    return f"beside {who}’s {what}", f"Beside them, {who}’s {noun} {of}{title}."


DATE_COLUMNS = ("night", "date")  # a context frame's day: an Air Force report's night, a statement's or snapshot's date


def as_of(rows: pd.DataFrame, context: list[tuple[str, object]]) -> str:
    """'Data as of: the latest source published 21 May 2025; DeepState’s snapshots to 3 Aug 2025.'
    Each from the data (the same inputs, the same words), never the day of the build."""
    parts = []
    if len(rows) and "published" in rows:
        latest = pd.Timestamp(rows["published"].max())
        parts.append(f"the latest source published {wording.format_window(latest, latest)}")
    for name, result in context:
        frame = getattr(result, "frame", None)
        column = next((c for c in DATE_COLUMNS if frame is not None and c in frame.columns), None)
        if column is None or frame.empty:
            continue
        last = pd.Timestamp(frame[column].max())
        last = last.tz_convert(None) if last.tzinfo else last
        parts.append(f"{name} to {wording.format_window(last.normalize(), last.normalize())}")
    return ("Data as of: " + "; ".join(parts) + ".") if parts else ""
