"""paths.py on its own: reading only regular files, writing only through a new file and a
rename, and the paths people are shown."""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import threading

import pytest

from warclaims.paths import (
    NotRegularFile,
    display,
    open_new,
    read_regular,
    resolve,
    sha256_of_regular,
    temporary_name,
    write_atomic,
)


def test_a_regular_file_is_read_and_hashed_whole(tmp_path):
    path = tmp_path / "table.csv"
    data = os.urandom(3 * 1024 * 1024 + 7)  # more than one piece of file_digest's buffer
    path.write_bytes(data)
    assert read_regular(path) == data
    assert sha256_of_regular(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("read", [read_regular, sha256_of_regular])
def test_a_fifo_a_device_and_a_folder_are_refused_without_blocking(tmp_path, read):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # no writer: an open without O_NONBLOCK, or a read, would wait for ever
    done = []
    worker = threading.Thread(target=lambda: done.append(_raised(read, fifo)), daemon=True)
    worker.start()
    worker.join(10)
    assert done == [NotRegularFile]
    assert _raised(read, "/dev/zero") is NotRegularFile  # a read would never end
    assert _raised(read, tmp_path) is IsADirectoryError
    assert _raised(read, tmp_path / "absent") is FileNotFoundError
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(tmp_path / "sock"))
        assert issubclass(_raised(read, tmp_path / "sock"), OSError)  # ENXIO: a socket cannot be opened


def _raised(read, path) -> type:
    try:
        read(path)
    except OSError as exc:
        return type(exc)
    raise AssertionError(f"{path} was read")


def test_a_not_regular_file_says_so_in_its_message(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile) as info:
        read_regular(tmp_path / "fifo")
    assert info.value.strerror == "is not a regular file (a FIFO, a device or a socket)"
    assert info.value.filename == str(tmp_path / "fifo")


def test_an_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out" / "page.html"
    assert write_atomic(path, b"first") is True  # its folder made too
    assert write_atomic(path, b"second") is True
    assert path.read_bytes() == b"second"
    assert write_atomic(path, b"second") is False  # unchanged: not written again
    assert sorted(p.name for p in path.parent.iterdir()) == ["page.html"]


def test_an_atomic_write_replaces_a_link_and_never_writes_through_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not ours")
    path = tmp_path / "page.html"
    path.symlink_to(outside)
    assert write_atomic(path, b"not ours") is True  # the same bytes behind a link still replace the link
    assert not path.is_symlink() and path.read_bytes() == b"not ours"
    temporary_name(path).symlink_to(outside)  # a link put where the temporary file goes
    write_atomic(path, b"new")
    assert outside.read_bytes() == b"not ours" and path.read_bytes() == b"new"


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_bytes(b"good")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"good" and sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_new_file_has_the_mode_asked_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        with open_new(tmp_path / "page.html", 0o644) as f:
            f.write(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644


def test_paths_are_shown_relative_to_the_project_and_read_from_it(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "events.csv").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert resolve("data/events.csv", "data/events.csv", root) == root / "data" / "events.csv"
    assert resolve(None, "data/events.csv", root) == root / "data" / "events.csv"
    assert display(root / "data" / "events.csv", root) == "data/events.csv"
    assert display(tmp_path / "elsewhere.csv", root) == str(tmp_path / "elsewhere.csv")
