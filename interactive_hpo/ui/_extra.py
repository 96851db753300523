"""Imported first by :mod:`interactive_hpo.ui`: without the ``ui`` extra, an error naming it
(``pip install 'interactive_hpo[ui]'``), not a bare ``No module named 'ipywidgets'``. ipympl is
not required: without it the Lab's figures are images (:mod:`.figures`)."""

from .._validation import require_extra

require_extra(("ipywidgets", "matplotlib"), "ui", "interactive_hpo.ui (the Lab, its panels and the race app)")
