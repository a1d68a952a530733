"""A build of a five-source table, read in a real browser (network blocked): every page lists its own
sources once, after its charts; the overview's claim table can be narrowed to one source with scripts
off; per_source builds a page per source holding only that source's claims."""

from __future__ import annotations

import csv

import pytest
from test_browser import open_page

from warclaims.reports.build import build

from conftest import EVERY_NOTEBOOK, copy_project
from madeup import write_table

REPORTS = EVERY_NOTEBOOK + "  - notebook: overview\n    per_source: true\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    table = write_table(tmp_path_factory.mktemp("table"), 5)
    root = copy_project(tmp_path_factory.mktemp("five-sources"), data_from=table)
    (root / "reports.yaml").write_text(REPORTS)
    outcome = build(root, progress=False)
    assert outcome.failed == [] and len(outcome.built) == 10
    return root / "reports"


def test_the_claim_table_filters_by_source_without_a_script(browser, published):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((published / "overview--default.html").as_uri(), wait_until="load")
    rows = page.locator("table.warclaims-table tbody tr")
    assert rows.count() == 30 and sum(rows.nth(i).is_visible() for i in range(30)) == 30
    page.get_by_label("article of 10 Aug 2025", exact=False).check()
    visible = [rows.nth(i).inner_text() for i in range(30) if rows.nth(i).is_visible()]
    assert len(visible) == 2 and all("article of 10 Aug 2025" in v for v in visible)
    page.get_by_label("every source", exact=False).check()
    assert sum(rows.nth(i).is_visible() for i in range(30)) == 30
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_lists_its_sources_once_after_its_charts(browser, published, screenshots, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    for html in sorted(published.glob("*.html")):
        if html.name == "index.html":
            continue
        page.goto(html.as_uri(), wait_until="load")
        heading = page.locator("h2", has_text="Source")
        assert heading.count() == 1, html.name
        listed = page.locator("h2:has-text('Source') + ul > li")
        csv_href = page.eval_on_selector("header a[href$='.csv']", "e => e.getAttribute('href')")
        with open(published / csv_href, encoding="utf-8", newline="") as f:
            sources = {r["source_id"] for r in csv.DictReader(f)}
        assert listed.count() == len(sources), html.name  # the page's own sources, not the table's
        charts_above = page.evaluate(
            "[...document.images].every(i => i.compareDocumentPosition(document.querySelector('h2#Source, h2#Sources') || document.body) & 4)"
        )
        assert charts_above, html.name
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{html.name} scrolls sideways at {width} px"
        page.screenshot(path=str(screenshots / f"five-sources-{html.stem}-{width}.png"), full_page=True)
    page.close()


def test_a_page_per_source_holds_only_its_claims(browser, published):
    pages = sorted(p.stem for p in published.glob("overview--2025-*.html"))
    assert len(pages) == 5
    page, _ = open_page(browser, (published / "overview--2025-08-10-dubrava.html").as_uri())
    csv_href = page.eval_on_selector("header a[href$='.csv']", "e => e.getAttribute('href')")
    with open(published / csv_href, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["source_id"] for r in rows} == {"2025-08-10-dubrava"} and len(rows) == 2
    assert "Showing from source 2025-08-10-dubrava" in page.inner_text("header")
