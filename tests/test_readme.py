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


def test_every_file_it_names_exists():
    """Each notebook and benchmark script the README points to is there."""
    root = README.parent
    named = set(re.findall(r"\b((?:notebooks|benchmarks)/[\w./-]+\.(?:ipynb|py|md))", README.read_text()))
    assert named and not [path for path in sorted(named) if not (root / path).exists()]


def test_it_names_every_registered_optimizer_and_every_extra():
    """The Optimizers list and the extras of Set-up keep up with the registry and pyproject.toml."""
    import tomllib

    from interactive_hpo import available_optimizers

    text = README.read_text()
    optimizers = text[text.index("- **Optimizers** (`available_optimizers()`)"):]
    optimizers = optimizers[:optimizers.index("All are steppable")]
    assert [name for name in available_optimizers() if f'`"{name}"`' not in optimizers] == []
    extras = tomllib.loads((README.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    setup = text[text.index("the extras are"):text.index("## Quickstart")]
    assert [name for name in extras if f"`{name}`" not in setup] == []


def test_the_population_snapshot_is_drawn_by_a_call_that_runs():
    """``plots.plot_population`` was named as drawing "a snapshot", but called that way it raised
    a TypeError (it needs the axes and dims): the call is in a block test_quickstart_runs runs."""
    assert any("plots.plot_population(snap, " in block for block in python_blocks())
