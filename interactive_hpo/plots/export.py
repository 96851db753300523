"""Export a study's steps for slides: an animation (GIF, or MP4 with ffmpeg) or one
self-contained HTML page with a step slider.

Each frame is one step, drawn by :mod:`.export_frames`: the belief that proposed that trial,
or the trials known then, or for several objectives the Pareto front so far and its
hypervolume, every frame measured from one reference point.
The HTML page embeds every frame as a PNG and a few lines of JavaScript: it needs no server,
no Python and no internet to open.

Every export marks its file as ours (:data:`GENERATOR`), and replaces a file already at its path
only if that file is empty or is marked so, an export of ours written before (a notebook run again
exports again), or if ``overwrite=True``: any other file is a person's, refused and left as it
is (:func:`check_replaceable`).
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._paths import check_path, check_writable, replace_file, write_failure
from .._validation import check_bool, check_real, fail
from ..exceptions import MissingDependencyError, StorageError
from ..study.core import Study, check_study
from ._checks import check_figsize
from .export_frames import StepFrames, draw_step
from .layout import CachedConstrainedLayout, drawn_png

__all__ = ["GENERATOR", "HTML_SUFFIXES", "check_replaceable", "export_html", "export_animation", "draw_step"]

#: The suffixes of the files :func:`export_html` writes (``Lab.export`` sends others to :func:`export_animation`).
HTML_SUFFIXES = (".html", ".htm")

#: Pixels per inch of the frames: a 9 x 3.6 inch frame is 720 x 288 pixels.
FRAME_DPI = 80

#: The mark of an export, which the next export finds to know the file is its own to replace: the
#: HTML page's ``<meta name="generator">``, a GIF's comment block, an MP4's ``comment`` metadata.
GENERATOR = "interactive_hpo export"

#: What each kind of file holds when an export wrote it: the whole meta tag in a page (a person's
#: page may well mention the words), the words alone in a GIF's or MP4's binary metadata.
_HTML_MARK = f'<meta name="generator" content="{GENERATOR}">'
_MARKS = {".html": _HTML_MARK.encode(), ".htm": _HTML_MARK.encode(), ".gif": GENERATOR.encode(),
          ".mp4": GENERATOR.encode()}

#: What every page exported before pages carried :data:`GENERATOR` (2026-12-07) holds, so that a
#: notebook exporting to a fixed path runs again after the update: its slider, caption and frame.
_LEGACY_PAGE = (b'<input type="range" id="step" min="0" max="', b'<p id="caption"></p><img id="frame" alt="step">',
                b"const images = [")

#: How every page an export writes begins, before its mark (:data:`_PAGE`).
_PAGE_START = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'

#: Bytes read at each end of an existing file for its mark: a page's and a GIF's are in its head, an
#: MP4's in the metadata ffmpeg writes at the end of the file.
_MARK_WINDOW = 1 << 16


def check_replaceable(out: Path, overwrite: Any, owner: str) -> bool:
    """``overwrite`` (a bool) once the file an export of ``owner`` is to write at ``out`` (a path
    ending in one of the exports' suffixes, checked first) may be replaced: there is none, or it
    is empty, or an export wrote it (it holds its suffix's mark, :data:`GENERATOR`), or
    ``overwrite`` is True. Any other file is a person's: refused, as ``Study.save`` refuses one,
    and left as it is."""
    overwrite = check_bool(overwrite, "overwrite", owner)
    if overwrite or not out.exists() or _exported(out):
        return overwrite
    raise fail("path", owner, "a new or empty file, or one an export of interactive_hpo wrote (replaced when "
               "exported again)", str(out), hint="The file there carries no mark of an export of "
               "interactive_hpo, so it is never overwritten: name another file, or pass overwrite=True to replace it.")


def _exported(out: Path) -> bool:
    """Whether the file at ``out`` is empty or holds the mark an export writes into a file of its
    suffix, within :data:`_MARK_WINDOW` bytes of either end; a file that cannot be read is not
    known to be ours."""
    mark = _MARKS[out.suffix.lower()]
    try:
        with open(out, "rb") as file:
            head = file.read(_MARK_WINDOW)
            file.seek(max(file.seek(0, os.SEEK_END) - _MARK_WINDOW, 0))
            tail = file.read()
    except OSError:
        return False
    if out.suffix.lower() in HTML_SUFFIXES:
        # A page of ours starts as _PAGE does, its mark right there: a person's page holding an
        # export (nbconvert's HTML of a notebook that displayed one) has the mark further in.
        return not head or head.startswith(_PAGE_START + mark) or (
            head.startswith(_PAGE_START) and all(part in head for part in _LEGACY_PAGE))
    return not head or mark in head or mark in tail


def _checked(study: Study, path: Any, suffixes: tuple[str, ...], steps: Any, pair: Any, reference: Any,
             figsize: Any, overwrite: Any, owner: str) -> tuple[Path, list[int], StepFrames, bool]:
    """The arguments every export shares, checked before any frame is drawn: the file to write
    (a path ending in one of ``suffixes``, replaceable by :func:`check_replaceable`, in a folder
    that takes a new file: else a StorageError), the steps,
    the frames (:class:`.StepFrames`, over ``pair`` and ``reference``) in a new figure of
    ``figsize`` inches, and ``overwrite`` as a bool."""
    check_study(study, owner)
    out = check_path(path, "path", owner, example="steps" + suffixes[0], new_folder=False)
    if out.suffix.lower() not in suffixes:
        raise fail("path", owner, f"a {' or '.join(suffixes)} file name", str(path))
    overwrite = check_replaceable(out, overwrite, owner)
    n = len(study.trials)
    chosen = list(range(n)) if steps is None else steps.tolist() if isinstance(steps, np.ndarray) else steps
    rule = f"a non-empty list of trial numbers (ints) in [0, {n})"
    if not isinstance(chosen, (list, tuple, range)) or not chosen or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and 0 <= s < n for s in chosen):
        raise fail("steps", owner, rule, steps, hint="Run the study first." if n == 0 else None)
    size = check_figsize(figsize, owner, FRAME_DPI)
    frames = StepFrames(study, _frame_figure(size), pair, reference, owner)
    check_writable(out, owner)  # a read-only folder found now, not once every frame is drawn
    return out, [int(s) for s in chosen], frames, overwrite


def _frame_figure(size: tuple[float, float]) -> Any:
    """A figure of ``size`` inches at :data:`FRAME_DPI` on an Agg canvas, laid out again only
    when its margins change; pyplot never holds it (nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=FRAME_DPI)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    return fig


def _written_whole(out: Path, write: Callable[[Path], object], overwrite: bool, owner: str) -> Path:
    """Call ``write(temporary)`` on a file beside ``out`` and rename it to ``out``
    (:func:`~interactive_hpo._paths.replace_file`: through a symlink, keeping the permissions of
    the file there): an export that fails midway leaves no part of a file, and whatever was at
    ``out`` stays as it was; so does a file of someone's put there while the frames were drawn
    (:func:`check_replaceable` asked again). A failed write (a full disk, a file that may not be
    replaced) is a StorageError naming ``out`` and ``owner``."""
    try:
        replace_file(out, write, lambda: check_replaceable(out, overwrite, owner))
    except OSError as error:  # the bare OSError named the hidden temporary, or no file at all
        raise StorageError(f"{out}: {owner} could not write it ({write_failure(error)}). Nothing was left behind, "
                           "and a file that was there is as it was.") from error
    return out


def export_html(study: Study, path: str | os.PathLike[str], *, steps: Sequence[int] | None = None,
                pair: Sequence[str] | None = None, reference: Any = None, title: str = "interactive_hpo study",
                figsize: tuple[float, float] = (9.0, 3.6), overwrite: bool = False) -> Path:
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
    overwrite : bool
        Replace a file at ``path`` that no export wrote. By default only an empty file or an
        export's own (its page holds ``<meta name="generator" content="interactive_hpo export">``)
        is replaced, so exporting again to the same path works; any other file is refused and left
        as it is.

    A file at ``path`` is replaced only once the whole page is written, keeping its permissions
    (a symlink's target is replaced, the link kept): an export that fails leaves it as it was. A
    folder that takes no new file is refused before any frame is drawn, and a write that fails
    (a full disk) is a StorageError naming ``path``.
    """
    out, steps, frames, overwrite = _checked(study, path, HTML_SUFFIXES, steps, pair, reference, figsize, overwrite,
                                             "export_html")
    if not isinstance(title, str):
        raise fail("title", "export_html", "a str", title)
    captions, pictures = [], []
    for step in steps:
        captions.append(frames.draw(step))
        pictures.append(drawn_png(frames.fig))
    images = ",".join(f'"data:image/png;base64,{base64.b64encode(png).decode()}"' for png in pictures)
    # JSON is a JavaScript literal; "<" escaped so that no caption can close the <script>.
    texts = ",".join(json.dumps(caption).replace("<", "\\u003c") for caption in captions)
    page = _PAGE.format(mark=_HTML_MARK, title=html.escape(title), n=len(steps) - 1, images=images, captions=texts)
    return _written_whole(out, lambda file: file.write_text(page, encoding="utf-8"), overwrite, "export_html")


def export_animation(study: Study, path: str | os.PathLike[str], *, steps: Sequence[int] | None = None,
                     pair: Sequence[str] | None = None, reference: Any = None, fps: float = 2.0,
                     figsize: tuple[float, float] = (9.0, 3.6), overwrite: bool = False) -> Path:
    """Write the steps as an animation: ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH)
    at ``fps`` frames a second; ``steps``, ``pair``, ``reference``, ``figsize`` and ``overwrite``
    as in :func:`export_html`, and like it, a file at ``path`` is replaced only by a whole
    animation. The animation is marked as an export by a GIF comment block or the MP4's
    ``comment`` metadata reading :data:`GENERATOR`."""
    from matplotlib.animation import FFMpegWriter, PillowWriter

    owner = "export_animation"
    out, steps, frames, overwrite = _checked(study, path, (".gif", ".mp4"), steps, pair, reference, figsize,
                                             overwrite, owner)
    fps = check_real(fps, "fps", owner, 0.0, 100.0, low_open=True)
    if out.suffix.lower() == ".mp4" and shutil.which("ffmpeg") is None:
        raise MissingDependencyError("export_animation to .mp4 needs the ffmpeg program on the PATH "
                                     "(apt install ffmpeg); or write a .gif, which needs nothing more.")
    # matplotlib's stubs say int; both writers take a float (Pillow's frame duration is 1000 / fps ms,
    # ffmpeg's -r is str(fps)).
    gif = out.suffix.lower() == ".gif"
    writer = PillowWriter(fps=fps) if gif else FFMpegWriter(fps=fps, metadata={"comment": GENERATOR})  # type: ignore[arg-type]

    def write(file: Path) -> None:
        with writer.saving(frames.fig, str(file), dpi=FRAME_DPI):
            for step in steps:
                frames.fig.suptitle(frames.draw(step), fontsize="small")
                writer.grab_frame()
        if gif:
            _mark_gif(file)

    return _written_whole(out, write, overwrite, owner)


def _mark_gif(file: Path) -> None:
    """Put :data:`GENERATOR` in a comment block right after the GIF's screen descriptor and global
    colour table, where readers find the first frame's comments (Pillow's ``info["comment"]``);
    matplotlib's PillowWriter passes Pillow no comment to write."""
    data = file.read_bytes()
    packed = data[10]  # after "GIF89a", width and height: its top bit says a global colour table follows
    start = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    text = GENERATOR.encode()
    file.write_bytes(data[:start] + b"!\xfe" + bytes([len(text)]) + text + b"\x00" + data[start:])


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{mark}
<title>{title}</title>
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
