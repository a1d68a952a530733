"""Benchmark of the DeepState snapshot importer.

On the real archive, when it is on disk (data/external/deepstate/geojsons, from `warclaims fetch
deepstate`, or the folder given with --archive), inside the shipped Kursk oblast boundary: the cold
import (every file read, on a process pool), the warm one (every snapshot in the per-file cache),
and what the maps add to the report (choosing the dates, reading those snapshots again, drawing
them and rendering what a page and its downloads carry) beside the area chart. Targets: cold under 30 s, warm under
1 s, maps at most 1.5 s.

Otherwise (or with --generated), on a generated archive of the real one's size and shape: 1,360
snapshots of about 600 KB, each with ~110 status polygons of many vertices (held, grey, occupied,
political ones far away) and ~320 points: the cold import and a daily refresh (one new file).

    .venv/bin/python bench/territory.py [--archive FOLDER] [--generated [FILES]]
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from warclaims.external.territory import load_territory

NAMES = {
    "held": "Звільнено /// Liberated /// geoJSON.status.dismissed",
    "grey": "Статус невідомий /// Unknown status\u00a0/// geoJSON.status.unknown",
    "occupied": "Окуповано /// Occupied /// geoJSON.status.occupied ",
    "far": "аний Крим /// Occupied Crimea /// geoJSON.territories.crimea",
}


def blob(rng, x, y, r, n):
    """A wobbly closed ring of n vertices around (x, y)."""
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    rad = r * (1 + 0.25 * np.sin(5 * t + rng.random() * 6))
    ring = np.column_stack([x + rad * np.cos(t), y + 0.65 * rad * np.sin(t), np.zeros(n)]).round(7)
    return np.vstack([ring, ring[:1]]).tolist()


def snapshot(rng, day: int) -> dict:
    features = []
    shrink = max(0.05, 1 - day / 1500)
    for i in range(110):
        kind = ("held", "grey", "occupied", "far")[i % 4]
        x, y = (34.9 + rng.normal(0, 0.3), 51.35 + rng.normal(0, 0.15)) if kind != "far" else (34.5, 45.5)
        coords = blob(rng, x, y, 0.05 * shrink if kind == "held" else 0.04, int(rng.integers(80, 260)))
        features.append(
            {
                "type": "Feature",
                "properties": {"name": NAMES[kind], "styleUrl": "#poly"},
                "geometry": {"type": "Polygon", "coordinates": [coords]},
            }
        )
    for _ in range(320):
        features.append(
            {
                "type": "Feature",
                "properties": {"name": "unit", "styleUrl": "#icon"},
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(30 + rng.random() * 8, 7), round(46 + rng.random() * 6, 7), 0],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def real(folder: Path) -> None:
    """Cold, warm and maps on the real archive (see the module)."""
    import warclaims
    from warclaims import figures

    root = Path(__file__).resolve().parents[1]
    region = root / "data" / "regions" / "kursk_oblast.geojson"
    files = len(list(folder.glob("*.geojson")))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "territory"
        began = time.perf_counter()
        result = load_territory(folder, region, cache=cache, skip_bad_rows=True)
        cold = time.perf_counter() - began
        began = time.perf_counter()
        warm_result = load_territory(folder, region, cache=cache, skip_bad_rows=True)
        warm = time.perf_counter() - began
    result.dataset = None
    claims = warclaims.load_claims()

    def rendered(make) -> float:
        """Seconds to draw a figure and render what a build publishes of it (`drawing()`: the PNG
        to download, the page's pictures, the SVG, the marks and cards); the median of three runs."""
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            make().drawing()
            runs.append(time.perf_counter() - began)
        return sorted(runs)[1]

    area = rendered(lambda: figures.territory_figure(claims, "km2", mapped=result, place="Kursk region"))
    drawn = rendered(lambda: figures.territory_maps(claims, result, "km2", place="Kursk region"))
    peak = result.frame.loc[result.frame["held_km2"].idxmax()]
    print(
        f"real archive: {files:,} snapshots inside Kursk oblast; peak held {peak['held_km2']:,.0f} km² on "
        f"{peak['date']:%Y-%m-%d}"
    )
    print(f"cold import {cold:.1f} s (target under 30 s); warm {warm:.2f} s ({warm_result.cached:,} cached; under 1 s)")
    print(
        f"area chart, drawn and rendered as a build publishes it: {area:.2f} s; "
        f"the maps add {drawn:.2f} s (at most 1.5 s); medians of 3 runs"
    )


def main() -> None:
    args = sys.argv[1:]
    archive = Path(args[args.index("--archive") + 1]) if "--archive" in args else None
    default = Path(__file__).resolve().parents[1] / "data" / "external" / "deepstate" / "geojsons"
    archive = archive or (default if default.is_dir() and "--generated" not in args else None)
    if archive is not None:
        real(archive)
        return
    numbers = [a for a in args if a.isdigit()]
    files = int(numbers[0]) if numbers else 1360
    rng = np.random.default_rng(20240806)
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "geojsons", Path(tmp) / "cache"
        folder.mkdir()
        region = Path(tmp) / "region.geojson"
        region.write_text(
            json.dumps(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[34.0, 51.0], [35.75, 51.0], [35.75, 51.8], [34.0, 51.8], [34.0, 51.0]]],
                    },
                }
            )
        )
        start = 1650000000
        for day in range(files):
            (folder / f"{start + day * 86400}.geojson").write_text(json.dumps(snapshot(rng, day)))
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e9
        began = time.perf_counter()
        result = load_territory(folder, region, cache=cache)
        cold = time.perf_counter() - began
        (folder / f"{start + files * 86400}.geojson").write_text(json.dumps(snapshot(rng, files)))
        began = time.perf_counter()
        refreshed = load_territory(folder, region, cache=cache)
        refresh = time.perf_counter() - began
        print(
            f"generated archive: {files:,} snapshots ({size:.2f} GB); cold import {cold:.1f} s "
            f"({len(result.frame):,} rows, target under 60 s on 2 cores)"
        )
        print(f"daily refresh (1 new snapshot, {refreshed.cached:,} from the cache): {refresh:.2f} s")


if __name__ == "__main__":
    main()
