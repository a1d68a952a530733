"""The DeepState snapshot importer: the geometry rules on synthetic snapshots (statuses from names,
overlaps counted once, held over grey over occupied, repairs, the region's edge, geodesic areas),
bad files, the per-file cache, the chart and notebook, and the four real snapshots in ../shared."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import box

from warclaims.external.territory import TerritoryError, load_territory, status_of

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "territory"
REGION = FIXTURES / "region.geojson"
SHARED = ROOT.parent / "shared" / "data" / "deepstate"
GEOD = Geod(ellps="WGS84")


def km2(geom) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in shapely.get_parts(geom)) / 1e6


@pytest.mark.parametrize(
    "name, status",
    [
        ("Звільнено /// Liberated /// geoJSON.status.dismissed", "held"),
        ("Liberated 25.03 /// geoJSON.status.dismissed_at {{at:25.03}}", "held"),
        ("Статус невідомий /// Unknown status\u00a0/// geoJSON.status.unknown", "grey"),
        ("тус невідомий /// Unknown\nstatus /// geoJSON.status.unkno", "grey"),
        ("Окуповано /// Occupied /// geoJSON.status.occupied ", "occupied"),
        ("аний Крим /// Occupied Crimea /// geoJSON.territories.crimea", "occupied"),
        ("Зміїний /// Snake Island /// geoJSON.zmiinyi_island", None),
        ("", None),
    ],
)
def test_status_comes_from_the_token_at_the_end_of_the_name(name, status):
    assert status_of(name) == status


@pytest.fixture(scope="module")
def snapshots():
    return load_territory([FIXTURES / "snapshot_1720000000.geojson", FIXTURES / "snapshot_1720086400.geojson"], REGION)


def test_overlaps_count_once_and_held_wins_over_grey_over_occupied(snapshots):
    region = box(30.0, 50.0, 30.2, 50.2)
    held = shapely.union(box(30.0, 50.0, 30.06, 50.1), box(30.04, 50.0, 30.1, 50.1))  # overlapping: once
    bowtie = shapely.make_valid(shapely.Polygon([(30.1, 50.1), (30.2, 50.2), (30.2, 50.1), (30.1, 50.2)]))
    grey = shapely.union(box(30.08, 50.0, 30.16, 50.1), bowtie).difference(held)
    occupied = box(30.0, 50.1, 30.1, 50.25).intersection(region).difference(held).difference(grey)
    first = snapshots.frame.iloc[0]
    assert first["held_km2"] == pytest.approx(km2(held), rel=1e-6)
    assert first["grey_km2"] == pytest.approx(km2(grey), rel=1e-6)
    assert first["occupied_km2"] == pytest.approx(km2(occupied), rel=1e-6)  # clipped at the region's edge
    assert 79 < first["held_km2"] < 80.5  # 0.1° × 0.1° at 50° N: about 79.6 km² on the ellipsoid, not 0.01 "degrees²"


def test_time_comes_from_the_file_name(snapshots):
    assert list(snapshots.frame["date"].dt.strftime("%Y-%m-%d")) == ["2024-07-03", "2024-07-04"]
    assert snapshots.frame["time"].iloc[0] == pd.Timestamp(1720000000, unit="s", tz="UTC")


@pytest.mark.parametrize(
    "file, message",
    [
        ("notjson_1720000000.geojson", "not JSON"),
        ("feature_1720000000.geojson", "not a GeoJSON FeatureCollection"),
        ("points_1720000000.geojson", "no polygons"),
        ("undated.geojson", "no unix time in the file name and no time property"),
    ],
)
def test_a_bad_file_is_named_and_stops_the_import(file, message):
    with pytest.raises(TerritoryError) as info:
        load_territory([FIXTURES / "snapshot_1720000000.geojson", FIXTURES / "bad" / file], REGION)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{FIXTURES / 'bad' / file}: {message}")


def test_skipping_bad_files_counts_them_and_keeps_the_rest():
    result = load_territory([FIXTURES / "snapshot_1720000000.geojson", FIXTURES / "bad"], REGION, skip_bad_rows=True)
    assert len(result.frame) == 1 and len(result.skipped) == 4 and result.files == 5


def test_a_refresh_reads_only_new_snapshots(tmp_path):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    shutil.copy(FIXTURES / "snapshot_1720000000.geojson", folder)
    cache = tmp_path / "cache"
    first = load_territory(folder, REGION, cache=cache)
    assert first.cached == 0 and len(list(cache.glob("*-*-*.json"))) == 1
    shutil.copy(FIXTURES / "snapshot_1720086400.geojson", folder)
    second = load_territory(folder, REGION, cache=cache)
    assert second.cached == 1 and len(second.frame) == 2
    assert second.frame.iloc[0]["held_km2"] == first.frame.iloc[0]["held_km2"]


def test_areas_cached_by_other_code_are_computed_again(tmp_path, monkeypatch):
    # The cache's key holds this module's code and the geometry libraries' versions: an entry
    # written by an edited territory.py (or another shapely) is not read as if it were this one's.
    from warclaims.external import territory

    cache = tmp_path / "cache"
    load_territory(FIXTURES / "snapshot_1720000000.geojson", REGION, cache=cache)
    assert load_territory(FIXTURES / "snapshot_1720000000.geojson", REGION, cache=cache).cached == 1
    monkeypatch.setattr(territory, "_code_key", lambda: "other code")
    again = load_territory(FIXTURES / "snapshot_1720000000.geojson", REGION, cache=cache)
    assert again.cached == 0 and len(again.frame) == 1


def test_the_command_line(tmp_path):
    out, cache = tmp_path / "areas.csv", ["--cache", str(tmp_path / "cache")]
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "import-territory", str(FIXTURES / "bad"), "--region", str(REGION), *cache],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and run.stderr.count("\n") == 4 and "Traceback" not in run.stderr
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "warclaims",
            "import-territory",
            str(FIXTURES / "snapshot_1720000000.geojson"),
            "--region",
            str(REGION),
            "--out",
            str(out),
            "--jobs",
            "1",
            *cache,
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and "1 snapshots (2024-07-03 to 2024-07-03)" in run.stdout
    assert pd.read_csv(out).columns.tolist()[:5] == ["time", "date", "held_km2", "grey_km2", "occupied_km2"]


def test_the_four_shared_snapshots_give_areas_that_can_be_explained():
    if not SHARED.is_dir():
        pytest.skip("../shared/data/deepstate is not beside the project")
    files = sorted(SHARED.glob("deepstate_full_*.geojson"))
    result = load_territory(files, SHARED / "kursk_salient_study_area.geojson")
    held = dict(zip(result.frame["date"].dt.strftime("%Y-%m-%d"), result.frame["held_km2"].round(), strict=True))
    grey = dict(zip(result.frame["date"].dt.strftime("%Y-%m-%d"), result.frame["grey_km2"].round(), strict=True))
    # The README beside the data: ≈ 820 + 430, 900 + 340, 25 + 67, 25 + 72 km² (held + grey).
    assert held == {"2024-08-21": 824, "2024-09-01": 905, "2025-04-26": 25, "2025-05-21": 25}
    assert grey == {"2024-08-21": 431, "2024-09-01": 338, "2025-04-26": 67, "2025-05-21": 72}


@pytest.fixture
def mapped():
    """A made-up mapped series inside the claims' window, as load_territory returns it."""
    from warclaims.external.datasets import load_datasets
    from warclaims.external.territory import TerritoryImport

    days = pd.to_datetime(["2024-08-10", "2024-08-20", "2024-09-01", "2025-04-26"])
    frame = pd.DataFrame(
        {
            "time": days.tz_localize("UTC"),
            "date": days,
            "held_km2": [400.0, 820.0, 900.0, 25.0],
            "grey_km2": [300.0, 430.0, 340.0, 67.0],
            "occupied_km2": 0.0,
            "file": "x",
            "sha256": "0",
        }
    )
    return TerritoryImport(frame, 4, dataset=load_datasets(ROOT)["deepstate"])


def test_the_chart_draws_the_mapped_line_and_the_grey_band_under_the_claims(mapped):
    import warclaims
    from warclaims import figures

    fig = figures.territory_figure(warclaims.load_claims(), mapped=mapped)
    ax = fig.figure.axes[0]
    [line] = [drawn for drawn in ax.lines if drawn.get_gid() == "mapped:held"]
    drawn = pd.Series(line.get_ydata(), index=pd.to_datetime(mdates.num2date(line.get_xdata())).tz_localize(None))
    assert list(drawn.dropna()) == [400.0, 820.0, 900.0, 25.0]
    assert drawn.isna().sum() > 200  # the days between snapshots break the line
    assert any(c.get_gid() == "mapped:grey" for c in ax.collections)
    legend = [t.get_text() for leg in fig.figure.legends for t in leg.get_texts()]
    assert "DeepState maps: grey zone (not counted as held)" in legend
    assert "DeepState maps: held by Ukraine (a break: no snapshot that day; a dot: a lone one)" in legend
    assert "DanielRose2310/deepstatemaps-history" in " ".join(fig.figure.get_supxlabel().split())
    assert (
        fig.name == "territory_km2_mapped"
        and "about 900 km² held at the most, 1 Sep 2024" in fig.description
        and len(fig.alt) <= 250
    )
    # the short alt text gives the maps' figures too, in the dek's words
    assert "DeepState’s maps: about 900 km² held at the most, 1 Sep 2024" in fig.alt
    assert "according to Russia" in fig.alt


def test_the_prose_compares_from_the_data(mapped):
    import warclaims
    from warclaims import prose

    text = prose.territory(warclaims.select_claims(), "km2", mapped)
    assert "the largest area mapped as held is **about 900 km²** (1 Sep 2024)" in text
    assert "counting the grey zone as well, **about 1,250 km²** (20 Aug 2024)" in text
    assert "The claim is nearly 1,400 km²" in text


# --- hostile snapshots and regions: refused with one line, never counted wrongly ----------------

HELD_NAME = "Звільнено /// Liberated /// geoJSON.status.dismissed"


def _square(x0=30.02, y0=50.02, d=0.02):
    return [[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]


def _snapshot(*features, time=None):
    doc = {"type": "FeatureCollection", "features": list(features)}
    if time is not None:
        doc["properties"] = {"time": time}
    return doc


def _held(geometry):
    return {"type": "Feature", "properties": {"name": HELD_NAME}, "geometry": geometry}


def _polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


HOSTILE_SNAPSHOTS = [
    # (what, the snapshot, the start of the one line about it)
    ("a feature that is text", _snapshot("a feature"), "feature 1 is not a GeoJSON feature"),
    (
        "properties as a list",
        _snapshot({"type": "Feature", "properties": [1], "geometry": _polygon(_square())}),
        "feature 1: its properties are not an object",
    ),
    (
        "a geometry as a list",
        _snapshot({"type": "Feature", "properties": {"name": HELD_NAME}, "geometry": [1]}),
        "feature 1: its geometry is not a GeoJSON geometry",
    ),
    (
        "NaN coordinates",
        _snapshot(_held(_polygon([[float("nan"), 50.0]] * 4))),
        "feature 1: a coordinate is not a finite number",
    ),
    (
        "coordinates at 1e300",
        _snapshot(_held(_polygon([[-1e300, -1e300], [1e300, -1e300], [1e300, 1e300], [-1e300, -1e300]]))),
        "feature 1: a coordinate is off the globe",
    ),
    (
        "across the antimeridian",
        _snapshot(_held(_polygon([[-179.0, 50.0], [179.0, 50.0], [179.0, 50.2], [-179.0, 50.0]]))),
        "feature 1: a ring spans more than 180° of longitude",
    ),
    (
        "a time as a list",
        _snapshot(_held(_polygon(_square())), time=[1, 2]),
        "its time property '[1, 2]' is not a time",
    ),
    (
        "a time in 1970",
        _snapshot(_held(_polygon(_square())), time="1970-01-02"),
        "its time 1970-01-02 is not between 2000 and 2100",
    ),
]


@pytest.mark.parametrize(("what", "doc", "says"), HOSTILE_SNAPSHOTS, ids=[c[0] for c in HOSTILE_SNAPSHOTS])
def test_a_hostile_snapshot_is_one_line_and_never_counted(tmp_path, what, doc, says):
    import json

    path = tmp_path / "snapshot_1720000000.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(TerritoryError) as info:
        load_territory([path], REGION)
    [problem] = info.value.problems
    assert problem.message.startswith(says), problem.message


def test_a_numeric_time_is_unix_seconds_not_nanoseconds(tmp_path):
    import json

    path = tmp_path / "undated.geojson"
    path.write_text(json.dumps(_snapshot(_held(_polygon(_square())), time=1724272310)))
    [time] = load_territory([path], REGION).frame["time"]
    assert f"{time:%Y-%m-%d %H:%M:%S}" == "2024-08-21 20:31:50"


def test_a_collection_and_mixed_two_and_three_d_positions_are_counted_not_dropped(tmp_path):
    import json

    ring = _square()
    mixed = [[*p, 120.0] if i % 2 else p for i, p in enumerate(ring)]
    collection = {
        "type": "GeometryCollection",
        "geometries": [_polygon(mixed), {"type": "Point", "coordinates": [30, 50]}],
    }
    plain, both = tmp_path / "a_1720000000.geojson", tmp_path / "b_1720086400.geojson"
    plain.write_text(json.dumps(_snapshot(_held(_polygon(ring)))))
    both.write_text(json.dumps(_snapshot(_held(collection))))
    held = load_territory([plain, both], REGION).frame["held_km2"].tolist()
    assert held[0] > 0 and held[0] == pytest.approx(held[1])


HOSTILE_REGIONS = [
    ("a list", [], "the region must be a GeoJSON object"),
    ("text", "Kursk", "the region must be a GeoJSON object"),
    ("null", None, "the region must be a GeoJSON object"),
    (
        "coordinates null",
        {"type": "Polygon", "coordinates": None},
        "the region: the geometry: a polygon needs a list of rings",
    ),
    (
        "coordinates empty",
        {"type": "Polygon", "coordinates": []},
        "the region: the geometry: a polygon needs a list of rings",
    ),
    (
        "no area",
        {"type": "Polygon", "coordinates": [[[30, 50], [30, 50], [30, 50], [30, 50]]]},
        "the region has no polygon with an area",
    ),
    (
        "across the antimeridian",
        _polygon([[-179.0, 50.0], [179.0, 50.0], [179.0, 51.0], [-179.0, 50.0]]),
        "the region: the geometry: a ring spans more than 180°",
    ),
]


@pytest.mark.parametrize(("what", "doc", "says"), HOSTILE_REGIONS, ids=[c[0] for c in HOSTILE_REGIONS])
def test_a_region_that_is_not_a_region_is_one_line(tmp_path, what, doc, says):
    import json

    region = tmp_path / "region.geojson"
    region.write_text(json.dumps(doc))
    with pytest.raises(TerritoryError) as info:
        load_territory([FIXTURES / "snapshot_1720000000.geojson"], region)
    assert info.value.problems[0].message.startswith(says), info.value.problems[0].message


def test_two_snapshots_of_the_same_content_keep_their_own_times_from_the_cache(tmp_path):
    """The real archive holds 5 snapshots whose bytes repeat an earlier one under a later name."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    data = (FIXTURES / "snapshot_1720000000.geojson").read_bytes()
    (folder / "1720000000.geojson").write_bytes(data)
    (folder / "1720086400.geojson").write_bytes(data)
    for _ in range(2):  # cold, then warm
        result = load_territory(folder, REGION, cache=tmp_path / "cache")
        assert list(result.frame["date"].dt.strftime("%Y-%m-%d")) == ["2024-07-03", "2024-07-04"]
    assert result.cached == 2


def test_a_polygon_sharing_an_edge_with_the_region_is_measured_not_a_traceback(tmp_path):
    """A held polygon outside the region that shares its edge: the intersection has a line in it,
    which GEOS could not take to the next step; only the polygonal parts are kept."""
    region = tmp_path / "region.geojson"
    region.write_text(
        json.dumps({"type": "Feature", "properties": {}, "geometry": _box_geometry(30.0, 50.0, 30.2, 50.2)})
    )
    features = [
        {"type": "Feature", "properties": {"name": HELD_NAME}, "geometry": _box_geometry(29.8, 50.0, 30.0, 50.2)},
        {"type": "Feature", "properties": {"name": HELD_NAME}, "geometry": _box_geometry(30.05, 50.05, 30.1, 50.1)},
        {
            "type": "Feature",
            "properties": {"name": "Сіра /// geoJSON.status.unknown"},
            "geometry": _box_geometry(30.0, 50.0, 30.2, 50.02),
        },
    ]
    (tmp_path / "1720000000.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = load_territory(tmp_path / "1720000000.geojson", region)
    assert result.frame["held_km2"].iloc[0] == pytest.approx(km2(box(30.05, 50.05, 30.1, 50.1)), rel=1e-6)


def _box_geometry(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_a_regions_text_loses_control_characters_and_a_bad_line(tmp_path):
    from warclaims.external.territory import region_beyond, region_label, region_lines

    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Kursk\x07 Oblast\x00", "attribution": "OSM\x1b[0m"},
                "geometry": _box_geometry(30.0, 50.0, 30.2, 50.2),
            },
            {
                "type": "Feature",
                "properties": {"beyond": "Ukr\x0baine"},
                "geometry": {"type": "LineString", "coordinates": [[30.0, 50.0], [30.2, 50.0]]},
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[30.0, 50.0], [float("nan"), 50.0]]},
            },
        ],
    }
    path = tmp_path / "region.geojson"
    path.write_text(json.dumps(doc))
    assert region_label(path) == ("Kursk Oblast", "OSM[0m")
    assert region_beyond(path) == "Ukraine"
    assert len(region_lines(path)) == 1  # the line with a NaN is left off the maps


def test_the_chart_labels_the_maps_figures_that_the_headline_gives(mapped):
    """The largest area mapped as held and the map nearest the latest claim, on the line they come
    from, in the dek's numbers (the two are made from one `maps.mapped_facts`)."""
    import warclaims
    from warclaims import figures
    from warclaims.charts import headlines, theme

    claims = warclaims.load_claims()
    ax = figures.territory_figure(claims, mapped=mapped).figure.axes[0]
    notes = {
        t.get_gid(): " ".join(t.get_text().replace("\u00a0", " ").split())
        for t in ax.texts
        if (t.get_gid() or "").startswith("mapped:note:")
    }
    assert notes == {
        "mapped:note:peak": "Largest mapped as held: about 900 km², 1 Sep 2024",
        # the snapshot nearest the middle of Russia's "late April" (21–30 Apr): 25 km² still held, 67 grey
        "mapped:note:near": "26 Apr 2025, the map nearest Russia’s claim: 25 km² held and 67 km² grey",
    }
    found, dek = headlines.mapped_finding(claims[claims["metric"] == "territory_held_km2"], mapped)
    assert found.endswith("maps show about 900 km² held at the most") and "(1 Sep 2024)" in dek
    assert "on 26 Apr 2025, the map nearest Russia’s claim, 25 km² held and 67 km² grey" in dek
    with theme.narrow():  # a phone's time axis holds one note: the largest area
        phone = figures.territory_figure(claims, mapped=mapped).narrow.axes[0]
    assert [t.get_gid() for t in phone.texts if (t.get_gid() or "").startswith("mapped:note:")] == ["mapped:note:peak"]


def test_a_claim_whose_days_have_several_maps_is_set_beside_their_range(mapped):
    """Russia's "late April" is 21–30 Apr: with maps of 22 and 29 Apr, the dek and the chart give what
    they show over those days, not one day picked as the nearest."""
    import warclaims
    from warclaims import figures
    from warclaims.charts import headlines
    from warclaims.external.territory import TerritoryImport

    frame = mapped.frame.copy()
    extra = frame.iloc[[-1, -1]].copy()
    extra["date"] = pd.to_datetime(["2025-04-22", "2025-04-29"])
    extra["time"] = extra["date"].dt.tz_localize("UTC")
    extra["held_km2"], extra["grey_km2"] = [31.0, 18.0], [70.0, 72.0]
    several = TerritoryImport(
        pd.concat([frame, extra]).sort_values("time", ignore_index=True), 6, dataset=mapped.dataset
    )
    claims = warclaims.load_claims()
    _, dek = headlines.mapped_finding(claims[claims["metric"] == "territory_held_km2"], several)
    assert "on the maps of 22–29 Apr 2025, the dates of Russia’s claim, 18–31 km² held and 67–72 km² grey" in dek
    ax = figures.territory_figure(claims, mapped=several).figure.axes[0]
    [note] = [t for t in ax.texts if t.get_gid() == "mapped:note:near"]
    assert " ".join(note.get_text().replace("\u00a0", " ").split()) == (
        "The maps of 22–29 Apr 2025, the dates of Russia’s claim: 18–31 km² held and 67–72 km² grey"
    )


def test_the_event_band_is_never_the_grey_of_the_grey_zone(mapped):
    import colorsys

    from matplotlib.colors import to_rgb

    import warclaims
    from warclaims import figures

    ax = figures.territory_figure(warclaims.load_claims(), mapped=mapped).figure.axes[0]
    [band] = [p for p in ax.patches if p.get_gid() == "event:kursk-incursion"]
    [grey] = [c for c in ax.collections if c.get_gid() == "mapped:grey"]
    hue = colorsys.rgb_to_hls(*to_rgb(band.get_facecolor()))
    assert hue[2] > 0.2  # a colour with a hue: the grey zone is grey
    assert to_rgb(band.get_facecolor()) != tuple(grey.get_facecolor()[0][:3])
