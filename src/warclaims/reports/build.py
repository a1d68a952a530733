"""`warclaims build`: the report list → executed notebooks, HTML, figures, index and manifest.

A report is rebuilt only when the content hash of what it depends on changed: its notebook and
parameters, the data files, the seeds, the package source, the locked versions and any file a
parameter names. A build with nothing to do reads hashes and exits, starting no kernel.

Outputs are written to a temporary file and renamed, so an interrupted or failed build never
leaves a half-written report, and a failed report keeps its last good HTML published.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from warclaims.reports import workers
from warclaims.reports.reportlist import Report, load_report_list

FORMAT = 1  # bump when the build's output format changes: every report is rebuilt
DEPENDENCY_GLOBS = ("data/*.csv", "seeds/*", "src/warclaims/**/*", "requirements.lock")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hashes(root: Path, patterns=DEPENDENCY_GLOBS) -> dict[str, str]:
    out = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                out[path.relative_to(root).as_posix()] = sha256(path.read_bytes())
    return dict(sorted(out.items()))


def _named_files(root: Path, params: dict) -> dict[str, str]:
    """Files that a parameter value names (an alternative events table, say): part of the report's key."""
    out = {}
    for value in params.values():
        if isinstance(value, str) and value and (root / value).is_file():
            out[value] = sha256((root / value).read_bytes())
    return out


def report_key(report: Report, common: dict[str, str], root: Path, show_code: bool) -> tuple[str, dict[str, str]]:
    inputs = {
        **common,
        report.notebook: sha256((root / report.notebook).read_bytes()),
        **_named_files(root, report.parameters),
    }
    blob = json.dumps(
        {"format": FORMAT, "inputs": inputs, "parameters": report.parameters, "show_code": show_code}, sort_keys=True
    )
    return sha256(blob.encode()), inputs


@dataclass
class Outcome:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (start after build start, seconds)

    @property
    def ok(self) -> bool:
        return not self.failed


def write_atomic(path: Path, data: bytes) -> bool:
    """Write via a temporary file and rename; returns False (and writes nothing) when unchanged."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _outputs_intact(out: Path, entry: dict) -> bool:
    return all(
        (out / rel).is_file() and sha256((out / rel).read_bytes()) == digest
        for rel, digest in entry.get("outputs", {}).items()
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def build(
    root: Path,
    *,
    reports_file: Path | None = None,
    out: Path | None = None,
    force: bool = False,
    show_code: bool = False,
    jobs: int | None = None,
    timeout: int = 300,
    progress: bool = True,
) -> Outcome:
    out = out or root / "reports"
    reports = load_report_list(reports_file or root / "reports.yaml", root)
    with build_lock(root):
        remove_temporary_files(out)
        return _build(root, reports, out, force, show_code, jobs, timeout, progress)


def _build(
    root: Path,
    reports: list[Report],
    out: Path,
    force: bool,
    show_code: bool,
    jobs: int | None,
    timeout: int,
    progress: bool,
) -> Outcome:
    import time

    began = time.time()
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            manifest = {}
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    previous = manifest.get("reports", {})
    common = file_hashes(root)
    outcome = Outcome()
    todo, keys = [], {}
    for report in reports:
        missing = [r for r in report.requires if not (root / r).is_file()]
        if missing:
            outcome.skipped.append((report.id, f"needs {', '.join(missing)} (not present)"))
            continue
        key, inputs = report_key(report, common, root, show_code)
        keys[report.id] = (key, inputs)
        prev = previous.get(report.id, {})
        if not force and prev.get("key") == key and prev.get("status") == "ok" and _outputs_intact(out, prev):
            outcome.unchanged.append(report.id)
        else:
            todo.append(report)

    results = {}
    if todo:
        # The table is validated while the forkserver loads; nothing runs or is written unless it is valid.
        workers.start_forkserver()
        _validate(root)
        payloads = [
            {
                "id": r.id,
                "notebook": r.notebook,
                "parameters": r.parameters,
                "set_name": r.set_name,
                "root": str(root),
                "timeout": timeout,
                "show_code": show_code,
            }
            for r in todo
        ]
        results = workers.run_all(payloads, jobs, progress)

    skipped = dict(outcome.skipped)
    entries = {}
    for report in reports:
        base = {"notebook": report.notebook, "set": report.set_name, "parameters": report.parameters}
        if report.id in skipped:
            entries[report.id] = {
                **base,
                "status": "skipped",
                "reason": skipped[report.id],
                "outputs": {},
                "title": previous.get(report.id, {}).get("title", report.id),
            }
        elif report.id not in results:
            entries[report.id] = previous[report.id]
        else:
            res = results[report.id]
            if "started" in res:
                outcome.timings[report.id] = (res["started"] - began, res["seconds"])
            key, inputs = keys[report.id]
            base.update(title=res.get("title") or report.id, status=res["status"], inputs=inputs)
            if res["status"] == "ok":
                entries[report.id] = {**base, **_publish(out, report.id, res), "key": key}
                outcome.built.append(report.id)
            else:
                entries[report.id] = {**base, **_keep_last_good(out, report.id, res, previous.get(report.id, {}))}
                outcome.failed.append((report.id, res["error"]))

    from warclaims.reports.index import index_html

    index = index_html(entries)
    write_atomic(out / "index.html", index)
    new_manifest = {"format": FORMAT, "index.html": sha256(index), "reports": entries}
    write_atomic(
        manifest_path, (json.dumps(new_manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
    )
    return outcome


def _publish(out: Path, report_id: str, res: dict) -> dict:
    """Write a good run's HTML, notebook and figures; clear away an earlier failed run."""
    files = {f"{report_id}.html": res["html"], f"notebooks/{report_id}.ipynb": res["notebook"]}
    figures = []
    for fig in res["figures"]:
        stem = f"figures/{report_id}--{fig['name']}"
        files[f"{stem}.png"], files[f"{stem}.svg"] = fig["png"], fig["svg"]
        figures.append({"png": f"{stem}.png", "svg": f"{stem}.svg", "alt": fig["alt"]})
    for rel, data in files.items():
        write_atomic(out / rel, data)
    for stale in (out / "failed").glob(f"{report_id}.*"):
        stale.unlink()
    return {"figures": figures, "outputs": {rel: sha256(d) for rel, d in sorted(files.items())}}


def _keep_last_good(out: Path, report_id: str, res: dict, good: dict) -> dict:
    """A failed run: written under failed/ for reading, while the last good outputs stay published."""
    failed = {}
    if res.get("notebook"):
        failed = {f"failed/{report_id}.ipynb": res["notebook"], f"failed/{report_id}.html": res["html"]}
        for rel, data in failed.items():
            write_atomic(out / rel, data)
    return {
        "error": res["error"],
        "failed_html": f"failed/{report_id}.html" if failed else None,
        "failed_outputs": {rel: sha256(d) for rel, d in sorted(failed.items())},
        "figures": good.get("figures", []),
        "last_good": good.get("key") if good.get("status") == "ok" else good.get("last_good"),
        "outputs": dict(good.get("outputs", {})),
    }


def _validate(root: Path) -> None:
    from warclaims.claims.loading import validate_for_build
    from warclaims.errors import report_lines

    problems = validate_for_build(root)
    if problems:
        for line in report_lines(problems):
            _log(line)
        raise DataInvalid(f"{len(problems)} problem(s) in the claim table; reports/ left as it was")


class BuildLocked(Exception):
    """Another build of the same project is running."""


@contextmanager
def build_lock(root: Path):
    """Hold build/build.lock for the build: two builds of one project never write reports/ at once.

    An advisory lock (flock), released by the kernel when the holder exits, however it exits.
    """
    import fcntl

    path = root / "build" / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise BuildLocked(
                f"another build is running (pid {holder}); wait for it to finish, then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def remove_temporary_files(out: Path) -> None:
    """Remove temporary files an interrupted or crashed earlier build left (run under the build lock)."""
    if out.is_dir():
        for path in out.rglob(".*.tmp-*"):
            path.unlink(missing_ok=True)


class DataInvalid(Exception):
    """The claim table failed validation; nothing was built."""
