"""What a notebook's parameters select: checked first, with one plain-language line when wrong.

`select_claims(...)` is the first thing each notebook calls; each parameter's type and value is
checked by `parameters` (shared with the report list). A bad parameter raises
`ParameterError`, which Jupyter shows as its one-line message (no traceback), and the notebook
stops there; invalid data raises `ClaimTableError`, shown as its list of located problems.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warclaims.charts import parameters
from warclaims.charts.parameters import ParameterError, check_sides
from warclaims.claims import vocabulary as vocab
from warclaims.claims.checking import DEFAULTS
from warclaims.claims.loading import load_claims
from warclaims.paths import display, resolve


@dataclass
class Selection:
    """The claims a notebook shows, and a phrase saying how they were chosen."""

    claims: pd.DataFrame
    all_claims: pd.DataFrame
    description: str

    def shown(self, family: str | None = None) -> pd.DataFrame:
        """The claims a page about `family` (drones, casualties, territory) draws: that family's rows
        and the dated events of their incidents; every selected row for None. A page's claims CSV and
        its list of sources are these rows, not the whole selection."""
        if family is None:
            return self.claims
        rows = self.claims[self.claims["family"].astype(str) == family]
        events = self.claims[
            (self.claims["metric"].astype(str) == vocab.EVENT) & self.claims["incident"].isin(rows["incident"].unique())
        ]
        return self.claims.loc[self.claims.index.isin(rows.index.union(events.index))]


def _existing(name: str, path) -> str | None:
    path = parameters.check_path(name, path)
    if path is None:
        return None
    if not resolve(path, "").is_file():
        raise ParameterError(f"{name}: file {str(path)!r} not found (relative paths are read from the repository root)")
    return str(path)


def select_claims(
    *,
    events_csv: str | None = None,
    sources_csv: str | None = None,
    metrics_csv: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    claimant_sides: Iterable[str] | str | None = None,
    source_ids: Iterable[str] | str | None = None,
) -> Selection:
    """Check the parameters, load the validated claims, and keep those of the chosen sides and
    sources (`source_ids`, empty for all) whose date window overlaps [start_date, end_date]."""
    start, end = (parameters.check_date(n, v) for n, v in (("start_date", start_date), ("end_date", end_date)))
    if start is not None and end is not None and start > end:
        raise ParameterError(f"start_date {start} is after end_date {end}")
    start, end = (pd.Timestamp(d) if d is not None else None for d in (start, end))
    sides = check_sides(claimant_sides)
    ids = parameters.check_source_ids(list(source_ids) if isinstance(source_ids, tuple) else source_ids)
    paths = {
        k: _existing(k, v)
        for k, v in (("events_csv", events_csv), ("sources_csv", sources_csv), ("metrics_csv", metrics_csv))
    }
    claims = load_claims(paths["events_csv"], sources=paths["sources_csv"], metrics=paths["metrics_csv"])
    keep = claims["claimant_side"].isin(sides)
    if ids:
        known = list(claims["source_id"].cat.categories)
        unknown = [i for i in ids if i not in known]
        if unknown:
            listed = ", ".join(known[:5]) + (f" and {len(known) - 5:,} more" if len(known) > 5 else "")
            more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
            raise ParameterError(
                f"source_ids: {', '.join(parameters.shown(u) for u in unknown[:5])}{more} not in the table's sources; "
                f"known: {listed}"
            )
        keep &= claims["source_id"].isin(ids)
    if start is not None:
        keep &= claims["date_end"] >= start
    if end is not None:
        keep &= claims["date_start"] <= end
    # In the words the charts' legends use ("Claimed by Russia"), never the table's codes or labels.
    # (joined here, not by theme._join: importing the theme would load matplotlib for every selection)
    by = [vocab.SIDE_LABELS[s] for s in sides]
    parts = [f"claims by {by[0] if len(by) == 1 else ', '.join(by[:-1]) + ' and ' + by[-1]}"]
    if ids:
        parts.append(f"from source{'s' * (len(ids) != 1)} {', '.join(ids)}")
    if start is not None or end is not None:
        parts.append(f"dated {start.date() if start is not None else '…'} to {end.date() if end is not None else '…'}")
    events_file = resolve(paths["events_csv"], DEFAULTS["events"])
    if events_file.resolve() != resolve(None, DEFAULTS["events"]).resolve():
        parts.append(f"table {display(events_file)}")
    return Selection(claims[keep].reset_index(drop=True), claims, "; ".join(parts))


def load_attacks_parameter(attacks_csv: str | None, attacks_models_csv: str | None = None, context_days: int = 14):
    """The attack dataset a notebook was given (None when not given), its paths checked first.

    attacks_models_csv defaults to missiles_and_uavs.csv beside attacks_csv.
    """
    parameters.check_days(context_days)
    if attacks_csv is None or attacks_csv == "":
        return None
    data = _existing("attacks_csv", attacks_csv)
    models = attacks_models_csv or str(Path(data).with_name("missiles_and_uavs.csv"))
    models = _existing("attacks_models_csv", models)
    from warclaims.external.attacks import load_attacks

    result = load_attacks(resolve(data, ""), resolve(models, ""), skip_bad_rows=True, shown=data)
    result.dataset = _declared("attacks")
    return result


def load_territory_parameter(snapshots: str | None, region_geojson: str | None):
    """DeepState map snapshots a notebook was given (None when not given), paths checked first:
    `snapshots`, a folder of .geojson snapshots; `region_geojson`, the region to measure inside."""
    if snapshots is None or snapshots == "":
        return None
    folder = parameters.check_path("snapshots", snapshots)
    if not resolve(folder, "").is_dir():
        raise ParameterError(
            f"snapshots: folder {folder!r} not found (relative paths are read from the repository root)"
        )
    if not region_geojson:
        raise ParameterError("region_geojson: give the region to measure in (a GeoJSON polygon) with the snapshots")
    region = _existing("region_geojson", region_geojson)
    from warclaims.external.territory import load_territory
    from warclaims.paths import CACHE_ENV, build_cache, repo_root

    # The build sets the cache folder; run by hand (JupyterLab, papermill), the notebook uses the
    # build's own, so `warclaims import-territory`, a build and the notebook each measure a snapshot
    # once. Only a run by hand shows a progress bar: a build's pages stay byte-identical.
    in_build = os.environ.get(CACHE_ENV)
    cache = Path(in_build) if in_build else build_cache(repo_root())
    result = load_territory(
        resolve(folder, ""),
        resolve(region, ""),
        skip_bad_rows=True,
        jobs=1,  # a kernel does not fork workers
        cache=cache / "territory",
        progress=not in_build,
    )
    result.dataset = _declared("deepstate")
    return result


def load_losses_parameter(losses_json: str | None, losses_days: int = 14):
    """The General Staff's losses a notebook was given (None when not given), its path checked first.

    losses_json: russia_losses_personnel.json as fetched (`warclaims fetch general-staff`).
    """
    parameters.check_days(losses_days, "losses_days")
    if losses_json is None or losses_json == "":
        return None
    path = _existing("losses_json", losses_json)
    from warclaims.external.general_staff import load_losses

    result = load_losses(resolve(path, ""), skip_bad_rows=True, shown=path)
    result.dataset = _declared("general-staff")
    return result


def _declared(name: str):
    """The dataset's declaration in data/external.yaml (its citation and claimant), or None."""
    from warclaims.external.datasets import DatasetListError, load_datasets
    from warclaims.paths import repo_root

    try:
        return load_datasets(repo_root()).get(name)
    except DatasetListError:
        return None
