"""No room reaches into another room's private names or modules (DESIGN.md section 1: a room's
underscore names are its own; what another room needs is a public, documented name).

Every module is read with ``ast``, in one walk of its tree. A crossing is ``x._name`` (called or
read) where ``_name`` is defined only in another folder of the package (a method, a class
attribute, an attribute set as ``self._name``, or a module-level name), ``from <another folder's
module> import _name``, or an import of another folder's private module (``plots/_axes.py``,
however written: ``from ..plots._axes import x``, ``from ..plots import _axes``, ``import
interactive_hpo.plots._axes``, ``plots._axes.wipe`` read from an imported ``plots``; a name in a
string given to ``importlib.import_module`` is not read). Not crossings: dunder names, ``self._x`` and ``cls._x``, names
and modules the importing folder has too (a folder's modules share its private names), and the
package's top-level private modules (``_validation``, ``_compat``, ...), which are words of the
vocabulary every room uses (their private names are not). The folders are the rooms of
tests/test_layers.py; the package's top-level modules (the vocabulary) are one folder. Which rooms
may import which at all is tests/test_layers.py's business.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "interactive_hpo"
SELF = ("self", "cls")


def folder_of(relative: str) -> str:
    """``study/core.py`` -> "study"; ``optimizers/bayes/model.py`` -> "optimizers"; ``trial.py`` -> ""."""
    return relative.split("/", 1)[0] if "/" in relative else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _owner(folder: str) -> str:
    return f"{folder}/" if folder else "the vocabulary"


def _assigned(node: ast.stmt) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]


def _imported_from(relative: str, node: ast.ImportFrom) -> str | None:
    """The package path (``study/running``) an ``ImportFrom`` reads, or None outside the package."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        return "/".join(parts[1:]) if parts[0] == "interactive_hpo" else None
    package = relative.split("/")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return "/".join(base + (node.module.split(".") if node.module else []))


@dataclass
class Reading:
    """What one walk of a module's tree finds."""

    defines: set[str] = field(default_factory=set)  # private names defined at module level, in a class, as self._x
    reaches: list[ast.Attribute] = field(default_factory=list)  # x._name, x neither self nor cls
    imports: list[tuple[int, str, str | None]] = field(default_factory=list)  # (line, package path, name or None)


def read(relative: str, tree: ast.Module) -> Reading:
    """Walk ``tree`` (the module at ``relative``, a path relative to the package) once."""
    found = Reading()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef)):  # module level and class bodies define names
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found.defines.add(statement.name)
                found.defines.update(_assigned(statement))
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in SELF):
                found.reaches.append(node)
            elif isinstance(node.ctx, ast.Store):
                found.defines.add(node.attr)
        elif isinstance(node, ast.Import):
            found.imports += [(node.lineno, "/".join(parts[1:]), None) for alias in node.names
                              if (parts := alias.name.split("."))[0] == "interactive_hpo"]
        elif isinstance(node, ast.ImportFrom) and (module := _imported_from(relative, node)) is not None:
            found.imports += [(node.lineno, module, alias.name) for alias in node.names]
    found.defines = {name for name in found.defines if _private(name)}
    return found


def crossings(sources: dict[str, str]) -> list[str]:
    """Where a module reaches into another folder's private name or module; ``sources``: path
    relative to the package -> source text."""
    readings = {relative: read(relative, ast.parse(source)) for relative, source in sources.items()}
    defined: dict[str, set[str]] = {}  # private name -> the folders that define it
    for relative, reading in readings.items():
        for name in reading.defines:
            defined.setdefault(name, set()).add(folder_of(relative))
        # A room's private module or package is one of its private names too: `plots._axes.wipe`
        # read from an imported `plots` (the vocabulary's `_validation` is every room's).
        *package, stem = relative.removesuffix(".py").removesuffix("/__init__").split("/")
        if package and _private(stem):
            defined.setdefault(stem, set()).add(folder_of(relative))

    def file_of(module: str) -> str | None:
        """The source file of package path ``module`` (``plots`` -> ``plots/__init__.py``), if any."""
        return next((f for f in (f"{module}/__init__.py".lstrip("/"), f"{module}.py") if f in sources), None)

    found: set[tuple[str, int, str]] = set()  # a set: `from ..plots._axes import a, b` is one crossing
    for relative, reading in readings.items():
        folder = folder_of(relative)
        for node in reading.reaches:
            if node.attr in defined and folder not in defined[node.attr]:
                owners = ", ".join(_owner(f) for f in sorted(defined[node.attr]))
                found.add((relative, node.lineno, f"{ast.unparse(node)} is private to {owners}"))
        for line, module, name in reading.imports:
            if name is not None and file_of(joined := f"{module}/{name}".strip("/")) is not None:
                module, name = joined, None  # `from ..plots import _axes`: a module
            owner = folder_of(file_of(module) or f"{module}.py")
            if owner == folder:
                continue  # the folder's own names and modules
            if owner and any(_private(part) for part in module.split("/")):  # not the vocabulary's _validation
                found.add((relative, line, f"imports {module}, a module private to {_owner(owner)}"))
            elif name is not None and _private(name):
                found.add((relative, line, f"imports {name} from {module}, private to {_owner(owner)}"))
    return [f"{relative}:{line}: {what}" for relative, line, what in sorted(found)]


def test_no_module_reaches_into_another_rooms_private_names_or_modules():
    sources = {p.relative_to(PACKAGE).as_posix(): p.read_text() for p in sorted(PACKAGE.rglob("*.py"))}
    assert crossings(sources) == []


def test_the_scan_sees_a_crossing_and_nothing_else():
    """What the scan flags (a private method called from another room, a private name or module
    imported from one) and what it leaves alone (self, dunders, a folder's own names and modules,
    the vocabulary's private modules)."""
    sources = {
        "trial.py": "class Trial:\n    def _check(self): ...\n    def __repr__(self): ...\n",
        "study/core.py": "_LIMIT = 3\nclass Study:\n    def __init__(self):\n        self._state = {}\n"
                         "    def _prunes(self, number):\n        return self._state.get(number)\n",
        "study/running.py": "from .core import _LIMIT\ndef go(study):\n"
                            "    return study._prunes(_LIMIT), study._state\n",
        "execution/parallel.py": "from ..study.core import _LIMIT, Study\nfrom .. import _validation\n"
                                 "def answer(study, trial):\n    trial._check()\n    repr(trial.__repr__())\n"
                                 "    return study._prunes(1)\n",
        "_validation.py": "def fail(): ...\n",
        "plots/__init__.py": "from ._axes import ticks\n",
        "plots/_axes.py": "def ticks(axis): ...\ndef wipe(ax): ...\n",
        "plots/history.py": "from . import _axes\nfrom ._axes import ticks\n",
        "ui/panel.py": "from ..plots._axes import ticks, wipe\nfrom ..plots import _axes, ticks\n"
                       "from .._validation import fail\nfrom ..plots import ticks\n"
                       "def lazily():\n    import interactive_hpo.plots._axes\n    from ..trial import _check\n",
        "ui/other.py": "from .. import plots\nimport interactive_hpo.plots\nplots._axes.wipe(None)\n"
                       "interactive_hpo.plots._axes.ticks(None)\nfrom .._validation import fail\n"
                       "import interactive_hpo._validation\ninteractive_hpo._validation.fail()\n",
    }
    assert crossings(sources) == [
        "execution/parallel.py:1: imports _LIMIT from study/core, private to study/",
        "execution/parallel.py:4: trial._check is private to the vocabulary",
        "execution/parallel.py:6: study._prunes is private to study/",
        "ui/other.py:3: plots._axes is private to plots/",
        "ui/other.py:4: interactive_hpo.plots._axes is private to plots/",
        "ui/panel.py:1: imports plots/_axes, a module private to plots/",
        "ui/panel.py:2: imports plots/_axes, a module private to plots/",
        "ui/panel.py:6: imports plots/_axes, a module private to plots/",
        "ui/panel.py:7: imports _check from trial, private to the vocabulary",
    ]
