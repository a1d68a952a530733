"""reports/index.html: every report with its title, its headline, and its chart (the context chart where
it has one), the status only where a build did not go well; the parameters stay in the notebooks.

Every piece of text is escaped; the page loads nothing from outside reports/.
"""

from __future__ import annotations

import html

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 1100px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.lede { color: #444; margin-top: 0; }
.reports { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; padding: 0; list-style: none; }
.report { border: 1px solid #d5d5d5; border-radius: 6px; padding: .8rem; background: #fff; }
.report h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
.report img { width: 100%; height: auto; border: 1px solid #eee; }
.headline { margin: 0 0 .5rem; color: #333; }
.sources { padding-left: 1.2rem; }
a { overflow-wrap: anywhere; }
@media (max-width: 480px) {
  body { padding: .6rem .7rem 2rem; font-size: 14px; }
  .reports { grid-template-columns: minmax(0, 1fr); }
}
.status { font-size: .8rem; font-weight: bold; padding: .05rem .4rem; border-radius: 3px; }
.status-ok { background: #e3f2e3; color: #1b5e20; }
.status-failed { background: #fde8e8; color: #b71c1c; }
.status-skipped { background: #eee; color: #555; }
.note { font-size: .85rem; color: #555; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _day(iso: object) -> str:
    """'2025-05-21' as the pages write a day, '21 May 2025' (anything else as it is)."""
    import datetime

    try:
        day = datetime.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%b %Y}"


def _label(figure: dict) -> str:
    """A figure's name in the downloads: its title, else its alt text's first sentence."""
    return figure.get("title") or figure.get("alt", "").split(". ")[0].rstrip(".") or "Chart"


def _card(report_id: str, entry: dict) -> str:
    status = entry.get("status", "ok")
    title = entry.get("title", report_id)
    figures = entry.get("figures") or []
    has_html = bool(entry.get("outputs", {}).get(f"{report_id}.html"))
    parts = [f'<li class="report" id="{_e(report_id)}">']
    heading = f'<a href="{_e(report_id)}.html">{_e(title)}</a>' if has_html else _e(title)
    parts.append(f"<h2>{heading}</h2>")
    if status != "ok":
        parts.append(f'<p><span class="status status-{_e(status)}">{_e(status)}</span></p>')
    if entry.get("headline") and has_html:
        parts.append(f'<p class="headline">{_e(entry["headline"])}</p>')
    if status == "failed":
        parts.append(f'<p class="note">This build failed: {_e(entry.get("error", ""))}. ')
        if entry.get("failed_html"):
            parts.append(f'<a href="{_e(entry["failed_html"])}">See the failing cell</a>. ')
        parts.append("The last good version is still shown below." if has_html else "There is no earlier good version.")
        parts.append("</p>")
    if status == "skipped":
        parts.append(f'<p class="note">Skipped: {_e(entry.get("reason", ""))}.</p>')
    if entry.get("data") and has_html:
        parts.append(f'<p class="note"><a href="{_e(entry["data"])}">The claims on this page (CSV)</a></p>')
    if figures and has_html:
        shown = next((f for f in figures if f.get("context")), figures[0])  # the context chart, where there is one
        parts.append(
            f'<a href="{_e(report_id)}.html"><img src="{_e(shown.get("thumb") or shown["png"])}" '
            f'alt="{_e(shown["alt"])}" loading="lazy"></a>'
        )
        parts.append(
            '<p class="note">Download: '
            + " · ".join(
                f'{_e(_label(f))} (<a href="{_e(f["png"])}">PNG</a>, <a href="{_e(f["svg"])}">SVG</a>)' for f in figures
            )
            + "</p>"
        )
    elif has_html:
        parts.append('<p class="note">No figure for this selection (no claims match).</p>')
    parts.append("</li>")
    return "\n".join(parts)


def sources_html(sources: list[dict], prefix: str = "") -> str:
    """The sources as a list: title, outlet and date, the title linked where there is an address."""
    items = []
    for src in sources:
        title = f"“{_e(src.get('title', ''))}”"
        if src.get("url"):
            title = f'<a href="{_e(src["url"])}">{title}</a>'
        outlet = _e(src["outlet"]) if src.get("outlet") else "outlet not recorded"
        items.append(f"<li>{title}, {outlet}, {_e(_day(src.get('published', '')))}</li>")
    return f'<ul class="sources">{"".join(items)}</ul>' if items else ""


def index_html(entries: dict[str, dict], sources: list[dict] | None = None, data_changed: str | None = None) -> bytes:
    cards = "\n".join(_card(report_id, entry) for report_id, entry in entries.items())
    failed = sum(e.get("status") == "failed" for e in entries.values())
    summary = f"{len(entries)} reports" + (f", {failed} failed" if failed else "")
    changed = f" (the claim table last changed on {_e(_day(data_changed))})" if data_changed else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>warclaims reports</title>
<style>{_CSS}</style>
</head>
<body>
<h1>warclaims reports</h1>
<p class="lede">Charts of what parties to the war claim, from the curated claim table. Every figure is a claim by
the party named on it, not independently verified. {summary}. These pages work offline: send the whole folder.</p>
<p class="note">Built from the claims read in these sources{changed}:</p>
{sources_html(sources or [])}
<ul class="reports">
{cards}
</ul>
</body>
</html>
"""
    return page.encode("utf-8")


def failure_page(report_id: str, error: str) -> bytes:
    """reports/failed/ID.html for a run that left no notebook to show (its kernel died, say)."""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report_id)}: failed</title>
<style>{_CSS}</style>
</head>
<body>
<p><a href="../index.html">← All reports</a></p>
<h1>{_e(report_id)} failed</h1>
<p class="note">This build could not run the report: {_e(error)}. The run left no notebook to show.
The last good version, if there is one, is still published.</p>
</body>
</html>
"""
    return page.encode("utf-8")
