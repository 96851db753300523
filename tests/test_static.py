"""Static checks run with the suite: ruff on everything, mypy on the whole package (DESIGN.md section 3)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*args):
    if shutil.which(args[0], path=str(Path(sys.executable).parent)) is None:
        pytest.skip(f"{args[0]} is not installed (it comes with the dev extra)")
    tool = str(Path(sys.executable).parent / args[0])
    return subprocess.run([tool, *args[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean():
    # --no-cache: a cached verdict from before a module moved can hide an import-order error
    result = run_tool("ruff", "check", "--no-cache", "interactive_hpo", "tests", "benchmarks",
                      "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_the_whole_package():
    result = run_tool("mypy")  # pyproject.toml: files = ["interactive_hpo"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_version_is_stated_once_for_both_readers():
    import tomllib

    import interactive_hpo

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert interactive_hpo.__version__ == declared
