"""What the charts draw: bar heights, labels with qualifier glyphs, captions, windows, colours."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import warclaims
from warclaims import charts
from warclaims.charts import theme


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return warclaims.load_claims()


def bars(ax) -> dict[str, Rectangle]:
    return {p.get_gid().split(":", 1)[1]: p for p in ax.patches if (p.get_gid() or "").startswith("claim:")}


def texts(ax, kind: str = "value") -> dict[str, str]:
    """The texts of `kind` in the panel and in its columns (a territory panel's undated values)."""
    return {
        t.get_gid().split(":", 1)[1]: t.get_text()
        for holder in (ax, *ax.child_axes)
        for t in holder.texts
        if (t.get_gid() or "").startswith(f"{kind}:")
    }


labels = texts


def legend_texts(ax) -> list[str]:
    return [t.get_text() for leg in ax.get_figure(root=True).legends for t in leg.get_texts()]


def hex_of(color) -> str:
    from matplotlib.colors import to_hex

    return to_hex(color).upper()


def test_drone_caption_names_claimants_and_says_unverified(claims):
    caption = theme.caption_of(charts.plot_drone_claims(claims))
    assert "Russia’s defence ministry (Russia)" in caption and "the Ukrainian military (Ukraine)" in caption
    assert "not independently verified" in caption and "20–21 May 2025" in caption


def test_two_claimants_on_one_incident_stay_two_bars(claims):
    extra = claims[claims["event_id"] == "missile-attack-killed-ukraine"].copy()
    extra["event_id"], extra["claimant"], extra["claimant_side"], extra["value"] = (
        "same-strike-russia",
        "Russia’s defence ministry",
        "russia",
        30.0,
    )
    both = pd.concat([claims, extra], ignore_index=True)
    drawn = bars(charts.plot_casualties(both))  # horizontal bars: the value is the width
    assert drawn["same-strike-russia"].get_width() == 30 and drawn["missile-attack-killed-ukraine"].get_width() == 6
    assert drawn["same-strike-russia"].get_y() != drawn["missile-attack-killed-ukraine"].get_y()
    assert all(b.get_x() == 0 for b in drawn.values())


def test_territory_unknown_unit(claims):
    with pytest.raises(ValueError, match="unknown unit 'acres'"):
        charts.plot_territory(claims, unit="acres")


def test_plot_on_given_axes_returns_them(claims):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert charts.plot_drone_claims(claims, ax=ax) is ax


def test_empty_selection_is_an_error_not_an_empty_chart(claims):
    with pytest.raises(ValueError, match="no drone claims"):
        charts.plot_drone_claims(claims[claims["claimant_side"] == "other"])


@pytest.fixture(scope="module")
def many_claims(claims) -> pd.DataFrame:
    """The shipped claims repeated on 300 later days: 3,000 rows, as a large table would be."""
    copies = []
    for k in range(300):
        c = claims.copy()
        c["event_id"] = c["event_id"] + f"-{k}"
        c["incident"] = c["incident"].astype(str) + f"-{k}"
        c[["date_start", "date_end"]] = c[["date_start", "date_end"]] + pd.Timedelta(days=k)
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def test_many_casualty_claims_keep_lower_bounds_hollow(many_claims):
    fig = charts.plot_casualties(many_claims).get_figure(root=True)
    drawn = [c for panel in fig.axes for c in panel.collections]
    hollow = next(c for c in drawn if c.get_gid() == "series-qualified:ukraine:Killed: Ukrainian servicemen")
    assert len(hollow.get_offsets()) == 300 and set(hollow.get_offsets()[:, 1]) == {6}
    assert not any(c.get_gid() == "series:ukraine:Killed: Ukrainian servicemen" and len(c.get_offsets()) for c in drawn)
    titles = [panel.get_title(loc="left") for panel in fig.axes]  # killed and wounded: a panel each
    assert titles == [
        "Killed: Ukrainian servicemen: 300 claims by 1 claimant",
        "Wounded: Ukrainian servicemen: 300 claims by 1 claimant",
    ]


def test_many_claims_on_the_timeline_become_lanes(many_claims):
    ax = charts.plot_timeline(many_claims)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "Drones intercepted — Russia (300)" in ticks
    lane = next(c for c in ax.collections if c.get_gid() == "lane:Drones intercepted:russia")
    assert len(lane.get_paths()) == 1  # 300 overlapping two-day windows on consecutive days shade one span
    points = [c for c in ax.collections if c.get_offsets().shape[0] == 300]
    assert len(points) >= 1


def test_many_territory_claims_label_only_peak_and_latest(many_claims):
    ax = charts.plot_territory(many_claims)
    assert len(labels(ax)) == 4  # each side's largest and latest
    assert "600 claims; labelled: each side’s largest and latest" in ax.get_title(loc="left")
    assert ax.get_title(loc="left").count("Ukrainian incursion into Kursk") == 1  # 300 like events, named once
    windows = next(c for c in ax.collections if c.get_gid() == "claims:ukraine:wide")
    assert len([u for u in windows.get_urls() if u]) == 300  # each window, linked to its claim, with its caps
    assert len({seg[0][1] for seg in windows.get_segments()[:300]}) == 3  # in at most three lanes


def test_drone_claims_are_callouts_each_headed_by_what_it_counts(claims):
    ax = charts.plot_drone_claims(claims)
    assert not bars(ax) and not ax.patches  # no bars on a shared axis to read as a contest
    assert texts(ax) == {"drone-night-intercepted-russia": "159", "oryol-plant-drones-ukraine": "10"}
    assert texts(ax, "heading") == {  # what it counts, of what and where: opposite directions never share one
        "drone-night-intercepted-russia": "Drones intercepted: Ukrainian\ndrones, over Russia",
        "oryol-plant-drones-ukraine": "Drones that reached the target\narea: Ukrainian drones, over\nRussia",
    }
    assert texts(ax, "group") == {
        "drone-night-intercepted-russia": "Drone night, 20–21 May 2025",
        "oryol-plant-drones-ukraine": "Oryol plant strike, 20–21 May 2025",
    }
    details = " ".join(t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("detail:")).replace("\n", " ")
    assert "about 13 an hour over 12 hours" in details and "13.2" not in details
    assert "Where: a semiconductor device plant in the Oryol region" in details
    assert "Ukrainian drones" in theme.title_of(ax)
    values = {t.get_gid(): t for t in ax.texts}
    assert hex_of(values["value:drone-night-intercepted-russia"].get_color()) == theme.SIDE_COLORS["russia"]
    assert hex_of(values["value:oryol-plant-drones-ukraine"].get_color()) == theme.SIDE_COLORS["ukraine"]


def test_casualty_lower_bound_is_hatched_and_says_its_word_with_an_arrow(claims):
    ax = charts.plot_casualties(claims)
    drawn, text = bars(ax), labels(ax)
    killed, wounded = drawn["missile-attack-killed-ukraine"], drawn["missile-attack-wounded-ukraine"]
    assert (killed.get_width(), wounded.get_width()) == (6, 10)
    assert killed.get_y() < wounded.get_y()  # one under the other, in the table's order
    assert text == {"missile-attack-killed-ukraine": "at least 6 →", "missile-attack-wounded-ukraine": "10"}
    assert killed.get_hatch() == theme.QUALIFIED_HATCH and not wounded.get_hatch()
    assert texts(ax, "incident") == {"missile-attack-2025-05-20": "Missile attack on 20 May 2025: Ukrainian servicemen"}
    assert texts(ax, "label") == {
        "missile-attack-killed-ukraine": "Killed, claimed by Ukraine’s national guard (Ukraine)",
        "missile-attack-wounded-ukraine": "Wounded, claimed by Ukraine’s national guard (Ukraine)",
    }
    assert legend_texts(ax) == ["Claimed by Ukraine", "Hatched: at least"]  # only the qualifier drawn, in words
    # the title says how to read the bars; the incident's name is the panel's, not said twice
    assert theme.title_of(ax) == "Casualties as claimed: one bar per claim, never added into one total"


def test_territory_undated_value_is_a_mark_beside_the_time_axis_never_a_plateau(claims):
    ax = charts.plot_territory(claims)
    ax.get_figure(root=True).draw_without_rendering()
    # Nothing in the time panel is drawn at an undated value's height over its window.
    for c in ax.collections:
        for seg in getattr(c, "get_segments", list)():
            (x0, y0), (x1, y1) = seg[0], seg[-1]
            assert not (y0 == y1 == 1400 and x1 - x0 > 7), c.get_gid()
    # The values: marks in a column of their own, beside the axis and reading the same scale.
    [strip] = [a for a in ax.child_axes if a.get_gid() == "undated"]
    assert strip.get_ylim() == ax.get_ylim() and "day not" in strip.get_title(loc="center")
    assert strip.get_xticks().size == 0 and strip.get_ylabel() == "Territory (km²)" and ax.get_ylabel() == ""
    marks = {c.get_gid(): c for c in strip.collections}
    assert marks["undated:ukraine"].get_offsets()[:, 1].tolist() == [1400]
    assert marks["undated:russia"].get_offsets()[:, 1].tolist() == [0]
    assert tuple(marks["undated:russia"].get_facecolors()[0]) == (1, 1, 1, 1)  # derived from the words: hollow
    assert tuple(marks["undated:ukraine"].get_facecolors()[0][:3]) != (1, 1, 1)  # a number in the text: filled
    assert marks["undated:ukraine"].get_urls() == ["#claim:kursk-peak-territory-ukraine"]
    # The windows: thin brackets in lanes below zero, one lane each, where no area is read.
    lines = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("claims:")}
    assert set(lines) == {"claims:ukraine:wide", "claims:russia:wide"}  # one per side, never joined into one series
    ((x0, y0), (x1, y1)), *caps = lines["claims:ukraine:wide"].get_segments()
    assert y0 == y1 < 0 and len(caps) == 2
    assert mdates.num2date(x0).date().isoformat() == "2024-08-01"
    assert mdates.num2date(x1).date().isoformat() == "2025-05-01"  # end of 30 April, inclusive
    assert lines["claims:ukraine:wide"].get_linewidth()[0] <= 2  # a thin bracket, not a bold step
    ((r0, v0), (_, v1)), *_ = lines["claims:russia:wide"].get_segments()
    assert v0 == v1 < 0 and v0 != y0  # its own lane: the windows overlap in time
    assert mdates.num2date(r0).date().isoformat() == "2025-04-21"
    assert ax.get_ylim()[0] < min(v0, y0) and all(t >= 0 for t in ax.get_yticks())  # no negative area is ticked
    assert texts(ax, "window") == {  # each bracket says whose value it is the window of
        "kursk-peak-territory-ukraine": "nearly 1,400 km², according to Ukrainian forces: some day in here",
        "kursk-ejection-russia": "0 km², according to Russia (“late April”): some day in here",  # hollow: derived
    }
    rule = next(line for line in ax.lines if line.get_gid() == "lanes:rule")
    assert set(rule.get_ydata()) == {0}  # areas above it, windows below
    assert texts(strip, "lanes") == {"heading": "when →"}
    # The values' labels: in their column, beside their marks at their heights; none in the time panel.
    assert texts(ax) == texts(strip)
    assert {k: " ".join(v.split()) for k, v in texts(strip).items()} == {
        "kursk-peak-territory-ukraine": "nearly 1,400 km² according to Ukrainian forces",
        "kursk-ejection-russia": "0 km² according to Russia",
    }
    value_labels = {t.get_gid(): t for t in strip.texts if (t.get_gid() or "").startswith("value:")}
    for gid, value in (("value:kursk-peak-territory-ukraine", 1400), ("value:kursk-ejection-russia", 0)):
        box, at = value_labels[gid].get_window_extent(), ax.transData.transform((0, value))[1]
        assert strip.bbox.x0 <= box.x0 and box.x1 <= strip.bbox.x1  # never over a date
        assert at < box.y0 < at + 14 * strip.figure.dpi / 72  # just over its mark: "0 km²" at zero, not lifted away
    assert not any(c.get_gid() == "derived:russia" for c in ax.collections)  # no square at the window's middle
    assert legend_texts(ax) == [
        "Claimed by Russia",
        "Claimed by Ukraine",
        "Hollow square: derived from the words, no number in the text",
    ]
    assert theme.title_of(ax) == "Kursk territory held by Ukrainian forces, as claimed (km²)"
    assert ax.get_title(loc="left") == "Shaded: Ukrainian incursion into Kursk (August 2024)"  # over its panel


def test_territory_in_square_miles_keeps_the_claims_precision(claims):
    ax = charts.plot_territory(claims, unit="mi2")
    [strip] = [a for a in ax.child_axes if a.get_gid() == "undated"]
    marks = {c.get_gid(): c for c in strip.collections}
    # drawn at the exact conversion; labelled at the claim's precision (nearly 1,400 km²: 540 sq mi)
    assert marks["undated:ukraine"].get_offsets()[0][1] == pytest.approx(1400 / 2.589988110336)
    assert labels(ax)["kursk-peak-territory-ukraine"].replace("\n", " ").startswith("nearly 540 sq mi according to")
    assert strip.get_ylabel() == "Territory (sq mi)"


def test_territory_reads_in_a_second_unit_on_the_right_axis_of_the_same_marks(claims):
    ax = charts.plot_territory(claims, also="mi2")
    [right] = [c for c in ax.child_axes if c.get_gid() == "second-scale"]
    [strip] = [a for a in ax.child_axes if a.get_gid() == "undated"]
    assert right.get_ylabel() == "sq mi" and strip.get_ylabel() == "Territory (km²)"
    ax.get_figure(root=True).draw_without_rendering()
    (lo, hi), (rlo, rhi) = ax.get_ylim(), right.get_ylim()
    assert (rlo, rhi) == pytest.approx((lo / 2.589988110336, hi / 2.589988110336))  # one scale, two units
    ticks = [t.get_text() for t in right.get_yticklabels() if t.get_text()]
    assert ticks and all(t.replace(",", "").replace("−", "").isdigit() for t in ticks)
    assert (
        theme.title_of(ax) == "Kursk territory held by Ukrainian forces, as claimed (km²)"
    )  # the right axis names its own


def test_timeline_draws_every_row_as_a_window_and_marks_only_known_days(claims):
    ax = charts.plot_timeline(claims)
    windows = {p.get_gid().split(":", 1)[1]: p for p in ax.patches if (p.get_gid() or "").startswith("window:")}
    assert set(windows) == set(claims["event_id"])
    assert windows["kursk-incursion"].get_width() == pytest.approx(31)  # all of August 2024
    assert windows["putin-kursk-visit"].get_width() == pytest.approx(1)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "Ukraine’s national guard: killed at least 6\n(Ukrainian servicemen)" in ticks
    markers = {
        line.get_gid().split(":", 1)[1]: line for line in ax.lines if (line.get_gid() or "").startswith("claim:")
    }
    assert markers["missile-attack-killed-ukraine"].get_markerfacecolor() == "white"  # open: a lower bound
    assert "kursk-peak-territory-ukraine" not in markers and "kursk-incursion" not in markers  # no invented day
    # a window over two dates ("two days after a phone call", a night) is a bar: no mark at the midnight between
    assert "putin-trump-call" not in markers and "oryol-plant-drones-ukraine" not in markers
    assert "iskander-strike-russia" not in markers  # the text dates Russia's announcement, not the strike
    visit = markers["putin-kursk-visit"].get_xdata()[0]
    assert mdates.num2date(visit).strftime("%Y-%m-%d %H:%M") == "2025-05-20 12:00"  # on the day, not its start
    # a label says what is claimed about whom: never "Russia: territory held 0 km²"
    assert any(t.replace("\n", " ").startswith("Russia: Kursk territory held by Ukrainian forces") for t in ticks)
    assert windows["kursk-peak-territory-ukraine"].get_hatch() == theme.hatch_for("approximately")
    detail = ax.get_figure(root=True).axes[1]
    assert detail.get_title(loc="left") == "Detail, 13–22 May 2025"
    assert "Russia (Russia)" not in theme.caption_of(ax) and "the Kremlin (Russia)" in theme.caption_of(ax)


def test_same_side_same_colour_on_every_chart(claims):
    russia = theme.SIDE_COLORS["russia"]
    callout = next(
        t for t in charts.plot_drone_claims(claims).texts if t.get_gid() == "value:drone-night-intercepted-russia"
    )
    timeline = charts.plot_timeline(claims)
    marker = next(line for line in timeline.lines if line.get_gid() == "claim:putin-kursk-visit")  # the Kremlin's
    assert hex_of(callout.get_color()) == hex_of(marker.get_color()) == russia


def test_many_drone_claims_become_series_with_every_point(many_claims):
    fig = charts.plot_drone_claims(many_claims).get_figure(root=True)
    series = {c.get_gid(): c for ax in fig.axes for c in ax.collections if (c.get_gid() or "").startswith("series")}
    assert set(series) == {
        "series:russia:Drones intercepted: Ukrainian drones",
        "series:ukraine:Drones that reached the target area: Ukrainian drones",
    }
    points = series["series:russia:Drones intercepted: Ukrainian drones"].get_offsets()
    assert len(points) == 300 and set(points[:, 1]) == {159}
    assert len(fig.axes) == 2  # two things counted, two axes


def test_a_caption_or_title_of_any_length_draws_a_bounded_number_of_lines():
    import matplotlib.pyplot as plt

    from warclaims.charts import theme

    fig, ax = plt.subplots(figsize=(6, 3))
    theme.set_caption(ax, "citation " * 12_000)  # about 100 KB
    theme.headline(ax, "title " * 2_000)
    caption, title = fig.get_supxlabel(), fig.get_suptitle()
    assert caption.count("\n") + 1 == theme.CAPTION_LINES and caption.endswith("…")
    assert title.count("\n") + 1 == theme.TITLE_LINES and title.endswith("…")
    import io

    from PIL import Image

    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100, bbox_inches="tight")  # as tall as its texts make it
    assert Image.open(out).height < 3 * 100 + 400
    plt.close(fig)


def test_on_a_phone_a_short_window_is_drawn_on_its_days_and_tagged_with_its_value(claims):
    with theme.narrow():
        ax = charts.plot_territory(claims)
        lane = next(c for c in ax.collections if c.get_gid() == "claims:russia:wide")
        ((x0, _), (x1, _)), *caps = lane.get_segments()  # 21–30 April: a few pixels on a nine-month axis
        assert (x0, x1) == (mdates.datestr2num("2025-04-21"), mdates.datestr2num("2025-05-01")) and len(caps) == 2
        tags = {k: v.replace("\n", " ") for k, v in texts(ax, "window").items()}
        # the value and that it is for some day in the bracket: a bare value on it read as held all along
        assert tags == {
            "kursk-peak-territory-ukraine": "nearly 1,400 km² some day in here",
            "kursk-ejection-russia": "0 km² some day in here",
        }
        [strip] = [a for a in ax.child_axes if a.get_gid() == "undated"]
        said = {k: " ".join(v.split()) for k, v in texts(strip).items()}  # the column says who
        assert said == {
            "kursk-peak-territory-ukraine": "nearly 1,400 km² according to Ukrainian forces",
            "kursk-ejection-russia": "0 km² according to Russia",
        }


@pytest.mark.parametrize(
    "inches, first, last",
    [(1.7, "2025-08-29", "2025-09-03"), (1.7, "2024-08-01", "2025-05-01"), (7, "2025-05-01", "2025-06-10")],
)
def test_date_ticks_are_never_nearer_than_their_labels_need(inches, first, last):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(inches + 1, 2))
    ax = fig.add_axes((0.5 / (inches + 1), 0.2, inches / (inches + 1), 0.7))
    ax.set_xlim(mdates.datestr2num(first), mdates.datestr2num(last))
    theme.date_axis(ax)
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert len(ticks) >= 2
    gaps = [(b - a) / (ax.get_xlim()[1] - ax.get_xlim()[0]) * inches for a, b in itertools.pairwise(ticks)]
    assert min(gaps) >= theme.TICK_INCHES - 1e-9  # "31 Aug" never beside "1 Sep"


@pytest.mark.parametrize("make", ["drone_figure", "casualty_figure", "territory_figure", "timeline_figure"])
def test_charts_neither_change_nor_read_the_global_style(claims, make):
    """A chart is drawn in the suite's style inside its own block: the notebook's rcParams are the
    same afterwards, and a reader's own style (set before) changes no pixel of it."""
    from warclaims.charts import figures

    before = dict(mpl.rcParams)
    png = getattr(figures, make)(claims).png()
    assert dict(mpl.rcParams) == before
    own = {"font.size": 20, "axes.grid": False, "axes.facecolor": "black", "lines.linewidth": 9, "xtick.major.size": 9}
    with mpl.rc_context(own):
        assert getattr(figures, make)(claims).png() == png


def test_drone_cards_give_the_window_not_words_that_may_date_the_statement(claims):
    ax = charts.plot_drone_claims(claims)
    shown = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert shown.count("When: 20–21 May 2025") == 2 and not any("On Wednesday" in t for t in shown)


def test_on_a_phone_the_timeline_spans_the_width_and_its_detail_holds_only_its_days(claims):
    # Labels beside the rows left the whole period a panel about 100 px wide on a phone, and the
    # detail panel repeated empty rows for claims outside its days.
    with theme.narrow():
        ax = charts.plot_timeline(claims)
    fig = ax.get_figure(root=True)
    fig.draw_without_rendering()
    whole, detail = fig.axes[:2]
    for panel in (whole, detail):
        assert panel.get_window_extent().width >= 0.85 * fig.bbox.width  # the whole width, less its margins
        assert not [t.get_text() for t in panel.get_yticklabels() if t.get_text()]  # labels over the rows instead
    lo, hi = (mdates.num2date(x).replace(tzinfo=None) for x in detail.get_xlim())
    inside = claims[(claims["date_end"] + pd.Timedelta(days=1) > lo) & (claims["date_start"] < hi)]
    drawn = {p.get_gid().split(":", 1)[1] for p in detail.patches if str(p.get_gid()).startswith("window:")}
    assert drawn == set(inside["event_id"]) and len(drawn) < len(claims)
    for panel in (whole, detail):  # each label above its own bar, nearer it than the bar above, within the panel
        bars = [p.get_window_extent() for p in panel.patches if str(p.get_gid()).startswith("window:")]
        labels = [t.get_window_extent() for t in panel.texts if t.get_gid() == "claim-label"]
        assert len(labels) == len(bars)
        above = [panel.bbox.y1, *(b.y0 for b in bars[:-1])]
        for box, bar, over in zip(labels, bars, above, strict=True):
            assert bar.y1 <= box.y0 and box.y1 <= over
            assert box.y0 - bar.y1 < over - box.y1 + 4
            assert panel.bbox.x0 <= box.x0 and box.x1 <= panel.bbox.x1
