"""Layers point downward: the top-level import stays light and fast (DESIGN.md section 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["torch", "botorch", "gpytorch", "sklearn", "matplotlib", "ipywidgets", "traitlets", "scipy.stats"]

PROBE = f"""
import json, sys, time
start = time.perf_counter()
import interactive_hpo
import interactive_hpo.objectives
elapsed = time.perf_counter() - start
print(json.dumps({{"elapsed": elapsed, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def probe():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def test_import_loads_no_heavy_dependency():
    assert probe()["loaded"] == []


def test_import_is_fast():
    # Best of three: the first run may pay for a cold disk cache, which is not our import cost.
    assert min(probe()["elapsed"] for _ in range(3)) < 0.3


def test_core_modules_do_not_import_upward():
    """Core modules never import engines or presentation (checked on the source text)."""
    core = ["space", "parameters", "trial", "study", "storage", "replay", "views", "exceptions", "_validation"]
    upward = ["objectives", "landscape", "plots", "ui", "parallel", "matplotlib", "ipywidgets", "torch", "sklearn"]
    for name in core:
        source = (ROOT / "interactive_hpo" / f"{name}.py").read_text()
        imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
        for line in imports:
            assert not any(f" {u}" in line or f".{u}" in line for u in upward), f"{name}.py: {line}"
