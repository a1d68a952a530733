"""warclaims: charts of claims from war reporting, each number kept as a claim by a party.

Names are imported on first use, so `warclaims build` can answer a no-op build without
loading pandas or matplotlib. The modules notebooks use (`figures`, `prose`, `charts`) are
reachable as `from warclaims import figures, prose`.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ClaimTableError": "warclaims.errors",
    "AttackDataError": "warclaims.errors",
    "Problem": "warclaims.errors",
    "check_all": "warclaims.claims.checking",
    "validate": "warclaims.claims.checking",
    "load_claims": "warclaims.claims.loading",
    "load_events": "warclaims.claims.loading",
    "load_metrics": "warclaims.claims.loading",
    "load_skipped": "warclaims.claims.loading",
    "load_sources": "warclaims.claims.loading",
    "repo_root": "warclaims.paths",
    "ParameterError": "warclaims.charts.parameters",
    "check_unit": "warclaims.charts.parameters",
    "load_attacks_parameter": "warclaims.charts.selection",
    "load_losses_parameter": "warclaims.charts.selection",
    "load_territory_parameter": "warclaims.charts.selection",
    "select_claims": "warclaims.charts.selection",
}
_MODULES = {
    "charts": "warclaims.charts",
    "figures": "warclaims.charts.figures",
    "prose": "warclaims.charts.prose",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'warclaims' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__ + list(_MODULES))
