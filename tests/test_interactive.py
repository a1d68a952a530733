"""What a reader can ask of a chart, checked where the build makes it: every claim a chart draws has
an area where it is drawn (the PNG's pixels there are the mark's colour), a card with the claim's
words, quote and source, a row in the chart's CSV; series points have their values and citation;
two builds give the same areas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from PIL import Image

import warclaims
from warclaims import figures
from warclaims.charts import interactive, theme
from warclaims.external.attacks import load_attacks
from warclaims.external.datasets import load_datasets
from warclaims.external.general_staff import load_losses

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def sel():
    return warclaims.select_claims()


def charts(sel):
    attacks = load_attacks(
        FIXTURES / "attacks" / "attacks_oddities.csv",
        FIXTURES / "attacks" / "missiles_and_uavs.csv",
        skip_bad_rows=True,
    )
    attacks.dataset = load_datasets(ROOT)["attacks"]
    losses = load_losses(FIXTURES / "general_staff" / "russia_losses_personnel.json", skip_bad_rows=True)
    losses.dataset = load_datasets(ROOT)["general-staff"]
    return {
        "drones": figures.drone_figure(sel.claims),
        "casualties": figures.casualty_figure(sel.claims),
        "territory": figures.territory_figure(sel.claims),
        "timeline": figures.timeline_figure(sel.claims),
        "drone_context": figures.drone_context_figure(sel, attacks, 3),
        "losses_context": figures.losses_context_figure(sel, losses, 5),
    }


@pytest.fixture(scope="module")
def asked(sel):
    return {name: (fig, fig.questions()) for name, fig in charts(sel).items()}


def drawn_claims(name, sel):
    claims = sel.claims
    family = {"drones": "drones", "casualties": "casualties", "territory": "territory"}.get(name)
    if family:
        return set(claims.loc[claims["family"].astype(str) == family, "event_id"])
    if name == "timeline":
        return set(claims["event_id"])
    if name == "drone_context":
        return set(claims.loc[claims["metric"].astype(str) == "drones_intercepted", "event_id"])
    return set(claims.loc[claims["family"].astype(str) == "casualties", "event_id"])


@pytest.mark.parametrize("name", ["drones", "casualties", "territory", "timeline", "drone_context", "losses_context"])
def test_every_claim_drawn_has_an_area_a_card_and_a_csv_row(asked, sel, name):
    _fig, q = asked[name]
    expected = {f"claim:{e}" for e in drawn_claims(name, sel)}
    for drawing in ("wide", "narrow"):
        keys = {a["key"] for a in q["marks"][drawing] if a["key"].startswith("claim:")}
        assert keys == expected, (drawing, keys ^ expected)
        for area in q["marks"][drawing]:
            assert 0 <= area["x"] <= 100 and 0 <= area["y"] <= 100 and area["w"] > 0 and area["h"] > 0
            assert area["x"] + area["w"] <= 100.01 and area["y"] + area["h"] <= 100.01
    rows = list(csv.DictReader(io.StringIO(q["csv"]["claims"])))
    assert {f"claim:{r['event_id']}" for r in rows} == expected
    assert all(r["quote"] and r["claimant"] and r["description"] for r in rows)
    for key in expected:
        card = q["cards"][key]
        row = sel.claims.set_index("event_id").loc[key.partition(":")[2]]
        assert card["quote"] == row["quote"] and ("Claimed by", row["claimant"]) in [tuple(r) for r in card["rows"]]
        assert "21 May 2025" in card["source"]


def test_a_card_words_the_value_as_the_text_does(asked):
    _, q = asked["casualties"]
    killed = q["cards"]["claim:missile-attack-killed-ukraine"]
    assert killed["head"].endswith("at least 6")


def _image(fig, figure):
    """The picture a page shows: without its caption, which the page prints as text."""
    with theme.captionless(figure):
        return np.asarray(Image.open(io.BytesIO(fig.png(figure))).convert("RGB")).astype(float) / 255


def _box(area, image):
    height, width, _ = image.shape
    x0, y0 = int(area["x"] / 100 * width), int(area["y"] / 100 * height)
    x1, y1 = int((area["x"] + area["w"]) / 100 * width), int((area["y"] + area["h"]) / 100 * height)
    return image[y0:y1, x0:x1]


def test_each_bar_area_covers_its_bar_in_the_png(asked):
    """The areas are where matplotlib drew: inside each casualty claim's area, in the PNG, a run of
    pixels has its bar's colour (so the overlay cannot drift from the picture)."""
    fig, q = asked["casualties"]
    for drawing, figure in (("wide", fig.figure), ("narrow", fig.narrow)):
        image = _image(fig, figure)
        bars = {p.get_gid(): p for ax in figure.axes for p in ax.patches if (p.get_gid() or "").startswith("claim:")}
        for area in q["marks"][drawing]:
            r, g, b, alpha = bars[area["key"]].get_facecolor()
            shown = np.array([r, g, b]) * alpha + (1 - alpha)  # over white
            inside = _box(area, image)
            matching = (np.abs(inside - shown).max(axis=2) < 0.09).sum()  # 256 colours: within 15/255
            assert matching > 200, (drawing, area, matching)


def test_a_day_marks_area_is_centred_on_its_dot(asked):
    """The timeline's dots (a claim whose day the text gives): the middle of its area in the detail
    panel is the dot, in its side's colour."""
    fig, q = asked["timeline"]
    image = _image(fig, fig.figure)
    height, width, _ = image.shape
    solid = {
        "claim:missile-attack-wounded-ukraine": theme.SIDE_COLORS["ukraine"],
        "claim:putin-kursk-visit": theme.SIDE_COLORS["russia"],  # a diamond: an event on its day
    }
    for key, colour in solid.items():
        detail = max((a for a in q["marks"]["wide"] if a["key"] == key), key=lambda a: a["x"])  # the detail panel's
        x = int((detail["x"] + detail["w"] / 2) / 100 * width)
        y = int((detail["y"] + detail["h"] / 2) / 100 * height)
        assert np.abs(image[y, x] - np.array(mcolors.to_rgb(colour))).max() < 0.08, (key, image[y, x])


def test_series_points_have_their_values_and_the_citation(asked):
    _fig, q = asked["losses_context"]
    series = [a for a in q["marks"]["wide"] if a["key"].startswith("generalstaff:")]
    assert series, "the General Staff's days are marks too"
    card = q["cards"][series[0]["key"]]
    assert card["kind"] == "series" and "Petro Ivaniuk" in card["source"] and card["rows"][0][1]
    rows = list(csv.DictReader(io.StringIO(q["csv"]["generalstaff"])))
    assert rows and all(r["citation"] for r in rows)
    days = {r["date"] for r in rows}
    assert {a["key"].partition(":")[2] for a in series} <= days
    _, q = asked["drone_context"]
    nights = [a for a in q["marks"]["wide"] if a["key"].startswith("airforce:")]
    assert nights and all(q["cards"][a["key"]]["rows"] for a in nights)


def test_series_columns_come_first_then_claims_in_reading_order(asked):
    _, q = asked["losses_context"]
    kinds = [a["key"].startswith("claim:") for a in q["marks"]["wide"]]
    assert kinds == sorted(kinds)  # every series column before every claim: claims lie on top
    claims = [a for a in q["marks"]["wide"] if a["key"].startswith("claim:")]
    assert [(a["y"], a["x"]) for a in claims] == sorted((a["y"], a["x"]) for a in claims)


def test_the_areas_are_the_same_in_two_drawings(sel):
    first = figures.casualty_figure(sel.claims).questions()
    second = figures.casualty_figure(sel.claims).questions()
    assert first == second


def test_a_chart_with_no_records_asks_nothing():
    fig = figures.ClaimFigure("x", figures.casualty_figure(warclaims.load_claims()).figure, "alt")
    assert fig.questions() == {}


def test_markup_in_a_quote_stays_text_in_the_card(sel):
    claims = sel.claims.copy()
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    claims.loc[claims["event_id"] == "missile-attack-killed-ukraine", "quote"] = hostile
    q = figures.casualty_figure(claims).questions()
    assert q["cards"]["claim:missile-attack-killed-ukraine"]["quote"] == hostile  # escaped where the page prints it


def test_a_series_csv_names_its_columns_in_the_datasets_terms():
    frame = pd.DataFrame({"held_km2": [1.0, 2.0]}, index=pd.to_datetime(["2024-08-01", "2024-08-02"]))
    series = interactive.Series(
        "deepstate", "DeepState's maps", ("mapped:held",), frame, {"held_km2": "Held (km²)"}, "cite"
    )
    assert series.csv().splitlines() == ["date,Held (km²),citation", "2024-08-01,1,cite", "2024-08-02,2,cite"]
    assert theme  # the theme module is what the charts draw with


def test_a_derived_value_says_so_in_its_card_and_its_csv(sel):
    q = figures.territory_figure(sel.claims).questions()
    card = q["cards"]["claim:kursk-ejection-russia"]
    assert ("Value", "derived from the words, not a number in the text") in [tuple(r) for r in card["rows"]]
    rows = {r["event_id"]: r for r in csv.DictReader(io.StringIO(q["csv"]["claims"]))}
    assert rows["kursk-ejection-russia"]["value_basis"] == "derived" and rows["kursk-ejection-russia"]["notes"]


def test_every_day_of_a_context_series_is_drawn_whole_inside_its_panel(asked):
    # A statement's bar spans the day before it: the first one was cut in half by the axis.
    for name in ("losses_context", "drone_context"):
        fig, _ = asked[name]
        for drawing in (fig.figure, fig.narrow):
            top = drawing.axes[0]
            lo, hi = top.get_xlim()
            bars = [p for p in top.patches if p.get_gid() == "series:daily"]
            ends = [(p.get_x(), p.get_x() + p.get_width()) for p in bars] + [
                (x, x) for line in top.lines if str(line.get_gid()).startswith("series:") for x in line.get_xdata()
            ]
            assert ends, name
            assert all(lo <= start and end <= hi for start, end in ends), name
