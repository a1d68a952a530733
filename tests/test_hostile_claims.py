"""Hostile and careless edits of the claim table: each gives one clear first line, located, and
what the validator accepts the charts can draw. One row per class of input."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import warclaims
from warclaims.claims.checking import validate
from warclaims.errors import report_lines

from conftest import edit_row, read_rows, visible_texts, write_rows

KILLED = "missile-attack-killed-ukraine"


def first_line(project) -> str:
    return report_lines(validate(root=project))[0]


def edit(**changes):
    return lambda project: edit_row(project / "data/events.csv", "event_id", KILLED, **changes)


def source_path(value):
    def change(project):
        rows = read_rows(project / "data/sources.csv")
        rows[0]["path"] = value
        write_rows(project / "data/sources.csv", rows)

    return change


def symlink_out(project):
    outside = project.parent / f"{project.name}-outside.txt"
    outside.write_bytes((project / "seeds" / "2025-05-21-putin-kursk-visit.txt").read_bytes())
    (project / "seeds" / "link.txt").symlink_to(outside)
    source_path("seeds/link.txt")(project)


CASES = [
    # (what, how to break the table, the first line reported)
    (
        "year 0",
        edit(date_start="0000-05-20"),
        "data/events.csv:6: date_start: must be a date from 1900-01-01 to 2100-12-31; found '0000-05-20'",
    ),
    (
        "before pandas' range",
        edit(date_start="1677-01-01"),
        "data/events.csv:6: date_start: must be a date from 1900-01-01 to 2100-12-31; found '1677-01-01'",
    ),
    (
        "year 9999",
        edit(date_end="9999-12-31"),
        "data/events.csv:6: date_end: must be a date from 1900-01-01 to 2100-12-31; found '9999-12-31'",
    ),
    (
        "full-width digits",
        edit(date_start="２０２５-05-20"),
        "data/events.csv:6: date_start: must be an ISO date, YYYY-MM-DD, in digits 0-9; found '２０２５-05-20'",
    ),
    (
        "full-width value",
        edit(value="６"),
        "data/events.csv:6: value: must be a non-negative number written with digits 0-9 and an optional decimal point; found '６'",
    ),
    (
        "zero duration",
        edit(duration_hours="0"),
        "data/events.csv:6: duration_hours: must be above 0 and at most 8,784; found '0'",
    ),
    (
        "a value of 400 digits",
        edit(value="9" * 400, value_basis="derived", notes="made up"),
        "data/events.csv:6: value: must be from 0 to 1,000,000,000; found '" + "9" * 60 + "… (400 characters)'",
    ),
    (
        "an absolute source path",
        source_path("/tmp/elsewhere.txt"),
        "data/sources.csv:2: path: must be a file under seeds/; found '/tmp/elsewhere.txt'",
    ),
    (
        "a source outside seeds/",
        source_path("../outside.txt"),
        "data/sources.csv:2: path: must be a file under seeds/; found '../outside.txt'",
    ),
    (
        "a source climbing out of seeds/",
        source_path("seeds/../../etc/passwd"),
        "data/sources.csv:2: path: must be a file under seeds/; found 'seeds/../../etc/passwd'",
    ),
    (
        "a symlink in seeds/ pointing out",
        symlink_out,
        "data/sources.csv:2: path: must be a file under seeds/; found 'seeds/link.txt'",
    ),
    ("a claimant of spaces", edit(claimant="   "), "data/events.csv:6: claimant: is required but empty"),
    ("a claimant of a zero-width space", edit(claimant="\u200b"), "data/events.csv:6: claimant: is required but empty"),
    (
        "a NUL in the notes",
        edit(notes="killed\x00 at night"),
        "data/events.csv:6: notes: character 365 is a control character (U+0000); remove it",
    ),
    (
        "an escape in a quoted claimant with a comma",
        edit(claimant="Russia, \x1b[31mministry"),
        "data/events.csv:6: claimant: character 156 is a control character (U+001B); remove it",
    ),
    (
        "a right-to-left override in a claimant",
        edit(claimant="Russia \u202e951"),
        "data/events.csv:6: claimant: character 154 is a bidirectional control character, which reorders how the "
        "text displays (U+202E); remove it",
    ),
    (
        "a first-strong isolate in a quote",
        edit(quote="at least \u2068six\u2069 killed"),
        "data/events.csv:6: quote: character 220 is a bidirectional control character, which reorders how the "
        "text displays (U+2068); remove it",
    ),
]


@pytest.mark.parametrize("what, breaks, expected", CASES, ids=[c[0] for c in CASES])
def test_first_line(project, what, breaks, expected):
    breaks(project)
    assert first_line(project) == expected


def test_a_file_that_is_not_the_table_is_named_without_quoting_it(project, tmp_path):
    secret = tmp_path / "passwd.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n")
    lines = report_lines(validate(secret, root=project))
    assert lines[0].endswith(
        ":1: the first line is not this table's header (expected event_id, source_id, incident, date_start, …); is this the right file?"
    )
    assert not any("root:x" in line or "daemon" in line for line in lines)


def test_a_quote_of_one_space_is_an_empty_quote(project):
    edit(quote=" ")(project)
    assert "data/events.csv:6: quote: is required but empty" in report_lines(validate(root=project))


def test_a_huge_cell_is_shortened_in_its_message(project):
    edit_row(project / "data/events.csv", "event_id", KILLED, claimant_side="x" * 10_000_000)
    [line] = [line for line in report_lines(validate(root=project)) if "claimant_side" in line]
    assert len(line) < 200 and line.endswith("… (10,000,000 characters)'")


def test_an_empty_vocabulary_beside_a_large_table_prints_the_cause_not_a_line_per_row(project):
    rows = read_rows(project / "data/events.csv")
    many = [dict(rows[4], event_id=f"killed-{i}") for i in range(20_000)]
    write_rows(project / "data/events.csv", rows + many)
    (project / "data/metrics.csv").write_text("")
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "validate"],
        capture_output=True,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(project)},
    )
    lines = run.stderr.splitlines()
    assert run.returncode == 1
    assert lines[0].startswith("data/metrics.csv:1: file is empty")
    # a file that cannot be read has no ids to check the rows against: 20,000 "unknown metric" lines
    # would bury its one problem
    assert len(lines) == 2 and lines[1] == "1 problem found"


def test_dollar_signs_in_table_text_are_printed_as_written(project):
    for name in ("events.csv", "sources.csv"):
        path = project / "data" / name
        text = path.read_text(encoding="utf-8")
        text = text.replace("Russia’s defence ministry", "Russia’s $\\foo$ ministry")
        path.write_text(text, encoding="utf-8")
    rows = read_rows(project / "data/sources.csv")
    rows[0]["headline"] = "Kremlin offers $5m and $9m"
    write_rows(project / "data/sources.csv", rows)
    claims = warclaims.load_claims(root=project)
    from warclaims import figures
    from warclaims.charts.theme import caption_of

    for make in (figures.drone_figure, figures.timeline_figure):
        fig = make(claims)
        fig.png()  # draws without a mathtext error
        texts = [t.get_text() for t in fig.figure.findobj(lambda a: hasattr(a, "get_text"))]
        assert any("Russia’s $\\foo$ ministry" in t for t in texts)
    caption = caption_of(fig.figure.axes[0])
    assert "Kremlin offers $5m and $9m" in caption


def test_a_300_character_claimant_stays_readable_on_every_chart():
    import warnings

    from warclaims import figures

    claims = warclaims.load_claims()
    claims["claimant"] = claims["claimant"].astype(str) + " " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # constrained layout giving up is a warning a reader would see
        for make in (figures.drone_figure, figures.casualty_figure, figures.territory_figure, figures.timeline_figure):
            fig = make(claims)
            fig.png()
            page = fig.figure.bbox
            for text in visible_texts(fig.figure):
                box = text.get_window_extent()
                assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, (fig.name, text.get_text()[:60])


@pytest.mark.parametrize("name", ["sources.csv", "metrics.csv"])
def test_a_referenced_file_with_only_its_header_is_the_one_problem(project, name):
    path = project / "data" / name
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    lines = report_lines(validate(root=project))
    noun = "source" if name == "sources.csv" else "metric"
    assert lines[0] == f"data/{name}:1: holds no {noun}: only a header; the claims refer to at least one"
    assert all(line.startswith(f"data/{name}:") for line in lines)  # not one line per row that refers to it


def test_a_symlink_loop_is_one_located_line(project):
    path = project / "data" / "sources.csv"
    path.unlink()
    path.symlink_to("sources.csv")
    run = subprocess.run(
        [sys.executable, "-m", "warclaims", "validate"],
        capture_output=True,
        text=True,
        env={**os.environ, "WARCLAIMS_ROOT": str(project)},
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith("data/sources.csv: cannot be read: ")


def test_a_headline_too_long_to_cite_on_every_page_is_named(project):
    rows = read_rows(project / "data/sources.csv")
    rows[0]["headline"] = "H" * 1_000_000
    write_rows(project / "data/sources.csv", rows)
    [line] = report_lines(validate(root=project))
    assert line.startswith("data/sources.csv:2: headline: must be at most 300 characters; found 'HHH")
