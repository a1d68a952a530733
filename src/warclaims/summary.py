"""Plain-text summaries of the claim table for the terminal."""

from __future__ import annotations

import pandas as pd



def one_line(checked) -> str:
    """'ok: 10 claims (…) from 1 source; 17 numbers in the sources: …' for a checked table."""
    from warclaims.coverage import number_mentions

    t = checked.tables
    ev = t["events"].frame
    n_event = int(ev["metric"].eq("event").sum())
    paths = dict(zip(t["sources"].frame["source_id"], t["sources"].frame["path"]))
    mentions = number_mentions(ev, t["skipped"].frame, checked.texts, paths)
    claimed = sum(m.status == "claimed" for m in mentions)
    skipped = sum(m.status == "skipped" for m in mentions)
    sides = ", ".join(f"{s} {n}" for s, n in ev["claimant_side"].value_counts().sort_index().items())
    return (f"ok: {t['events'].path}: {len(ev)} rows ({len(ev) - n_event} claimed values, {n_event} dated events; by side: {sides}) "
            f"from {len(t['sources'].frame)} source(s); numbers in the sources: {len(mentions)}, "
            f"{claimed} claimed, {skipped} skipped with a reason, 0 unaccounted")


def claims_table(claims: pd.DataFrame) -> str:
    """The table as aligned text: window, claimant, metric, value with qualifier glyph."""
    from warclaims.style import value_label

    def window(row) -> str:
        a, b = row.date_start.date(), row.date_end.date()
        return str(a) if a == b else f"{a}…{b}"

    lines = [f"{'when':<23} {'side':<8} {'claimant':<38} {'metric':<22} {'value':>10}"]
    for row in claims.sort_values(["date_start", "event_id"]).itertuples():
        lines.append(f"{window(row):<23} {row.claimant_side:<8} {row.claimant[:38]:<38} {row.metric:<22} "
                     f"{value_label(row.value, row.qualifier, row.unit):>10}")
    return "\n".join(lines)
