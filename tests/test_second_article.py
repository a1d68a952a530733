"""No article facts outside the data: a second, made-up article with its own claim table goes through
all four notebooks, and every page and chart speaks of that article and of nothing in the first."""

from __future__ import annotations

import html
import re

import pytest

from warclaims.reports.build import build

from conftest import EVERY_NOTEBOOK, ROOT, copy_project

ARTICLE = ROOT / "tests" / "fixtures" / "article2"
FIRST_ARTICLE = [
    "Kursk",
    "Putin",
    "Oryol",
    "Moscow",
    "1,400",
    "540",
    "August 2024",
    "national guard",
    "159",
    "Iskander",
]


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("second-article"), data_from=ARTICLE)
    (root / "reports.yaml").write_text(EVERY_NOTEBOOK)
    outcome = build(root, progress=False)
    assert outcome.failed == [] and len(outcome.built) == 5
    return root / "reports"


def words(path) -> str:
    text = re.sub(r"<style.*?</style>|<script.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_no_page_or_chart_says_a_word_of_the_first_article(second):
    outputs = [*second.glob("*.html"), *second.glob("figures/*.svg"), *second.glob("data/*.csv")]
    found = {p.name: [w for w in FIRST_ARTICLE if w in words(p)] for p in outputs}
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize(
    "page, expected",
    [
        (
            "territory--default.html",
            ["about 120 km²", "Ostrivna territory held by Ukrainian forces", "The Test Gazette"],
        ),
        ("territory--square-miles.html", ["about 46 sq mi"]),
        ("drone_interceptions--default.html", ["48", "the Ostrivna border district", "Russia’s defence ministry"]),
        ("casualties--default.html", ["at least 3", "civilians", "the regional governor"]),
        ("overview--default.html", ["Lisove", "5 claimed values"]),
    ],
)
def test_pages_speak_of_the_second_article(second, page, expected):
    text = words(second / page)
    for phrase in expected:
        assert phrase in text, phrase


def test_chart_titles_come_from_the_claims(second):
    svg = (second / "figures" / "territory--default--territory_km2.svg").read_text(encoding="utf-8")
    assert (
        "<title>Ostrivna territory held by Ukrainian forces (around the town of Lisove), as claimed (km²)</title>"
        in svg
    )
