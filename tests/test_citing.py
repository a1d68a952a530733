"""How pages cite a source: what its file records, and plainly what it does not."""

from __future__ import annotations

import datetime

import pytest

from warclaims.claims import citing
from warclaims.claims.citing import cite, short_names

DAY = datetime.date(2025, 5, 21)


@pytest.mark.parametrize(
    ("headline", "outlet", "expected"),
    [
        ("Putin visits Kursk", "AP", ("“Putin visits Kursk”", ", AP, 21 May 2025")),
        ("Putin visits Kursk", None, ("“Putin visits Kursk”", ", 21 May 2025; outlet not recorded")),
        ("", "AP", ("AP", ", 21 May 2025; headline not recorded")),
        (None, "  ", ("article of 21 May 2025", "; headline and outlet not recorded")),
        ("Two\n  lines", "A\u00a0B", ("“Two lines”", ", A B, 21 May 2025")),
    ],
)
def test_a_citation_says_what_is_not_recorded_instead_of_filling_it_in(headline, outlet, expected):
    assert cite(headline, outlet, DAY) == expected


def test_sources_that_would_share_a_name_in_a_list_are_told_apart_by_their_id():
    names = short_names([(None, None, DAY, "a"), (None, None, DAY, "b"), ("H", None, DAY, "c"), (None, "AP", DAY, "d")])
    assert names == ["article of 21 May 2025 (a)", "article of 21 May 2025 (b)", "“H”, 21 May 2025", "AP, 21 May 2025"]


def test_a_cell_that_only_looks_filled_is_not_recorded():
    from warclaims.claims.citing import recorded

    assert [recorded(v) for v in ("\u200b", " \u2060 ", "\ufeff", None, float("nan"))] == [""] * 5
    assert recorded("  Two\n lines ") == "Two lines"
    assert cite("\u200b", "\u200b\u200b", DAY) == ("article of 21 May 2025", "; headline and outlet not recorded")


def test_the_index_cites_the_sources_as_the_pages_do(tmp_path):
    """The index reads sources.csv without pandas: padded header names, invisible cells and a cell
    longer than the csv module's default limit are read as the validator reads them."""
    from warclaims.reports.build import read_sources

    (tmp_path / "data").mkdir()
    rows = [
        "source_id, path ,sha256, published , headline ,description, outlet ,url",
        "a,seeds/a.txt,0,2025-05-21,\u200b,\u2060,\u200b,\u200b",
        f"b,seeds/b.txt,0,2025-05-22,{'H' * 200_000},,AP,https://example.org/b",
    ]
    (tmp_path / "data" / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    a, b = read_sources(tmp_path)
    assert (a["named"], a["rest"], a["url"], a["description"]) == (
        "article of 21 May 2025",
        "; headline and outlet not recorded",
        "",
        "",
    )
    assert (
        b["named"] == f"“{'H' * 200_000}”" and b["rest"] == ", AP, 22 May 2025" and b["url"] == "https://example.org/b"
    )


def test_a_description_is_labelled_a_summary_never_shown_as_a_headline_or_quote():
    assert citing.summary("Putin’s visit is the first") == "— summary: “Putin’s visit is the first”"
    assert citing.summary("  \u200b ") == "" and citing.summary(None) == ""


def test_an_old_title_column_is_told_how_to_move_or_that_it_is_left_over(project):
    from warclaims.claims.checking import validate

    from conftest import read_rows, write_rows

    path = project / "data" / "sources.csv"
    rows = read_rows(path)
    old = [{**{k: v for k, v in r.items() if k not in ("headline", "description")}, "title": "A title"} for r in rows]
    write_rows(path, old)
    [problem] = [str(p) for p in validate(root=project) if "'title'" in str(p)]
    assert "it is now two columns: headline" in problem
    write_rows(path, [{**r, "title": "A title"} for r in rows])  # the new columns and the old one
    [problem] = [str(p) for p in validate(root=project) if "'title'" in str(p)]
    assert "left over beside headline and description" in problem and "now two columns" not in problem
