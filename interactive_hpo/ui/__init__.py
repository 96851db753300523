"""The notebook app: widgets (ipywidgets + ipympl) that observe a study and steer it.

Only this package imports ipywidgets and traitlets (DESIGN.md section 1). Panels hold no
logic of their own: they call a plain controller and redraw from plain data.

>>> from interactive_hpo.ui import Lab   # doctest: +SKIP
>>> Lab(task="svm_digits")               # doctest: +SKIP
"""

from . import _extra  # noqa: F401  (first: a missing extra is named)
from .controller import LabController
from .errors import ErrorLog
from .fidelity_panel import FidelityPanel
from .history_panel import HistoryPanel
from .importance_panel import ImportancePanel
from .lab import Lab
from .manual_panel import ManualPanel
from .optimizer_panel import OptimizerPanel
from .pareto_panel import ParetoPanel
from .population_panel import PopulationPanel
from .race_app import RaceApp
from .space_editor import SpaceEditor
from .surrogate_panel import SurrogatePanel
from .timeline_panel import TimelinePanel
from .whatif_panel import WhatIfPanel

__all__ = ["ErrorLog", "FidelityPanel", "HistoryPanel", "ImportancePanel", "Lab", "LabController", "ManualPanel",
           "OptimizerPanel", "ParetoPanel", "PopulationPanel", "RaceApp", "SpaceEditor", "SurrogatePanel",
           "TimelinePanel", "WhatIfPanel"]
