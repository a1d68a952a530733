"""Every number in a source is claimed or skipped with a reason, and validation enforces it."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from warclaims.claims.checking import validate

from conftest import edit_row, read_rows, write_rows


def reseal(project):
    """Change the seed on purpose and record its new checksum, as a curator would."""
    seed = next((project / "seeds").iterdir())
    edit_row(
        project / "data/sources.csv",
        "source_id",
        "2025-05-21-putin-kursk",
        sha256=hashlib.sha256(seed.read_bytes()).hexdigest(),
    )


def test_unaccounted_number_is_located_in_the_source(project):
    seed = next((project / "seeds").iterdir())
    seed.write_bytes(seed.read_bytes() + b"\n\nOfficials said 42 shelters were opened.")
    reseal(project)
    found = [str(p) for p in validate(root=project)]
    assert found == [
        f"seeds/{seed.name}:53: column 16: number '42' is neither a claim in data/events.csv nor listed in data/skipped.csv"
    ]


def test_removing_a_claim_makes_its_number_unaccounted(project):
    rows = [r for r in read_rows(project / "data/events.csv") if r["event_id"] != "drone-night-intercepted-russia"]
    write_rows(project / "data/events.csv", rows)
    found = [str(p) for p in validate(root=project)]
    assert any(":35: column 39: number '159'" in m for m in found)
    assert any(":35: column 75: number '12'" in m for m in found)  # its duration was covered by the same row


def test_skip_with_a_context_not_in_the_source(project):
    line = edit_row(project / "data/skipped.csv", "number", "540", context="(541 square miles)")
    found = [(p.path, p.line, p.column) for p in validate(root=project)]
    assert ("data/skipped.csv", line, "context") in found


def test_value_must_match_the_number_in_its_quote_span(project):
    # A claim row covers only numbers inside its quote: wounded=10 does not cover the Oryol '10'.
    rows = [r for r in read_rows(project / "data/events.csv") if r["event_id"] != "oryol-plant-drones-ukraine"]
    write_rows(project / "data/events.csv", rows)
    found = [str(p) for p in validate(root=project)]
    assert any(":43: column 159: number '10'" in m for m in found)


def test_coverage_command_lists_every_number():
    out = subprocess.run([sys.executable, "-m", "warclaims", "coverage"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    assert last == "15 numbers in 1 source text(s): 7 claimed, 8 skipped with a reason, 0 unaccounted"
    assert "'540' skipped" in out.stdout and "'159' claimed (drone-night-intercepted-russia)" in out.stdout
