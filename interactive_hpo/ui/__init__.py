"""The notebook app: widgets (ipywidgets + ipympl) that observe a study and steer it.

Only this package imports ipywidgets and traitlets (DESIGN.md section 1). Panels hold no
logic of their own: they call a plain controller and redraw from plain data.
"""

from .errors import ErrorLog

__all__ = ["ErrorLog"]
