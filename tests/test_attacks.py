"""The attack dataset importer on fixtures written for every oddity of the real file, and on the
real one-month slice in ../shared when it is there."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from warclaims.errors import AttackDataError
from warclaims.external.attacks import load_attacks, nightly

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "attacks"
MODELS = FIXTURES / "missiles_and_uavs.csv"
SHARED = ROOT.parent / "shared" / "data" / "attacks"  # beside the checkout, as in CI


@pytest.fixture(scope="module")
def odd():
    return load_attacks(FIXTURES / "attacks_oddities.csv", MODELS)


def row(result, line):
    return result.frame.set_index("line").loc[line]


def test_timed_window_and_night(odd):
    r = row(odd, 2)
    assert (r["report_start"], r["report_end"]) == (pd.Timestamp("2025-05-20 21:00"), pd.Timestamp("2025-05-21 09:00"))
    assert r["night"] == pd.Timestamp("2025-05-21") and not r["date_only"]


def test_date_only_window_covers_the_day(odd):
    r = row(odd, 4)
    assert (r["report_start"], r["report_end"]) == (pd.Timestamp("2025-05-21"), pd.Timestamp("2025-05-22"))
    assert r["date_only"] and r["night"] == pd.Timestamp("2025-05-21")


def test_odd_timestamps(odd):
    assert row(odd, 8)["report_end"] == pd.Timestamp("2025-05-22 00:00")  # 24:00 is the end of that day
    assert row(odd, 8)["night"] == pd.Timestamp("2025-05-22")
    assert row(odd, 9)["report_start"] == pd.Timestamp("2025-05-21 07:30")  # H:MM
    assert row(odd, 9)["report_end"] == pd.Timestamp("2025-05-22 06:15")  # HH:MM:SS


def test_model_kinds_from_the_reference_table(odd):
    kinds = dict(zip(odd.frame["model"], odd.frame["kind"].astype(str), strict=True))
    assert kinds["Shahed-136/131"] == "drone"
    assert kinds["Молнія"] == "drone"  # a Ukrainian name the table knows
    assert kinds["Iskander-M/KN-23"] == "missile"  # combined with '/', listed as such
    assert kinds["X-101/X-555 and Kalibr"] == "missile"
    assert kinds["Shahed-136/131 and Orlan-10"] == "drone"  # not listed; both parts are drones
    assert kinds["Shahed-136/131 and Kalibr"] == "mixed"
    assert kinds["GBU"] == "other"
    assert kinds["Шахед-238"] == "unknown"  # kept, never dropped
    assert odd.unknown_models == {"Шахед-238": 1}


def test_empty_and_braces_are_missing_and_duplicates_dropped_once(odd):
    assert row(odd, 10)["launched"] == 6 and pd.isna(row(odd, 10)["destroyed"])  # destroyed was '{}'
    assert row(odd, 10)["still_attacking"] == 1
    assert odd.rows_read == 11 and len(odd.frame) == 10 and odd.duplicates_dropped == 1
    orlan = odd.frame[(odd.frame["model"] == "Orlan-10")]
    assert sorted(orlan["launched"]) == [1, 5]  # same window, different counts: two reports, both kept


def test_totals(odd):
    drones = odd.frame[odd.frame["kind"] == "drone"]
    assert int(drones["launched"].sum()) == 76 + 2 + 1 + 5 + 10
    assert int(drones["destroyed"].sum()) == 22 + 2 + 1 + 5 + 7
    per_night = nightly(odd.frame, "drone", start="2025-05-20", end="2025-05-23")
    assert list(per_night.index.strftime("%m-%d")) == ["05-20", "05-21", "05-22", "05-23"]
    assert per_night.loc["2025-05-21", "launched"] == 76 + 2 + 1 + 5
    assert per_night.loc["2025-05-22", "launched"] == 10
    assert pd.isna(per_night.loc["2025-05-20", "launched"]) and per_night.loc["2025-05-20", "reports"] == 0


def test_bad_rows_are_located_and_stop_the_import():
    with pytest.raises(AttackDataError) as info:
        load_attacks(FIXTURES / "attacks_bad_rows.csv", MODELS, shown="bad.csv")
    found = [str(p) for p in info.value.problems]
    assert found == [
        "bad.csv:3: time_start: cannot read 'yesterday' as YYYY-MM-DD or YYYY-MM-DD HH:MM",
        "bad.csv:4: launched: 'many' is not a whole count from 0 to 1,000,000",
        "bad.csv:5: destroyed: '-1' is not a whole count from 0 to 1,000,000",
        "bad.csv:5: time_end: '2025-05-22 09:00' is before time_start '2025-05-22 21:00'",
        "bad.csv:6: time_end: cannot read '2025-05-23 25:10' as YYYY-MM-DD or YYYY-MM-DD HH:MM",
    ]


def test_skip_bad_rows_keeps_the_rest_and_counts():
    result = load_attacks(FIXTURES / "attacks_bad_rows.csv", MODELS, skip_bad_rows=True)
    assert result.bad_rows == 4 and list(result.frame["line"]) == [2, 7]


def test_missing_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("time_start,time_end,model,launched\n2025-05-20,2025-05-20,Orlan-10,1\n")
    with pytest.raises(AttackDataError, match=r"a\.csv:1: destroyed: missing column 'destroyed'"):
        load_attacks(path, MODELS, shown="a.csv")


def test_cli(tmp_path):
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "warclaims",
            "import-attacks",
            str(FIXTURES / "attacks_bad_rows.csv"),
            "--models",
            str(MODELS),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "attacks_bad_rows.csv:3: time_start:" in bad.stderr and "Traceback" not in bad.stderr
    out = tmp_path / "tidy.csv"
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "warclaims",
            "import-attacks",
            str(FIXTURES / "attacks_bad_rows.csv"),
            "--models",
            str(MODELS),
            "--skip-bad-rows",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "2 imported" in ok.stdout and "4 bad rows skipped" in ok.stdout
    assert len(pd.read_csv(out)) == 2


@pytest.mark.skipif(
    not (SHARED / "missile_attacks_daily_2025-05.csv").exists(),
    reason="../shared/data/attacks is not beside the project",
)
def test_real_slice_matches_the_file():
    path = SHARED / "missile_attacks_daily_2025-05.csv"
    result = load_attacks(path, SHARED / "missiles_and_uavs.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert result.rows_read == len(rows)
    night = [r for r in rows if r["model"] == "Shahed-136/131" and r["time_end"].startswith("2025-05-21 ")]
    ours = result.frame[(result.frame["model"] == "Shahed-136/131") & (result.frame["night"] == "2025-05-21")]
    assert int(ours["launched"].sum()) == sum(int(float(r["launched"])) for r in night) == 76
    assert int(ours["destroyed"].sum()) == sum(int(float(r["destroyed"])) for r in night) == 22
    drones = nightly(result.frame, "drone", start="2025-05-01", end="2025-05-31")
    expected = sum(
        int(float(r["launched"]))
        for r in rows
        if r["model"] in ("Shahed-136/131",) and r["time_end"][:10] == "2025-05-25"
    )
    assert drones.loc["2025-05-25", "launched"] >= expected
    assert (result.frame["kind"] != "unknown").all()


def test_the_context_reads_each_outcome_of_the_overnight_reports_and_marks_one_night(odd):
    """The night ending 21 May: the overnight barrage's 76 Shaheds (22 destroyed, 41 lost locally),
    not the date-only reconnaissance drones of that day; the chart draws the dataset's three
    outcomes and shades the one night the claim covers."""
    import matplotlib.dates as mdates

    import warclaims
    from warclaims.charts import plots
    from warclaims.external.attacks import nights_around_article

    claims = warclaims.load_claims()
    first, last, nights = nights_around_article(claims, odd.frame, 2)
    row = nights.loc["2025-05-21"]
    assert (row["launched"], row["destroyed"], row["not_reach_goal"]) == (76, 22, 41)
    assert nights.index.max() <= odd.frame["night"].max()  # never past the dataset's last night
    drones = claims[claims["metric"].astype(str) == "drones_intercepted"]
    top, _ = plots.plot_drone_context(nights, drones, article=(first, last))
    assert {"series:launched", "series:destroyed", "series:not_reach_goal"} <= {line.get_gid() for line in top.lines}
    [band] = [p for p in top.patches if p.get_gid() == "article-night"]
    x0, x1 = band.get_x(), band.get_x() + band.get_width()
    assert x1 - x0 == pytest.approx(1.0) and mdates.num2date((x0 + x1) / 2).strftime("%m-%d %H") == "05-21 00"
