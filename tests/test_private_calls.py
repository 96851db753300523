"""No room reaches into another room's private names (DESIGN.md section 1: a room's underscore
names are its own; what another room needs is a public, documented name).

Every module is read with ``ast``. A crossing is ``x._name`` (called or read) where ``_name`` is
defined only in another folder of the package (a method, a class attribute, an attribute set as
``self._name``, or a module-level name), or ``from <another folder's module> import _name``.
Not crossings: dunder names, ``self._x`` and ``cls._x``, and names the importing folder defines
too (a folder's modules share its private names). The folders are the rooms of
tests/test_layers.py; the package's top-level modules (the vocabulary) are one folder.
Which rooms may import which at all is tests/test_layers.py's business, and so are private
modules (``plots/_axes.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "interactive_hpo"


def folder_of(relative: str) -> str:
    """``study/core.py`` -> "study"; ``optimizers/bayes/model.py`` -> "optimizers"; ``trial.py`` -> ""."""
    return relative.split("/", 1)[0] if "/" in relative else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _assigned(node: ast.stmt) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]


def private_definitions(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Private name -> the folders that define it (module level, in a class body, or as ``self._x``)."""
    defined: dict[str, set[str]] = {}

    def add(name: str, relative: str) -> None:
        if _private(name):
            defined.setdefault(name, set()).add(folder_of(relative))

    for relative, tree in trees.items():
        bodies = [tree.body] + [node.body for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        for statement in (s for body in bodies for s in body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                add(statement.name, relative)
            for name in _assigned(statement):
                add(name, relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and \
                    isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                add(node.attr, relative)
    return defined


def _imported_from(relative: str, node: ast.ImportFrom) -> str | None:
    """The package path (``study/running``) an ``ImportFrom`` reads, or None outside the package."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        return "/".join(parts[1:]) if parts[0] == "interactive_hpo" else None
    package = relative.split("/")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return "/".join(base + (node.module.split(".") if node.module else []))


def crossings(sources: dict[str, str]) -> list[str]:
    """Where a module reaches into another folder's private name; ``sources``: path relative to
    the package -> source text."""
    trees = {relative: ast.parse(source) for relative, source in sources.items()}
    defined = private_definitions(trees)
    found = []
    for relative, tree in sorted(trees.items()):
        folder = folder_of(relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr in defined \
                    and folder not in defined[node.attr] \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                owners = ", ".join(f"{f or 'the vocabulary'}/" for f in sorted(defined[node.attr]))
                found.append(f"{relative}:{node.lineno}: {ast.unparse(node)} is private to {owners}")
            elif isinstance(node, ast.ImportFrom):
                module = _imported_from(relative, node)
                if module is None:
                    continue
                for alias in node.names:
                    submodule = f"{module}/{alias.name}".strip("/")
                    if not _private(alias.name) or f"{submodule}.py" in sources or f"{submodule}/__init__.py" \
                            in sources or folder_of(f"{module}/x") == folder:
                        continue  # a module (the layers' business), a public name, or one of this folder's
                    found.append(f"{relative}:{node.lineno}: imports {alias.name} from {module}, private to "
                                 f"{folder_of(module + '/x') or 'the vocabulary'}/")
    return found


def test_no_module_reaches_into_another_rooms_private_names():
    sources = {p.relative_to(PACKAGE).as_posix(): p.read_text() for p in sorted(PACKAGE.rglob("*.py"))}
    assert crossings(sources) == []


def test_the_scan_sees_a_crossing_and_nothing_else():
    """What the scan flags (a private method called from another room, a private name imported
    from one) and what it leaves alone (self, dunders, a folder's own names, modules)."""
    sources = {
        "trial.py": "class Trial:\n    def _check(self): ...\n    def __repr__(self): ...\n",
        "study/core.py": "_LIMIT = 3\nclass Study:\n    def __init__(self):\n        self._state = {}\n"
                         "    def _prunes(self, number):\n        return self._state.get(number)\n",
        "study/running.py": "from .core import _LIMIT\ndef go(study):\n"
                            "    return study._prunes(_LIMIT), study._state\n",
        "execution/parallel.py": "from ..study.core import _LIMIT, Study\nfrom .. import _validation\n"
                                 "def answer(study, trial):\n    trial._check()\n    repr(trial.__repr__())\n"
                                 "    return study._prunes(1)\n",
        "_validation.py": "",
    }
    assert crossings(sources) == [
        "execution/parallel.py:1: imports _LIMIT from study/core, private to study/",
        "execution/parallel.py:4: trial._check is private to the vocabulary/",
        "execution/parallel.py:6: study._prunes is private to study/",
    ]
