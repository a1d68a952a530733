"""How a page cites a source: what the source file records, and says so where it records nothing.

Standard library only: the build's own process cites the sources on the index without loading pandas.
"""

from __future__ import annotations

import datetime
import re

# A cell that only looks filled: spaces and the zero-width and invisible characters people paste
# (the validator reads such a cell as empty too, `checking.blank_as_empty`).
BLANK = re.compile("[\\s\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u3000\u3164\ufeff]*")


def recorded(text: object) -> str:
    """A cell's text on one line, or "" when it is not text or only looks filled (`BLANK`)."""
    if not isinstance(text, str) or BLANK.fullmatch(text):
        return ""
    return " ".join(text.split())


def cite(headline: object, outlet: object, published: datetime.date) -> tuple[str, str]:
    """A source in two parts: what a link to it reads ('“Headline”', the outlet, or 'article of
    21 May 2025'), and the rest (', Outlet, 21 May 2025', '; headline and outlet not recorded'),
    which starts with its own separator. What is not recorded is said, not filled in: a standfirst
    is not a headline, and a missing outlet is not guessed. `published`: a date, datetime or Timestamp."""
    day = f"{published.day} {published:%b %Y}"
    headline, outlet = recorded(headline), recorded(outlet)
    if headline and outlet:
        return f"“{headline}”", f", {outlet}, {day}"
    if headline:
        return f"“{headline}”", f", {day}; outlet not recorded"
    if outlet:
        return outlet, f", {day}; headline not recorded"
    return f"article of {day}", "; headline and outlet not recorded"


def summary(description: object) -> str:
    """What a source list adds after a source's citation: its description (a standfirst or summary),
    said to be one, so it never reads as a headline or a quote from the text; "" when none."""
    text = recorded(description)
    return f"— summary: “{text}”" if text else ""


def short_names(sources: list[tuple[object, object, datetime.date, str]]) -> list[str]:
    """What a list that picks among sources calls each (headline, outlet, published, source_id):
    '“Headline”, 21 May 2025', 'Outlet, 21 May 2025' or 'article of 21 May 2025', with the source's
    id after any name that two sources would share."""
    names = []
    for headline, outlet, published, _ in sources:
        named, _rest = cite(headline, outlet, published)
        names.append(named if named.startswith("article of ") else f"{named}, {published.day} {published:%b %Y}")
    return [f"{n} ({sid})" if names.count(n) > 1 else n for n, (*_, sid) in zip(names, sources, strict=True)]
