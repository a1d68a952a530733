"""What spreadsheets write is accepted; what is broken is rejected with its line."""

from __future__ import annotations

import csv
import io

import pytest

from warclaims.claims.checking import validate

EVENTS = "data/events.csv"


def messages(project):
    return [str(p) for p in validate(root=project)]


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="bom"),
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b.rstrip(b"\n"), id="no-final-newline"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n").rstrip(b"\r\n"), id="all-three"),
        pytest.param(lambda b: b + b"\n\n", id="trailing-blank-lines"),
    ],
)
def test_spreadsheet_variants_pass(project, transform):
    for name in ("events", "sources", "metrics", "skipped"):
        path = project / "data" / f"{name}.csv"
        path.write_bytes(transform(path.read_bytes()))
    assert messages(project) == []


def test_not_utf8_names_line_and_byte(project):
    path = project / EVENTS
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace("’".encode(), b"\x92", 1)  # a Windows-1252 apostrophe
    path.write_bytes(b"\n".join(lines))
    [msg] = messages(project)
    assert msg.startswith("data/events.csv:4: byte ")
    assert "0x92" in msg and "not UTF-8" in msg


def test_unbalanced_quote_names_the_row_where_it_opens(project):
    path = project / EVENTS
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines[3] = lines[3].replace(",Russia,", ',"Russia,', 1)  # opens a quote that never closes
    assert '"Russia,' in lines[3]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [msg] = messages(project)
    assert msg.startswith("data/events.csv:4: ") and "unbalanced quoting" in msg


def test_text_after_a_closing_quote(project):
    path = project / EVENTS
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(',"', ',"x"y', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    [msg] = messages(project)
    assert msg.startswith("data/events.csv:3: ") and 'write a " inside a quoted field as ""' in msg


def test_empty_file(project):
    (project / EVENTS).write_bytes(b"")
    [msg] = messages(project)
    assert msg.startswith("data/events.csv:1:") and "empty" in msg


def test_misspelt_column_suggests_the_right_name(project):
    path = project / EVENTS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("qualifier", "qualifer", 1), encoding="utf-8")
    found = messages(project)
    assert "data/events.csv:1: column 9: unknown column 'qualifer'; did you mean 'qualifier'?" in found
    assert "data/events.csv:1: qualifier: missing column 'qualifier'" in found


def test_missing_column(project):
    path = project / EVENTS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    drop = rows[0].index("claimant_side")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    assert "data/events.csv:1: claimant_side: missing column 'claimant_side'" in messages(project)


def test_optional_columns_may_be_absent(project):
    import csv
    import io

    path = project / EVENTS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    keep = [i for i, name in enumerate(rows[0]) if name != "subject"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    assert messages(project) == []


def test_row_with_wrong_field_count(project):
    path = project / EVENTS
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    [msg] = messages(project)
    assert msg == "data/events.csv:3: row has 20 fields, the header has 19"


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda line: line.rsplit(",", 1)[0], id="a field short"),
        pytest.param(lambda line: line.replace(",", "\r", 1), id="a bare carriage return"),
        pytest.param(lambda line: line.replace(",", "\u2028,", 1), id="a line separator in a cell"),
    ],
)
def test_a_short_row_is_named_never_padded_into_the_wrong_columns(project, edit):
    """A row in an older layout (one field fewer) must not pass with its cells one column off."""
    path = project / "data/sources.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = edit(lines[1])
    path.write_text("\n".join(lines), encoding="utf-8")
    found = messages(project)
    if "\u2028" in lines[1]:
        assert not any(
            m.startswith("data/sources.csv") and "fields" in m for m in found
        )  # U+2028 is text, not a line end
    else:
        assert found[0].startswith("data/sources.csv:2") and "fields, the header has 8" in found[0]


def test_multiline_cell_keeps_later_line_numbers_right(project):
    from conftest import edit_row

    edit_row(project / EVENTS, "event_id", "kursk-incursion", notes="first line\nsecond line")
    # kursk-incursion is row 1; the next row starts one editor line later than before.
    line = edit_row(project / EVENTS, "event_id", "putin-kursk-visit", claimant_side="nato")
    found = [p for p in validate(root=project) if p.column == "claimant_side"]
    assert [p.line for p in found] == [line + 1]


def test_quote_open_at_end_of_file(project):
    path = project / EVENTS
    text = path.read_text(encoding="utf-8")
    n_lines = text.count("\n")
    path.write_text(text + 'extra-row,"never closed\n', encoding="utf-8")
    [msg] = messages(project)
    assert (
        msg == f'data/events.csv:{n_lines + 1}: unbalanced quoting: a field opened with " on this line is never closed'
    )
