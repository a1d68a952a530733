"""warclaims: charts of claims from war reporting, each number kept as a claim by a party.

Names are imported on first use, so `warclaims build` can answer a no-op build without
loading pandas or matplotlib.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ClaimTableError": "warclaims.errors",
    "Problem": "warclaims.errors",
    "load_claims": "warclaims.events",
    "load_events": "warclaims.events",
    "load_metrics": "warclaims.events",
    "load_skipped": "warclaims.events",
    "load_sources": "warclaims.events",
    "validate": "warclaims.events",
    "repo_root": "warclaims.paths",
    "ParameterError": "warclaims.selection",
    "check_unit": "warclaims.selection",
    "load_attacks_parameter": "warclaims.selection",
    "select_claims": "warclaims.selection",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'warclaims' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
