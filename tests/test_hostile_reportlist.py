"""Hostile and careless report lists (reports.yaml): one line naming the entry, before anything runs."""

from __future__ import annotations

import pytest

from warclaims.reports.reportlist import ReportListError, load_report_list

from conftest import ROOT

HEAD = "reports:\n"


def load(tmp_path, text: str | bytes):
    path = tmp_path / "reports.yaml"
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return load_report_list(path, ROOT)


def first_line(tmp_path, text) -> str:
    with pytest.raises(ReportListError) as info:
        load(tmp_path, text)
    return str(info.value).splitlines()[0].replace(str(tmp_path) + "/", "")


CASES = [
    # (what, the file, the first line reported)
    (
        "a non-string parameter key",
        HEAD + "  - notebook: overview\n    parameter_sets:\n      x: {5: 1}\n",
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'x': parameter names are text; found 5",
    ),
    (
        "requires a number",
        HEAD + "  - notebook: overview\n    requires: 5\n",
        "reports.yaml: entry 1 (notebook 'overview'): 'requires' must be a file path or a list of them, relative to the project",
    ),
    (
        "requires a mapping",
        HEAD + "  - notebook: overview\n    requires: [{a: 1}]\n",
        "reports.yaml: entry 1 (notebook 'overview'): 'requires' must be a file path or a list of them, relative to the project",
    ),
    (
        "a second default set",
        HEAD
        + "  - notebook: overview\n    parameter_sets:\n      default: {}\n      default: {claimant_sides: [russia]}\n",
        "reports.yaml:5: column 7: not valid YAML (key 'default' appears twice (lines 4 and 5))",
    ),
    (
        "a second notebook key",
        HEAD + "  - notebook: overview\n    notebook: territory\n",
        "reports.yaml:3: column 5: not valid YAML (key 'notebook' appears twice (lines 2 and 3))",
    ),
    (
        "a date as a number",
        HEAD + "  - notebook: overview\n    parameter_sets:\n      x: {start_date: 5}\n",
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'x': start_date=5 is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'",
    ),
    (
        "a date as NaN",
        HEAD + "  - notebook: overview\n    parameter_sets:\n      x: {start_date: .nan}\n",
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'x': start_date=nan is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'",
    ),
    (
        "sides as a number",
        HEAD + "  - notebook: overview\n    parameter_sets:\n      x: {claimant_sides: 5}\n",
        "reports.yaml: entry 1 (notebook 'overview'), parameter set 'x': claimant_sides=5 must be a list of sides, e.g. ['russia', 'ukraine']; choose from russia, ukraine, other",
    ),
    (
        "a unit in a list",
        HEAD + "  - notebook: territory\n    parameter_sets:\n      x: {territory_unit: [km2]}\n",
        "reports.yaml: entry 1 (notebook 'territory'), parameter set 'x': territory_unit=['km2'] is not known; use 'km2' (square kilometres) or 'mi2' (square miles)",
    ),
    (
        "a notebook name that is a list",
        HEAD + "  - notebook: [overview]\n",
        "reports.yaml: entry 1: 'notebook' must be a notebook's name, e.g. overview",
    ),
    (
        "an alias",
        HEAD + "  - &a {notebook: overview}\n  - *a\n",
        "reports.yaml:3: column 5: not valid YAML (aliases (*a) are not allowed in the report list)",
    ),
    (
        "Latin-1",
        (HEAD + "  - notebook: overview # caf\xe9\n").encode("latin-1"),
        "reports.yaml:2: not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    (
        "UTF-16",
        (HEAD + "  - notebook: overview\n").encode("utf-16"),
        "reports.yaml:1: not UTF-8 text (byte 0xff); save it as UTF-8",
    ),
]


@pytest.mark.parametrize("what, text, expected", CASES, ids=[c[0] for c in CASES])
def test_first_line(tmp_path, what, text, expected):
    assert first_line(tmp_path, text) == expected


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "\n".join(levels) + "\nreports: *a9\n"
    assert "aliases (*a0) are not allowed" in first_line(tmp_path, text)


def test_an_unquoted_date_is_the_date_it_is(tmp_path):
    [report] = load(
        tmp_path, HEAD + "  - notebook: overview\n    parameter_sets:\n      may: {start_date: 2025-05-20}\n"
    )
    assert report.parameters == {"start_date": "2025-05-20"}


def test_a_folder_given_as_the_report_list(tmp_path):
    with pytest.raises(ReportListError, match=r"is a folder; give the report list's YAML file$"):
        load_report_list(tmp_path, ROOT)
