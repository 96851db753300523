"""What the tutorials show reads well: no title, label or tick label of a figure covers another,
lies on a neighbouring panel or is cut off, and nothing printed is raw HTML (issue 25, item 2:
notebook 03's panels overlapped their neighbours' tick labels and its suptitle covered a panel
title; notebook 12 printed "<b>0.397887</b> … &mdash;").

nbval runs the notebooks in a kernel, where a figure is only a PNG; here a notebook's code cells
run in this process with Agg, each figure is checked when the notebook shows it, and what the
cells print is kept. A failing assert in a cell fails these tests as it fails nbval: notebook 03,
which shows no widget, is run by this file only (pyproject.toml keeps nbval from running it again).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import IPython.display  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from .figure_layout import layout_problems  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHECKED = ["03_inside_bayesian_optimization.ipynb", "12_the_lab_in_depth.ipynb"]
#: An HTML tag or entity: "<b>", "</i>", "<br>", "&mdash;", "&#9733;".
MARKUP = re.compile(r"</?[a-z][a-z0-9]*(\s[^<>]*)?/?>|&[a-z]+;|&#\d+;")


@dataclass
class NotebookRun:
    """What running a notebook showed: its figures' layout problems and its printed text."""

    figure_problems: list[str]
    printed: str


def _python(source: str) -> str:
    """A cell's source without its line magics (``%matplotlib widget``: Agg here)."""
    return "\n".join("" if line.lstrip().startswith("%") else line for line in source.splitlines())


@functools.cache
def run_notebook(name: str) -> NotebookRun:
    """Run the code cells of ``notebooks/name`` in order, at the budget ``make test`` uses."""
    problems: list[str] = []
    cell_of = {"cell": -1}

    def check_and_close(*_args, **_kwargs) -> None:
        for number in plt.get_fignums():
            problems.extend(f"cell {cell_of['cell']}: {problem}" for problem in layout_problems(plt.figure(number)))
        plt.close("all")

    namespace: dict = {"__name__": "__main__"}
    printed = io.StringIO()
    plt.close("all")  # figures an earlier test in this process left open are not the notebook's
    # rc_context: a notebook's use_projector_style() must not restyle the figures of the tests
    # that run after it in this process.
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed), matplotlib.rc_context():
        patch.setenv("IHPO_TRIALS", os.environ.get("IHPO_TRIALS", "12"))  # `make test`'s budget
        patch.chdir(NOTEBOOKS)  # where nbval runs them: data paths are relative to it
        patch.setattr(plt, "show", check_and_close)
        # Displayed objects are shown by the front end, not printed: without one, display() prints reprs.
        patch.setattr(IPython.display, "display", lambda *objects, **_kwargs: None)
        for index, cell in enumerate(nbformat.read(NOTEBOOKS / name, as_version=4).cells):
            if cell.cell_type == "code":
                cell_of["cell"] = index
                exec(compile(_python(cell.source), f"{name}, cell {index}", "exec"), namespace)  # noqa: S102
                check_and_close()
    return NotebookRun(problems, printed.getvalue())


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKED)
def test_figures_have_no_overlapping_or_clipped_text(name):
    assert run_notebook(name).figure_problems == []


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKED)
def test_nothing_printed_is_raw_html(name):
    printed = run_notebook(name).printed
    assert printed and [line for line in printed.splitlines() if MARKUP.search(line)] == []


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_stored_valid_and_without_outputs(path):
    """nbformat 4.5 wants a unique id on every cell (nbval warned of three missing in notebook
    04: nbformat.read adds them, so the file is read as JSON), and outputs are made by running a
    notebook, never stored with it."""
    cells = json.loads(path.read_text())["cells"]
    ids = [cell.get("id") for cell in cells]
    assert None not in ids and len(set(ids)) == len(ids)
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    nbformat.validate(nbformat.read(path, as_version=4))
