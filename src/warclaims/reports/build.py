"""`warclaims build`: the report list → executed notebooks, HTML, figures, index and manifest.

A report is rebuilt only when the content hash of what it depends on changed: its notebook and
parameters, the data files, the seeds, the package source, the locked versions and any file a
parameter names. A build with nothing to do reads hashes and exits, starting no kernel.

Outputs are written to a temporary file and renamed, so an interrupted or failed build never
leaves a half-written report, and a failed report keeps its last good HTML published.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from warclaims import interrupts
from warclaims.charts.parameters import describe
from warclaims.claims.citing import cite, recorded
from warclaims.paths import build_cache, temporary_name, write_atomic, write_new
from warclaims.reports import workers
from warclaims.reports.digests import Digests, claims_csv_name, sha256
from warclaims.reports.reportlist import Report, ReportListError, load_cached, source_rows

FORMAT = 2  # bump when the build's output format changes: every report is rebuilt
DEPENDENCY_GLOBS = ("data/*.csv", "seeds/*", "src/warclaims/**/*", "requirements.lock")


def file_hashes(root: Path, patterns=DEPENDENCY_GLOBS, digests: Digests | None = None) -> dict[str, str]:
    digests = digests or Digests()
    out = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts and ".tmp-" not in path.name:
                out[path.relative_to(root).as_posix()] = digests.of(path)
    return dict(sorted(out.items()))


def _named_files(root: Path, params: dict, digests: Digests) -> dict[str, str]:
    """Files and folders that a parameter value names (an alternative events table, a folder of map
    snapshots): part of the report's key. A file is keyed on its content; a folder, which may hold a
    gigabyte of snapshots, on its files' names, sizes and modification times."""
    out = {}
    for value in params.values():
        if not isinstance(value, str) or not value:
            continue
        path = root / value
        if path.is_file():
            out[value] = digests.of(path)
        elif path.is_dir():
            listing = sorted(
                f"{p.relative_to(path).as_posix()}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}"
                for p in path.rglob("*")
                if p.is_file()
            )
            out[value + "/"] = sha256("\n".join(listing).encode())
    return out


def _present(path: Path) -> bool:
    """A report's required input is there: a file, or a folder with something in it (the map snapshots)."""
    if path.is_dir():
        return next(path.iterdir(), None) is not None
    return path.is_file()


def report_key(
    report: Report,
    common: dict[str, str],
    root: Path,
    show_code: bool,
    nav: list | None = None,
    digests: Digests | None = None,
) -> tuple[str, dict[str, str]]:
    digests = digests or Digests()
    inputs = {
        **common,
        report.notebook: digests.of(root / report.notebook),
        **_named_files(root, report.parameters, digests),
        **{r: digests.of(root / r) for r in report.requires if (root / r).is_file()},
    }
    blob = json.dumps(
        {"format": FORMAT, "inputs": inputs, "parameters": report.parameters, "show_code": show_code, "nav": nav},
        sort_keys=True,
    )
    return sha256(blob.encode()), inputs


@dataclass
class Outcome:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (start after build start, seconds)
    warnings: dict[str, int] = field(default_factory=dict)  # id -> stderr outputs left out of its page
    identical: list[tuple[str, str]] = field(default_factory=list)  # reports of one notebook with the same figures
    cold: dict[str, str] = field(default_factory=dict)  # id -> why its kernel was started cold, not forked

    @property
    def ok(self) -> bool:
        return not self.failed

    def print_summary(self, seconds: float, timings: bool = False) -> None:
        """What the command line says about a build: problems on stderr, then the summary line."""
        if timings:
            for report_id, (start, took) in sorted(self.timings.items(), key=lambda kv: kv[1][0]):
                _log(f"  {report_id:<32} started at {start:5.2f} s, took {took:5.2f} s")
        for report_id, n in self.warnings.items():
            _log(
                f"warning: {report_id} wrote {n} output(s) to stderr, left out of its page; "
                f"see reports/notebooks/{report_id}.ipynb"
            )
        for first, second in self.identical:
            _log(
                f"warning: {first} and {second} draw identical figures; does the second parameter set select "
                "anything different?"
            )
        for report_id, reason in self.cold.items():
            _log(f"note: {report_id} started its kernel cold: {reason}")
        for report_id, reason in self.skipped:
            _log(f"skipped {report_id}: {reason}")
        for report_id, error in self.failed:
            _log(f"FAILED {report_id}: {error} (see reports/failed/{report_id}.html)")
        print(
            f"reports/index.html: {len(self.built)} built, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed, {len(self.skipped)} skipped in {seconds:.2f} s",
            flush=True,
        )


def _outputs_intact(out: Path, entry: dict, digests: Digests) -> bool:
    return all(
        (out / rel).is_file() and digests.of(out / rel) == digest for rel, digest in entry.get("outputs", {}).items()
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _declared(root: Path) -> dict:
    """data/external.yaml's datasets by name, {} when it cannot be read (the words then say less)."""
    from warclaims.external.datasets import DatasetListError, load_datasets

    try:
        return load_datasets(root)
    except DatasetListError:
        return {}


def _needed_words(datasets: dict, missing: list[str]) -> str:
    """What a skipped report needs, as the index tells readers: the datasets' titles from
    data/external.yaml ("DeepState UA map snapshots", `_declared`), never a path in the project."""
    names = []
    for path in missing:
        parts = Path(path).parts
        name = parts[2] if len(parts) > 2 and parts[:2] == ("data", "external") else ""
        names.append(datasets[name].title if name in datasets else "a dataset this copy of the project does not have")
    names = list(dict.fromkeys(names))
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


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
    pool: workers.Pool | None = None,
    warm_kernels: bool = True,
    final: bool = False,
) -> Outcome:
    """Build what changed. `pool`: workers and zygote kept by the caller (watch mode), else started
    for this build; `warm_kernels=False` starts every kernel cold instead of forking it; `final`:
    the process ends after this build, so a Ctrl-C once publishing has begun is ignored (`publish`)."""
    out = out or root / "reports"
    digests = Digests(build_cache(root) / "digests.json")
    reports = load_cached(reports_file or root / "reports.yaml", root, digests)
    with build_lock(root):
        remove_temporary_files(out)
        remove_links(out)
        pool = pool or workers.Pool(root, jobs, warm_kernels)  # started only if something is to be built
        return _build(root, reports, out, force, show_code, timeout, progress, pool, digests, final)


def _build(
    root: Path,
    reports: list[Report],
    out: Path,
    force: bool,
    show_code: bool,
    timeout: int,
    progress: bool,
    pool: workers.Pool,
    digests: Digests,
    final: bool = False,
) -> Outcome:
    import time

    began = time.time()
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            manifest = {}
    except (OSError, ValueError, RecursionError):  # none yet, unreadable or not JSON: everything is rebuilt
        manifest = {}
    previous = manifest.get("reports", {})
    common = file_hashes(root, digests=digests)
    outcome = Outcome()
    waiting: dict[str, str] = {}  # a skipped report's needs, in a reader's words, for the index
    declared = None
    todo, keys = [], {}
    present = [r for r in reports if all(_present(root / f) for f in r.requires)]
    navs = navigation(root, present)
    for report in reports:
        missing = [r for r in report.requires if not _present(root / r)]
        if missing:
            outcome.skipped.append((report.id, f"needs {', '.join(missing)} (not present)"))
            if declared is None:  # read once, and only when a report is skipped
                declared = _declared(root)
            waiting[report.id] = _needed_words(declared, missing)
            continue
        key, inputs = report_key(report, common, root, show_code, navs.get(report.id, []), digests)
        keys[report.id] = (key, inputs)
        prev = previous.get(report.id, {})
        if not force and prev.get("key") == key and prev.get("status") == "ok" and _outputs_intact(out, prev, digests):
            outcome.unchanged.append(report.id)
        else:
            todo.append(report)

    results = {}
    sources = read_sources(root)
    if todo:
        check_writable(out)
        payloads = [
            {
                "id": r.id,
                "notebook": r.notebook,
                "parameters": r.parameters,
                "set_name": r.set_name,
                "root": str(root),
                "timeout": timeout,
                "show_code": show_code,
                "filter": describe(r.parameters),
                "nav": navs[r.id],
            }
            for r in todo
        ]
        with pool.running(len(todo)):
            # The table is validated while the zygote and the forkserver load; nothing runs or is
            # written unless it is valid.
            _validate(root)
            results = workers.run_all(payloads, pool, progress)

    skipped = dict(outcome.skipped)
    entries = {}
    files: dict[str, bytes] = {}  # everything this build writes, published together at the end
    for report in reports:
        base = {"notebook": report.notebook, "set": report.set_name, "parameters": report.parameters}
        if report.id in skipped:
            entries[report.id] = {
                **base,
                "status": "skipped",
                "reason": skipped[report.id],
                "needs": waiting.get(report.id, ""),
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
            if res.get("warnings"):
                outcome.warnings[report.id] = res["warnings"]
            if res.get("started_cold"):
                outcome.cold[report.id] = res["started_cold"]
            if res["status"] == "ok":
                entries[report.id] = {**base, **_published(report.id, res, files), "key": key}
                outcome.built.append(report.id)
            else:
                entries[report.id] = {**base, **_kept_last_good(report.id, res, previous.get(report.id, {}), files)}
                outcome.failed.append((report.id, res["error"]))

    from warclaims.reports.index import index_html

    outcome.identical = identical_figures(entries)
    external = file_hashes(root, ("data/external/**/*",), digests)
    if external and (manifest.get("external_inputs") != external or not (out / "external.json").is_file()):
        # What the fetched datasets hold now, published so the next refresh can be checked against it.
        from warclaims.external.guard import summarize

        files["external.json"] = (json.dumps(summarize(root), indent=1, sort_keys=True) + "\n").encode()
    files["index.html"] = index_html(entries, sources, data_changed(root))
    new_manifest = {
        "format": FORMAT,
        "index.html": sha256(files["index.html"]),
        "reports": entries,
        "external_inputs": external,
    }
    files["manifest.json"] = (json.dumps(new_manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
    publish(out, files, unlisted(out, new_manifest), final=final)
    digests.save()
    return outcome


KEPT = ("index.html", "manifest.json", "external.json")
TEMPORARY = re.compile(
    r"\..+\.tmp-[0-9]+"
)  # paths.temporary_name: what a build stages, or a crashed one left  # the build's own files, beside the reports'


def unlisted(out: Path, manifest: dict) -> list[str]:
    """Every file or link under `out` that `manifest` does not list: pages of reports that left the
    list or were skipped, a failed page whose report now builds, a claims CSV no page links. The
    build publishes what its manifest says, and nothing else stays."""
    listed = set(KEPT)
    for entry in manifest["reports"].values():
        listed.update(entry.get("outputs", {}), entry.get("failed_outputs", {}))
    found = []
    for folder, dirs, names in os.walk(out):  # links to folders are listed, not followed
        here = Path(folder)
        links = [d for d in dirs if (here / d).is_symlink()]
        for name in [*names, *links]:
            rel = (here / name).relative_to(out).as_posix()
            if rel not in listed and not TEMPORARY.fullmatch(name):
                found.append(rel)
    return sorted(found)


def _published(report_id: str, res: dict, files: dict[str, bytes]) -> dict:
    """A good run's HTML, notebook and figures, added to `files`; its manifest entry."""
    mine = {f"{report_id}.html": res["html"], f"notebooks/{report_id}.ipynb": res["notebook"]}
    if res.get("data_csv") is not None:
        mine[claims_csv_name(res["data_csv"])] = res["data_csv"]
    figures = []
    for fig in res["figures"]:
        stem = f"figures/{report_id}--{fig['name']}"
        mine[f"{stem}.png"], mine[f"{stem}.svg"] = fig["png"], fig["svg"]
        if fig.get("thumb"):
            mine[f"{stem}.thumb.webp"] = fig["thumb"]
        mine.update(fig.get("csv", {}))  # the chart's data, named by content
        figures.append(
            {
                "png": f"{stem}.png",
                "svg": f"{stem}.svg",
                "alt": fig["alt"],
                "thumb": f"{stem}.thumb.webp" if fig.get("thumb") else "",
                "title": fig.get("title", ""),
                "context": fig.get("context", False),
            }
        )
    files.update(mine)
    data = claims_csv_name(res["data_csv"]) if res.get("data_csv") is not None else None  # the page's claims
    outputs = {rel: sha256(d) for rel, d in sorted(mine.items())}
    return {
        "figures": figures,
        "data": data,
        "outputs": outputs,
        "headline": res.get("headline", ""),
        "dek": res.get("dek", ""),
    }


def _kept_last_good(report_id: str, res: dict, good: dict, files: dict[str, bytes]) -> dict:
    """A failed run: a page under failed/ says what failed (with the run, when there is one), while the
    last good outputs stay published. Every failure the command line names has its page."""
    from warclaims.reports.index import failure_page

    failed = {f"failed/{report_id}.html": res.get("html") or failure_page(report_id, res["error"])}
    if res.get("notebook"):
        failed[f"failed/{report_id}.ipynb"] = res["notebook"]
    files.update(failed)
    return {
        "error": res["error"],
        "failed_html": f"failed/{report_id}.html",
        "failed_outputs": {rel: sha256(d) for rel, d in sorted(failed.items())},
        "figures": good.get("figures", []),
        "last_good": good.get("key") if good.get("status") == "ok" else good.get("last_good"),
        "outputs": dict(good.get("outputs", {})),
    }


class PublishError(Exception):
    """reports/ could not be written; it was left as it was."""


def _shown(out: Path, rel: str = "") -> str:
    return f"{out.name}/{rel}"


def check_writable(out: Path) -> None:
    """Say before any notebook runs that reports/ cannot be written (not after minutes of work)."""
    import tempfile

    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-check.tmp-"):
            pass
    except OSError as exc:
        raise PublishError(f"cannot write {_shown(out)}: {(exc.strerror or str(exc)).lower()}") from None


def publish(out: Path, files: dict[str, bytes], removed: list[str] = (), *, final: bool = False) -> None:
    """Write every changed file of `files` under `out`, all or nothing: each is first written to a
    temporary name beside its place; only when all are written are they renamed into place (a
    rename needs no space). A write that fails (disk full) removes the temporary files and raises
    PublishError, leaving `out` as it was; so does a Ctrl-C before the renames. The renames and
    removals run to their end once begun (`interrupts.committed`): with `final` (the process ends
    after this build), a Ctrl-C from then on is ignored, else it is raised once they are done."""
    staged: list[tuple[Path, Path]] = []
    rel = ""
    with contextlib.ExitStack() as stack:
        try:
            for rel, data in files.items():
                path = out / rel
                if path.is_dir() and not path.is_symlink():  # said before anything is written
                    raise PublishError(
                        f"{_shown(out, rel)} is a folder where the build puts a file; move it away, then build again"
                    )
                if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
                    continue
                _real_folders(out, path.parent)
                tmp = temporary_name(path)
                staged.append((tmp, path))
                write_new(tmp, data, durable=True, mode=0o644)  # readable by a web server whatever the umask
            stack.enter_context(interrupts.committed(final))
        except BaseException as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            if isinstance(exc, PublishError):
                raise
            if isinstance(exc, OSError):
                reason = (exc.strerror or str(exc)).lower()
                raise PublishError(f"{reason} writing {_shown(out, rel)}; {_shown(out)} left as it was") from None
            raise
        for tmp, path in staged:
            os.replace(tmp, path)
        for rel in removed:
            (out / rel).unlink(missing_ok=True)


def _real_folders(out: Path, folder: Path) -> None:
    """Make `folder` (inside `out`) and the folders between, each a real folder: a link found in
    the place of one is removed, never followed (reports/ is the build's own; `out` itself may be
    a link the user made, say to a web server's folder)."""
    for part in reversed([folder, *folder.parents]):
        if part == out or not part.is_relative_to(out):
            continue
        if part.is_symlink():
            part.unlink()
        part.mkdir(exist_ok=True)


NAV_MOST = 12  # links in a page's navigation; beyond, the index lists every report


def navigation(root: Path, reports: list[Report]) -> dict[str, list[dict]]:
    """The reports each page links to, by the page's report id: each an id and a title (the
    notebook's heading and the filter, in words). Every report while the list is short; beyond
    NAV_MOST, the first report of each other notebook and the page's neighbours among its own
    notebook's, in the list's order. So the navigation, and the pages a new report rebuilds, stay
    bounded: 1,000 parameter sets no longer mean 999 links on each of 1,000 pages."""
    from warclaims.reports.reportlist import notebook_title

    titles = {nb: notebook_title(root / nb) for nb in {r.notebook for r in reports}}
    items = []
    for r in reports:
        words = describe(r.parameters)
        items.append({"id": r.id, "title": titles[r.notebook] + (f": {words}" if words else "")})
    if len(items) <= NAV_MOST:
        return {r.id: items for r in reports}
    of: dict[str, list[int]] = {}  # each notebook's reports, by position in the list
    for i, r in enumerate(reports):
        of.setdefault(r.notebook, []).append(i)
    out = {}
    for i, r in enumerate(reports):
        others = [at[0] for nb, at in of.items() if nb != r.notebook][: NAV_MOST - 3]
        own, room = of[r.notebook], max(NAV_MOST - len(others), 3)
        k = own.index(i)
        lo = min(max(k - room // 2, 0), max(len(own) - room, 0))
        out[r.id] = [items[at] for at in sorted({*others, *own[lo : lo + room]})]
    return out


def read_sources(root: Path) -> list[dict]:
    """data/sources.csv as the index cites the sources (`citing.cite`, the address, the description); none when it
    cannot be read (validation says why)."""
    try:
        rows = source_rows(root)
    except ReportListError:
        return []
    cited = []
    for row in rows:
        try:
            published = datetime.date.fromisoformat((row.get("published") or "").strip())
        except ValueError:  # the validator names the cell; the index lists what it can cite
            continue
        named, rest = cite(row.get("headline"), row.get("outlet"), published)
        url, described = recorded(row.get("url")), recorded(row.get("description"))
        cited.append(
            {
                "source_id": (row.get("source_id") or "").strip(),
                "named": named,
                "rest": rest,
                "url": url,
                "description": described,
            }
        )
    return cited


def data_changed(root: Path) -> str | None:
    """The date of the last commit that changed the claim table (its four files) or the seeds (None
    outside a git checkout): not the region boundary or external.yaml, which are not claims.

    `git log` over the history costs more than the rest of a no-op build; its answer is kept in
    build/cache/ under the commit git names as HEAD (`git rev-parse`, a few milliseconds, and right
    whatever git's ref storage: loose refs, packed refs or reftable), so a no-op build asks only that.
    """
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    if head is None:  # not a git checkout, or no commit yet: no history to ask
        return None
    store = build_cache(root) / "data-changed.json"
    try:
        known = json.loads(store.read_text(encoding="utf-8"))
        if known.get("head") == head:
            return known.get("date")
    except (OSError, ValueError, AttributeError, RecursionError):
        pass
    date = _git_data_changed(root)
    with contextlib.suppress(OSError):
        write_atomic(store, json.dumps({"head": head, "date": date}).encode())
    return date


def _git(root: Path, *args: str) -> str | None:
    """What `git ARGS` prints in `root` (None when git is missing, fails or prints nothing)."""
    import subprocess

    try:
        run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return (run.stdout.strip() or None) if run.returncode == 0 else None


def _git_data_changed(root: Path) -> str | None:
    table = ("data/events.csv", "data/sources.csv", "data/metrics.csv", "data/skipped.csv", "seeds")
    return _git(root, "log", "-1", "--format=%cs", "--", *table)


def identical_figures(entries: dict[str, dict]) -> list[tuple[str, str]]:
    """Pairs of reports of one notebook whose figures are byte for byte the same: a parameter set
    that selects nothing different (say, a filter every claim passes)."""
    seen: dict[tuple[str, tuple], str] = {}
    pairs = []
    for report_id, entry in entries.items():
        if entry.get("status") != "ok" or not entry.get("figures"):
            continue
        digests = tuple(entry["outputs"].get(f["png"]) for f in entry["figures"])
        key = (entry["notebook"], digests)
        if key in seen:
            pairs.append((seen[key], report_id))
        else:
            seen[key] = report_id
    return pairs


def _validate(root: Path) -> None:
    from warclaims.claims.loading import validate_for_build
    from warclaims.errors import report_lines
    from warclaims.reports.reportlist import outside_the_project

    # The table the notebooks read by default, and the texts its quotes are checked against: a link
    # among them that leads out of the project would put a file of the machine on a page.
    for name in (*(f"data/{t}.csv" for t in ("events", "sources", "metrics", "skipped")), "seeds"):
        why = outside_the_project(root, name) if (root / name).exists() or (root / name).is_symlink() else None
        if why:
            _log(f"{name} {why}")
            raise DataInvalid(f"{name} is not the project's own; reports/ left as it was")
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
    import stat

    path = root / "build" / "build.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never through a link: opened through one, the lock emptied whatever file the link named.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:  # a FIFO, a socket; a file with other names
            os.close(fd)
            what = "is not a regular file" if not stat.S_ISREG(st.st_mode) else "has other names (a hard link)"
            raise BuildLocked(f"build/build.lock {what}, not the build's lock file; remove it, then build again")
    except BuildLocked:
        raise
    except OSError as exc:
        import errno

        what = {errno.ELOOP: "is a link", errno.EISDIR: "is a folder"}.get(exc.errno)
        if what:
            raise BuildLocked(
                f"build/build.lock {what}, not the build's lock file; remove it, then build again"
            ) from None
        raise BuildLocked(f"cannot open build/build.lock ({(exc.strerror or str(exc)).lower()})") from None
    with open(fd, "r+", encoding="utf-8") as handle:
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


def remove_links(out: Path) -> None:
    """Remove every link inside `out` (never following one): reports/ is the build's own, and a
    report whose files were behind a link is then rebuilt, its files written where they belong.
    (`out` itself may be a link the user made, say to a web server's folder.)"""
    if not out.is_dir():
        return
    for folder, dirs, names in os.walk(out):  # links to folders are in `dirs`, and not followed
        for name in [*dirs, *names]:
            path = Path(folder) / name
            if path.is_symlink():
                path.unlink()


def remove_temporary_files(out: Path) -> None:
    """Remove temporary files an interrupted or crashed earlier build left (run under the build lock)."""
    if out.is_dir():
        for path in out.rglob(".*.tmp-*"):
            path.unlink(missing_ok=True)


class DataInvalid(Exception):
    """The claim table failed validation; nothing was built."""
