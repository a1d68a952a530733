"""The territory maps: which dates are mapped, what each map draws (the measured shapes, the region
and the state border, a scale bar, north), titles that agree with the measured areas, the phone
drawing stacked, and the shipped Kursk boundary (a real region: nothing held before the incursion)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.colors as mcolors
import pandas as pd
import pytest
from matplotlib.patches import PathPatch
from pyproj import Geod

import warclaims
from warclaims import figures
from warclaims.charts import maps
from warclaims.external.datasets import load_datasets
from warclaims.external.territory import load_territory, read_region, region_label, region_lines

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "territory"
KURSK = ROOT / "data" / "regions" / "kursk_oblast.geojson"
SHARED = ROOT.parent / "shared" / "data" / "deepstate"
COLOURS = [maps.HELD_COLOR, maps.GREY_COLOR, maps.OCCUPIED_COLOR]


def _frame(days, held, grey=None):
    days = pd.to_datetime(days)
    return pd.DataFrame(
        {
            "time": days.tz_localize("UTC"),
            "date": days,
            "held_km2": held,
            "grey_km2": grey or [0.0] * len(held),
            "occupied_km2": 0.0,
            "file": [f"{n}.geojson" for n in range(len(held))],
            "sha256": "0",
        }
    )


def _claims(*windows):
    rows = [
        {
            "date_start": pd.Timestamp(a),
            "date_end": pd.Timestamp(b),
            "event_id": f"e{n}",
            "claimant": "Russia",
            "value": 0.0,
            "qualifier": "exact",
            "qualifier_text": "",
        }
        for n, (a, b) in enumerate(windows)
    ]
    return pd.DataFrame(rows)


def test_the_dates_are_the_first_advance_the_peak_each_claim_and_the_last():
    frame = _frame(
        ["2024-08-01", "2024-08-07", "2024-09-06", "2025-01-10", "2025-04-25", "2025-04-28", "2025-08-03"],
        [1.0, 140.0, 900.0, 500.0, 40.0, 30.0, 15.0],
    )
    dates = maps.choose_dates(frame, _claims(("2025-04-21", "2025-04-30")))
    got = [(f"{d.time:%Y-%m-%d}", d.why) for d in dates]
    assert got == [
        ("2024-08-07", "first mapped advance"),
        ("2024-09-06", "mapped peak"),
        ("2025-04-25", "nearest the claim"),
        ("2025-08-03", "last snapshot"),
    ]
    assert dates[2].claim == "Russia: 0 km², 21–30 Apr 2025"


def test_an_undated_claim_stands_beside_the_most_mapped_in_its_window_not_a_middle_day():
    frame = _frame(["2024-08-07", "2024-09-06", "2024-12-15", "2025-04-25"], [140.0, 900.0, 520.0, 40.0])
    dates = maps.choose_dates(frame, _claims(("2024-08-01", "2025-04-30")))
    [beside] = [d for d in dates if d.claim]
    assert f"{beside.time:%Y-%m-%d}" == "2024-09-06" and "some day in 1 Aug 2024 – 30 Apr 2025" in beside.claim
    assert "2024-12-15" not in [f"{d.time:%Y-%m-%d}" for d in dates]


def test_a_claim_with_no_snapshot_near_it_gets_no_map_and_there_are_at_most_six():
    frame = _frame(["2024-08-07", "2024-09-06"], [140.0, 900.0])
    assert not any(d.claim for d in maps.choose_dates(frame, _claims(("2026-01-01", "2026-01-02"))))
    days = pd.date_range("2024-08-01", periods=20, freq="7D")
    many = _frame(days.strftime("%Y-%m-%d"), [float(n) * 10 for n in range(20)])
    windows = [(d, d) for d in days.strftime("%Y-%m-%d")]
    assert len(maps.choose_dates(many, _claims(*windows))) == maps.MAX_MAPS


@pytest.fixture
def mapped(tmp_path):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for name in ("snapshot_1720000000.geojson", "snapshot_1720086400.geojson"):
        shutil.copy(FIXTURES / name, folder)
    region = tmp_path / "region.geojson"
    doc = json.loads((FIXTURES / "region.geojson").read_text())
    border = {"type": "Feature", "properties": {"kind": "state border"}}
    border["geometry"] = {"type": "LineString", "coordinates": [[30.0, 50.0], [30.2, 50.0]]}
    region.write_text(json.dumps({"type": "FeatureCollection", "features": [doc, border]}))
    result = load_territory(folder, region, cache=tmp_path / "cache")
    result.dataset = load_datasets(ROOT)["deepstate"]
    return result


def test_each_map_draws_what_was_measured_with_its_outline_border_scale_and_north(mapped):
    fig = figures.territory_maps(warclaims.load_claims(), mapped)
    axes = [ax for ax in fig.figure.axes if ax.get_visible()]
    assert len(axes) == int(fig.alt.split()[0]) == 2 and fig.alt.startswith("2 maps of test region")
    every = set()
    for ax, row in zip(axes, mapped.frame.sort_values("time").itertuples(), strict=False):
        fills = {mcolors.to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, PathPatch)}
        ground = maps.GROUND_COLOR.lower()
        assert {ground, maps.HELD_COLOR.lower()} <= fills <= {ground, *(c.lower() for c in COLOURS)}
        every |= fills
        held = f"held {row.held_km2:,.0f} km²" if row.held_km2 < 100 else "held"
        assert held in ax.get_title(loc="left") and "Mapped:" in ax.get_title(loc="left")
        texts = [t.get_text() for t in ax.texts]
        assert any(t.endswith(" km") for t in texts) and "N" in texts
        assert ax.get_aspect() == 1.0 and ax.get_xticks().size == 0
        dashed = [line for line in ax.lines if line.get_linestyle() not in ("-", "None")]
        assert dashed, "the state border is drawn"
    legend = [t.get_text() for leg in fig.figure.legends for t in leg.get_texts()]
    drawn = [maps.LABELS[s] for s, c in zip(maps.STYLES, COLOURS, strict=True) if c.lower() in every]
    assert legend[: len(drawn)] == drawn and "Held by Ukraine" in drawn  # only what some map draws
    assert "State border" in legend


def test_a_page_gets_each_map_as_its_own_picture_with_its_words_and_key_as_text(mapped):
    """One picture per map serves a page's two columns and a phone's one: each map drawn alone
    (no title, the same frame), its lines as text, and a key of only what the maps draw."""
    fig = figures.territory_maps(warclaims.load_claims(), mapped)
    assert fig.narrow is None  # no second drawing for a phone
    laid = fig.tiles()
    dates = maps.choose_dates(mapped.frame, warclaims.load_claims().iloc[0:0])
    assert len(laid["tiles"]) == int(fig.alt.split()[0]) == 2
    limits = set()
    for tile in laid["tiles"]:
        [ax] = tile["figure"].axes
        assert ax.get_title(loc="left") == "" and tile["figure"].texts == []
        assert tile["lines"][1].startswith("Mapped: held") and tile["alt"].startswith("Map of test region")
        limits.add((ax.get_xlim(), ax.get_ylim()))
    assert len(limits) == 1  # the same frame and scale on every map
    labels = [item["label"] for item in laid["key"]]
    legend = [t.get_text() for leg in fig.figure.legends for t in leg.get_texts()]
    assert labels == legend and labels[0] == "Held by Ukraine" and "State border" in labels  # the download's key
    assert laid["title"].startswith("What DeepState's maps show in test region") and len(dates) == 2


def test_no_snapshots_no_maps_and_the_caption_names_region_and_attribution(mapped):
    assert figures.territory_maps(warclaims.load_claims(), None) is None
    fig = figures.territory_maps(warclaims.load_claims(), mapped)
    caption = " ".join(fig.figure.get_supxlabel().split())
    assert "inside test region" in caption and "DanielRose2310/deepstatemaps-history" in caption
    assert "never drawn as an area" in caption and fig.name == "territory_maps"


def test_a_map_title_gives_the_claim_beside_the_measured_area():
    [date] = maps.choose_dates(_frame(["2025-04-25"], [36.0], [40.0]), _claims(("2025-04-21", "2025-04-30")))
    assert maps.map_lines(date, "km2") == [
        "25 Apr 2025, mapped peak",
        "Mapped: held 36 km², grey 40 km²",
        "Claim: Russia: 0 km², 21–30 Apr 2025",
    ]


def test_the_shipped_kursk_boundary_is_a_region_with_its_state_border():
    region = read_region(KURSK)
    assert abs(Geod(ellps="WGS84").geometry_area_perimeter(region)[0]) / 1e6 == pytest.approx(30_017, abs=5)
    [border] = region_lines(KURSK)
    assert border.geom_type == "LineString" and region.boundary.distance(border) < 1e-6
    name, attribution = region_label(KURSK)
    assert name == "Kursk Oblast" and "ODbL" in attribution
    assert "ODbL" in (ROOT / "data" / "regions" / "README.md").read_text()


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared DeepState snapshots are not beside the project")
def test_inside_the_real_boundary_the_shared_snapshots_measure_as_the_readme_says():
    result = load_territory(sorted(SHARED.glob("deepstate_full_*.geojson")), KURSK)
    held = dict(zip(result.frame["date"].dt.strftime("%Y-%m-%d"), result.frame["held_km2"].round(), strict=True))
    assert held == {"2024-08-21": 820, "2024-09-01": 901, "2025-04-26": 27, "2025-05-21": 27}


def test_the_prose_names_the_region_it_measured():
    from warclaims import prose
    from warclaims.external.territory import TerritoryImport

    frame = _frame(["2024-08-20", "2024-09-01"], [820.0, 900.0], [430.0, 340.0])
    mapped = TerritoryImport(frame, 2, dataset=load_datasets(ROOT)["deepstate"], region=KURSK)
    text = str(prose.territory(warclaims.select_claims(), "km2", mapped))
    assert "measured inside Kursk Oblast" in text and "**about 900 km²** (1 Sep 2024)" in text


def test_run_by_hand_the_notebook_uses_the_builds_cache_and_shows_progress(tmp_path, monkeypatch, capsys):
    from warclaims.charts.selection import load_territory_parameter

    (tmp_path / "snap").mkdir()
    for name in ("snapshot_1720000000.geojson", "snapshot_1720086400.geojson"):
        shutil.copy(FIXTURES / name, tmp_path / "snap")
    shutil.copy(FIXTURES / "region.geojson", tmp_path / "region.geojson")
    monkeypatch.setenv("WARCLAIMS_ROOT", str(tmp_path))
    monkeypatch.delenv("WARCLAIMS_CACHE_DIR", raising=False)
    first = load_territory_parameter("snap", "region.geojson")
    assert "measuring map snapshots" in capsys.readouterr().err and first.cached == 0
    assert len(list((tmp_path / "build" / "cache" / "territory").glob("*-*-*.json"))) == 2
    second = load_territory_parameter("snap", "region.geojson")
    assert capsys.readouterr().err == "" and second.cached == 2  # nothing to measure: no bar
    monkeypatch.setenv("WARCLAIMS_CACHE_DIR", str(tmp_path / "elsewhere"))  # in a build: its cache, never a bar
    load_territory_parameter("snap", "region.geojson")
    assert capsys.readouterr().err == "" and (tmp_path / "elsewhere" / "territory").is_dir()


def test_a_mapped_area_rounded_to_tens_says_so_everywhere_and_a_range_once():
    from warclaims.charts.maps import _span
    from warclaims.claims import wording

    assert wording.mapped_area(901.3) == "about 900 km²" and wording.mapped_area(27.4) == "27 km²"
    assert _span((27.4, 40.2), "km2", " ") == "27–40 km²"
    assert _span((92.0, 141.0), "km2", " ") == "about 92–140 km²"
    assert _span((40.2, 39.9), "km2", " ") == "40 km²"
