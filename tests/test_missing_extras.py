"""Without an extra, importing the room that needs it names the extra (audit a462: `from
interactive_hpo.ui import Lab` without ipywidgets raised a bare "No module named 'ipywidgets'"
from ui/errors.py, and `import interactive_hpo.plots` without matplotlib one from plots/_axes.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Run in a fresh interpreter: the rooms are imported in this one already, and a module set to None
# in sys.modules makes its import raise ImportError, as a missing package does.
SCRIPT = """
import sys
sys.modules[{missing!r}] = None
try:
    import {room}
except Exception as error:
    print(type(error).__name__, error)
"""


@pytest.mark.parametrize(("room", "missing"), [("interactive_hpo.ui", "ipywidgets"),
                                               ("interactive_hpo.ui", "matplotlib"),
                                               ("interactive_hpo.plots", "matplotlib")])
def test_a_room_without_its_extra_names_the_extra(room, missing):
    said = subprocess.run([sys.executable, "-c", SCRIPT.format(missing=missing, room=room)], capture_output=True,
                          text=True, check=True).stdout
    assert said.startswith(f"MissingDependencyError {room}") and f"`{missing}`" in said, said
    assert "pip install 'interactive_hpo[ui]'" in said
