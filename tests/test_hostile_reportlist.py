"""Hostile and careless report lists (reports.yaml): one line naming the entry, before anything runs."""

from __future__ import annotations

import json

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


OUTSIDE = "is outside the project's data/ and seeds/ (links followed); a build reads only files there"
ABSOLUTE = "is an absolute path; name a file in the project's data/ or seeds/, relative to the project"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("events_csv", "/etc/passwd", ABSOLUTE),
        ("metrics_csv", "/proc/self/environ", ABSOLUTE),
        ("events_csv", "../../../etc/passwd", OUTSIDE),
        ("sources_csv", "data/../../../../etc/passwd", OUTSIDE),
        ("events_csv", "notebooks/overview.ipynb", OUTSIDE),  # in the project, but not data
        ("snapshots", "src", OUTSIDE),
        ("events_csv", "data/linked.csv", OUTSIDE),  # a link in data/ to a file outside
        ("region_geojson", "data/linked-folder/region.geojson", OUTSIDE),  # through a linked folder
        ("snapshots", "data/snaps", "holds 'data/snaps/snapshot_1720000000.geojson', a link outside"),
        ("events_csv", "data/loop.csv", "cannot be followed to a file (RuntimeError)"),
        ("events_csv", "data/" + "a" * 300, "cannot be followed to a file (File name too long)"),
        ("events_csv", "data/\ud800x.csv", "cannot be followed to a file (UnicodeEncodeError)"),
    ],
)
def test_a_path_parameter_outside_data_and_seeds_is_refused_before_anything_runs(tmp_path, name, value, says):
    import shutil

    root = tmp_path / "project"
    for folder in ("data", "seeds", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "src").mkdir()
    (tmp_path / "secret.csv").write_text("root:x:0:0\n")
    (root / "data" / "linked.csv").symlink_to(tmp_path / "secret.csv")
    (root / "data" / "linked-folder").symlink_to(tmp_path)
    (root / "data" / "snaps").mkdir()
    (root / "data" / "snaps" / "snapshot_1720000000.geojson").symlink_to(tmp_path / "secret.csv")
    (root / "data" / "loop.csv").symlink_to("loop.csv")
    notebook = "territory" if name in ("snapshots", "region_geojson") else "overview"
    path = root / "reports.yaml"
    path.write_text(HEAD + f"  - notebook: {notebook}\n    parameter_sets:\n      x: {{{name}: {json.dumps(value)}}}\n")
    with pytest.raises(ReportListError) as info:
        load_report_list(path, root)
    assert str(info.value).startswith(f"report '{notebook}--x': {name} {value!r} {says}"), str(info.value)


def test_a_required_file_outside_data_is_refused(tmp_path):
    path = tmp_path / "reports.yaml"
    path.write_text(HEAD + "  - notebook: overview\n    requires: [../outside.csv]\n")
    with pytest.raises(ReportListError, match=r"report 'overview--default': requires '\.\./outside\.csv' is outside"):
        load_report_list(path, ROOT)


def test_paths_inside_data_seeds_and_the_fetched_datasets_pass(tmp_path):
    reports = load(
        tmp_path,
        HEAD
        + "  - notebook: overview\n    parameter_sets:\n      x: {events_csv: data/events.csv}\n"
        + "  - notebook: territory\n    parameter_sets:\n      y: {snapshots: data/external/deepstate/geojsons}\n",
    )
    assert [r.id for r in reports] == ["overview--x", "territory--y"]


def test_a_link_made_after_the_list_was_cached_is_refused_too(tmp_path):
    import shutil

    from warclaims.reports.digests import Digests
    from warclaims.reports.reportlist import load_cached

    root = tmp_path / "project"
    for folder in ("data", "seeds", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    path = root / "reports.yaml"
    path.write_text(HEAD + "  - notebook: overview\n    parameter_sets:\n      x: {events_csv: data/mine.csv}\n")
    shutil.copy(root / "data" / "events.csv", root / "data" / "mine.csv")
    assert [r.id for r in load_cached(path, root, Digests())] == ["overview--x"]
    (root / "data" / "mine.csv").unlink()
    (root / "data" / "mine.csv").symlink_to("/etc/passwd")
    with pytest.raises(ReportListError, match=r"events_csv 'data/mine\.csv' is outside"):
        load_cached(path, root, Digests())


BROKEN_NOTEBOOKS = [
    # (what, the notebook file's text, the one line)
    ("cut off", '{"cells": [', "notebooks/overview.ipynb:1: column 12: not a notebook (not JSON: Expecting value)"),
    ("an empty object", "{}", "notebooks/overview.ipynb: not a notebook (no list of cells)"),
    ("a list", "[]", "notebooks/overview.ipynb: not a notebook (no list of cells)"),
    (
        "a cell that is text",
        '{"cells": ["x"]}',
        "notebooks/overview.ipynb: cell 1 is not a notebook cell (a cell type, a source and metadata)",
    ),
    (
        "deep",
        "[" * 100_000 + "]" * 100_000,
        "notebooks/overview.ipynb: not a notebook (JSON nested too deep, or a number too long)",
    ),
    (
        "a parameters cell that is not Python",
        '{"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = = 1"}]}',
        "notebooks/overview.ipynb: its parameters cell is not valid Python (line 1: invalid syntax)",
    ),
]


@pytest.mark.parametrize(("what", "text", "says"), BROKEN_NOTEBOOKS, ids=[c[0] for c in BROKEN_NOTEBOOKS])
def test_a_broken_notebook_is_one_line_before_anything_runs(tmp_path, what, text, says):
    import shutil

    root = tmp_path / "project"
    for folder in ("data", "seeds", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "notebooks" / "overview.ipynb").write_text(text)
    path = root / "reports.yaml"
    path.write_text(HEAD + "  - notebook: overview\n")
    with pytest.raises(ReportListError) as info:
        load_report_list(path, root)
    assert str(info.value) == says
