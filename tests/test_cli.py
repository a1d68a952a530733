"""The `warclaims` command as a person runs it: exit codes, one line per problem, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT, edit_row


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "warclaims", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_validate_ok_prints_one_line():
    out = run("validate")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ok: data/events.csv: 10 rows")
    assert "0 unaccounted" in lines[0]


def test_validate_edited_copy_names_the_file_as_given(tmp_path):
    copy = tmp_path / "edited.csv"
    shutil.copy(ROOT / "data/events.csv", copy)
    line = edit_row(copy, "event_id", "drone-night-intercepted-russia", value="-159", claimant_side="Russia")
    out = run("validate", "--events", str(copy))
    assert out.returncode == 1
    assert f"{copy}:{line}: value: must be a non-negative number" in out.stderr
    assert f"{copy}:{line}: claimant_side: must be one of: russia, ukraine, other; found 'Russia'" in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == "2 problems found"


def test_validate_relative_events_path_from_another_cwd(tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(b"")
    out = run("validate", "--events", "copy.csv", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("copy.csv:1: file is empty")


def test_validate_missing_file():
    out = run("validate", "--events", "no/such/file.csv")
    assert out.returncode == 1
    assert "no/such/file.csv: file not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_summary_shows_qualifier_glyphs():
    out = run("summary")
    assert out.returncode == 0, out.stderr
    assert "≥6" in out.stdout and "~1,400 km²" in out.stdout and "159" in out.stdout


def test_summary_on_invalid_table_lists_problems_without_traceback(project):
    edit_row(project / "data/events.csv", "event_id", "putin-trump-call", date_end="yesterday")
    out = run("summary", env={**os.environ, "WARCLAIMS_ROOT": str(project)})
    assert out.returncode == 1
    assert (
        "data/events.csv:11: date_end: must be an ISO date, YYYY-MM-DD, in digits 0-9; found 'yesterday'" in out.stderr
    )
    assert "Traceback" not in out.stderr


def test_console_script_is_installed():
    script = shutil.which("warclaims", path=os.path.dirname(sys.executable))
    assert script, "the warclaims console script is not installed next to this Python"
    out = subprocess.run([script, "schema"], capture_output=True, text=True)
    assert out.returncode == 0 and "### data/events.csv" in out.stdout


def test_every_subcommand_is_listed_for_the_parser_built_per_command():
    """main() builds only the named subcommand's parser (a no-op build is mostly start-up), so
    COMMANDS must name every subcommand, and each must parse the same alone as among all."""
    from warclaims.cli import COMMANDS, build_parser

    full = build_parser()
    assert list(full._subparsers._group_actions[0].choices) == list(COMMANDS)
    for command in COMMANDS:
        alone = build_parser(command)._subparsers._group_actions[0].choices[command]
        among_all = full._subparsers._group_actions[0].choices[command]
        assert alone.format_help() == among_all.format_help()


def test_validate_warns_for_a_source_it_cannot_cite_and_still_passes(tmp_path):
    from madeup import write_table

    root = write_table(tmp_path / "project", 1)  # the shipped article: no outlet, no url
    env = {**os.environ, "WARCLAIMS_ROOT": str(root)}
    out = run("validate", cwd=root, env=env)
    assert out.returncode == 0 and out.stdout.startswith("ok: ")
    assert out.stderr.strip().splitlines() == [
        "data/sources.csv:2: outlet: warning: source '2025-05-21-putin-kursk' names no outlet and no url;"
        " its pages say the outlet is not recorded"
    ]
    sources = root / "data" / "sources.csv"
    text = sources.read_text(encoding="utf-8").rstrip("\n")
    assert text.endswith(",,")  # outlet and url, empty
    sources.write_text(text[:-1] + "Example News,\n", encoding="utf-8")
    out = run("validate", cwd=root, env=env)
    assert out.returncode == 0 and out.stderr == ""  # named: nothing to warn of


def test_a_source_whose_outlet_and_url_are_invisible_is_warned_of_and_cited_as_unrecorded(tmp_path):
    import warclaims

    from madeup import write_table

    root = write_table(tmp_path / "project", 1)
    sources = root / "data" / "sources.csv"
    text = sources.read_text(encoding="utf-8").rstrip("\n")
    sources.write_text(text[:-2] + ",\u200b,\u200b\n", encoding="utf-8")  # zero-width spaces: blank to the validator
    out = run("validate", cwd=root, env={**os.environ, "WARCLAIMS_ROOT": str(root)})
    assert out.returncode == 0 and "names no outlet and no url" in out.stderr
    claims = warclaims.load_claims(root=root)
    assert claims["outlet"].isna().all() and claims["url"].isna().all()  # no link to nowhere on a page


def test_many_warnings_are_counted_as_warnings_not_problems():
    from warclaims.errors import Problem, report_lines

    lines = report_lines(
        [Problem("data/sources.csv", i, "outlet", "warning: …") for i in range(2, 40)], noun="warnings"
    )
    assert len(lines) == 21 and lines[-1] == "data/sources.csv: outlet: … and 18 more warnings in this column"
