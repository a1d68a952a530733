"""Is this environment the one requirements.lock describes? `python -m warclaims.environment`.

`make` runs it before trusting its install stamp: a package removed or changed by hand after
the install (say, `pip uninstall pandas`) makes it exit 1 naming the package, and `make`
reinstalls. It reads installed metadata only, so it answers in a fraction of a second.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

from packaging.utils import canonicalize_name


def locked(lock: Path) -> dict[str, str]:
    """name -> version for every `name==version` line of a lock file."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def differences(lock: Path) -> list[str]:
    """One line per locked package that is missing or at another version than the lock pins."""
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in importlib.metadata.distributions()
        if d.metadata["Name"]
    }
    out = []
    for name, version in sorted(locked(lock).items()):
        have = installed.get(name)
        if have is None:
            out.append(f"{name} {version} is locked but not installed")
        elif have != version:
            out.append(f"{name} is {have}, the lock pins {version}")
    return out


def main() -> int:
    from warclaims.paths import repo_root

    problems = differences(repo_root() / "requirements.lock")
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
