"""The shipped claim table: valid, typed, and saying what the article says."""

from __future__ import annotations

import pandas as pd
import pytest

import warclaims
from warclaims.claims.checking import validate


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return warclaims.load_events()


def test_shipped_table_is_valid():
    assert validate() == []


def test_dtypes_are_real(events):
    assert pd.api.types.is_datetime64_any_dtype(events["date_start"])
    assert pd.api.types.is_datetime64_any_dtype(events["date_end"])
    assert events["value"].dtype == "float64"
    for col in ("metric", "qualifier", "value_basis", "claimant_side", "claimant"):
        assert isinstance(events[col].dtype, pd.CategoricalDtype), col
    assert list(events["claimant_side"].cat.categories) == ["russia", "ukraine", "other"]


def claim(events, event_id):
    row = events.set_index("event_id").loc[event_id]
    return row


# Expectations written from the article text, not from the CSV.
@pytest.mark.parametrize(
    "event_id, metric, value, qualifier, side, start, end",
    [
        ("drone-night-intercepted-russia", "drones_intercepted", 159, "exact", "russia", "2025-05-20", "2025-05-21"),
        ("missile-attack-killed-ukraine", "killed", 6, "at_least", "ukraine", "2025-05-20", "2025-05-20"),
        ("missile-attack-wounded-ukraine", "wounded", 10, "exact", "ukraine", "2025-05-20", "2025-05-20"),
        (
            "kursk-peak-territory-ukraine",
            "territory_held_km2",
            1400,
            "approximately",
            "ukraine",
            "2024-08-01",
            "2025-04-30",
        ),
        ("kursk-ejection-russia", "territory_held_km2", 0, "exact", "russia", "2025-04-21", "2025-04-30"),
        ("oryol-plant-drones-ukraine", "drones_reached_target", 10, "exact", "ukraine", "2025-05-20", "2025-05-21"),
        # the text dates Russia's announcement, not the strike: the week up to it, no day
        ("iskander-strike-russia", "missile_strikes", 1, "exact", "russia", "2025-05-14", "2025-05-20"),
    ],
)
def test_curated_values_match_the_article(events, event_id, metric, value, qualifier, side, start, end):
    row = claim(events, event_id)
    assert row["metric"] == metric
    assert row["value"] == value
    assert row["qualifier"] == qualifier
    assert row["claimant_side"] == side
    assert row["date_start"] == pd.Timestamp(start)
    assert row["date_end"] == pd.Timestamp(end)


def test_drone_claim_keeps_its_duration(events):
    assert claim(events, "drone-night-intercepted-russia")["duration_hours"] == 12


def test_ejection_is_derived_with_a_note(events):
    row = claim(events, "kursk-ejection-russia")
    assert row["value_basis"] == "derived"
    assert "ejected" in row["notes"]


def test_context_events_are_dated_and_valueless(events):
    ev = events[events["metric"] == "event"].set_index("event_id")
    assert set(ev.index) == {"kursk-incursion", "putin-kursk-visit", "putin-trump-call"}
    assert ev["value"].isna().all()
    assert ev.loc["putin-kursk-visit", "date_start"] == pd.Timestamp("2025-05-20")  # 'Tuesday' before Wed 21 May
    assert (
        ev.loc["kursk-incursion", ["date_start", "date_end"]]
        == [pd.Timestamp("2024-08-01"), pd.Timestamp("2024-08-31")]
    ).all()


def test_quotes_keep_typographic_characters(events):
    visit = claim(events, "putin-kursk-visit")["quote"]
    assert "Tuesday\u2019s \u201cworking visit\u201d" in visit


def test_two_claims_from_one_sentence_are_two_rows(events):
    rows = events[events["incident"] == "missile-attack-2025-05-20"]
    assert sorted(rows["metric"].astype(str)) == ["killed", "wounded"]
    assert rows["quote"].nunique() == 1


def test_load_claims_joins_metric_and_source():
    claims = warclaims.load_claims()
    row = claims.set_index("event_id").loc["kursk-peak-territory-ukraine"]
    assert row["unit"] == "km2"
    assert row["family"] == "territory"
    assert row["published"] == pd.Timestamp("2025-05-21")
    assert len(claims) == len(warclaims.load_events())


def test_loaders_return_typed_frames():
    sources = warclaims.load_sources()
    assert pd.api.types.is_datetime64_any_dtype(sources["published"])
    metrics = warclaims.load_metrics()
    assert {
        "drones_intercepted",
        "drones_reached_target",
        "killed",
        "wounded",
        "territory_held_km2",
        "missile_strikes",
        "event",
    } <= set(metrics["metric"])
    assert len(warclaims.load_skipped()) > 0


def test_load_events_raises_with_every_problem(project):
    from conftest import edit_row

    path = project / "data" / "events.csv"
    line_a = edit_row(path, "event_id", "missile-attack-killed-ukraine", claimant_side="nato")
    line_b = edit_row(path, "event_id", "putin-trump-call", date_start="2025-13-01")
    with pytest.raises(warclaims.ClaimTableError) as info:
        warclaims.load_events(root=project)
    lines = {(p.line, p.column) for p in info.value.problems}
    assert {(line_a, "claimant_side"), (line_b, "date_start")} <= lines
