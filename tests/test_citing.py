"""How pages cite a source: what its file records, and plainly what it does not."""

from __future__ import annotations

import datetime

import pytest

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
