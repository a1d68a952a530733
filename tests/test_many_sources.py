"""A claim table that grows: tables of 1, 2, 5, 20 and 50 sources (tests/madeup.py) drawn as every
chart family, at both widths. Claims about different places never share an axis; cards about
opposite directions never share a heading; the same qualifier is worded the same on every row;
captions stay short; and no text overlaps, leaves the figure or falls under 8 pt."""

from __future__ import annotations

import contextlib
import itertools
import re
from pathlib import Path

import matplotlib.dates as mdates
import pytest

import warclaims
from warclaims import figures
from warclaims.charts import plots, theme
from warclaims.charts.parameters import ParameterError
from warclaims.charts.selection import Selection
from warclaims.external.attacks import load_attacks
from warclaims.external.general_staff import load_losses

from conftest import visible_texts
from madeup import write_table

SIZES = (1, 2, 5, 20, 50)
MIN_POINTS = 8
FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = "2025-05-21-putin-kursk"  # the article the context fixtures sit around


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return {n: warclaims.load_claims(root=write_table(tmp_path_factory.mktemp(f"sources-{n}"), n)) for n in SIZES}


def drawn(claims):
    for name, make in (
        ("drones", figures.drone_figure),
        ("casualties", figures.casualty_figure),
        ("territory", figures.territory_figure),
        ("timeline", figures.timeline_figure),
    ):
        fig = make(claims)
        yield name, fig.figure
        assert fig.narrow is not None, f"{name}: no phone drawing"
        yield f"{name} (phone)", fig.narrow


def context_charts(claims):
    """The two context charts with every claim of the table in their lower panels (the fixtures'
    series sit on the shipped article's days, whatever the table's own dates)."""
    attacks = load_attacks(
        FIXTURES / "attacks" / "attacks_oddities.csv", FIXTURES / "attacks" / "missiles_and_uavs.csv"
    )
    losses = load_losses(FIXTURES / "general_staff" / "russia_losses_personnel.json", skip_bad_rows=True)
    shipped = claims[claims["source_id"] == SHIPPED]
    sel = Selection(claims, shipped, "all")
    drones = figures.drone_context_figure(sel, attacks, 3)
    losses = figures.losses_context_figure(sel, losses, 5)
    for name, fig in (("drone context", drones), ("losses context", losses)):
        assert isinstance(fig, figures.ClaimFigure), f"{name}: {fig!r}"
        yield name, fig


def layout_problems(name, fig) -> list[str]:
    problems = []
    texts = visible_texts(fig)
    page = fig.bbox
    boxes = [(t, t.get_window_extent()) for t in texts]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        if box_a.padded(-1).overlaps(box_b.padded(-1)):
            problems.append(f"{name}: {a.get_text()[:40]!r} overlaps {b.get_text()[:40]!r}")
    for t, box in boxes:
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
            problems.append(f"{name}: {t.get_text()[:50]!r} leaves the figure")
        if t.get_fontsize() < MIN_POINTS:
            problems.append(f"{name}: {t.get_text()[:30]!r} at {t.get_fontsize()} pt")
        if "…" in t.get_text():  # no label, title or caption cut short: every text is whole
            problems.append(f"{name}: {t.get_text()[:30]!r} cut short")
    return problems


@pytest.mark.parametrize("n", SIZES)
def test_no_text_overlaps_leaves_the_figure_or_is_too_small(tables, n):
    problems = [p for name, fig in drawn(tables[n]) for p in layout_problems(f"{n} sources, {name}", fig)]
    assert problems == []


@pytest.mark.parametrize("n", (2, 50))
def test_context_charts_give_each_claim_a_row_with_its_label_inside_the_panel(tables, n):
    claims = tables[n]
    for name, fig in context_charts(claims):
        for drawing, label in ((fig.figure, name), (fig.narrow, f"{name} (phone)")):
            assert layout_problems(label, drawing) == []
            bottom = drawing.axes[1]
            drawing.draw_without_rendering()
            panel = bottom.get_window_extent()
            labels = [t for t in bottom.texts if t.get_gid() == "claim-label"]
            bars = [p for p in bottom.patches if str(p.get_gid()).startswith("claim:")]
            assert len(labels) == len(bars) > 1, label
            boxes = [t.get_window_extent() for t in labels] + [b.get_window_extent() for b in bars]
            for box in boxes[: len(labels)]:
                assert panel.x0 - 1 <= box.x0 and box.x1 <= panel.x1 + 1, f"{label}: a label leaves its panel"
                assert panel.y0 - 1 <= box.y0 and box.y1 <= panel.y1 + 1, f"{label}: a label leaves its panel"
            overlapping = [
                (i, j)
                for i, j in itertools.combinations(range(len(boxes)), 2)
                if boxes[i].padded(-0.5).overlaps(boxes[j].padded(-0.5))
            ]
            assert overlapping == [], label


@pytest.mark.parametrize("n", SIZES)
def test_captions_cite_sources_compactly(tables, n):
    for name, fig in drawn(tables[n]):
        caption = " ".join(fig.get_supxlabel().split())
        assert len(caption) <= 500, (name, len(caption))  # the shipped article's own, whole, is 438
        if n > 1:  # each chart counts the sources of the claims it draws
            assert re.search(r"Sources: \d+ sources, listed at the end of the page\.", caption), name
            assert "Made-up report from" not in caption


def panels(fig):
    return [ax for ax in fig.axes if ax.get_title(loc="left")]


def test_each_place_has_its_own_panel_and_only_its_own_event_band(tables):
    claims = tables[5]
    ax = plots.plot_territory(claims)
    fig = ax.get_figure(root=True)
    places = plots.territory_places(claims[claims["metric"] == "territory_held_km2"])
    assert len(places) == 6 and len(fig.axes) == 6
    for panel, (place, rows) in zip(fig.axes, places, strict=True):
        assert panel.get_title(loc="left").replace("\n", " ").startswith(place)
        drawn_ids = {
            t.get_gid().split(":", 1)[1]
            for holder in (panel, *panel.child_axes)  # with its column of undated values
            for t in holder.texts
            if (t.get_gid() or "").startswith("value:")
        }
        assert drawn_ids == set(rows["event_id"])  # every claim of the place, and none of another
        bands = {p.get_gid() for p in panel.patches if (p.get_gid() or "").startswith("event:")}
        expected = {"Kursk territory held by Ukrainian forces": {"event:kursk-incursion"}}.get(place, set())
        if place.startswith("Zarichne"):
            expected = {"event:zarichne-incursion"}
        assert bands == expected, place
    assert theme.title_of(ax).startswith("Territory held, as claimed, in 6 places")


def test_one_place_is_named_in_the_title(tables):
    ax = plots.plot_territory(tables[1])
    assert theme.title_of(ax) == "Kursk territory held by Ukrainian forces, as claimed (km²)"
    assert "Shaded: Ukrainian incursion into Kursk (August 2024)" in ax.get_title(loc="left")


def test_two_claims_of_one_place_on_one_day_do_not_print_over_each_other(tables):
    ax = plots.plot_territory(tables[2])
    zarichne = next(a for a in ax.get_figure(root=True).axes if a.get_title(loc="left").startswith("Zarichne"))
    labels = [t for t in zarichne.texts if (t.get_gid() or "").startswith("value:")]
    assert len(labels) == 2
    ax.get_figure(root=True).draw_without_rendering()
    a, b = (t.get_window_extent() for t in labels)
    assert not a.overlaps(b)
    top = zarichne.get_window_extent().y1
    assert max(a.y1, b.y1) <= top  # lifted inside the panel, not into its title


def test_drone_cards_of_opposite_directions_have_their_own_headings(tables):
    ax = plots.plot_drone_claims(tables[2])
    headings = {
        t.get_gid().split(":", 1)[1]: t.get_text().replace("\n", " ")
        for t in ax.texts
        if (t.get_gid() or "").startswith("heading:")
    }
    assert headings["zarichne-night-russia"] == "Drones intercepted: Ukrainian drones, over Russia"
    assert headings["zarichne-night-ukraine"] == "Drones intercepted: Russian drones, over Ukraine"
    groups = {t.get_gid().split(":", 1)[1]: t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("group:")}
    assert groups["zarichne-night-russia"] == "Drone night, 8–9 Aug 2025"


def test_a_qualifier_is_worded_the_same_with_or_without_qualifier_text(tables):
    ax = plots.plot_casualties(tables[2])
    values = {t.get_gid().split(":", 1)[1]: t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("value:")}
    assert values["zarichne-market-killed"] == "at least 2 →"  # qualifier_text left empty in the table
    assert values["missile-attack-killed-ukraine"] == "at least 6 →"
    assert values["zarichne-soldiers-ukraine"] == "at most 4 ←"  # an upper bound points back
    everything = " ".join(t.get_text() for name, fig in drawn(tables[5]) for t in visible_texts(fig))
    assert not {"≥", "≤", "~"} & set(everything)


def test_two_incidents_on_one_day_are_two_groups(tables):
    ax = plots.plot_casualties(tables[2])
    heads = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("incident:")]
    assert "Market shelling on 8 Aug 2025: civilians, a market in Zarichne" in heads
    assert "Bus drone strike on 8 Aug 2025: people on a bus, near Verkhnia" in heads


def test_many_drone_claims_are_a_panel_per_direction(tables):
    fig = plots.plot_drone_claims(tables[50]).get_figure(root=True)  # above MAX_MARKS: series over time
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert any(t.startswith("Drones intercepted: Ukrainian drones: ") for t in titles)
    assert any(t.startswith("Drones intercepted: Russian drones: ") for t in titles)
    for ax in fig.axes:  # one direction per axis: every point of a panel counts the same thing
        sides = {c.get_gid().split(":")[1] for c in ax.collections if (c.get_gid() or "").startswith("series")}
        if ax.get_title(loc="left").startswith("Drones intercepted: Russian drones"):
            assert sides == {"ukraine"}


def test_source_ids_keep_only_those_sources(monkeypatch, tmp_path):
    monkeypatch.setenv("WARCLAIMS_ROOT", str(write_table(tmp_path, 5)))
    sel = warclaims.select_claims(source_ids=["2025-08-10-dubrava"])
    assert set(sel.claims["source_id"]) == {"2025-08-10-dubrava"} and len(sel.claims) == 2
    assert "source 2025-08-10-dubrava" in sel.description
    assert len(warclaims.select_claims(source_ids=[]).claims) == 30  # empty: every source
    with pytest.raises(ParameterError, match="'nope' not in the table's sources; known: 2025-05-21-putin-kursk"):
        warclaims.select_claims(source_ids="nope")
    with pytest.raises(ParameterError, match="source_ids=5 must be a list of source ids"):
        warclaims.select_claims(source_ids=5)


def test_the_page_lists_its_sources_in_full_once(tables, tmp_path):
    from warclaims import prose
    from warclaims.charts.selection import Selection

    text = prose.sources(Selection(tables[5], tables[5], ""))._repr_html_()
    assert text.startswith('<h2 id="Sources">Sources</h2>')
    assert text.count("<li>") == 5
    # what each source file records, and what it does not: neither made-up article has a headline
    dubrava = (
        "A made-up report for the tests of warclaims whose outlet is not recorded: its places and figures are invented."
    )
    assert (
        f'<li>article of 10 Aug 2025; headline and outlet not recorded <span class="wc-standfirst">— summary: “{dubrava}”</span></li>'
        in text
    )
    assert (
        '<li><a href="https://example.org/made-up/zarichne">The Test Gazette</a>, 9 Aug 2025; headline not recorded'
        in text
    )
    casualties = prose.sources(Selection(tables[5], tables[5], ""), "casualties")._repr_html_()
    assert casualties.count("<li>") == 4  # the report with no casualty claim is not a source of that page
    assert "10 Aug 2025" not in casualties


def test_a_source_address_reaches_the_link_as_stored(tables):
    from warclaims import prose
    from warclaims.charts.selection import Selection

    rows = tables[1].copy()
    rows["url"] = "https://example.org/*x*_y_`z`\\[q]&amp;(1)"
    text = prose.sources(Selection(rows, rows, ""))._repr_html_()
    assert 'href="https://example.org/*x*_y_`z`\\[q]&amp;amp;(1)"' in text  # escaped once, as an attribute


def test_dates_on_the_territory_axis_stay_dates(tables):
    ax = plots.plot_territory(tables[1])
    lo, hi = ax.get_xlim()
    assert mdates.num2date(lo).year == 2024 and mdates.num2date(hi).year == 2025


def test_two_places_with_one_subject_are_two_panels_each_named(tables):
    rows = tables[5][tables[5]["metric"] == "territory_held_km2"].copy()
    generic = rows["event_id"].str.startswith("madeup-")
    rows.loc[generic, "subject"] = "Territory held by the Ukrainian army"
    rows.loc[generic, "location"] = ["the Ostrivna region", "the Kalynove region"]
    places = [name for name, _ in plots.territory_places(rows)]
    assert "Territory held by the Ukrainian army (the Ostrivna region)" in places
    assert "Territory held by the Ukrainian army (the Kalynove region)" in places
    assert len(plots.plot_territory(rows).get_figure(root=True).axes) == len(places) == 6


def test_a_region_place_of_the_wrong_type_stops_the_first_cell(tables):
    from warclaims import prose
    from warclaims.charts.selection import Selection

    with pytest.raises(ParameterError, match=r"region_place=\['Kursk region'\] must be a place"):
        prose.territory(Selection(tables[1], tables[1], ""), "km2", None, ["Kursk region"])


def test_a_bound_points_the_way_the_value_may_lie_and_its_label_clears_it(tables):
    claims = tables[5]
    ax = plots.plot_territory(claims)
    fig = ax.get_figure(root=True)
    fig.draw_without_rendering()
    arrows = {t.get_gid(): t for panel in fig.axes for t in panel.texts if (t.get_gid() or "").startswith("bound:")}
    down = arrows.pop("bound:down:dubrava-held-russia")  # "no more than 15 km²": not a bar at 15 alone
    assert down.xy[1] == 15 and down.xyann[1] < 0 and not arrows  # no other claim is a bound
    # The same claim as a lower bound: the arrow points up, and its label starts above the arrow's head.
    lower = claims.copy()
    lower.loc[lower["event_id"] == "dubrava-held-russia", ["qualifier", "qualifier_text"]] = ["at_least", "at least"]
    ax = plots.plot_territory(lower)
    fig = ax.get_figure(root=True)
    fig.draw_without_rendering()
    panel = next(a for a in fig.axes if any(t.get_gid() == "bound:up:dubrava-held-russia" for t in a.texts))
    up = next(t for t in panel.texts if t.get_gid() == "bound:up:dubrava-held-russia")
    label = next(t for t in panel.texts if t.get_gid() == "value:dubrava-held-russia")
    assert up.xyann[1] > 0 and label.get_text().startswith("at least 15 km²")
    tip = panel.transData.transform(up.xy)[1] + up.xyann[1] * fig.dpi / 72
    assert label.get_window_extent().y0 >= tip  # the words over the arrow, not through it


@pytest.mark.parametrize("narrow", [False, True], ids=["desktop", "phone"])
def test_no_territory_label_hides_a_mark(tables, narrow):
    with theme.narrow() if narrow else contextlib.nullcontext():
        fig = plots.plot_territory(tables[20]).get_figure(root=True)
    fig.draw_without_rendering()
    hidden, count = [], 0
    for panel in fig.axes:
        bars = [c for c in panel.collections if (c.get_gid() or "").endswith(":narrow")]  # the day-given bars
        ends = [panel.transData.transform(seg[[0, -1]]) for c in bars for seg in c.get_segments()]
        count += len(ends)
        for text in (t for t in panel.texts if (t.get_gid() or "").startswith("value:")):
            box = text.get_window_extent()
            for (x0, y), (x1, _) in ends:
                if box.x0 < max(x0, x1) and min(x0, x1) < box.x1 and box.y0 < y < box.y1:
                    hidden.append(text.get_gid())
    assert count > 20 and hidden == []


@pytest.mark.parametrize("narrow", [False, True], ids=["desktop", "phone"])
def test_every_bracket_says_its_value_is_for_some_day_in_it(tables, narrow):
    # A bracket tagged with its value alone read as the area held all along its window.
    for n in (1, 5, 20):
        with theme.narrow() if narrow else contextlib.nullcontext():
            fig = plots.plot_territory(tables[n]).get_figure(root=True)
        tags = [t.get_text() for t in fig.findobj(lambda a: str(a.get_gid()).startswith("window:"))]
        assert tags, n
        assert all("some day in here" in t for t in tags), (n, tags)


def test_a_brackets_two_line_tag_reaches_its_own_bracket(tables):
    # On a phone the seed's '0 km² / some day in here' sat centred 61 px from its 21-30 April
    # bracket, inside the span of the other side's bracket.
    with theme.narrow():
        fig = plots.plot_territory(tables[1]).get_figure(root=True)
    fig.draw_without_rendering()
    for text in fig.findobj(lambda a: str(a.get_gid()).startswith("window:")):
        ax, box = text.axes, text.get_window_extent()
        lane = next(
            c
            for c in ax.collections
            if str(c.get_gid()).startswith("claims:") and f"#claim:{text.get_gid().split(':', 1)[1]}" in c.get_urls()
        )
        i = lane.get_urls().index(f"#claim:{text.get_gid().split(':', 1)[1]}")
        (x0, _), (x1, _) = ax.transData.transform(lane.get_segments()[i])
        assert box.x0 - 6 <= x1 and x0 <= box.x1 + 6, (text.get_text(), box, x0, x1)  # touches its own bracket
