from __future__ import annotations

import pytest

from warclaims.claims.numberwords import find_numbers, line_col, mentions_value


@pytest.mark.parametrize(
    "text, value",
    [
        ("nearly 1,400 square kilometres", 1400),
        ("nearly 1400 square kilometres", 1400),
        ("at least six servicemen", 6),
        ("Six were killed", 6),
        ("one hundred and fifty-nine drones", 159),
        ("twenty-one drones", 21),
        ("2.5 hours", 2.5),
        ("two thousand troops", 2000),
    ],
)
def test_mentions_value(text, value):
    assert mentions_value(text, value)


@pytest.mark.parametrize(
    "text, value", [("1,400 km", 140), ("159 drones", 15), ("someone", 1), ("2025-05-21", 2025), ("x12", 12)]
)
def test_does_not_mention(text, value):
    assert not mentions_value(text, value)


def test_find_numbers_reports_positions_and_dates_as_one_token():
    text = "date 2025-05-21\nat least six and 10 others"
    found = [(n.text, line_col(text, n.start)) for n in find_numbers(text)]
    assert found == [("2025-05-21", (1, 6)), ("six", (2, 10)), ("10", (2, 18))]


def test_words_inside_other_words_are_not_numbers():
    assert find_numbers("someone often tone weighty") == []
