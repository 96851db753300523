"""Layers point downward: the top-level import stays light (DESIGN.md section 1).

How long the import takes is a benchmark figure, not a test: timed assertions fail on a busy
machine without anything being wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["torch", "botorch", "gpytorch", "sklearn", "matplotlib", "ipywidgets", "traitlets", "scipy.stats", "dask",
         "distributed"]

PROBE = f"""
import json, sys
import interactive_hpo
import interactive_hpo.objectives
import interactive_hpo.remap
import interactive_hpo.curves, interactive_hpo.simulation, interactive_hpo.race, interactive_hpo.parallel
print(json.dumps({{"loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def probe():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def test_import_loads_no_heavy_dependency():
    assert probe()["loaded"] == []


def test_core_modules_do_not_import_upward():
    """Core modules never import engines or presentation (checked on the source text)."""
    core = ["space", "parameters", "trial", "study", "storage", "replay", "remap", "views", "exceptions",
            "_validation", "steering", "pruning", "curves", "simulation", "race", "introspection", "parallel"]
    upward = ["objectives", "landscape", "plots", "ui", "matplotlib", "ipywidgets", "torch", "sklearn", "dask"]
    for name in core:
        source = (ROOT / "interactive_hpo" / f"{name}.py").read_text()
        imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
        for line in imports:
            assert not any(f" {u}" in line or f".{u}" in line for u in upward), f"{name}.py: {line}"


def _imports(path):
    return [line.strip() for line in path.read_text().splitlines() if line.strip().startswith(("import ", "from "))]


def test_only_the_ui_imports_widgets_and_plots_take_plain_data():
    package = ROOT / "interactive_hpo"
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        for line in _imports(path):
            if not relative.startswith("ui/"):
                assert "ipywidgets" not in line and "traitlets" not in line, f"{relative}: {line}"
            if relative.startswith("plots/"):
                assert not any(w in line for w in ("study", "optimizers", " ..ui", ".ui ")), f"{relative}: {line}"
