"""The guard before publishing refreshed data: it passes a sound refresh, and names the dataset, the
date and the values when a file shrinks, a date moves back, a total falls or a day spikes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warclaims.external.guard import GuardError, check, read_previous, summarize

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "general_staff"
FILES = ("russia_losses_personnel.json", "russia_losses_equipment.json")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data" / "external" / "general-staff").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    for name in FILES:
        shutil.copy(FIXTURES / name, tmp_path / "data" / "external" / "general-staff" / name)
    return tmp_path


def personnel(project) -> Path:
    return project / "data" / "external" / "general-staff" / FILES[0]


def edit(project, change):
    records = json.loads(personnel(project).read_text())
    change(records)
    personnel(project).write_text(json.dumps(records, indent=2))


def test_a_sound_refresh_passes(project):
    before = summarize(project)
    assert before["general-staff"]["last_date"] == "2025-05-29"
    assert before["general-staff"]["totals"]["personnel"]["cumulative"] > 0
    edit(
        project,
        lambda r: r.append({"date": "2025-05-30", "personnel": r[-1]["personnel"] + 1100, "personnel*": "about"}),
    )
    assert check(project, before) == []


def test_a_day_far_above_the_last_90_is_named(project):
    before = summarize(project)
    edit(project, lambda r: r.append({"date": "2025-05-30", "personnel": r[-1]["personnel"] + 90_000}))
    assert check(project, before) == [
        "general-staff: on 2025-05-30 the daily personnel figure 90,000 is more than 5× the largest of the 90 days before (1,300)"
    ]


def test_a_total_that_falls_and_a_date_that_moves_back_are_named(project):
    before = summarize(project)
    edit(project, lambda r: r.__delitem__(slice(-3, None)))
    problems = check(project, before, shrink=0.5)
    assert "general-staff: the last personnel date moved back from 2025-05-29 to 2025-05-26" in problems
    assert any(p.startswith("general-staff: the personnel total fell from ") for p in problems)


def test_a_file_that_shrinks_is_named(project):
    before = summarize(project)
    edit(project, lambda r: r.__delitem__(slice(5, None)))
    assert any("russia_losses_personnel.json: shrank from" in p for p in check(project, before))


def test_the_command_line_stops_the_publish(project):
    (project / "pyproject.toml").write_text("")
    (project / "src" / "warclaims").mkdir(parents=True)
    previous = project / "published.json"
    previous.write_text(json.dumps(summarize(project)))
    edit(project, lambda r: r.append({"date": "2025-05-30", "personnel": r[-1]["personnel"] + 90_000}))
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "check-external", "--previous", str(previous)],
        capture_output=True,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(project)},
    )
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == "guard tripped: 1 problem(s); do not publish (the last good reports stay)"


# --- it fails closed: a summary it cannot use stops the publish -----------------------------

TODAY = dt.date(2025, 6, 1)  # the run's day, after the fixture's last record (2025-05-29)


def _deep(n: int) -> str:
    return "[" * n + "]" * n


HOSTILE_SUMMARIES = [
    # (what, the file's text or None for no file, the start of the one line)
    ("missing", None, "published.json: not found; the guard cannot check against nothing"),
    ("empty", "", "published.json:1: column 1: not JSON"),
    ("not JSON", "<html>", "published.json:1: column 1: not JSON"),
    ("a list", "[]", "published.json: expected an object of datasets"),
    ("an empty object", "{}", "published.json: names no dataset; the guard cannot check against nothing"),
    (
        "NaN sizes",
        '{"g": {"files": {"f": {"size": NaN, "sha256": "' + "0" * 64 + '"}}}}',
        "published.json: dataset 'g', file 'f': expected a whole size",
    ),
    (
        "a size as text",
        '{"g": {"files": {"f": {"size": "12", "sha256": "' + "0" * 64 + '"}}}}',
        "published.json: dataset 'g', file 'f'",
    ),
    ("a dataset that is a list", '{"g": [1, 2]}', "published.json: dataset 'g': expected an object with its 'files'"),
    (
        "last_date in words",
        '{"g": {"files": {}, "last_date": "yesterday"}}',
        "published.json: dataset 'g': last_date 'yesterday' is not a day",
    ),
    (
        "a total with no date",
        '{"g": {"files": {}, "totals": {"personnel": {"cumulative": 5}}}}',
        "published.json: dataset 'g': totals must give",
    ),
    ("deep nesting", _deep(100_000), "published.json: nested too deep"),
]


@pytest.mark.parametrize(("what", "text", "says"), HOSTILE_SUMMARIES, ids=[c[0] for c in HOSTILE_SUMMARIES])
def test_a_summary_the_guard_cannot_use_stops_the_publish(project, what, text, says):
    path = project / "published.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(GuardError) as info:
        read_previous(path, "published.json")
    assert str(info.value).startswith(says), str(info.value)
    assert "\n" not in str(info.value)


def test_a_folder_as_the_summary_stops_the_publish(project):
    (project / "published").mkdir()
    with pytest.raises(GuardError, match="published: is a folder"):
        read_previous(project / "published", "published")


def test_a_first_publish_needs_no_summary_but_still_checks_the_files(project):
    assert read_previous(project / "none.json", first_publish=True) == {}
    assert check(project, {}, today=TODAY) == []
    edit(project, lambda r: r.append({"date": "2099-01-01", "personnel": r[-1]["personnel"] + 1000}))
    assert check(project, {}, today=TODAY) == [
        "general-staff: a record is dated 2099-01-01, after the day of this run (2025-06-01)"
    ]


@pytest.mark.parametrize(
    ("factor", "shrink"), [(float("nan"), 0.1), (float("inf"), 0.1), (0.5, 0.1), (5, float("nan")), (5, 1.5)]
)
def test_settings_that_switch_a_check_off_are_refused(project, factor, shrink):
    with pytest.raises(GuardError):
        check(project, summarize(project), factor=factor, shrink=shrink, today=TODAY)


# --- it looks inside the files, on their own terms and against what was published -------------


def _jump_after_a_gap(r):
    r.append({"date": "2025-05-31", "personnel": r[-1]["personnel"] + 5_000_000})


def _out_of_order(r):
    r.append({"date": "2025-05-01", "personnel": r[-1]["personnel"] + 1000})


def _as_text(r):
    for rec in r:
        rec["personnel"] = str(rec["personnel"])


def _rewrite_history(r):
    r[3]["personnel"] += 1  # same size, or nearly: a digit changes


def _last_total(value):
    def change(r):
        r.append({"date": "2025-05-30", "personnel": value})

    return change


IN_FILE = [
    # (what, the change to the personnel file, a piece of the line that names it)
    (
        "a +5,000,000 jump after a one-day gap",
        _jump_after_a_gap,
        "(2 days, no record between) the personnel total rose",
    ),
    (
        "a record dated 2099",
        lambda r: r.append({"date": "2099-12-31", "personnel": r[-1]["personnel"] + 1}),
        "is dated 2099-12-31, after the day of this run",
    ),
    ("dates out of order", _out_of_order, "records cannot be read, 1 more than were published"),
    ("a negative last total", _last_total(-5), "records cannot be read, 1 more than were published"),
    ("a 10^12 last total", _last_total(10**12), "records cannot be read, 1 more than were published"),
    ("every count as text", _as_text, "does not read as the data"),
    ("history rewritten", _rewrite_history, "the records up to 2025-05-29 changed since they were published"),
]


@pytest.mark.parametrize(("what", "change", "says"), IN_FILE, ids=[c[0] for c in IN_FILE])
def test_what_a_refresh_hides_inside_a_file_trips_the_guard(project, what, change, says):
    published = summarize(project)
    assert check(project, published, today=TODAY) == []
    edit(project, change)
    problems = check(project, published, today=TODAY)
    assert any(says in p for p in problems), problems


def test_a_metric_that_disappears_trips_the_guard(project):
    published = summarize(project)
    path = project / "data" / "external" / "general-staff" / FILES[1]
    records = json.loads(path.read_text())
    for r in records:
        r.pop("tank")
    path.write_text(json.dumps(records))
    assert "general-staff: the metric 'tank' was published before and is gone now" in check(
        project, published, today=TODAY
    )


@pytest.fixture
def attacks(tmp_path):
    folder = tmp_path / "data" / "external" / "attacks"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    shutil.copy(ROOT / "tests" / "fixtures" / "attacks" / "attacks_oddities.csv", folder / "missile_attacks_daily.csv")
    shutil.copy(ROOT / "tests" / "fixtures" / "attacks" / "missiles_and_uavs.csv", folder / "missiles_and_uavs.csv")
    return tmp_path


def test_every_launched_cell_blank_trips_the_guard(attacks):
    published = summarize(attacks)
    path = attacks / "data" / "external" / "attacks" / "missile_attacks_daily.csv"
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    for r in rows:
        r["launched"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())
    problems = check(attacks, published, today=TODAY)
    assert any("has a figure on 0 days, fewer than" in p or "is gone now" in p for p in problems), problems


def test_a_model_table_cut_to_its_header_trips_the_guard(attacks):
    published = summarize(attacks)
    path = attacks / "data" / "external" / "attacks" / "missiles_and_uavs.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    problems = check(attacks, published, today=TODAY)
    assert any("was published before and is gone now" in p for p in problems), problems
