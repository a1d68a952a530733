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
    assert wording.markdown_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert wording.markdown_text("a *b* [c](d)") == "a \\*b\\* \\[c\\](d)"


def test_md_keeps_dollar_signs_literal():
    assert wording.markdown_text("Kremlin offers $5m and $9m") == "Kremlin offers \\$5m and \\$9m"


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_side_has_its_own_colour_readable_on_the_page():
    # WCAG 2.1 (1.4.11, non-text contrast): at least 3:1 against the white the charts are drawn on.
    colours = {side: theme.side_color(side) for side in ("russia", "ukraine", "other")}
    assert len(set(colours.values())) == 3
    for side, colour in colours.items():
        assert 1.05 / (_luminance(colour) + 0.05) >= 3, (side, colour)


def test_an_incidents_name_keeps_the_capitals_its_claims_write():
    # 'Shelling ostrivna / kalynove / stepove' on the 20-source casualty chart
    day = pd.Timestamp("2025-06-01")
    assert (
        wording.incident_label("shelling-kursk-2025-06-01", day, day, "the Kursk region")
        == "Shelling Kursk on 1 Jun 2025"
    )
    assert (
        wording.incident_label("missile-attack-2025-05-20", day, day, "Ukrainian servicemen")
        == "Missile attack on 1 Jun 2025"
    )
