"""The Lab in a real browser: the time from a click until the figures are repainted (issue 25, item 1).

Run: ``.venv/bin/python benchmarks/bench_browser.py [--reps 10] [--functions branin,levy4]
[--run-trials 5] [--commit REV] [--out FILE.json]``. It prints a markdown table with the command,
the date and the machine; ``--out`` also writes every sample as JSON. A full run (10 repetitions,
both functions) takes several minutes on 2 cores.

What is measured
----------------
A throwaway JupyterLab server (``tests/browser/_jupyter.py``, the browser tests' harness, run with
this interpreter, so use the repo's ``.venv``) serves a notebook ``%matplotlib widget`` /
``lab = Lab(f, optimizer="bo", seed=0)`` / ``lab`` for f = ``Branin()`` (2-D) and ``Levy(dim=4)``.
Debian's chromium (headless, 1280 x 1600, driven by Python playwright through
``executable_path``; ``playwright install`` is never needed) opens it with the Lab, runs all
cells, and clicks Step ``--warmup`` times (default 10: BO's initial design is 8 points, and the
two model-based Steps after it take the one-off imports and compilations out of the timings).
Then, ``--reps`` times each, in this order (each interaction starts from a settled page):

1. **Step**: click ``button.ihpo-step``.
2. **Slider** (4-D only; on Branin both parameters are on the axes and the anchor sliders are
   hidden): a visible slice-anchor slider of the model panel, moved by keyboard: focus its
   ``.noUi-handle`` and press PageUp / PageDown alternately (noUiSlider moves by 5 steps; a
   one-step move would be taken for a browser echo of the kernel's own value by the panel's
   echo guard and redraw nothing). A mouse drag is not timed: the keyboard sends one value, as
   a drag released once does.
3. **Time-travel scrub**: the ``.ihpo-timeline-step`` slider (continuous_update=False) moved
   by one step with ArrowLeft / ArrowRight alternately, between two past steps (one untimed
   ArrowLeft first leaves "live"; "live" is ticked again afterwards). The steps are Steps of
   BO (a manual trial's step has no model to show; the notes name the steps).
4. **Tab switch**: an untimed Step, then click the Lumino tab "History" (timed), then "Model"
   (timed): two rows. The Step first gives the History tab something new to draw.
5. **Heatmap click**: a press and release on the ipympl canvas inside the first heatmap (the
   mean), at a different point each time; the Lab evaluates it as a manual trial. The axes'
   position is asked from the kernel once (``fig.axes[0].get_position()``), before timing, and
   the pointer hovers there (untimed) before the press.
6. **Run N**: ``.ihpo-n-trials`` set to ``--run-trials`` (untimed), then click ``button.ihpo-run``.

Heatmap clicks and Run come last because they add manual trials and the most trials; the notes
give the number of trials (n) each row ran at.

Clicks and key presses are real (trusted) input from playwright; a capture-phase listener on
``window`` takes t0 as the ``timeStamp`` of the first ``pointerdown`` / ``mousedown`` /
``keydown`` after the page is armed (the same clock as ``performance.now()``), so t0 is exact
and the input's own dispatch is included, playwright's round trips are not.

How "repainted" is seen
-----------------------
ipympl decodes each image the kernel sends onto an offscreen canvas, then copies it onto the
figure's first canvas in ``.jupyter-matplotlib-canvas-div`` with ``drawImage``. An init script
wraps ``CanvasRenderingContext2D.prototype.drawImage`` and records, for every call on such an
on-screen canvas, ``performance.now()``, the canvas, the panel (closest ``.ihpo-surrogate`` =
"model", ``.ihpo-history``, ``.ihpo-timeline``, ``.ihpo-population``, ``.ihpo-fidelity``, else
"other") and whether the canvas was visible (``checkVisibility()``: a hidden tab's is not). After
the input, the page is settled once the kernel is idle and neither a kernel message (either
way) nor a paint happened for ``--quiet-ms`` (400 ms; Step, heatmap click and Run also wait for the
trial count first; timeout ``--timeout`` 15 s, more for Run). Per interaction:

- *model repainted*: the last paint of the model panel's canvas after t0, minus t0 (THE number);
- *all figures*: the last paint of any figure after t0, minus t0 (the page is still then);
- *repaints*: paints of the model's canvas; of all canvases;
- notes: whether the model painted first, whether the hidden History tab's figures painted, and
  (Step) when the status line's ``Trials: N`` changed (a MutationObserver);
- Run N: the intervals between successive model repaints from t0 ("each trial") and the whole run.

The time is that of the ``drawImage`` call; the pixels reach the screen at the next frame
(at most 16 ms later). Everything runs on the same machine: the kernel (threads pinned to one,
inherited from this process), the server and chromium share its cores.

Targets (issue 25, on the idle 2-core machine): Step to model repainted at most 0.3 s median on
Branin and 0.4 s on a 4-D function, optimizer included; a slider drag or a time-travel scrub to
model repainted at most 0.2 s median; one repaint per interaction; hidden tabs render nothing
until shown; the model repaints first.

The kernel imports ``interactive_hpo`` as installed (this working tree, whatever its uncommitted
state); ``--commit REV`` measures a commit instead (``git archive`` into a temporary folder put on
the kernel's ``PYTHONPATH``; the repository is only read). The header says which was imported.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede any numpy import (the kernel inherits it)
import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, like the other benchmarks
from tests.browser._jupyter import JupyterLabServer, write_notebook  # noqa: E402
from tests.browser.page_scripts import (  # noqa: E402
    CHROMIUM_ARGS,
    FIND_PANEL_JS,
    KERNEL_IDLE_JS,
    MODEL_ERRORS_JS,
    RUN_ALL_JS,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

VIEWPORT = {"width": 1280, "height": 1600}  # as the browser tests: the Model tab fits without scrolling

FUNCTIONS = {"branin": ("Branin", "Branin()", "Branin (2-D)"), "levy4": ("Levy", "Levy(dim=4)", "Levy (4-D)")}

LAB = ".ihpo-lab"
STATUS = f"{LAB} .ihpo-status"
STEP_BUTTON = f"{LAB} button.ihpo-step"
RUN_BUTTON = f"{LAB} button.ihpo-run"
STOP_BUTTON = f"{LAB} button.ihpo-stop"
N_TRIALS = f"{LAB} .ihpo-n-trials input"
TABS = f"{LAB} .lm-TabBar-tab"
SURROGATE = f"{LAB} .ihpo-surrogate"
FIGURE = ".jupyter-matplotlib-canvas-div"
TIMELINE_HANDLE = f"{LAB} .ihpo-timeline-step .noUi-handle"
LIVE_BOX = f"{LAB} .ihpo-timeline .widget-checkbox input"
ERROR = f"{LAB} .ihpo-error"
TRIALS = re.compile(r"Trials:\s*(\d+)")
#: Panel name -> CSS class of its outermost widget; a canvas belongs to the first that contains it.
PANELS = {"model": "ihpo-surrogate", "history": "ihpo-history", "timeline": "ihpo-timeline",
          "population": "ihpo-population", "fidelity": "ihpo-fidelity"}

# --------------------------------------------------------------------------------------------
# Page-side JavaScript
# --------------------------------------------------------------------------------------------
# Installed before JupyterLab loads: records every figure paint and the first input after arming.
_INIT_JS = """
(() => {
    const panels = %s;
    window.ihpoPaints = [];
    window.ihpoArmed = false;
    window.ihpoInput = null;
    let nextId = 0;
    const original = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
        const result = original.apply(this, args);
        const canvas = this.canvas;
        // ipympl's offscreen canvases are not in the document: only the figures' on-screen copy counts.
        if (canvas && canvas.isConnected && canvas.closest('%s')) {
            if (!canvas.dataset.ihpoId) canvas.dataset.ihpoId = String(nextId++);
            const panel = Object.keys(panels).find(name => canvas.closest('.' + panels[name])) || 'other';
            window.ihpoPaints.push({t: performance.now(), id: canvas.dataset.ihpoId, panel,
                                    visible: canvas.checkVisibility()});
        }
        return result;
    };
    for (const type of ['pointerdown', 'mousedown', 'keydown'])
        window.addEventListener(type, (event) => {
            if (window.ihpoArmed && window.ihpoInput === null)
                window.ihpoInput = {t: event.timeStamp || performance.now(), type};
        }, true);
})();
""" % (json.dumps(PANELS), FIGURE)  # noqa: UP031 - the JS is full of braces


# Kernel traffic (for "settled"), kernel errors (callbacks' tracebacks go to no cell) and the
# status line's changes; after the notebook has run, when the status element exists.
_LISTEN_JS = """(status) => {
    const kernel = window.ihpoPanel.sessionContext.session.kernel;
    window.ihpoLastMessage = performance.now();
    window.ihpoKernelErrors = [];
    kernel.anyMessage.connect(() => { window.ihpoLastMessage = performance.now(); });
    kernel.iopubMessage.connect((_, msg) => {
        if (msg.header.msg_type === 'error')
            window.ihpoKernelErrors.push(msg.content.ename + ': ' + msg.content.evalue);
    });
    window.ihpoStatus = [];
    const element = document.querySelector(status);
    new MutationObserver(() => window.ihpoStatus.push({t: performance.now(), text: element.innerText}))
        .observe(element, {subtree: true, childList: true, characterData: true});
}"""

_ARM_JS = """() => {
    window.ihpoFrom = {paints: window.ihpoPaints.length, status: window.ihpoStatus.length};
    window.ihpoInput = null;
    window.ihpoArmed = true;
}"""

_QUIET_JS = """(quietMs) => {
    const kernel = window.ihpoPanel.sessionContext.session.kernel;
    const paints = window.ihpoPaints;
    const last = Math.max(window.ihpoLastMessage, paints.length ? paints[paints.length - 1].t : 0,
                          window.ihpoInput ? window.ihpoInput.t : 0);
    return kernel.status === 'idle' && performance.now() - last >= quietMs;
}"""

# Done when the status line shows at least `target` trials and no run is in progress.
_TRIALS_REACHED_JS = """([status, stop, target]) => {
    const m = /Trials:\\s*(\\d+)/.exec(document.querySelector(status)?.innerText ?? '');
    const button = document.querySelector(stop);
    return m !== null && Number(m[1]) >= target && (!button || button.disabled);
}"""

_COLLECT_JS = """() => {
    window.ihpoArmed = false;
    const input = window.ihpoInput;
    if (!input) return null;
    const t0 = input.t;
    return {
        input: input.type,
        paints: window.ihpoPaints.slice(window.ihpoFrom.paints).filter(p => p.t >= t0)
            .map(p => [(p.t - t0) / 1000, p.id, p.panel, p.visible]),
        status: window.ihpoStatus.slice(window.ihpoFrom.status).filter(s => s.t >= t0)
            .map(s => [(s.t - t0) / 1000, s.text]),
    };
}"""

# Runs `code` in the notebook's kernel (untimed set-up only) and returns what it printed.
_KERNEL_EXEC_JS = """async (code) => {
    const kernel = window.ihpoPanel.sessionContext.session.kernel;
    const future = kernel.requestExecute({code, silent: false, store_history: false});
    let text = '';
    future.onIOPub = (msg) => {
        if (msg.header.msg_type === 'stream') text += msg.content.text;
        if (msg.header.msg_type === 'error') text += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
    };
    await future.done;
    return text;
}"""

# Index among the model panel's sliders of the first one shown (an anchor not on the axes) and its label.
_VISIBLE_ANCHOR_JS = """(surrogate) => {
    const sliders = Array.from(document.querySelectorAll(surrogate + ' .widget-slider'));
    const index = sliders.findIndex(s => s.checkVisibility() && s.querySelector('.noUi-handle'));
    return index < 0 ? null : [index, (sliders[index].querySelector('.widget-label')?.innerText ?? '').trim()];
}"""

_AXES_CODE = """import json as _json
_box = lab.surrogate_panel.figure.fig.axes[0].get_position()
print("IHPO-AXES=" + _json.dumps([_box.x0, _box.y0, _box.x1, _box.y1]))"""
_SOURCES_CODE = """_t = lab.study.trials
print(" and ".join(f"{_k} ({_t[_k].source})" for _k in %s))"""
_SOURCE_CODE = 'import interactive_hpo as _ihpo; print("IHPO-SOURCE=" + _ihpo.__file__)'


# --------------------------------------------------------------------------------------------
# Samples and rows
# --------------------------------------------------------------------------------------------
@dataclass
class Sample:
    """What one interaction did, in seconds after its input (t0).

    Attributes
    ----------
    paints : list of (seconds, canvas id, panel, visible)
    status : list of (seconds, status text)
    trials : int
        Trials shown before the input.
    failed : str
        Why the interaction did not settle ("" when it did).
    """

    paints: list[tuple[float, str, str, bool]] = field(default_factory=list)
    status: list[tuple[float, str]] = field(default_factory=list)
    trials: int = 0
    failed: str = ""

    def times(self, panel: str | None = None) -> list[float]:
        """Paint times of ``panel`` (None: every panel), sorted."""
        return sorted(t for t, _, p, _ in self.paints if panel is None or p == panel)

    def last(self, panel: str | None = None) -> float | None:
        times = self.times(panel)
        return times[-1] if times else None

    def count(self, panel: str | None = None) -> int:
        return len(self.times(panel))

    def model_first(self) -> bool | None:
        """Whether the first paint was the model's (None: nothing painted)."""
        first = min(self.paints, default=None)
        return None if first is None else first[2] == "model"

    def hidden_history(self) -> bool:
        return any(p == "history" and not visible for _, _, p, visible in self.paints)

    def count_shown_at(self) -> float | None:
        """When the status line first showed another trial count."""
        for t, text in self.status:
            match = TRIALS.search(text)
            if match and int(match.group(1)) != self.trials:
                return t
        return None


@dataclass
class Row:
    """One line of the table: an interaction on a function, over its repetitions."""

    interaction: str
    function: str
    model: list[float | None]
    everything: list[float | None]
    model_paints: list[int]
    all_paints: list[int]
    notes: list[str]
    samples: list[Sample] = field(default_factory=list)


def _spread(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "–"
    return f"{statistics.median(known):.3f} / {max(known):.3f}"


def _counts(values: list[int]) -> str:
    if not values:
        return "–"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def _share(flags: list[bool | None], label: str) -> str:
    """``label k/n`` over the samples where the flag is known."""
    known = [f for f in flags if f is not None]
    return f"{label} {sum(known)}/{len(known)}"


def summarize(interaction: str, function: str, samples: list[Sample], extra: list[str] | None = None,
              *, model_expected: bool = True, history_hidden: bool = True) -> Row:
    """The row of ``samples`` (one per repetition): medians and maxima, counts and notes.

    ``model_expected``: the interaction should repaint the model (else no notes about it);
    ``history_hidden``: the History tab is hidden during it (note whether it painted anyway).
    """
    done = [s for s in samples if not s.failed]
    notes = list(extra or [])
    model = [s.last("model") for s in done]
    if model_expected:
        if any(m is None for m in model):
            notes.append(f"model not repainted in {sum(m is None for m in model)}/{len(model)}")
        notes.append(_share([s.model_first() for s in done], "model first"))
    if history_hidden:
        notes.append(_share([s.hidden_history() for s in done], "hidden History painted"))
    if done:
        low, high = min(s.trials for s in done), max(s.trials for s in done)
        notes.append(f"n = {low} trials" if low == high else f"n = {low}–{high} trials")
    if len(done) < len(samples):
        reasons = sorted({s.failed for s in samples if s.failed})
        notes.append(f"{len(samples) - len(done)} of {len(samples)} failed ({'; '.join(reasons)})")
    return Row(interaction, function, model, [s.last() for s in done], [s.count("model") for s in done],
               [s.count() for s in done], notes, samples)


def summarize_run(function: str, n_trials: int, samples: list[Sample]) -> list[Row]:
    """Two rows for Run N: each trial (intervals between model repaints, pooled) and the whole run."""
    done = [s for s in samples if not s.failed]
    intervals: list[float | None] = []
    for sample in done:
        times = sample.times("model")
        intervals += [b - a for a, b in zip([0.0, *times[:-1]], times, strict=True)]
    each = Row(f"Run {n_trials}: each trial (between model repaints)", function, intervals, [], [], [],
               [f"{len(intervals)} model repaints in {len(done)} runs of {n_trials} trials"])
    whole = summarize(f"Run {n_trials}: whole run", function, samples)
    return [each, whole]


# --------------------------------------------------------------------------------------------
# Driving the page
# --------------------------------------------------------------------------------------------
def trials_shown(page: Page) -> int:
    match = TRIALS.search(page.locator(STATUS).first.inner_text())
    if match is None:
        raise RuntimeError(f"the status line does not say 'Trials: N': {page.locator(STATUS).first.inner_text()!r}")
    return int(match.group(1))


def wait_quiet(page: Page, quiet_ms: int, timeout_s: float) -> None:
    """Wait until the kernel is idle and nothing (message or paint) happened for ``quiet_ms``."""
    page.wait_for_function(_QUIET_JS, arg=quiet_ms, timeout=timeout_s * 1000, polling=50)


def measure(page: Page, act: Callable[[], None], *, quiet_ms: int, timeout_s: float,
            target_trials: int | None = None) -> Sample:
    """Arm the recorders, ``act()`` (one real input), wait until settled, and collect.

    ``target_trials``: also wait until the status line shows that many trials and no run is in
    progress (a background Run leaves the kernel idle between its trials).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = trials_shown(page)
    page.evaluate(_ARM_JS)
    failed = ""
    started = time.monotonic()
    try:
        act()
        if target_trials is not None:
            page.wait_for_function(_TRIALS_REACHED_JS, arg=[STATUS, STOP_BUTTON, target_trials],
                                   timeout=timeout_s * 1000, polling=50)
        wait_quiet(page, quiet_ms, max(1.0, timeout_s - (time.monotonic() - started)))
    except PlaywrightTimeout:
        failed = f"not settled within {timeout_s:.0f} s"
    data = page.evaluate(_COLLECT_JS)
    if data is None:
        return Sample(trials=before, failed=failed or "the input was not seen")
    if failed:  # let the kernel finish before the next repetition
        try:
            wait_quiet(page, quiet_ms, 60.0)
        except PlaywrightTimeout:
            pass
    return Sample([tuple(p) for p in data["paints"]], [tuple(s) for s in data["status"]], before, failed)


def kernel_output(page: Page, code: str) -> str:
    return str(page.evaluate(_KERNEL_EXEC_JS, code))


def open_notebook(page: Page, server: JupyterLabServer, notebook: str) -> None:
    """Open ``notebook`` in JupyterLab, run all cells, and start the listeners (as the browser tests)."""
    workspace = f"ihpo-bench-{uuid.uuid4().hex[:8]}"  # a fresh workspace: no notebook of another run
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{notebook}?reset"))
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    page.wait_for_function(FIND_PANEL_JS, arg=notebook, timeout=60_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)
    ok = page.evaluate(RUN_ALL_JS)
    errors = page.evaluate(MODEL_ERRORS_JS)
    if not ok or errors:
        raise RuntimeError(f"running {notebook} failed (run-all returned {ok}): {errors}")
    page.locator(STEP_BUTTON).first.wait_for(state="visible", timeout=60_000)
    page.evaluate(_LISTEN_JS, STATUS)


def shown_errors(page: Page) -> list[str]:
    """Errors the Lab shows, the kernel published, or the page threw."""
    found = [t.strip() for t in page.locator(ERROR).all_inner_texts() if t.strip()]
    found += page.evaluate("() => window.ihpoKernelErrors || []")
    found += getattr(page, "ihpo_errors", [])
    return found


# --------------------------------------------------------------------------------------------
# The interactions
# --------------------------------------------------------------------------------------------
@dataclass
class Bench:
    """One function's page and the options shared by its interactions."""

    page: Page
    function: str
    reps: int
    quiet_ms: int
    timeout_s: float
    log: Callable[[str], None]

    def measure(self, act: Callable[[], None], *, timeout_s: float | None = None, trials: int | None = None) -> Sample:
        return measure(self.page, act, quiet_ms=self.quiet_ms, timeout_s=timeout_s or self.timeout_s,
                       target_trials=trials)

    def step(self, timeout_s: float | None = None) -> Sample:
        target = trials_shown(self.page) + 1
        return self.measure(lambda: self.page.locator(STEP_BUTTON).first.click(), timeout_s=timeout_s, trials=target)

    def warm_up(self, steps: int) -> None:
        for i in range(steps):
            sample = self.step(timeout_s=120.0)  # the first fit imports the model's libraries
            if sample.failed:
                raise RuntimeError(f"warm-up Step {i + 1} failed: {sample.failed}")
        self.log(f"  warm-up: {steps} Steps, {trials_shown(self.page)} trials")

    def steps(self) -> list[Row]:
        samples = [self.step() for _ in range(self.reps)]
        shown = [s.count_shown_at() for s in samples if not s.failed]
        known = [t for t in shown if t is not None]
        extra = [f"trial count shown after {statistics.median(known):.3f} s"] if known else []
        return [summarize("Step", self.function, samples, extra)]

    def heatmap_clicks(self) -> list[Row]:
        output = kernel_output(self.page, _AXES_CODE)
        match = re.search(r"IHPO-AXES=(\[.*\])", output)
        if match is None:
            return [self._skipped("Click on the mean heatmap", f"axes not found ({output.strip()[:80]})")]
        x0, y0, x1, y1 = json.loads(match.group(1))
        canvas = self.page.locator(f"{SURROGATE} {FIGURE} canvas").first
        samples = []
        for k in range(self.reps):
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
            if box is None:
                return [self._skipped("Click on the mean heatmap", "the model's canvas is not shown")]
            # Spread over the middle of the axes (golden-ratio steps): each click a new configuration.
            fx, fy = 0.2 + 0.6 * ((0.5 + 0.618034 * k) % 1), 0.2 + 0.6 * ((0.25 + 0.381966 * k) % 1)
            x = box["x"] + (x0 + fx * (x1 - x0)) * box["width"]
            y = box["y"] + (1 - (y0 + fy * (y1 - y0))) * box["height"]  # figure fractions count from the bottom
            # Hover first and let the pointer's enter and motion messages be handled: only the press is timed.
            self.page.mouse.move(x, y)
            wait_quiet(self.page, self.quiet_ms, 30.0)
            samples.append(self.measure(self._press, trials=trials_shown(self.page) + 1))
            self.page.mouse.move(0, 0)  # leave the figure (its toolbar fades in on hover)
            wait_quiet(self.page, self.quiet_ms, 30.0)
        return [summarize("Click on the mean heatmap", self.function, samples)]

    def _press(self) -> None:
        self.page.mouse.down()
        self.page.mouse.up()

    def anchor_slider(self) -> list[Row]:
        found = self.page.evaluate(_VISIBLE_ANCHOR_JS, SURROGATE)
        if found is None:
            return [self._skipped("Slice-anchor slider (PageUp/PageDown)",
                                  "no anchor slider shown (every parameter is on the axes)")]
        index, name = found
        handle = self.page.locator(f"{SURROGATE} .widget-slider").nth(index).locator(".noUi-handle")
        samples = [self._key(handle, "PageUp" if k % 2 == 0 else "PageDown") for k in range(self.reps)]
        return [summarize("Slice-anchor slider (PageUp/PageDown)", self.function, samples, [f"slider {name}"])]

    def _key(self, handle: Any, key: str) -> Sample:
        handle.focus()
        return self.measure(lambda: self.page.keyboard.press(key))

    def scrub(self) -> list[Row]:
        handle = self.page.locator(TIMELINE_HANDLE).first
        if handle.count() == 0:
            return [self._skipped("Time-travel scrub (one step)", "no .ihpo-timeline-step slider")]
        last = trials_shown(self.page) - 1  # the slider's end is the present, one past the last trial
        leave_live = self._key(handle, "ArrowLeft")  # untimed: leaves "live" for the step before the present
        if leave_live.failed:
            return [self._skipped("Time-travel scrub (one step)", f"leaving live failed: {leave_live.failed}")]
        samples = [self._key(handle, "ArrowLeft" if k % 2 == 0 else "ArrowRight") for k in range(self.reps)]
        # A step no model proposed (a manual trial) shows a note instead of the model: say which were shown.
        sources = kernel_output(self.page, _SOURCES_CODE % [last - 1, last]).strip()
        live = self.page.locator(LIVE_BOX).first
        if live.count() and not live.is_checked():
            self.measure(lambda: live.click())  # back to the present for what follows
        return [summarize("Time-travel scrub (one step)", self.function, samples, [f"between steps {sources}"])]

    def tabs(self) -> list[Row]:
        history = self.page.locator(TABS, has_text=re.compile(r"^\s*History\s*$")).first
        model = self.page.locator(TABS, has_text=re.compile(r"^\s*Model\s*$")).first
        shown, back = [], []
        for _ in range(self.reps):
            # An untimed Step first: the History tab then has news to show (a Lab that renders
            # hidden tabs only when shown pays for them here).
            self.step()
            shown.append(self.measure(lambda: history.click()))
            back.append(self.measure(lambda: model.click()))
        painted = sum(s.count("history") > 0 for s in shown if not s.failed)
        repainted = sum(s.count() > 0 for s in back if not s.failed)
        return [summarize("Tab: Model → History (after a Step)", self.function, shown,
                          [f"History figures painted on show {painted}/{len(shown)}"], model_expected=False,
                          history_hidden=False),
                summarize("Tab: History → Model", self.function, back,
                          [f"anything repainted on return {repainted}/{len(back)}"], model_expected=False)]

    def runs(self, n_trials: int) -> list[Row]:
        box = self.page.locator(N_TRIALS).first
        box.fill(str(n_trials))
        box.press("Tab")  # commits the value to the kernel
        wait_quiet(self.page, self.quiet_ms, 30.0)
        samples = []
        for _ in range(self.reps):
            target = trials_shown(self.page) + n_trials
            samples.append(self.measure(lambda: self.page.locator(RUN_BUTTON).first.click(),
                                        timeout_s=self.timeout_s + 10.0 * n_trials, trials=target))
        return summarize_run(self.function, n_trials, samples)

    def _skipped(self, interaction: str, why: str) -> Row:
        self.log(f"  {interaction}: not measured ({why})")
        return Row(interaction, self.function, [], [], [], [], [f"not measured: {why}"])


def bench_function(browser: Any, server: JupyterLabServer, root: Path, key: str,
                   args: argparse.Namespace, log: Callable[[str], None]) -> tuple[list[Row], dict[str, Any]]:
    """Every interaction on one function, in a fresh page and kernel; the rows and facts about the run."""
    module, expression, label = FUNCTIONS[key]
    notebook = f"bench_{key}.ipynb"
    write_notebook(root / notebook, ["%matplotlib widget", f"from interactive_hpo.objectives import {module}",
                                     "from interactive_hpo.ui import Lab",
                                     f'lab = Lab({expression}, optimizer="bo", seed=0)', "lab"])
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    context.add_init_script(_INIT_JS)
    page = context.new_page()
    page.ihpo_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.ihpo_errors.append(str(error)))  # type: ignore[attr-defined]
    started = time.monotonic()
    try:
        open_notebook(page, server, notebook)
        source = re.search(r"IHPO-SOURCE=(.*)", kernel_output(page, _SOURCE_CODE))
        wait_quiet(page, args.quiet_ms, 60.0)
        bench = Bench(page, label, args.reps, args.quiet_ms, args.timeout, log)
        bench.warm_up(args.warmup)
        rows: list[Row] = []
        # Heatmap clicks add manual trials, which time travel cannot show a model for, and Run adds
        # the most trials: both come last.
        for name, run in (("Step", bench.steps), ("slider", bench.anchor_slider), ("scrub", bench.scrub),
                          ("tabs", bench.tabs), ("heatmap click", bench.heatmap_clicks),
                          ("Run", lambda: bench.runs(args.run_trials))):
            rows += run()
            log(f"  {name}: done ({time.monotonic() - started:.0f} s)")
        facts = {"seconds": round(time.monotonic() - started, 1), "imported_from": source.group(1) if source else None,
                 "errors": shown_errors(page), "final_trials": trials_shown(page)}
        return rows, facts
    finally:
        context.close()
        _shutdown_kernels(server)  # free the cores for the next function


def _shutdown_kernels(server: JupyterLabServer) -> None:
    try:
        kernels: Any = server.api("api/kernels")
        for kernel in kernels:
            server.api(f"api/kernels/{kernel['id']}", method="DELETE")
    except Exception as error:  # noqa: BLE001 - best effort; stop() kills the server's group anyway
        print(f"warning: could not shut the kernels down: {error!r}", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    return done.stdout


def code_facts(commit: str | None) -> str:
    """Which code the kernel runs: a commit, or the working tree and its uncommitted files."""
    if commit:
        return f"commit {_git('rev-parse', '--short', commit).strip()} (`--commit {commit}`)"
    # Porcelain lines are "XY path": the status letters may start with a space, so no strip().
    dirty = [line[3:] for line in _git("status", "--porcelain", "--", "interactive_hpo").splitlines()]
    state = f", uncommitted changes in {', '.join(dirty)}" if dirty else ", clean"
    return f"working tree at {_git('rev-parse', '--short', 'HEAD').strip()}{state}"


def machine_facts(chromium: str) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    versions = {}
    for package in ("jupyterlab", "ipywidgets", "ipympl", "matplotlib", "playwright"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "?"
    return {"cores": os.cpu_count(), "cpu": cpu, "chromium": chromium, "python": platform.python_version(),
            "versions": versions, "load_average_start": round(os.getloadavg()[0], 2)}


def markdown(rows: list[Row], meta: dict[str, Any]) -> str:
    machine = meta["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    lines = [
        f"Command: `{meta['command']}` ({meta['date']}, {meta['seconds']:.0f} s)",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), load average {machine['load_average_start']} at the "
        f"start ({meta['load_average_end']} at the end, this run's kernel, server and browser included); "
        f"Chromium {machine['chromium']} headless "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; Python {machine['python']}, {versions}; "
        "kernel threads pinned to 1.",
        f"Code: {meta['code']}; the kernel imported {', '.join(sorted(set(meta['imported_from'])))}.",
        f"Each row: {meta['reps']} repetitions after {meta['warmup']} warm-up Steps; times from the input event "
        "to the last `drawImage` on the figure's canvas.",
        "",
        "| interaction | function | model repainted median / max (s) | all figures median / max (s) "
        "| repaints per interaction (model; all) | notes |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        repaints = "–" if not row.all_paints else f"{_counts(row.model_paints)}; {_counts(row.all_paints)}"
        lines.append(f"| {row.interaction} | {row.function} | {_spread(row.model)} | {_spread(row.everything)} "
                     f"| {repaints} | {'; '.join(row.notes)} |")
    lines += ["", "Targets (issue 25): Step to model repainted at most 0.3 s median on Branin and 0.4 s on a 4-D "
              "function; slider or scrub at most 0.2 s median; one repaint per interaction; hidden tabs render "
              "nothing until shown; the model repaints first."]
    if meta["errors"]:
        lines += ["", "Errors seen: " + "; ".join(meta["errors"])]
    return "\n".join(lines)


def _row_json(row: Row) -> dict[str, Any]:
    return {"interaction": row.interaction, "function": row.function, "model_s": row.model,
            "all_s": row.everything, "model_paints": row.model_paints, "all_paints": row.all_paints,
            "notes": row.notes, "samples": [asdict(s) for s in row.samples]}


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
@contextmanager
def kernel_source(commit: str | None) -> Iterator[None]:
    """With ``commit``: export its ``interactive_hpo`` and put it first on the kernel's path."""
    if not commit:
        yield
        return
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "interactive_hpo"],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory(prefix="ihpo-bench-src-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        previous = os.environ.get("PYTHONPATH")
        # PYTHONPATH comes before the editable install's finder, which sys.meta_path consults last.
        os.environ["PYTHONPATH"] = os.pathsep.join([folder, *([previous] if previous else [])])
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = previous


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10, help="repetitions of each interaction (default 10)")
    parser.add_argument("--functions", default=",".join(FUNCTIONS), help=f"comma-separated, of {list(FUNCTIONS)}")
    parser.add_argument("--warmup", type=int, default=10, help="Steps before timing (default 10)")
    parser.add_argument("--run-trials", type=int, default=5, help="N of the Run N interaction (default 5)")
    parser.add_argument("--quiet-ms", type=int, default=400, help="settled: no paint or kernel message this long")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds for one interaction to settle")
    parser.add_argument("--commit", help="measure this commit's interactive_hpo instead of the working tree")
    parser.add_argument("--out", type=Path, help="also write every sample as JSON here")
    args = parser.parse_args()
    unknown = set(args.functions.split(",")) - set(FUNCTIONS)
    if unknown:
        parser.error(f"unknown functions {sorted(unknown)}; known: {list(FUNCTIONS)}")
    return args


def main() -> None:
    args = parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium not found on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    executable = os.path.relpath(sys.executable) if sys.executable.startswith(str(ROOT)) else sys.executable
    meta: dict[str, Any] = {"command": shlex.join([executable, *sys.argv]), "date": datetime.date.today().isoformat(),
                            "reps": args.reps, "warmup": args.warmup, "code": code_facts(args.commit),
                            "imported_from": [], "errors": [], "functions": {}}
    started = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ihpo-bench-lab-") as folder, kernel_source(args.commit):
        server = JupyterLabServer(Path(folder))
        try:
            server.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    meta["machine"] = machine_facts(browser.version)
                    for key in args.functions.split(","):
                        log(f"{key}:")
                        function_rows, facts = bench_function(browser, server, Path(folder), key, args, log)
                        rows += function_rows
                        meta["functions"][key] = facts
                        meta["imported_from"].append(str(facts["imported_from"]))
                        meta["errors"] += [f"{key}: {e}" for e in facts["errors"]]
                finally:
                    browser.close()
        finally:
            server.cleanup()  # the process group and the kernels, whatever happened
    meta["seconds"] = time.monotonic() - started
    meta["load_average_end"] = round(os.getloadavg()[0], 2)
    table = markdown(rows, meta)
    print(table)
    if args.out:
        args.out.write_text(json.dumps({"meta": meta, "rows": [_row_json(r) for r in rows], "markdown": table},
                                       indent=1))


if __name__ == "__main__":
    main()
