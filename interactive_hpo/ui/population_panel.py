"""The population panel: the current generation of a population optimizer, live.

It shows the pair of parameters the model panel shows (or, for one parameter, the losses),
coloured by state, with parent-offspring links and the CMA-ES search ellipse.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..plots.population import PopulationPlot
from ..space import SearchSpace
from ..views import PopulationSnapshot
from .figures import LiveFigure

__all__ = ["PopulationPanel"]


class PopulationPanel:
    """A live figure of a ``PopulationSnapshot`` over a pair of parameters.

    Parameters
    ----------
    space : SearchSpace

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]), "ga", seed=0,
    ...               optimizer_settings={"population_size": 4})
    >>> _ = study.run(lambda p: p["a"] + p["b"], n_trials=6)
    >>> panel = PopulationPanel(study.space)
    >>> panel.update(study.optimizer.population(), ("a", "b"))
    >>> len(panel.plot.members.get_offsets()), panel.widget.layout.display
    (4, None)
    """

    def __init__(self, space: SearchSpace):
        self.space = space
        self.figure = LiveFigure((6.0, 4.2))
        self.plot = PopulationPlot(self.figure.fig.add_subplot())
        self._positions: dict[int, np.ndarray] = {}  # every individual seen, by id: parent links
        self.widget = widgets.VBox([widgets.HTML("<b>Population</b>: the current generation "
                                                 "(colour: state; lines: parent to offspring)"),
                                    self.figure.widget])
        self.widget.add_class("ihpo-population")
        self.widget.layout.display = "none"

    def update(self, snapshot: PopulationSnapshot | None, pair: tuple[str, ...]) -> None:
        """Redraw ``snapshot`` over the parameters ``pair`` (one or two names); hide if None."""
        if snapshot is None:
            self.widget.layout.display = "none"
            return
        self.widget.layout.display = None
        dims = tuple(self.space.names.index(name) for name in pair)
        axes = [self.space.slice1d(name, resolution=2).axis for name in pair]
        self.plot.update(snapshot, axes[0], axes[1] if len(axes) > 1 else None, dims, previous=self._positions)
        self._positions.update({int(i): np.array(x) for i, x in zip(snapshot.ids, snapshot.X, strict=True)})
        self.figure.redraw()

    def reset(self) -> None:
        """Forget the individuals of an earlier run (after an optimizer switch or a reset)."""
        self._positions.clear()
