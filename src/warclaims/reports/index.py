"""reports/index.html: every report with its title, its headline, and its chart (the context chart where
it has one), the status only where a build did not go well; the parameters stay in the notebooks.

Every piece of text is escaped; the page loads nothing from outside reports/.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


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


@lru_cache(maxsize=1)
def _template():
    """templates/pages/page.html.j2, autoescaped: every value it is given is text."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "pages"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    from warclaims.claims.citing import summary

    env.filters.update(day=_day, label=_label, summary=summary)
    return env.get_template("page.html.j2")


def _card(report_id: str, entry: dict) -> dict:
    """What the template needs of one report's entry in the manifest."""
    figures = entry.get("figures") or []
    return {
        **entry,
        "title": entry.get("title", report_id),
        "has_html": bool(entry.get("outputs", {}).get(f"{report_id}.html")),
        "figures": figures,
        # the context chart, where there is one
        "shown": next((f for f in figures if f.get("context")), figures[0]) if figures else None,
    }


def index_html(entries: dict[str, dict], sources: list[dict] | None = None, data_changed: str | None = None) -> bytes:
    failed = sum(e.get("status") == "failed" for e in entries.values())
    return (
        _template()
        .render(
            page="index",
            entries=[(report_id, _card(report_id, entry)) for report_id, entry in entries.items()],
            sources=sources or [],
            summary=f"{len(entries)} reports" + (f", {failed} failed" if failed else ""),
            data_changed=data_changed,
        )
        .encode("utf-8")
    )


def failure_page(report_id: str, error: str) -> bytes:
    """reports/failed/ID.html for a run that left no notebook to show (its kernel died, say)."""
    return _template().render(page="failed", report_id=report_id, error=error).encode("utf-8")
