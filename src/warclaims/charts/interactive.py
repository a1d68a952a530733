"""What a reader can ask of a chart: a card for every mark, a table of what the chart draws, and its
data as CSV.

Where each mark is comes from matplotlib itself, after the figure is drawn (`hit_areas`): the
artists that draw a claim carry its id in their gid ("claim:<event_id>", "value:<event_id>", …) or,
for a collection that draws many claims at once, in its per-element urls ("#claim:<event_id>", which
in the SVG download links each mark to its claim); a context series' artists
carry the series' gid. Each area is the artist's extent in the saved image, as a share of the
image's width and height (rounded to 0.01 %). So the overlay scales with the picture, never depends
on the fonts the reader has installed, and is the same in two builds. A mark with no record (a
caption, a legend) gets no area, and a record that no artist draws gets none either: the table
lists exactly what the chart draws.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from warclaims.charts import plots
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording

_CLAIM_GID = re.compile(r"^(claim|value|label|window|heading|detail|group|derived|callout):(.+)$")
LEAST = 14.0  # pixels (at the figure's dpi): the smallest area a pointer or a finger is given
CLAIM_COLUMNS = (
    "event_id",
    "source_id",
    "date_start",
    "date_end",
    "date_text",
    "metric",
    "value",
    "qualifier",
    "qualifier_text",
    "claimant",
    "claimant_side",
    "subject",
    "location",
    "value_basis",
    "quote",
    "notes",
    "headline",
    "description",
    "outlet",
    "published",
    "url",
)


@dataclass
class Series:
    """A context series a chart draws: its marks' key prefix, the gids of the artists that draw it,
    its values by day (the columns named in the dataset's own terms), and its citation."""

    prefix: str
    name: str
    gids: tuple[str, ...]
    frame: pd.DataFrame
    terms: dict[str, str]
    citation: str
    order: list | None = None  # the day of each drawn element, where it cannot be read from x (bars offset a day)

    def key(self, day) -> str:
        return f"{self.prefix}:{pd.Timestamp(day):%Y-%m-%d}"

    def card(self, day) -> dict:
        row = self.frame.loc[pd.Timestamp(day)]
        values = [(term, _number(row[col])) for col, term in self.terms.items() if pd.notna(row[col])]
        when = wording.format_window(pd.Timestamp(day), pd.Timestamp(day))
        return {
            "kind": "series",
            "series": self.name,
            "day": when,
            "head": f"{self.name}, {when}",
            "rows": values,
            "quote": "",
            "source": self.citation,
        }

    def csv(self) -> str:
        frame = self.frame[list(self.terms)].rename(columns=self.terms)
        frame.index = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
        frame.index.name = "date"
        out = io.StringIO()
        # areas to the hundredth of a unit, counts as whole numbers: no 1.0699409115685392 km², no 6.0
        frame.dropna(how="all").round(2).assign(citation=self.citation).to_csv(
            out, lineterminator="\n", float_format="%.10g"
        )
        return out.getvalue()


@dataclass
class Records:
    """What a chart's marks stand for: its claims (rows of the claim table, with their sources), its
    context series, and any other card (a map of one snapshot), by key."""

    claims: pd.DataFrame
    series: list[Series] = field(default_factory=list)
    extra: dict[str, dict] = field(default_factory=dict)
    unit: str | None = None  # the unit the chart shows an area in (km2, mi2): its cards say the same
    also: str | None = None  # a second unit the chart reads in (its right axis): the cards give both

    def claim_ids(self) -> set[str]:
        return set(self.claims["event_id"].astype(str)) if len(self.claims) else set()

    def cards(self, keys: list[str]) -> dict[str, dict]:
        """The card of each key drawn, in the order given."""
        claims = self.claims.set_index(self.claims["event_id"].astype(str)) if len(self.claims) else None
        by_prefix = {s.prefix: s for s in self.series}
        out = {}
        for key in keys:
            kind, _, rest = key.partition(":")
            if kind == "claim" and claims is not None and rest in claims.index:
                out[key] = claim_card(claims.loc[rest], self.unit, self.also)
            elif kind in by_prefix:
                out[key] = by_prefix[kind].card(rest)
            elif key in self.extra:
                out[key] = self.extra[key]
        return out

    def claims_csv(self, keys: list[str]) -> str:
        ids = [k.partition(":")[2] for k in keys if k.startswith("claim:")]
        rows = self.claims[self.claims["event_id"].astype(str).isin(ids)]
        rows = rows.sort_values(["date_start", "date_end", "event_id"])
        frame = rows[[c for c in CLAIM_COLUMNS if c in rows.columns]].copy()
        for col in ("date_start", "date_end", "published"):
            if col in frame:
                frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d")
        return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _number(value) -> str:
    return wording.format_number(float(value)) if isinstance(value, int | float | np.number) else str(value)


def claim_card(row, unit: str | None = None, also: str | None = None) -> dict:
    """A claim's card: the value as the text words it (an area in `unit`, and in `also` after it),
    who claims it, when (in words), about what and where, the verbatim quote and the source."""
    from warclaims.charts.theme import source_line

    area = str(row.get("unit")) == "km2"
    shown = unit if unit in vocab.UNITS and area else None
    value = (
        wording.claim_value(row, shown) if pd.notna(row["value"]) else str(row.get("subject") or row["metric_label"])
    )
    if area and pd.notna(row["value"]) and also in vocab.UNITS and also != (shown or "km2"):
        value += f" ({wording.claim_value(row, also)})"
    head = f"{row['metric_label']}: {value}" if pd.notna(row["value"]) else value
    rows = [("Claimed by", str(row["claimant"])), ("When", wording.format_window(row["date_start"], row["date_end"]))]
    if isinstance(row.get("date_text"), str) and row["date_text"].strip():
        rows.append(("The text says", row["date_text"]))
    for column, label in (("subject", "About"), ("location", "Where")):  # each its own line: no text runs into another
        if isinstance(row.get(column), str) and row[column].strip():
            rows.append((label, row[column]))
    if str(row.get("value_basis")) == "derived":
        rows.append(("Value", "derived from the words, not a number in the text"))
    return {
        "kind": "claim",
        "head": head,
        "rows": rows,
        "quote": str(row["quote"]),
        "source": source_line(row.get("headline"), row.get("outlet"), row["published"], row.get("url")),
    }


def _inches(fig, bbox) -> tuple[float, float, float, float]:
    return bbox.x0 / fig.dpi, bbox.y0 / fig.dpi, bbox.x1 / fig.dpi, bbox.y1 / fig.dpi


def hit_areas(fig, records: Records, dpi: float | None = None) -> list[dict]:
    """See `_hit_areas`; drawn at `dpi` (the PNG's), so the layout is the one the PNG has: text
    is measured at the size it is rasterized at, and a tick label a pixel wider moves an axis."""
    if dpi is None or dpi == fig.dpi:
        return _hit_areas(fig, records)
    own = fig.dpi
    fig.set_dpi(dpi)
    try:
        return _hit_areas(fig, records)
    finally:
        fig.set_dpi(own)


def _hit_areas(fig, records: Records) -> list[dict]:
    """Every mark's area in the image `savefig(bbox_inches="tight")` writes of `fig`, as
    {"key", "x", "y", "w", "h"} in percent of the image (x, y: the top left), in reading order
    (top to bottom, then left to right); per key and panel, the union of the artists that draw it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    pad = mpl.rcParams["savefig.pad_inches"]
    page = fig.get_tightbbox(renderer).padded(pad)  # in inches, as savefig crops it
    claims = records.claim_ids()
    series = {gid: s for s in records.series for gid in s.gids}
    boxes: dict[tuple[str, int], list] = {}
    done: set = set()
    panels = {id(ax): n for n, ax in enumerate(fig.axes)}
    artist = None

    def add(key: str, x0: float, y0: float, x1: float, y1: float, grow: bool = True) -> None:
        """One artist's part of a mark, cut to its panel when the panel clips it (a window running
        off a detail panel is drawn only inside it); a claim drawn in two panels is two areas."""
        axes = getattr(artist, "axes", None)
        if axes is not None and artist is not axes and artist.get_clip_on():
            box = axes.bbox
            x0, y0, x1, y1 = max(x0, box.x0), max(y0, box.y0), min(x1, box.x1), min(y1, box.y1)
            if x1 < x0 or y1 < y0:
                return  # wholly outside its panel: not drawn
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        least = LEAST if grow else 0.0  # a series' day is its own column, never grown over the next day's
        half_w, half_h = max(x1 - x0, least) / 2, max(y1 - y0, least) / 2
        # An undated value's window lies in a lane apart from its value's label: two areas, not
        # one box over the whole panel between them (which covered the other claims' marks).
        gid = artist.get_gid() or ""
        lane = plots.in_lane(gid)
        boxes.setdefault((key, panels.get(id(axes), -1), lane), []).append(
            (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        )

    for artist in fig.findobj(include_self=False):
        if not artist.get_visible():
            continue
        gid = artist.get_gid() or ""
        found = _CLAIM_GID.match(gid)
        if found and found.group(2) in claims:
            extent = artist.get_window_extent(renderer)
            if np.isfinite([extent.x0, extent.y0, extent.x1, extent.y1]).all() and extent.width + extent.height > 0:
                add(f"claim:{found.group(2)}", extent.x0, extent.y0, extent.x1, extent.y1)
            continue
        urls = artist.get_urls() if isinstance(artist, mpl.collections.Collection) else None
        if urls and any(urls):  # "#claim:<event_id>" per element (in an SVG, a link to the claim's card)
            for url, box in zip(urls, _elements(artist), strict=False):
                key = (url or "").lstrip("#")
                if key.startswith("claim:") and key.partition(":")[2] in claims:
                    add(key, *box)
            continue
        if gid.startswith("map:") and gid in records.extra and isinstance(artist, mpl.axes.Axes):
            extent = artist.get_window_extent(renderer)
            add(gid, extent.x0, extent.y0, extent.x1, extent.y1)
            continue
        if gid in series and isinstance(artist, mpl.lines.Line2D):
            for day, box in _line_elements(artist, series[gid]):
                add(series[gid].key(day), *box, grow=False)
        elif gid in series and isinstance(artist, mpl.patches.Rectangle) and (artist.axes, gid) not in done:
            done.add((artist.axes, gid))
            for day, box in _bar_elements(artist.axes, gid, series[gid]):
                add(series[gid].key(day), *box, grow=False)
    out = []
    width, height = page.width, page.height
    for (key, _, _), parts in boxes.items():
        x0, y0 = min(p[0] for p in parts), min(p[1] for p in parts)
        x1, y1 = max(p[2] for p in parts), max(p[3] for p in parts)
        left, bottom, right, top = (x0 / fig.dpi, y0 / fig.dpi, x1 / fig.dpi, y1 / fig.dpi)
        area = {
            "key": key,
            "x": float(round(max(0.0, (left - page.x0) / width * 100), 2)),
            "y": float(round(max(0.0, (page.y1 - top) / height * 100), 2)),
            "w": float(round((min(right, page.x1) - max(left, page.x0)) / width * 100, 2)),
            "h": float(round((min(top, page.y1) - max(bottom, page.y0)) / height * 100, 2)),
        }
        if area["w"] > 0 and area["h"] > 0:
            out.append(area)
    # Series columns first, left to right: they lie under the claims, which come after them (on top
    # of them for a pointer), top to bottom and then left to right.
    prefixes = tuple(f"{s.prefix}:" for s in records.series) or ("\0",)
    return sorted(out, key=lambda a: (0, a["x"], a["y"]) if a["key"].startswith(prefixes) else (1, a["y"], a["x"]))


def _elements(collection) -> list[tuple[float, float, float, float]]:
    """Each element's extent in display pixels: a line collection's segments, a scatter's points."""
    if isinstance(collection, mpl.collections.LineCollection):
        transform = collection.get_transform()
        out = []
        for segment in collection.get_segments():
            xy = transform.transform(np.asarray(segment))
            out.append((xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()))
        return out
    offsets = collection.get_offset_transform().transform(collection.get_offsets())
    return [(x, y, x, y) for x, y in offsets]


def _line_elements(line, series: Series):
    """(day, a column over the day's point, the panel's full height) for each point a series' line
    draws: a reader points at a day, not at a dot two pixels wide."""
    axes = line.axes
    top, bottom = axes.bbox.y1, axes.bbox.y0
    x, y = np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
    step = float(np.median(np.diff(x))) if len(x) > 1 else 1.0
    for xi, yi in zip(x, y, strict=True):
        if not np.isfinite(yi):
            continue
        day = pd.Timestamp(mdates.num2date(xi).replace(tzinfo=None)).normalize()
        if day not in series.frame.index:
            continue
        left, right = axes.transData.transform([(xi - step / 2, 0), (xi + step / 2, 0)])[:, 0]
        yield day, (left, bottom, right, top)


def _bar_elements(axes, gid: str, series: Series):
    """(day, a column over the bar) for each bar of a series, its day from `series.order` (the bars
    are drawn in that order; their x can be offset from the day, as a statement's bar is)."""
    bars = [p for p in axes.patches if p.get_gid() == gid]
    top, bottom = axes.bbox.y1, axes.bbox.y0
    for day, bar in zip(series.order or [], bars, strict=False):
        if not bar.get_height():
            continue  # a day with no figure: nothing drawn
        extent = bar.get_window_extent()
        yield day, (extent.x0, bottom, extent.x1, top)
