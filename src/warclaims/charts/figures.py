"""Figure-level helpers: compose the chart functions, add alt text, and render deterministically.

A `ClaimFigure` displays itself in Jupyter as a PNG with its alt text (used by the HTML export)
and carries its SVG in a warclaims MIME type, so the report build can publish both without the
notebook writing any file.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from warclaims.charts import CLAIMS_CSV_ENV, FIGURE_MIME, NARROW_MIME, TABLE_MIME, interactive, plots, theme
from warclaims.claims import vocabulary as vocab
from warclaims.claims import wording

PNG_SCALE = 2  # exports at twice the screen resolution, for high-density screens; shown at screen size


@dataclass
class ClaimFigure:
    """A chart with its alt text; `narrow` is the same chart drawn for a phone's width (pages show it
    on narrow screens, where the wide one's text would shrink below legibility)."""

    name: str
    figure: Figure
    alt: str
    narrow: Figure | None = None
    records: interactive.Records | None = None  # what its marks stand for: cards, its table, its CSVs
    description: str = ""  # the chart in words, whole; `alt` is its finding in at most ALT_MOST characters
    # Small multiples a page lays out itself: () -> {"title", "key", "tiles": [{"png", "lines", "alt"}]}.
    # One picture per map serves a page's two columns and a phone's one, its words as text.
    tiles: Callable[[], dict] | None = None

    @theme.styled()
    def png(self, figure: Figure | None = None) -> bytes:
        """The PNG at twice the screen's resolution, in 256 colours (no dithering): a chart's few
        colours and their anti-aliased edges lose at most 15 of 255 in any channel, and the file is
        a third of the size (208 KB to 64 KB for the territory chart), which a phone downloads twice.
        The pixels are taken raw from matplotlib's Agg renderer and compressed once."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        figure = figure or self.figure
        canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        buf = io.BytesIO()
        figure.savefig(buf, format="rgba", dpi=figure.dpi * PNG_SCALE, bbox_inches="tight")
        raw = buf.getvalue()
        size = (int(canvas.renderer.width), int(canvas.renderer.height))  # the renderer that drew it
        if size[0] * size[1] * 4 == len(raw):
            image = Image.frombuffer("RGBA", size, raw, "raw", "RGBA", 0, 1)
        else:  # a renderer other than the one that drew: read the size from a PNG instead
            buf = io.BytesIO()
            figure.savefig(
                buf, format="png", dpi=figure.dpi * PNG_SCALE, bbox_inches="tight", pil_kwargs={"compress_level": 0}
            )
            image = Image.open(io.BytesIO(buf.getvalue()))
        few = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        # The octree gives each colour its bucket's average, so white came out as 249-254 grey: a
        # visible box around a picture on a white page. Near-white is white again.
        palette = few.getpalette() or []
        for i in range(0, len(palette) - 2, 3):
            if min(palette[i : i + 3]) >= 246:
                palette[i : i + 3] = [255, 255, 255]
        few.putpalette(palette)
        out = io.BytesIO()
        few.save(out, format="PNG")
        return out.getvalue()

    @theme.styled()
    def svg(self) -> str:
        """The SVG with its text as text (it scales with the page and can be searched and read aloud),
        titled with the chart's title and described by its alt text."""
        buf = io.StringIO()
        self.figure.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
        return _titled(buf.getvalue(), theme.title_of(self.figure.axes[0]) or self.name, self.description or self.alt)

    @theme.styled()
    def questions(self) -> dict:
        """What a page needs to let a reader question the chart: where each mark is in the wide and
        the phone drawing, the card of each, and the chart's data as CSV (its claims, each series)."""
        if self.records is None:
            return {}
        if self.tiles is not None:  # each map is its own picture, its words beside it: a card has nothing to add
            keys = list(self.records.extra)
            return {"marks": {"wide": [], "narrow": []}, "cards": self.records.cards(keys), "csv": {}, "series": {}}
        with theme.captionless(self.figure):  # measured on the pictures the page shows
            wide = interactive.hit_areas(self.figure, self.records, self.figure.dpi * PNG_SCALE)
        narrow = []
        if self.narrow is not None:
            with theme.captionless(self.narrow):
                narrow = interactive.hit_areas(self.narrow, self.records, self.narrow.dpi * PNG_SCALE)
        keys = list(dict.fromkeys(a["key"] for a in wide + narrow))
        cards = self.records.cards(keys)
        csv = {}
        if any(k.startswith("claim:") for k in keys):
            csv["claims"] = self.records.claims_csv(keys)
        for series in self.records.series:
            if any(k.startswith(f"{series.prefix}:") for k in keys):
                csv[series.prefix] = series.csv()
        return {
            "marks": {
                "wide": [a for a in wide if a["key"] in cards],
                "narrow": [a for a in narrow if a["key"] in cards],
            },
            "cards": cards,
            "csv": csv,
            "series": {s.prefix: s.name for s in self.records.series},
        }

    @theme.styled()
    def drawing(self) -> dict:
        """This chart as the page shows it: the PNG to download (with its caption), the page's
        pictures (wide, and a phone's: without the caption, which the page prints as text), its
        width on the page, its SVG, alt text, caption, marks and cards; the payload of the figure's
        MIME type."""
        asked = self.questions()  # first: the positions are read from a draw at the figure's own size
        png = self.png()
        drawn = {
            "name": self.name,
            "alt": self.alt,
            "title": theme.title_of(self.figure.axes[0]) or self.name,
            "description": self.description,
            "caption": theme.caption_of(self.figure.axes[0]),
            "svg": self.svg(),
            "png": base64.b64encode(png).decode("ascii"),
            **asked,
        }
        if self.tiles is not None:
            laid = self.tiles()
            for tile in laid["tiles"]:
                picture = self.png(tile.pop("figure"))
                tile["png"] = base64.b64encode(picture).decode("ascii")
                tile["width"] = _png_size(picture)[0] // PNG_SCALE
            return {**drawn, **laid, "narrow_png": "", "width": _png_size(png)[0] // PNG_SCALE}
        with theme.captionless(self.figure):
            page = self.png()
        narrow = b""
        if self.narrow is not None:
            with theme.captionless(self.narrow):
                narrow = self.png(self.narrow)
        return {
            **drawn,
            "page_wide": base64.b64encode(page).decode("ascii"),
            "narrow_png": base64.b64encode(narrow).decode("ascii"),
            "width": _png_size(page)[0] // PNG_SCALE,
        }

    @theme.styled()
    def _repr_mimebundle_(self, include=None, exclude=None):
        if not os.environ.get(CLAIMS_CSV_ENV):
            # In JupyterLab or a papermill run of one's own: the picture and its alt text. What only
            # a published page uses (the phone's drawing, the SVG, the marks and cards) is drawn
            # when the report build runs the notebook, which says so by naming where the page's
            # claims go (figures.ClaimsCSV). A second run over the whole archive is then seconds,
            # not the ten it took with every page's extra drawn.
            png = self.png()
            width, _ = _png_size(png)
            data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"[figure] {self.alt}"}
            return data, {"image/png": {"alt": self.alt, "width": width // PNG_SCALE}}
        drawn = self.drawing()
        png, narrow = drawn.pop("png"), drawn.pop("narrow_png")
        width = drawn.pop("width")
        data = {
            "image/png": png,
            "text/plain": f"[figure] {self.alt}",
            FIGURE_MIME: drawn,
        }
        if narrow:
            data[NARROW_MIME] = narrow
        return data, {"image/png": {"alt": self.alt, "width": width}}


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _titled(svg: str, title: str, desc: str) -> str:
    """`svg` with <title> and <desc> as the first children of its root element (escaped)."""
    at = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:at]}\n <title>{html.escape(title)}</title>\n <desc>{html.escape(desc)}</desc>{svg[at:]}"


@dataclass
class ClaimsCSV:
    """The claims a page shows, as CSV: the report build publishes it beside the page and links it.

    In a build the CSV goes to the file the build names in $WARCLAIMS_CLAIMS_CSV (a large table would
    make a notebook of tens of megabytes if it travelled as an output); the output only marks where
    it was, and the build leaves it off the page.
    """

    claims: pd.DataFrame

    COLUMNS = (
        "event_id",
        "source_id",
        "incident",
        "date_start",
        "date_end",
        "date_text",
        "metric",
        "value",
        "qualifier",
        "qualifier_text",
        "value_basis",
        "claimant",
        "claimant_side",
        "subject",
        "location",
        "country",
        "duration_hours",
        "quote",
        "notes",
    )

    def csv(self) -> str:
        rows = self.claims.sort_values(["date_start", "date_end", "event_id"])
        frame = rows[[c for c in self.COLUMNS if c in rows.columns]].copy()
        for col in ("date_start", "date_end"):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        return frame.to_csv(index=False, lineterminator="\n")

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"The {len(self.claims):,} claims on this page; the report build publishes them as CSV beside the page."
        target = os.environ.get(CLAIMS_CSV_ENV)
        if target:
            Path(target).write_text(self.csv(), encoding="utf-8")
        return {"text/plain": text, TABLE_MIME: {"rows": len(self.claims), "written": bool(target)}}, {}


@dataclass
class NoClaims:
    """Shown instead of an empty chart when the parameters select nothing."""

    what: str
    selection: str

    def __str__(self) -> str:
        return f"No {self.what} claims match this selection ({self.selection}), so there is no chart."

    def _repr_markdown_(self) -> str:
        return f"> **No claims match.** {wording.markdown_text(self)}"

    def __repr__(self) -> str:
        return str(self)


SCALED_ABOVE = 5_000  # claims beyond which a chart is drawn once, and shown scaled on a phone


def _wide_and_phone(plot, *args, rows: int = 0, **kwargs) -> tuple[Figure, Figure | None]:
    """The chart drawn twice: at its own width, and for a phone's width. A chart of very many claims
    (drawn as series or lanes) is drawn once, to bound the build's time: on a phone it is shown scaled."""
    wide = plot(*args, **kwargs)
    if rows > SCALED_ABOVE:
        return _figure_of(wide), None
    with theme.narrow():
        small = plot(*args, **kwargs)
    return _figure_of(wide), _figure_of(small)


def _figure_of(drawn) -> Figure:
    axes = drawn[0] if isinstance(drawn, tuple) else drawn
    return axes.get_figure(root=True)


def _sentences(rows: pd.DataFrame, *, unit: str | None = None, most: int = 12) -> str:
    """One clause per claim, as the text qualifies it, for up to `most` claims; beyond, a count per
    claimant and the date range."""
    if len(rows) > most:
        counts = rows.groupby(["claimant", "metric_label"], observed=True).size()
        per = "; ".join(f"{c}: {n:,} claim{'s' * (n != 1)} of {str(m).lower()}" for (c, m), n in counts.items())
        return f"{len(rows):,} claims from {wording.format_window(rows['date_start'].min(), rows['date_end'].max())} ({per})"
    parts = []
    for r in rows.itertuples():
        when = wording.format_window(r.date_start, r.date_end)
        if pd.isna(r.value):
            parts.append(f"{r.subject or r.incident} ({when}, per {r.claimant})")
            continue
        about = f" ({r.subject})" if isinstance(r.subject, str) and r.subject.strip() else ""
        if str(r.family) == vocab.DRONES and isinstance(r.country, str) and r.country.strip():
            about = f" ({r.subject}, over {r.country})" if about else f" (over {r.country})"
        value = wording.claim_value(r, unit if unit and unit != "km2" else None)
        parts.append(f"{r.claimant}: {str(r.metric_label).lower()}{about}, {value} ({when})")
    return "; ".join(parts)


def _provenance(rows: pd.DataFrame) -> str:
    """How every alt text ends: who claims it, and that it is not verified."""
    return f"Claimed by {theme.claimants_phrase(rows)}; not independently verified."


def _alt(chart: str, rows: pd.DataFrame, **kwargs) -> str:
    """The chart in words, whole: every claim it draws (up to a dozen), who claims it."""
    return f"{chart}: {_sentences(rows, **kwargs)}. {_provenance(rows)}"


ALT_MOST = 250  # characters: an image's alt text states its finding; the page gives the whole description beside it


def _short(kind: str, rows: pd.DataFrame, unit: str = "km2", extra: str = "", least: str = "") -> str:
    """The alt text: what the chart is and its leading claims, as the page's headline names them,
    in at most ALT_MOST characters; `extra`, what a context drawn with them shows, or at least
    `least` of it, before a claimant's name or the text's words for when."""
    from warclaims.charts import headlines

    valued = rows[rows["value"].notna()] if len(rows) else rows
    text = f"{kind}.{extra}"
    tries = [
        (most, by_side, more)
        for more in dict.fromkeys(m for m in (extra, least or extra) if m)
        for most, by_side in ((2, False), (2, True), (1, True))
    ] + [(2, False, ""), (2, True, ""), (1, False, ""), (1, True, "")]  # both sides' claims before one claimant's name
    for most, by_side, more in tries:  # every side's claim, then the context, then the rest shorter
        finding = (
            headlines.claims_phrase(headlines.lead_claims(valued, most), unit, by_side=by_side, when=not by_side)
            if len(valued)
            else ""
        )
        text = f"{kind}. {finding}.{more}" if finding else f"{kind}.{more}"
        if len(text) <= ALT_MOST:
            return text
    return theme.shortened(text, ALT_MOST)


def drone_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    rows = data[data["family"].astype(str) == vocab.DRONES]
    if rows.empty:
        return NoClaims("drone", selection)
    wide, small = _wide_and_phone(plots.plot_drone_claims, rows, rows=len(rows))
    n = len(rows)  # how many, and how drawn (plot_drone_claims: cards, or with many a panel per thing counted)
    kind = (
        f"{n:,} drone claims, a panel per thing counted, each claim a mark"
        if n > plots.MAX_MARKS
        else ("Drone claim, one card" if n == 1 else f"{n:,} drone claims, one card per claim")
    )
    described = _alt(kind, plots.drone_order(rows))
    return ClaimFigure(
        "drone_claims", wide, _short(kind, rows), small, interactive.Records(rows), description=described
    )


def casualty_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    rows = data[data["family"].astype(str) == vocab.CASUALTIES]
    if rows.empty:
        return NoClaims("casualty", selection)
    wide, small = _wide_and_phone(plots.plot_casualties, rows, rows=len(rows))
    n = len(rows)
    chart = (
        f"{n:,} casualty claims, a panel per thing counted, each claim a mark"
        if n > plots.MAX_BARS
        else (
            "Bar chart of a casualty claim"
            if n == 1
            else f"Bar chart of {n:,} casualty claims by incident, one bar per claim"
        )
    )
    described = _alt(chart, rows.sort_values(["date_start", "metric"]))
    return ClaimFigure("casualties", wide, _short(chart, rows), small, interactive.Records(rows), description=described)


def territory_figure(
    data: pd.DataFrame,
    unit: str = "km2",
    selection: str = "",
    mapped=None,
    place: str | None = None,
    other_unit: str | None = "",
) -> ClaimFigure | NoClaims:
    """The territory claims, one panel per place; with `mapped` (a territory import), DeepState's
    mapped areas in the panel of `place` (the claims' location the region stands for). The chart
    reads in `other_unit` too, on each panel's right axis, and its cards, table and CSV give both
    ("": the other of km² and square miles; None: `unit` alone)."""
    if other_unit == "":
        other_unit = next((u for u in vocab.UNITS if u != unit), None)
    from warclaims.charts.parameters import check_place

    place = check_place(place)
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
    if rows.empty:
        return NoClaims("territory", selection)
    places = plots.territory_places(rows)
    at = plots.mapped_place_index(places[: plots.MAX_PANELS], place)
    series = _mapped_series(mapped, places[at][1] if at is not None else rows)  # over its own place's dates
    caption = (
        mapped.dataset.caption() if mapped is not None and mapped.dataset is not None else "DeepState map snapshots"
    )
    if mapped is not None and mapped.region is not None:
        from warclaims.external.territory import region_label

        name, attribution = region_label(mapped.region)
        caption += f"; measured inside {name or 'the region given'}" + (f" ({attribution})" if attribution else "")
    per_place = max(len(g) for _, g in places)
    wide, small = _wide_and_phone(
        plots.plot_territory,
        data,
        unit=unit,
        rows=per_place,
        mapped=series,
        mapped_caption=caption,
        mapped_place=place,
        also=other_unit,
    )
    drawn = places[: plots.MAX_PANELS]
    chart = "Chart of territory held as claimed" + (
        f", in {len(places)} places, one panel each ({'; '.join(name for name, _ in drawn[:6])}"
        + ("; …)" if len(drawn) > 6 else ")")
        if len(places) > 1
        else ""
    )
    if len(places) > len(drawn):
        chart += f"; {len(drawn)} places drawn, {len(places) - len(drawn)} left to the page’s claims CSV"
    chart += "; a value whose day the text does not give is a bracket over its window"
    alt = _alt(chart, rows.sort_values("date_end"), unit=unit)
    claimed = (
        f"Chart of {len(rows):,} claims of territory held" if len(rows) > 2 else "Chart of territory held as claimed"
    )
    kind = claimed + (  # a count where a reader cannot count the marks
        f", {len(places)} places, one panel each" if len(places) > 1 else ""
    )
    extra = least = ""
    facts = None
    if series is not None and len(series):
        from warclaims.charts.maps import mapped_facts

        facts = mapped_facts(series, places[at][1] if at is not None else rows)
    if facts is not None:  # the dek's and the chart's figures (one `mapped_facts`), in their words
        held = f"{wording.mapped_area(facts.held, unit)} held at the most, {wording.format_window(*facts.held_days)}"
        which, shown = facts.near_words(unit)
        near = f"; on {which}, {shown}" if which else ""
        extra, least = f" DeepState’s maps: {held}{near}.", f" DeepState’s maps: {held}."
        alt += (
            f" Beneath the claims, DeepState’s mapped area held by Ukraine, "
            f"{wording.format_window(series.index.min(), series.index.max())}: {held}; with the grey zone, "
            f"{wording.mapped_area(facts.total, unit)}, {wording.format_window(*facts.total_days)}{near}; "
            "a map, not a party’s claim."
        )
    name = f"territory_{unit}" + ("_mapped" if series is not None and len(series) else "")
    drawn_series = []
    if series is not None and len(series):
        columns, terms = {}, {}
        for shown in (unit, other_unit) if other_unit else (unit,):
            factor, unit_name = vocab.UNITS[shown][1], vocab.UNITS[shown][0]
            for column, term in (("held_km2", "Mapped as held by Ukraine"), ("grey_km2", "Grey zone, not counted")):
                columns[f"{column}:{shown}"] = series[column] * factor
                terms[f"{column}:{shown}"] = f"{term} ({unit_name})"
        order = sorted(terms, key=lambda c: (c.split(":")[0] != "held_km2", c))  # held first, each in both units
        frame = pd.DataFrame(columns, index=series.index)[order]
        drawn_series.append(
            interactive.Series(
                "deepstate", "DeepState's maps", ("mapped:held",), frame, {c: terms[c] for c in order}, caption
            )
        )
    records = interactive.Records(rows, drawn_series, unit=unit, also=other_unit)
    return ClaimFigure(name, wide, _short(kind, rows, unit, extra, least), small, records, description=alt)


def territory_maps(data: pd.DataFrame, mapped, unit: str = "km2", place: str | None = None) -> ClaimFigure | None:
    """Maps of what the snapshots show inside the region on a few dates the data chooses (see
    charts/maps.py), beside the claims about `place`; None without snapshots (nothing is shown)."""
    from warclaims.charts import maps
    from warclaims.charts.parameters import check_place
    from warclaims.external.territory import (
        read_region,
        region_beyond,
        region_label,
        region_lines,
        snapshot_shapes,
    )

    place = check_place(place)
    if mapped is None or mapped.frame.empty or mapped.region is None:
        return None
    rows = data[data["metric"].astype(str) == vocab.TERRITORY_HELD_KM2]
    places = plots.territory_places(rows) if len(rows) else []
    at = plots.mapped_place_index(places[: plots.MAX_PANELS], place) if places else None
    claims = places[at][1] if at is not None else rows.iloc[0:0]
    dates = maps.choose_dates(mapped.frame, claims, unit)
    region = read_region(mapped.region)
    shapes = [snapshot_shapes(mapped.paths[d.file], region, region.bounds)[1] for d in dates]
    name, attribution = region_label(mapped.region)
    name = name or place or "the region measured"
    cited = mapped.dataset.caption() if mapped.dataset is not None else "DeepState map snapshots"
    caption = (
        f"Maps: {cited}. Held, grey zone and occupied as DeepState marks them, inside {name}."
        + (f" {attribution}." if attribution else "")
        + " An area of a few km² along the border is within what a simplified boundary can tell. "
        "Equal-area projection (Lambert azimuthal), north up; the same frame and scale on every map."
    )
    if len(claims):
        caption += (
            " A claim is printed over the map of the nearest date, never drawn as an area (its text gives no "
            f"shape): claims by {theme.claimants_phrase(claims)}, not independently verified "
            f"(source: {theme.sources_phrase(claims)})."
        )
    prepared = maps.prepare(shapes, region, region_lines(mapped.region), name, region_beyond(mapped.region))
    wide = _figure_of(maps.plot_maps(dates, prepared, unit=unit, region_name=name, caption=caption))
    described = "; ".join(". ".join(maps.map_lines(d, unit)) for d in dates)
    alt = (
        f"{len(dates)} map{'s' * (len(dates) != 1)} of {name} from DeepState's snapshots (held by Ukraine, "
        "grey zone, occupied): "
        f"{described}. A claim is not an area on the maps; it is printed over the nearest date."
    )
    cards = {
        f"map:{d.file}": {
            "kind": "map",
            "head": maps.map_lines(d, unit)[0],
            "rows": [(line.split(": ", 1)[0], line.split(": ", 1)[1]) for line in maps.map_lines(d, unit)[1:]],
            "quote": "",
            "source": caption,
        }
        for d in dates
    }

    def tiles() -> dict:
        return {
            "title": maps.maps_title(name, len(dates)),
            "key": [
                {k: v for k, v in item.items() if k in ("kind", "label", "facecolor", "edgecolor", "hatch", "color")}
                | ({"dash": item["style"] != "-"} if item["kind"] == "line" else {})
                for item in maps.key(prepared, name)
            ],
            "tiles": [
                {
                    "figure": maps.plot_tile(d, shown, prepared),
                    "lines": maps.map_lines(d, unit),
                    "alt": f"Map of {name}, {'. '.join(maps.map_lines(d, unit))}",
                }
                for d, shown in zip(dates, prepared.shown, strict=True)
            ],
        }

    peak = max(dates, key=lambda d: d.held_km2)
    short = theme.shortened(
        f"{len(dates)} map{'s' * (len(dates) != 1)} of {name} from DeepState's snapshots: at most "
        f"{wording.mapped_area(peak.held_km2, unit)} mapped as held ({maps.map_lines(peak, unit)[0]}); "
        f"{maps.map_lines(dates[-1], unit)[1].lower()} on the last map.",
        ALT_MOST,
    )
    return ClaimFigure(
        "territory_maps",
        wide,
        short,
        None,
        interactive.Records(claims, extra=cards),
        tiles=tiles,
        description=alt,
    )


def _mapped_series(mapped, rows: pd.DataFrame) -> pd.DataFrame | None:
    """The mapped daily areas over the claims' dates (with a month either side), or None."""
    if mapped is None or mapped.frame.empty:
        return None
    from warclaims.external.territory import daily

    series = daily(mapped.frame)
    first, last = rows["date_start"].min() - pd.Timedelta(days=31), rows["date_end"].max() + pd.Timedelta(days=31)
    return series.loc[first:last]


def timeline_figure(data: pd.DataFrame, selection: str = "") -> ClaimFigure | NoClaims:
    if data.empty:
        return NoClaims("dated", selection)
    wide, small = _wide_and_phone(plots.plot_timeline, data, rows=len(data))
    rows = data.sort_values(["date_start", "date_end", "event_id"])
    chart = f"Timeline of {len(rows)} claims and dated events, each a span over its date window, in date order"
    from warclaims.charts import headlines

    short = theme.shortened(
        f"Timeline of {len(rows)} claims and dated events. {headlines.overview_headline(rows).title}.", ALT_MOST
    )
    return ClaimFigure("timeline", wide, short, small, interactive.Records(rows), description=_alt(chart, rows))


def drone_context_figure(sel, attacks, days: int = 14) -> ClaimFigure | NoClaims | None:
    """The Air Force's nightly drone counts around the article's night, beside the article's drone claims
    (None, so nothing is shown, when no attack dataset was given)."""
    from warclaims.external.attacks import nights_around_article

    if attacks is None:
        return None
    first, last, nights = nights_around_article(sel.all_claims, attacks.frame, days)
    if nights["reports"].sum() == 0:
        return NoClaims(
            "Air Force drone",
            f"no reports in the dataset for {wording.format_window(nights.index.min(), nights.index.max())}",
        )
    claims = sel.claims[sel.claims["metric"].astype(str) == vocab.DRONES_INTERCEPTED]
    dataset = getattr(attacks, "dataset", None)
    wide, small = _wide_and_phone(
        plots.plot_drone_context,
        nights,
        claims,
        article=(first, last),
        caption=dataset.caption() if dataset is not None else "the attack dataset, not independently verified",
    )
    on = nights.loc[last] if last in nights.index else None
    night = ""
    if on is not None and pd.notna(on["launched"]):
        lost = f", {int(on['not_reach_goal'])} lost locally" if pd.notna(on.get("not_reach_goal")) else ""
        night = (
            f" (night ending {wording.format_window(last, last)}: {int(on['launched'])} launched, "
            f"{int(on['destroyed'])} destroyed{lost})"
        )
    alt = _context_alt(
        "Line chart of the Ukrainian Air Force’s overnight reports of Russian drones launched at Ukraine, destroyed and "
        "lost locally (not reaching their target), "
        f"{wording.format_window(nights.index.min(), nights.index.max())}{night}",
        "Ukraine’s Air Force",
        claims.head(3),
        "no drone claim from the article in this selection",
    )
    series = interactive.Series(
        "airforce",
        "Ukrainian Air Force, night",
        tuple(f"series:{column}" for column in plots.AIR_FORCE_SERIES),
        nights[list(plots.AIR_FORCE_SERIES)],
        {column: label for column, (label, _) in plots.AIR_FORCE_SERIES.items()},
        dataset.caption() if dataset is not None else "the attack dataset, not independently verified",
    )
    short = _context_short(  # the night by day and month: the window before it gives the year
        f"Ukrainian Air Force’s nightly counts of Russian drones launched at Ukraine, "
        f"{wording.format_window(nights.index.min(), nights.index.max())}"
        + night.replace(f"night ending {wording.format_window(last, last)}", f"night ending {last.day} {last:%b}"),
        claims,
        "no drone claim from the article in this selection",
    )
    return ClaimFigure("drone_context", wide, short, small, interactive.Records(claims, [series]), description=alt)


def _context_short(above: str, rows: pd.DataFrame, nothing: str) -> str:
    """A context chart's short alt text: the series above, then the article's leading claims below
    as the headlines name them (each claimant by side), and that none is verified, within ALT_MOST."""
    from warclaims.charts import headlines

    end = " Not independently verified."
    valued = rows[rows["value"].notna()] if len(rows) else rows
    for most in (2, 1):
        below = (
            headlines.claims_phrase(headlines.lead_claims(valued, most), by_side=True, when=False)
            if len(valued)
            else nothing
        )
        text = f"{above}; below, {below}.{end}"
        if len(text) <= ALT_MOST:
            return text
    return theme.shortened(f"{above}; below, {below}.", ALT_MOST - len(end)) + end


def _context_alt(above: str, claimant: str, rows: pd.DataFrame, nothing: str) -> str:
    """Alt text of a context chart: the series above, the article's claims below (or `nothing`), and
    who claims each, not verified."""
    below = _sentences(rows) if len(rows) else nothing
    also = f" and by {theme.claimants_phrase(rows)}" if len(rows) else ""
    return f"{above}; below it, as a separate panel, {below}. Claimed by {claimant}{also}; not independently verified."


def losses_context_figure(sel, losses, days: int = 14) -> ClaimFigure | NoClaims | None:
    """The General Staff's daily claimed Russian personnel losses around the article's casualty claims,
    above those claims in a panel of their own (None, so nothing is shown, when no dataset was given)."""
    from warclaims.external.general_staff import days_around

    if losses is None:
        return None
    first, last, series = days_around(sel.all_claims, losses.frame, days)
    if series["daily"].notna().sum() == 0:
        return NoClaims(
            "General Staff",
            f"no daily figures in the dataset for {wording.format_window(series.index.min(), series.index.max())}",
        )
    dataset = losses.dataset
    claimant = dataset.claimant if dataset is not None else "the Ukrainian General Staff"
    caption = (
        dataset.caption() if dataset is not None else f"daily statements by {claimant}, not independently verified"
    )
    wide, small = _wide_and_phone(
        plots.plot_losses_context, series, sel.claims, article=(first, last), claimant=claimant, caption=caption
    )
    casualty = sel.claims[sel.claims["family"].astype(str) == vocab.CASUALTIES]
    shown = series["daily"].dropna()
    alt = _context_alt(
        f"Bar chart of {claimant}’s daily claims of Russian personnel losses, each drawn over the 24 hours before "
        f"its statement, in statements dated {wording.format_window(series.index.min(), series.index.max())} "
        f"(median {shown.median():,.0f} a day)",
        claimant,
        casualty.head(4),
        "no casualty claim from the article in this selection",
    )
    daily = interactive.Series(
        "generalstaff",
        claimant[:1].upper() + claimant[1:],
        ("series:daily",),
        series[["daily"]],
        {"daily": "Russian personnel losses claimed for the 24 hours before the statement"},
        caption,
        order=list(series.index),
    )
    short = _context_short(
        f"{claimant[:1].upper() + claimant[1:]}’s daily claims of Russian personnel losses, in statements dated "
        f"{wording.format_window(series.index.min(), series.index.max())} (median {shown.median():,.0f} a day)",
        casualty,
        "no casualty claim from the article in this selection",
    )
    return ClaimFigure("losses_context", wide, short, small, interactive.Records(casualty, [daily]), description=alt)
