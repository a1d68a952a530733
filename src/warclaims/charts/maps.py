"""Small multiples of what DeepState's map snapshots show inside the region, on a few dates the data
chooses: the first mapped advance, the mapped peak, the snapshot nearest each claim about the
region, and the last snapshot.

What each map draws is what the import measured (`territory.snapshot_shapes`, the same shapes the
areas come from), so a map's title and the area chart agree. The fills are DeepState's own three
statuses, told apart by fill and pattern as well as colour:
- held by Ukraine: solid green (the colour of the mapped series on the area chart);
- grey zone: light grey (far lighter than either of the others);
- occupied: reddish purple, hatched (it is about as light as the green, so the pattern tells them
  apart for a reader who cannot tell the two colours apart).
None of these is a claimant side's colour, because DeepState is its own claimant. A claim is never
drawn as an area, because its text gives no shape. It is printed as a number over the map of the
nearest date, beside the area measured there.

Projection: Lambert azimuthal equal-area, centred on what the maps show, so areas read true and north
is up at the centre. Every map of one figure has the same frame and scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from warclaims.charts import theme
from warclaims.claims import wording

HELD_COLOR = theme.MAPPED_COLOR
GREY_COLOR = "#C4C4C4"
# The region's ground: light, yet far enough from white that the pictures' 256 colours keep the two
# apart (at #F2F2F2 they shared one colour, and the region's extent vanished from the maps).
GROUND_COLOR = "#EBEBEB"
OCCUPIED_COLOR = "#CC79A7"
STYLES = {  # status -> patch style
    "held": {"facecolor": HELD_COLOR, "edgecolor": HELD_COLOR, "linewidth": 0.4},
    "grey": {"facecolor": GREY_COLOR, "edgecolor": "#8C8C8C", "linewidth": 0.4},
    "occupied": {"facecolor": OCCUPIED_COLOR, "edgecolor": "#7A3B63", "hatch": "////", "linewidth": 0.4},
}
LABELS = {"held": "Held by Ukraine", "grey": "Grey zone (contested)", "occupied": "Occupied by Russia"}
ADVANCE_KM2 = 10.0  # the first snapshot mapping at least this much held is "the first mapped advance"
MAX_MAPS = 6
DATED_DAYS = 14  # a claim whose window is at most this long has a map of the snapshot nearest its middle
PAD = 0.25  # share of the mapped extent added on each side
LEAST_SPAN_M = 60_000  # a frame is at least 60 km across


def small_text() -> float:
    """The map's small print (place names, the scale bar, north): at least 11 CSS px on a phone."""
    return 10.0 if theme.is_narrow() else 8.0


@dataclass
class MapDate:
    """One map of the small multiples: the snapshot, why it was chosen, and what it measures."""

    time: pd.Timestamp
    file: str
    why: str  # "first mapped advance", "mapped peak", "last snapshot" or the claim it is nearest
    held_km2: float
    grey_km2: float
    occupied_km2: float
    claim: str = ""  # the claim this map stands beside, as the text words it, with its claimant


def nearest_snapshot(snaps: pd.DataFrame, start, end) -> int | None:
    """The row of `snaps` (sorted by time) nearest the middle of a dated claim's window, preferring
    one inside it; None when none is within a month: the map set beside the claim, and the figures
    the headline gives for it."""
    inside = snaps[(snaps["date"] >= start) & (snaps["date"] <= end)]
    middle = start + (end - start) / 2
    days = (snaps["date"] - middle).abs()
    near = (inside["date"] - middle).abs() if len(inside) else days
    # the earlier of two days as near; of that day's snapshots, its last: the one the daily series
    # (`territory.daily`) gives for the day, so the map and the figures beside it agree
    day = snaps.loc[near[near == near.min()].index, "date"].min()
    at = int(near[(near == near.min()) & (snaps.loc[near.index, "date"] == day)].index[-1])
    if not len(inside) and days[at] > pd.Timedelta(days=31):
        return None
    return at


@dataclass
class MappedFacts:
    """What the maps show over a set of territory claims, in the numbers every part of a page gives
    (headline, dek, chart, alt text): the largest area held and with the grey zone, each with the
    run of days it lasts (`wording.peak_days`), and what the maps show beside the latest dated claim:
    over the claim's own days when two or more of them are mapped ("late April": the range of the
    maps of 21–30 Apr), else on the map nearest it."""

    held: float
    held_days: tuple[pd.Timestamp, pd.Timestamp]
    total: float
    total_days: tuple[pd.Timestamp, pd.Timestamp]
    near: pd.Timestamp | None = None  # the first day mapped beside the latest dated claim
    near_last: pd.Timestamp | None = None  # the last (the same day for one map)
    near_held: tuple[float, float] = (0.0, 0.0)  # least and most, over those days
    near_grey: tuple[float, float] = (0.0, 0.0)
    near_top: float = 0.0  # the most held and grey together on one of those days
    near_claimant: str = ""

    def near_words(self, unit: str = "km2", space: str = " ") -> tuple[str, str]:
        """(which maps, what they show): ('the maps of 21–30 Apr 2025, the dates of Russia’s claim',
        '27–40 km² held and 30–45 km² grey'), or ('25 Apr 2025, the map nearest Russia’s claim', …);
        `space` joins a number to its unit (a chart's labels keep them on one line)."""
        if self.near is None:
            return "", ""
        first, last = self.near, self.near_last if self.near_last is not None else self.near
        if first == last:
            which = f"{wording.format_window(first, first)}, the map nearest {self.near_claimant}’s claim"
        else:
            which = f"the maps of {wording.format_window(first, last)}, the dates of {self.near_claimant}’s claim"
        return which, f"{_span(self.near_held, unit, space)} held and {_span(self.near_grey, unit, space)} grey"


def _span(values: tuple[float, float], unit: str, space: str) -> str:
    """'40 km²', or '27–40 km²' when the least and the most round apart (`wording.mapped_area`)."""
    lo, hi = (wording.mapped_area(v, unit) for v in values)
    if lo == hi:
        return hi.replace(" ", space)
    about = "about " if hi.startswith("about ") else ""  # '90–140 km²' is as rounded as its larger end
    lo, hi = lo.removeprefix("about ").rsplit(" ", 1)[0], hi.removeprefix("about ")
    return (about + f"{lo}–{hi}").replace(" ", space)


def mapped_facts(series: pd.DataFrame, rows: pd.DataFrame) -> MappedFacts | None:
    """`series`: the daily mapped areas (`territory.daily`: index date, held_km2, grey_km2); `rows`:
    the claims of the place the maps measure. None when no day of the claims' dates is mapped."""
    window = series.loc[rows["date_start"].min() : rows["date_end"].max()].dropna(subset=["held_km2"])
    if window.empty:
        return None
    total = window["held_km2"] + window["grey_km2"]
    facts = MappedFacts(
        float(window["held_km2"].max()),
        wording.peak_days(window["held_km2"]),
        float(total.max()),
        wording.peak_days(total),
    )
    last = rows.sort_values("date_end").iloc[-1]
    if last["date_end"] - last["date_start"] <= pd.Timedelta(days=DATED_DAYS):
        days = series.dropna(subset=["held_km2"]).rename_axis("date").reset_index()
        inside = days[(days["date"] >= last["date_start"]) & (days["date"] <= last["date_end"])]
        if len(inside) < 2:  # one map or none on the claim's own days: the nearest, as the maps choose it
            at = nearest_snapshot(days, last["date_start"], last["date_end"])
            inside = days.loc[[at]] if at is not None else inside.iloc[0:0]
        if len(inside):
            facts.near, facts.near_last = pd.Timestamp(inside["date"].min()), pd.Timestamp(inside["date"].max())
            facts.near_held = (float(inside["held_km2"].min()), float(inside["held_km2"].max()))
            facts.near_grey = (float(inside["grey_km2"].min()), float(inside["grey_km2"].max()))
            facts.near_top = float((inside["held_km2"] + inside["grey_km2"]).max())
            facts.near_claimant = str(last["claimant"])
    return facts


def choose_dates(frame: pd.DataFrame, claims: pd.DataFrame, unit: str = "km2") -> list[MapDate]:
    """The dates to map, from the snapshots (`frame`, as `load_territory` returns it) and the
    claims about the region: in time order, one map per snapshot, at most MAX_MAPS."""
    if frame.empty:
        return []
    snaps = frame.sort_values("time").reset_index(drop=True)
    wanted: list[tuple[int, str, str]] = []  # (row, why, claim), in order of priority
    wanted.append((int(snaps["held_km2"].idxmax()), "mapped peak", ""))
    for row in claims.sort_values(["date_start", "date_end", "event_id"]).itertuples() if len(claims) else ():
        inside = snaps[(snaps["date"] >= row.date_start) & (snaps["date"] <= row.date_end)]
        when = wording.format_window(row.date_start, row.date_end)
        if row.date_end - row.date_start > pd.Timedelta(days=DATED_DAYS):
            # The text gives no day in a long window: the claim is set beside the most the maps show
            # within it, which is what it can be compared with, never beside an arbitrary day.
            if not len(inside):
                continue
            at, when = int(inside["held_km2"].idxmax()), f"some day in {when}"
        else:
            at = nearest_snapshot(snaps, row.date_start, row.date_end)
            if at is None:
                continue  # no snapshot within a month of the claim: nothing to set beside it
        wanted.append((at, "nearest the claim", f"{row.claimant}: {wording.claim_value(row, unit)}, {when}"))
    advance = snaps.index[snaps["held_km2"] >= ADVANCE_KM2]
    if len(advance):
        wanted.append((int(advance[0]), "first mapped advance", ""))
    wanted.append((len(snaps) - 1, "last snapshot", ""))
    chosen: dict[int, MapDate] = {}
    for at, why, claim in wanted:
        if at in chosen:
            if claim and not chosen[at].claim:
                chosen[at].claim = claim
            continue
        if len(chosen) == MAX_MAPS:
            break
        r = snaps.loc[at]
        chosen[at] = MapDate(r["time"], r["file"], why, r["held_km2"], r["grey_km2"], r["occupied_km2"], claim)
    return [chosen[k] for k in sorted(chosen)]


def _projection(lon: float, lat: float):
    from pyproj import Transformer

    crs = f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _projected(geom, transformer):
    import shapely

    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _path(geom) -> MplPath | None:
    """A compound path of the polygons of `geom` (holes as holes: exteriors counter-clockwise,
    interiors clockwise, filled by the non-zero rule)."""
    import shapely
    from shapely.geometry.polygon import orient

    parts = []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        polygon = orient(polygon, 1.0)
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)
            codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            parts.append(MplPath(xy, codes))
    return MplPath.make_compound_path(*parts) if parts else None


def _lines(ax: Axes, geom, **style) -> None:
    import shapely

    for part in shapely.get_parts(shapely.boundary(geom) if geom.geom_type.endswith("Polygon") else geom):
        if part.geom_type == "LineString":
            xy = np.asarray(part.coords)
            ax.plot(xy[:, 0], xy[:, 1], **style)
        elif part.geom_type == "MultiLineString":
            _lines(ax, part, **style)


def _frame(shapes: list[dict], region) -> tuple[float, float, float, float]:
    """One frame for every map: what any of them marks, padded, at least LEAST_SPAN_M across and
    square; the whole region when nothing is marked."""
    import shapely

    marked = [g for s in shapes for g in s.values() if not g.is_empty]
    x0, y0, x1, y1 = shapely.union_all(marked).bounds if marked else region.bounds
    span = max(x1 - x0, y1 - y0) * (1 + 2 * PAD) if marked else max(x1 - x0, y1 - y0) * 1.05
    span = max(span, LEAST_SPAN_M)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - span / 2, cx + span / 2, cy - span / 2, cy + span / 2


def _place_labels(outline, frame, region_name: str, beyond: str, border: list, marked) -> list:
    """Where to name the region and, across a state border, the other side: the most inland point
    (pole of inaccessibility) of the part of each that the frame shows, kept clear of what any map
    marks, so no label sits on a fill."""
    import shapely
    from shapely.ops import polylabel

    view = shapely.box(frame[0], frame[2], frame[1], frame[3])
    clear = shapely.union_all(marked).buffer((frame[1] - frame[0]) * 0.06) if marked else shapely.Polygon()
    sides = [(view.intersection(outline).difference(clear), region_name)]
    if beyond and border:  # across the border, near it: not a neighbouring region of the same state
        near = shapely.union_all(border).buffer((frame[1] - frame[0]) * 0.3)
        sides.append((view.difference(outline).intersection(near).difference(clear), beyond))
    out = []
    for area, label in sides:
        parts = [p for p in shapely.get_parts(area) if p.geom_type == "Polygon"]
        widest = max(parts, key=lambda p: p.area) if parts else None
        if widest is not None and widest.area > 0.03 * view.area:
            point = polylabel(widest, tolerance=(frame[1] - frame[0]) / 200)
            out.append(((point.x, point.y), label))
    return out


def _scale_bar(ax: Axes, frame: tuple[float, float, float, float], text_size: float) -> None:
    width = frame[1] - frame[0]
    km = next((k for k in (100, 50, 25, 20, 10, 5, 2, 1) if k * 1000 <= width / 4), 1)
    x = frame[0] + width * 0.05
    y = frame[2] + (frame[3] - frame[2]) * 0.05
    ax.plot([x, x + km * 1000], [y, y], color="#222222", linewidth=2.2, solid_capstyle="butt")
    ax.text(x + km * 500, y + width * 0.015, f"{km} km", ha="center", va="bottom", fontsize=text_size, color="#222222")


def _north(ax: Axes, text_size: float) -> None:
    """A north arrow at the top right: a shaft with a head, and the letter under it (plain artists:
    an annotation's fancy arrow costs a tenth of a second per map to draw)."""
    kwargs = {"transform": ax.transAxes, "color": "#222222", "clip_on": False}
    ax.plot([0.93, 0.93], [0.80, 0.92], linewidth=1.0, **kwargs)
    ax.plot([0.93], [0.93], marker="^", markersize=6, linestyle="none", **kwargs)
    ax.text(0.93, 0.75, "N", ha="center", va="center", fontsize=text_size, fontweight="bold", transform=ax.transAxes)


def map_lines(date: MapDate, unit: str) -> list[str]:
    """What a map says of itself, whole: its date and why it is shown, what it measures (held, and
    grey where there is any), and the claim it stands beside."""
    day = date.time.tz_convert(None).normalize()
    head = wording.format_window(day, day) + ("" if date.why == "nearest the claim" else f", {date.why}")
    measured = f"Mapped: held {wording.mapped_area(date.held_km2, unit)}"
    if date.grey_km2 >= 0.5:
        measured += f", grey {wording.mapped_area(date.grey_km2, unit)}"
    return [head, measured] + ([f"Claim: {date.claim}"] if date.claim else [])


def map_title(date: MapDate, unit: str) -> str:
    """`map_lines` as the map's title: one line each, the claim on up to three (cut with "…" beyond;
    the alt text has it whole)."""
    lines = map_lines(date, unit)
    # 34 characters of 9 pt bold fit a third of the wide figure; a phone's map has the whole width.
    return "\n".join(theme.label_text(line, 34, phone=46) for line in lines)


@dataclass
class Prepared:
    """The maps' geometry, projected and simplified once for both drawings (a page's and a phone's)."""

    shown: list[dict]
    outline: object
    border: list
    frame: tuple[float, float, float, float]
    places: list


def prepare(shapes: list[dict], region, border: list, region_name: str, beyond: str) -> Prepared:
    """`shapes` (in degrees) in the maps' projection, in one frame, simplified to a tenth of a percent
    of it (100 m on a 100 km frame, under half a pixel of the 2x PNG: the same picture from far fewer
    vertices; the titles give the areas as measured), with where to name the places."""
    import shapely

    transformer = _projection(region.centroid.x, region.centroid.y)
    shown = [{k: _projected(g, transformer) for k, g in s.items()} for s in shapes]
    outline = _projected(region, transformer)
    border = [_projected(b, transformer) for b in border]
    frame = _frame(shown, outline)
    tolerance = (frame[1] - frame[0]) / 1000
    shown = [{k: shapely.simplify(g, tolerance) for k, g in s.items()} for s in shown]
    marked = [g for m in shown for g in m.values() if not g.is_empty]
    return Prepared(shown, outline, border, frame, _place_labels(outline, frame, region_name, beyond, border, marked))


@theme.styled()
def plot_maps(
    dates: list[MapDate],
    prepared: Prepared,
    *,
    unit: str = "km2",
    region_name: str = "the region",
    caption: str = "",
) -> Axes:
    """The small multiples (`prepared.shown[i]` is what `dates[i]` maps), two or three a row on a
    wide page, stacked on a phone."""
    shown = prepared.shown
    n = len(dates)
    cols = 1 if theme.is_narrow() else 2 if n in (2, 4) else min(3, n)  # 2x2 rather than 3 and a widow
    rows = -(-n // cols)
    # On a phone each map takes the drawing's width (a 4-inch square and its title); on a page, up to
    # three a row, or two when that makes a square block.
    size = (theme.NARROW_WIDTH, 4.3 * rows + 1.8) if theme.is_narrow() else (8.0, (8.0 / cols) * 1.05 * rows + 1.4)
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, date, drawn in zip(axes, dates, shown, strict=False):
        _draw_map(ax, date, drawn, prepared, small_text())
        ax.set_title(map_title(date, unit), loc="left", fontsize=10 if theme.is_narrow() else 9, linespacing=1.25)
    for ax in axes[n:]:
        ax.set_visible(False)
    handles = []
    for item in key(prepared, region_name):
        if item["kind"] == "fill":
            style = STYLES[item["status"]]
            handles.append(Patch(label=item["label"], **{k: v for k, v in style.items() if k != "linewidth"}))
        else:
            handles.append(
                Line2D(
                    [], [], color=item["color"], linewidth=item["width"], linestyle=item["style"], label=item["label"]
                )
            )
    theme.headline(axes[0], maps_title(region_name, n))
    theme.legend(axes[0], handles, ncol=2 if theme.is_narrow() else 3)
    theme.set_caption(axes[0], caption)
    return axes[0]


def maps_title(region_name: str, n: int) -> str:
    return f"What DeepState's maps show in {region_name}, on {n} date{'s' * (n != 1)}"


OUTLINE = {"color": "#555555", "width": 0.9, "style": "-"}
BORDER = {"color": "#111111", "width": 1.3, "style": (0, (5, 2, 1, 2))}


def key(prepared: Prepared, region_name: str) -> list[dict]:
    """What the maps draw, for their key: each status drawn on some map (a fill), the region's
    outline and the state border (lines); the figure's legend and the page's key are made from it."""
    statuses = [s for s in ("held", "grey", "occupied") if any(not m[s].is_empty for m in prepared.shown)]
    out = [{"kind": "fill", "status": s, "label": LABELS[s], **STYLES[s]} for s in statuses]
    out.append({"kind": "line", "label": f"{region_name} (outline)", **OUTLINE})
    if prepared.border:
        out.append({"kind": "line", "label": "State border", **BORDER})
    return out


def _draw_map(ax: Axes, date: MapDate, drawn: dict, prepared: Prepared, text_size: float) -> None:
    """One map: the region's ground and outline, the statuses' fills, the state border, the place
    names, a scale bar and north; no title (a figure or a page prints it)."""
    frame = prepared.frame
    ax.set_gid(f"map:{date.file}")  # the map's card: its date, what it measures, the claim beside it
    ax.set_facecolor("white")
    inside = _path(prepared.outline)
    if inside is not None:
        ax.add_patch(PathPatch(inside, facecolor=GROUND_COLOR, edgecolor="none", zorder=0))
    for status in ("occupied", "grey", "held"):
        path = _path(drawn[status])
        if path is not None:
            ax.add_patch(PathPatch(path, zorder=2, **STYLES[status]))
    # under the fills: a sliver is never hidden
    _lines(ax, prepared.outline, color=OUTLINE["color"], linewidth=OUTLINE["width"], zorder=1.6)
    for line in prepared.border:
        _lines(ax, line, color=BORDER["color"], linewidth=BORDER["width"], linestyle=BORDER["style"], zorder=1.8)
    ax.set_xlim(frame[0], frame[1])
    ax.set_ylim(frame[2], frame[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_color("#999999")
    for (x, y), label in prepared.places:
        ax.text(
            x,
            y,
            theme.label_text(label, 22),
            ha="center",
            va="center",
            fontsize=text_size,
            color="#555555",
            style="italic",
            zorder=5,
        )
    _scale_bar(ax, frame, text_size)
    _north(ax, text_size)


TILE_INCHES = 5.0  # a page's map: 500 CSS px at twice that in pixels, and the whole width of a phone
TILE_TEXT = 12.0  # pt: about 16 CSS px on a page's two columns, 11.5 on a phone's one


@theme.styled()
def plot_tile(date: MapDate, drawn: dict, prepared: Prepared) -> Figure:
    """One map alone, for a page that lays the maps out itself (two a row on a page, one on a phone,
    from the same picture) with its title, key and caption as text."""
    fig = Figure(figsize=(TILE_INCHES, TILE_INCHES), layout="constrained", facecolor="white")
    ax = fig.subplots()
    _draw_map(ax, date, drawn, prepared, TILE_TEXT)
    return fig
