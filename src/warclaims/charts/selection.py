"""What a notebook's parameters select: checked first, with one plain-language line when wrong.

`select_claims(...)` is the first thing each notebook calls. A bad parameter raises
`ParameterError`, which Jupyter shows as its one-line message (no traceback), and the notebook
stops there; invalid data raises `ClaimTableError`, shown as its list of located problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warclaims.claims import vocabulary as vocab
from warclaims.claims.checking import DEFAULTS
from warclaims.claims.loading import load_claims
from warclaims.paths import display, resolve


class ParameterError(ValueError):
    """A notebook parameter is wrong; the message says which and what would be right."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"ParameterError: {self}"]


@dataclass
class Selection:
    """The claims a notebook shows, and a phrase saying how they were chosen."""

    claims: pd.DataFrame
    all_claims: pd.DataFrame
    description: str


def _date(name: str, value) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ParameterError(f"{name}={value!r} is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'") from None


def check_sides(claimant_sides) -> list[str]:
    if claimant_sides is None:
        return list(vocab.SIDES)
    if isinstance(claimant_sides, str):
        claimant_sides = [claimant_sides]
    sides = [str(s).lower() for s in claimant_sides]
    unknown = [s for s in sides if s not in vocab.SIDES]
    if unknown:
        raise ParameterError(
            f"claimant_sides has unknown side(s) {', '.join(map(repr, unknown))}; choose from {', '.join(vocab.SIDES)}"
        )
    if not sides:
        raise ParameterError(f"claimant_sides is empty; choose at least one of {', '.join(vocab.SIDES)}")
    return sides


def check_unit(unit: str) -> str:
    if unit not in vocab.UNITS:
        raise ParameterError(
            f"territory_unit={unit!r} is not known; use 'km2' (square kilometres) or 'mi2' (square miles)"
        )
    return unit


def _existing(name: str, path) -> str | None:
    if path is None or path == "":
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
    claimant_sides: Iterable[str] | None = None,
) -> Selection:
    """Check the parameters, load the validated claims, and keep those of the chosen sides whose
    date window overlaps [start_date, end_date]."""
    start, end = _date("start_date", start_date), _date("end_date", end_date)
    if start is not None and end is not None and start > end:
        raise ParameterError(f"start_date {start.date()} is after end_date {end.date()}")
    sides = check_sides(claimant_sides)
    paths = {
        k: _existing(k, v)
        for k, v in (("events_csv", events_csv), ("sources_csv", sources_csv), ("metrics_csv", metrics_csv))
    }
    claims = load_claims(paths["events_csv"], sources=paths["sources_csv"], metrics=paths["metrics_csv"])
    keep = claims["claimant_side"].isin(sides)
    if start is not None:
        keep &= claims["date_end"] >= start
    if end is not None:
        keep &= claims["date_start"] <= end
    parts = [f"sides: {', '.join(vocab.SIDE_LABELS[s] for s in sides)}"]
    if start is not None or end is not None:
        parts.append(f"dates {start.date() if start is not None else '…'} to {end.date() if end is not None else '…'}")
    events_file = resolve(paths["events_csv"], DEFAULTS["events"])
    if events_file.resolve() != resolve(None, DEFAULTS["events"]).resolve():
        parts.append(f"table {display(events_file)}")
    return Selection(claims[keep].reset_index(drop=True), claims, "; ".join(parts))


def load_attacks_parameter(attacks_csv: str | None, attacks_models_csv: str | None = None, context_days: int = 14):
    """The attack dataset a notebook was given (None when not given), its paths checked first.

    attacks_models_csv defaults to missiles_and_uavs.csv beside attacks_csv.
    """
    if not isinstance(context_days, int) or isinstance(context_days, bool) or not 1 <= context_days <= 366:
        raise ParameterError(f"context_days={context_days!r} must be a whole number of days from 1 to 366")
    if attacks_csv is None or attacks_csv == "":
        return None
    data = _existing("attacks_csv", attacks_csv)
    models = attacks_models_csv or str(Path(data).with_name("missiles_and_uavs.csv"))
    models = _existing("attacks_models_csv", models)
    from warclaims.external.attacks import load_attacks

    return load_attacks(resolve(data, ""), resolve(models, ""), skip_bad_rows=True, shown=data)
