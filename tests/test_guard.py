"""The guard before publishing refreshed data: it passes a sound refresh, and names the dataset, the
date and the values when a file shrinks, a date moves back, a total falls or a day spikes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warclaims.external.guard import check, summarize

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
