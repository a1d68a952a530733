"""`warclaims fetch deepstate` against an archive served on 127.0.0.1 by the test: its git tree, then
only the snapshots not on disk; a file whose size or git hash is not the list's, or that does not
read as a snapshot, is not kept; a truncated or broken list changes nothing; the licence note is
printed once. Nothing here reaches the internet."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from warclaims.external.archive import LICENCE_NOTE, fetch_archive, git_blob_sha1
from warclaims.external.datasets import load_datasets, meta_path
from warclaims.external.fetch import FetchError

from conftest import ROOT

SNAPSHOTS = Path(__file__).parent / "fixtures" / "territory"


class Archive:
    """What the server serves: files by path, the tree it lists, and what was asked for."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.listed: dict[str, dict] = {}  # path -> tree entry (size and sha as listed)
        self.truncated = False
        self.requests: list[str] = []

    def add(self, name: str, data: bytes, *, listed_as: bytes | None = None):
        path = f"geojsons/{name}"
        self.files[path] = data
        shown = data if listed_as is None else listed_as
        sha = hashlib.sha1(b"blob %d\0" % len(shown) + shown, usedforsecurity=False).hexdigest()
        self.listed[path] = {"path": path, "type": "blob", "size": len(shown), "sha": sha}


ARCHIVE = {"now": Archive()}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        archive = ARCHIVE["now"]
        archive.requests.append(self.path)
        if self.path.startswith("/drip"):  # a byte every 0.2 s for a minute: each read is quick, the whole never ends
            self.send_response(200)
            self.send_header("Content-Length", "300")
            self.end_headers()
            for _ in range(300):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                threading.Event().wait(0.2)
            return
        if self.path.startswith("/tree"):
            tree = [{"path": "README.md", "type": "blob", "size": 3, "sha": "0" * 40}, *archive.listed.values()]
            body = json.dumps({"sha": "x", "tree": tree, "truncated": archive.truncated}).encode()
        elif self.path.startswith("/raw/") and self.path[5:] in archive.files:
            body = archive.files[self.path[5:]]
        else:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    ARCHIVE["now"] = Archive()
    return tmp_path


def snapshot(n: int) -> bytes:
    """A small valid snapshot (the fixture's), told apart by a property so each has its own hash."""
    doc = json.loads((SNAPSHOTS / "snapshot_1720000000.geojson").read_text())
    doc["features"][0].setdefault("properties", {})["copy"] = n
    return json.dumps(doc).encode()


def fetch(project, server, **kwargs):
    dataset = load_datasets(project)["deepstate"]
    return fetch_archive(
        dataset, project, base_url=f"{server}/raw", listing_url=f"{server}/tree", progress=False, **kwargs
    )


def test_the_list_then_only_the_new_snapshots(project, server):
    archive = ARCHIVE["now"]
    archive.add("1720000000.geojson", snapshot(1))
    archive.add("1720086400.geojson", snapshot(2))
    first = fetch(project, server)
    assert first.fetched == ["1720000000.geojson", "1720086400.geojson"] and first.kept == 0
    folder = project / "data" / "external" / "deepstate" / "geojsons"
    assert sorted(p.name for p in folder.glob("*.geojson")) == first.fetched
    meta = json.loads(meta_path(folder / "1720000000.geojson").read_text())
    assert (
        meta["git_sha"]
        == git_blob_sha1(folder / "1720000000.geojson")
        == archive.listed["geojsons/1720000000.geojson"]["sha"]
    )
    assert meta["sha256"] == hashlib.sha256(snapshot(1)).hexdigest() and meta["licence"].startswith("none stated")
    archive.add("1720172800.geojson", snapshot(3))
    archive.requests.clear()
    second = fetch(project, server)
    assert second.fetched == ["1720172800.geojson"] and second.kept == 2 and second.listed == 3
    assert [r for r in archive.requests if r.startswith("/raw/")] == ["/raw/geojsons/1720172800.geojson"]
    assert "3 snapshots listed; 1 new fetched, 2 already on disk" in str(second)


@pytest.mark.parametrize("how", ["cut short", "edited, same size", "a link"])
def test_a_file_replaced_on_disk_is_fetched_again(project, server, tmp_path, how):
    ARCHIVE["now"].add("1720000000.geojson", snapshot(1))
    fetch(project, server)
    path = project / "data" / "external" / "deepstate" / "geojsons" / "1720000000.geojson"
    if how == "cut short":
        path.write_bytes(b"{}")
    elif how == "edited, same size":
        data = bytearray(path.read_bytes())
        data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
        path.write_bytes(bytes(data))
    else:
        outside = tmp_path / "outside.geojson"
        outside.write_bytes(snapshot(1))
        path.unlink()
        path.symlink_to(outside)
    again = fetch(project, server)
    assert again.fetched == ["1720000000.geojson"] and path.read_bytes() == snapshot(1) and not path.is_symlink()


def test_a_fifo_sidecar_or_a_folder_in_the_way_is_one_line_never_a_hang(project, server):
    import os as _os

    archive = ARCHIVE["now"]
    archive.add("1720000000.geojson", snapshot(1))
    archive.add("1720086400.geojson", snapshot(2))
    fetch(project, server)
    folder = project / "data" / "external" / "deepstate" / "geojsons"
    sidecar = meta_path(folder / "1720000000.geojson")
    sidecar.unlink()
    _os.mkfifo(sidecar)
    (folder / "1720086400.geojson").unlink()
    (folder / "1720086400.geojson").mkdir()
    (folder / ".x.tmp-1").mkdir()
    got = fetch(project, server, timeout=10)
    [line] = got.failed
    assert "1720086400.geojson is a folder, where the file goes" in line and "\n" not in line
    assert got.fetched == ["1720000000.geojson"] and sidecar.is_file()  # the FIFO was never read: replaced


def test_a_linked_folder_is_refused_before_anything_is_written(project, server, tmp_path):
    ARCHIVE["now"].add("1720000000.geojson", snapshot(1))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "data" / "external" / "deepstate").mkdir(parents=True)
    (project / "data" / "external" / "deepstate" / "geojsons").symlink_to(elsewhere)
    with pytest.raises(FetchError, match="data/external/deepstate/geojsons is a link"):
        fetch(project, server)
    assert list(elsewhere.iterdir()) == []


def test_a_list_that_names_a_file_twice_fetches_it_once(project, server):
    archive = ARCHIVE["now"]
    archive.add("1720000000.geojson", snapshot(1))
    archive.listed["geojsons/1720000000.geojson-again"] = dict(archive.listed["geojsons/1720000000.geojson"])
    got = fetch(project, server)
    assert got.listed == 1 and got.fetched == ["1720000000.geojson"]


@pytest.mark.parametrize(
    ("served", "listed_as", "says"),
    [
        (b"<html>rate limited</html>", None, "not JSON"),
        (b'{"type": "FeatureCollection", "features": []}', None, "no polygons"),
        (snapshot(9), snapshot(8), "git hash differs"),
        (snapshot(9)[:-10], snapshot(9), "bytes where the list gives"),
    ],
)
def test_a_snapshot_that_is_not_the_listed_one_is_not_kept(project, server, served, listed_as, says):
    archive = ARCHIVE["now"]
    archive.add("1720000000.geojson", snapshot(1))
    fetch(project, server)
    archive.add("1720086400.geojson", served, listed_as=listed_as)
    archive.add("1720172800.geojson", snapshot(3))  # a good one after the bad: still fetched
    got = fetch(project, server)
    [line] = got.failed
    assert says in line and "\n" not in line and line.startswith("deepstate/geojsons/1720086400.geojson: not kept: ")
    assert "old copy kept" not in line and got.fetched == ["1720172800.geojson"]
    folder = project / "data" / "external" / "deepstate" / "geojsons"
    assert sorted(p.name for p in folder.iterdir() if "1720086400" in p.name) == []


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("truncated", "says it is truncated"),
        ("empty", "names no snapshot under geojsons/"),
        ("no-server", "cannot read its file list"),
    ],
)
def test_a_list_that_cannot_be_trusted_fetches_nothing(project, server, setup, says):
    archive = ARCHIVE["now"]
    if setup != "empty":
        archive.add("1720000000.geojson", snapshot(1))
    archive.truncated = setup == "truncated"
    dataset = load_datasets(project)["deepstate"]
    with socket.socket() as closed:  # bound, never listening: a connection to it is refused, and no one else has it
        closed.bind(("127.0.0.1", 0))
        listing = f"http://127.0.0.1:{closed.getsockname()[1]}/tree" if setup == "no-server" else f"{server}/tree"
        with pytest.raises(FetchError, match=says):
            fetch_archive(dataset, project, base_url=f"{server}/raw", listing_url=listing, progress=False, timeout=5)
    assert not [r for r in archive.requests if r.startswith("/raw/")]


def test_the_command_line_says_the_licence_once_and_what_it_fetched(project, server):
    ARCHIVE["now"].add("1720000000.geojson", snapshot(1))
    (project / "pyproject.toml").write_text("")
    (project / "src" / "warclaims").mkdir(parents=True)
    env = {
        **os.environ,
        "WARCLAIMS_ROOT": str(project),
        "WARCLAIMS_DEEPSTATE_BASE_URL": f"{server}/raw",
        "WARCLAIMS_DEEPSTATE_LISTING_URL": f"{server}/tree",
    }
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "fetch", "deepstate", "--quiet"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(LICENCE_NOTE) == 1
    assert (
        run.stdout.splitlines()[-1]
        == "deepstate: 1 snapshot listed; 1 new fetched, 0 already on disk (latest 1720000000.geojson)"
    )


def test_a_list_larger_than_a_list_or_too_slow_fetches_nothing(project, server, monkeypatch):
    from warclaims.external import archive

    ARCHIVE["now"].add("1720000000.geojson", snapshot(1))
    monkeypatch.setattr(archive, "LISTING_BYTES", 100)
    with pytest.raises(FetchError, match="is larger than a list; nothing fetched"):
        fetch(project, server)
    monkeypatch.undo()
    dataset = load_datasets(project)["deepstate"]
    began = time.monotonic()
    with pytest.raises(FetchError, match="is not whole after 1 s; nothing fetched"):
        fetch_archive(
            dataset, project, base_url=f"{server}/raw", listing_url=f"{server}/drip", progress=False, timeout=1
        )
    assert time.monotonic() - began < 10  # the server would drip for a minute: the deadline, not the server, ends it
