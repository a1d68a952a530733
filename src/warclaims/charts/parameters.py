"""Notebook parameters: the type and value each may take, checked before anything is drawn.

Used by the notebooks (through `selection`) and by the report list, so a wrong parameter is one
line naming it, whether it comes from papermill, JupyterLab or reports.yaml. Loads no pandas.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from warclaims.claims.vocabulary import EARLIEST_DATE, LATEST_DATE, SIDE_LABELS, SIDES, UNITS

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ParameterError(ValueError):
    """A notebook parameter is wrong; the message says which and what would be right."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"ParameterError: {self}"]


def shown(value, most: int = 80) -> str:
    """A value as an error line quotes it: its repr, cut at `most` characters (a 1 MB id is one line)."""
    text = repr(value)
    return text if len(text) <= most else text[: most - 1] + "…"


def check_date(name: str, value) -> str | None:
    """None, or an ISO date 'YYYY-MM-DD' (a date object, as YAML gives for an unquoted date, is accepted)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = value.isoformat()
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            day = None
        if day is not None and EARLIEST_DATE <= day <= LATEST_DATE:
            return day
        if day is not None:
            raise ParameterError(f"{name}={shown(value)} is outside {EARLIEST_DATE} to {LATEST_DATE}")
    raise ParameterError(f"{name}={shown(value)} is not a date; write it as YYYY-MM-DD, e.g. '2025-05-21'")


def check_sides(value) -> list[str]:
    """A list of claimant sides (one side may be given as text); None means every side."""
    if value is None:
        return list(SIDES)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(s, str) for s in value):
        raise ParameterError(
            f"claimant_sides={shown(value)} must be a list of sides, e.g. ['russia', 'ukraine']; choose from {', '.join(SIDES)}"
        )
    sides = [s.lower() for s in value]
    unknown = [s for s in sides if s not in SIDES]
    if unknown:
        raise ParameterError(
            f"claimant_sides has unknown side(s) {', '.join(map(repr, unknown))}; choose from {', '.join(SIDES)}"
        )
    if not sides:
        raise ParameterError(f"claimant_sides is empty; choose at least one of {', '.join(SIDES)}")
    return sides


def check_source_ids(value) -> list[str] | None:
    """None (every source), or a list of source ids (one may be given as text); whether each is in
    the table is checked where the table is read."""
    if value is None or value == "" or value == [] or value == ():
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(s, str) and s.strip() for s in value):
        raise ParameterError(
            f"source_ids={shown(value)} must be a list of source ids from sources.csv, e.g. ['2025-05-21-putin-kursk']"
        )
    return list(dict.fromkeys(s.strip() for s in value))


def check_place(value, name: str = "region_place") -> str | None:
    """None, or a place as the claim table writes it in `location` (e.g. 'Kursk region')."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 200 or "\0" in value:
        raise ParameterError(f"{name}={shown(value)} must be a place as the claim table writes it, e.g. 'Kursk region'")
    return value.strip()


def check_unit(value) -> str:
    if not isinstance(value, str) or value not in UNITS:
        raise ParameterError(
            f"territory_unit={shown(value)} is not known; use 'km2' (square kilometres) or 'mi2' (square miles)"
        )
    return value


def check_days(value, name: str = "context_days") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366:
        raise ParameterError(f"{name}={shown(value)} must be a whole number of days from 1 to 366")
    return value


def check_path(name: str, value) -> str | None:
    """None, or a file path as text (whether the file exists is checked where it is read)."""
    if value is None or value == "":
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or "\0" in value:
        raise ParameterError(f"{name}={shown(value)} must be a file path, written as text")
    return value


# The parameters that name a file or folder: a build confines them to the project's data/ and seeds/.
PATH_PARAMETERS = (
    "events_csv",
    "sources_csv",
    "metrics_csv",
    "attacks_csv",
    "attacks_models_csv",
    "losses_json",
    "snapshots",
    "region_geojson",
)

CHECKS = {
    **{name: (lambda v, name=name: check_path(name, v)) for name in PATH_PARAMETERS},
    "start_date": lambda v: check_date("start_date", v),
    "end_date": lambda v: check_date("end_date", v),
    "claimant_sides": check_sides,
    "source_ids": check_source_ids,
    "region_place": check_place,
    "territory_unit": check_unit,
    "context_days": check_days,
    "losses_days": lambda v: check_days(v, "losses_days"),
}


def check(name: str, value):
    """The value of parameter `name`, checked and normalized (a parameter this module does not know passes as is)."""
    return CHECKS[name](value) if name in CHECKS else value


def describe(parameters: dict) -> str:
    """What a parameter set selects, in words, for titles and index cards ('' for the defaults):
    'claims by Ukraine; in square miles'."""
    parts = []
    sides = check_sides(parameters["claimant_sides"]) if parameters.get("claimant_sides") is not None else SIDES
    if set(sides) != set(SIDES):
        parts.append("claims by " + " and ".join(SIDE_LABELS[s] for s in SIDES if s in sides))
    start, end = (
        check_date("start_date", parameters.get("start_date")),
        check_date("end_date", parameters.get("end_date")),
    )
    if start and end:
        parts.append(f"{_day(start)} to {_day(end)}")
    elif start:
        parts.append(f"from {_day(start)}")
    elif end:
        parts.append(f"to {_day(end)}")
    ids = check_source_ids(parameters.get("source_ids"))
    if ids:
        parts.append(("from source " if len(ids) == 1 else "from sources ") + ", ".join(ids))
    if parameters.get("territory_unit") == "mi2":
        parts.append("in square miles")
    for name in ("events_csv", "sources_csv", "metrics_csv"):
        if parameters.get(name) and parameters[name] != f"data/{name.removesuffix('_csv')}.csv":
            parts.append(f"{name.removesuffix('_csv')} from {parameters[name]}")
    if parameters.get("attacks_csv"):
        parts.append("with the Air Force’s nightly counts")
    if parameters.get("losses_json"):
        parts.append("with the General Staff’s daily claims")
    if parameters.get("snapshots"):
        parts.append("against DeepState’s maps")
    return "; ".join(parts)


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"
