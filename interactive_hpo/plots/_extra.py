"""Imported first by :mod:`interactive_hpo.plots`: without matplotlib, an error naming the extra
that installs it (``pip install 'interactive_hpo[ui]'``), not a bare ``No module named 'matplotlib'``."""

from .._validation import require_extra

require_extra(("matplotlib",), "ui", "interactive_hpo.plots")
