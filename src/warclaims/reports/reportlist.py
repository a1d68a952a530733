"""The report list (reports.yaml): which notebooks to run with which named parameter sets.

Checked before anything runs: unknown notebooks and parameter names are rejected, naming the entry.
Parameter names are read from each notebook's `parameters` cell without starting a kernel.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from warclaims.charts import parameters
from warclaims.paths import build_cache, csv_cells_of_any_size, read_regular, write_atomic
from warclaims.reports.digests import Digests, sha256
from warclaims.strictyaml import strict_yaml

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PACKAGE = Path(__file__).resolve().parents[1]  # src/warclaims


class ReportListError(Exception):
    """reports.yaml is wrong; each line of the message names the entry."""


@dataclass(frozen=True)
class Report:
    id: str
    notebook: str  # relative to the repo root, e.g. notebooks/overview.ipynb
    set_name: str
    parameters: dict = field(hash=False)
    requires: tuple[str, ...] = ()  # files that must exist, else the report is skipped


def _cells(path: Path) -> list[tuple[str, str, list]]:
    """(cell type, source, tags) of every cell of the notebook at `path`, read without a kernel or
    nbformat (the no-op build reads the titles: nbformat's import alone costs more than the whole
    no-op). ReportListError (one line) for a file that is not a notebook."""
    shown = f"notebooks/{path.name}"
    try:
        nb = json.loads(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise ReportListError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportListError(f"{shown}: not UTF-8 text; not a notebook") from None
    except json.JSONDecodeError as exc:
        raise ReportListError(
            f"{shown}:{exc.lineno}: column {exc.colno}: not a notebook (not JSON: {exc.msg})"
        ) from None
    except (RecursionError, ValueError):
        raise ReportListError(f"{shown}: not a notebook (JSON nested too deep, or a number too long)") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ReportListError(f"{shown}: not a notebook (no list of cells)")
    out = []
    for n, cell in enumerate(cells, start=1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        metadata = cell.get("metadata", {}) if isinstance(cell, dict) else None
        tags = metadata.get("tags", []) if isinstance(metadata, dict) else None
        if not isinstance(source, str) or not isinstance(cell.get("cell_type"), str) or not isinstance(tags, list):
            raise ReportListError(f"{shown}: cell {n} is not a notebook cell (a cell type, a source and metadata)")
        out.append((cell["cell_type"], source, tags))
    return out


def first_heading(markdown: Iterable[str]) -> str | None:
    """The text of the first level-1 heading in these Markdown sources: a notebook's title, read
    from the notebook file (the report list) or from the executed notebook (its page)."""
    for source in markdown:
        m = re.search(r"^#\s+(.+)$", source, re.M)
        if m:
            return m.group(1).strip()
    return None


def notebook_title(path: Path) -> str:
    """The notebook's title, read without a kernel; its file name when it has no heading."""
    return first_heading(source for cell_type, source, _ in _cells(path) if cell_type == "markdown") or path.stem


def notebook_parameters(path: Path) -> dict[str, object]:
    """Names (and literal defaults) assigned in the cell tagged `parameters`."""
    for cell_type, source, tags in _cells(path):
        if cell_type == "code" and "parameters" in tags:
            try:
                body = ast.parse(source).body
            except SyntaxError as exc:
                raise ReportListError(
                    f"notebooks/{path.name}: its parameters cell is not valid Python (line {exc.lineno}: {exc.msg})"
                ) from None
            names = {}
            for node in body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            try:
                                names[target.id] = ast.literal_eval(node.value)
                            except (ValueError, TypeError, MemoryError, RecursionError):  # not a literal
                                names[target.id] = None
            return names
    return {}


def _text(path: Path, shown: str, folder: str = "") -> str:
    """The UTF-8 text of the file at `path` (a BOM dropped), never blocking on a FIFO;
    ReportListError (one line, the line of a byte that is not UTF-8) when it cannot be had.
    `folder`: what to say when `path` is a folder (else it cannot be read, as any other error)."""
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise ReportListError(f"{shown}: file not found") from None
    except IsADirectoryError as exc:
        why = f"is a folder; {folder}" if folder else f"cannot be read ({exc.strerror or exc})"
        raise ReportListError(f"{shown}: {why}") from None
    except OSError as exc:
        raise ReportListError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReportListError(
            f"{shown}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None


def _read(path: Path, shown: str):
    text = _text(path, shown, "give the report list's YAML file")
    import yaml

    try:
        return strict_yaml(text, "the report list")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}: column {mark.column + 1}" if mark else ""
        raise ReportListError(f"{shown}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


# The folders a build's path parameters and required files may name something in (the fetched
# datasets, data/external/, are inside data/). Anything else could put a file of the machine, say
# /etc/passwd quoted in an error or /proc/self/environ in a chart, on a published page.
INSIDE = ("data", "seeds")


def outside_the_project(root: Path, value: str) -> str | None:
    """Why the path `value` (a path parameter or a required file) is refused, or None when it names
    something inside data/ or seeds/, relative to the project, once every link is followed."""
    path = Path(value)
    if path.is_absolute():
        return "is an absolute path; name a file in the project's data/ or seeds/, relative to the project"
    try:
        os.fsencode(value)
        real = (root / path).resolve()
        (root / path).exists()  # a name too long for the system says so here
        inside = [(root / folder).resolve() for folder in INSIDE]
        if not any(real.is_relative_to(folder) for folder in inside):
            return "is outside the project's data/ and seeds/ (links followed); a build reads only files there"
        if real.is_dir():  # a folder of snapshots: a link inside it may lead out too
            # scandir's entries say whether each is a link without a call per file (1,360 snapshots
            # and their sidecars were 2,700 lstat calls, per path, per look of the watcher)
            folders = [real]
            while folders:
                with os.scandir(folders.pop()) as entries:
                    for item in entries:
                        if item.is_symlink():
                            entry = Path(item.path)
                            if not any(entry.resolve().is_relative_to(f) for f in inside):
                                return (
                                    f"holds {entry.relative_to(root).as_posix()!r}, a link outside the project's "
                                    "data/ and seeds/; a build reads only files there"
                                )
                        elif item.is_dir(follow_symlinks=False):
                            folders.append(Path(item.path))
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of links, a name too long, a NUL, not text
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return f"cannot be followed to a file ({reason})"
    return None


def _confined(root: Path, reports: list[Report]) -> list[str]:
    """A line for every path parameter or required file of `reports` that `outside_the_project` refuses."""
    problems, seen = [], {}
    for r in reports:
        named = [(k, v) for k, v in r.parameters.items() if k in parameters.PATH_PARAMETERS and v]
        for name, value in [*named, *(("requires", v) for v in r.requires)]:
            if value not in seen:  # a folder named by a parameter and by `requires` is walked once
                seen[value] = outside_the_project(root, value)
            why = seen[value]
            if why:
                problems.append(f"report '{r.id}': {name} {value!r} {why}")
    return problems


def _requires(value) -> tuple[str, ...] | None:
    """The entry's required files as a tuple of relative paths, or None when not written as such."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v and not Path(v).is_absolute() for v in value):
        return None
    return tuple(value)


def source_rows(root: Path) -> list[dict[str, str]]:
    """data/sources.csv's rows, read without pandas (the no-op build reads them too) and never
    blocking on a FIFO; ReportListError (one line, located where it can be) when it cannot be read.
    The table itself is validated by the build before anything runs."""
    import csv
    import io

    shown = "data/sources.csv"
    text = _text(root / "data" / "sources.csv", shown)
    try:
        with csv_cells_of_any_size():
            reader = csv.DictReader(io.StringIO(text, newline=""))
            # header names as the validator reads them: " published " is the published column
            reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
            return list(reader)
    except csv.Error as exc:
        raise ReportListError(f"{shown}: not CSV ({exc})") from None


def source_ids(root: Path) -> list[str]:
    """The source ids of data/sources.csv, in its order, for `per_source` entries."""
    rows = source_rows(root)
    ids = [r.get("source_id") for r in rows]
    if not rows or any(not isinstance(i, str) or not i.strip() for i in ids):
        raise ReportListError("data/sources.csv: needs a source_id on every row")
    return list(dict.fromkeys(i.strip() for i in ids))


def _slug(source_id: str) -> str:
    """A source id as part of a report id: lowercase letters, digits, - and _."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", source_id.lower()).strip("-_")
    return slug[:80] or "source"


def load_report_list(path: Path, root: Path) -> list[Report]:
    """Parse and check reports.yaml; raise ReportListError listing every bad entry."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    doc = _read(path, shown)
    entries = (doc or {}).get("reports") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ReportListError(f"{shown}: expected a 'reports:' list of entries with 'notebook' and 'parameter_sets'")
    known = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))
    problems, reports, seen = [], [], set()
    for n, entry in enumerate(entries, start=1):
        label = f"{shown}: entry {n}"
        if not isinstance(entry, dict) or "notebook" not in entry:
            problems.append(f"{label}: needs a 'notebook' key")
            continue
        if not isinstance(entry["notebook"], str):
            problems.append(f"{label}: 'notebook' must be a notebook's name, e.g. overview")
            continue
        name = entry["notebook"].removesuffix(".ipynb")
        label += f" (notebook '{name}')"
        extra = set(entry) - {"notebook", "parameter_sets", "requires", "per_source"}
        if extra:
            problems.append(f"{label}: unknown key(s) {', '.join(sorted(extra))}")
        if name not in known:
            problems.append(f"{label}: unknown notebook; known: {', '.join(known)}")
            continue
        nb_path = root / "notebooks" / f"{name}.ipynb"
        allowed = notebook_parameters(nb_path)
        sets = entry.get("parameter_sets") or {"default": {}}
        if not isinstance(sets, dict):
            problems.append(f"{label}: 'parameter_sets' must map a set name to its parameters")
            continue
        requires = _requires(entry.get("requires"))
        if requires is None:
            problems.append(f"{label}: 'requires' must be a file path or a list of them, relative to the project")
            continue
        per_source = entry.get("per_source", False)
        if not isinstance(per_source, bool):
            problems.append(f"{label}: 'per_source' is true or false")
            continue
        if per_source:
            try:
                ids = source_ids(root)
            except ReportListError as exc:
                problems.append(f"{label}: per_source: {exc}")
                continue
            bad = [
                f"{label}, parameter set '{name}': "
                + (
                    "set names are lowercase slugs (a-z, 0-9, - and _)"
                    if not _ID.match(str(name))
                    else "parameters must be a mapping of name: value"
                )
                for name, params in sets.items()
                if not _ID.match(str(name)) or not isinstance(params, dict | None)
            ]
            if bad:  # said once per set, before the set is multiplied by the sources
                problems += bad
                continue
            if any(isinstance(p, dict) and "source_ids" in p for p in sets.values()):
                problems.append(f"{label}: per_source builds one page per source; leave source_ids out of its sets")
                continue
            expanded, made_by = {}, {}
            for set_name, params in sets.items():
                for source_id in ids:
                    set_id = _slug(source_id) if set_name == "default" else f"{set_name}-{_slug(source_id)}"
                    if set_id in made_by:  # two ids with one slug: one page would silently replace the other
                        first_set, first_id = made_by[set_id]
                        problems.append(
                            f"{label}: per_source: sources {first_id!r} (set '{first_set}') and {source_id!r} "
                            f"(set '{set_name}') would both be report '{name}--{set_id}'; rename one source id"
                        )
                        continue
                    made_by[set_id] = (set_name, source_id)
                    expanded[set_id] = {**(params or {}), "source_ids": [source_id]}
            sets = expanded
        for set_name, params in sets.items():
            params = params or {}
            set_label = f"{label}, parameter set '{set_name}'"
            if not _ID.match(str(set_name)):
                problems.append(f"{set_label}: set names are lowercase slugs (a-z, 0-9, - and _)")
                continue
            if not isinstance(params, dict):
                problems.append(f"{set_label}: parameters must be a mapping of name: value")
                continue
            keys = [k for k in params if not isinstance(k, str)]
            if keys:
                problems.append(f"{set_label}: parameter names are text; found {', '.join(map(repr, keys))}")
                continue
            unknown = sorted(set(params) - set(allowed))
            if unknown:
                problems.append(
                    f"{set_label}: unknown parameter(s) {', '.join(unknown)}; the notebook takes {', '.join(allowed)}"
                )
                continue
            try:
                params = {k: parameters.check(k, v) for k, v in params.items()}
            except parameters.ParameterError as exc:
                problems.append(f"{set_label}: {exc}")
                continue
            report_id = f"{name}--{set_name}"
            if report_id in seen:
                problems.append(f"{set_label}: report '{report_id}' is listed twice")
                continue
            seen.add(report_id)
            reports.append(
                Report(report_id, nb_path.relative_to(root).as_posix(), str(set_name), dict(params), requires)
            )
    problems += _confined(root, reports)
    if problems:
        raise ReportListError("\n".join(problems))
    return reports


def load_cached(path: Path, root: Path, digests: Digests) -> list[Report]:
    """`load_report_list`, remembered in build/cache/ under a key of everything it reads (the list,
    the notebooks, the package's code), so a build with nothing to do skips parsing YAML."""
    store = build_cache(root) / "reportlist.json"
    try:
        key = sha256(
            json.dumps(
                [
                    str(path),
                    digests.of(path),
                    [(p.name, digests.of(p)) for p in sorted((root / "notebooks").glob("*.ipynb"))],
                    # per_source entries expand to one report per source in the table
                    digests.of(root / "data" / "sources.csv"),
                    # The whole package's code, not a hand-kept list of what checking reads (the
                    # list once left out claims/vocabulary.py, which parameter checks read).
                    [(p.relative_to(PACKAGE).as_posix(), digests.of(p)) for p in sorted(PACKAGE.rglob("*.py"))],
                ]
            ).encode()
        )
    except OSError:  # an unreadable notebook or list: load_report_list says so
        return load_report_list(path, root)
    try:
        cached = json.loads(store.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            reports = [
                Report(r["id"], r["notebook"], r["set_name"], r["parameters"], tuple(r["requires"]))
                for r in cached["reports"]
            ]
            outside = _confined(root, reports)  # links are not in the key: followed every time
            if outside:
                raise ReportListError("\n".join(outside))
            return reports
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):  # none yet, or damaged: parse
        pass
    reports = load_report_list(path, root)
    with contextlib.suppress(OSError):
        write_atomic(store, json.dumps({"key": key, "reports": [asdict(r) for r in reports]}).encode())
    return reports
