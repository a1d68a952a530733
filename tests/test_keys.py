"""Each page's "How to read the chart" says what its chart draws and nothing it does not: every
sentence of a key is checked against the drawing itself (a diamond in the key only where the
timeline draws one, a second claimant's bars only where an incident has two claimants' bars), over
the shipped article, the made-up tables of 2, 3 and 60 sources, and edited variants of the seed."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import warclaims
from warclaims import prose
from warclaims.charts import plots
from warclaims.charts.selection import Selection
from warclaims.external.datasets import load_datasets
from warclaims.external.territory import TerritoryImport

from conftest import ROOT
from madeup import write_table

MAX_LANES_TEXT = "one lane per kind of claim"


def _narrowed(claims: pd.DataFrame) -> pd.DataFrame:
    """The seed with every claim's day given: no bracket, no 'day not given' column anywhere."""
    out = claims.copy()
    out["date_start"] = out["date_end"]
    return out


def _bounded(claims: pd.DataFrame) -> pd.DataFrame:
    """The seed with its casualty and territory values given as 'at most', and no events."""
    out = claims[claims["metric"].astype(str) != "event"].copy()
    out["qualifier"] = out["qualifier"].astype(str).where(out["value"].isna(), "at_most")
    return out


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = {n: warclaims.load_claims(root=write_table(tmp_path_factory.mktemp(f"keys-{n}"), n)) for n in (1, 2, 3, 60)}
    out["narrowed"] = _narrowed(out[1])
    out["bounded"] = _bounded(out[1])
    return out


KINDS = (1, 2, 3, 60, "narrowed", "bounded")


def _key(claims, family=None, **drawn) -> str:
    return str(prose.how_to_read(Selection(claims, claims, "all"), family, **drawn))


def _artists(ax):
    return ax.get_figure(root=True).findobj(lambda a: bool(a.get_gid()))


def _gids(ax) -> list[str]:
    return [a.get_gid() for a in _artists(ax)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_timeline_key_names_only_the_marks_drawn(tables, kind):
    claims = tables[kind]
    key, ax = _key(claims), plots.plot_timeline(claims)
    if len(claims) > plots.MAX_MARKS:
        assert MAX_LANES_TEXT in key and "diamond" not in key
        return
    marks = [a for a in _artists(ax) if isinstance(a, Line2D) and a.get_gid().startswith("claim:")]
    assert ("A diamond" in key) == any(m.get_marker() == "D" for m in marks), key
    open_marks = any(mcolors.same_color(m.get_markerfacecolor(), "white") for m in marks)
    assert ("an open mark" in key.lower()) == open_marks, key
    hatched = any(
        isinstance(a, Rectangle) and a.get_gid().startswith("window:") and a.get_hatch() for a in _artists(ax)
    )
    assert ("hatched bar" in key) == hatched, key
    assert ("in detail, in a second panel" in key) == (len(ax.get_figure(root=True).axes) > 1), key
    assert ("A mark sits on a bar only" in key) == (0 < len(marks) < len(claims)), key


@pytest.mark.parametrize("kind", KINDS)
def test_the_casualty_key_names_only_the_bars_and_arrows_drawn(tables, kind):
    claims = tables[kind]
    key, ax = _key(claims, "casualties"), plots.plot_casualties(claims)
    rows = claims[claims["family"].astype(str) == "casualties"]
    if len(rows) > plots.MAX_BARS:
        assert "one panel to each thing counted" in key and "bar" not in key
        return
    labels = [a.get_text() for a in _artists(ax) if a.get_gid().startswith("value:")]
    assert ("(→)" in key) == any(t.endswith("→") for t in labels), key
    assert ("(←)" in key) == any(t.endswith("←") for t in labels), key
    claimants = {}  # each incident's bars, by who claims them, as drawn
    of = rows.set_index(rows["event_id"].astype(str))
    for bar in _artists(ax):
        if isinstance(bar, Rectangle) and bar.get_gid().startswith("claim:"):
            row = of.loc[bar.get_gid().removeprefix("claim:")]
            claimants.setdefault(str(row["incident"]), set()).add(str(row["claimant"]))
    assert ("Where two claimants" in key) == any(len(c) > 1 for c in claimants.values()), key
    assert ("Killed and wounded are separate bars" in key) == (rows["metric"].astype(str).nunique() > 1), key


@pytest.mark.parametrize("kind", KINDS)
def test_the_territory_key_names_only_the_brackets_bands_and_arrows_drawn(tables, kind):
    claims = tables[kind]
    key, ax = _key(claims, "territory"), plots.plot_territory(claims)
    gids = _gids(ax)
    assert ("“day not given” column" in key) == ("undated" in gids), key
    assert ("shaded band" in key) == any(g.startswith("event:") for g in gids), key
    bands = [a for a in _artists(ax) if str(a.get_gid()).startswith("event:")]
    sand = [mcolors.same_color(b.get_facecolor()[:3], plots.EVENT_SAND) for b in bands]
    assert ("in sand" in key) == any(sand), key  # each colour the key names is one a band is drawn in
    assert ("colour of a party’s side" in key) == (not all(sand)), key
    assert ("arrow points down" in key) == any(g.startswith("bound:down:") for g in gids), key
    assert ("arrow points up" in key) == any(g.startswith("bound:up:") for g in gids), key
    legend = [t.get_text() for legend in ax.get_figure(root=True).legends for t in legend.get_texts()]
    assert ("hollow mark" in key) == any(t.startswith("Hollow square") for t in legend), key
    assert ("its own panel and its own scale" in key) == (
        len(plots.territory_places(claims[claims["metric"] == "territory_held_km2"])) > 1
    )
    assert "green line" not in key


def test_the_territory_key_names_the_mapped_line_only_with_maps(tables):
    days = pd.to_datetime(["2024-08-20", "2024-09-01"])
    frame = pd.DataFrame(
        {
            "time": days.tz_localize("UTC"),
            "date": days,
            "held_km2": [820.0, 900.0],
            "grey_km2": [430.0, 340.0],
            "occupied_km2": 0.0,
            "file": ["0.geojson", "1.geojson"],
            "sha256": "0",
        }
    )
    mapped = TerritoryImport(frame, 2, dataset=load_datasets(ROOT)["deepstate"])
    key = _key(tables[1], "territory", mapped=mapped)
    assert "The green line, in its place’s panel, is the area DeepState maps as held" in key, key
    key = _key(tables[2], "territory", mapped=mapped)  # several places, none named as the region
    assert "in a panel of its own, compared with no claim" in key, key


@pytest.mark.parametrize("kind", KINDS)
def test_the_drone_key_gives_a_rate_only_where_a_card_does(tables, kind):
    claims = tables[kind]
    key, ax = _key(claims, "drones"), plots.plot_drone_claims(claims)
    rows = claims[claims["family"].astype(str) == "drones"]
    if len(rows) > plots.MAX_MARKS:
        assert "one panel to each thing counted" in key and "card" not in key
        return
    texts = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert ("average rate" in key) == any("if spread evenly" in t for t in texts), key
    assert ("Cards are separate statements" in key) == (len(rows) > 1), key


def test_the_static_cells_say_nothing_a_page_may_not_draw():
    """What the notebooks say in Markdown is true of every page: the conditional sentences are the keys'."""
    import nbformat

    conditional = (
        "second claimant",
        "shaded band",
        "green line",
        "bracket",
        "hatched",
        "duration",
        "→",
        "←",
        "cannot show",
    )
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and "instructions" not in cell.metadata.get("tags", []):
                assert not [w for w in conditional if w in cell.source], (path.name, cell.source)


@pytest.mark.parametrize("kind", KINDS)
def test_what_a_chart_cannot_show_asks_only_about_what_is_there(tables, kind):
    claims = tables[kind]
    of = {f: claims[claims["family"].astype(str) == f] for f in ("casualties", "territory", "drones")}
    casualties = _key(claims, "casualties")
    assert ("whether two incidents" in casualties) == (of["casualties"]["incident"].nunique() > 1), casualties
    territory = _key(claims, "territory")
    places = plots.territory_places(of["territory"][of["territory"]["metric"] == "territory_held_km2"])
    assert ("the path between two claims" in territory) == any(len(g) > 1 for _, g in places), territory
    assert ("one side accepts" in territory) == (of["territory"]["claimant_side"].nunique() > 1), territory
    timeline = _key(claims)
    assert ("from different sides" in timeline) == (claims.loc[claims["value"].notna(), "claimant_side"].nunique() > 1)
    for key in (casualties, territory, timeline, _key(claims, "drones")):
        assert key.count("cannot show") == 1, key


def test_one_incident_by_one_claimant_gets_neither_comparison():
    claims = warclaims.load_claims()
    one = claims[claims["incident"].astype(str) == "missile-attack-2025-05-20"]
    key = _key(one, "casualties")
    assert "Where two claimants" not in key and "whether two incidents" not in key, key
    territory = claims[claims["event_id"].astype(str) == "kursk-peak-territory-ukraine"]
    key = _key(territory, "territory")
    assert "path between" not in key and "one side accepts" not in key and "shaded band" not in key, key


FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize("kind", [1, "narrowed", "bounded"])
def test_the_context_keys_name_the_lines_gaps_and_hatching_drawn(tables, kind):
    # The Air Force and General Staff charts had no key of their own, and drew "at least 6" solid
    # beside a casualty key that calls a lower bound hatched.
    from warclaims import figures
    from warclaims.charts import keys
    from warclaims.external.attacks import load_attacks, nights_around_article
    from warclaims.external.general_staff import days_around, load_losses

    claims = tables[kind]
    sel = Selection(claims, claims, "all")
    attacks = load_attacks(
        FIXTURES / "attacks" / "attacks_oddities.csv", FIXTURES / "attacks" / "missiles_and_uavs.csv"
    )
    losses = load_losses(FIXTURES / "general_staff" / "russia_losses_personnel.json", skip_bad_rows=True)
    for fig, key in (
        (
            figures.drone_context_figure(sel, attacks, 3).figure,
            keys.attacks_context(
                nights_around_article(claims, attacks.frame, 3)[2],
                claims[claims["metric"].astype(str) == "drones_intercepted"],
            ),
        ),
        (
            figures.losses_context_figure(sel, losses, 5).figure,
            keys.losses_context(days_around(claims, losses.frame, 5)[2], claims),
        ),
    ):
        top, bottom = fig.axes[0], fig.axes[1]
        rows = [p for p in bottom.patches if str(p.get_gid()).startswith("claim:")]
        assert rows, "no claim row drawn"
        assert ("A hatched, paler bar" in key) == any(p.get_hatch() for p in rows), key
        legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
        assert any(t.startswith("Hatched:") for t in legend) == any(p.get_hatch() for p in rows), legend
        for p in rows:
            assert bool(p.get_hatch()) == (p.get_alpha() is not None and p.get_alpha() < 1)  # one code for both
        lines = {ln.get_gid(): ln for ln in top.get_lines() if str(ln.get_gid()).startswith("series:")}
        spans = claims.set_index("event_id")
        two_dates = (
            spans.at["drone-night-intercepted-russia", "date_end"]
            > spans.at["drone-night-intercepted-russia", "date_start"]
        )
        if lines and two_dates:  # the Air Force's: a two-date claim over the night between, as its night is shaded
            band = next(p for p in bottom.patches if p.get_gid() == "article-night")
            night = next(p for p in rows if p.get_gid() == "claim:drone-night-intercepted-russia")
            assert (night.get_x(), night.get_width()) == pytest.approx((band.get_x(), band.get_width()))
        if lines:  # the Air Force's: each line named with the style it is drawn in
            for gid, words in (
                ("series:launched", "dashed"),
                ("series:destroyed", "solid"),
                ("series:not_reach_goal", "dotted"),
            ):
                assert (words in key) == (gid in lines and bool(pd.Series(lines[gid].get_ydata()).notna().any())), gid
            gaps = [pd.Series(line.get_ydata()).isna() for line in lines.values()]
            assert ("A gap in a line" in key) == any(g.any() for g in gaps)
            unreported = pd.Series(lines["series:launched"].get_ydata()).isna()
            assert ("a night without a report" in key) == bool(unreported.any())
            assert ("a report that gives no such figure" in key) == any((g & ~unreported).any() for g in gaps)
        else:  # the General Staff's bars, each over the day before its statement
            assert "one grey bar per statement" in key
        assert "never added" not in " ".join([t.get_text() for t in bottom.texts] + [bottom.get_title(loc="left")])


def test_methods_say_in_sentences_only_what_was_left_out():
    # "102 rows read, 0 exact duplicates dropped, 0 unreadable rows left out": an import log
    from warclaims.external.attacks import load_attacks
    from warclaims.external.general_staff import load_losses

    claims = warclaims.load_claims()
    attacks = load_attacks(
        FIXTURES / "attacks" / "attacks_oddities.csv", FIXTURES / "attacks" / "missiles_and_uavs.csv"
    )
    losses = load_losses(FIXTURES / "general_staff" / "russia_losses_personnel.json", skip_bad_rows=True)
    said = prose.methods(Selection(claims, claims, "all claims"), attacks=attacks, losses=losses).lines
    assert said[0].startswith("Claims: 7 claimed values and 3 dated events from the claim table (all claims)")
    assert said[1].startswith(f"Air Force counts: {attacks.rows_read} rows of the dataset’s file read; ")
    assert "1 row repeated another exactly and was dropped" in said[1] and attacks.duplicates_dropped == 1
    assert attacks.bad_rows == 0 and "could not be read" not in said[1]  # nothing left out: not said
    assert said[2] == f"General Staff figures: {losses.records} daily statements read."
    assert not [line for line in said if " 0 " in line]
    # what the nightly counts drawn use: the date-only reports are left out of them, as nightly() does
    dated = int((attacks.frame["date_only"].astype(bool) & (attacks.frame["kind"] == "drone")).sum())
    assert dated and f"{dated} reports that give only a date" in said[1] and "left out of them" in said[1]
    # a page's methods count the claims it draws, as its dek does
    drones = prose.methods(Selection(claims, claims, "all claims"), "drones", attacks=attacks).lines
    assert drones[0].startswith("Claims: 2 claimed values from the claim table")


def test_a_band_a_party_tells_is_keyed_by_its_sides_colour(tables):
    claims = tables[1].copy()
    events = claims["metric"].astype(str) == "event"
    claims["claimant_side"] = claims["claimant_side"].astype(str).where(~events, "ukraine")
    key, ax = _key(claims, "territory"), plots.plot_territory(claims)
    bands = [a for a in _artists(ax) if str(a.get_gid()).startswith("event:")]
    assert bands and all(mcolors.same_color(b.get_facecolor()[:3], plots.theme.side_color("ukraine")) for b in bands)
    assert "colour of a party’s side" in key and "in sand" not in key, key
