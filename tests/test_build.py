"""The report build: outputs, no-op rebuilds, byte-for-byte reproduction, failures and bad data."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from html.parser import HTMLParser

import pytest

from warclaims.reports import workers
from warclaims.reports.build import DataInvalid, build, build_lock, sha256

from conftest import ROOT, cli, edit_row, kernels_of, marked, tree, wait_until

REPORTS = """reports:
  - notebook: overview
  - notebook: territory
    parameter_sets:
      default: {}
  - notebook: casualties
    parameter_sets:
      ukraine: {claimant_sides: [ukraine]}
"""
IDS = ["overview--default", "territory--default", "casualties--ukraine"]


@pytest.fixture(scope="module")
def built(build_project):
    """A project built once; tests only read it (those that change things use `rebuilt`)."""
    (build_project / "reports.yaml").write_text(REPORTS)
    outcome = build(build_project, progress=False)
    assert outcome.failed == []
    return build_project


@pytest.fixture
def rebuilt(built, tmp_path):
    """A private copy of the built project, reports and cache included, for a test to change."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def no_kernels(*args, **kwargs):
    raise AssertionError("a kernel was started")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def heading_of(path) -> str:
    """The text of the page's one H1 (without its anchor)."""
    [h1] = re.findall(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
    return re.sub(r"<[^>]+>|¶", "", h1).strip()


def tags_of(path):
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def test_cold_build_writes_every_output(built):
    out = built / "reports"
    for report_id in IDS:
        assert (out / f"{report_id}.html").is_file()
        assert (out / "notebooks" / f"{report_id}.ipynb").is_file()
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == sorted(
        [
            "overview--default--timeline.png",
            "overview--default--timeline.svg",
            "overview--default--timeline.thumb.webp",  # the index's small picture
            "territory--default--territory_km2.png",
            "territory--default--territory_km2.svg",
            "territory--default--territory_km2.thumb.webp",
            "casualties--ukraine--casualties.png",
            "casualties--ukraine--casualties.svg",
            "casualties--ukraine--casualties.thumb.webp",
        ]
    )
    assert (out / "figures" / "territory--default--territory_km2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The notebooks reused the build's own validation of the table: one cache entry, not one per notebook.
    assert len(list((built / "build" / "cache").glob("checked-*.json"))) == 1


def test_manifest_hashes_every_output_and_names_inputs(built):
    out = built / "reports"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["index.html"] == sha256((out / "index.html").read_bytes())
    for report_id in IDS:
        entry = manifest["reports"][report_id]
        assert entry["status"] == "ok"
        for rel, digest in entry["outputs"].items():
            assert sha256((out / rel).read_bytes()) == digest
        assert {"data/events.csv", "requirements.lock", entry["notebook"]} <= set(entry["inputs"])
        assert any(k.startswith("seeds/") for k in entry["inputs"])
        assert any(k.startswith("src/warclaims/") for k in entry["inputs"])


def test_html_is_offline_titled_and_has_alt_text(built):
    for report_id in IDS:
        path = built / "reports" / f"{report_id}.html"
        tags = tags_of(path)
        assert not [a for t, a in tags if t == "script" and a.get("src")], "no script may load from outside"
        assert not [a for t, a in tags if t == "link" and "//" in a.get("href", "")]
        images = [a for t, a in tags if t == "img"]
        assert images and all(a.get("alt") for a in images)
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"mathjax|require\.js", text, re.I)
        assert re.search(r"<title>[^<]*claim[^<]*</title>", text, re.I)
    assert (
        "<title>Casualty claims: claims by Ukraine</title>"
        in (built / "reports" / "casualties--ukraine.html").read_text()
    )


def test_code_is_hidden_by_default(built):
    text = (built / "reports" / "overview--default.html").read_text(encoding="utf-8")
    assert "import warclaims as wc" not in text


def test_no_machine_paths_in_shared_outputs(built):
    home = os.path.expanduser("~")
    for rel, data in tree(built / "reports").items():
        text = data.decode("utf-8", errors="replace")
        assert str(built) not in text, rel
        assert str(ROOT) not in text, rel
        assert f"{home}/" not in text, rel


def test_index_lists_every_report_with_a_figure(built):
    tags = tags_of(built / "reports" / "index.html")
    links = {a["href"] for t, a in tags if t == "a"}
    assert {f"{i}.html" for i in IDS} <= links
    thumbs = [a for t, a in tags if t == "img"]
    assert len(thumbs) == 3 and all((built / "reports" / a["src"]).is_file() and a["alt"] for a in thumbs)


def test_second_build_is_a_no_op_that_starts_no_kernel(rebuilt, monkeypatch):
    before = {p: p.stat().st_mtime_ns for p in (rebuilt / "reports").rglob("*") if p.is_file()}
    monkeypatch.setattr(workers, "run_all", no_kernels)
    outcome = build(rebuilt, progress=False)
    assert outcome.unchanged == IDS and outcome.built == []
    after = {p: p.stat().st_mtime_ns for p in (rebuilt / "reports").rglob("*") if p.is_file()}
    assert before == after


def test_rebuild_after_rm_reproduces_the_same_bytes(rebuilt):
    first = tree(rebuilt / "reports")
    shutil.rmtree(rebuilt / "reports")
    build(rebuilt, progress=False)
    assert tree(rebuilt / "reports") == first


def test_changed_notebook_rebuilds_only_its_reports(rebuilt):
    path = rebuilt / "notebooks" / "territory.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "extra", "metadata": {}, "source": "An added closing note."})
    path.write_text(json.dumps(nb, indent=1))
    outcome = build(rebuilt, progress=False)
    assert outcome.built == ["territory--default"]
    assert sorted(outcome.unchanged) == ["casualties--ukraine", "overview--default"]
    assert "An added closing note." in (rebuilt / "reports" / "territory--default.html").read_text()


def test_invalid_data_stops_before_anything_runs(rebuilt, monkeypatch):
    before = tree(rebuilt / "reports")
    edit_row(rebuilt / "data" / "events.csv", "event_id", "putin-trump-call", claimant_side="usa")
    monkeypatch.setattr(workers, "run_all", no_kernels)
    with pytest.raises(DataInvalid):
        build(rebuilt, progress=False)
    assert tree(rebuilt / "reports") == before


def test_failing_notebook_keeps_last_good_html_and_is_marked(rebuilt):
    out = rebuilt / "reports"
    good = (out / "overview--default.html").read_bytes()
    path = rebuilt / "notebooks" / "overview.ipynb"
    original = path.read_text()
    nb = json.loads(original)
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "boom",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "raise RuntimeError('boom: the chart data was wrong')",
        }
    )
    path.write_text(json.dumps(nb, indent=1))
    outcome = build(rebuilt, progress=False)
    assert [i for i, _ in outcome.failed] == ["overview--default"]
    assert "RuntimeError: boom" in outcome.failed[0][1]
    assert (out / "overview--default.html").read_bytes() == good
    failed = (out / "failed" / "overview--default.html").read_text()
    assert "boom: the chart data was wrong" in failed and "jp-InputArea" in failed  # the failing cell, with its code
    index = (out / "index.html").read_text()
    assert "status-failed" in index and 'href="failed/overview--default.html"' in index
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["reports"]["overview--default"]["status"] == "failed"
    # Back to a good notebook: the report is rebuilt and the failed run is cleared away.
    path.write_text(original)
    outcome = build(rebuilt, progress=False)
    assert outcome.built == ["overview--default"] and not (out / "failed" / "overview--default.html").exists()


def test_cli_names_a_failure_and_exits_non_zero(rebuilt):
    (rebuilt / "reports.yaml").write_text(
        REPORTS.replace("{claimant_sides: [ukraine]}", "{events_csv: data/missing.csv}")
    )
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=120)
    assert proc.returncode == 1
    assert (
        "FAILED casualties--ukraine: cell" in err
        and "ParameterError: events_csv: file 'data/missing.csv' not found" in err
    )
    assert "Traceback" not in err
    assert (rebuilt / "reports" / "failed" / "casualties--ukraine.html").is_file()


def test_a_bad_parameter_in_the_list_stops_before_anything_runs(rebuilt):
    before = tree(rebuilt / "reports")
    (rebuilt / "reports.yaml").write_text(REPORTS.replace("{claimant_sides: [ukraine]}", "{claimant_sides: [nato]}"))
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=120)
    assert proc.returncode == 1
    assert err.splitlines() == [
        "reports.yaml: entry 3 (notebook 'casualties'), parameter set 'ukraine': claimant_sides has unknown side(s) "
        "'nato'; choose from russia, ukraine, other"
    ]
    assert tree(rebuilt / "reports") == before


def test_a_run_that_left_no_notebook_still_gets_its_failure_page(rebuilt, monkeypatch):
    def kernel_died(payloads, pool, progress):
        return {
            p["id"]: {
                "id": p["id"],
                "status": "failed",
                "error": "RuntimeError: Kernel died before replying to kernel_info",
                "notebook": None,
            }
            for p in payloads
        }

    monkeypatch.setattr(workers, "run_all", kernel_died)
    outcome = build(rebuilt, force=True, progress=False)
    assert len(outcome.failed) == 3
    for report_id, _ in outcome.failed:
        page = (rebuilt / "reports" / "failed" / f"{report_id}.html").read_text()
        assert "Kernel died before replying to kernel_info" in page
        assert (rebuilt / "reports" / f"{report_id}.html").is_file()  # the last good one stays


def test_disk_full_while_publishing_leaves_reports_as_they_were(rebuilt, monkeypatch):
    import errno

    from warclaims.reports import build as build_mod

    before = tree(rebuilt / "reports")
    (rebuilt / "notebooks" / "overview.ipynb").write_text(
        (rebuilt / "notebooks" / "overview.ipynb").read_text().replace("# Overview", "# Overview, changed")
    )
    real, calls = build_mod.write_new, []

    def fill_up(path, data, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data, **kwargs)

    monkeypatch.setattr(build_mod, "write_new", fill_up)
    with pytest.raises(build_mod.PublishError) as info:
        build(rebuilt, progress=False)
    assert str(info.value).startswith("no space left on device writing reports/")
    assert str(info.value).endswith("; reports/ left as it was")
    assert tree(rebuilt / "reports") == before


def test_reports_that_cannot_be_written_are_said_before_anything_runs(rebuilt, monkeypatch):
    shutil.rmtree(rebuilt / "reports")
    (rebuilt / "reports").write_text("not a folder")
    monkeypatch.setattr(workers, "run_all", no_kernels)
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=60)
    assert proc.returncode == 1
    assert err.splitlines() == ["cannot write reports/: file exists"]


@pytest.mark.parametrize("warm", [True, False], ids=["forked", "cold"])
def test_killed_build_leaves_no_orphans(rebuilt, mark, tmp_path, warm):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"WARCLAIMS_TEST_MARK": mark, "TMPDIR": str(tmp)}
    cold = [] if warm else ["--cold-kernels"]  # no zygote: the workers remove the build's folder
    proc = cli(rebuilt, "build", "--force", "--quiet", *cold, env=env, start_new_session=True)
    wait_until(lambda: kernels_of(mark), 60, "a kernel of the build to start")
    os.kill(proc.pid, signal.SIGKILL)  # the build alone: its forkserver, workers and kernels must notice
    proc.communicate(timeout=30)
    wait_until(lambda: not marked(mark), 10, "the killed build's workers and kernels to exit")

    def left():  # multiprocessing's own folder (the forkserver's socket) is the killed build's to remove
        return [p.name for p in tmp.iterdir() if not p.name.startswith("pymp-")]

    # The zygote removes them once the workers have noticed the build is gone and emptied them: under
    # a loaded machine (a full suite beside another session) that took more than 5 s twice in four runs.
    wait_until(lambda: not left(), 20, "the killed build's temporary folders to be removed")


def test_a_build_killed_before_its_first_report_leaves_no_folder(rebuilt, mark, tmp_path):
    # With cold kernels no zygote watches the build: killed once its forkserver runs (validation
    # next, the workers later), nothing must be left of it but multiprocessing's own folder.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"WARCLAIMS_TEST_MARK": mark, "TMPDIR": str(tmp)}
    proc = cli(rebuilt, "build", "--force", "--quiet", "--cold-kernels", env=env, start_new_session=True)
    wait_until(lambda: any("multiprocessing.forkserver" in cmd for cmd in marked(mark).values()), 60, "the forkserver")
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    wait_until(lambda: not marked(mark), 10, "the killed build's processes to exit")
    assert [p.name for p in tmp.iterdir() if not p.name.startswith("pymp-")] == []


def test_stopping_the_workers_passes_over_one_whose_start_failed():
    import concurrent.futures as cf
    import multiprocessing

    never = multiprocessing.Process(target=print)  # as the executor holds one whose start raised (EMFILE)
    workers.stop(cf.ProcessPoolExecutor(max_workers=1), [never])  # joining it raised AssertionError


def test_a_second_build_at_once_is_refused_with_the_holders_pid(rebuilt):
    before = tree(rebuilt / "reports")
    with build_lock(rebuilt):
        _, err = (proc := cli(rebuilt, "build", "--force", "--quiet")).communicate(timeout=60)
    assert proc.returncode == 1
    assert err.strip() == f"another build is running (pid {os.getpid()}); wait for it to finish, then build again"
    assert tree(rebuilt / "reports") == before


def test_temporary_files_of_a_crashed_build_are_removed(rebuilt, monkeypatch):
    stale = rebuilt / "reports" / "notebooks" / ".overview--default.ipynb.tmp-99999"
    stale.write_bytes(b"half a notebook")
    monkeypatch.setattr(workers, "run_all", no_kernels)
    build(rebuilt, progress=False)
    assert not stale.exists()


def test_entry_needing_an_absent_file_is_skipped_with_a_message(rebuilt, monkeypatch):
    extra = """  - notebook: drone_interceptions
    requires: data/external/missile_attacks_daily.csv
    parameter_sets:
      air-force-context: {attacks_csv: data/external/missile_attacks_daily.csv}
"""
    (rebuilt / "reports.yaml").write_text(REPORTS + extra)
    monkeypatch.setattr(workers, "run_all", no_kernels)
    outcome = build(rebuilt, progress=False)
    assert outcome.skipped == [
        ("drone_interceptions--air-force-context", "needs data/external/missile_attacks_daily.csv (not present)")
    ]
    assert sorted(outcome.unchanged) == sorted(IDS)
    index = (rebuilt / "reports" / "index.html").read_text()
    assert "status-skipped" in index and "needs data/external" not in index  # a path is not for readers
    assert "Not built here: it needs a dataset this copy of the project does not have." in index


def test_entry_with_the_attack_dataset_present_builds_the_context_chart(rebuilt):
    external = rebuilt / "data" / "external" / "attacks"
    external.mkdir(parents=True, exist_ok=True)
    fixtures = ROOT / "tests" / "fixtures" / "attacks"
    shutil.copy(fixtures / "attacks_oddities.csv", external / "missile_attacks_daily.csv")
    shutil.copy(fixtures / "missiles_and_uavs.csv", external / "missiles_and_uavs.csv")
    shipped = (ROOT / "reports.yaml").read_text()
    entry = shipped[shipped.index("  - notebook: drone_interceptions\n    requires") :]
    (rebuilt / "reports.yaml").write_text(REPORTS + entry)
    outcome = build(rebuilt, progress=False)
    # A new page in every page's navigation: all are rebuilt, the context report among them.
    assert "drone_interceptions--air-force-context" in outcome.built and outcome.failed == []
    figures = sorted(
        p.name for p in (rebuilt / "reports" / "figures").glob("drone_interceptions--air-force-context--*.png")
    )
    assert figures == [
        "drone_interceptions--air-force-context--drone_claims.png",
        "drone_interceptions--air-force-context--drone_context.png",
    ]
    # The headline names the dataset beside the claims, never its count of other drones (Russia's,
    # launched at Ukraine) as if it answered the claims.
    context = heading_of(rebuilt / "reports" / "drone_interceptions--air-force-context.html")
    assert context.endswith("; beside the Ukrainian Air Force’s nightly counts")
    assert not re.search(r"\d", context.split("; beside", 1)[1])
    manifest = json.loads((rebuilt / "reports" / "manifest.json").read_text())
    assert (
        "data/external/attacks/missile_attacks_daily.csv"
        in manifest["reports"]["drone_interceptions--air-force-context"]["inputs"]
    )


def test_warnings_stay_out_of_reader_pages_and_are_named(rebuilt):
    path = rebuilt / "notebooks" / "overview.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "warn",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "import warnings\nwarnings.warn('constrained_layout not applied (/home/x/y.py)')",
        }
    )
    path.write_text(json.dumps(nb, indent=1))
    outcome = build(rebuilt, progress=False)
    assert outcome.warnings == {"overview--default": 1}
    assert "constrained_layout" not in (rebuilt / "reports" / "overview--default.html").read_text()
    assert "constrained_layout" in (rebuilt / "reports" / "notebooks" / "overview--default.ipynb").read_text()


def test_two_sets_drawing_the_same_figures_are_named(rebuilt):
    (rebuilt / "reports.yaml").write_text(
        REPORTS.replace(
            "      ukraine: {claimant_sides: [ukraine]}",
            "      default: {}\n      ukraine: {claimant_sides: [ukraine]}",
        )
    )
    outcome = build(rebuilt, progress=False)
    assert outcome.identical == [("casualties--default", "casualties--ukraine")]  # every casualty claim is Ukraine's


def test_the_index_names_its_sources_and_filters(built):
    index = (built / "reports" / "index.html").read_text(encoding="utf-8")
    assert (
        "Built from the claims read in these sources" in index
        and "article of 21 May 2025; headline and outlet not recorded" in index
    )
    # the index shows each report's headline and a small picture of its chart, never its parameters
    assert "Ukrainian servicemen: at least 6 killed and 10 wounded" in index and "claimant_sides" not in index
    assert ".thumb.webp" in index
    assert "Casualty claims: claims by Ukraine" in index


GENERAL_STAFF = """  - notebook: casualties
    requires: [data/external/general-staff/russia_losses_personnel.json]
    parameter_sets:
      general-staff-context:
        losses_json: data/external/general-staff/russia_losses_personnel.json
"""


def test_a_refreshed_dataset_rebuilds_exactly_the_reports_that_use_it(rebuilt, monkeypatch):
    (rebuilt / "reports.yaml").write_text(REPORTS + GENERAL_STAFF)
    shutil.copy(ROOT / "data" / "external.yaml", rebuilt / "data" / "external.yaml")
    monkeypatch.setattr(workers, "run_all", no_kernels)
    assert build(rebuilt, progress=False).skipped == [
        (
            "casualties--general-staff-context",
            "needs data/external/general-staff/russia_losses_personnel.json (not present)",
        )
    ]
    monkeypatch.undo()
    folder = rebuilt / "data" / "external" / "general-staff"
    folder.mkdir(parents=True)
    for name in ("russia_losses_personnel.json", "russia_losses_equipment.json"):
        shutil.copy(ROOT / "tests" / "fixtures" / "general_staff" / name, folder / name)
    outcome = build(rebuilt, progress=False)
    assert "casualties--general-staff-context" in outcome.built and outcome.failed == []
    summary = json.loads((rebuilt / "reports" / "external.json").read_text())
    assert summary["general-staff"]["last_date"] == "2025-05-29"
    figures = sorted(p.name for p in (rebuilt / "reports" / "figures").glob("casualties--general-staff-context--*.png"))
    assert figures == [
        "casualties--general-staff-context--casualties.png",
        "casualties--general-staff-context--losses_context.png",
    ]
    context = heading_of(rebuilt / "reports" / "casualties--general-staff-context.html")
    assert context.endswith("; beside the Ukrainian General Staff’s daily claims of Russian losses")
    assert "according to Ukraine’s national guard" in context  # the claimant keeps its name
    assert context != heading_of(rebuilt / "reports" / "casualties--ukraine.html")  # the same claims, no dataset
    # A refresh of the fetched file: that report is rebuilt, the others are not.
    records = json.loads((folder / "russia_losses_personnel.json").read_text())
    records.append({"date": "2025-05-30", "personnel": records[-1]["personnel"] + 1000, "personnel*": "about"})
    (folder / "russia_losses_personnel.json").write_text(json.dumps(records))
    outcome = build(rebuilt, progress=False)
    assert outcome.built == ["casualties--general-staff-context"]
    assert json.loads((rebuilt / "reports" / "external.json").read_text())["general-staff"]["last_date"] == "2025-05-30"


def test_the_territory_report_against_the_maps_is_built_when_the_snapshots_are_there(rebuilt, monkeypatch):
    entry = """  - notebook: territory
    requires: [data/external/deepstate/geojsons]
    parameter_sets:
      deepstate-context:
        snapshots: data/external/deepstate/geojsons
        region_geojson: data/regions/test.geojson
"""
    (rebuilt / "reports.yaml").write_text(REPORTS + entry)
    shutil.copy(ROOT / "data" / "external.yaml", rebuilt / "data" / "external.yaml")
    monkeypatch.setattr(workers, "run_all", no_kernels)
    assert [r for r, _ in build(rebuilt, progress=False).skipped] == ["territory--deepstate-context"]
    monkeypatch.undo()
    folder = rebuilt / "data" / "external" / "deepstate" / "geojsons"
    folder.mkdir(parents=True)
    monkeypatch.setattr(workers, "run_all", no_kernels)
    assert [r for r, _ in build(rebuilt, progress=False).skipped] == ["territory--deepstate-context"]  # empty
    monkeypatch.undo()
    fixtures = ROOT / "tests" / "fixtures" / "territory"
    shutil.copy(fixtures / "snapshot_1720000000.geojson", folder)
    shutil.copy(fixtures / "region.geojson", rebuilt / "data" / "regions" / "test.geojson")
    outcome = build(rebuilt, progress=False)
    assert "territory--deepstate-context" in outcome.built and outcome.failed == []
    page = (rebuilt / "reports" / "territory--deepstate-context.html").read_text()
    assert 'alt="Map of test region, ' in page  # the maps, beside the area chart
    assert (rebuilt / "build" / "cache" / "territory").is_dir()  # the areas are kept for the next build
    # A new snapshot in the folder rebuilds that report, and only it.
    shutil.copy(fixtures / "snapshot_1720086400.geojson", folder)
    assert build(rebuilt, progress=False).built == ["territory--deepstate-context"]


def test_the_date_the_data_last_changed_is_asked_of_git_only_when_head_moves(tmp_path, monkeypatch):
    from warclaims.reports import build as build_module

    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    assert build_module.data_changed(root) is None  # no history above the project: git is not asked

    def git(*args, date):
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        env |= {
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        }
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main", date="2025-06-01T12:00:00")
    git("add", "-A", date="2025-06-01T12:00:00")
    git("commit", "-q", "-m", "data", date="2025-06-01T12:00:00")
    assert build_module.data_changed(root) == "2025-06-01"
    asked = []
    real = build_module._git_data_changed
    monkeypatch.setattr(build_module, "_git_data_changed", lambda r: asked.append(r) or real(r))
    assert build_module.data_changed(root) == "2025-06-01" and asked == []  # HEAD unchanged: remembered
    (root / "data" / "notes.txt").write_text("a change\n")  # not the claim table: its date stays
    git("add", "-A", date="2025-06-20T12:00:00")
    git("commit", "-q", "-m", "a note", date="2025-06-20T12:00:00")
    assert build_module.data_changed(root) == "2025-06-01" and len(asked) == 1  # HEAD moved: asked again
    (root / "data" / "sources.csv").write_text((root / "data" / "sources.csv").read_text() + "\n")
    git("add", "-A", date="2025-07-02T12:00:00")
    git("commit", "-q", "-m", "more data", date="2025-07-02T12:00:00")
    assert build_module.data_changed(root) == "2025-07-02" and len(asked) == 2


def _listed(reports) -> set[str]:
    manifest = json.loads((reports / "manifest.json").read_text())
    listed = {"index.html", "manifest.json", "external.json"}
    for entry in manifest["reports"].values():
        listed |= set(entry.get("outputs", {})) | set(entry.get("failed_outputs", {}))
    return listed


def test_pages_of_reports_that_left_the_list_are_removed(rebuilt):
    (rebuilt / "reports.yaml").write_text("reports:\n  - notebook: overview\n")
    (rebuilt / "reports" / "failed").mkdir(exist_ok=True)
    (rebuilt / "reports" / "failed" / "territory--default.html").write_text("<html>an old failure</html>")
    assert build(rebuilt, progress=False).built == ["overview--default"]  # its navigation changed
    files = {p.relative_to(rebuilt / "reports").as_posix() for p in (rebuilt / "reports").rglob("*") if p.is_file()}
    assert files <= _listed(rebuilt / "reports"), sorted(files - _listed(rebuilt / "reports"))
    assert not any("territory" in f or "casualties" in f for f in files)
    assert "overview--default.html" in files


def test_the_build_lock_is_never_opened_through_a_link(rebuilt, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    lock = rebuilt / "build" / "build.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(precious)
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=60)
    assert (proc.returncode, err.strip()) == (
        1,
        "build/build.lock is a link, not the build's lock file; remove it, then build again",
    )
    assert precious.read_text() == "keep me\n"
    lock.unlink()
    lock.symlink_to(tmp_path / "nowhere")  # dangling
    assert cli(rebuilt, "build", "--quiet").communicate(timeout=60)[1].strip().startswith("build/build.lock is a link")
    lock.unlink()
    lock.mkdir()
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=60)
    assert (proc.returncode, err.strip()) == (
        1,
        "build/build.lock is a folder, not the build's lock file; remove it, then build again",
    )


def test_publishing_never_writes_through_a_link_in_reports(rebuilt, tmp_path):
    from warclaims.paths import temporary_name
    from warclaims.reports.build import publish

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    out = rebuilt / "reports"
    shutil.rmtree(out / "figures")
    (out / "figures").symlink_to(elsewhere)  # a folder replaced by a link
    (out / "page.html").symlink_to(victim)  # a page replaced by a link
    temporary_name(out / "new.html").symlink_to(victim)  # the temporary name taken by a link
    publish(out, {"figures/a.png": b"png", "page.html": b"<html>", "new.html": b"<html>new"})
    assert victim.read_text() == "keep me\n" and list(elsewhere.iterdir()) == []
    assert (out / "figures").is_dir() and not (out / "figures").is_symlink()
    assert (out / "figures" / "a.png").read_bytes() == b"png"
    assert not (out / "page.html").is_symlink() and (out / "page.html").read_bytes() == b"<html>"
    assert (out / "new.html").read_bytes() == b"<html>new"


def test_published_files_are_readable_whatever_the_umask(rebuilt):
    from warclaims.reports.build import publish

    old = os.umask(0o077)
    try:
        publish(rebuilt / "reports", {"page.html": b"<html>", "figures/x.png": b"png"})
    finally:
        os.umask(old)
    assert (rebuilt / "reports" / "page.html").stat().st_mode & 0o777 == 0o644
    assert (rebuilt / "reports" / "figures" / "x.png").stat().st_mode & 0o777 == 0o644


def test_a_folder_where_a_page_goes_is_said_before_anything_is_written(rebuilt):
    from warclaims.reports.build import PublishError, publish

    out = rebuilt / "reports"
    (out / "in-the-way.html").mkdir()
    before = tree(out)
    with pytest.raises(PublishError) as info:
        publish(out, {"a-new-page.html": b"<html>", "in-the-way.html": b"<html>"})
    assert str(info.value) == (
        "reports/in-the-way.html is a folder where the build puts a file; move it away, then build again"
    )
    assert tree(out) == before and not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_workers_that_cannot_start_are_one_line_and_leave_nothing(rebuilt, monkeypatch, tmp_path):
    import errno

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", None)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "/dev/shm/sem.x")

    monkeypatch.setattr(workers, "start_forkserver", read_only)
    before = tree(rebuilt / "reports")
    with pytest.raises(workers.WorkersError) as info:
        build(rebuilt, force=True, progress=False)
    assert str(info.value) == (
        "cannot start the build's workers: read-only file system (/dev/shm/sem.x); reports/ left as it was"
    )
    assert tree(rebuilt / "reports") == before
    assert [p.name for p in tmp.iterdir() if not p.name.startswith("pymp-")] == []


def test_a_fifo_or_a_hard_link_as_the_build_lock_is_one_line(rebuilt, tmp_path):
    lock = rebuilt / "build" / "build.lock"
    lock.unlink(missing_ok=True)
    os.mkfifo(lock)
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=60)
    assert (proc.returncode, err.strip()) == (
        1,
        "build/build.lock is not a regular file, not the build's lock file; remove it, then build again",
    )
    lock.unlink()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    os.link(precious, lock)
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=60)
    assert proc.returncode == 1 and "has other names (a hard link)" in err
    assert precious.read_text() == "keep me\n"


def test_links_inside_reports_are_removed_and_what_was_behind_them_rebuilt(rebuilt, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.rmtree(rebuilt / "reports" / "figures")
    (rebuilt / "reports" / "figures").symlink_to(empty)
    _, err = (proc := cli(rebuilt, "build", "--quiet")).communicate(timeout=120)
    assert proc.returncode == 0, err
    assert list(empty.iterdir()) == [] and not (rebuilt / "reports" / "figures").is_symlink()
    manifest = json.loads((rebuilt / "reports" / "manifest.json").read_text())
    for entry in manifest["reports"].values():
        for rel, digest in entry.get("outputs", {}).items():
            assert sha256((rebuilt / "reports" / rel).read_bytes()) == digest


def test_only_the_builds_own_temporary_names_are_spared(rebuilt):
    from warclaims.reports.build import unlisted

    out = rebuilt / "reports"
    (out / "stale.tmp-notes").write_text("x")
    (out / ".page.html.tmp-123").write_text("x")
    manifest = json.loads((out / "manifest.json").read_text())
    assert unlisted(out, manifest) == ["stale.tmp-notes"]


def test_navigation_stays_bounded_as_the_report_list_grows():
    """1,000 parameter sets: each page links to at most NAV_MOST reports (its neighbours among its
    notebook's, and each other notebook's first), itself among them; a report added at the end
    changes the navigation of a handful of pages, not of all 1,000."""
    from warclaims.reports.build import NAV_MOST, navigation
    from warclaims.reports.reportlist import Report

    def listing(n):
        sets = [Report(f"casualties--s{i}", "notebooks/casualties.ipynb", f"s{i}", {}) for i in range(n)]
        return [Report("overview--default", "notebooks/overview.ipynb", "default", {}), *sets]

    short = navigation(ROOT, listing(5))
    assert all(len(nav) == 6 for nav in short.values())  # a short list: every report on every page
    navs = navigation(ROOT, listing(1000))
    assert max(len(nav) for nav in navs.values()) <= NAV_MOST
    for report_id, nav in navs.items():
        ids = [n["id"] for n in nav]
        assert report_id in ids and "overview--default" in ids
    assert [n["id"] for n in navs["casualties--s500"]][1:] == [f"casualties--s{i}" for i in range(495, 506)]
    grown = navigation(ROOT, listing(1001))
    assert sum(grown[k] != navs[k] for k in navs) <= NAV_MOST
