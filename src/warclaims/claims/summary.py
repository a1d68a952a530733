"""Plain-text summaries of the claim table for the terminal."""

from __future__ import annotations

import pandas as pd

from warclaims.claims.checking import CheckedTable
from warclaims.claims.coverage import mentions
from warclaims.claims.vocabulary import EVENT
from warclaims.claims.wording import value_label


def one_line(checked: CheckedTable) -> str:
    """'ok: 10 claims (…) from 1 source; 17 numbers in the sources: …' for a checked, valid table."""
    ev = checked.frame("events")
    n_event = int(ev["metric"].eq(EVENT).sum())
    found = mentions(checked)
    claimed = sum(m.status == "claimed" for m in found)
    skipped = sum(m.status == "skipped" for m in found)
    sides = ", ".join(f"{s} {n}" for s, n in ev["claimant_side"].value_counts().sort_index().items())
    return (
        f"ok: {checked.shown_path('events')}: {len(ev)} rows ({len(ev) - n_event} claimed values, {n_event} dated events; "
        f"by side: {sides}) from {len(checked.frame('sources'))} source(s); numbers in the sources: {len(found)}, "
        f"{claimed} claimed, {skipped} skipped with a reason, 0 unaccounted"
    )


def claims_table(claims: pd.DataFrame) -> str:
    """The table as aligned text: window, claimant, metric, value with qualifier glyph."""

    def window(row) -> str:
        a, b = row.date_start.date(), row.date_end.date()
        return str(a) if a == b else f"{a}…{b}"

    lines = [f"{'when':<23} {'side':<8} {'claimant':<38} {'metric':<22} {'value':>10}"]
    for row in claims.sort_values(["date_start", "event_id"]).itertuples():
        lines.append(
            f"{window(row):<23} {row.claimant_side:<8} {row.claimant[:38]:<38} {row.metric:<22} "
            f"{value_label(row.value, row.qualifier, row.unit):>10}"
        )
    return "\n".join(lines)
