"""The headline and dek each page opens with, computed from the claims: the leading claim of each
side as the text qualifies it, who claims it, and what a context dataset beside them shows."""

from __future__ import annotations

import pandas as pd
import pytest

import warclaims
from warclaims.charts import headlines


def _claims():
    return warclaims.load_claims()


def test_a_family_headline_names_each_sides_leading_claim_with_its_claimant():
    found = headlines.family_headline(_claims(), "drones")
    # two incidents: too long for a headline, so it names the largest claim and counts the other;
    # the dek says both whole, each with where it was in the text's words (not the table's ids for
    # incidents, "Drone night"), so the figures never read as parts of one count
    assert (
        found.title
        == "Ukrainian drones: 159 intercepted, according to Russia’s defence ministry, and 1 more drone claim"
    )
    assert found.dek.startswith(
        "Ukrainian drones: 159 intercepted (several Russian regions, including Moscow), according to "
        "Russia’s defence ministry; 10 that reached the target area (a semiconductor device plant in the "
        "Oryol region), according to the Ukrainian military. "
    )
    assert "never added" in found.dek and "20–21 May 2025" in found.dek and "not" not in found.title.lower()
    assert "Drone night" not in str(found) and "Oryol plant strike" not in str(found)


def test_a_count_says_its_noun_once_and_in_the_singular_for_one():
    claims = _claims()
    strike = claims[claims["metric"] == "missile_strikes"]
    assert (
        headlines.claims_phrase([strike])
        == "Iskander missile strikes on a site in Ukraine: 1 missile strike, according to Russia"
    )
    assert ": 3 missile strikes, according" in headlines.claims_phrase([strike.assign(value=3.0)])
    one = claims[claims["event_id"] == "drone-night-intercepted-russia"].assign(value=1.0)
    assert headlines.claims_phrase([one]) == "Ukrainian drones: 1 intercepted, according to Russia’s defence ministry"
    other = one.assign(subject="unmanned aircraft")  # a subject that does not give the noun: it stays
    assert headlines.claims_phrase([other]).startswith("Unmanned aircraft: 1 drone intercepted, according")
    killed = claims[claims["metric"] == "killed"].assign(subject="soldiers killed")  # one word is never dropped
    assert "at least 6 killed" in headlines.claims_phrase([killed])


def test_two_incidents_at_one_place_or_at_none_are_told_apart_by_name():
    claims = _claims()
    drones = claims["family"] == "drones"
    for place in ("Kursk region", None):
        claims.loc[drones, "location"] = place
        dek = headlines.family_headline(claims, "drones").dek
        assert "159 intercepted (Drone night)" in dek and "(Oryol plant strike)" in dek, place


@pytest.mark.parametrize("length", [10, 60, 300])
def test_a_headline_is_as_full_as_fits_and_the_dek_says_it_whole(length):
    claims = _claims()
    claims["claimant"] = claims["claimant"].astype(str)
    claims.loc[claims["claimant_side"] == "russia", "claimant"] = "R" * length
    for family in ("drones", "casualties", "territory"):
        found = headlines.family_headline(claims, family)
        full = headlines.claims_phrase(
            headlines.lead_claims(claims[(claims["family"] == family) & claims["value"].notna()])
        )
        if len(full) <= headlines.HEADLINE_MOST:
            assert found.title == full and not found.dek.startswith(full)  # said once
        else:
            assert found.dek.startswith(full + ".")  # nothing the headline leaves out is lost
            assert len(found.title) <= headlines.HEADLINE_MOST
            if length > headlines.HEADLINE_MOST:  # a claimant too long for it is named by its side
                assert "R" * length not in found.title and "according to Russia" in found.title


def test_one_claimants_figures_for_one_incident_are_named_together():
    found = headlines.family_headline(_claims(), "casualties")
    assert (
        found.title == "Ukrainian servicemen: at least 6 killed and 10 wounded, according to Ukraine’s national guard"
    )


def test_a_territory_claim_carries_the_texts_words_for_when():
    found = headlines.family_headline(_claims(), "territory", unit="mi2")
    # the text's words for when make the headline too long: the dek says them
    assert "nearly 540 sq mi (“at the height of the incursion”), according to Ukrainian forces" in found.dek
    assert (
        found.title
        == "Kursk territory held by Ukrainian forces: nearly 540 sq mi, according to Ukraine; 0 sq mi, according to Russia"
    )
    assert found.title.index("Ukraine;") < found.title.index("according to Russia")  # in date order


def test_more_claims_than_named_are_counted_and_no_claims_say_so():
    claims = _claims()
    extra = claims[claims["event_id"] == "drone-night-intercepted-russia"].assign(event_id="another", value=12.0)
    found = headlines.family_headline(pd.concat([claims, extra]), "drones")
    assert found.title.endswith(", and 2 more drone claims") and "3 drone claims" in found.dek
    assert headlines.family_headline(claims.iloc[0:0], "drones").title == "No drone claims in this selection"


def test_among_many_claims_the_headline_is_the_largest_and_how_many_it_is_the_largest_of():
    claims = _claims()
    night = claims[claims["event_id"] == "drone-night-intercepted-russia"]
    extra = pd.concat([night.assign(event_id=f"another-{i}", value=12.0 + i) for i in range(6)])
    found = headlines.family_headline(pd.concat([claims, extra]), "drones")
    # Ukraine's '10 reached the target' counts another thing: 159 is one of 8 claims, not their largest
    assert (
        found.title == "Ukrainian drones: 159 intercepted, according to Russia — one of 8 drone claims by 2 claimants"
    )
    assert "and 1 more" not in found.title and "8 drone claims" in found.dek
    alike = pd.concat([claims[claims["family"] != "drones"], night, extra])  # one thing counted, one place
    found = headlines.family_headline(alike, "drones")
    assert found.title.endswith(" — the largest of 7 drone claims"), found.title  # its claimant named before it
    # another claim of the same figure: the headline does not call one of them the largest
    tie = pd.concat([claims[claims["family"] != "drones"], night, extra.assign(value=[159.0, 1, 2, 3, 4, 5])])
    assert " — tied largest of 7 drone claims" in headlines.family_headline(tie, "drones").title


def test_among_many_claims_a_claim_is_named_with_the_answer_the_table_holds_to_it():
    claims = _claims()
    claims = claims[claims["event_id"] != "missile-attack-wounded-ukraine"]
    killed = claims[claims["event_id"] == "missile-attack-killed-ukraine"]
    answer = killed.assign(
        event_id="answer",
        value=2.0,
        qualifier="at_most",
        qualifier_text="at most",
        claimant="Russia’s defence ministry",
        claimant_side="russia",
    )
    others = pd.concat([killed.assign(event_id=f"other-{i}", incident=f"other-{i}", value=1.0) for i in range(6)])
    title = headlines.family_headline(pd.concat([claims, answer, others]), "casualties").title
    assert title.startswith("Ukrainian servicemen: at least 6 killed, according to Ukraine;"), title
    assert "at most 2 killed, according to Russia" in title and " — 2 of 8 casualty claims" in title, title
    assert len(title) <= headlines.HEADLINE_MOST + headlines.ANSWER_ROOM


def test_a_family_headline_of_no_family_is_refused():
    with pytest.raises(ValueError, match="no page is about None"):
        headlines.family_headline(_claims(), None)


def test_the_overview_names_the_largest_claim_of_each_kind_that_fits_and_who_makes_it():
    claims = _claims()
    found = headlines.overview_headline(claims)
    assert found.title == (
        "Ukrainian drones: 159 intercepted, according to Russia; "
        "Ukrainian servicemen: at least 6 killed and 10 wounded, according to Ukraine"
    )
    assert len(found.title) <= headlines.OVERVIEW_MOST
    # the publisher's own account of an event is not a party's claim
    assert "3 dated events (2 as the publisher tells them, 1 as a party says)" in found.dek
    assert "drones, casualties, territory and strikes, 1 Aug 2024 – 21 May 2025" in found.dek
    russia = headlines.overview_headline(claims[claims["claimant_side"] == "russia"])
    assert russia.title != found.title and "according to Ukraine" not in russia.title
    # a kind's largest claim, whichever side makes it: Ukraine's 1,400 km², not Russia's 0
    territory = headlines.overview_headline(claims[claims["family"].isin(["territory", "context"])])
    assert territory.title.startswith("Kursk territory held by Ukrainian forces: nearly 1,400 km²")


def test_the_overview_headline_is_never_a_family_pages():
    claims = _claims()
    for side in ("russia", "ukraine", None):
        rows = claims if side is None else claims[claims["claimant_side"] == side]
        overview = headlines.overview_headline(rows).title
        for family in ("drones", "casualties", "territory"):
            assert overview != headlines.family_headline(rows, family).title, (side, family)


def test_markup_in_a_claim_stays_text_in_the_headline():
    claims = _claims()
    claims["claimant"] = claims["claimant"].astype(str)
    claims.loc[claims["event_id"].astype(str).str.startswith("missile-attack"), "claimant"] = "<b>x</b> *y*"
    text = headlines.family_headline(claims, "casualties")._repr_markdown_()
    assert "<b>" not in text and "&lt;b&gt;" in text and "\\*y\\*" in text


def test_data_as_of_names_the_latest_source_and_each_context_datasets_last_day():
    class Result:
        frame = pd.DataFrame({"night": pd.to_datetime(["2025-05-20", "2026-03-01"])})

    line = headlines.as_of(_claims(), [("the Air Force’s reports", Result())])
    assert line == "Data as of: the latest source published 21 May 2025; the Air Force’s reports to 1 Mar 2026."


def test_an_alt_text_names_each_sides_claim_before_it_drops_one():
    # The drone chart's alt text named only Russia's 159, though both sides' claims fit by side.
    from warclaims import figures

    claims = _claims()
    for make in (figures.drone_figure, figures.territory_figure):
        alt = make(claims).alt
        assert len(alt) <= figures.ALT_MOST
        assert "according to Russia" in alt and "according to Ukrain" in alt, alt


def test_among_many_claims_the_overview_says_how_many_its_claim_is_the_largest_of():
    claims = _claims()
    night = claims[claims["event_id"] == "drone-night-intercepted-russia"]
    extra = pd.concat([night.assign(event_id=f"another-{i}", value=12.0 + i) for i in range(6)])
    title = headlines.overview_headline(pd.concat([claims, extra])).title
    assert title.startswith("Ukrainian drones: 159 intercepted, according to Russia")
    assert title.endswith(" — one of 8 drone claims by 2 claimants, of 13 claims in all"), title
    assert len(title) <= headlines.OVERVIEW_MOST


def test_context_alt_texts_give_the_claims_below_who_makes_them_and_that_none_is_verified():
    from pathlib import Path

    from warclaims import figures
    from warclaims.charts.selection import Selection
    from warclaims.external.attacks import load_attacks
    from warclaims.external.general_staff import load_losses

    fixtures = Path(__file__).parent / "fixtures"
    attacks = load_attacks(
        fixtures / "attacks" / "attacks_oddities.csv", fixtures / "attacks" / "missiles_and_uavs.csv"
    )
    losses = load_losses(fixtures / "general_staff" / "russia_losses_personnel.json", skip_bad_rows=True)
    claims = warclaims.load_claims()
    sel = Selection(claims, claims, "all")
    drones = figures.drone_context_figure(sel, attacks, 3).alt
    assert "159 intercepted, according to Russia" in drones and "…" not in drones, drones
    people = figures.losses_context_figure(sel, losses, 5).alt
    assert "at least 6 killed and 10 wounded, according to Ukraine" in people, people
    for alt in (drones, people):
        assert alt.endswith("Not independently verified.") and len(alt) <= figures.ALT_MOST
    # a family chart's alt text says how many claims it draws
    assert figures.drone_figure(claims).alt.startswith("2 drone claims, one card per claim.")
