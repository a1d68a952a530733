"""The notebooks in JupyterLab, as a person opens them: the project's kernel by its name, and no
notebook marked modified just by being opened (a metadata field the kernel fills in would do that)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_carry_what_the_kernel_reports():
    """JupyterLab writes the kernel's language_info and kernelspec into an open notebook; a notebook
    that already holds them is not changed, so not marked modified."""
    from ipykernel.ipkernel import IPythonKernel

    for path in NOTEBOOKS:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert meta["language_info"] == IPythonKernel.language_info, path.name
        assert meta["kernelspec"] == {"display_name": "warclaims (.venv)", "language": "python", "name": "warclaims"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over a copy of the notebooks (it may autosave), with a fresh workspace."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package")
    folder = tmp_path_factory.mktemp("lab")
    for path in NOTEBOOKS:
        shutil.copy(path, folder / path.name)
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.token=",
            "--ServerApp.password=",
            f"--LabApp.workspaces_dir={folder / '.workspaces'}",
            f"--notebook-dir={folder}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "WARCLAIMS_ROOT": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.25)
    yield url, folder
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opening_a_notebook_does_not_mark_it_modified(lab, path):
    from playwright.sync_api import sync_playwright

    url, folder = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/lab/workspaces/{path.stem}/tree/{path.name}?reset")
        page.wait_for_selector(".jp-NotebookPanel")
        page.wait_for_function(
            "[...document.querySelectorAll('.jp-Toolbar-kernelName')].some(e => e.textContent.includes('warclaims (.venv)'))"
        )
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60000)
        page.wait_for_timeout(1500)  # what the kernel reports has been written into the model by now
        tab = page.locator(".lm-TabBar-tab", has_text=path.name)
        assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
        browser.close()
    assert (folder / path.name).read_bytes() == path.read_bytes()
