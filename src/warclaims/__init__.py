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

__all__ = [
    "ClaimTableError",
    "Problem",
    "load_claims",
    "load_events",
    "load_metrics",
    "load_skipped",
    "load_sources",
    "repo_root",
    "validate",
]
__version__ = "0.1.0"
