"""Module paths from before the package was split into rooms (0.1), still importable with a warning.

``import interactive_hpo.remap`` gives the module now at ``interactive_hpo.study.branching``
(the very same module object, so its classes and functions are the same) and warns once with
the new path. Only paths that the README, tutorials or benchmarks of 0.1 used need to keep
working; new code imports the new paths, and these aliases go in a later release.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import Any

__all__ = ["MOVED", "install", "moved_name"]

#: Old module path -> new module path, both without the leading ``interactive_hpo.``.
MOVED = {
    "storage": "study.journal",
    "replay": "study.replay",
    "steering": "study.steering",
    "introspection": "study.introspection",
    "pruning": "study.pruning",
    "remap": "study.branching",
    "curves": "study.curves",
    "parallel": "execution.parallel",
    "simulation": "execution.simulation",
    "race": "execution.race",
    "search_cv": "model_selection.search_cv",
    "evaluation": "model_selection.nested",
    "export": "plots.export",
    "optimizers.bayes_acquisition": "optimizers.bayes.acquisition",
    "optimizers.bayes_model": "optimizers.bayes.model",
    "optimizers.bayes_teach": "optimizers.bayes.teach",
    "optimizers.evolution": "optimizers.population.evolution",
    "optimizers.cmaes": "optimizers.population.cmaes",
    "optimizers.halving": "optimizers.multifidelity",  # its schedulers are in two modules now
    "optimizers.rungs": "optimizers.multifidelity.rungs",
    "optimizers.pbt": "pbt.training",
    "optimizers.pbt_explore": "pbt.explore",
    "optimizers.pbt_result": "pbt.result",
}
_PACKAGE = __name__.rpartition(".")[0]
#: The new module's own ``__spec__``, by its name, while Python loads it under its old path.
_REAL_SPECS: dict[str, Any] = {}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and loads it as the module at its new path."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        old = fullname.removeprefix(_PACKAGE + ".")
        if fullname == old or old not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        old = spec.name.removeprefix(_PACKAGE + ".")
        new = f"{_PACKAGE}.{MOVED[old]}"
        warnings.warn(f"{spec.name} moved to {new} (interactive_hpo 0.2); import it from there. The old path "
                      "will be removed.", DeprecationWarning, stacklevel=2)
        module = importlib.import_module(new)
        _REAL_SPECS[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new path is already loaded. Python has just given it
        the old path's ``__spec__``; it gets its own back, or each relative import it makes
        afterwards warns "__package__ != __spec__.parent" (an ImportWarning a Lab shows)."""
        module.__spec__ = _REAL_SPECS[module.__name__]


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())


def moved_name(module: str, name: str, new_module: str, names: tuple[str, ...]) -> Any:
    """For a module's ``__getattr__``: ``name``, if it is one of ``names`` that moved to
    ``new_module``, with a warning; else the AttributeError Python would raise."""
    if name not in names:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    warnings.warn(f"{module}.{name} moved to {new_module}.{name} (interactive_hpo 0.2); import it from there.",
                  DeprecationWarning, stacklevel=3)
    return getattr(importlib.import_module(new_module), name)
