"""The guard on the map snapshots: measured inside the declared region, a refresh that only adds
snapshots passes; a last date moving back, fewer snapshots, an old snapshot changed, a snapshot
dated after the run, and a mapped area jumping by more than JUMP_KM2 each trip it, named."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from warclaims.external.guard import JUMP_KM2, check, summarize

from conftest import ROOT

HELD = "Звільнено /// Liberated /// geoJSON.status.dismissed"
GREY = "Сіра зона /// Grey zone /// geoJSON.status.unknown"
DAY = 86_400
START = 1_720_000_000  # 2024-07-03


def _box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def write_snapshot(folder: Path, day: int, held_deg: float, grey_deg: float = 0.0) -> Path:
    """A snapshot `day` days after START: a held square of `held_deg` degrees at the region's corner,
    and a grey strip beside it."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": HELD},
            "geometry": _box(30.0, 50.0, 30.0 + held_deg, 50.0 + held_deg),
        }
    ]
    if grey_deg:
        features.append(
            {"type": "Feature", "properties": {"name": GREY}, "geometry": _box(30.9 - grey_deg, 50.0, 30.9, 50.9)}
        )
    path = folder / f"{START + day * DAY}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data" / "regions").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    region = {"type": "Feature", "properties": {"name": "a square"}, "geometry": _box(30.0, 50.0, 31.0, 51.0)}
    (tmp_path / "data" / "regions" / "kursk_oblast.geojson").write_text(json.dumps(region))
    folder = tmp_path / "data" / "external" / "deepstate" / "geojsons"
    folder.mkdir(parents=True)
    for day, held in enumerate([0.10, 0.12, 0.15]):  # about 80, 115 and 180 km²
        write_snapshot(folder, day, held)
    return tmp_path


def folder_of(project: Path) -> Path:
    return project / "data" / "external" / "deepstate" / "geojsons"


TODAY = dt.date(2024, 8, 1)


def test_the_summary_gives_the_snapshots_the_last_date_and_areas(project):
    entry = summarize(project)["deepstate"]
    assert entry["snapshots"] == 3 and entry["last_date"] == "2024-07-05"
    assert 150 < entry["last_areas"]["held_km2"] < 200 and len(entry["history"]["sha256"]) == 64


def test_a_refresh_that_only_adds_snapshots_passes(project):
    before = summarize(project)
    write_snapshot(folder_of(project), 3, 0.2)
    assert check(project, before, today=TODAY) == []


def test_a_first_publish_checks_the_archive_on_its_own(project):
    assert check(project, {}, today=TODAY) == []
    write_snapshot(folder_of(project), 3, 0.9)  # about 6,400 km² the day after 179
    [problem] = check(project, {}, today=TODAY)
    assert problem.startswith(
        "deepstate: the area mapped as held went from 179 km² (2024-07-05) to 6,399 km² (2024-07-06)"
    )
    assert f"a change of more than {JUMP_KM2:,.0f} km² between two snapshots" in problem


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("jump", "the area mapped as held went from"),
        ("grey-jump", "the area mapped as grey zone went from 0 km² (2024-07-05) to"),
        ("removed", "2 snapshots, fewer than the 3 published"),
        ("moved-back", "the last date moved back from 2024-07-05 to 2024-07-04"),
        ("rewritten", "the snapshots up to 2024-07-05 changed since they were published"),
        ("future", "a snapshot is dated 2024-09-"),
    ],
)
def test_what_a_refresh_can_hide_trips_the_guard(project, change, says):
    before = summarize(project)
    folder = folder_of(project)
    last = sorted(folder.glob("*.geojson"))[-1]
    if change == "jump":
        write_snapshot(folder, 3, 0.5)
    elif change == "grey-jump":
        write_snapshot(folder, 3, 0.15, grey_deg=0.4)
    elif change == "removed":
        sorted(folder.glob("*.geojson"))[0].unlink()
    elif change == "moved-back":
        last.unlink()
    elif change == "rewritten":
        write_snapshot(folder, 2, 0.151)
    elif change == "future":
        write_snapshot(folder, 60, 0.15)
    problems = check(project, before, today=TODAY)
    assert any(says in p for p in problems), problems
    assert all(p.startswith("deepstate: ") and "\n" not in p for p in problems)


def test_a_jump_already_published_is_not_reported_again(project):
    write_snapshot(folder_of(project), 3, 0.9)
    published = summarize(project)
    write_snapshot(folder_of(project), 4, 0.9)
    assert check(project, published, today=TODAY) == []


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"files": {}, "last_areas": "<script>"}, "last_areas must give each area"),
        ({"files": {}, "last_areas": {"held_km2": float("inf")}}, "last_areas must give each area"),
        ({"files": {}, "unreadable": 5}, "unreadable must be the reason"),
        ({"files": {}, "snapshots": -1}, "snapshots must be a whole count"),
    ],
)
def test_a_published_summary_with_a_hostile_snapshots_entry_cannot_be_checked_against(tmp_path, entry, says):
    from warclaims.external.guard import GuardError, read_previous

    path = tmp_path / "external.json"
    path.write_text(json.dumps({"deepstate": entry}))
    with pytest.raises(GuardError, match=says):
        read_previous(path)
