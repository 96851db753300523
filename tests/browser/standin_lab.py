"""A stand-in for ``interactive_hpo.ui.Lab`` with the same DOM contract, for the browser harness.

The browser test copies this file next to its notebook (as ``ihpo_standin.py``) so the kernel
can import it. It honours the selectors the real app promises (DESIGN.md section 4):

- the root widget has class ``ihpo-lab``;
- a ``button.ihpo-step`` ("Step") adds a trial and redraws the figure with ``draw_idle()``;
- ``.ihpo-status`` shows ``Trials: N``;
- an ipympl figure canvas (``.jupyter-matplotlib-canvas-div canvas``);
- ``.ihpo-error`` shows any exception raised in a callback, and is empty otherwise.

Everything heavy is imported inside the class, so collecting this module (doctests) loads
neither ipywidgets nor matplotlib into the pytest process.
"""

from __future__ import annotations

import html
import traceback
from typing import Any

__all__ = ["Lab"]


def Lab(objective: Any, optimizer: str = "bo", seed: int = 0) -> Any:  # noqa: N802 - mimics the class
    """Build the stand-in app: a VBox with the real Lab's classes. Only ``seed`` is used."""
    del objective, optimizer
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import numpy as np

    rng = np.random.default_rng(seed)
    with plt.ioff():  # build once; place fig.canvas in the layout (DESIGN.md section 4)
        fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    fig.canvas.header_visible = False
    (line,) = ax.plot([], [], "o-")
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 1)
    ax.set_xlabel("trial")
    ax.set_ylabel("loss (stand-in)")
    losses: list[float] = []

    status = widgets.HTML("Trials: 0")
    status.add_class("ihpo-status")
    error = widgets.HTML("")
    error.add_class("ihpo-error")
    step = widgets.Button(description="Step")
    step.add_class("ihpo-step")

    def on_step(_: Any) -> None:
        try:
            losses.append(float(rng.uniform(0.1, 0.9)))
            line.set_data(np.arange(1, len(losses) + 1), losses)
            fig.canvas.draw_idle()
            status.value = f"Trials: {len(losses)}"
        except Exception:  # noqa: BLE001 - shown in the app, as the real Lab does
            error.value = "<pre>" + html.escape(traceback.format_exc()) + "</pre>"

    step.on_click(on_step)
    root = widgets.VBox([step, status, fig.canvas, error])
    root.add_class("ihpo-lab")
    return root
