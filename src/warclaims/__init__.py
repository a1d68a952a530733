"""warclaims: charts of claims from war reporting, each number kept as a claim by a party."""

from warclaims.errors import ClaimTableError, Problem
from warclaims.events import (
    load_claims,
    load_events,
    load_metrics,
    load_skipped,
    load_sources,
    validate,
)
from warclaims.paths import repo_root
from warclaims.selection import ParameterError, check_unit, select_claims

__all__ = [
    "ClaimTableError",
    "ParameterError",
    "Problem",
    "check_unit",
    "load_claims",
    "load_events",
    "load_metrics",
    "load_skipped",
    "load_sources",
    "repo_root",
    "select_claims",
    "validate",
]
__version__ = "0.1.0"
