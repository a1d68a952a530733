"""`warclaims fetch deepstate`: an archive of many files (the DeepState map snapshots), fetched
incrementally from its file list.

The list is a GitHub git tree (`GET /repos/OWNER/NAME/git/trees/BRANCH?recursive=1`): every file's
path, size and git blob hash. The archive's files are the list's entries under the dataset's
`folder` named `<unix time>.geojson`. A file is fetched only when it is not on disk as its sidecar
says (the same size and git hash as the list gives). Each one is kept only once it reads cleanly:
- the whole body arrived (the checks of `fetch._download`);
- its size and git blob hash (sha1 of "blob SIZE\\0" + content) are the list's;
- it reads as a snapshot (a GeoJSON FeatureCollection with polygons and a time).
Then it is renamed into place with its sidecar, with Ctrl-C held until both are renamed. So an
interrupted fetch keeps every file it finished, and the next one goes on from there. A list that
cannot be read, or that GitHub says is truncated, is one error (FetchError), and nothing changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from warclaims.external.datasets import Dataset, meta_path
from warclaims.external.fetch import (
    MAX_BYTES,
    TIMEOUT,
    FetchError,
    _download,
    _locked,
    _short,
    check_timeout,
    client,
    shown_url,
)
from warclaims.interrupts import deferred
from warclaims.paths import read_regular

LISTING_BYTES = 64 << 20  # GitHub cuts a tree at 100,000 entries or 7 MB; a longer answer is not a list
_SNAPSHOT = re.compile(r"[0-9]{9,11}\.geojson")
_GIT_SHA = re.compile(r"[0-9a-f]{40}")
LICENCE_NOTE = (
    "the archive states no licence and describes itself as educational and non-commercial: its snapshots "
    "stay on this machine (data/external/ is never published); only the areas measured from them reach a page"
)


@dataclass
class ArchiveFetch:
    dataset: str
    listed: int
    fetched: list[str]
    kept: int
    failed: list[str] = field(default_factory=list)  # one line per snapshot not kept, and why

    def __str__(self) -> str:
        new = len(self.fetched)
        return (
            f"{self.dataset}: {self.listed:,} snapshot{'s' * (self.listed != 1)} listed; {new:,} new fetched, "
            f"{self.kept:,} already on disk"
            + (f" (latest {self.fetched[-1]})" if new else "")
            + (f"; {len(self.failed):,} not kept (said above)" if self.failed else "")
        )


def git_blob_sha1(path: Path) -> str:
    """The git hash of the file's content (what a git tree lists for it)."""
    size = path.stat().st_size
    digest = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_listing(dataset: Dataset, listing_url: str | None, timeout: float) -> list[dict]:
    """The archive's files from its git tree: [{"path", "name", "size", "sha"}] in name order, each
    once. Read as a stream: at most LISTING_BYTES once decoded (a compressed answer included), and
    whole within `timeout` seconds."""
    import httpx

    url = dataset.listing_url(listing_url)
    where = shown_url(url)
    deadline = time.monotonic() + timeout
    try:
        with client(timeout, Accept="application/vnd.github+json") as http, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise FetchError(
                    f"{dataset.name}: its file list: HTTP {response.status_code} {response.reason_phrase} "
                    f"from {where}; nothing fetched"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > LISTING_BYTES:
                    raise FetchError(
                        f"{dataset.name}: its file list from {where} is larger than a list; nothing fetched"
                    )
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"{dataset.name}: its file list from {where} is not whole after {timeout:g} s; nothing fetched"
                    )
        doc = json.loads(bytes(body))
    except FetchError:
        raise
    except (ValueError, RecursionError):
        raise FetchError(f"{dataset.name}: its file list from {where} is not JSON; nothing fetched") from None
    except httpx.HTTPError as exc:
        reason = _short(str(exc) or type(exc).__name__, 80)
        raise FetchError(
            f"{dataset.name}: cannot read its file list from {where} ({reason}); nothing fetched"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tree"), list):
        raise FetchError(f"{dataset.name}: the answer from {where} is not a git tree (no 'tree' list); nothing fetched")
    if doc.get("truncated"):
        raise FetchError(
            f"{dataset.name}: the file list from {where} says it is truncated, so it cannot say which snapshots "
            "are new; nothing fetched"
        )
    prefix = f"{dataset.archive_folder}/"
    out, seen = [], set()
    for entry in doc["tree"]:
        if not isinstance(entry, dict) or entry.get("type") != "blob":
            continue
        path = entry.get("path")
        if not isinstance(path, str) or not path.startswith(prefix) or not _SNAPSHOT.fullmatch(path[len(prefix) :]):
            continue
        size, sha = entry.get("size"), entry.get("sha")
        if not (isinstance(size, int) and not isinstance(size, bool) and 0 < size <= MAX_BYTES) or not (
            isinstance(sha, str) and _GIT_SHA.fullmatch(sha)
        ):
            raise FetchError(f"{dataset.name}: the file list gives {path[:80]!r} no size or git hash; nothing fetched")
        if path in seen:
            continue  # listed twice: fetched once
        seen.add(path)
        out.append({"path": path, "name": path[len(prefix) :], "size": size, "sha": sha})
    if not out:
        raise FetchError(
            f"{dataset.name}: the file list from {where} names no snapshot under {prefix}; nothing fetched"
        )
    return sorted(out, key=lambda e: e["name"])


def on_disk(path: Path, entry: dict) -> bool:
    """The file is on disk as the list gives it: a regular file, not a link, with the list's size,
    whose sidecar records the list's git hash; and either the modification time the sidecar
    recorded or, hashed again, the list's git hash (a file cut short, replaced or edited is fetched
    again). The sidecar is read without ever blocking on a FIFO."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        meta = json.loads(read_regular(meta_path(path)).decode("utf-8"))
        stat = path.stat()
        if not (stat.st_size == entry["size"] == meta["size"] and meta["git_sha"] == entry["sha"]):
            return False
        return meta.get("mtime_ns") == stat.st_mtime_ns or git_blob_sha1(path) == entry["sha"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False


def fetch_archive(
    dataset: Dataset,
    root: Path,
    *,
    base_url: str | None = None,
    listing_url: str | None = None,
    timeout: float = TIMEOUT,
    progress: bool | None = None,
    force: bool = False,
) -> ArchiveFetch:
    """Fetch the archive's snapshots not yet on disk (all of them with `force`); see the module. A
    snapshot that does not read cleanly is not kept and is named in `failed`; the others are fetched."""
    from warclaims.external.territory import check_snapshot

    timeout = check_timeout(timeout)
    folder = dataset.archive(root)
    _inside(dataset, root, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"{dataset.name}: cannot make its folder ({(exc.strerror or str(exc)).lower()})") from None
    with _locked(root / "build" / f"fetch-{dataset.name}.lock", dataset.name):
        for leftover in folder.glob(".*.tmp-*"):  # what a killed fetch left (a folder of that name is left alone)
            if leftover.is_symlink() or leftover.is_file():
                leftover.unlink(missing_ok=True)
        listed = read_listing(dataset, listing_url, timeout)
        todo = [e for e in listed if force or not on_disk(folder / e["name"], e)]
        bar = _bar(dataset.name, len(todo), progress)
        fetched, failed = [], []
        for entry in todo:
            try:
                _fetch_one(dataset, entry, folder, base_url, timeout, check_snapshot)
                fetched.append(entry["name"])
            except FetchError as exc:  # one bad snapshot upstream does not keep the others away
                failed.append(str(exc))
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.close()
    return ArchiveFetch(dataset.name, len(listed), fetched, len(listed) - len(todo), failed)


def _inside(dataset: Dataset, root: Path, folder: Path) -> None:
    """The archive's folder is the project's own, not a link out of it: the build would refuse to
    read it, and a fetch never writes outside the project."""
    for here in (folder, *folder.parents):
        if here == root:
            return
        if here.is_symlink():
            raise FetchError(
                f"{dataset.name}: {here.relative_to(root)} is a link; the snapshots are kept in the project's own folder"
            )


def _fetch_one(dataset: Dataset, entry: dict, folder: Path, base_url, timeout: float, check_snapshot) -> None:
    """One snapshot and its sidecar, kept only once they read cleanly; FetchError (one line) else."""
    path = folder / entry["name"]
    shown = f"{dataset.name}/{entry['path']}"
    for target in (path, meta_path(path)):
        if target.is_dir() and not target.is_symlink():
            raise FetchError(f"{shown}: {target.name} is a folder, where the file goes; not fetched")
    had = path.is_file()
    got = _download(dataset, entry["path"], path, base_url, timeout, False, MAX_BYTES)
    try:
        if got["size"] != entry["size"]:
            why = f"{got['size']:,} bytes where the list gives {entry['size']:,}"
        elif git_blob_sha1(got["tmp"]) != entry["sha"]:
            why = "its content is not the one the list names (git hash differs)"
        else:
            why = check_snapshot(got["tmp"])
        if why:
            raise FetchError(f"{shown}: not kept: {_short(why)}" + ("; old copy kept" if had else ""))
        meta = json.loads(got["meta_tmp"].read_text(encoding="utf-8"))
        meta["git_sha"] = entry["sha"]
        meta["mtime_ns"] = got["tmp"].stat().st_mtime_ns  # a rename keeps it; an edit on disk changes it
        got["meta_tmp"].write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        with deferred():  # the snapshot and its sidecar are renamed together, whatever comes
            os.replace(got["tmp"], path)
            os.replace(got["meta_tmp"], meta_path(path))
    finally:
        got["tmp"].unlink(missing_ok=True)
        got["meta_tmp"].unlink(missing_ok=True)


def _bar(name: str, total: int, progress: bool | None):
    if not total or progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=f"{name} snapshots", unit="file", file=sys.stderr)
