"""The CI workflow users rely on to publish the reports is valid YAML and runs `make report`."""

from __future__ import annotations

import yaml

from conftest import ROOT


def test_reports_workflow_builds_and_uploads():
    doc = yaml.safe_load((ROOT / ".github/workflows/reports.yml").read_text())
    triggers = doc[True] if True in doc else doc["on"]  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and triggers["schedule"][0]["cron"]
    steps = doc["jobs"]["build"]["steps"]
    assert any(s.get("run") == "make report" for s in steps)
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "reports/"
    runs = [s.get("run", "") for s in steps]
    fetch = next(i for i, r in enumerate(runs) if "warclaims fetch" in r)
    guard = next(i for i, r in enumerate(runs) if "warclaims check-external" in r)
    build = runs.index("make report")
    publish = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert fetch < guard < build < publish  # fresh data, checked before anything is published
    cache = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/cache"))
    assert cache < fetch and "data/external/deepstate/geojsons" in steps[cache]["with"]["path"]
    assert steps[cache]["with"]["restore-keys"]  # each run restores the last, fetching only new snapshots


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def test_test_workflow_runs_make_test_on_push_and_pull_request():
    doc = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    triggers = doc[True] if True in doc else doc["on"]
    assert "push" in triggers and "pull_request" in triggers
    assert any(s.get("run") == "make test" for s in doc["jobs"]["test"]["steps"])


def test_pre_commit_runs_ruff_and_nbstripout_from_the_venv():
    hooks = [
        h for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"] for h in repo["hooks"]
    ]
    entries = [h["entry"] for h in hooks]
    assert any(e.startswith(".venv/bin/ruff check") for e in entries)
    assert any(e.startswith(".venv/bin/ruff format") for e in entries)
    assert any(e.startswith(".venv/bin/nbstripout --keep-id") for e in entries)
