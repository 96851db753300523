"""Export a study's steps for slides: an animation (GIF, or MP4 with ffmpeg) or one
self-contained HTML page with a step slider.

Each frame is one step: for a model-based optimizer, the belief that proposed that trial
(rebuilt from the hyperparameters recorded with it, no refit) with the trials known then and
its proposal; for the others, the trials known then over two parameters and the best so far.
A study of several objectives shows, at each step, the Pareto front of the trials so far and
their hypervolume over trials, the newest trial ringed, every frame measured from one reference
point (:mod:`.export_pareto`).
The HTML page embeds every frame as a PNG and a few lines of JavaScript: it needs no server,
no Python and no internet to open.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import as_finite, check_path, check_real, fail
from ..exceptions import InvalidParameterError, MissingDependencyError
from ..study.core import Study, check_study
from ..trial import TrialState
from ._axes import integer_ticks
from .export_pareto import draw_front_step
from .pareto import pareto_info
from .search_axes import axis_positions
from .surrogate import plot_surrogate_1d, plot_surrogate_2d

__all__ = ["HTML_SUFFIXES", "export_html", "export_animation", "draw_step"]

#: The suffixes of the files :func:`export_html` writes (``Lab.export`` sends others to :func:`export_animation`).
HTML_SUFFIXES = (".html", ".htm")


def draw_step(study: Study, step: int, fig: Any, pair: Sequence[str] | None = None, reference: Any = None) -> str:
    """Draw step ``step`` of ``study`` into the (cleared) figure ``fig``; return its caption.

    ``pair`` names the two parameters of a 2-D view (default: the first two); for a study of
    several objectives, the two objectives on the front's axes (default: the first two), and
    ``reference`` is the reference point of the hypervolume (see :func:`export_html`).
    """
    names = _pair(study, pair, "draw_step")
    reference = _checked_reference(study, reference, "draw_step")
    if study.goals.multi:
        return _draw_front(study, step, fig, names, reference)
    fig.clf()
    space = study.space
    trials = study.trials  # one copy: each study.trials[i] copied the whole list (quadratic)
    trial = trials[step]
    known = study.finished_before(step)
    done = [trials[n] for n in known if trials[n].state is TrialState.COMPLETE]
    X = np.array([t.x for t in done]).reshape(-1, space.dim)
    values = np.array([t.value for t in done], dtype=float)
    try:
        view = study.surrogate(step=step)
    except InvalidParameterError:
        view = None  # a step no model proposed (initial design, model-free optimizers)
    if view is not None and space.dim == 1:
        grid = space.slice1d(names[0], resolution=200)
        ax, acquisition_ax = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        plot_surrogate_1d(grid.axis, view.predict(grid.points), observed_x=axis_positions(grid.axis, X[:, 0]),
                          observed_y=values, proposal=float(axis_positions(grid.axis, trial.x[:1])[0]), ax=ax,
                          acquisition_ax=acquisition_ax)
    elif view is not None and (anchor := _slice_anchor(study, done, values, trial.params, names)) is not False:
        surface = space.slice2d(*names, at=anchor, resolution=50)
        ix, iy = (space.names.index(n) for n in names)
        observed = np.column_stack([axis_positions(surface.x_axis, X[:, ix]), axis_positions(surface.y_axis, X[:, iy])])
        star = [float(axis_positions(surface.x_axis, trial.x[ix:ix + 1])[0]),
                float(axis_positions(surface.y_axis, trial.x[iy:iy + 1])[0])]
        plot_surrogate_2d(surface, view.predict(surface.points.reshape(-1, space.dim)), observed=observed,
                          proposal=star, axes=fig.subplots(1, 3, sharey=True))
    else:
        _draw_trials(fig, study, step, done, names)
    outcome = "running" if trial.value is None else f"value {trial.value:.6g}"
    return f"Step {step}: {trial.source} proposed trial {step} from {len(known)} finished trials ({outcome})."


def _pair(study: Study, pair: Any, owner: str) -> list[str]:
    """The two names a frame is drawn over, checked: two distinct parameters of the space (a 1-D
    space: its one parameter, and no ``pair``), or for several objectives two objective names."""
    multi = study.goals.multi
    names = list(study.goals.names) if multi else list(study.space.names)
    if pair is None:
        return names[:2]
    what = "objective" if multi else "parameter"
    if len(names) < 2:
        raise fail("pair", owner, f"None for a search space of one parameter ({names[0]!r})", pair)
    chosen = list(pair) if isinstance(pair, (list, tuple)) else []
    if len(chosen) != 2 or not all(isinstance(n, str) and n in names for n in chosen) or chosen[0] == chosen[1]:
        raise fail("pair", owner, f"two different {what} names from {names}", pair)
    return chosen


def _draw_front(study: Study, step: int, fig: Any, chosen: list[str], reference: Any) -> str:
    """The frame of a study of several objectives (:func:`.export_pareto.draw_front_step`) over
    the objectives ``chosen``."""
    goals = study.goals
    names, directions = list(goals.names), [d.value for d in goals.directions]
    values = np.column_stack([study.history(objective=j).values for j in range(goals.n)])
    feasible = np.array([t.feasible for t in study.trials], dtype=bool)
    point = _reference(reference, values, feasible, directions)
    info = draw_front_step(fig, values, feasible, directions, names, point, step,
                           pair=(names.index(chosen[0]), names.index(chosen[1])))
    trial = study.trials[step]
    outcome = trial.state.value.lower() if trial.values is None else \
        ", ".join(f"{name} {v:.4g}" for name, v in zip(names, trial.values, strict=True))
    return (f"Step {step}: {trial.source} proposed trial {step} ({outcome}); Pareto front of {int(info.front.sum())} "
            f"of {step + 1} trials, hypervolume {info.hypervolume[-1]:.4g}.")


def _reference(reference: np.ndarray | None, values: np.ndarray, feasible: np.ndarray,
               directions: list[str]) -> np.ndarray:
    """The one reference point of every frame, shape (m,): ``reference`` as given, else inferred
    once from all the study's feasible trials (``pareto_info``'s rule: the final front's worst
    value in each objective plus 10 % of its range), so no frame moves it."""
    return pareto_info(values, directions, feasible).reference if reference is None else reference


def _checked_reference(study: Study, reference: Any, owner: str) -> np.ndarray | None:
    """``reference`` as shape (m,): None, or for several objectives m finite numbers."""
    if reference is None:
        return None
    if not study.goals.multi:
        raise fail("reference", owner, "None for a study of one objective (it measures no hypervolume)", reference)
    names = list(study.goals.names)
    try:
        point = np.array(reference, dtype=float)
    except (TypeError, ValueError, OverflowError):  # refused below, with the rule
        point = np.empty(0)
    if point.shape != (len(names),) or not np.isfinite(point).all():
        raise fail("reference", owner, f"None or {len(names)} finite numbers in objective units, one per objective "
                                       f"{names}", reference)
    return point


def _slice_anchor(study: Study, done: list[Any], values: np.ndarray, proposed: Any, names: list[str]) -> Any:
    """Where the frame's heatmaps cut the space: through the best trial known, else (in a
    conditional space, where the pair may not exist there) through the proposal, else the
    centre; False when the pair is active at none of them (the frame then shows the trials)."""
    best = done[int(np.argmin(study.direction.to_loss(values)))].params if done else None
    for anchor in (best, proposed, None):
        if set(names) <= set(study.space.complete(anchor)):
            return anchor
    return False


def _draw_trials(fig: Any, study: Study, step: int, done: list[Any], names: list[str]) -> None:
    """The model-free frame: the trials known at ``step`` and the one proposed, then the best so far."""
    ax, best_ax = fig.subplots(1, 2)
    space = study.space
    for k, name in enumerate(names[:2]):
        (ax.set_xlabel if k == 0 else ax.set_ylabel)(name)
    columns = [space.names.index(n) for n in names[:2]]
    X = np.array([t.x for t in done]).reshape(-1, space.dim)
    ax.scatter(X[:, columns[0]], X[:, columns[-1]] if len(columns) > 1 else [t.value for t in done],
               color="black", s=16, label="known")
    new = study.trials[step].x
    ax.scatter([new[columns[0]]], [new[columns[-1]]] if len(columns) > 1 else [np.nan], marker="*", s=160,
               color="C3", label="proposed", clip_on=False)  # on a bound (Sobol's corners): whole, not half
    ax.legend(fontsize="small")
    best = study.history().best_values[:step]
    best_ax.plot(np.arange(len(best)), best, drawstyle="steps-post")
    best_ax.set(xlabel="trial", ylabel="best so far", xlim=(0, max(len(study.trials) - 1, 1)))
    integer_ticks(best_ax.xaxis)


def _frames(study: Study, steps: list[int], pair: list[str] | None, reference: Any,
            figsize: tuple[float, float]) -> Iterator[tuple[bytes, str]]:
    """PNG bytes and caption of each step."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, layout="constrained")
    try:
        for step in steps:
            caption = draw_step(study, step, fig, pair, reference)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=80)
            yield buffer.getvalue(), caption
    finally:
        plt.close(fig)


def _checked(study: Study, path: Any, suffixes: tuple[str, ...], steps: Any, pair: Any, figsize: Any,
             owner: str) -> tuple[Path, list[int], list[str] | None, tuple[float, float]]:
    """The arguments every export shares, checked before any frame is drawn: the file to write
    (a path ending in one of ``suffixes``), the steps, the pair (None: the default) and the
    frames' size in inches."""
    check_study(study, owner)
    out = check_path(path, "path", owner, example="steps" + suffixes[0])
    if out.suffix.lower() not in suffixes:
        raise fail("path", owner, f"a {' or '.join(suffixes)} file name", str(path))
    n = len(study.trials)
    chosen = list(range(n)) if steps is None else steps.tolist() if isinstance(steps, np.ndarray) else steps
    rule = f"a non-empty list of trial numbers (ints) in [0, {n})"
    if not isinstance(chosen, (list, tuple, range)) or not chosen or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and 0 <= s < n for s in chosen):
        raise fail("steps", owner, rule, steps, hint="Run the study first." if n == 0 else None)
    size = tuple(figsize) if isinstance(figsize, (list, tuple)) else ()
    if len(size) != 2 or not all(as_finite(v) is not None and v > 0 for v in size):
        raise fail("figsize", owner, "(width, height) in inches, two positive numbers", figsize)
    names = _pair(study, pair, owner)
    return out, [int(s) for s in chosen], None if pair is None else names, (float(size[0]), float(size[1]))


def _written_whole(out: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary)`` on a file beside ``out`` with its suffix, then rename it to
    ``out``: an export that fails midway leaves no part of a file, and whatever was at ``out``
    stays as it was."""
    temporary = out.with_name(f".{out.stem}.{uuid.uuid4().hex}{out.suffix}")
    try:
        write(temporary)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


def export_html(study: Study, path: str | os.PathLike[str], *, steps: Sequence[int] | None = None,
                pair: Sequence[str] | None = None, reference: Any = None, title: str = "interactive_hpo study",
                figsize: tuple[float, float] = (9.0, 3.6)) -> Path:
    """Write one self-contained HTML page with a slider over the study's steps; returns its path.

    Parameters
    ----------
    study : Study
    path : str or path
        The ``.html`` file to write.
    steps : sequence of int, optional
        Trial numbers to show (default: every trial).
    pair : two parameter names, optional
        The parameters of the 2-D views (default: the first two). Several objectives: two
        objective names, those on the front's axes (default: the first two).
    reference : array-like of shape (m,), optional
        Several objectives only: the reference point of the hypervolume, in objective units,
        the same for every step. Default: inferred once from all the study's feasible trials
        (the final front's worst value in each objective plus 10 % of its range).
        ``Lab.export`` passes the one its Pareto tab shows.
    title : str
    figsize : (float, float)
        Inches of each frame.

    An existing file at ``path`` is replaced only once the whole page is written: an export that
    fails leaves it as it was.
    """
    out, steps, pair, size = _checked(study, path, HTML_SUFFIXES, steps, pair, figsize, "export_html")
    reference = _checked_reference(study, reference, "export_html")
    if not isinstance(title, str):
        raise fail("title", "export_html", "a str", title)
    frames = list(_frames(study, steps, pair, reference, size))
    images = ",".join(f'"data:image/png;base64,{base64.b64encode(png).decode()}"' for png, _ in frames)
    # JSON is a JavaScript literal; "<" escaped so that no caption can close the <script>.
    captions = ",".join(json.dumps(caption).replace("<", "\\u003c") for _, caption in frames)
    page = _PAGE.format(title=html.escape(title), n=len(frames) - 1, images=images, captions=captions)
    return _written_whole(out, lambda file: file.write_text(page, encoding="utf-8"))


def export_animation(study: Study, path: str | os.PathLike[str], *, steps: Sequence[int] | None = None,
                     pair: Sequence[str] | None = None, reference: Any = None, fps: float = 2.0,
                     figsize: tuple[float, float] = (9.0, 3.6)) -> Path:
    """Write the steps as an animation: ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH)
    at ``fps`` frames a second; ``steps``, ``pair``, ``reference`` and ``figsize`` as in
    :func:`export_html`, and like it, an existing file is replaced only by a whole animation."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, PillowWriter

    owner = "export_animation"
    out, steps, pair, size = _checked(study, path, (".gif", ".mp4"), steps, pair, figsize, owner)
    reference = _checked_reference(study, reference, owner)
    fps = check_real(fps, "fps", owner, 0.0, 100.0, low_open=True)
    if out.suffix.lower() == ".mp4" and shutil.which("ffmpeg") is None:
        raise MissingDependencyError("export_animation to .mp4 needs the ffmpeg program on the PATH "
                                     "(apt install ffmpeg); or write a .gif, which needs nothing more.")
    writer = PillowWriter(fps=fps) if out.suffix.lower() == ".gif" else FFMpegWriter(fps=fps)

    def write(file: Path) -> None:
        fig = plt.figure(figsize=size, layout="constrained")
        try:
            with writer.saving(fig, str(file), dpi=80):
                for step in steps:
                    caption = draw_step(study, step, fig, pair, reference)
                    fig.suptitle(caption, fontsize="small")
                    writer.grab_frame()
        finally:
            plt.close(fig)

    return _written_whole(out, write)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:960px;margin:1em auto}} img{{width:100%}}
input{{width:100%}}</style></head>
<body><h2>{title}</h2>
<input type="range" id="step" min="0" max="{n}" value="0">
<p id="caption"></p><img id="frame" alt="step">
<script>
const images = [{images}];
const captions = [{captions}];
const slider = document.getElementById("step");
function show(i) {{
  document.getElementById("frame").src = images[i];
  document.getElementById("caption").textContent = captions[i];
}}
slider.addEventListener("input", () => show(+slider.value));
document.addEventListener("keydown", (e) => {{
  if (e.key === "ArrowRight") slider.value = Math.min(+slider.value + 1, {n});
  if (e.key === "ArrowLeft") slider.value = Math.max(+slider.value - 1, 0);
  show(+slider.value);
}});
show(0);
</script></body></html>
"""
