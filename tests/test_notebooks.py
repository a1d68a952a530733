"""The notebooks as users run them: executed with papermill, defaults and other parameters,
from a working directory outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import nbformat
import papermill as pm
import pytest

from warclaims.charts import FIGURE_MIME
from warclaims.charts.parameters import ParameterError
from warclaims.reports import kernels
from warclaims.reports.zygote import PER_REPORT

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def zygote():
    """A zygote, as a build has one: the notebooks run in kernels forked from it (1-2 s less per
    run than a cold kernel's imports; test_kernels shows the two start alike). Started on this
    process's environment as a test sees it, without pytest's per-test variable."""
    from warclaims.reports.zygote import Zygote

    scratch = tempfile.mkdtemp(prefix="wc-nb-", dir="/tmp")  # short: the kernels' Unix sockets are in it
    forks = Zygote(ROOT, {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}, scratch)
    yield forks
    forks.stop()
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def execute(zygote, monkeypatch):
    """Run a notebook with papermill in a kernel forked from the zygote (`cold=True`: one
    jupyter_client starts itself); returns the executed notebook, also written beside tmp_path."""

    def run(name: str, tmp_path, cold: bool = False, **parameters) -> nbformat.NotebookNode:
        out = tmp_path / f"{name}.out.ipynb"
        folder = tempfile.mkdtemp(dir=zygote.scratch)
        # The kernel's environment is the zygote's, as a build worker's is the build's: what this
        # process's own imports set (pandera sets PYARROW_IGNORE_TIMEZONE) and pytest's per-test
        # variable are left out; the variables a test sets per run (PER_REPORT) are kept.
        for key in set(os.environ) - set(zygote.environment) - PER_REPORT:
            monkeypatch.delenv(key)
        for key, value in zygote.environment.items():
            if key not in PER_REPORT:
                monkeypatch.setenv(key, value)
        try:
            pm.execute_notebook(
                str(ROOT / "notebooks" / f"{name}.ipynb"),
                str(out),
                parameters=parameters,
                cwd=str(tmp_path),
                progress_bar=False,
                kernel_name="python3",
                **({} if cold else {"kernel_manager_class": kernels.ForkedKernelManager}),
                config=kernels.config(folder, None if cold else zygote.ensure()),
            )
            assert kernels.started_cold(folder) == ""  # forked, or cold as asked: never cold by surprise
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return nbformat.read(out, as_version=4)

    return run


def first_error(name: str, **parameters) -> tuple[int | None, BaseException | None]:
    """Run a notebook's parameters cell, then `parameters` (as papermill injects them), then its
    code cells in order, in this process, until one raises: which one (1 is the first after the
    parameters) and what it raised; (None, None) when none does."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    at = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(compile(code[at].source, f"<{name}: parameters>", "exec"), namespace)
    namespace.update(parameters)
    for n, cell in enumerate(code[at + 1 :], 1):
        try:
            exec(compile(cell.source, f"<{name}: code cell {n}>", "exec"), namespace)
        except Exception as exc:
            return n, exc
    return None, None


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def figures(nb):
    return [o for o in outputs(nb) if "image/png" in o.get("data", {})]


def text_of(nb) -> str:
    return "\n".join(
        str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/html", ""))
        for o in outputs(nb)
    )


def test_four_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == ["casualties", "drone_interceptions", "overview", "territory"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert code[0].metadata.get("tags") == ["parameters"]
    assert "sys.path" not in "".join(c.source for c in code)


@pytest.mark.parametrize(
    "name, parameters, n_figures, expect",
    [
        ("overview", {}, 1, ["7 claimed values", "Tuesday’s “working visit”"]),
        (
            "overview",
            {"claimant_sides": ["russia"], "start_date": "2025-05-01"},
            1,
            ["2 claimed values** and **1 dated event**", "claims by Russia; dated 2025-05-01 to …"],
        ),
        ("drone_interceptions", {}, 1, ["about 13 an hour over 12 hours", "never added"]),
        ("drone_interceptions", {"claimant_sides": ["ukraine"]}, 1, ["the Ukrainian military"]),
        ("drone_interceptions", {}, 1, ["Cards are separate statements, often about separate operations"]),
        (
            "drone_interceptions",
            {"attacks_csv": "tests/fixtures/attacks/attacks_oddities.csv", "context_days": 3},
            2,
            [
                "**76 Russian drones launched at Ukraine** in its overnight reports: **22 destroyed** and **41 lost locally**",
                "1 row of a model the reference table does not know",  # in "Methods and data"
                "separate panels, never parts of one count",
                "**How to read the chart below.** Above, the Air Force’s counts per night",
            ],
        ),
        ("casualties", {}, 1, ["at least 6", "is a lower bound: its bar is hatched"]),
        (
            "casualties",
            {"losses_json": "tests/fixtures/general_staff/russia_losses_personnel.json", "losses_days": 5},
            2,
            ["**about 870 Russian personnel lost**", "never added or compared as one count", "licence: MIT"],
        ),
        ("casualties", {"claimant_sides": ["russia"]}, 0, ["No casualty claims match"]),
        (
            "territory",
            {},
            1,
            ["nearly 1,400 km²", "for some day in 1 Aug 2024 – 30 Apr 2025: the text does not say which"],
        ),
        ("territory", {"territory_unit": "mi2"}, 1, ["nearly 540 sq mi", "rounded to the precision"]),
        ("territory", {"start_date": "2026-01-01"}, 0, ["No territory claims match"]),
        (
            "territory",
            {"snapshots": "tests/fixtures/territory", "region_geojson": "tests/fixtures/territory/region.geojson"},
            2,  # the area chart, and the maps of the two snapshots
            ["The map snapshots given hold no day between 1 Aug 2024 – 30 Apr 2025"],
        ),
    ],
)
def test_notebook_executes(execute, tmp_path, monkeypatch, name, parameters, n_figures, expect):
    monkeypatch.setenv("WARCLAIMS_CACHE_DIR", str(tmp_path / "cache"))  # the snapshots' areas: not in the checkout
    monkeypatch.setenv("WARCLAIMS_CLAIMS_CSV", str(tmp_path / "claims.csv"))  # run as the build runs it: every output
    nb = execute(name, tmp_path, **parameters)
    assert [o for o in outputs(nb) if o.output_type == "error"] == []
    figs = figures(nb)
    assert len(figs) == n_figures
    for fig in figs:
        alt = fig["metadata"]["image/png"]["alt"]
        assert alt and alt.endswith(".")
        assert fig["data"][FIGURE_MIME]["svg"].lstrip().startswith("<?xml")
    text = text_of(nb)
    for words in expect:
        assert words in text


@pytest.mark.parametrize(
    "name, parameters, message",
    [
        (
            "overview",
            {"claimant_sides": ["nato"]},
            "ParameterError: claimant_sides has unknown side(s) 'nato'; choose from russia, ukraine, other",
        ),
        (
            "casualties",
            {"start_date": "2025-06-01", "end_date": "2025-05-01"},
            "ParameterError: start_date 2025-06-01 is after end_date 2025-05-01",
        ),
        (
            "drone_interceptions",
            {"events_csv": "data/missing.csv"},
            "ParameterError: events_csv: file 'data/missing.csv' not found (relative paths are read from the repository root)",
        ),
        (
            "territory",
            {"territory_unit": "acres"},
            "ParameterError: territory_unit='acres' is not known; use 'km2' (square kilometres) or 'mi2' (square miles)",
        ),
        (
            "drone_interceptions",
            {"attacks_csv": "data/external/nothing.csv"},
            "ParameterError: attacks_csv: file 'data/external/nothing.csv' not found (relative paths are read from the repository root)",
        ),
        (
            "drone_interceptions",
            {"context_days": 0},
            "ParameterError: context_days=0 must be a whole number of days from 1 to 366",
        ),
        (
            "overview",
            {"claimant_sides": 5},
            "ParameterError: claimant_sides=5 must be a list of sides, e.g. ['russia', 'ukraine']; choose from russia, ukraine, other",
        ),
        (
            "territory",
            {"territory_unit": ["km2"]},
            "ParameterError: territory_unit=['km2'] is not known; use 'km2' (square kilometres) or 'mi2' (square miles)",
        ),
        (
            "casualties",
            {"start_date": "2025-05-20T00:00+02:00"},
            "ParameterError: start_date='2025-05-20T00:00+02:00' is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'",
        ),
        (
            "casualties",
            {"losses_days": 0},
            "ParameterError: losses_days=0 must be a whole number of days from 1 to 366",
        ),
        (
            "overview",
            {"start_date": "last week"},
            "ParameterError: start_date='last week' is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'",
        ),
    ],
)
def test_bad_parameter_stops_in_first_code_cell_with_one_line(name, parameters, message):
    # The same cells a kernel runs, in this process: which cell raises, and the one line IPython
    # shows for it (`_render_traceback_`). The kernel's side of it is the test after this one.
    cell, exc = first_error(name, **parameters)
    assert cell == 1, f"raised in code cell {cell} after the parameters, not the first"
    assert isinstance(exc, ParameterError), repr(exc)
    assert exc._render_traceback_() == [message]


def test_a_kernel_shows_a_bad_parameter_as_its_one_line_in_the_first_cell(execute, tmp_path):
    with pytest.raises(pm.PapermillExecutionError):
        execute("overview", tmp_path, cold=True, claimant_sides=["nato"])
    nb = nbformat.read(tmp_path / "overview.out.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [(i, o) for i, c in enumerate(code) for o in c.outputs if o.output_type == "error"]
    assert len(errors) == 1
    index, error = errors[0]
    assert code[index - 1].metadata.get("tags") == ["injected-parameters"]  # the first cell after the parameters
    assert error["traceback"] == [
        "ParameterError: claimant_sides has unknown side(s) 'nato'; choose from russia, ukraine, other"
    ]


def test_table_problems_are_listed_without_traceback(execute, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (ROOT / "data/events.csv")
        .read_text(encoding="utf-8")
        .replace(",exact,,stated,Russia’s defence", ",roughly,,stated,Russia’s defence"),
        encoding="utf-8",
    )
    with pytest.raises(pm.PapermillExecutionError):
        execute("drone_interceptions", tmp_path, events_csv=str(bad))
    nb = nbformat.read(tmp_path / "drone_interceptions.out.ipynb", as_version=4)
    [error] = [o for o in outputs(nb) if o.output_type == "error"]
    assert error["traceback"][0].startswith("ClaimTableError: the claim table is invalid")
    assert any(":9: qualifier: must be one of" in line for line in error["traceback"])
    assert not any("File " in line for line in error["traceback"])


def test_injected_note_text_stays_text(execute, tmp_path):
    events = (ROOT / "data/events.csv").read_text(encoding="utf-8")
    evil = tmp_path / "evil.csv"
    evil.write_text(
        events.replace("Location as for the killed.", "<script>alert(1)</script><img src=x onerror=alert(2)>"),
        encoding="utf-8",
    )
    nb = execute("overview", tmp_path, events_csv=str(evil))
    html = text_of(nb)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    json.dumps(nb)  # serialisable


def test_run_by_hand_a_chart_is_its_picture_and_alt_text_only(execute, tmp_path, monkeypatch):
    """In JupyterLab or a papermill run of one's own, what only a published page uses (the phone's
    drawing, the SVG, the marks, the other unit) is not drawn: a second run is seconds."""
    monkeypatch.delenv("WARCLAIMS_CLAIMS_CSV", raising=False)
    nb = execute("territory", tmp_path)
    [fig] = figures(nb)
    assert set(fig["data"]) == {"image/png", "text/plain"} and fig["metadata"]["image/png"]["alt"]
