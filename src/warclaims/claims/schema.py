"""The contract of data/*.csv: one pandera schema per file, documented field by field.

The schemas check text cells as read from the CSV (see `reading.read_csv`), so a bad cell is
reported with its own text and line; `loading.load_*` then converts the valid text to real
dtypes. `warclaims schema` prints these descriptions as the data dictionary.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from warclaims.claims.vocabulary import (
    EARLIEST_DATE,
    FAMILIES,
    LATEST_DATE,
    MAX_DURATION_HOURS,
    MAX_VALUE,
    QUALIFIERS,
    SIDES,
    VALUE_BASES,
)

_SLUG = r"^[a-z0-9][a-z0-9_-]*$"
_SHA256 = r"^[0-9a-f]{64}$"
_NUMBER = r"^[0-9]+(\.[0-9]+)?$"  # ASCII digits only: [0-9], not \d, which also matches full-width and other digits
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATES = f"ISO YYYY-MM-DD in digits 0-9, from {EARLIEST_DATE} to {LATEST_DATE}"


def _iso_date() -> list[pa.Check]:
    """An ISO calendar date, written in ASCII digits, from EARLIEST_DATE to LATEST_DATE."""
    return [
        pa.Check.str_matches(_DATE, error="must be an ISO date, YYYY-MM-DD, in digits 0-9"),
        pa.Check(
            lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna() | ~s.str.fullmatch(_DATE),
            error="is not a calendar date",
        ),
        pa.Check(
            lambda s: s.between(EARLIEST_DATE, LATEST_DATE) | ~s.str.fullmatch(_DATE),
            error=f"must be a date from {EARLIEST_DATE} to {LATEST_DATE}",
        ),
    ]


def _number(what: str, *, low: float, high: float, low_inclusive: bool = True) -> list[pa.Check]:
    """A number written in ASCII digits with an optional decimal point, finite and within its range."""

    def within_range(s: pd.Series) -> pd.Series:  # not named in_range: pandera would take it for its own check
        n = pd.to_numeric(s.where(s.str.fullmatch(_NUMBER)), errors="coerce")
        above = n >= low if low_inclusive else n > low
        return (above & (n <= high)) | ~s.str.fullmatch(_NUMBER)

    limits = f"from {low:,.0f} to {high:,.0f}" if low_inclusive else f"above {low:,.0f} and at most {high:,.0f}"
    return [
        pa.Check.str_matches(_NUMBER, error=f"must be {what} written with digits 0-9 and an optional decimal point"),
        pa.Check(within_range, error=f"must be {limits}"),
    ]


def _one_of(values: list[str], what: str = "one of") -> pa.Check:
    return pa.Check.isin(
        values,
        error=f"must be {what}: {', '.join(values)}" if values else "no allowed values (see the file it refers to)",
    )


# Characters: a source's headline and description are printed in every citation of it, on every page.
HEADLINE_MOST, DESCRIPTION_MOST = 300, 1000


def _at_most(most: int) -> pa.Check:
    return pa.Check.str_length(max_value=most, error=f"must be at most {most:,} characters")


def _refers_to(ids: list[str] | None, what: str) -> list[pa.Check]:
    """A reference to another file's ids; none to check when that file could not be read (None):
    its own problems say why, once, instead of one per row that refers to it."""
    return [] if ids is None else [_one_of(ids, what)]


def _text(
    description: str, *, nullable: bool = False, checks: list[pa.Check] | None = None, unique: bool = False
) -> pa.Column:
    # dtype None: every cell is text by construction (reading.read_csv), so pandera skips a per-cell type scan.
    return pa.Column(None, checks=checks or [], nullable=nullable, unique=unique, description=description)


# Columns a table once had: the columns that took their place, and how to move. A table in the old
# layout is told how; one that has the new columns too is told the old one is left over.
RENAMED = {
    "sources": {
        "title": (
            ("headline", "description"),
            "it is now two columns: headline (the text's headline, empty where the source file gives"
            " none) and description (a standfirst or summary)",
        ),
    }
}


def sources_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_id": _text(
                "Unique slug naming the source.",
                checks=[pa.Check.str_matches(_SLUG, error="must be a lowercase slug (a-z, 0-9, - and _)")],
                unique=True,
            ),
            "path": _text("The source text's file, relative to the repository root (under seeds/)."),
            "sha256": _text(
                "SHA-256 of the file's bytes; validation fails when the file changes.",
                checks=[pa.Check.str_matches(_SHA256, error="must be 64 lowercase hex digits")],
            ),
            "published": _text(f"Publication date ({_DATES}).", checks=_iso_date()),
            "headline": _text(
                f"The text's headline, verbatim, at most {HEADLINE_MOST} characters; empty where the source"
                " file gives none (a standfirst is not a headline: it goes in description).",
                nullable=True,
                checks=[_at_most(HEADLINE_MOST)],
            ),
            "description": _text(
                "A line the source file gives that describes the text (its standfirst or summary),"
                f" verbatim, at most {DESCRIPTION_MOST} characters; empty where there is none.",
                nullable=True,
                checks=[_at_most(DESCRIPTION_MOST)],
            ),
            "outlet": _text(
                "The outlet that published it (a newspaper, agency or site); empty where it is not known.",
                nullable=True,
            ),
            "url": _text(
                "Where the text can be read (http or https); empty where there is no address.",
                nullable=True,
                checks=[
                    pa.Check.str_matches(r"^https?://[^\s<>\"']+$", error="must be an http:// or https:// address")
                ],
            ),
        },
        strict=True,
        name="sources",
    )


def metrics_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "metric": _text(
                "Unique id of a measured quantity, used by events.csv.",
                checks=[pa.Check.str_matches(_SLUG, error="must be a lowercase slug")],
                unique=True,
            ),
            "family": _text("Which chart family it belongs to.", checks=[_one_of(FAMILIES)]),
            "unit": _text(
                "Unit of `value` (count, people, km2); empty for dated events without a value.", nullable=True
            ),
            "label": _text("Human label used on charts."),
        },
        strict=True,
        name="metrics",
    )


def skipped_schema(source_ids: list[str] | None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_id": _text("A sources.csv id.", checks=_refers_to(source_ids, "a source_id from data/sources.csv")),
            "number": _text('The number as the text writes it ("540", "three").'),
            "context": _text("A verbatim snippet of the text around the number, to say which occurrence."),
            "reason": _text("Why this number is not a claim row."),
        },
        strict=True,
        name="skipped",
    )


def events_schema(source_ids: list[str] | None, metrics: list[str] | None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "event_id": _text(
                "Unique, stable slug of this claim row.",
                checks=[pa.Check.str_matches(_SLUG, error="must be a lowercase slug (a-z, 0-9, - and _)")],
                unique=True,
            ),
            "source_id": _text(
                "The source the claim is read from (sources.csv).",
                checks=_refers_to(source_ids, "a source_id from data/sources.csv"),
            ),
            "incident": _text(
                "Slug grouping the rows about one happening (e.g. killed and wounded in the same strike).",
                checks=[pa.Check.str_matches(_SLUG, error="must be a lowercase slug")],
            ),
            "date_start": _text(
                f"First day of the window in which the claimed thing happened ({_DATES}).", checks=_iso_date()
            ),
            "date_end": _text(f"Last day of that window ({_DATES}), on or after date_start.", checks=_iso_date()),
            "date_text": _text('The text\'s own words for when ("Tuesday night", "late April").'),
            "metric": _text(
                "What is claimed (metrics.csv).", checks=_refers_to(metrics, "a metric from data/metrics.csv")
            ),
            "value": _text(
                f"The claimed number, from 0 to {MAX_VALUE:,}, in digits 0-9; empty only for `event` rows.",
                nullable=True,
                checks=_number("a non-negative number", low=0, high=MAX_VALUE),
            ),
            "qualifier": _text("How the text qualifies the number.", nullable=True, checks=[_one_of(QUALIFIERS)]),
            "qualifier_text": _text(
                'The text\'s own word(s) for the qualifier ("nearly", "at least"), as written in the quote; '
                "charts and prose use them instead of a generic word.",
                nullable=True,
            ),
            "value_basis": _text(
                "`stated`: the number is in the quote; `derived`: it follows from the quote, and notes say how.",
                nullable=True,
                checks=[_one_of(VALUE_BASES)],
            ),
            "claimant": _text("Who makes the claim, as the text names them."),
            "claimant_side": _text("The claimant's side.", checks=[_one_of(SIDES)]),
            "subject": _text('What is counted, and whose ("Ukrainian drones").', nullable=True),
            "location": _text("Where, as precise as the text allows and no more.", nullable=True),
            "country": _text("Country of the location, where the text says.", nullable=True),
            "duration_hours": _text(
                'Length of the period the value covers, where the text gives one ("over 12 hours"): '
                f"above 0 and at most {MAX_DURATION_HOURS:,} (a leap year).",
                nullable=True,
                checks=_number("a positive number of hours", low=0, high=MAX_DURATION_HOURS, low_inclusive=False),
            ),
            "quote": _text("The sentence or part of it that the value comes from, verbatim from the source."),
            "notes": _text("Curation choices a reader should know about.", nullable=True),
        },
        strict=True,
        name="events",
    )


def columns(schema: pa.DataFrameSchema) -> list[str]:
    return list(schema.columns)


def required_columns(schema: pa.DataFrameSchema) -> list[str]:
    """Columns a file must have in its header: all but the optional extras of events.csv."""
    optional = {
        "events": {"subject", "duration_hours", "qualifier_text"},
        "sources": {"headline", "description", "outlet", "url"},
    }.get(schema.name, set())
    return [c for c in schema.columns if c not in optional]


def data_dictionary() -> str:
    """The schemas as Markdown: one table per file, one row per column."""
    parts = []
    for schema in (sources_schema(), metrics_schema(), events_schema([], []), skipped_schema([])):
        parts.append(f"### data/{schema.name}.csv\n\n| column | required | description |\n|---|---|---|")
        for name, col in schema.columns.items():
            req = (
                "optional" if name not in required_columns(schema) else ("yes" if not col.nullable else "may be empty")
            )
            parts.append(f"| `{name}` | {req} | {col.description} |")
        parts.append("")
    return "\n".join(parts)


# Column types as a Frictionless Table Schema writes them (every cell is read as text, then checked).
_TYPES = {"date_start": "date", "date_end": "date", "published": "date", "value": "number", "duration_hours": "number"}
_ENUMS = {"qualifier": QUALIFIERS, "value_basis": VALUE_BASES, "claimant_side": SIDES}
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def datapackage() -> dict:
    """data/datapackage.json: the claim table's files as a Frictionless Data Package, each with a
    Table Schema made from the pandera schemas above (names, descriptions, types, required, enums,
    keys), so other tools can read and check the table without this package. A test keeps the
    committed file equal to this."""
    resources = []
    keys = {
        "events": ("event_id", [("source_id", "sources", "source_id"), ("metric", "metrics", "metric")]),
        "sources": ("source_id", []),
        "metrics": ("metric", []),
        "skipped": (None, [("source_id", "sources", "source_id")]),
    }
    for schema in (events_schema([], []), sources_schema(), metrics_schema(), skipped_schema([])):
        fields = []
        for name, col in schema.columns.items():
            constraints = {}
            if name in required_columns(schema) and not col.nullable:
                constraints["required"] = True
            if col.unique:
                constraints["unique"] = True
            if name in _ENUMS:
                constraints["enum"] = list(_ENUMS[name])
            field = {"name": name, "type": _TYPES.get(name, "string"), "description": col.description}
            if constraints:
                field["constraints"] = constraints
            fields.append(field)
        primary, foreign = keys[schema.name]
        table = {"fields": fields, "missingValues": [""]}
        if primary:
            table["primaryKey"] = primary
        if foreign:
            table["foreignKeys"] = [{"fields": f, "reference": {"resource": r, "fields": rf}} for f, r, rf in foreign]
        resources.append(
            {
                "name": schema.name,
                "path": f"{schema.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table,
            }
        )
    return {
        "name": "warclaims-claims",
        "title": "Claims from war reporting: who claims what, when, and in which words",
        "description": (
            "A hand-curated table of numbers from war reporting, each recorded as a claim by a party, with "
            "its qualifier, its date window and the verbatim quote it comes from. Not independently verified."
        ),
        "licenses": [DATA_LICENSE],
        "profile": "tabular-data-package",
        "resources": resources,
    }


def datapackage_json() -> str:
    import json

    return json.dumps(datapackage(), indent=1, ensure_ascii=False) + "\n"
