"""environment.yml (conda users), pyproject.toml and requirements.lock name the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_packages() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(meta["dependencies"]) + [d for deps in meta["optional-dependencies"].values() for d in deps]
    return {norm(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in names}


def conda_packages() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            out[norm(name)] = version
    out.pop("python", None)
    out.pop("pip", None)
    return out


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[norm(name)] = version
    return pins


def test_environment_yml_lists_the_pyproject_packages():
    assert set(conda_packages()) == pyproject_packages()


def test_environment_yml_versions_match_the_lock():
    pins = locked()
    mismatched = {n: (v, pins.get(n)) for n, v in conda_packages().items() if pins.get(n) != v}
    assert mismatched == {}


def test_every_pyproject_package_is_pinned_in_the_lock():
    assert pyproject_packages() - set(locked()) == set()


def test_conda_channel_is_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip and "-e ." in pip[0]["pip"]
