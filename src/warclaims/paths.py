"""Where the project's files are, whatever the current working directory."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_MARKERS = ("pyproject.toml", "data")
CACHE_ENV = "WARCLAIMS_CACHE_DIR"  # where validated claim tables are cached (claims.cache); unset: no cache


class NotRegularFile(OSError):
    """A path that names a FIFO, a device or a socket where a file is read: reading it could block
    for ever (a FIFO with no writer) or never end (/dev/zero)."""


@contextlib.contextmanager
def open_regular(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """The regular file at `path`, open for reading. A FIFO or a device raises NotRegularFile
    (strerror "is not a regular file") without blocking: it is opened O_NONBLOCK and checked with
    fstat before any read. A socket cannot be opened at all (OSError, ENXIO); a folder raises
    IsADirectoryError, a missing file FileNotFoundError."""
    import errno
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, "is not a regular file (a FIFO, a device or a socket)", os.fspath(path))
        with open(fd, "rb", closefd=False) as f:
            yield f
    finally:
        os.close(fd)


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at `path` (`open_regular`'s checks and errors)."""
    with open_regular(path) as f:
        return f.read()


def sha256_of_regular(path: str | os.PathLike[str]) -> str:
    """The sha256 (hex) of the regular file at `path`, read in pieces (`open_regular`'s checks and errors)."""
    import hashlib

    with open_regular(path) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def temporary_name(path: Path) -> Path:
    """Where `path` is written before it is renamed into place: beside it, hidden, named by this
    process (`.NAME.tmp-PID`), so a build removes what a crashed one left (`*.tmp-*`)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def open_new(path: Path, mode: int | None = None):
    """A binary file created here for writing: a link or file already at `path` is removed first,
    never followed, and the file is opened with O_EXCL and O_NOFOLLOW, so a link someone put in
    its place cannot make the write go anywhere else. `mode`: its permissions, set whatever the umask."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    if mode is not None:  # whatever the umask: a published page a web server cannot read is not published
        os.fchmod(fd, mode)
    return open(fd, "wb")


def write_new(path: Path, data: bytes, *, durable: bool = False, mode: int | None = None) -> None:
    """Write `data` to a file created by `open_new` (with `mode`); `durable`: on disk (fsync) before it returns."""
    with open_new(path, mode) as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())


def write_atomic(path: Path, data: bytes, *, durable: bool = False) -> bool:
    """Replace `path` with `data` in one rename, via `temporary_name` written by `write_new`: a
    reader sees the old file or the new one, never half of one. Returns False (and writes nothing)
    when the file holds `data` already. Every file the project writes goes through here or through
    `write_new` then a rename of its own (a build's publish, a fetched file with its sidecar)."""
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write_new(tmp, data, durable=durable)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def repo_root() -> Path:
    """The repository root: $WARCLAIMS_ROOT, else the checkout this package is installed from, else the cwd's."""
    env = os.environ.get("WARCLAIMS_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if all((candidate / m).exists() for m in _MARKERS) and (candidate / "src" / "warclaims").is_dir():
                return candidate
    raise FileNotFoundError(
        "cannot find the warclaims repository root (a folder with pyproject.toml, data/ and src/warclaims/); "
        "set WARCLAIMS_ROOT"
    )


def build_cache(root: Path) -> Path:
    """The folder where a report build caches validated claim tables for its notebooks."""
    return root / "build" / "cache"


def resolve(path: str | os.PathLike[str] | None, default: str, root: Path | None = None) -> Path:
    """A user-given path as given when absolute or present from the cwd, else relative to the repo root."""
    root = root or repo_root()
    if path is None or str(path) == "":
        return root / default
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return root / p


def display(path: Path, root: Path | None = None) -> str:
    """A path as shown to people: relative to the repo root when inside it, so no machine path leaks."""
    try:
        return Path(path).resolve().relative_to((root or repo_root()).resolve()).as_posix()
    except ValueError:
        return str(path)
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13): named as written
        with contextlib.suppress(ValueError, OSError, RuntimeError):
            return Path(path).absolute().relative_to((root or repo_root()).absolute()).as_posix()
        return str(path)


@contextlib.contextmanager
def csv_cells_of_any_size() -> Iterator[None]:
    """A block in which the csv module reads a cell of any length (its default stops at 131,072
    characters with an error that reads like bad quoting); the limit is put back after. The
    schema bounds the columns where length matters."""
    import csv

    before = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(before)
