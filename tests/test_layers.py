"""The floor plan, enforced: which room may import which (DESIGN.md section 1; the README's
Development section says the same).

Every module is read with ``ast``, imports at any indentation included (a lazy import inside a
function is still a dependency); only imports under ``if TYPE_CHECKING:`` are left out, as they
exist for annotations and never run. The rules are a table per room, so a new module is checked
the moment it lands in a room, and an exception has to be written down here with its reason.

How long the import takes is a benchmark figure, not a test: timed assertions fail on a busy
machine without anything being wrong.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "interactive_hpo"

#: The bottom layer: the words every room uses. Top-level modules of the package.
VOCABULARY = {"_compat", "_dominance", "_json_values", "_moved", "_names", "_paths", "_readonly", "_registry",
              "_signals", "_validation", "conditions", "direction", "exceptions", "goals", "hypervolume", "outcome",
              "kernel_summary", "parameters", "pareto", "space", "space_slices", "subspace", "trial", "views"}

#: Room -> the rooms it may import (besides itself and the vocabulary). Arrows point down.
MAY_IMPORT: dict[str, set[str]] = {
    "vocabulary": set(),
    "objectives": set(),
    "optimizers": set(),
    "landscape": {"objectives"},
    "study": {"optimizers"},
    "execution": {"optimizers", "study"},
    "model_selection": {"optimizers", "study", "objectives"},
    "pbt": {"objectives", "study"},
    "gradient": {"optimizers", "study"},
    "analysis": {"study", "optimizers"},
    "interop": {"optimizers", "study"},  # other libraries' studies in and out (Optuna)
    "plots": {"landscape"},
    "testing": {"optimizers", "study", "package"},  # checks written with the public names
    "ui": {"objectives", "optimizers", "landscape", "study", "execution", "plots", "pbt", "gradient", "analysis",
           "interop"},
    "package": {"optimizers", "study", "execution", "pbt"},  # interactive_hpo/__init__.py: the public names
}

#: Imports that cross a rule on purpose, each with its reason: (importing module, imported room).
EXCEPTIONS = {
    ("study/running.py", "execution"): "Study.run(n_workers=...) hands the run to the parallel runner (lazily)",
    ("plots/export.py", "study"): "export renders a whole Study: it reads the study's history and past beliefs",
    ("plots/export_frames.py", "study"): "the export's frames: each reads the study's trials and the belief of a step",
    ("optimizers/__init__.py", "pbt"): "0.1 alias: `from interactive_hpo.optimizers import PopulationBasedTraining` "
                                       "(PBT moved to pbt/ in 0.2) imports it with a DeprecationWarning; it goes "
                                       "with the other 0.1 paths (_moved.py)",
}

#: Third-party packages only some rooms (or modules) may import; ``import_optional("torch", ...)``
#: counts as an import.
THIRD_PARTY = {
    "ipywidgets": {"ui"},
    "traitlets": {"ui"},
    "ipympl": {"ui"},
    "IPython": {"ui"},
    "matplotlib": {"ui", "plots", "_compat"},
    "torch": {"optimizers/bayes", "gradient", "_compat"},
    "botorch": {"optimizers/bayes", "_compat"},
    "gpytorch": {"optimizers/bayes", "_compat"},
    "sklearn": {"objectives", "landscape", "model_selection", "gradient", "analysis", "_compat"},
    "cma": {"optimizers/population/cmaes"},
    "optuna": {"interop"},
    "pandas": {"study/dataframe"},  # Study.trials_dataframe, with Optuna's columns
    "dask": set(),  # a dask Client is used through its executor interface, never imported ...
    "distributed": {"execution/dask_cluster"},  # ... but for the worker plugin and the report queues
}

HEAVY = ["torch", "botorch", "gpytorch", "sklearn", "matplotlib", "ipywidgets", "traitlets", "scipy.stats", "dask",
         "distributed", "optuna", "pandas"]


def room_of(relative: str) -> str:
    """``study/core.py`` -> "study"; ``space.py`` -> "vocabulary"; ``__init__.py`` -> "package"."""
    if relative == "__init__.py":
        return "package"
    if "/" not in relative:
        return "vocabulary"
    return relative.split("/", 1)[0]


#: Functions that import the module a string names, and which argument names it: a module path
#: written as a string is imported all the same (``importlib.import_module``, and the 0.1 aliases'
#: ``moved_name(module, name, new_module, names)``, which calls it).
IMPORTING_CALLS = {"import_module": 0, "moved_name": 2}


def _module_named(call: ast.Call) -> str | None:
    """The absolute module path a call to one of :data:`IMPORTING_CALLS` imports, when written as
    a string constant (a computed name, or a relative one, is the importing room's own business)."""
    func = call.func
    position = IMPORTING_CALLS.get(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    if position is None or len(call.args) <= position:
        return None
    argument = call.args[position]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and not argument.value.startswith("."):
        return argument.value
    return None


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import, at any depth, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "import_optional" and node.args \
                and isinstance(node.args[0], ast.Constant):  # the package's lazy import with an install hint
            found.append(ast.Import(names=[ast.alias(name=node.args[0].value)]))
        elif isinstance(node, ast.Call) and (module := _module_named(node)) is not None:
            found.append(ast.Import(names=[ast.alias(name=module)]))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imported_modules(path: Path) -> list[str]:
    """Absolute names of what ``path`` imports at run time (relative imports resolved)."""
    relative = path.relative_to(ROOT).with_suffix("")
    package = list(relative.parts[:-1]) if relative.name != "__init__" else list(relative.parts[:-1])
    names = []
    for node in _runtime_imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif node.level == 0:
            names.append(node.module or "")
        else:
            base = package[: len(package) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
            # `from . import acquisition`: the names may be modules of that package.
            names += [f"{module}.{a.name}" if (ROOT / Path(*module.split("."), a.name)).exists()
                      or (ROOT / Path(*module.split("."), f"{a.name}.py")).exists() else module for a in node.names]
    return names


def target_room(module: str) -> str | None:
    """The room of an ``interactive_hpo`` module, or None for other packages."""
    parts = module.split(".")
    if parts[0] != "interactive_hpo":
        return None
    if len(parts) == 1:
        return "package"
    path = PACKAGE / parts[1]
    return parts[1] if path.is_dir() else "vocabulary"


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(PACKAGE).as_posix() for p in MODULES])
def test_each_module_imports_only_rooms_below_it(path):
    relative = path.relative_to(PACKAGE).as_posix()
    room = room_of(relative)
    for module in imported_modules(path):
        target = target_room(module)
        if target is not None:
            allowed = target in (room, "vocabulary") or target in MAY_IMPORT[room]
            assert allowed or (relative, target) in EXCEPTIONS, \
                f"{relative} (room {room!r}) imports {module} (room {target!r}); {room!r} may import " \
                f"{sorted(MAY_IMPORT[room]) or 'only the vocabulary'}"
        else:
            top = module.split(".")[0]
            rooms = THIRD_PARTY.get(top)
            if rooms is not None:
                inside = relative.removesuffix(".py")
                assert any(inside == r or inside.startswith(r + "/") or room == r for r in rooms), \
                    f"{relative} imports {module}; only {sorted(rooms) or 'no module'} may"


def test_a_module_path_passed_as_a_string_counts_as_an_import():
    """``optimizers/__init__.py``'s 0.1 alias imports pbt through ``moved_name``, unseen by a
    reading of import statements alone."""
    assert "interactive_hpo.pbt" in imported_modules(PACKAGE / "optimizers" / "__init__.py")
    tree = ast.parse("import importlib\nimportlib.import_module('interactive_hpo.study')\nimport_module(name)\n")
    assert [alias.name for node in _runtime_imports(tree) for alias in node.names] == ["importlib",
                                                                                        "interactive_hpo.study"]


def test_every_room_says_what_lives_there():
    for folder in sorted(p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        init = folder / "__init__.py"
        assert init.exists(), f"{folder.relative_to(ROOT)} has no __init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 80, f"{init.relative_to(ROOT)} needs a docstring saying what lives there"
    room_map = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text()))
    for folder in sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert f"{folder}/" in room_map, f"the room map in interactive_hpo/__init__.py does not mention {folder}/"
    named = set(re.findall(r"\b(_?[a-z][a-z_]*)\b", room_map[room_map.index("vocabulary"):]))
    assert VOCABULARY <= named, f"the room map's vocabulary does not name {sorted(VOCABULARY - named)}"


def test_every_room_in_the_rules_exists_and_every_room_has_rules():
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert rooms | {"vocabulary", "package"} == set(MAY_IMPORT)
    assert {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"} == VOCABULARY


def _readme_rules() -> dict[str, set[str]]:
    """The README's Development table: room -> the rooms its last column names."""
    text = (ROOT / "README.md").read_text()
    table = text[text.index("| layer | room | may import |"):].split("\n\n", 1)[0].splitlines()[2:]
    rules: dict[str, set[str]] = {}
    for row in table:
        _, rooms, allowed = (cell.strip() for cell in row.strip("|").split("|"))
        named = {name.strip("/") for name in re.findall(r"`([^`]+)`", allowed)}
        named |= {"package"} if "the package" in allowed else set()
        if rooms.startswith("`parameters`"):
            rules["vocabulary"] = named
            assert {name for name in re.findall(r"`([^`]+)`", rooms)} == VOCABULARY, \
                "the README's vocabulary row names other modules than VOCABULARY"
        else:
            rules[re.match(r"`(\w+)/`", rooms).group(1)] = named
    return rules


def test_the_readme_states_the_rules_this_test_enforces():
    expected = {room: rooms for room, rooms in MAY_IMPORT.items() if room != "package"}
    assert _readme_rules() == expected


def test_import_loads_no_heavy_dependency():
    probe = (f"import json, sys, interactive_hpo, interactive_hpo.study, interactive_hpo.execution, "
             f"interactive_hpo.objectives, interactive_hpo.interop\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


#: What optimizers can do beyond ask and tell: declared (optimizers/capabilities.py), never probed.
CAPABILITY_NAMES = {"propose", "surrogate", "population", "rung_table", "override", "max_budget", "restored_view"}


def test_capabilities_are_declared_and_the_sign_is_converted_in_one_place():
    """No ``hasattr``/``getattr`` probe for a capability, and "maximize" compared only in direction.py."""
    for path in MODULES:
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("hasattr", "getattr") and \
                    len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                assert node.args[1].value not in CAPABILITY_NAMES, \
                    f"{relative}:{node.lineno}: {ast.unparse(node)} probes for a capability; use isinstance"
            if isinstance(node, ast.Attribute) and node.attr == "sign" and relative != "direction.py":
                raise AssertionError(f"{relative}:{node.lineno}: multiplies by a direction's sign by hand; use "
                                     "Direction.to_loss / to_value")
            if isinstance(node, ast.Compare) and relative != "direction.py":
                texts = [c.value for c in [node.left, *node.comparators] if isinstance(c, ast.Constant)]
                assert not {"maximize", "minimize"} & set(texts), \
                    f"{relative}:{node.lineno}: {ast.unparse(node)} converts a direction by hand; use Direction"


def test_moved_module_paths_still_import_with_a_warning():
    """Each old path is the new module itself, and importing it warns with the new path. In this
    process (a subprocess cost 5 s of CPU to import torch and scikit-learn again): an old path some
    test imported already is taken out of ``sys.modules`` first, so that Python asks the finder
    again as in a fresh process, and put back afterwards."""
    import importlib
    import warnings

    from interactive_hpo._moved import MOVED

    problems = []
    for old, new in MOVED.items():
        name = "interactive_hpo." + old
        parent = importlib.import_module(name.rpartition(".")[0])
        attribute = old.rpartition(".")[2]
        before, had = sys.modules.pop(name, None), attribute in vars(parent)
        kept = vars(parent).get(attribute)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                module = importlib.import_module(name)
        finally:
            sys.modules.pop(name, None)
            if before is not None:
                sys.modules[name] = before
            if had:
                setattr(parent, attribute, kept)
            elif attribute in vars(parent):
                delattr(parent, attribute)
        if module is not importlib.import_module("interactive_hpo." + new):
            problems.append(old + ": not the module at its new path")
        if not any("interactive_hpo." + new in str(w.message) for w in caught):
            problems.append(old + ": no warning naming the new path")
    assert problems == []
