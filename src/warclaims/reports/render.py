"""One report, start to finish, inside a build worker: execute with papermill, normalize,
render HTML with nbconvert, and pull out the figures. Returns bytes; writes nothing.

Normalizing makes two runs byte-identical: papermill's times and durations and the injected
cell's random id are removed or fixed (nbclient is told not to record its per-cell times), and
the machine's absolute paths in outputs become repository-relative.
"""

from __future__ import annotations

import base64
import os
import re
from functools import lru_cache
from pathlib import Path

# Imported at module level so the build's forkserver (reports.warm) loads them once for all workers.
import nbformat
import papermill as pm
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from warclaims.charts import CLAIMS_CSV_ENV, FIGURE_MIME, NARROW_MIME, TABLE_MIME
from warclaims.paths import CACHE_ENV, build_cache
from warclaims.reports import kernels, processes
from warclaims.reports.digests import claims_csv_name, csv_name
from warclaims.reports.reportlist import first_heading

TEMPLATES = Path(__file__).parent / "templates"


def compact(text: str) -> str:
    """The page's own script or style without its comments and indentation (they are for the people
    reading the source, in the repository): about 2 KB less on every page. Only for the project's
    own files, which keep comments on lines of their own or in /* */ and never inside a string."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


@lru_cache(maxsize=2)
def _exporter(show_code: bool):
    # Code's colours (5 KB a page) only where a page shows code: a failed run's cell.
    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": show_code}})
    exporter = HTMLExporter(config=config, template_name="warclaims", extra_template_basedirs=[str(TEMPLATES)])
    exporter.register_filter("compact", compact)
    # Cells tagged "instructions" speak to people running the notebook; readers of the HTML never see them.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"instructions"}), enabled=True)
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    # nbconvert's sanitize_html would escape the notebooks' own Markdown; text from the claim table
    # is escaped where it enters the outputs instead (wording.markdown_text, DataFrame.to_html(escape=True)).
    return exporter


# A machine path is replaced only where it stands whole: not continuing a path, a URL or a word
# before it (BEFORE), and followed by a separator or the path's end (AFTER). So a root of /app
# leaves https://example.org/app/ and /application alone.
BEFORE = r"(?<![\w.~+\-%/<])"  # "<" too: "</td>" is a closing tag, not the home folder /td
AFTER = r"(?![\w~+\-%]|\.[\w~+\-%/])"  # a dot ends a sentence, or begins a name (/app.bak)
# The outputs whose text can hold a path; images, and the figures' own MIME type, are never touched.
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def machine_paths(root: Path):
    """A function that replaces the build machine's paths in a text (the repository root with ".",
    the home folder with "~"), where each stands as a path: not continuing a path or a word before
    it, and followed by a separator or the path's end."""
    found = []
    for path, replacement in ((str(root), "."), (os.path.expanduser("~"), "~")):
        path = path.rstrip("/")
        if path and path not in (".", "~") and path.startswith("/"):
            found.append((path, replacement))
    if not found:
        return lambda text: text
    found.sort(key=lambda pr: -len(pr[0]))  # the root inside the home folder is replaced as the root
    replacements = dict(found)
    pattern = re.compile(BEFORE + "(" + "|".join(re.escape(p) for p, _ in found) + ")" + AFTER)
    return lambda text: pattern.sub(lambda m: replacements[m.group(1)], text)


def scrub_notebook(nb, root: Path) -> None:
    """Replace the machine's paths in place (`machine_paths`) wherever a notebook can hold them as
    text: cell sources (the injected parameters), text outputs, errors, tracebacks and metadata.
    Image data is never touched: a plain replace over the whole file corrupted every PNG whose
    base64 happened to hold a short root such as /Q."""
    scrub = machine_paths(root)
    nb.metadata = _scrubbed(nb.metadata, scrub)
    for cell in nb.cells:
        cell.source = _scrubbed(cell.source, scrub)
        for output in cell.get("outputs", []):
            for key in ("text", "evalue", "traceback"):
                if key in output:
                    output[key] = _scrubbed(output[key], scrub)
            data = output.get("data", {})
            for mime in TEXT_MIMES:
                if mime in data:
                    data[mime] = _scrubbed(data[mime], scrub)


def _scrubbed(value, scrub):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrubbed(v, scrub) for v in value]
    if isinstance(value, dict):
        return type(value)({k: _scrubbed(v, scrub) for k, v in value.items()})
    return value


def normalize(nb, root: Path, report_id: str) -> None:
    """Strip run-specific metadata in place so identical inputs give identical bytes."""
    pm = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {
        "parameters": pm.get("parameters", {}),
        "input_path": Path(pm.get("input_path", "")).relative_to(root).as_posix()
        if str(pm.get("input_path", "")).startswith(str(root))
        else pm.get("input_path", ""),
        "output_path": f"reports/notebooks/{report_id}.ipynb",
        "version": pm.get("version"),
        "exception": pm.get("exception"),
    }
    for cell in nb.cells:
        papermill = cell.metadata.pop("papermill", None)
        if papermill and papermill.get("exception"):
            cell.metadata["papermill"] = {"exception": True, "status": papermill.get("status")}
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"


def drop_stderr(nb) -> int:
    """Remove what cells wrote to stderr (warnings, library chatter) from `nb`; returns how many outputs."""
    dropped = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            kept = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
            dropped += len(cell.outputs) - len(kept)
            cell.outputs = kept
    return dropped


def take_claims_csv(nb) -> None:
    """Leave the output where the notebook handed over its claims (figures.ClaimsCSV) off the page."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if TABLE_MIME not in o.get("data", {})]


def _title(nb) -> str:
    return first_heading(cell.source for cell in nb.cells if cell.cell_type == "markdown") or "Report"


def headline_of(nb) -> tuple[str, str]:
    """The page's headline and dek as plain text (for the index): the first Markdown output that
    opens with an H1, as `prose.headline` writes it; ("", "") when a page has none."""
    import html as html_module

    def plain(text: str) -> str:
        return html_module.unescape(re.sub(r"\\(.)", r"\1", text)).strip()

    for cell in nb.cells:
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/markdown", "")
            if isinstance(text, str) and text.startswith("# "):
                head, _, rest = text[2:].partition("\n\n")
                dek = rest.split("\n\n")[0] if rest and not rest.startswith("<") else ""
                return plain(head), plain(dek)
    return "", ""


def kicker(nb, title: str) -> None:
    """The notebook's own title (its first Markdown H1, the report's name in the nav and index)
    becomes the page's kicker, a line above the headline: the page's one H1 is the headline the
    first cell computes from the data (`prose.headline`)."""
    import html as html_module

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            head, sep, rest = cell.source.partition("\n")
            if head.startswith("# "):
                cell.source = f'<p class="wc-kicker">{html_module.escape(title)}</p>' + (sep + rest if rest else "")
            return


def _figures(nb):
    """(output data, its figure payload) for every chart the notebook's outputs hold, in page order."""
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if isinstance(data.get(FIGURE_MIME), dict):
                yield data, data[FIGURE_MIME]


def figures_of(nb) -> list[dict]:
    out = []
    for data, drawn in _figures(nb):
        if "image/png" in data:
            out.append(
                {
                    "name": drawn["name"],
                    "alt": drawn["alt"],
                    "title": drawn.get("title", drawn["name"]),
                    "context": bool(drawn.get("series")) or bool(drawn.get("tiles")),
                    "thumb": _thumbnail(drawn.get("page_png") or data["image/png"]),
                    "svg": drawn["svg"].encode("utf-8"),
                    "png": base64.b64decode(data["image/png"]),
                    "csv": {d["href"]: d["text"].encode("utf-8") for d in drawn.get("downloads", []) if "text" in d},
                }
            )
    return out


def page_images(nb) -> None:
    """Give each figure its page images: the PNGs (wide and a phone's) again as lossless WebP, which
    every browser a reader has shows and which is about 40 % smaller for a chart (the overview's
    timeline: 117 KB to 69 KB). The page carries both drawings, so a phone downloads both; the
    downloads and the notebook keep the PNGs."""
    for data, fig in _figures(nb):
        if "image/png" not in data:
            continue
        for tile in fig.get("tiles", []):
            tile["page"] = _webp(tile.pop("png"))
        fig["page_png"] = _webp(fig.pop("page_wide", None) or data["image/png"]) if "tiles" not in fig else ""
        if data.get(NARROW_MIME):
            fig["page_narrow"] = _webp(data[NARROW_MIME])


def page_marks(nb) -> None:
    """Write each figure's series days compactly for its page: a series' day is a column over the
    picture whose card is that day's row of the chart's table, so the page carries, per drawing and
    series, one list of "row x y w h" (the page's script makes the buttons and fills one card from
    the row) instead of a button and a card per day, which was 1 MB of a page over the whole
    DeepState archive. Claims and maps keep a button and a card each."""
    for _, fig in _figures(nb):
        if "marks" in fig:
            _page_marks(fig)


def _page_marks(fig: dict) -> None:
    prefixes = set(fig.get("series", {}))
    row: dict[str, int] = {}
    for prefix in sorted(prefixes):
        days = [key for key in fig.get("cards", {}) if key.partition(":")[0] == prefix]
        row.update({key: n for n, key in enumerate(days)})
    fig["days"] = {}
    for drawing, marks in fig["marks"].items():
        series: dict[str, list[str]] = {}
        for mark in marks:
            prefix = mark["key"].partition(":")[0]
            if prefix in prefixes and mark["key"] in row:
                series.setdefault(prefix, []).append(
                    " ".join(f"{v:g}" for v in (row[mark["key"]], mark["x"], mark["y"], mark["w"], mark["h"]))
                )
        fig["days"][drawing] = {prefix: ";".join(areas) for prefix, areas in series.items()}
        fig["marks"][drawing] = [m for m in marks if m["key"].partition(":")[0] not in prefixes]


THUMB_WIDTH = 660  # pixels: the index shows a chart about 330 CSS px wide, sharp at twice that


def _thumbnail(picture_base64: str) -> bytes:
    """The index's small picture of a chart: the page's picture (no caption) at the index's width,
    as WebP at quality 80 (a preview, 20-40 KB, where the full PNG was up to 120 KB)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(picture_base64))) as image:
        small = image.convert("RGB")
        if small.width > THUMB_WIDTH:
            small = small.resize(
                (THUMB_WIDTH, round(small.height * THUMB_WIDTH / small.width)), Image.Resampling.LANCZOS
            )
        out = io.BytesIO()
        small.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def _webp(png_base64: str) -> str:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(png_base64))) as image:
        out = io.BytesIO()
        image.save(out, format="WEBP", lossless=True, quality=100, method=2)  # deterministic, as the tests check
    return base64.b64encode(out.getvalue()).decode("ascii")


def add_downloads(nb, report_id: str) -> None:
    """Give each figure its downloads, in the order the page lists them: its data as CSV (the claims
    it draws with their quotes and sources; each series with its citation), its PNG and its SVG."""
    names: dict[str, int] = {}
    for _, fig in _figures(nb):
        # Two charts of one name on a page (a notebook drawing the same chart twice) get their own:
        # the second is NAME-2, so its cards, ids and files never take the first's.
        seen = names.get(fig["name"], 0)
        names[fig["name"]] = seen + 1
        if seen:
            fig["name"] = f"{fig['name']}-{seen + 1}"
        _add_downloads(fig, report_id)


def _add_downloads(fig: dict, report_id: str) -> None:
    """One drawing's downloads (see `add_downloads`); its CSV texts move into them."""
    downloads = []
    for kind, text in fig.get("csv", {}).items():
        label = "The claims it draws" if kind == "claims" else fig.get("series", {}).get(kind, kind)
        href = csv_name("drawn-claims" if kind == "claims" else f"series-{kind}", text.encode("utf-8"))
        downloads.append({"label": f"{label} (CSV)", "href": href, "text": text})
    stem = f"figures/{report_id}--{fig['name']}"
    downloads += [
        {"label": "The chart (PNG)", "href": f"{stem}.png"},
        {"label": "The chart (SVG)", "href": f"{stem}.svg"},
    ]
    fig["downloads"] = downloads
    fig.pop("csv", None)


def undecodable(figures: list[dict]) -> str:
    """What is wrong with the first figure whose PNG does not decode as an image or whose SVG is not
    XML ("" when every one does): a page is published only with images a browser can show."""
    import io
    from xml.etree import ElementTree

    from PIL import Image

    for fig in figures:
        try:
            with Image.open(io.BytesIO(fig["png"])) as image:
                image.load()
        except Exception as exc:  # PIL raises many kinds for a broken file
            return f"figure {fig['name']}: its PNG does not decode ({type(exc).__name__}); not published"
        try:
            ElementTree.fromstring(fig["svg"])
        except ElementTree.ParseError as exc:
            return f"figure {fig['name']}: its SVG is not well-formed XML ({exc}); not published"
    return ""


def dataset_metadata(title: str, data_csv: bytes, href: str) -> dict:
    """schema.org Dataset metadata (JSON-LD) for the claims a page shows: what they are, who made
    the table, its licence, the CSV and the days the claims cover."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(data_csv.decode("utf-8"))))
    days = sorted(d for r in rows for d in (r.get("date_start"), r.get("date_end")) if d)
    claimants = sorted({r["claimant"] for r in rows if r.get("claimant")})
    meta = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{title}: the claims",
        "description": (
            f"{len(rows):,} claim{'s' * (len(rows) != 1)} from war reporting, each recorded as a claim by a party "
            f"(by {', '.join(claimants[:8])}{', …' if len(claimants) > 8 else ''}), with its qualifier, date window and "
            "verbatim quote; not independently verified."
        ),
        "creator": {"@type": "Organization", "name": "the warclaims contributors"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": href}],
    }
    if days:
        meta["temporalCoverage"] = f"{days[0]}/{days[-1]}"
    return meta


def run_report(job: dict) -> dict:
    """Execute and render one report. job: id, notebook, parameters, root, timeout, show_code, title."""
    import time

    started = time.time()
    root = Path(job["root"])
    # The kernel's environment is the build's (a worker's own was copied when the forkserver started).
    if job.get("environment") is not None:
        os.environ.clear()
        os.environ.update(job["environment"])
    # The kernel inherits these: it reads this project's table, and reuses the build's validation.
    os.environ["WARCLAIMS_ROOT"] = str(root)
    os.environ[CACHE_ENV] = str(build_cache(root))
    status, error = "ok", ""
    # In the build's temporary folder, which the build removes when it stops, whenever that is.
    # A worker stopped meanwhile removes it too (the kernel is ended first; nothing writes there then).
    with processes.folder(prefix="r", dir=job.get("scratch")) as tmp:
        executed = Path(tmp) / "executed.ipynb"
        claims_csv = Path(tmp) / "claims.csv"
        os.environ[CLAIMS_CSV_ENV] = str(claims_csv)  # where the notebook's ClaimsCSV writes the page's claims
        try:
            pm.execute_notebook(
                str(root / job["notebook"]),
                str(executed),
                parameters=job["parameters"],
                kernel_name="python3",
                cwd=str(root),
                progress_bar=False,
                log_output=False,
                execution_timeout=job["timeout"],
                # After a cell's reply its outputs may still be arriving (a chart of 100,000 claims
                # sends megabytes while the other reports keep the cores busy): nbclient's default
                # 4 s failed such a report with a CellTimeoutError. The cell's own timeout bounds both.
                iopub_timeout=job["timeout"],
                # Saved once at the end (also after a failure), not after every cell: the
                # per-cell save re-validates and rewrites the notebook, CPU the other kernel needs.
                request_save_on_cell_execute=False,
                record_timing=False,  # nbclient's per-cell times: never written, so nothing to strip
                kernel_manager_class=kernels.ForkedKernelManager,
                # The kernel's connection file, sockets and stderr go in the report's own folder
                # (no other process uses it); it is forked from the build's zygote when there is one.
                config=kernels.config(tmp, job.get("zygote")),
                # The outputs are complete once the last cell replies; a polite shutdown only waits.
                shutdown_kernel="immediate",
            )
        except pm.PapermillExecutionError as exc:
            status, error = (
                "failed",
                f"cell {exc.exec_count}: {exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}",
            )
        except Exception as exc:  # a kernel that died or timed out: still a failed report, not a failed build
            status, error = "failed", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            if "Kernel died" in error and (said := kernels.why_it_died(tmp)):
                error = f"{error} (the kernel's last error: {said})"
        cold = kernels.started_cold(tmp)
        if not executed.exists():
            return {
                "id": job["id"],
                "status": "failed",
                "error": machine_paths(root)(error),
                "notebook": None,
                "html": None,
                "figures": [],
                "title": job["id"],
            }
        nb = nbformat.read(executed, as_version=4)
        data_csv = claims_csv.read_bytes() if claims_csv.is_file() else None
    normalize(nb, root, job["id"])
    error = machine_paths(root)(error)
    title = _title(nb)
    if job.get("filter"):  # a filtered report says its filter in its title: two cards never read the same
        title = f"{title}: {job['filter']}"
    nb.metadata["title"] = title
    up = "../" if status == "failed" else ""
    nb.metadata["warclaims"] = {
        "id": job["id"],
        "parameters": job["parameters"],
        "filter": job.get("filter", ""),
        "status": status,
        "error": error,
        "index_href": f"{up}index.html",
        "nav": [{**n, "href": f"{up}{n['id']}.html", "current": n["id"] == job["id"]} for n in job.get("nav", [])],
    }
    scrub_notebook(nb, root)
    text = nbformat.writes(nb) + "\n"
    nb = nbformat.reads(text, as_version=4)
    warnings = 0
    if status == "ok":  # reader pages carry no warnings; the executed notebook keeps them for developers
        warnings = drop_stderr(nb)
    take_claims_csv(nb)
    kicker(nb, title)
    if data_csv is not None and status == "ok":
        nb.metadata["warclaims"]["data_href"] = claims_csv_name(data_csv)
        nb.metadata["warclaims"]["dataset"] = dataset_metadata(title, data_csv, claims_csv_name(data_csv))
    if status == "ok":
        add_downloads(nb, job["id"])
        page_images(nb)
        page_marks(nb)
    figures = figures_of(nb) if status == "ok" else []
    headline, dek = headline_of(nb) if status == "ok" else ("", "")
    broken = undecodable(figures)
    if broken:  # never published: the report fails, and its last good page stays
        status, error = "failed", broken
        nb.metadata["warclaims"].update(status=status, error=error)
        figures = []
    html, _ = _exporter(job["show_code"] or status == "failed").from_notebook_node(nb)
    return {
        "id": job["id"],
        "status": status,
        "error": error,
        "warnings": warnings,
        "title": title,
        "headline": headline,
        "dek": dek,
        "notebook": text.encode("utf-8"),
        "html": html.encode("utf-8"),
        "figures": figures,
        "data_csv": data_csv if status == "ok" else None,
        "started_cold": cold,
        "started": started,
        "seconds": time.time() - started,
    }


def warm() -> None:
    """Compile the HTML template once (the build's forkserver does, so its workers need not)."""
    _exporter(False).from_notebook_node(nbformat.v4.new_notebook())
