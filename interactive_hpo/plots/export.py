"""Export a study's steps for slides: an animation (GIF, or MP4 with ffmpeg) or one
self-contained HTML page with a step slider.

Each frame is one step, drawn by :mod:`.export_frames`: the belief that proposed that trial,
or the trials known then, or for several objectives the Pareto front so far and its
hypervolume, every frame measured from one reference point.
The HTML page embeds every frame as a PNG and a few lines of JavaScript: it needs no server,
no Python and no internet to open.
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_path, check_real, fail
from ..exceptions import MissingDependencyError
from ..study.core import Study, check_study
from ._checks import check_figsize
from .export_frames import StepFrames, draw_step
from .layout import CachedConstrainedLayout, drawn_png

__all__ = ["HTML_SUFFIXES", "export_html", "export_animation", "draw_step"]

#: The suffixes of the files :func:`export_html` writes (``Lab.export`` sends others to :func:`export_animation`).
HTML_SUFFIXES = (".html", ".htm")

#: Pixels per inch of the frames: a 9 x 3.6 inch frame is 720 x 288 pixels.
FRAME_DPI = 80


def _checked(study: Study, path: Any, suffixes: tuple[str, ...], steps: Any, pair: Any, reference: Any,
             figsize: Any, owner: str) -> tuple[Path, list[int], StepFrames]:
    """The arguments every export shares, checked before any frame is drawn: the file to write
    (a path ending in one of ``suffixes``), the steps, and the frames (:class:`.StepFrames`, over
    ``pair`` and ``reference``) in a new figure of ``figsize`` inches."""
    check_study(study, owner)
    out = check_path(path, "path", owner, example="steps" + suffixes[0], new_folder=False)
    if out.suffix.lower() not in suffixes:
        raise fail("path", owner, f"a {' or '.join(suffixes)} file name", str(path))
    n = len(study.trials)
    chosen = list(range(n)) if steps is None else steps.tolist() if isinstance(steps, np.ndarray) else steps
    rule = f"a non-empty list of trial numbers (ints) in [0, {n})"
    if not isinstance(chosen, (list, tuple, range)) or not chosen or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and 0 <= s < n for s in chosen):
        raise fail("steps", owner, rule, steps, hint="Run the study first." if n == 0 else None)
    size = check_figsize(figsize, owner, FRAME_DPI)
    return out, [int(s) for s in chosen], StepFrames(study, _frame_figure(size), pair, reference, owner)


def _frame_figure(size: tuple[float, float]) -> Any:
    """A figure of ``size`` inches at :data:`FRAME_DPI` on an Agg canvas, laid out again only
    when its margins change; pyplot never holds it (nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=FRAME_DPI)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    return fig


def _written_whole(out: Path, write: Callable[[Path], object]) -> Path:
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
        the same for every step. Default: inferred once from all the study's feasible trials at
        the full budget (the final front's worst value in each objective plus 10 % of its range;
        a multi-fidelity study's lower-budget trials are drawn hollow and never counted).
        ``Lab.export`` passes the one its Pareto tab shows.
    title : str
    figsize : (float, float)
        Inches of each frame, each side in [1, 50] (``plots._checks.FIGSIZE_INCHES``: at 80 dots
        per inch, 80 to 4,000 pixels).

    An existing file at ``path`` is replaced only once the whole page is written: an export that
    fails leaves it as it was.
    """
    out, steps, frames = _checked(study, path, HTML_SUFFIXES, steps, pair, reference, figsize, "export_html")
    if not isinstance(title, str):
        raise fail("title", "export_html", "a str", title)
    captions, pictures = [], []
    for step in steps:
        captions.append(frames.draw(step))
        pictures.append(drawn_png(frames.fig))
    images = ",".join(f'"data:image/png;base64,{base64.b64encode(png).decode()}"' for png in pictures)
    # JSON is a JavaScript literal; "<" escaped so that no caption can close the <script>.
    texts = ",".join(json.dumps(caption).replace("<", "\\u003c") for caption in captions)
    page = _PAGE.format(title=html.escape(title), n=len(steps) - 1, images=images, captions=texts)
    return _written_whole(out, lambda file: file.write_text(page, encoding="utf-8"))


def export_animation(study: Study, path: str | os.PathLike[str], *, steps: Sequence[int] | None = None,
                     pair: Sequence[str] | None = None, reference: Any = None, fps: float = 2.0,
                     figsize: tuple[float, float] = (9.0, 3.6)) -> Path:
    """Write the steps as an animation: ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH)
    at ``fps`` frames a second; ``steps``, ``pair``, ``reference`` and ``figsize`` as in
    :func:`export_html`, and like it, an existing file is replaced only by a whole animation."""
    from matplotlib.animation import FFMpegWriter, PillowWriter

    owner = "export_animation"
    out, steps, frames = _checked(study, path, (".gif", ".mp4"), steps, pair, reference, figsize, owner)
    fps = check_real(fps, "fps", owner, 0.0, 100.0, low_open=True)
    if out.suffix.lower() == ".mp4" and shutil.which("ffmpeg") is None:
        raise MissingDependencyError("export_animation to .mp4 needs the ffmpeg program on the PATH "
                                     "(apt install ffmpeg); or write a .gif, which needs nothing more.")
    # matplotlib's stubs say int; both writers take a float (Pillow's frame duration is 1000 / fps ms,
    # ffmpeg's -r is str(fps)).
    writer = PillowWriter(fps=fps) if out.suffix.lower() == ".gif" else FFMpegWriter(fps=fps)  # type: ignore[arg-type]

    def write(file: Path) -> None:
        with writer.saving(frames.fig, str(file), dpi=FRAME_DPI):
            for step in steps:
                frames.fig.suptitle(frames.draw(step), fontsize="small")
                writer.grab_frame()

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
