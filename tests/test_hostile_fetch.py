"""`warclaims fetch` against a server that lies: every answer that is not the whole data is one
line, and the good copy on disk stays, with its sidecar. The server listens on 127.0.0.1 only,
every answer is bounded in size and time, and it is stopped after the module."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from warclaims.external.datasets import load_datasets, meta_path
from warclaims.external.fetch import FetchError, fetch_dataset

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "general_staff"
PERSONNEL = "russia_losses_personnel.json"
GOOD = (FIXTURES / PERSONNEL).read_bytes()
MODE = {"value": "ok"}


def _as_text(data: bytes) -> bytes:
    """The same records with every count rewritten as text: the size barely changes, the data is gone."""
    records = json.loads(data)
    return json.dumps(
        [{k: (str(v) if k not in ("date", "day") else v) for k, v in r.items()} for r in records]
    ).encode()


class Lying(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        mode = MODE["value"] if name == PERSONNEL else "ok"
        if name == "page.html":
            return self._send(b"<!doctype html><html><body>Sign in</body></html>", "text/html")
        if not (FIXTURES / name).is_file():
            self.send_error(404, "Not Found")
            return
        data = (FIXTURES / name).read_bytes()
        if mode == "ok":
            return self._send(data)
        if mode == "html":
            return self._send(b"<!doctype html><html><body>Rate limit exceeded</body></html>", "text/html")
        if mode == "partial":
            self.send_response(206)
            self.send_header("Content-Range", f"bytes 0-{len(data) // 2 - 1}/{len(data)}")
            return self._send(data[: len(data) // 2], status=None)
        if mode == "gzip":
            body = gzip.compress(data, mtime=0)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            return self._send(body, status=None)
        if mode == "no-length-cut":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            return self._raw(data[: len(data) // 2])
        if mode == "redirect-html":
            self.send_response(302)
            self.send_header("Location", "/data/page.html")
            return self._send(b"", status=None)
        if mode == "redirect-ok":
            self.send_response(302)
            self.send_header("Location", f"/mirror/{name}")
            MODE["value"] = "ok"
            return self._send(b"", status=None)
        if mode == "redirect-loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            return self._send(b"", status=None)
        if mode == "huge-announced":
            self.send_response(200)
            self.send_header("Content-Length", str(2 << 30))
            self.end_headers()
            return self._raw(data[:1000])
        if mode == "huge-streamed":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 65536
            for _ in range(40):  # 2.6 MB, past the test's bound of 1 MB
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            return self._raw(b"0\r\n\r\n")
        if mode == "drip":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for byte in data[:40]:  # 8 s at most, past the test's 1 s
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return self._raw(b"")
        if mode == "garbage-status":
            return self._raw(b"HTTP/1.1 twohundred OK\r\n\r\n" + data)
        if mode == "many-headers":
            self.send_response(200)
            for i in range(150):
                self.send_header(f"X-H{i}", "x")
            return self._send(data, status=None)
        if mode == "long-header":
            self.send_response(200)
            self.send_header("X-Long", "x" * 70_000)
            return self._send(data, status=None)
        if mode == "chunked-cut":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            return self._raw(b"%x\r\n%s\r\n" % (len(data), data[: len(data) // 2]))
        if mode == "bad-chunk-size":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            return self._raw(b"zz\r\n" + data)
        if mode == "odd-length":
            return self._raw(b"HTTP/1.1 200 OK\r\nContent-Length: \xc2\xb2\r\n\r\n" + data)
        if mode == "as-text":
            return self._send(_as_text(data))
        if mode == "empty-list":
            return self._send(b"[]")
        raise AssertionError(mode)

    def _send(self, body: bytes, content_type: str = "application/json", status: int | None = 200) -> None:
        if status is not None:
            self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Lying)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def project(tmp_path, server):
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "external.yaml", tmp_path / "data" / "external.yaml")
    MODE["value"] = "ok"
    fetch_dataset(dataset(tmp_path), tmp_path, base_url=server + "/data", progress=False)
    return tmp_path


def dataset(root):
    return load_datasets(root)["general-staff"]


def on_disk(root: Path) -> dict[str, bytes]:
    folder = root / "data" / "external" / "general-staff"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


REFUSED = [
    # (what the server does, what the one line says)
    ("html", "does not read as the data"),
    ("partial", "HTTP 206 Partial Content"),
    ("no-length-cut", "does not read as the data"),
    ("redirect-html", "does not read as the data"),
    ("redirect-loop", "more than 5 redirects"),
    ("huge-announced", "the server announces 2,147,483,648 bytes, more than the 1,000,000 a file may have"),
    ("huge-streamed", "more than 1,000,000 bytes from"),
    ("drip", "not whole after 1 s"),
    ("garbage-status", "broke off or was not HTTP"),
    ("many-headers", ""),  # refused or read whole: either way, never a traceback
    ("long-header", ""),
    ("chunked-cut", "broke off or was not HTTP"),
    ("bad-chunk-size", "broke off or was not HTTP"),
    ("odd-length", "broke off or was not HTTP"),
    ("as-text", "does not read as the data"),
    ("empty-list", "does not read as the data: holds no records"),
]


@pytest.mark.parametrize(("mode", "says"), REFUSED, ids=[m for m, _ in REFUSED])
def test_an_answer_that_is_not_the_whole_data_keeps_the_old_copy(project, server, mode, says):
    before = on_disk(project)
    MODE["value"] = mode
    started = time.monotonic()
    try:
        fetch_dataset(dataset(project), project, base_url=server + "/data", force=True, timeout=1, max_bytes=1_000_000)
    except FetchError as exc:
        message = str(exc)
        assert says in message and message.endswith("old copy kept") and "\n" not in message, message
        assert on_disk(project) == before
    else:
        assert not says, f"{mode}: fetched, where it should say {says!r}"
        assert on_disk(project)[PERSONNEL] == GOOD
    assert time.monotonic() - started < 10
    assert [n for n in on_disk(project) if ".tmp-" in n] == []


def test_a_compressed_answer_is_stored_decoded(project, server):
    MODE["value"] = "gzip"
    fetch_dataset(dataset(project), project, base_url=server + "/data", force=True, progress=False)
    assert on_disk(project)[PERSONNEL] == GOOD


def test_a_redirect_is_followed_and_where_the_file_came_from_is_recorded(project, server):
    MODE["value"] = "redirect-ok"
    [personnel, _] = fetch_dataset(dataset(project), project, base_url=server + "/data", force=True, progress=False)
    meta = json.loads(meta_path(personnel.path).read_text())
    assert meta["source_url"] == f"{server}/data/{PERSONNEL}"
    assert meta["final_url"] == f"{server}/mirror/{PERSONNEL}"
    assert personnel.path.read_bytes() == GOOD


def test_credentials_in_an_address_are_never_printed(project, server):
    MODE["value"] = "html"
    address = server.replace("http://", "http://reader:s3cret@") + "/data"
    with pytest.raises(FetchError) as info:
        fetch_dataset(dataset(project), project, base_url=address, force=True, progress=False)
    assert "s3cret" not in str(info.value) and "reader" not in str(info.value)


@pytest.mark.parametrize("address", ["http://[::1", "http://exa mple.org/x", "ftp://127.0.0.1/x", "not a url"])
def test_an_address_that_cannot_be_fetched_is_one_line(project, address):
    with pytest.raises(FetchError) as info:
        fetch_dataset(dataset(project), project, base_url=address, force=True, progress=False)
    assert "\n" not in str(info.value) and str(info.value).endswith("old copy kept")


def _cli(project: Path, *args: str) -> subprocess.Popen:
    (project / "pyproject.toml").write_text("")
    (project / "src" / "warclaims").mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "warclaims", "fetch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(project)},
    )


@pytest.mark.parametrize("timeout", ["-1", "nan", "inf", "0"])
def test_a_timeout_that_is_not_a_time_is_one_line(project, timeout):
    _, err = (proc := _cli(project, "general-staff", "--timeout", timeout)).communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip() == f"--timeout {float(timeout)!r}: give the seconds a whole file may take, a number above 0"


def test_two_fetches_at_once_never_leave_a_sidecar_that_disagrees_with_its_file(project, server):
    import hashlib

    MODE["value"] = "ok"
    for _ in range(5):
        runs = [_cli(project, "general-staff", "--force", "--quiet", "--base-url", server + "/data") for _ in range(2)]
        said = [r.communicate(timeout=60) for r in runs]
        assert sorted(r.returncode for r in runs) in ([0, 0], [0, 1]), said
        for _, err in said:
            assert err.strip() in ("", "general-staff: another fetch of it is running; wait for it, then fetch again")
        for name, data in on_disk(project).items():
            if name.endswith(".meta.json"):
                meta = json.loads(data)
                assert meta["sha256"] == hashlib.sha256(on_disk(project)[meta["file"]]).hexdigest()
