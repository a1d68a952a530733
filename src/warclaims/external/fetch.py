"""`warclaims fetch`: download the declared datasets into data/external/NAME/, with provenance.

A fetched file replaces the copy on disk only once it is known to be the data:
- the server answered 200 (a 206 half, a 304 or an error page are refused; redirects are
  followed, at most MAX_REDIRECTS, and the sidecar records the address the file really came from);
- a compressed body (Content-Encoding: gzip, deflate) is stored decoded;
- the whole body arrived: as long as announced, no longer than MAX_BYTES, within `timeout`
  seconds for the whole file (a server that drips a byte a second is given up on);
- the dataset's own importer reads the new files, with the others already on disk, as the
  notebooks read them (`importers.why_not_data`): an HTML error page, a cut-off file or one
  rewritten as text is refused there.
Only then are the files and their sidecars (source URL, final URL, time retrieved, sha256, size,
licence) renamed into place, under the dataset's lock (two fetches of one dataset never write at
once) and with Ctrl-C held until the renames are done. Anything else is one line (FetchError)
and the old copies stay. Nothing else in the suite fetches: `make report` and `make test` read
what is on disk.

The client is httpx (already in the lock through JupyterLab): it decodes content encodings,
follows redirects with a limit and reports where it ended, and raises one class of error for a
broken response (a bad status line, a cut-off chunked body, too many headers) where urllib let
http.client's exceptions escape.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from warclaims.external.datasets import Dataset, meta_path
from warclaims.interrupts import deferred
from warclaims.paths import open_new, temporary_name, write_new

PROGRESS_FROM = 1 << 20  # files larger than this get a progress bar (on a terminal)
USER_AGENT = "warclaims-fetch"
TIMEOUT = 120.0  # seconds the whole of one file may take, by default
MAX_BYTES = 256 << 20  # no declared file comes near this (1-5 MB); a larger body is not the data
MAX_REDIRECTS = 5


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


def check_timeout(value: float) -> float:
    """A whole file's time limit: a finite number of seconds above 0 (else ValueError, one line)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"--timeout {value!r}: give the seconds a whole file may take, a number above 0")
    return float(value)


def shown_url(url: str) -> str:
    """`url` as a message may print it: without any user name or password."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(an address that cannot be read)"
    return str(parsed.copy_with(username=None, password=None)) if parsed.userinfo else url


def fetch_dataset(
    dataset: Dataset,
    root: Path,
    *,
    force: bool = False,
    base_url: str | None = None,
    timeout: float = TIMEOUT,
    progress: bool | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Fetched]:
    """Fetch `dataset`'s files not on disk (all of them with `force`); see the module."""
    timeout = check_timeout(timeout)
    folder = dataset.folder(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"{dataset.name}: cannot make {folder.name}/ ({(exc.strerror or str(exc)).lower()})") from None
    with _locked(root / "build" / f"fetch-{dataset.name}.lock", dataset.name):
        for leftover in folder.glob(".*.tmp-*"):  # what a killed fetch left
            leftover.unlink(missing_ok=True)
        out, downloads = [], {}
        try:
            for file in dataset.files:
                path = dataset.path(root, file)
                if not force and intact(path):
                    out.append(Fetched(dataset.name, file, path, path.stat().st_size, "", kept=True))
                    continue
                downloads[file] = _download(dataset, file, path, base_url, timeout, progress, max_bytes)
            if downloads:
                from warclaims.external.importers import why_not_data

                paths = [downloads[f]["tmp"] if f in downloads else dataset.path(root, f) for f in dataset.files]
                why = why_not_data(dataset, paths)
                if why:
                    names = ", ".join(downloads)
                    raise FetchError(
                        f"{dataset.name}: what was fetched ({names}) does not read as the data: "
                        f"{_short(why)}; old copy kept"
                    )
            with deferred():  # each file and its sidecar are renamed together, whatever comes
                for file, got in downloads.items():
                    path = dataset.path(root, file)
                    os.replace(got["tmp"], path)
                    os.replace(got["meta_tmp"], meta_path(path))
        finally:
            for got in downloads.values():
                got["tmp"].unlink(missing_ok=True)
                got["meta_tmp"].unlink(missing_ok=True)
    for file, got in downloads.items():
        out.append(Fetched(dataset.name, file, dataset.path(root, file), got["size"], got["sha256"]))
    order = {f: i for i, f in enumerate(dataset.files)}
    return sorted(out, key=lambda f: order[f.file])


def client(timeout: float, **headers: str):
    """The httpx client every download uses: redirects followed (at most MAX_REDIRECTS), `timeout`
    seconds for each read, our User-Agent and any other `headers`."""
    import httpx

    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, **headers},
    )


def intact(path: Path) -> bool:
    """The fetched file is on disk as its sidecar says (size and sha256): else it is fetched again,
    never reported as kept (a file cut short on disk was)."""
    try:
        meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
        if not path.is_file() or path.stat().st_size != meta["size"]:
            return False
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() == meta["sha256"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def _locked(path: Path, name: str):
    """The dataset's fetch lock (flock on build/fetch-NAME.lock, never opened through a link)."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise FetchError(f"{name}: cannot open its fetch lock ({(exc.strerror or str(exc)).lower()})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"{name}: another fetch of it is running; wait for it, then fetch again") from None
        yield
    finally:
        os.close(fd)


def _download(
    dataset: Dataset,
    file: str,
    path: Path,
    base_url: str | None,
    timeout: float,
    progress: bool | None,
    max_bytes: int,
) -> dict:
    """Stream `file` to a temporary name beside `path`; its sidecar beside that. Returns where
    both are, the size and the sha256. FetchError (one line) for anything but the whole file."""
    import httpx

    url = dataset.url(file, base_url)
    shown, where = f"{dataset.name}/{file}", shown_url(url)
    tmp = temporary_name(path)
    meta_tmp = meta_path(tmp)
    digest, size, expected = hashlib.sha256(), 0, None
    deadline = time.monotonic() + timeout
    try:
        with client(timeout) as http, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise FetchError(
                    f"{shown}: HTTP {response.status_code} {response.reason_phrase} from {where}; old copy kept"
                )
            announced = response.headers.get("Content-Length")
            encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
            expected = int(announced) if announced and announced.isascii() and announced.isdigit() else None
            if expected is not None and expected > max_bytes:
                raise FetchError(
                    f"{shown}: the server announces {expected:,} bytes, more than the {max_bytes:,} a file "
                    f"may have ({where}); old copy kept"
                )
            bar = _bar(shown, None if encoded else expected, progress)
            with open_new(tmp, 0o644) as out:
                for chunk in response.iter_bytes():  # as it arrives (decoded, when compressed)
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if bar:
                        bar.update(len(chunk))
                    if size > max_bytes:
                        raise FetchError(
                            f"{shown}: more than {max_bytes:,} bytes from {where}, more than a file may have; "
                            "old copy kept"
                        )
                    if time.monotonic() > deadline:
                        raise FetchError(f"{shown}: not whole after {timeout:g} s from {where}; old copy kept")
                out.flush()
                os.fsync(out.fileno())
            if bar:
                bar.close()
            received = response.num_bytes_downloaded
            final = str(response.url)
        if expected is not None and received != expected:
            raise FetchError(
                f"{shown}: the download stopped after {received:,} of {expected:,} bytes ({where}); old copy kept"
            )
        if size == 0:
            raise FetchError(f"{shown}: the server sent an empty file ({where}); old copy kept")
        meta = {
            "dataset": dataset.name,
            "file": file,
            "source_url": shown_url(url),
            "final_url": shown_url(final),
            "retrieved": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sha256": digest.hexdigest(),
            "size": size,
            "licence": dataset.licence,
        }
        write_new(meta_tmp, (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode(), durable=True, mode=0o644)
    except FetchError:
        _remove(tmp, meta_tmp)
        raise
    except httpx.TimeoutException:
        _remove(tmp, meta_tmp)
        raise FetchError(f"{shown}: no answer for {timeout:g} s from {where}; old copy kept") from None
    except httpx.TooManyRedirects:
        _remove(tmp, meta_tmp)
        raise FetchError(f"{shown}: more than {MAX_REDIRECTS} redirects from {where}; old copy kept") from None
    except httpx.ConnectError as exc:
        _remove(tmp, meta_tmp)
        reason = _short(str(exc) or type(exc).__name__, 80)
        raise FetchError(f"{shown}: cannot reach {where} ({reason}); offline? old copy kept") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        _remove(tmp, meta_tmp)
        raise FetchError(f"{shown}: {where} is not an http(s) address that can be fetched; old copy kept") from None
    except httpx.RemoteProtocolError as exc:
        _remove(tmp, meta_tmp)
        if expected is not None and "body" in str(exc):
            raise FetchError(
                f"{shown}: the download stopped after {size:,} of {expected:,} bytes ({where}); old copy kept"
            ) from None
        reason = _short(str(exc) or type(exc).__name__, 80)
        raise FetchError(
            f"{shown}: the answer from {where} broke off or was not HTTP ({reason}); old copy kept"
        ) from None
    except (httpx.HTTPError, httpx.StreamError) as exc:  # a broken answer: status line, headers, body
        _remove(tmp, meta_tmp)
        reason = _short(str(exc) or type(exc).__name__, 80)
        raise FetchError(
            f"{shown}: the answer from {where} broke off or was not HTTP ({reason}); old copy kept"
        ) from None
    except OSError as exc:
        _remove(tmp, meta_tmp)
        raise FetchError(f"{shown}: cannot write it ({(exc.strerror or str(exc)).lower()}); old copy kept") from None
    except BaseException:
        _remove(tmp, meta_tmp)
        raise
    return {"tmp": tmp, "meta_tmp": meta_tmp, "size": size, "sha256": digest.hexdigest()}


def _remove(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def _bar(shown: str, total: int | None, progress: bool | None):
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    if total is not None and total < PROGRESS_FROM:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=shown, unit="B", unit_scale=True, file=sys.stderr)
