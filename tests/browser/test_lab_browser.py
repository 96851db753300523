"""Smoke test of the Lab in a real JupyterLab and a real Chromium (DESIGN.md section 6).

Runs the notebook the way JupyterLab's own Galata does (wait for the app and the kernel, then
``notebook:run-all-cells`` through ``window.jupyterapp.commands``), clicks Step, waits for the
trial count to change and the figure canvas to repaint, and checks that no error is shown.

DOM selectors (ipympl 0.10 / jupyter-matplotlib 0.12 frontend, ipywidgets 8): a figure is
``div.jupyter-matplotlib > div.jupyter-matplotlib-figure > div.jupyter-matplotlib-canvas-container
> div.jupyter-matplotlib-canvas-div``, which holds two stacked ``canvas`` elements (z-index 0:
the image the kernel sends; z-index 1: the rubber band for zooming). We screenshot the whole
``canvas-div`` (what a person sees). ``widget.add_class("x")`` puts class ``x`` on the widget's
outer element: ``button.ihpo-step``, ``div.widget-html.ihpo-status > div.widget-html-content``.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from ._jupyter import write_notebook
from .page_scripts import FIND_PANEL_JS, KERNEL_IDLE_JS, MODEL_ERRORS_JS, RUN_ALL_JS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

# --------------------------------------------------------------------------------------------
# THE NOTEBOOK UNDER TEST. Both versions build the same DOM; they differ in one line: where
# `Lab` comes from. `ihpo_standin` is tests/browser/standin_lab.py copied next to the notebook.
# --------------------------------------------------------------------------------------------
STAND_IN_IMPORT = "from ihpo_standin import Lab"
REAL_LAB_IMPORT = "from interactive_hpo.ui import Lab"


def lab_cells(lab_import: str) -> list[str]:
    return [
        "%matplotlib widget",
        "from interactive_hpo.objectives import Branin",
        lab_import,
        'lab = Lab(Branin(), optimizer="bo", seed=0)',
        "lab",
    ]


# Appended by the harness: proves the kernel runs this interpreter (the .venv), not another.
KERNEL_PROBE = 'import sys; print("IHPO-KERNEL-PYTHON=" + sys.executable)'

LAB = ".ihpo-lab"
STEP_BUTTON = f"{LAB} button.ihpo-step"
STATUS = f"{LAB} .ihpo-status"
ERROR = f"{LAB} .ihpo-error"
FIGURE_CANVAS = f"{LAB} .jupyter-matplotlib-canvas-div"  # wraps the ipympl canvas pair
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
TRIALS = re.compile(r"Trials:\s*(\d+)")



# Every error the kernel publishes, including exceptions in widget callbacks that ipywidgets
# reports with showtraceback(): JupyterLab sends those to a log console nobody opens.
_LISTEN_IOPUB_ERRORS_JS = """() => {
    const kernel = window.ihpoPanel.sessionContext.session.kernel;
    window.ihpoKernelErrors = [];
    kernel.iopubMessage.connect((_, msg) => {
        if (msg.header.msg_type === 'error')
            // The traceback says which callback failed (colour codes removed).
            window.ihpoKernelErrors.push((msg.content.traceback || []).join('\\n').replace(/\\u001b\\[[0-9;]*m/g, '')
                                         || msg.content.ename + ': ' + msg.content.evalue);
    });
}"""

# A silent no-op execution: once its reply is back, the kernel has published whatever the
# earlier requests (the Step click's comm message) produced, errors included.
_KERNEL_ROUND_TRIP_JS = """async () => {
    const kernel = window.ihpoPanel.sessionContext.session.kernel;
    await kernel.requestExecute({code: '', silent: true, store_history: false}).done;
}"""


_MODEL_STDOUT_JS = """() => {
    const panel = window.ihpoPanel;
    let text = '';
    for (const cell of panel.content.model.cells)
        if (cell.type === 'code')
            for (const out of cell.outputs.toJSON())
                if (out.output_type === 'stream' && out.name === 'stdout') text += out.text;
    return text;
}"""


def _skip_unless_real_lab_exists() -> None:
    # Checked inside the test (not at collection) so collecting never imports the app, and
    # before the browser fixtures start. Only a missing name/module skips; any other error in
    # importing the app is a real failure.
    try:
        from interactive_hpo.ui import Lab  # noqa: F401
    except ImportError as error:
        pytest.skip(f"interactive_hpo.ui.Lab is not importable yet ({error})")


# ---------------------------------------------------------------------------------- helpers


def _open_and_run(page: Any, server: Any, notebook: str) -> None:
    # A fresh workspace per page (and ?reset): the server's "default" workspace would remember
    # the notebooks of earlier tests, reopen them, and one of them could take the focus.
    workspace = f"ihpo-{Path(notebook).stem}-{uuid.uuid4().hex[:8]}"
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{notebook}?reset"))
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    page.wait_for_function(FIND_PANEL_JS, arg=notebook, timeout=60_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)
    page.evaluate(_LISTEN_IOPUB_ERRORS_JS)
    # Running through the command registry (not the menu) avoids losing the click in a race with
    # the kernel connection; the promise settles once every cell has executed. The command acts
    # on the current notebook, so make ours current first.
    ok = page.evaluate(RUN_ALL_JS)
    errors = page.evaluate(MODEL_ERRORS_JS)
    assert ok and not errors, f"running the notebook failed (run-all returned {ok}): {errors}"


def _open_real_lab(request: pytest.FixtureRequest, name: str, cells: list[str]) -> Any:
    """Skip without the real Lab; else write ``cells`` as ``name.ipynb``, open and run it: the page."""
    _skip_unless_real_lab_exists()
    page, jupyter_server, lab_root = (request.getfixturevalue(f) for f in ("page", "jupyter_server", "lab_root"))
    write_notebook(lab_root / f"{name}.ipynb", cells)
    _open_and_run(page, jupyter_server, f"{name}.ipynb")
    return page


def _trials(page: Any) -> int:
    text = page.locator(STATUS).first.inner_text()
    match = TRIALS.search(text)
    assert match, f"status {text!r} does not contain 'Trials: N'"
    return int(match.group(1))


def _click_step(page: Any) -> int:
    """Click Step and wait until the trial count goes up by one; returns the new count."""
    before = _trials(page)
    page.locator(STEP_BUTTON).first.click()
    # Keep the pointer off the figures: hovering fades ipympl's toolbar in over the canvas.
    page.mouse.move(0, 0)
    page.wait_for_function(
        """([selector, before]) => {
            const m = /Trials:\\s*(\\d+)/.exec(document.querySelector(selector)?.innerText ?? '');
            return m !== null && Number(m[1]) !== before;
        }""",
        arg=[STATUS, before],
        timeout=60_000,  # the real Lab's first model fit imports torch and botorch
    )
    after = _trials(page)
    assert after == before + 1, f"one Step took the trial count from {before} to {after}"
    return after


def _canvas_shots(page: Any) -> list[bytes]:
    """Screenshots of every figure on screen (figures in hidden tabs are left out)."""
    canvases = page.locator(FIGURE_CANVAS)
    shown = [canvases.nth(i) for i in range(canvases.count()) if canvases.nth(i).is_visible()]
    return [canvas.screenshot(animations="disabled") for canvas in shown]


def _is_blank(png: bytes) -> bool:
    from PIL import Image  # a matplotlib dependency

    extrema = Image.open(io.BytesIO(png)).convert("RGB").getextrema()
    return all(low == high for low, high in extrema)


def _wait_for_stable_canvases(page: Any, timeout: float = 30.0, settle: int = 3) -> list[bytes]:
    """Screenshots once every figure shows something and has not changed for ``settle`` polls.

    ipympl draws asynchronously after the widget appears (and may redraw once on resize), so a
    "before" picture taken too early would make any later first draw look like a repaint.
    """
    deadline = time.monotonic() + timeout
    previous, same = None, 0
    while time.monotonic() < deadline:
        shots = _canvas_shots(page)
        if shots and not any(_is_blank(s) for s in shots):
            same = same + 1 if shots == previous else 1
            if same >= settle:
                return shots
        previous = shots
        time.sleep(0.2)
    raise AssertionError(f"the figure canvas never finished its first draw within {timeout} s")


def _assert_no_error_shown(page: Any) -> None:
    page.evaluate(_KERNEL_ROUND_TRIP_JS)
    tracebacks = [t for t in page.locator(STDERR_OUTPUT).all_inner_texts() if "Traceback" in t]
    assert not tracebacks, f"a traceback is shown in the notebook:\n{tracebacks[0]}"
    assert not page.evaluate(MODEL_ERRORS_JS), page.evaluate(MODEL_ERRORS_JS)
    kernel_errors = page.evaluate("() => window.ihpoKernelErrors")
    assert not kernel_errors, f"the kernel reported errors (e.g. in a widget callback): {kernel_errors}"
    shown = [t.strip() for t in page.locator(ERROR).all_inner_texts() if t.strip()]
    assert not shown, f"the app shows an error:\n{shown[0]}"
    broken = page.locator(".jp-OutputArea-output", has_text="Error displaying widget")
    assert broken.count() == 0, broken.first.inner_text()
    assert not page.ihpo_errors, f"uncaught JavaScript errors: {page.ihpo_errors}"


# ------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize(
    ("lab_import", "warmup_steps"),
    [
        pytest.param(STAND_IN_IMPORT, 0, id="stand-in"),
        # The real Lab draws its model once two trials are complete (before, the surrogate
        # panel shows a note over empty axes): step twice, then check that a Step repaints it.
        pytest.param(REAL_LAB_IMPORT, 2, id="lab"),
    ],
)
def test_step_updates_count_and_repaints_figure(request: pytest.FixtureRequest, lab_import: str, warmup_steps: int):
    if lab_import == REAL_LAB_IMPORT:
        _skip_unless_real_lab_exists()
    page, jupyter_server, lab_root = (request.getfixturevalue(f) for f in ("page", "jupyter_server", "lab_root"))
    name = "standin" if lab_import == STAND_IN_IMPORT else "lab"
    shutil.copyfile(Path(__file__).with_name("standin_lab.py"), lab_root / "ihpo_standin.py")
    write_notebook(lab_root / f"{name}.ipynb", [*lab_cells(lab_import), KERNEL_PROBE])

    _open_and_run(page, jupyter_server, f"{name}.ipynb")
    assert f"IHPO-KERNEL-PYTHON={sys.executable}" in page.evaluate(_MODEL_STDOUT_JS), (
        "the notebook kernel is not this interpreter: " + page.evaluate(_MODEL_STDOUT_JS)
    )
    page.locator(STEP_BUTTON).first.wait_for(state="visible")
    _assert_no_error_shown(page)
    for _ in range(warmup_steps):
        _click_step(page)
    page.locator(FIGURE_CANVAS).first.wait_for(state="visible")  # the Lab shows its model after two trials
    # Waits for the kernel to finish the warm-up steps (their fits and draws), so that a late
    # repaint from them cannot pass for the one under test.
    _assert_no_error_shown(page)

    shots_before = _wait_for_stable_canvases(page)
    _click_step(page)
    deadline = time.monotonic() + 15.0
    while _canvas_shots(page) == shots_before:
        assert time.monotonic() < deadline, "the figure did not repaint after Step"
        time.sleep(0.2)
    _assert_no_error_shown(page)


def test_run_is_stopped_between_trials_by_a_click(request: pytest.FixtureRequest):
    """Run N yields to the kernel between trials, so a Stop click is handled mid-run."""
    cells = ["%matplotlib widget", "from interactive_hpo.objectives import Branin", REAL_LAB_IMPORT,
             'lab = Lab(Branin(), optimizer="random", seed=0)', "lab"]
    page = _open_real_lab(request, "run_stop", cells)
    page.locator(f"{LAB} .ihpo-n-trials input").fill("5000")
    page.locator(f"{LAB} .ihpo-n-trials input").press("Tab")  # commits the value to the kernel
    page.locator(f"{LAB} button.ihpo-run").first.click()
    page.wait_for_function(
        """(selector) => Number((/Trials:\\s*(\\d+)/.exec(document.querySelector(selector)?.innerText ?? '')
                                || [0, 0])[1]) >= 3""", arg=STATUS, timeout=60_000)
    page.locator(f"{LAB} button.ihpo-stop").first.click()
    page.wait_for_function("(s) => document.querySelector(s).disabled", arg=f"{LAB} button.ihpo-stop",
                           timeout=30_000)
    stopped_at = _trials(page)
    time.sleep(1.5)
    assert _trials(page) == stopped_at < 5000, "the run went on after Stop"
    _assert_no_error_shown(page)


def test_promote_button_of_the_multi_fidelity_panel_overrides_the_scheduler(request: pytest.FixtureRequest):
    """One of the Lab's part-two panels in a real browser: pick a job the scheduler stopped,
    click Promote, see your decision beside the scheduler's, and Step runs it next."""
    cells = ["%matplotlib widget",
             "from interactive_hpo.objectives import Branin, MultiFidelity",
             REAL_LAB_IMPORT,
             'lab = Lab(MultiFidelity(Branin()), optimizer="halving", seed=0,\n'
             '          optimizer_settings={"min_budget": 1 / 9})\n'
             "lab.run(9)\n"
             "worst = max(lab.study.trials, key=lambda t: t.value)\n"
             "lab.fidelity_panel.job.value = worst.number",
             "lab"]
    page = _open_real_lab(request, "fidelity", cells)
    panel = f"{LAB} .ihpo-fidelity"
    page.locator(f"{panel} button.ihpo-override-promote").first.click()
    # The job list and the rung table are separate widgets, updated by separate messages: wait
    # until both show your decision (reading the table once could catch it a message early).
    page.wait_for_function(
        """([select, table]) => {
            const options = Array.from(document.querySelector(select)?.options ?? []);
            const rows = (document.querySelector(table)?.innerText ?? '').replace(/\\s+/g, ' ');
            return options.some(o => o.text.replace(/\\s/g, ' ').includes('you: promote'))  // ipywidgets writes &nbsp;
                && /stop promote/.test(rows);                                    // the scheduler's, then yours
        }""",
        arg=[f"{panel} .ihpo-job select", f"{panel} table.ihpo-rung-table"], timeout=30_000)
    assert _click_step(page) == 10
    _assert_no_error_shown(page)


#: For an element: how far its right edge passes that of the nearest ancestor that clips it
#: (overflow-x not visible), in px (0: not cut), and that ancestor's class.
CUT_ON_THE_RIGHT_JS = """(element) => {
    const right = element.getBoundingClientRect().right;
    for (let e = element.parentElement; e; e = e.parentElement) {
        if (getComputedStyle(e).overflowX !== 'visible') {
            return [Math.max(0, right - e.getBoundingClientRect().right), e.className];
        }
    }
    return [0, ''];
}"""


def test_the_model_is_on_a_projectors_first_screen(request: pytest.FixtureRequest):
    """At 1280 x 800 in JupyterLab's default layout (the file browser open), with the Lab
    scrolled to its top, the model's heatmaps are wholly in view, three maps of about 230 px
    (issue 25, item 2): not cut by the tab, which scrolls what is wider (the figure was 810 px in
    a 797 px tab, its colour bar behind a scrollbar; audit a315). At 1000 px the Lab's buttons
    keep their labels, on two lines ("S…" and "…" for Step and Stop)."""
    cells = ["%matplotlib widget", "from interactive_hpo.objectives import Levy", REAL_LAB_IMPORT,
             'lab = Lab(Levy(dim=4), seed=0, optimizer_settings={"n_initial": 3})\nlab.run(4)', "lab"]
    page = _open_real_lab(request, "projector", cells)
    page.set_viewport_size({"width": 1280, "height": 800})
    model = page.locator(f"{LAB} .ihpo-surrogate {FIGURE_CANVAS.split()[-1]}").first
    model.wait_for(state="visible")
    _wait_for_stable_canvases(page)
    page.locator(LAB).first.evaluate("(lab) => lab.scrollIntoView({block: 'start'})")
    box = model.bounding_box()
    assert box is not None and box["width"] >= 750, f"the model is {box} px: its maps are under 225 px wide"
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800, (
        f"the model canvas {box} is not wholly within the first 1280 x 800 screen")
    cut, clipper = model.evaluate(CUT_ON_THE_RIGHT_JS)
    assert cut == 0, f"the model's right {cut} px are hidden behind the scrollbar of {clipper!r}"
    page.set_viewport_size({"width": 1000, "height": 800})
    page.wait_for_function("(s) => document.querySelector(s).getBoundingClientRect().right <= 1000",
                           arg=f"{LAB} button.ihpo-step", timeout=30_000)
    cut_labels = page.evaluate("""(s) => Array.from(document.querySelectorAll(s))
        .filter(b => b.checkVisibility() && b.scrollWidth > b.clientWidth + 1).map(b => b.innerText)""",
        f"{LAB} button.jupyter-button, {LAB} .widget-checkbox")
    assert not cut_labels, f"cut short at 1000 px: {cut_labels}"
    _assert_no_error_shown(page)


# Where an error from a button low in an app appears: in the area at the app's top it was off
# screen (y=-253 in a 1024x768 window) and pushed the clicked button down 84 to 112 px (browser
# audit a470). Now it shows right under the button's group (ErrorLog.spot) and the button stays.
# In this module, not one of its own: a module starts its own JupyterLab (about 12 s).
RACE = ".ihpo-race"


def test_the_race_forms_refusal_shows_under_evaluate_and_evaluate_stays(request: pytest.FixtureRequest):
    cells = ["%matplotlib widget",
             "from interactive_hpo import Float, Race, SearchSpace\nfrom interactive_hpo.ui import RaceApp\n"
             "app = RaceApp(Race(lambda p: p['x0'] ** 2, ['random'], n_trials=2, seed=0, you=True,\n"
             "                   space=SearchSpace([Float('x0', -2.0, 2.0)])))",
             "app"]
    page = _open_real_lab(request, "race_error", cells)
    evaluate = page.locator(f"{RACE} button.ihpo-evaluate")
    field = page.locator(f"{RACE} .ihpo-manual input").first
    field.fill("99")
    field.press("Tab")
    page.wait_for_timeout(300)  # the typed value reaches the kernel before the click
    before = evaluate.bounding_box()
    evaluate.click()
    shown = page.locator(f"{RACE} .ihpo-error", has_text="InvalidParameterError")
    shown.wait_for(state="visible", timeout=30_000)
    after, error = evaluate.bounding_box(), shown.bounding_box()
    assert "[-2.0, 2.0]" in shown.inner_text()
    assert after["y"] == pytest.approx(before["y"], abs=1), "the clicked button moved"
    # Right under Evaluate (not a screen away at the app's top), and on screen.
    assert 0 <= error["y"] - (after["y"] + after["height"]) < 60 and error["y"] + error["height"] > 0
