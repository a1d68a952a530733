"""Each rule of the contract (schema.py and the cross-checks in checking.py) fails on a bad table,
at the right line and column."""

from __future__ import annotations

import hashlib

import pytest

from warclaims.claims.checking import validate
from warclaims.claims.schema import data_dictionary

from conftest import edit_row, read_rows, write_rows

EVENTS = "data/events.csv"


def problems_at(project, rel=EVENTS):
    return [(p.path, p.line, p.column, p.message) for p in validate(root=project)]


@pytest.mark.parametrize(
    "event_id, changes, column, words",
    [
        ("missile-attack-killed-ukraine", {"value": "-6"}, "value", "non-negative"),
        ("missile-attack-killed-ukraine", {"value": "six"}, "value", "non-negative number"),
        (
            "missile-attack-killed-ukraine",
            {"qualifier": "around"},
            "qualifier",
            "exact, at_least, at_most, approximately",
        ),
        ("missile-attack-killed-ukraine", {"claimant_side": "nato"}, "claimant_side", "russia, ukraine, other"),
        ("missile-attack-killed-ukraine", {"value_basis": "guessed"}, "value_basis", "stated, derived"),
        ("missile-attack-killed-ukraine", {"metric": "deaths"}, "metric", "data/metrics.csv"),
        ("missile-attack-killed-ukraine", {"source_id": "bbc"}, "source_id", "data/sources.csv"),
        ("missile-attack-killed-ukraine", {"date_start": "20/05/2025"}, "date_start", "YYYY-MM-DD"),
        ("missile-attack-killed-ukraine", {"date_end": "2025-02-30"}, "date_end", "calendar date"),
        ("missile-attack-killed-ukraine", {"claimant": ""}, "claimant", "required"),
        ("missile-attack-killed-ukraine", {"quote": ""}, "quote", "required"),
        ("missile-attack-killed-ukraine", {"event_id": "Killed Six"}, "event_id", "slug"),
        ("missile-attack-killed-ukraine", {"event_id": "putin-trump-call"}, "event_id", "not unique"),
        ("missile-attack-killed-ukraine", {"date_start": "2025-05-22"}, "date_end", "before date_start"),
        ("missile-attack-killed-ukraine", {"quote": "at least seven servicemen were killed"}, "quote", "verbatim"),
        ("missile-attack-killed-ukraine", {"value": "7"}, "value", "does not write it"),
        ("kursk-ejection-russia", {"notes": ""}, "notes", "derived"),
        ("putin-trump-call", {"value": "2", "qualifier": "exact", "value_basis": "stated"}, "value", "must be empty"),
        ("missile-attack-killed-ukraine", {"value": ""}, "value", "required"),
        ("missile-attack-killed-ukraine", {"qualifier": ""}, "qualifier", "required"),
        ("missile-attack-killed-ukraine", {"duration_hours": "half a day"}, "duration_hours", "number"),
    ],
)
def test_each_rule_names_line_and_column(project, event_id, changes, column, words):
    line = edit_row(project / EVENTS, "event_id", event_id, **changes)
    found = [p for p in validate(root=project) if p.path == EVENTS]
    assert any(p.line == line and p.column == column and words in p.message for p in found), found


def test_every_problem_is_reported_not_only_the_first(project):
    a = edit_row(project / EVENTS, "event_id", "missile-attack-killed-ukraine", claimant_side="nato")
    b = edit_row(project / EVENTS, "event_id", "iskander-strike-russia", qualifier="maybe")
    c = edit_row(project / EVENTS, "event_id", "putin-kursk-visit", date_end="2025-05-01")
    found = {(p.line, p.column) for p in validate(root=project)}
    assert {(a, "claimant_side"), (b, "qualifier"), (c, "date_end")} <= found


def test_stated_value_may_be_written_with_thousands_separator_or_words(project):
    # 1,400 in the quote matches 1400; 'six' matches 6: the shipped table relies on both.
    assert validate(root=project) == []
    line = edit_row(project / EVENTS, "event_id", "kursk-peak-territory-ukraine", value="1500")
    assert any(p.line == line and p.column == "value" for p in validate(root=project))


def test_changed_seed_fails_its_checksum(project):
    seed = next((project / "seeds").iterdir())
    seed.write_bytes(seed.read_bytes().replace(b"159", b"160"))
    found = [p for p in validate(root=project) if p.path == "data/sources.csv"]
    assert [(p.line, p.column) for p in found] == [(2, "sha256")]
    assert hashlib.sha256(seed.read_bytes()).hexdigest() in found[0].message


def test_missing_seed_is_reported(project):
    next((project / "seeds").iterdir()).unlink()
    found = [p for p in validate(root=project) if p.path == "data/sources.csv"]
    assert [(p.line, p.column) for p in found] == [(2, "path")]


def test_metric_vocabulary_must_define_event(project):
    rows = [r for r in read_rows(project / "data/metrics.csv") if r["metric"] != "event"]
    write_rows(project / "data/metrics.csv", rows)
    messages = [str(p) for p in validate(root=project)]
    assert any("data/metrics.csv:1: metric:" in m and "'event'" in m for m in messages)


def test_unknown_family_in_metrics(project):
    line = edit_row(project / "data/metrics.csv", "metric", "killed", family="people")
    assert any(p.path == "data/metrics.csv" and p.line == line and p.column == "family" for p in validate(root=project))


def test_sources_sha256_must_look_like_one(project):
    line = edit_row(project / "data/sources.csv", "source_id", "2025-05-21-putin-kursk", sha256="abc")
    assert any(p.line == line and p.column == "sha256" and "64" in p.message for p in validate(root=project))


def test_data_dictionary_documents_every_column():
    text = data_dictionary()
    for column in ("event_id", "qualifier", "value_basis", "claimant_side", "quote", "sha256", "family", "reason"):
        assert f"`{column}`" in text


def test_renaming_a_metric_the_charts_use_fails_loudly(project):
    """A metric id the charts select by, renamed in metrics.csv (and events.csv), is an error, not an empty chart."""
    for name in ("metrics.csv", "events.csv"):
        path = project / "data" / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("territory_held_km2", "territory_km2"), encoding="utf-8"
        )
    messages = [str(p) for p in validate(root=project)]
    assert any(
        m.startswith("data/metrics.csv:1: metric: the vocabulary must define 'territory_held_km2' (family 'territory')")
        for m in messages
    ), messages


def test_a_metric_the_charts_use_keeps_its_family(project):
    line = edit_row(project / "data/metrics.csv", "metric", "drones_intercepted", family="strikes")
    assert f"data/metrics.csv:{line}: family: 'drones_intercepted' must be in family 'drones'; found 'strikes'" in [
        str(p) for p in validate(root=project)
    ]
