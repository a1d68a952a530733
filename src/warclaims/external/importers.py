"""A declared dataset read by its own importer (`importer:` in data/external.yaml), as the notebooks
read it: bad rows left out and counted. One place for the fetch (a download replaces the old copy
only once it reads as data) and the guard (the series it checks).

A dataset's files are given in external.yaml's order: general_staff takes the personnel file, then
the equipment file (optional); attacks takes the daily file, then the model reference table.
"""

from __future__ import annotations

from pathlib import Path

from warclaims.errors import InputError
from warclaims.external.datasets import Dataset

# A fetched file whose importer leaves out more than this share of its rows is not taken as the
# data (an error page or a rewritten file imports a few rows, or none, and skips the rest).
MOST_BAD = 0.10


def imported(dataset: Dataset, paths: list[Path]):
    """The importer's result for `paths` (LossesImport or AttackImport); None for an importer with
    no files to read here (territory: snapshots are got by hand). InputError when it cannot read them."""
    if dataset.importer == "general_staff":
        from warclaims.external.general_staff import load_losses

        personnel, *rest = paths
        equipment = rest[0] if rest and rest[0].is_file() else None
        return load_losses(personnel, equipment, skip_bad_rows=True, shown=dataset.files[0])
    if dataset.importer == "attacks":
        from warclaims.external.attacks import load_attacks

        data, models = paths
        return load_attacks(data, models, skip_bad_rows=True, shown=dataset.files[0])
    return None


def why_not_data(dataset: Dataset, paths: list[Path]) -> str:
    """Why `paths` do not read as `dataset`'s data ("" when they do): the importer's first problem,
    no row read, or more than MOST_BAD of the rows left out."""
    try:
        result = imported(dataset, paths)
    except InputError as exc:
        first = exc.problems[0]
        return f"{first.column + ': ' if first.column else ''}{first.message}"
    except (OSError, ValueError, RecursionError) as exc:
        return f"cannot be read ({type(exc).__name__})"
    if result is None:
        return ""
    if hasattr(result, "records"):  # the General Staff's records
        total, bad = result.records, result.bad_records
    else:  # the Air Force's rows
        total, bad = result.rows_read, result.bad_rows
    if not len(result.frame):
        return "no record could be read"
    if bad > MOST_BAD * total:
        return f"{bad:,} of {total:,} records cannot be read"
    return ""
