"""File digests for the build, reused while a file is unchanged on disk, as git's index does.

A no-op build checks every input and every published output. Hashing them all again (the package
source, the claim table, 30 published files, a gigabyte of map snapshots when they are there)
would cost more than the rest of the no-op build; a file whose size, modification time (ns) and
inode are what they were when it was last hashed keeps its digest. A file modified in the last
two seconds is always hashed (an edit within the clock's resolution could keep its time), and a
damaged or missing store only means everything is hashed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

from warclaims.paths import sha256_of_regular, write_atomic

RACY_NS = 2_000_000_000  # a file modified this recently is hashed every time


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_name(kind: str, data: bytes) -> str:
    """data/<kind>-<hash>.csv: named by its content, so reports that publish the same rows (a page's
    claims, a chart's, a series) share one file."""
    return f"data/{kind}-{sha256(data)[:16]}.csv"


def claims_csv_name(data: bytes) -> str:
    """A page's claims CSV: data/claims-<hash>.csv."""
    return csv_name("claims", data)


class Digests:
    """sha256 of files, remembered in `store` (a JSON file) between builds."""

    def __init__(self, store: Path | None = None):
        self.store = store
        self._known: dict[str, list] = {}
        self._changed = False
        if store is not None:
            try:
                known = json.loads(store.read_text(encoding="utf-8"))
                if isinstance(known, dict):
                    self._known = known
            except (OSError, ValueError, RecursionError):
                pass

    def of(self, path: Path) -> str:
        """The sha256 of the file at `path` (OSError when it cannot be read)."""
        st = os.stat(path)
        key = str(path)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        known = self._known.get(key)
        if isinstance(known, list) and len(known) == 4 and known[:3] == stamp:
            return known[3]
        digest = sha256_of_regular(path)
        if time.time_ns() - st.st_mtime_ns > RACY_NS:
            self._known[key] = [*stamp, digest]
            self._changed = True
        return digest

    def save(self) -> None:
        """Write the store (atomically) when something new was learned; entries of files gone are dropped."""
        if self.store is None or not self._changed:
            return
        known = {k: v for k, v in self._known.items() if os.path.exists(k)}
        with contextlib.suppress(OSError):  # a cache: the next build hashes again
            write_atomic(self.store, json.dumps(known, sort_keys=True).encode())
        self._changed = False
