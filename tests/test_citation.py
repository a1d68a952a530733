"""The project's licence, citation and data package stay in step with the code and the table."""

from __future__ import annotations

import csv
import json
import tomllib

import yaml

from warclaims.claims.schema import datapackage_json

from conftest import ROOT


def test_citation_is_in_step_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert (citation["title"], citation["version"]) == (project["name"], project["version"])
    assert citation["license"] == project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    [data] = citation["references"]
    assert data["license"] == json.loads((ROOT / "data" / "datapackage.json").read_text())["licenses"][0]["name"]


def test_the_data_package_is_made_from_the_schemas():
    committed = (ROOT / "data" / "datapackage.json").read_text(encoding="utf-8")
    assert committed == datapackage_json(), "data/datapackage.json is stale: run `make datapackage`"


def test_the_data_package_describes_every_column_of_every_file():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {"events", "sources", "metrics", "skipped"}
    for resource in package["resources"]:
        with open(ROOT / "data" / resource["path"], encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        fields = resource["schema"]["fields"]
        assert reader.fieldnames == [field["name"] for field in fields], resource["name"]
        for field in fields:  # what the package promises holds for the shipped table
            values = [r[field["name"]] for r in rows]
            constraints = field.get("constraints", {})
            if constraints.get("required"):
                assert all(values), (resource["name"], field["name"])
            if "enum" in constraints:
                assert {v for v in values if v} <= set(constraints["enum"]), (resource["name"], field["name"])
            if constraints.get("unique"):
                assert len(set(values)) == len(values)
