"""A cache of validated claim tables, so the notebooks of one build validate a large table once.

Used only where `$WARCLAIMS_CACHE_DIR` names a folder (the report build sets it for its kernels;
a notebook opened by hand validates afresh). Entries are JSON, never pickles: a damaged or foreign
file is a cache miss, not code that runs. The key is a hash over every input file a validation
reads, the package's whole source and the pandas and pandera versions.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from warclaims.claims.checking import CheckedTable, input_paths
from warclaims.claims.reading import RawTable
from warclaims.paths import CACHE_ENV, read_regular, sha256_of_regular, write_atomic

FORMAT = 1
KEEP = 8  # entries kept; older ones are removed when a new one is written


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


@lru_cache(maxsize=1)
def package_digest() -> str:
    """sha256 over every file of the installed warclaims package (its whole source)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(
                path.relative_to(package).as_posix().encode() + b"\0" + bytes.fromhex(sha256_of_regular(path))
            )
    return digest.hexdigest()


def entry_path(root: Path, given: dict, folder: Path | None = None) -> Path | None:
    """FOLDER/checked-<key>.json for these inputs (FOLDER: `folder`, else $WARCLAIMS_CACHE_DIR);
    None when caching is off or a file cannot be read."""
    folder = folder or cache_dir()
    if folder is None:
        return None
    versions = f"{FORMAT} {pd.__version__} {importlib.metadata.version('pandera')} {package_digest()}"
    digest = hashlib.sha256(versions.encode())
    try:
        files = list(input_paths(root, given).values()) + sorted((root / "seeds").glob("*"))
        for path in files:  # resolved, so "data/events.csv" from the repo root and the default path agree
            digest.update(str(path.resolve()).encode() + b"\0" + read_regular(path) + b"\0")
    except OSError:
        return None
    return folder / f"checked-{digest.hexdigest()}.json"


def _encode(checked: CheckedTable) -> bytes:
    tables = {
        kind: {
            "path": t.path,
            "columns": list(t.frame.columns),
            "rows": t.frame.to_numpy().tolist(),
            "lines": list(t.lines),
        }
        for kind, t in checked.tables.items()
    }
    return json.dumps({"format": FORMAT, "tables": tables, "texts": checked.texts}, ensure_ascii=False).encode("utf-8")


def _decode(data: bytes) -> CheckedTable:
    doc = json.loads(data)
    if doc.get("format") != FORMAT:
        raise ValueError("another cache format")
    tables = {}
    for kind, t in doc["tables"].items():
        frame = pd.DataFrame(t["rows"], columns=t["columns"], dtype=object)
        if len(frame) != len(t["lines"]):
            raise ValueError("rows and lines disagree")
        tables[kind] = RawTable(str(t["path"]), frame, [int(n) for n in t["lines"]])
    return CheckedTable([], tables, {str(k): str(v) for k, v in doc["texts"].items()})


def load(path: Path | None) -> CheckedTable | None:
    """The cached valid table, or None (a miss) when absent, unreadable or not a cache entry."""
    if path is None:
        return None
    try:
        return _decode(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):  # damaged or foreign: drop it
        path.unlink(missing_ok=True)
        return None


def store(path: Path | None, checked: CheckedTable) -> None:
    """Keep a valid table for the next load; a cache folder that cannot be written only costs speed."""
    if path is None or checked.problems:
        return
    try:
        write_atomic(path, _encode(checked))
        old = sorted(path.parent.glob("checked-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
