"""`warclaims fetch`: download the declared datasets into data/external/NAME/, with provenance.

Each file is streamed to a temporary name beside its place, checked against the length the server
announced, and only then renamed into place, with its sidecar (source URL, time retrieved,
sha256, size, licence) written the same way: a failed, truncated or interrupted download leaves
the previous copy as it was. Every failure is one line (FetchError). Nothing else in the suite
fetches: `make report` and `make test` read what is on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from warclaims.external.datasets import Dataset, meta_path
from warclaims.interrupts import deferred

CHUNK = 1 << 16
PROGRESS_FROM = 1 << 20  # files larger than this get a progress bar (on a terminal)
USER_AGENT = "warclaims-fetch"


class FetchError(Exception):
    """A download failed; the message is one line naming the file and why. The old copy is kept."""


@dataclass
class Fetched:
    dataset: str
    file: str
    path: Path
    size: int
    sha256: str
    kept: bool = False  # already on disk and not refetched (no --force)

    def __str__(self) -> str:
        if self.kept:
            return f"{self.dataset}/{self.file}: kept ({self.size:,} bytes; --force to fetch again)"
        return f"{self.dataset}/{self.file}: {self.size:,} bytes, sha256 {self.sha256[:12]}…"


def fetch_dataset(
    dataset: Dataset,
    root: Path,
    *,
    force: bool = False,
    base_url: str | None = None,
    timeout: float = 30.0,
    progress: bool | None = None,
) -> list[Fetched]:
    """Fetch every file of `dataset`; files already on disk are kept unless `force`."""
    out = []
    for file in dataset.files:
        path = dataset.path(root, file)
        if path.is_file() and not force:
            out.append(Fetched(dataset.name, file, path, path.stat().st_size, "", kept=True))
            continue
        out.append(fetch_file(dataset, file, root, base_url=base_url, timeout=timeout, progress=progress))
    return out


def fetch_file(
    dataset: Dataset,
    file: str,
    root: Path,
    *,
    base_url: str | None = None,
    timeout: float = 30.0,
    progress: bool | None = None,
) -> Fetched:
    url = dataset.url(file, base_url)
    path = dataset.path(root, file)
    shown = f"{dataset.name}/{file}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    digest, size = hashlib.sha256(), 0
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as out:
            announced = response.headers.get("Content-Length")
            expected = int(announced) if announced and announced.isdigit() else None
            bar = _bar(shown, expected, progress)
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if bar:
                    bar.update(len(chunk))
            if bar:
                bar.close()
            out.flush()
            os.fsync(out.fileno())
        if expected is not None and size != expected:
            raise FetchError(
                f"{shown}: the download stopped after {size:,} of {expected:,} bytes ({url}); old copy kept"
            )
        if size == 0:
            raise FetchError(f"{shown}: the server sent an empty file ({url}); old copy kept")
        meta = {
            "dataset": dataset.name,
            "file": file,
            "source_url": url,
            "retrieved": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sha256": digest.hexdigest(),
            "size": size,
            "licence": dataset.licence,
        }
        meta_tmp = meta_path(tmp)
        meta_tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        with deferred():  # the file and its sidecar are replaced together, or neither is
            os.replace(tmp, path)
            os.replace(meta_tmp, meta_path(path))
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{shown}: HTTP {exc.code} {exc.reason} from {url}; old copy kept") from None
    except TimeoutError:
        raise FetchError(f"{shown}: no answer for {timeout:g} s from {url}; old copy kept") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"{shown}: no answer for {timeout:g} s from {url}; old copy kept") from None
        raise FetchError(f"{shown}: cannot reach {url} ({reason}); offline? old copy kept") from None
    except (ConnectionError, OSError) as exc:
        raise FetchError(f"{shown}: the download broke off ({exc.strerror or exc}) from {url}; old copy kept") from None
    finally:
        for leftover in (tmp, meta_path(tmp)):
            leftover.unlink(missing_ok=True)
    return Fetched(dataset.name, file, path, size, digest.hexdigest())


def _bar(shown: str, total: int | None, progress: bool | None):
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    if total is not None and total < PROGRESS_FROM:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=shown, unit="B", unit_scale=True, file=sys.stderr)
