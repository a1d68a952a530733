"""Where the project's files are, whatever the current working directory."""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("pyproject.toml", "data")
CACHE_ENV = "WARCLAIMS_CACHE_DIR"  # where validated claim tables are cached (claims.cache); unset: no cache


def write_atomic(path: Path, data: bytes) -> bool:
    """Write via a temporary file and rename; returns False (and writes nothing) when unchanged."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
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
