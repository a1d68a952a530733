"""Loading the claim table as typed DataFrames: dates as datetimes, enums as categoricals.

Every loader validates first (or reuses a cached validation, see `cache`) and raises
`ClaimTableError` listing every problem.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from warclaims.claims import cache
from warclaims.claims.checking import CheckedTable, blank_as_empty, check_all
from warclaims.claims.vocabulary import FAMILIES, QUALIFIERS, SIDES, VALUE_BASES
from warclaims.paths import build_cache, repo_root

# Typed claim tables this process has made, by cache entry (whose name is a hash of every input
# file, the package's whole source and the library versions): one, the latest. The build's zygote
# makes the build's table once (`preload_claims`), and every kernel it forks finds it here instead
# of decoding and typing it again (about 6 s per report for a 100,000-row table).
_CLAIMS: dict[Path, pd.DataFrame] = {}


def _checked(events: str | Path | None, root: Path | None, entry: Path | None = None, **paths) -> CheckedTable:
    """One validation pass, or the cached result of an identical earlier one (`entry`, when the
    caller has already computed it)."""
    root = root or repo_root()
    entry = entry or cache.entry_path(root, {"events": events, **paths})
    checked = cache.load(entry)
    if checked is None:
        checked = check_all(events, root=root, coverage=False, **paths)
        checked.raise_for_problems()
        cache.store(entry, checked)
    return checked


def validate_for_build(root: Path) -> list:
    """Every problem in the repository's table (coverage included); when there are none, the
    validated table is cached so the build's notebooks load it without validating again."""
    checked = check_all(root=root)
    cache.store(cache.entry_path(root, {}, build_cache(root)), checked)
    return checked.problems


def _typed_events(raw: pd.DataFrame, source_ids: list[str], metric_ids: list[str]) -> pd.DataFrame:
    f = blank_as_empty(raw)  # blank as the validator reads it: spaces, zero-width characters
    for col in ("date_start", "date_end"):
        f[col] = pd.to_datetime(f[col], format="%Y-%m-%d")
    for col in ("value", "duration_hours"):
        f[col] = pd.to_numeric(f[col]).astype("float64")
    f["source_id"] = pd.Categorical(f["source_id"], categories=source_ids)
    f["metric"] = pd.Categorical(f["metric"], categories=metric_ids)
    f["qualifier"] = pd.Categorical(f["qualifier"], categories=QUALIFIERS)
    f["value_basis"] = pd.Categorical(f["value_basis"], categories=VALUE_BASES)
    f["claimant_side"] = pd.Categorical(f["claimant_side"], categories=SIDES)
    for col in ("claimant", "incident", "country"):
        f[col] = f[col].astype("category")
    for col in ("event_id", "date_text", "subject", "location", "quote", "notes", "qualifier_text"):
        f[col] = f[col].astype("string")
    return f


def _typed_sources(checked: CheckedTable) -> pd.DataFrame:
    f = blank_as_empty(checked.frame("sources"))
    f["published"] = pd.to_datetime(f["published"], format="%Y-%m-%d")
    return f.astype(
        dict.fromkeys(("source_id", "path", "sha256", "headline", "description", "outlet", "url"), "string")
    )


def _typed_metrics(checked: CheckedTable) -> pd.DataFrame:
    f = blank_as_empty(checked.frame("metrics"))
    f["family"] = pd.Categorical(f["family"], categories=FAMILIES)
    return f.astype(dict.fromkeys(("metric", "unit", "label"), "string"))


def _events_of(checked: CheckedTable) -> pd.DataFrame:
    return _typed_events(
        checked.frame("events"), list(checked.frame("sources")["source_id"]), list(checked.frame("metrics")["metric"])
    )


def load_sources(*, root: Path | None = None) -> pd.DataFrame:
    """data/sources.csv, validated, with `published` as a datetime."""
    return _typed_sources(_checked(None, root))


def load_metrics(*, root: Path | None = None) -> pd.DataFrame:
    """data/metrics.csv, validated; `family` is categorical."""
    return _typed_metrics(_checked(None, root))


def load_skipped(*, root: Path | None = None) -> pd.DataFrame:
    """data/skipped.csv, validated: numbers in the sources that are deliberately not claim rows."""
    return _checked(None, root).frame("skipped").astype("string")


def load_events(events: str | Path | None = None, *, root: Path | None = None) -> pd.DataFrame:
    """The validated claim table, one row per claimed value, with real dtypes.

    events: an alternative events CSV (default data/events.csv), checked against the repo's sources and metrics.
    """
    return _events_of(_checked(events, root))


def load_claims(
    events: str | Path | None = None,
    *,
    sources: str | Path | None = None,
    metrics: str | Path | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """The claim table joined with its metric (family, unit, label) and source (headline, description, outlet, url, published)."""
    root = root or repo_root()
    entry = cache.entry_path(root, {"events": events, "sources": sources, "metrics": metrics})
    if entry is not None and entry in _CLAIMS:
        return _CLAIMS[entry].copy()  # a copy: what a caller changes, the next caller does not see
    return _joined(_checked(events, root, entry, sources=sources, metrics=metrics))


def preload_claims(root: Path, folder: Path) -> bool:
    """Make the typed claim table of the build's validation (its cache entry in `folder`) once in
    this process, for `load_claims` here and in every process forked from here; True when it was
    made now. Nothing is validated: without a valid cached entry, nothing is made."""
    entry = cache.entry_path(root, {}, folder)
    if entry is None or entry in _CLAIMS:
        return False
    checked = cache.load(entry)
    if checked is None:
        return False
    _CLAIMS.clear()
    _CLAIMS[entry] = _joined(checked)
    return True


def _joined(checked: CheckedTable) -> pd.DataFrame:
    ev = _events_of(checked)
    metric_rows = _typed_metrics(checked).rename(columns={"label": "metric_label"})
    source_rows = _typed_sources(checked)[["source_id", "headline", "description", "outlet", "url", "published"]]
    out = ev.merge(metric_rows.astype({"metric": ev["metric"].dtype}), on="metric", how="left")
    return out.merge(source_rows.astype({"source_id": ev["source_id"].dtype}), on="source_id", how="left")
