"""Every chart of every report, as drawn: no text over another, none off the figure, none too small,
and a legend entry only for what is drawn. Default and filtered selections alike."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import warclaims
from warclaims import figures
from warclaims.charts.parameters import check_sides
from warclaims.charts.selection import Selection
from warclaims.external.attacks import load_attacks

from conftest import visible_texts

FIXTURES = Path(__file__).parent / "fixtures" / "attacks"
MIN_POINTS = 8


@pytest.fixture(scope="module")
def claims():
    return warclaims.load_claims()


def selections(claims):
    yield "all", claims
    for side in check_sides(None):
        yield side, claims[claims["claimant_side"] == side]
    yield "May 2025", claims[claims["date_end"] >= "2025-05-01"]


def charts(claims):
    attacks = load_attacks(FIXTURES / "attacks_oddities.csv", FIXTURES / "missiles_and_uavs.csv")
    for name, rows in selections(claims):
        yield f"drones/{name}", figures.drone_figure(rows)
        yield f"casualties/{name}", figures.casualty_figure(rows)
        yield f"territory km2/{name}", figures.territory_figure(rows)
        yield f"territory mi2/{name}", figures.territory_figure(rows, "mi2")
        yield f"timeline/{name}", figures.timeline_figure(rows)
        sel = Selection(rows, claims, name)
        yield f"drone context/{name}", figures.drone_context_figure(sel, attacks, 3)


def drawn(claims):
    """(name, ClaimFigure-like) for every chart, and the same chart drawn for a phone's width."""
    out = []
    for name, fig in charts(claims):
        if isinstance(fig, figures.ClaimFigure):
            out.append((name, fig))
            out.append((f"{name} (phone)", figures.ClaimFigure(fig.name, fig.narrow, fig.alt)))
    return out


@pytest.fixture(scope="module")
def all_charts(claims):
    return drawn(claims)


def marks(figure) -> int:
    """What a chart draws of its data: bars and spans of some size, lines with points, collections
    with paths or points (axes backgrounds and spines are not counted)."""
    n = 0
    for ax in figure.axes:
        n += sum(
            1 for p in ax.patches if p.get_visible() and p.get_window_extent().width * p.get_window_extent().height > 0
        )
        n += sum(1 for line in ax.lines if line.get_visible() and len(line.get_xdata()) > 0)
        n += sum(1 for c in ax.collections if c.get_visible() and (len(c.get_paths()) or len(c.get_offsets())))
    return n


def test_every_selection_draws_its_claims(all_charts):
    assert len(all_charts) >= 24
    empty = [name for name, fig in all_charts if marks(fig.figure) == 0]
    assert empty == []


def test_no_text_overlaps_another(all_charts):
    problems = []
    for name, fig in all_charts:
        texts = visible_texts(fig.figure)
        boxes = [(t, t.get_window_extent().padded(-1)) for t in texts]
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            if box_a.overlaps(box_b):
                problems.append(f"{name}: {a.get_text()[:40]!r} overlaps {b.get_text()[:40]!r}")
    assert problems == []


def test_no_text_leaves_the_figure(all_charts):
    problems = []
    for name, fig in all_charts:
        page = fig.figure.bbox
        for text in visible_texts(fig.figure):
            box = text.get_window_extent()
            if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
                problems.append(f"{name}: {text.get_text()[:50]!r} at {box}")
    assert problems == []


def test_no_text_is_smaller_than_8_points(all_charts):
    small = [
        (name, t.get_text()[:30], t.get_fontsize())
        for name, fig in all_charts
        for t in visible_texts(fig.figure)
        if t.get_fontsize() < MIN_POINTS
    ]
    assert small == []


def test_no_caption_or_title_of_these_tables_is_cut_short(all_charts):
    # The bound on a chart's lines (theme.CAPTION_LINES, TITLE_LINES) is for texts no one should
    # write; a caption the table really has is drawn whole, on a phone too.
    cut = [
        (name, t.get_text()[-40:])
        for name, fig in all_charts
        for t in visible_texts(fig.figure)
        if t.get_gid() in ("caption", "title") and t.get_text().endswith("…")
    ]
    assert cut == []


def test_a_legend_names_only_sides_that_are_drawn(all_charts, claims):
    labels = {"russia": "Claimed by Russia", "ukraine": "Claimed by Ukraine", "other": "Stated by the publisher"}
    for name, fig in all_charts:
        selection = name.split("/")[1].removesuffix(" (phone)")
        present = {s for s in labels if selection in ("all", "May 2025") or s == selection}
        entries = {t.get_text() for leg in fig.figure.legends for t in leg.get_texts()}
        for side, label in labels.items():
            if label in entries:
                assert side in present, (name, label)
