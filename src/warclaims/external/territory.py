"""Import DeepState map snapshots: for each snapshot, the area of each status inside a region.

DeepState UA (a Ukrainian open-source mapping team, not the Ukrainian state) publishes its front
line as GeoJSON; public archives keep a snapshot about once a day (e.g. DanielRose2310/
deepstatemaps-history, `geojsons/<unix time>.geojson`). `load_territory(paths, region)` returns one
row per snapshot: `time` (UTC, from the file name's unix time, or a `time` property when the
collection has one), `date`, `held_km2`, `grey_km2`, `occupied_km2`, `file`, `sha256`.

What is counted, and why:
- A polygon's status is the token its bilingual `name` ends with, read after folding white space
  (names carry non-breaking spaces and newlines): `geoJSON.status.dismissed` and its dated variant
  `dismissed_at` ("Liberated") are held by Ukraine; `geoJSON.status.unknown` (also when truncated,
  `...status.unkno`) is the grey zone; `geoJSON.status.occupied` and the political
  `geoJSON.territories.*` polygons are occupied. Other polygons and all points are not counted.
- Polygons of one status are unioned, so overlaps count once; where statuses overlap, held wins
  over grey, and both over occupied. Invalid polygons (self-intersections) are repaired with
  shapely's make_valid, keeping their polygonal parts.
- Only what lies inside the region counts (the region keeps out political polygons far from the
  front), and areas are geodesic (pyproj, WGS84 ellipsoid), not planar degrees.
- A file that cannot be read (not JSON, not a GeoJSON FeatureCollection, no polygons, no readable
  time) is reported as `path: message` and stops the import, or is skipped and counted.

Each snapshot's areas are cached by the file's content hash and the region's (under
build/cache/territory/), so a daily refresh reads only the new snapshots; files are read on a
process pool, one worker per core.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from warclaims.errors import NO_LINE, InputError, Problem
from warclaims.paths import read_regular, sha256_of_regular, write_atomic

HELD, GREY, OCCUPIED = "held", "grey", "occupied"
_TOKEN = re.compile(r"geoJSON\.(status|territories)\.([A-Za-z_-]*)")
_UNIX = re.compile(r"(?<!\d)(\d{9,11})(?!\d)")
_NO_AREA = ("Point", "MultiPoint", "LineString", "MultiLineString")


@lru_cache(maxsize=1)
def _code_key() -> str:
    """What a cached snapshot's areas depend on besides the snapshot and the region: this module's
    code and the geometry libraries' versions. A format number bumped by hand missed an edit."""
    import importlib.metadata

    versions = " ".join(f"{p} {importlib.metadata.version(p)}" for p in ("shapely", "pyproj"))
    return hashlib.sha256(Path(__file__).read_bytes() + versions.encode()).hexdigest()[:16]


class TerritoryError(InputError):
    """A map snapshot or the region cannot be read."""

    what = "a map snapshot cannot be read"


@dataclass
class TerritoryImport:
    frame: pd.DataFrame
    files: int
    skipped: list[Problem] = field(default_factory=list)
    cached: int = 0
    dataset: object = None  # its declaration in data/external.yaml, where known
    region: Path | None = None  # the region file measured in
    paths: dict = field(default_factory=dict)  # each snapshot's file name -> its path (for the maps)

    def summary(self, shown: str) -> str:
        f = self.frame
        span = f"{f['date'].min():%Y-%m-%d} to {f['date'].max():%Y-%m-%d}" if len(f) else "no snapshots"
        peak = f.loc[f["held_km2"].idxmax()] if len(f) else None
        top = f"; most held: {peak['held_km2']:,.0f} km² on {peak['date']:%Y-%m-%d}" if peak is not None else ""
        return (
            f"{shown}: {self.files:,} files, {len(f):,} snapshots ({span}){top}; {self.cached:,} from the cache; "
            f"{len(self.skipped):,} bad files skipped"
        )


def status_of(name: object) -> str | None:
    """held, grey, occupied or None (not counted), from a polygon's name."""
    text = " ".join(str(name or "").split())
    found = _TOKEN.findall(text)
    if not found:
        return None
    kind, token = found[-1]
    token = token.lower()
    if kind == "territories":
        return OCCUPIED
    if token.startswith("dismiss"):
        return HELD
    if len(token) >= 3 and "unknown".startswith(token):
        return GREY
    if token.startswith("occup"):
        return OCCUPIED
    return None


def read_region(path: Path):
    """The region as one shapely geometry, from a GeoJSON Feature, FeatureCollection or geometry
    (polygons, multipolygons, collections of them). TerritoryError for anything that is not a
    region with an area on the globe."""
    import shapely

    def fail(message: str):
        return TerritoryError([Problem(str(path), NO_LINE, "", message)])

    try:
        doc = json.loads(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise fail(f"cannot read the region ({exc.strerror or exc})") from None
    except RecursionError:
        raise fail("cannot read the region (nested too deep)") from None
    except ValueError as exc:
        raise fail(f"cannot read the region ({str(exc)[:80]})") from None
    if not isinstance(doc, dict):
        raise fail("the region must be a GeoJSON object (a Feature, a FeatureCollection or a geometry)")
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise fail("the region's features must be a list")
    polygons = []
    try:
        for n, f in enumerate(features, start=1):
            if not isinstance(f, dict):
                raise ValueError(f"feature {n} is not a GeoJSON object")
            geom = f.get("geometry") if f.get("type") == "Feature" else f
            if isinstance(geom, dict) and geom.get("type") in _NO_AREA:
                continue  # a line (the state border the maps draw) or a point measures nothing
            polygons += _polygons(geom)
    except ValueError as exc:
        raise fail(f"the region: {exc}") from None
    region = shapely.union_all([p if p.is_valid else shapely.make_valid(p) for p in polygons]) if polygons else None
    if region is None or region.is_empty or region.area == 0:
        raise fail("the region has no polygon with an area")
    return region


def _printable(value, most: int) -> str:
    """A region file's text as a page prints it: white space folded, control characters dropped
    (one would make the SVG not XML, and lose the page), at most `most` characters."""
    text = "".join(c for c in str(value or "") if unicodedata.category(c)[0] != "C" or c in " \t\n")
    return " ".join(text.split())[:most]


def _region_features(path: Path) -> list[tuple[object, dict]]:
    """(geometry, properties) of each feature of a region file (a Feature, a FeatureCollection or a
    bare geometry, with {} where a feature has no properties object); the file has been read by
    `read_region`, which says what is wrong with one that cannot be."""
    doc = json.loads(read_regular(path).decode("utf-8"))
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    out = []
    for f in features if isinstance(features, list) else []:
        if not isinstance(f, dict):
            continue
        properties = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        out.append((f.get("geometry") if f.get("type") == "Feature" else f, properties))
    return out


def _is_line(geom) -> bool:
    return isinstance(geom, dict) and geom.get("type") in ("LineString", "MultiLineString")


def region_label(path: Path) -> tuple[str, str]:
    """The region's name and attribution, from its first feature's `name` and `attribution`
    properties ("" for each it does not give), as pages print them."""
    for _, properties in _region_features(path):
        if properties.get("name") or properties.get("attribution"):
            return _printable(properties.get("name"), 80), _printable(properties.get("attribution"), 200)
    return "", ""


def region_beyond(path: Path) -> str:
    """What lies across the region's state border, as its line's `beyond` property says ("" when no
    line says): the maps name that side only where a file names it."""
    for geom, properties in _region_features(path):
        if _is_line(geom) and properties.get("beyond"):
            return _printable(properties["beyond"], 40)
    return ""


def region_lines(path: Path) -> list:
    """The lines a region file carries beside its polygons (e.g. the state border along it), as
    shapely geometries, for the maps; [] when it has none."""
    import shapely.errors
    from shapely.geometry import shape

    out = []
    for geom, _ in _region_features(path):
        if not _is_line(geom):
            continue
        try:
            line = shape(geom)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError):
            continue  # a line the maps cannot draw is left off them; it measures nothing anyway
        coords = shapely.get_coordinates(line)
        on_globe = bool(np.isfinite(coords).all()) and bool((np.abs(coords) <= [180, 90]).all())
        if not line.is_empty and len(coords) >= 2 and on_globe:
            out.append(line)
    return out


def _time_of(path: Path, doc: dict) -> pd.Timestamp | None:
    """When the snapshot was taken: its `time` property (an ISO time, or a unix time in seconds), else
    the unix time in its file name. ValueError for a time that is not one, or not 2000-2100."""
    value = doc.get("properties", {}).get("time") if isinstance(doc.get("properties"), dict) else None
    if value is None:
        found = _UNIX.findall(path.name)
        if not found:
            return None
        stamp = pd.Timestamp(int(found[-1]), unit="s", tz="UTC")
    elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        stamp = pd.Timestamp(value, unit="s", tz="UTC")  # a unix time is in seconds, never nanoseconds
    elif isinstance(value, str):
        stamp = pd.to_datetime(value, utc=True, errors="coerce")
        if pd.isna(stamp):
            raise ValueError(f"its time property {value[:40]!r} is not a time")
    else:
        raise ValueError(f"its time property {str(value)[:40]!r} is not a time (text or a unix time)")
    if not pd.Timestamp("2000-01-01", tz="UTC") <= stamp < pd.Timestamp("2100-01-01", tz="UTC"):
        raise ValueError(f"its time {stamp:%Y-%m-%d} is not between 2000 and 2100")
    return stamp


def snapshot_areas(path: Path, region, region_bounds) -> dict:
    """Areas (km²) of held, grey and occupied inside the region for one snapshot; raises ValueError
    with a message for a file that cannot be read."""
    from pyproj import Geod

    time, shapes = snapshot_shapes(path, region, region_bounds)
    geod = Geod(ellps="WGS84")
    areas = {status: _geodesic_km2(shape, geod) for status, shape in shapes.items()}
    return {"time": time.isoformat(), "held_km2": areas[HELD], "grey_km2": areas[GREY], "occupied_km2": areas[OCCUPIED]}


def check_snapshot(path: Path) -> str:
    """Why `path` does not read as a map snapshot ("" when it does): the checks of `snapshot_shapes`
    (JSON, a FeatureCollection, a time, polygons) without measuring anything."""
    import shapely

    nowhere = shapely.box(-180.0, -90.0, -179.9, -89.9)  # every polygon is far from it: none is unioned
    try:
        snapshot_shapes(path, nowhere, nowhere.bounds)
    except ValueError as exc:
        return str(exc)
    return ""


def snapshot_shapes(path: Path, region, region_bounds) -> tuple[pd.Timestamp, dict]:
    """When the snapshot was taken, and what it maps as held, grey and occupied inside the region
    (shapely geometries that never overlap): what is measured is what the maps draw."""
    import shapely
    import shapely.errors

    try:
        doc = json.loads(read_regular(path))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON ({str(exc).splitlines()[0][:80]})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ValueError("not a GeoJSON FeatureCollection")
    time = _time_of(path, doc)
    if time is None:
        raise ValueError("no unix time in the file name and no time property: cannot date the snapshot")
    minx, miny, maxx, maxy = region_bounds
    parts: dict[str, list] = {HELD: [], GREY: [], OCCUPIED: []}
    polygons = 0
    for n, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict):
            raise ValueError(f"feature {n} is not a GeoJSON feature")
        geom, properties = feature.get("geometry"), feature.get("properties")
        if properties is not None and not isinstance(properties, dict):
            raise ValueError(f"feature {n}: its properties are not an object")
        if geom is None or (
            isinstance(geom, dict) and geom.get("type") in ("Point", "MultiPoint", "LineString", "MultiLineString")
        ):
            continue  # points and lines have no area
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            raise ValueError(f"feature {n}: its geometry is not a GeoJSON geometry")
        status = status_of((properties or {}).get("name"))
        if status is None:  # not a status polygon: not counted, so not read either
            polygons += geom["type"] != "GeometryCollection"
            continue
        shapes = _polygons(geom, f"feature {n}")
        polygons += bool(shapes)
        for shaped in shapes:
            x0, y0, x1, y1 = shaped.bounds
            if x1 < minx or x0 > maxx or y1 < miny or y0 > maxy:
                continue  # far from the region: never inside it
            parts[status].append(shaped if shaped.is_valid else shapely.make_valid(shaped))
    if polygons == 0:
        raise ValueError("no polygons (a snapshot of the front has status polygons)")
    claimed = None
    shapes = {}
    try:
        for status in (HELD, GREY, OCCUPIED):  # held wins over grey, both over occupied
            union = shapely.union_all(parts[status]) if parts[status] else shapely.Polygon()
            # Only the polygonal parts: a polygon that shares an edge with the region's outline meets it
            # in a line too, and GEOS cannot take a collection of lines and polygons on to the next step.
            inside = _polygonal(shapely.intersection(union, region))
            if claimed is not None:
                inside = _polygonal(shapely.difference(inside, claimed))
            claimed = inside if claimed is None else shapely.union(claimed, inside)
            shapes[status] = inside
    except shapely.errors.GEOSException as exc:
        raise ValueError(f"its polygons cannot be measured inside the region (GEOS: {str(exc)[:80]})") from None
    return time, shapes


def _polygonal(geom):
    """The polygons of `geom` as one (Multi)Polygon: lines and points where shapes only touch are dropped."""
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _ring(ring, where: str) -> np.ndarray:
    """A linear ring's positions as an (n, 2) array of longitude and latitude: 2-D and 3-D positions
    alike (the height dropped), every number finite and on the globe."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValueError(f"{where}: a ring needs at least 4 positions")
    try:
        points = np.asarray(ring, dtype=float)  # the usual case: every position of one size
    except (TypeError, ValueError):
        try:  # 2-D and 3-D positions mixed
            points = np.array([p[:2] for p in ring], dtype=float)
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"{where}: a position is not a pair of numbers") from None
    if points.ndim == 2 and points.shape[1] in (3, 4):
        points = points[:, :2]
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"{where}: a position is not a pair of numbers")
    if not np.isfinite(points).all():
        raise ValueError(f"{where}: a coordinate is not a finite number")
    lon, lat = points[:, 0], points[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise ValueError(f"{where}: a coordinate is off the globe (longitude -180..180, latitude -90..90)")
    if lon.max() - lon.min() > 180:
        raise ValueError(f"{where}: a ring spans more than 180° of longitude (it crosses the antimeridian)")
    return points


def _polygons(geom, where: str = "the geometry", depth: int = 0) -> list:
    """The polygons of a GeoJSON Polygon, MultiPolygon or GeometryCollection of them (nested at most
    a few levels), as shapely geometries. ValueError for anything else."""
    import shapely

    if not isinstance(geom, dict):
        raise ValueError(f"{where}: the geometry is not a GeoJSON object")
    kind, coordinates = geom.get("type"), geom.get("coordinates")
    if kind == "GeometryCollection":
        members = geom.get("geometries")
        if not isinstance(members, list) or depth > 4:
            raise ValueError(f"{where}: a geometry collection needs a list of geometries")
        out = []
        for member in members:
            if isinstance(member, dict) and member.get("type") in (
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
            ):
                continue
            out += _polygons(member, where, depth + 1)
        return out
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise ValueError(f"{where}: a geometry of type {str(kind)[:30]!r} has no area")
    if not isinstance(polygons, list) or not all(isinstance(p, list) and p for p in polygons):
        raise ValueError(f"{where}: a polygon needs a list of rings")
    return [shapely.Polygon(_ring(rings[0], where), [_ring(r, where) for r in rings[1:]]) for rings in polygons]


def _geodesic_km2(geom, geod) -> float:
    """The area of the polygonal parts of `geom` on the WGS84 ellipsoid, in km² (holes subtracted),
    by pyproj (`Geod.geometry_area_perimeter`, each polygon oriented counter-clockwise first)."""
    import shapely
    from shapely.geometry.polygon import orient

    total = 0.0
    for part in shapely.get_parts(geom):
        for polygon in shapely.get_parts(part) if part.geom_type == "MultiPolygon" else [part]:
            if polygon.geom_type != "Polygon" or polygon.is_empty:
                continue
            total += geod.geometry_area_perimeter(orient(polygon, 1.0))[0]
    return total / 1e6


_REGION: dict = {}


def _worker(job: tuple[str, str]) -> tuple[str, dict | str]:
    path, region_path = job
    if region_path not in _REGION:
        region = read_region(Path(region_path))
        _REGION.clear()
        _REGION[region_path] = (region, region.bounds)
    region, bounds = _REGION[region_path]
    try:
        return path, snapshot_areas(Path(path), region, bounds)
    except ValueError as exc:
        return path, str(exc)


@contextlib.contextmanager
def _measuring(workers: int):
    """`measure(jobs, chunksize)`: each job's (path, areas or error), in order; on `workers`
    processes (0: in this one). The workers ignore Ctrl-C (they start with it blocked, so none is
    caught halfway through its start) and an interrupted import stops them at once
    (`Pool.terminate`) rather than waiting for every queued snapshot."""
    if not workers:
        yield lambda jobs, chunksize: map(_worker, jobs)
        return
    import multiprocessing

    from warclaims.interrupts import deferred, ignore_sigint, sigint_blocked

    with sigint_blocked():
        pool = multiprocessing.Pool(workers, initializer=ignore_sigint)
    try:
        yield lambda jobs, chunksize: pool.imap(_worker, jobs, chunksize=chunksize)
        pool.close()
    except BaseException:
        with deferred():  # a second Ctrl-C while the workers stop left the pool half-stopped, and hung
            pool.terminate()
            pool.join()
        raise
    with deferred():
        pool.join()


def snapshot_files(paths) -> list[Path]:
    """The .geojson files of the given files and folders, in name order."""
    out = []
    for p in map(Path, [paths] if isinstance(paths, (str, os.PathLike)) else paths):
        if p.is_dir():
            out += sorted(p.glob("*.geojson"))
        else:
            out.append(p)
    return out


def load_territory(
    paths,
    region: str | Path,
    *,
    skip_bad_rows: bool = False,
    cache: Path | None = None,
    jobs: int | None = None,
    progress: bool = False,
) -> TerritoryImport:
    """Areas by status inside `region` for every snapshot in `paths` (files or folders); see the module.
    With `progress`, snapshots not in the cache are counted on a progress bar (tqdm, on stderr: a
    line that updates in a terminal and in a notebook's output)."""
    region = Path(region)
    files = snapshot_files(paths)
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise TerritoryError(
            [
                Problem(
                    str(f),
                    NO_LINE,
                    "",
                    "is not a regular file (a FIFO, a device or a socket)" if f.exists() else "file not found",
                )
                for f in missing
            ]
        )
    read_region(region)  # a bad region is one error, before any snapshot is read
    region_key = sha256_of_regular(region)[:16]
    digests = _digests(files, cache)

    def entry_of(f: str) -> Path:
        # One cache entry per snapshot's content, its name and the region: the time comes from the
        # name, and the real archive has snapshots of the same content under different names (5 of 1,359).
        named = hashlib.sha256(Path(f).name.encode()).hexdigest()[:8]
        return cache / f"{digests[f][:32]}-{named}-{region_key}.json"

    results: dict[str, dict | str] = {}
    cached = 0
    if cache is not None:
        for f in digests:
            entry = entry_of(f)
            try:
                doc = json.loads(entry.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                continue
            if isinstance(doc, dict) and doc.get("code") == _code_key() and "areas" in doc:
                results[f] = doc["areas"]
                cached += 1
    todo = [(str(f), str(region)) for f in files if str(f) not in results]
    workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
    parallel = workers > 1 and len(todo) >= 4  # a pool costs more than a few files take
    bar = None
    if progress and todo:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="measuring map snapshots", unit="snapshot", file=sys.stderr, mininterval=0.5)
    with _measuring(workers if parallel else 0) as measure:
        for path, outcome in measure(todo, chunksize=max(1, len(todo) // (workers * 8))):
            results[path] = outcome
            if bar is not None:
                bar.update()
            if cache is not None and isinstance(outcome, dict):
                with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
                    write_atomic(entry_of(path), json.dumps({"code": _code_key(), "areas": outcome}).encode())
    problems = [Problem(f, NO_LINE, "", outcome) for f, outcome in results.items() if isinstance(outcome, str)]
    if problems and not skip_bad_rows:
        raise TerritoryError(problems)
    rows = [
        {**outcome, "file": Path(f).name, "sha256": digests[f]}
        for f, outcome in results.items()
        if isinstance(outcome, dict)
    ]
    frame = pd.DataFrame(rows, columns=["time", "held_km2", "grey_km2", "occupied_km2", "file", "sha256"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame.insert(1, "date", frame["time"].dt.tz_convert(None).dt.normalize())
    frame = frame.sort_values("time").reset_index(drop=True)
    if bar is not None:
        bar.close()
    return TerritoryImport(frame, len(files), sorted(problems), cached, region=region, paths={f.name: f for f in files})


def _digests(files: list[Path], cache: Path | None) -> dict[str, str]:
    """Each file's sha256, streamed. With a cache folder, a file whose size and modification time
    (in nanoseconds) are those recorded beside its digest last time is not read again (as git's index
    does): a warm import of the whole archive reads no snapshot."""
    index_path = cache / "digests.json" if cache is not None else None
    known: dict = {}
    if index_path is not None:
        with contextlib.suppress(OSError, ValueError, RecursionError):
            loaded = json.loads(index_path.read_text(encoding="utf-8"))
            known = loaded if isinstance(loaded, dict) else {}
    out, changed = {}, False
    for f in files:
        stat = f.stat()
        key = str(f.resolve())
        seen = known.get(key)
        if isinstance(seen, list) and len(seen) == 3 and seen[:2] == [stat.st_size, stat.st_mtime_ns]:
            out[str(f)] = str(seen[2])
            continue
        out[str(f)] = sha256_of_regular(f)
        known[key] = [stat.st_size, stat.st_mtime_ns, out[str(f)]]
        changed = True
    if index_path is not None and changed:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
            index_path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(index_path, json.dumps(known, sort_keys=True).encode())
    return out


def daily(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per day: the day's last snapshot (an archive sometimes holds two in a day)."""
    return snapshots.sort_values("time").groupby("date").last()[["held_km2", "grey_km2", "occupied_km2"]]
