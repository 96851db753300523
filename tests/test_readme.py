"""The README's quickstart runs exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_the_two_commands():
    text = README.read_text()
    assert "make lab" in text and "make test" in text


def test_quickstart_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the quickstart writes its journal to the working directory
    blocks = python_blocks()
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})  # noqa: S102
    assert (tmp_path / "svm_digits.jsonl").exists()
