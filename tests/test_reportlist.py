"""reports.yaml is checked before anything runs, and each problem names its entry."""

from __future__ import annotations

import pytest

from warclaims.reports.reportlist import ReportListError, load_report_list, notebook_parameters

from conftest import ROOT


def write(tmp_path, text):
    path = tmp_path / "reports.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_report_list_loads():
    reports = load_report_list(ROOT / "reports.yaml", ROOT)
    ids = [r.id for r in reports]
    assert "overview--default" in ids and "territory--square-miles" in ids
    assert {r.notebook for r in reports} == {
        f"notebooks/{n}.ipynb" for n in ("overview", "drone_interceptions", "casualties", "territory")
    }


def test_notebook_parameters_are_read_without_a_kernel():
    params = notebook_parameters(ROOT / "notebooks" / "territory.ipynb")
    assert params["territory_unit"] == "km2"
    assert params["claimant_sides"] == ["russia", "ukraine", "other"]
    assert params["start_date"] is None


def test_unknown_notebook_and_parameter_are_named(tmp_path):
    path = write(
        tmp_path,
        """reports:
  - notebook: overview
    parameter_sets:
      default: {}
  - notebook: terrtory
  - notebook: territory
    parameter_sets:
      acres: {territory_units: acres}
""",
    )
    with pytest.raises(ReportListError) as info:
        load_report_list(path, ROOT)
    lines = str(info.value).splitlines()
    assert any(
        "entry 2 (notebook 'terrtory'): unknown notebook; known: casualties, drone_interceptions, overview, territory"
        in m
        for m in lines
    )
    assert any(
        "entry 3 (notebook 'territory'), parameter set 'acres': unknown parameter(s) territory_units" in m
        for m in lines
    )


def test_bad_yaml_names_line(tmp_path):
    path = write(tmp_path, "reports:\n  - notebook: overview\n    parameter_sets: {default: {}\n")
    with pytest.raises(ReportListError, match=r"reports.yaml:\d+: column \d+: not valid YAML"):
        load_report_list(path, ROOT)


def test_duplicate_report_ids(tmp_path):
    path = write(tmp_path, "reports:\n  - notebook: overview\n  - notebook: overview\n")
    with pytest.raises(ReportListError, match="'overview--default' is listed twice"):
        load_report_list(path, ROOT)


def test_empty_list(tmp_path):
    with pytest.raises(ReportListError, match="expected a 'reports:' list"):
        load_report_list(write(tmp_path, "reports: []\n"), ROOT)
