"""Binder gets what `pip install -e ".[all]"` gets, with CPU-only torch (DESIGN.md section 5)."""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _requirement(line: str) -> tuple[str, str]:
    """(normalized name, version specifier) of a requirement line."""
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", line)
    assert match, line
    return match.group(1).lower().replace("_", "-"), match.group(2).strip()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _all_extras() -> list[str]:
    """The extras the notebooks need: what `.[all]` installs."""
    (spec,) = _pyproject()["project"]["optional-dependencies"]["all"]
    return re.fullmatch(r"interactive_hpo\[(.*)\]", spec).group(1).split(",")


def _binder_requirements() -> dict[str, str]:
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    return dict(_requirement(line) for line in lines if line and not line.startswith(("#", "--")))


def test_binder_pins_every_runtime_dependency_to_the_version_we_test():
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *(r for extra in _all_extras() for r in extras[extra])]
    binder = _binder_requirements()
    for requirement in wanted:
        name, spec = _requirement(requirement)
        assert name in binder, f"binder/requirements.txt lacks {name} ({requirement} in pyproject.toml)"
        if name == "torch":
            continue
        # An exact pin (a new release cannot change next month's Binder build) ...
        assert re.fullmatch(r"(\[[a-z,]+\])?==[0-9][0-9A-Za-z.+]*", binder[name]), f"{name}: {binder[name]!r}"
        pinned = binder[name].split("==")[1]
        # ... that pyproject.toml allows ...
        assert Version(pinned) in SpecifierSet(spec.split("]")[-1]), f"{name}=={pinned} breaks {requirement}"
        # ... and that this suite runs on: `make install` takes binder's pins as constraints.
        distribution = name.split("[")[0]
        assert metadata.version(distribution) == pinned, (
            f"{distribution} {metadata.version(distribution)} is installed but binder pins {pinned}: "
            "re-run `make install` (or update the pin after testing the new version)")
    extra = set(binder) - {_requirement(r)[0] for r in wanted}
    assert not extra, f"binder installs what pyproject.toml does not declare: {sorted(extra)}"


def test_make_install_uses_binders_pins_as_constraints():
    makefile = (ROOT / "Makefile").read_text()
    assert "binder/requirements.txt" in makefile and "-c $(VENV)/constraints.txt" in makefile


def test_binder_torch_is_the_cpu_wheel_of_the_version_we_test():
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    pinned = _binder_requirements()["torch"]
    assert re.fullmatch(r"==\d+\.\d+\.\d+\+cpu", pinned), pinned
    makefile = (ROOT / "Makefile").read_text()
    version = pinned.removeprefix("==").removesuffix("+cpu")
    assert f"torch=={version}" in makefile, "binder and `make install` must use the same torch version"
    floor = _requirement(next(r for r in _pyproject()["project"]["optional-dependencies"]["bo"]
                              if r.startswith("torch")))[1]
    assert tuple(map(int, version.split("."))) >= tuple(map(int, floor.removeprefix(">=").split(".")))


def test_binder_python_and_package_install():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    required = _pyproject()["project"]["requires-python"].removeprefix(">=")
    assert runtime == f"python-{required}"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post.read_text()

