"""`warclaims fetch` against a real HTTP server on 127.0.0.1 started by the test: files and their
provenance land atomically; a 404, a truncated answer, a stalled server and no server at all are one
line each and leave the previous copy in place. Nothing here reaches the internet."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from warclaims.external.datasets import load_datasets, meta_path
from warclaims.external.fetch import FetchError, fetch_dataset

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "general_staff"
MODE = {"value": "ok"}  # what the server does: ok, 404, truncate, stall
RELEASED = threading.Event()  # a stalled answer waits for it: set when the test that stalled it ends


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        path = FIXTURES / name
        mode = MODE["value"]
        if mode == "404" or not path.is_file():
            self.send_error(404, "Not Found")
            return
        data = path.read_bytes()
        if mode == "stall":
            RELEASED.wait(30)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(1)
            return
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/data"
    httpd.shutdown()


@pytest.fixture
def project(tmp_path, server):
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    MODE["value"] = "ok"
    RELEASED.clear()
    yield tmp_path
    RELEASED.set()


def dataset(root):
    return load_datasets(root)["general-staff"]


def test_files_and_their_provenance_land_in_data_external(project, server):
    fetched = fetch_dataset(dataset(project), project, base_url=server, progress=False)
    assert [f.file for f in fetched] == ["russia_losses_personnel.json", "russia_losses_equipment.json"]
    for f in fetched:
        assert f.path.read_bytes() == (FIXTURES / f.file).read_bytes()
        meta = json.loads(meta_path(f.path).read_text())
        assert meta["source_url"] == f"{server}/{f.file}" and meta["size"] == f.size and meta["licence"] == "MIT"
        assert len(meta["sha256"]) == 64 and meta["retrieved"].endswith("Z")
    assert sorted(p.name for p in (project / "data" / "external" / "general-staff").iterdir()) == [
        "russia_losses_equipment.json",
        "russia_losses_equipment.json.meta.json",
        "russia_losses_personnel.json",
        "russia_losses_personnel.json.meta.json",
    ]


def test_a_file_on_disk_is_kept_unless_forced(project, server):
    fetch_dataset(dataset(project), project, base_url=server, progress=False)
    assert all(f.kept for f in fetch_dataset(dataset(project), project, base_url=server, progress=False))
    assert not any(
        f.kept for f in fetch_dataset(dataset(project), project, base_url=server, force=True, progress=False)
    )


@pytest.mark.parametrize(
    "mode, says",
    [
        ("404", "general-staff/russia_losses_personnel.json: HTTP 404 Not Found from "),
        ("truncate", "general-staff/russia_losses_personnel.json: the download stopped after "),
        ("stall", "general-staff/russia_losses_personnel.json: no answer for 1 s from "),
    ],
)
def test_a_failed_download_is_one_line_and_keeps_the_old_copy(project, server, mode, says):
    fetch_dataset(dataset(project), project, base_url=server, progress=False)
    path = dataset(project).path(project, "russia_losses_personnel.json")
    before = path.read_bytes(), meta_path(path).read_bytes()
    MODE["value"] = mode
    with pytest.raises(FetchError) as info:
        fetch_dataset(dataset(project), project, base_url=server, force=True, timeout=1, progress=False)
    assert (
        str(info.value).startswith(says) and str(info.value).endswith("old copy kept") and "\n" not in str(info.value)
    )
    assert (path.read_bytes(), meta_path(path).read_bytes()) == before
    assert [p.name for p in path.parent.iterdir() if ".tmp-" in p.name] == []


def test_no_server_is_one_line(project):
    with socket.socket() as held:  # bound, never listening: this port is ours, and a connection is refused
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        with pytest.raises(
            FetchError, match=rf"cannot reach http://127\.0\.0\.1:{port}/x/russia_losses_personnel\.json .*offline"
        ):
            fetch_dataset(dataset(project), project, base_url=f"http://127.0.0.1:{port}/x", timeout=2, progress=False)


def test_the_command_line(project, server):
    env = {**os.environ, "WARCLAIMS_ROOT": str(project), "WARCLAIMS_GENERAL_STAFF_BASE_URL": server}
    (project / "pyproject.toml").write_text("")
    (project / "src" / "warclaims").mkdir(parents=True)
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "fetch", "general-staff", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("general-staff/russia_losses_personnel.json: ")
    MODE["value"] = "404"
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "fetch", "general-staff", "--force", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 1 and len(run.stderr.splitlines()) == 1 and "HTTP 404" in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "fetch", "nothing"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 1 and run.stderr.startswith("unknown dataset(s) nothing; data/external.yaml declares")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "datasets:\n  a: &a {x: 1}\n  b: *a\n",
            "data/external.yaml:3: column 6: not valid YAML (aliases (*a) are not allowed in data/external.yaml)",
        ),
        (
            "datasets:\n  a: {}\n  a: {}\n",
            "data/external.yaml:3: column 3: not valid YAML (key 'a' appears twice (lines 2 and 3))",
        ),
    ],
)
def test_external_yaml_is_read_as_strictly_as_the_report_list(tmp_path, text, says):
    from warclaims.external.datasets import DatasetListError

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "external.yaml").write_text(text)
    with pytest.raises(DatasetListError) as info:
        load_datasets(tmp_path)
    assert str(info.value) == says


def test_an_unknown_importer_or_a_file_name_with_a_folder_is_refused(tmp_path):
    from warclaims.external.datasets import DatasetListError

    (tmp_path / "data").mkdir()
    text = (ROOT / "data" / "external.yaml").read_text()
    (tmp_path / "data" / "external.yaml").write_text(text.replace("importer: general_staff", "importer: pickle"))
    with pytest.raises(DatasetListError, match="dataset 'general-staff': importer must be one of"):
        load_datasets(tmp_path)
    (tmp_path / "data" / "external.yaml").write_text(text.replace("- russia_losses_equipment.json", "- ../../x.json"))
    with pytest.raises(DatasetListError, match="files must be a list of file names"):
        load_datasets(tmp_path)


def test_a_file_cut_short_on_disk_is_fetched_again_not_kept(project, server):
    fetch_dataset(dataset(project), project, base_url=server, progress=False)
    path = dataset(project).path(project, "russia_losses_personnel.json")
    path.write_bytes(path.read_bytes()[:100])
    fetched = {f.file: f for f in fetch_dataset(dataset(project), project, base_url=server, progress=False)}
    assert not fetched["russia_losses_personnel.json"].kept and fetched["russia_losses_equipment.json"].kept
    assert path.read_bytes() == (FIXTURES / "russia_losses_personnel.json").read_bytes()


def test_fetched_files_are_readable_whatever_the_umask(project, server):
    old = os.umask(0o077)
    try:
        fetched = fetch_dataset(dataset(project), project, base_url=server, force=True, progress=False)
    finally:
        os.umask(old)
    assert all(f.path.stat().st_mode & 0o777 == 0o644 for f in fetched)
    assert all(meta_path(f.path).stat().st_mode & 0o777 == 0o644 for f in fetched)
