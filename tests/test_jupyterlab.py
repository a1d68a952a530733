"""The notebooks in JupyterLab, as a person opens them: the project's kernel by its name, and no
notebook marked modified just by being opened (a metadata field the kernel fills in would do that)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM, ROOT

# The server is on 127.0.0.1: that address alone resolves (see conftest's CHROMIUM_ARGS).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_carry_what_the_kernel_reports():
    """JupyterLab writes the kernel's language_info and kernelspec into an open notebook; a notebook
    that already holds them is not changed, so not marked modified."""
    from ipykernel.ipkernel import IPythonKernel

    for path in NOTEBOOKS:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert meta["language_info"] == IPythonKernel.language_info, path.name
        assert meta["kernelspec"] == {"display_name": "warclaims (.venv)", "language": "python", "name": "warclaims"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over a copy of the notebooks (it may autosave), with a fresh workspace."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package")
    folder = tmp_path_factory.mktemp("lab")
    for path in NOTEBOOKS:
        shutil.copy(path, folder / path.name)
    runtime = folder / ".runtime"  # where the server says which port it took
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.port=0",  # a port the system gives it: none assumed free
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.token=",
            "--ServerApp.password=",
            f"--LabApp.workspaces_dir={folder / '.workspaces'}",
            f"--notebook-dir={folder}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "WARCLAIMS_ROOT": str(ROOT), "JUPYTER_RUNTIME_DIR": str(runtime)},
    )
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if url is None:  # the server's info file, written once it listens
                info = json.loads(next(runtime.glob("jpserver-*.json")).read_text())
                url = f"http://127.0.0.1:{info['port']}"
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except (StopIteration, ValueError, KeyError, OSError):
            time.sleep(0.25)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    yield url, folder
    proc.terminate()
    proc.wait(timeout=20)


def dirty_once_idle(browser, url: str, name: str) -> bool:
    """Open notebook `name` in a workspace of its own; once its kernel is idle, is its tab marked
    modified? (The kernel's reply, whose language_info JupyterLab writes into the notebook, comes
    before the idle status: the control test below shows it on a notebook without it.)"""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{url}/lab/workspaces/{Path(name).stem}/tree/{name}?reset")
        page.wait_for_selector(".jp-NotebookPanel")
        page.wait_for_function(
            "[...document.querySelectorAll('.jp-Toolbar-kernelName')].some(e => e.textContent.includes('warclaims (.venv)'))"
        )
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60000)
        tab = page.locator(".lm-TabBar-tab", has_text=name)
        return "jp-mod-dirty" in (tab.get_attribute("class") or "")
    finally:
        page.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opening_a_notebook_does_not_mark_it_modified(lab, browser, path):
    url, folder = lab
    assert not dirty_once_idle(browser, url, path.name)
    assert (folder / path.name).read_bytes() == path.read_bytes()


def test_a_notebook_the_kernel_fills_in_is_marked_modified_by_the_time_it_is_idle(lab, browser):
    # The control: without language_info, the kernel's reply changes the notebook, and the tab is
    # marked modified once the kernel is idle. So the test above looks late enough to see it.
    url, folder = lab
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    del nb["metadata"]["language_info"]
    (folder / "control.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert dirty_once_idle(browser, url, "control.ipynb")
