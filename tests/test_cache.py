"""The validation cache: JSON only, keyed on inputs and the package's whole source, used only when asked."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys

import pytest

import warclaims
from warclaims.claims import cache
from warclaims.paths import CACHE_ENV

from conftest import ROOT, edit_row


@pytest.fixture
def cached(project, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_no_cache_unless_asked(project, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    warclaims.load_claims(root=project)
    assert not (project / "build").exists()


def test_a_load_stores_json_and_the_next_reuses_it(project, cached, monkeypatch):
    first = warclaims.load_claims(root=project)
    [entry] = cached.glob("checked-*.json")
    assert entry.read_bytes().startswith(b"{")
    monkeypatch.setattr("warclaims.claims.loading.check_all", lambda *a, **k: pytest.fail("validated again"))
    assert warclaims.load_claims(root=project).equals(first)


def test_a_changed_input_is_a_new_key(project, cached):
    warclaims.load_claims(root=project)
    edit_row(project / "data/events.csv", "event_id", "putin-trump-call", notes="A different note.")
    claims = warclaims.load_claims(root=project)
    assert len(list(cached.glob("checked-*.json"))) == 2
    assert claims.set_index("event_id").loc["putin-trump-call", "notes"] == "A different note."


def test_a_damaged_or_foreign_entry_is_a_miss_and_removed(project, cached):
    warclaims.load_claims(root=project)
    [entry] = cached.glob("checked-*.json")
    for payload in (b"{not json", pickle.dumps({"format": 1}), b'{"format": 1, "tables": 5}'):
        entry.write_bytes(payload)
        assert cache.load(entry) is None and not entry.exists()
        warclaims.load_claims(root=project)  # validates again and rewrites the entry
        assert entry.exists()


def test_the_key_covers_the_whole_package_source(project, cached, monkeypatch):
    before = cache.entry_path(project, {})
    monkeypatch.setattr(cache, "package_digest", lambda: "another source")
    assert cache.entry_path(project, {}) != before


def test_every_file_of_the_package_is_in_its_digest(tmp_path):
    # The cache's key holds the package's digest: a change to any of its files (the vocabulary the
    # parameter checks read, a file no module imports yet) must change it.
    package = tmp_path / "src" / "warclaims"
    shutil.copytree(ROOT / "src" / "warclaims", package, ignore=shutil.ignore_patterns("__pycache__"))

    def digest() -> str:
        code = "from warclaims.claims import cache; print(cache.__file__, cache.package_digest())"
        env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        where, value = out.split()
        assert where.startswith(str(package))  # this copy, not the installed package
        return value

    seen = [digest()]
    with open(package / "claims" / "vocabulary.py", "a", encoding="utf-8") as f:
        f.write("# one more line\n")
    seen.append(digest())
    (package / "external" / "notes.txt").write_text("a file of the package\n")
    seen.append(digest())
    assert len(set(seen)) == 3


@pytest.fixture
def no_preloaded(monkeypatch):
    """The process's preloaded tables, empty for the test and as they were after it."""
    from warclaims.claims import loading

    monkeypatch.setattr(loading, "_CLAIMS", {})
    return loading


def test_a_preloaded_table_is_decoded_once_and_each_load_gets_its_own_copy(project, cached, monkeypatch, no_preloaded):
    import pandas as pd

    fresh = warclaims.load_claims(root=project)  # validates, and stores the entry the build's would be
    assert no_preloaded.preload_claims(project, cached) is True
    assert no_preloaded.preload_claims(project, cached) is False  # made already: not decoded again
    monkeypatch.setattr(cache, "_decode", lambda data: pytest.fail("decoded again"))
    first = warclaims.load_claims(root=project)
    pd.testing.assert_frame_equal(first, fresh)
    first.loc[:, "notes"] = "changed by a notebook"  # in place
    first = warclaims.load_claims("data/events.csv", sources="data/sources.csv", root=project)  # the same files
    pd.testing.assert_frame_equal(first, fresh)


def test_a_preloaded_table_is_not_used_once_an_input_changed(project, cached, no_preloaded):
    warclaims.load_claims(root=project)
    assert no_preloaded.preload_claims(project, cached)
    edit_row(project / "data/events.csv", "event_id", "putin-trump-call", notes="A different note.")
    claims = warclaims.load_claims(root=project)
    assert claims.set_index("event_id").loc["putin-trump-call", "notes"] == "A different note."


def test_nothing_is_preloaded_without_a_valid_cached_entry(project, cached, monkeypatch, no_preloaded):
    monkeypatch.setattr("warclaims.claims.loading.check_all", lambda *a, **k: pytest.fail("validated"))
    assert no_preloaded.preload_claims(project, cached) is False
    assert no_preloaded._CLAIMS == {}
