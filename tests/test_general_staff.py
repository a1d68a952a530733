"""The General Staff losses importer on fixtures in the dataset's format, and on the three months in
../shared when they are there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from warclaims.external.general_staff import LossesError, load_losses

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "general_staff"
PERSONNEL = FIXTURES / "russia_losses_personnel.json"
EQUIPMENT = FIXTURES / "russia_losses_equipment.json"
SHARED = ROOT.parent / "shared" / "data" / "general-staff"


@pytest.fixture(scope="module")
def losses():
    return load_losses(PERSONNEL, EQUIPMENT)


def test_daily_is_the_difference_from_the_day_before(losses):
    daily = losses.daily()
    assert pd.isna(daily.loc["2025-05-10"])  # the first day has no day before it
    assert daily.loc["2025-05-11"] == 1150 and daily.loc["2025-05-20"] == 980
    totals = losses.frame[losses.frame["metric"] == "personnel"].set_index("date")["cumulative"]
    assert totals.loc["2025-05-20"] - totals.loc["2025-05-19"] == 980


def test_a_day_after_a_gap_has_no_daily_figure(losses):
    daily = losses.daily()
    assert "2025-05-25" not in daily.index.strftime("%Y-%m-%d")
    assert pd.isna(daily.loc["2025-05-26"]) and losses.gaps == 1  # two days' difference is not one day's claim


def test_the_statements_own_qualifier_is_kept(losses):
    rows = losses.frame[losses.frame["metric"] == "personnel"]
    assert set(rows["qualifier"]) == {"about"}


def test_a_total_that_goes_down_is_a_reported_correction_never_a_negative_loss(losses):
    cruise = losses.frame[losses.frame["metric"] == "cruise missiles"].set_index("date")["daily"]
    assert (cruise.dropna() >= 0).all() and pd.isna(cruise.loc["2025-05-18"])
    assert [str(p) for p in losses.corrections] == [
        f"{EQUIPMENT}: [8].cruise missiles: 3,192 is less than the day before (3,197): a correction; this day has no daily figure"
    ]


def test_keys_added_over_time_are_missing_before_they_appear(losses):
    cruise = losses.frame[losses.frame["metric"] == "cruise missiles"]
    assert cruise["date"].min() == pd.Timestamp("2025-05-15")


def test_bad_records_are_located_and_stop_the_import():
    with pytest.raises(LossesError) as info:
        load_losses(FIXTURES / "losses_bad_records.json", shown="losses.json")
    assert [str(p) for p in info.value.problems] == [
        "losses.json: [2].personnel: 'many' is not a whole count from 0 to 100,000,000",
        "losses.json: [4].date: '2025-13-01' is not a date YYYY-MM-DD from 1900-01-01 to 2100-12-31",
    ]


def test_skipping_counts_every_record():
    result = load_losses(FIXTURES / "losses_bad_records.json", skip_bad_rows=True)
    assert result.bad_records == 2 and result.records == 6
    assert result.frame["index"].tolist() == [0, 1, 3, 5]  # rows = imported + skipped


def test_not_json_is_located_by_line_and_column():
    with pytest.raises(LossesError, match=r"losses_not_json\.json:2: column 46: not valid JSON"):
        load_losses(FIXTURES / "losses_not_json.json")


def test_cli_prints_a_summary_and_one_line_per_problem():
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "import-losses", str(FIXTURES / "losses_bad_records.json")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "[2].personnel: 'many'" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "import-losses", str(PERSONNEL), "--equipment", str(EQUIPMENT)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and "20 days (2025-05-10 to 2025-05-29)" in run.stdout


def test_the_three_shared_months_match_their_files():
    if not SHARED.is_dir():
        pytest.skip("../shared/data/general-staff is not beside the project")
    result = load_losses(SHARED / "russia_losses_personnel.json", SHARED / "russia_losses_equipment.json")
    daily = result.daily()
    assert daily.loc["2025-05-21"] == 980  # the statement of 21 May 2025: 975,800 → 976,780
    assert result.frame["date"].nunique() == 91 and result.skipped == []


@pytest.mark.parametrize(
    ("record", "says"),
    [
        (
            '{"date": "2025-05-30", "personnel": NaN}',
            "[19].personnel: 'nan' is not a whole count from 0 to 100,000,000",
        ),
        ('{"date": "2025-05-30", "personnel": Infinity}', "[19].personnel: 'inf' is not a whole count"),
        ('{"date": "0001-01-01", "personnel": 5}', "[19].date: '0001-01-01' is not a date YYYY-MM-DD from 1900-01-01"),
        ('{"date": "9999-12-31", "personnel": 5}', "[19].date: '9999-12-31' is not a date YYYY-MM-DD from 1900-01-01"),
    ],
)
def test_a_count_that_is_not_a_number_or_a_date_out_of_sense_is_named_not_a_gap(tmp_path, record, says):
    text = (FIXTURES / "russia_losses_personnel.json").read_text().rstrip().removesuffix("]") + ", " + record + "]"
    path = tmp_path / "losses.json"
    path.write_text(text)
    with pytest.raises(LossesError) as info:
        load_losses(path)
    assert any(str(p).endswith(says) or says in str(p) for p in info.value.problems), info.value.problems
