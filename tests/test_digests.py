"""File digests reused while a file is unchanged on disk (what makes a no-op build cheap)."""

from __future__ import annotations

import hashlib
import json
import os
import time

from warclaims.reports.digests import Digests


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def age(path, seconds: float) -> None:
    """Set the file's modification time `seconds` into the past."""
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def test_an_unchanged_file_keeps_its_digest_and_a_changed_one_is_hashed_again(tmp_path):
    store, path = tmp_path / "digests.json", tmp_path / "events.csv"
    path.write_bytes(b"a,b\n1,2\n")
    age(path, 60)
    first = Digests(store)
    assert first.of(path) == sha(b"a,b\n1,2\n")
    first.save()
    # Same size, time and inode: the stored digest is used (a wrong one planted proves it was not recomputed).
    planted = store.read_text().replace(sha(b"a,b\n1,2\n"), "0" * 64)
    store.write_text(planted)
    assert Digests(store).of(path) == "0" * 64
    # Written again (same size, new content): its time moved, so it is hashed again.
    path.write_bytes(b"a,b\n1,3\n")
    age(path, 30)
    assert Digests(store).of(path) == sha(b"a,b\n1,3\n")


def test_a_file_modified_in_the_last_two_seconds_is_never_remembered(tmp_path):
    store, path = tmp_path / "digests.json", tmp_path / "notebook.ipynb"
    path.write_bytes(b"{}")
    digests = Digests(store)
    digests.of(path)
    digests.save()
    assert not store.exists()  # nothing learned that could be trusted later


def test_a_damaged_store_means_hashing_everything(tmp_path):
    store, path = tmp_path / "digests.json", tmp_path / "sources.csv"
    path.write_bytes(b"x\n")
    age(path, 60)
    store.write_text("{not json")
    assert Digests(store).of(path) == sha(b"x\n")
    store.write_text(json.dumps({str(path): "not a list"}))
    assert Digests(store).of(path) == sha(b"x\n")
