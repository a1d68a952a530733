"""The terminal summaries (`warclaims validate`, `warclaims summary`) read from the table they
describe: counts that follow the rows, one aligned line per claim in date order."""

from __future__ import annotations

import warclaims
from warclaims.claims.checking import check_all
from warclaims.claims.summary import claims_table, one_line

from conftest import edit_row, read_rows


def test_the_one_line_counts_what_the_table_holds(project):
    rows = read_rows(project / "data" / "events.csv")
    events = sum(r["metric"] == "event" for r in rows)
    line = one_line(check_all())
    assert line.startswith(
        f"ok: data/events.csv: {len(rows)} rows ({len(rows) - events} claimed values, {events} dated events;"
    )
    by_side = {s: sum(r["claimant_side"] == s for r in rows) for s in sorted({r["claimant_side"] for r in rows})}
    assert "by side: " + ", ".join(f"{s} {n}" for s, n in by_side.items()) + ")" in line
    assert line.endswith("0 unaccounted")


def test_the_one_line_follows_an_edit(project):
    before = one_line(check_all())
    edit_row(project / "data" / "events.csv", "event_id", "putin-trump-call", claimant_side="russia")
    after = one_line(check_all())
    assert before != after
    rows = read_rows(project / "data" / "events.csv")
    assert f"russia {sum(r['claimant_side'] == 'russia' for r in rows)}" in after


def test_the_claims_table_has_one_aligned_line_per_claim_in_date_order(project):
    claims = warclaims.load_claims()
    lines = claims_table(claims).splitlines()
    assert lines[0].split() == ["when", "side", "claimant", "metric", "value"]
    assert len(lines) == 1 + len(claims)
    starts = [line.split("…")[0][:10] for line in lines[1:]]
    assert starts == sorted(starts)
    assert len({len(line.rstrip()) for line in lines[1:] if line.rstrip().endswith("km²")}) == 1  # values right-aligned
    peak = next(line for line in lines if "Ukrainian forces" in line and "territory_held_km2" in line)
    assert peak.startswith("2024-08-01…2025-04-30") and peak.rstrip().endswith("~1,400 km²")  # 'nearly': approximate


def test_a_one_day_window_is_one_date_and_a_long_claimant_is_cut_to_its_column(project):
    long = "A claimant whose name runs on far past the column it is given"
    edit_row(project / "data" / "events.csv", "event_id", "putin-trump-call", claimant=long, date_start="2025-05-19")
    row = next(line for line in claims_table(warclaims.load_claims()).splitlines() if long[:38] in line)
    assert row.startswith("2025-05-19 ") and long not in row
