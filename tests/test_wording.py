from __future__ import annotations

import pandas as pd
import pytest

from warclaims.charts import theme
from warclaims.claims import wording


@pytest.mark.parametrize(
    "start, end, text",
    [
        ("2025-05-20", "2025-05-20", "20 May 2025"),
        ("2025-05-20", "2025-05-21", "20–21 May 2025"),
        ("2024-08-01", "2024-08-31", "Aug 2024"),
        ("2025-04-21", "2025-05-02", "21 Apr – 2 May 2025"),
        ("2024-08-01", "2025-04-30", "1 Aug 2024 – 30 Apr 2025"),
    ],
)
def test_format_window(start, end, text):
    assert wording.format_window(pd.Timestamp(start), pd.Timestamp(end)) == text


@pytest.mark.parametrize(
    "value, qualifier, unit, text",
    [
        (6, "at_least", None, "≥6"),
        (1400, "approximately", "km2", "~1,400 km²"),
        (159, "exact", None, "159"),
        (3, "at_most", None, "≤3"),
        (13.25, "exact", None, "13.2"),
        (540.54, "approximately", "mi2", "~541 sq mi"),
    ],
)
def test_value_label_never_hides_the_qualifier(value, qualifier, unit, text):
    assert wording.value_label(value, qualifier, unit) == text


def test_md_escapes_markup():
    assert wording.md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert wording.md("a *b* [c](d)") == "a \\*b\\* \\[c\\](d)"


def test_md_keeps_dollar_signs_literal():
    assert wording.md("Kremlin offers $5m and $9m") == "Kremlin offers \\$5m and \\$9m"


def test_palette_is_one_colour_per_side():
    assert len(set(theme.SIDE_COLORS.values())) == len(theme.SIDE_COLORS) == 3
