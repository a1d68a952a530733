"""Hostile and careless attack files: every row accounted for, every bad line located, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warclaims.errors import AttackDataError
from warclaims.external.attacks import load_attacks

FIXTURES = Path(__file__).parent / "fixtures" / "attacks"
MODELS = FIXTURES / "missiles_and_uavs.csv"
HEADER = (FIXTURES / "attacks_oddities.csv").read_text(encoding="utf-8").splitlines()[0]
WIDTH = len(HEADER.split(","))
GOOD = "2025-05-20 18:00,2025-05-21 08:00,Shahed-136/131,,,,76,22" + "," * (WIDTH - 8)
GOOD2 = "2025-05-21 18:00,2025-05-22 08:00,Orlan-10,,,,5,5" + "," * (WIDTH - 8)


def write(tmp_path, *rows: str) -> Path:
    path = tmp_path / "attacks.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(AttackDataError) as info:
        load_attacks(path, MODELS, shown="a.csv")
    return [str(p) for p in info.value.problems]


CASES = [
    # (what, the bad line, the problem reported for it on line 3)
    (
        "an unbalanced quote",
        GOOD.replace("Shahed-136/131", '"Shahed-136/131'),
        'a.csv:3: cannot read this row: a quoted field is not closed on its line (a stray ")',
    ),
    ("an extra field", GOOD + ",extra", f"a.csv:3: row has {WIDTH + 1} fields, the header has {WIDTH}"),
    (
        "three fields of many",
        "2025-05-20 18:00,2025-05-21 08:00,Shahed-136/131",
        f"a.csv:3: row has 3 fields, the header has {WIDTH}",
    ),
    ("a NUL byte", GOOD.replace("Shahed", "Sha\0hed"), "a.csv:3: contains a NUL byte"),
    (
        "a count of twenty digits",
        GOOD.replace(",76,", ",99999999999999999999,"),
        "a.csv:3: launched: '99999999999999999999' is not a whole count from 0 to 1,000,000",
    ),
    (
        "a count of 1e300",
        GOOD.replace(",76,", ",1e300,"),
        "a.csv:3: launched: '1e300' is not a whole count from 0 to 1,000,000",
    ),
]


@pytest.mark.parametrize("what, line, expected", CASES, ids=[c[0] for c in CASES])
def test_a_bad_line_is_located_and_stops_the_import(tmp_path, what, line, expected):
    path = write(tmp_path, GOOD2, line, GOOD2.replace("Orlan-10", "Shahed-136/131"))
    assert problems(path) == [expected]


@pytest.mark.parametrize("what, line, expected", CASES, ids=[c[0] for c in CASES])
def test_skipping_keeps_every_other_row_whole(tmp_path, what, line, expected):
    path = write(tmp_path, GOOD2, line, GOOD2.replace("Orlan-10", "Shahed-136/131"))
    result = load_attacks(path, MODELS, skip_bad_rows=True)
    assert result.bad_rows == 1 and [str(p) for p in result.skipped] == [expected.replace("a.csv", str(path))]
    assert list(result.frame["line"]) == [2, 4] and list(result.frame["model"]) == ["Orlan-10", "Shahed-136/131"]


@pytest.mark.parametrize("fixture", [*sorted(FIXTURES.glob("attacks_*.csv")), "hostile"], ids=str)
def test_every_row_is_accounted_for_and_no_field_spans_lines(tmp_path, fixture):
    path = write(tmp_path, GOOD2, *(c[1] for c in CASES), GOOD) if fixture == "hostile" else fixture
    rows_in_file = sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    result = load_attacks(path, MODELS, skip_bad_rows=True)
    assert result.rows_read == rows_in_file
    assert len(result.frame) + result.duplicates_dropped + result.bad_rows == rows_in_file
    text = result.frame.select_dtypes(include=["object", "string"])
    assert not text.apply(lambda col: col.astype(str).str.contains("[\r\n]")).to_numpy().any()


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "warclaims", "import-attacks", *map(str, args)], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        (lambda tmp: [tmp, "--models", MODELS], "{tmp}: is a folder, not a CSV file"),
        (lambda tmp: [FIXTURES / "attacks_oddities.csv", "--models", tmp], "{tmp}: is a folder, not a CSV file"),
        (
            lambda tmp: [FIXTURES / "attacks_oddities.csv", "--models", MODELS, "--out", tmp / "no" / "x.csv"],
            "--out {tmp}/no/x.csv: is in a folder that does not exist; give a CSV file's path in an existing folder",
        ),
        (
            lambda tmp: [FIXTURES / "attacks_oddities.csv", "--models", MODELS, "--out", tmp],
            "--out {tmp}: is a folder; give a CSV file's path in an existing folder",
        ),
    ],
    ids=["path is a folder", "models is a folder", "out in a missing folder", "out onto a folder"],
)
def test_cli_paths_give_one_line(tmp_path, args, expected):
    run = run_cli(*args(tmp_path))
    assert run.returncode == 1
    assert run.stderr.splitlines() == [expected.format(tmp=tmp_path)]
