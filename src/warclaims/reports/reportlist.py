"""The report list (reports.yaml): which notebooks to run with which named parameter sets.

Checked before anything runs: unknown notebooks and parameter names are rejected, naming the entry.
Parameter names are read from each notebook's `parameters` cell without starting a kernel.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ReportListError(Exception):
    """reports.yaml is wrong; each line of the message names the entry."""


@dataclass(frozen=True)
class Report:
    id: str
    notebook: str  # relative to the repo root, e.g. notebooks/overview.ipynb
    set_name: str
    parameters: dict = field(hash=False)
    requires: tuple[str, ...] = ()  # files that must exist, else the report is skipped


def notebook_parameters(path: Path) -> dict[str, object]:
    """Names (and literal defaults) assigned in the cell tagged `parameters`."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            try:
                                names[target.id] = ast.literal_eval(node.value)
                            except ValueError:
                                names[target.id] = None
            return names
    return {}


def load_report_list(path: Path, root: Path) -> list[Report]:
    """Parse and check reports.yaml; raise ReportListError listing every bad entry."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportListError(f"{shown}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}: column {mark.column + 1}" if mark else ""
        raise ReportListError(f"{shown}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
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
        name = str(entry["notebook"]).removesuffix(".ipynb")
        label += f" (notebook '{name}')"
        extra = set(entry) - {"notebook", "parameter_sets", "requires"}
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
        requires = entry.get("requires") or []
        requires = tuple([requires] if isinstance(requires, str) else requires)
        for set_name, params in sets.items():
            params = params or {}
            set_label = f"{label}, parameter set '{set_name}'"
            if not _ID.match(str(set_name)):
                problems.append(f"{set_label}: set names are lowercase slugs (a-z, 0-9, - and _)")
                continue
            if not isinstance(params, dict):
                problems.append(f"{set_label}: parameters must be a mapping of name: value")
                continue
            unknown = sorted(set(params) - set(allowed))
            if unknown:
                problems.append(f"{set_label}: unknown parameter(s) {', '.join(unknown)}; the notebook takes {', '.join(allowed)}")
                continue
            report_id = f"{name}--{set_name}"
            if report_id in seen:
                problems.append(f"{set_label}: report '{report_id}' is listed twice")
                continue
            seen.add(report_id)
            reports.append(Report(report_id, nb_path.relative_to(root).as_posix(), str(set_name), dict(params), requires))
    if problems:
        raise ReportListError("\n".join(problems))
    return reports
