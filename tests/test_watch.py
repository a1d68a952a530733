"""`warclaims build --watch`: a save rebuilds what depends on it and says so; Ctrl-C stops it cleanly."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import threading

from conftest import cli, copy_project, edit_row, marked, read_rows, wait_until


class Lines:
    """The watcher's stderr, line by line, read on a thread so the test can wait for a line."""

    def __init__(self, stream):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = 60) -> re.Match:
        while True:
            try:
                line = self.lines.get(timeout=seconds)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} in {seconds} s; saw {self.seen}") from None
            self.seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m


def add_markdown(path, text: str) -> None:
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "added-by-test", "metadata": {}, "source": text})
    path.write_text(json.dumps(nb, indent=1))


def test_watch_rebuilds_on_save_and_stops_on_ctrl_c(tmp_path, mark):
    root = copy_project(tmp_path / "project")
    (root / "reports.yaml").write_text("reports:\n  - notebook: overview\n  - notebook: casualties\n")
    proc = cli(root, "build", "--watch", env={"WARCLAIMS_TEST_MARK": mark}, start_new_session=True)
    out = Lines(proc.stderr)
    try:
        out.wait_for(r"^watching project/ for saves")
        assert (root / "reports" / "casualties--default.html").is_file()

        # A notebook saved: its report only, with the time from the save to the HTML.
        add_markdown(root / "notebooks" / "casualties.ipynb", "A sentence added while watching.")
        m = out.wait_for(r"^notebooks/casualties\.ipynb saved: rebuilt (.*); (\d+\.\d+) s from the save to the HTML$")
        assert m.group(1) == "casualties--default"
        assert "A sentence added while watching." in (root / "reports" / "casualties--default.html").read_text()

        # The claim table saved with a change: every report reads it.
        first = read_rows(root / "data" / "events.csv")[0]["event_id"]
        edit_row(root / "data" / "events.csv", "event_id", first, notes="Edited while watching.")
        m = out.wait_for(r"^data/events\.csv saved: rebuilt (.*);")
        assert sorted(m.group(1).split(", ")) == ["casualties--default", "overview--default"]

        # Saved without a change that matters: nothing runs.
        os.utime(root / "data" / "events.csv")
        out.wait_for(r"^data/events\.csv saved: no report changed$")

        # A broken report list is said, and the watch goes on.
        good = (root / "reports.yaml").read_text()
        (root / "reports.yaml").write_text(good + "  - notebook: [\n")
        out.wait_for(r"^reports\.yaml: reports\.yaml:\d+: column \d+: not valid YAML")
        (root / "reports.yaml").write_text(good)
        out.wait_for(r"^reports\.yaml saved: no report changed$")

        # The package's source changed: the command starts again (same process, new code), warm again.
        os.utime(root / "src" / "warclaims" / "cli.py")
        out.wait_for(r"^src/warclaims/cli\.py changed: restarting with the new code$")
        out.wait_for(r"^watching project/ for saves")
        add_markdown(root / "notebooks" / "overview.ipynb", "Saved after the restart.")
        out.wait_for(r"^notebooks/overview\.ipynb saved: rebuilt overview--default;")
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        proc.wait(timeout=30)
    out.wait_for(r"^stopped watching$")
    assert proc.returncode == 0
    wait_until(lambda: not marked(mark), 5, "every worker, zygote and kernel to be gone")


def test_a_new_snapshot_in_the_snapshots_folder_is_seen(tmp_path):
    """The folder a report reads (the map snapshots) is watched file by file, not as one path."""
    import shutil

    from warclaims.reports import watch

    from conftest import ROOT

    root = copy_project(tmp_path)
    shutil.copy(ROOT / "reports.yaml", root / "reports.yaml")
    folder = root / "data" / "external" / "deepstate" / "geojsons"
    folder.mkdir(parents=True)
    before = watch._look(root, root / "reports.yaml")
    (folder / "1720000000.geojson").write_text("{}")
    after = watch._look(root, root / "reports.yaml")
    assert set(after) - set(before) == {"data/external/deepstate/geojsons/1720000000.geojson"}
