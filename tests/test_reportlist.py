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
    assert "overview--default" in ids and "territory--default" in ids and "territory--square-miles" not in ids
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


def test_per_source_builds_a_page_per_source(tmp_path):
    import shutil

    from madeup import write_table

    write_table(tmp_path, 3)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = write(
        tmp_path,
        """reports:
  - notebook: overview
    per_source: true
  - notebook: territory
    per_source: true
    parameter_sets:
      miles: {territory_unit: mi2}
""",
    )
    reports = {r.id: r.parameters for r in load_report_list(path, tmp_path)}
    assert reports == {
        "overview--2025-05-21-putin-kursk": {"source_ids": ["2025-05-21-putin-kursk"]},
        "overview--2025-08-09-zarichne": {"source_ids": ["2025-08-09-zarichne"]},
        "overview--2025-08-10-dubrava": {"source_ids": ["2025-08-10-dubrava"]},
        "territory--miles-2025-05-21-putin-kursk": {"territory_unit": "mi2", "source_ids": ["2025-05-21-putin-kursk"]},
        "territory--miles-2025-08-09-zarichne": {"territory_unit": "mi2", "source_ids": ["2025-08-09-zarichne"]},
        "territory--miles-2025-08-10-dubrava": {"territory_unit": "mi2", "source_ids": ["2025-08-10-dubrava"]},
    }


@pytest.mark.parametrize(
    "entry, message",
    [
        ("per_source: yes please", "'per_source' is true or false"),
        ("per_source: true\n    parameter_sets: {one: {source_ids: [x]}}", "leave source_ids out of its sets"),
    ],
)
def test_per_source_mistakes_are_one_line(tmp_path, entry, message):
    path = write(tmp_path, f"reports:\n  - notebook: overview\n    {entry}\n")
    with pytest.raises(ReportListError, match=message):
        load_report_list(path, ROOT)


def test_per_source_without_a_source_table_names_it(tmp_path):
    import shutil

    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = write(tmp_path, "reports:\n  - notebook: overview\n    per_source: true\n")
    with pytest.raises(ReportListError, match=r"per_source: data/sources\.csv: file not found"):
        load_report_list(path, tmp_path)


def test_per_source_ids_that_would_make_one_report_are_named(tmp_path):
    import shutil

    from madeup import write_table

    write_table(tmp_path, 4)
    sources = tmp_path / "data" / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("2025-09-01-madeup-0", "2025-08-10-Dubrava"))
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = write(tmp_path, "reports:\n  - notebook: overview\n    per_source: true\n")
    with pytest.raises(ReportListError) as caught:
        load_report_list(path, tmp_path)
    assert str(caught.value) == (
        "reports.yaml: entry 1 (notebook 'overview'): per_source: sources '2025-08-10-dubrava' (set 'default') and "
        "'2025-08-10-Dubrava' (set 'default') would both be report 'overview--2025-08-10-dubrava'; rename one source id"
    )


def test_per_source_sets_that_are_not_mappings_are_one_line_each(tmp_path):
    path = write(
        tmp_path, "reports:\n  - notebook: overview\n    per_source: true\n    parameter_sets: {a: [1], Bad Name: {}}\n"
    )
    with pytest.raises(ReportListError) as caught:
        load_report_list(path, ROOT)
    assert [line.split("/")[-1] for line in str(caught.value).splitlines()] == [
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'a': parameters must be a mapping of name: value",
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'Bad Name': set names are lowercase slugs (a-z, 0-9, - and _)",
    ]
