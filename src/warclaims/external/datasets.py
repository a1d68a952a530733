"""The declared external datasets (data/external.yaml): where each comes from, under what licence,
who claims its numbers, and where its fetched files live (data/external/NAME/).

Captions and citations of context charts are made from these entries, never typed in chart code.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from warclaims.claims.vocabulary import SIDES
from warclaims.paths import read_regular
from warclaims.strictyaml import strict_yaml

DECLARATIONS = "data/external.yaml"
FOLDER = "data/external"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$")  # a plain file name: no folder, no hidden file
_FIELDS = ("title", "producer", "claimant", "claimant_side", "licence", "citation", "importer", "base_url", "files")
LONGEST = 1000  # characters in a title, citation or licence (they are printed under charts)
IMPORTERS = ("general_staff", "attacks", "territory")  # the modules of external/ that read a dataset
# manual: how to get an archive that `warclaims fetch` does not download (files: []);
# listing: for an archive of many files (files: []), the address of its file list (a GitHub git
# tree, JSON), whose entries under `folder` are fetched from base_url + "/" + their path;
# region: the region an archive of map snapshots is measured in (the guard measures it there).
_OPTIONAL = ("manual", "listing", "folder", "region")


class DatasetListError(Exception):
    """data/external.yaml is wrong; the message names the dataset and the field."""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    producer: str
    claimant: str
    claimant_side: str
    licence: str
    citation: str
    importer: str
    base_url: str
    files: tuple[str, ...]
    manual: str = ""
    listing: str = ""
    archive_folder: str = ""
    region: str = ""

    def folder(self, root: Path) -> Path:
        return root / FOLDER / self.name

    def path(self, root: Path, file: str) -> Path:
        return self.folder(root) / file

    def url(self, file: str, base_url: str | None = None) -> str:
        """Where `file` is fetched from: `base_url`, else $WARCLAIMS_<NAME>_BASE_URL, else the declared one."""
        env = f"WARCLAIMS_{self.name.upper().replace('-', '_')}_BASE_URL"
        base = base_url or os.environ.get(env) or self.base_url
        return f"{base.rstrip('/')}/{file}"

    def listing_url(self, override: str | None = None) -> str:
        """Where the archive's file list is read: `override`, else $WARCLAIMS_<NAME>_LISTING_URL, else the declared one."""
        env = f"WARCLAIMS_{self.name.upper().replace('-', '_')}_LISTING_URL"
        return override or os.environ.get(env) or self.listing

    def archive(self, root: Path) -> Path:
        """The folder an archive's files are fetched into (data/external/NAME/FOLDER)."""
        return self.folder(root) / self.archive_folder

    def fetched(self, root: Path) -> bool:
        """Every declared file is on disk; for an archive, at least one of its files (one got by hand,
        with no file list, never counts)."""
        if self.listing:
            return self.archive(root).is_dir() and next(self.archive(root).glob("*.geojson"), None) is not None
        return bool(self.files) and all(self.path(root, f).is_file() for f in self.files)

    def provenance(self, root: Path) -> list[dict]:
        """What the fetched files' sidecars say (source URL, time retrieved, sha256, size)."""
        out = []
        for file in self.files:
            try:
                out.append(json.loads(meta_path(self.path(root, file)).read_text(encoding="utf-8")))
            except (OSError, ValueError, RecursionError):
                continue
        return out

    def caption(self, root: Path | None = None) -> str:
        """The citation line a chart prints under the dataset's panel, with when it was retrieved."""
        retrieved = sorted(m.get("retrieved", "")[:10] for m in self.provenance(root)) if root else []
        when = f", retrieved {retrieved[-1]}" if retrieved and retrieved[-1] else ""
        return f"{self.citation}{when} (licence: {self.licence}); claims by {self.claimant}, not independently verified"


def meta_path(path: Path) -> Path:
    """The sidecar beside a fetched file: NAME.meta.json."""
    return path.with_name(f"{path.name}.meta.json")


def load_datasets(root: Path) -> dict[str, Dataset]:
    """Every declared dataset by name, checked; DatasetListError names what is wrong."""
    path = root / DECLARATIONS
    try:
        doc = strict_yaml(read_regular(path).decode("utf-8"), DECLARATIONS)
    except FileNotFoundError:
        raise DatasetListError(f"{DECLARATIONS}: file not found") from None
    except OSError as exc:
        raise DatasetListError(f"{DECLARATIONS}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise DatasetListError(f"{DECLARATIONS}: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}: column {mark.column + 1}" if mark else ""
        raise DatasetListError(f"{DECLARATIONS}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    entries = doc.get("datasets") if isinstance(doc, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise DatasetListError(f"{DECLARATIONS}: expected a 'datasets:' mapping of names to entries")
    out, problems = {}, []
    for name, entry in entries.items():
        label = f"{DECLARATIONS}: dataset {name!r}"
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(f"{label}: names are lowercase slugs (a-z, 0-9 and -)")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{label}: expected a mapping of {', '.join(_FIELDS)}")
            continue
        missing = [f for f in _FIELDS if f not in entry]
        unknown = sorted(set(entry) - set(_FIELDS) - set(_OPTIONAL))
        if missing or unknown:
            problems.append(
                f"{label}: "
                + "; ".join(
                    [f"missing {', '.join(missing)}"] * bool(missing)
                    + [f"unknown {', '.join(unknown)}"] * bool(unknown)
                )
            )
            continue
        files = entry["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) and _FILE.fullmatch(f) for f in files):
            problems.append(f"{label}: files must be a list of file names (letters, digits, '.', '_' and '-')")
            continue
        if not files and not entry.get("manual") and not entry.get("listing"):
            problems.append(
                f"{label}: files is empty; list the files, give the archive's 'listing', or say under 'manual' how to get them"
            )
            continue
        region = entry.get("region")
        if region is not None and not (
            isinstance(region, str)
            and region.startswith("data/")
            and ".." not in Path(region).parts
            and not Path(region).is_absolute()
        ):
            problems.append(f"{label}: region must be a path under data/ (e.g. data/regions/kursk_oblast.geojson)")
            continue
        if entry.get("listing") and not (
            str(entry["listing"]).startswith(("https://", "http://"))
            and isinstance(entry.get("folder"), str)
            and _FILE.fullmatch(entry["folder"])
        ):
            problems.append(f"{label}: an archive needs an http(s) 'listing' and a plain 'folder' name")
            continue
        long = [f for f in _FIELDS[:-1] if len(str(entry[f])) > LONGEST]
        if long:
            problems.append(f"{label}: {', '.join(long)} longer than {LONGEST:,} characters; a citation is a line")
            continue
        if entry["importer"] not in IMPORTERS:
            problems.append(f"{label}: importer must be one of {', '.join(IMPORTERS)}")
            continue
        if entry["claimant_side"] not in SIDES:
            problems.append(f"{label}: claimant_side must be one of {', '.join(SIDES)}")
            continue
        if not str(entry["base_url"]).startswith(("https://", "http://")):
            problems.append(f"{label}: base_url must be an http(s) address")
            continue
        out[name] = Dataset(
            name,
            *(str(entry[f]).strip() for f in _FIELDS[:-1]),
            tuple(files),
            " ".join(str(entry.get("manual", "")).split()),
            str(entry.get("listing", "")),
            str(entry.get("folder", "")),
            str(entry.get("region", "")),
        )
    if problems:
        raise DatasetListError("\n".join(problems))
    return out
