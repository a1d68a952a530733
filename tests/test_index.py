"""The index page and the failure page on their own, read back as HTML: what each kind of report
entry shows, and every value given as text (the browser tests open the built pages)."""

from __future__ import annotations

from html.parser import HTMLParser

from warclaims.reports.index import failure_page, index_html

from conftest import ROOT

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


class Page(HTMLParser):
    """Elements (tag, attributes) in order, the page's text, and the text of each <li class="report">."""

    def __init__(self, html: bytes):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.cards: dict[str, str] = {}
        self._card: str | None = None
        self.text = ""
        self.feed(html.decode("utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "li" and attrs.get("class") == "report":
            self._card = attrs["id"]
            self.cards[self._card] = ""

    def handle_endtag(self, tag):
        if tag == "li":  # a card holds no list of its own
            self._card = None

    def handle_data(self, data):
        self.text += data
        if self._card:
            self.cards[self._card] += data

    def all(self, tag: str) -> list[dict]:
        return [attrs for t, attrs in self.elements if t == tag]


def figure(n: int, **more) -> dict:
    return {"png": f"figures/{n}.png", "svg": f"figures/{n}.svg", "alt": f"Chart {n}. Longer words.", **more}


ENTRIES = {
    "overview--default": {
        "status": "ok",
        "title": "Overview " + MARKUP,
        "headline": "Russia claims 159 " + MARKUP,
        "outputs": {"overview--default.html": "d"},
        "data": "data/overview.csv",
        "figures": [figure(1, title=""), figure(2, title="With context", context=True, thumb="figures/2.webp")],
    },
    "casualties--default": {
        "status": "failed",
        "title": "Casualties",
        "error": "cell 3: ValueError " + MARKUP,
        "failed_html": "failed/casualties--default.html",
        "outputs": {"casualties--default.html": "d"},
    },
    "territory--default": {"status": "failed", "title": "Territory", "error": "Kernel died", "outputs": {}},
    "drone_interceptions--air-force-context": {
        "status": "skipped",
        "title": "Drones with the Air Force",
        "reason": "needs data/external/attacks/missile_attacks_daily.csv (not present)",
        "needs": "Massive Missile Attacks on Ukraine",
        "outputs": {},
    },
    "overview--empty": {"status": "ok", "title": "Nothing", "outputs": {"overview--empty.html": "d"}, "figures": []},
}
SOURCES = [
    {
        "named": "“Putin visits Kursk " + MARKUP + "”",
        "rest": ", AP, 21 May 2025",
        "url": "https://example.org/a?b=1&c=2",
    },
    {"named": "article of 22 May 2025", "rest": "; headline and outlet not recorded", "description": "A standfirst"},
]


def test_every_value_is_text_and_nothing_is_loaded_or_run():
    page = Page(index_html(ENTRIES, SOURCES, "2025-05-21"))
    assert page.all("script") == [] and all(img["src"].startswith("figures/") for img in page.all("img"))
    assert MARKUP in page.cards["overview--default"]  # the title and headline, as the characters they are
    assert MARKUP in page.cards["casualties--default"]
    assert not any("onerror" in attrs for _, attrs in page.elements)


def test_a_good_report_links_its_page_chart_data_and_downloads():
    page = Page(index_html(ENTRIES, SOURCES))
    hrefs = [a.get("href") for a in page.all("a")]
    assert hrefs.count("overview--default.html") == 2  # its title and its chart
    assert "data/overview.csv" in hrefs
    [thumb, *_] = page.all("img")
    assert thumb["src"] == "figures/2.webp" and thumb["alt"].startswith("Chart 2")  # the context chart's thumbnail
    card = page.cards["overview--default"]
    assert "Download: Chart 1 (PNG, SVG) · With context (PNG, SVG)" in card
    assert "figures/1.svg" in hrefs and "figures/2.png" in hrefs


def test_a_failed_report_says_why_and_what_is_still_shown():
    page = Page(index_html(ENTRIES))
    kept = page.cards["casualties--default"]
    assert "failed" in kept and "See the failing cell" in kept and "The last good version is still shown below." in kept
    assert "failed/casualties--default.html" in [a.get("href") for a in page.all("a")]
    lost = page.cards["territory--default"]
    assert "This build failed: Kernel died." in lost and "There is no earlier good version." in lost
    assert "territory--default.html" not in [a.get("href") for a in page.all("a")]  # nothing to link to


def test_a_skipped_report_says_what_it_needs_and_an_empty_one_says_so():
    page = Page(index_html(ENTRIES))
    skipped = page.cards["drone_interceptions--air-force-context"]
    assert "Not built here: it needs Massive Missile Attacks on Ukraine." in skipped
    assert "data/external" not in page.text  # the path is the operator's (the build's stderr), not a reader's
    assert "No figure for this selection (no claims match)." in page.cards["overview--empty"]


def test_the_sources_and_the_count_of_reports():
    page = Page(index_html(ENTRIES, SOURCES, "2025-05-21"))
    assert "https://example.org/a?b=1&c=2" in [a.get("href") for a in page.all("a")]
    assert "5 reports, 2 failed" in page.text
    assert "(the claim table last changed on 21 May 2025)" in page.text
    assert f"“Putin visits Kursk {MARKUP}”, AP, 21 May 2025" in page.text
    assert "article of 22 May 2025; headline and outlet not recorded — summary: “A standfirst”" in page.text
    assert not any(attrs.get("class") == "sources" for attrs in Page(index_html(ENTRIES, [])).all("ul"))


def test_a_failure_page_names_the_report_and_its_error_as_text():
    page = Page(failure_page("casualties--" + MARKUP, "Kernel died " + MARKUP))
    assert page.all("script") == [] and page.all("img") == []
    assert [a["href"] for a in page.all("a")] == ["../index.html"]


def test_a_skipped_reports_needs_are_the_datasets_titles_never_paths():
    from warclaims.reports.build import _declared, _needed_words

    declared = _declared(ROOT)
    assert _needed_words(declared, ["data/external/deepstate/geojsons"]) == "DeepState UA map snapshots"
    both = ["data/external/attacks/missile_attacks_daily.csv", "data/external/attacks/missiles_and_uavs.csv"]
    assert _needed_words(declared, both) == "Massive Missile Attacks on Ukraine"  # one dataset, named once
    assert _needed_words(declared, ["elsewhere/x.csv"]) == "a dataset this copy of the project does not have"
