"""Every name a module exported before the room split (0.1) still imports from its old path.

Old paths resolve to the modules' new homes with a DeprecationWarning (``_moved.py``); names
that moved between modules do the same. Only the removals below may fail, each with its reason.
"""

from __future__ import annotations

import importlib
import json
import warnings
from pathlib import Path

import pytest

NAMES = json.loads((Path(__file__).parent / "data" / "public_names_v0.1.json").read_text())

#: (module, name) of 0.1 that no longer exist, and why.
REMOVED = {
    ("interactive_hpo.parallel", "in_parallel"): "internal glue; RunSettings.check(...).parallel says it now",
}


@pytest.mark.parametrize("module", sorted(NAMES))
def test_every_name_of_0_1_imports_from_its_old_module(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        found = importlib.import_module(module)
        missing = [name for name in NAMES[module] if (module, name) not in REMOVED and not hasattr(found, name)]
    assert not missing, f"{module} no longer has {missing}"


def test_an_old_path_leaves_the_module_its_own_spec():
    # Python gave the module the old path's __spec__: every relative import the module made
    # afterwards (study.curves had one inside a function) warned "__package__ != __spec__.parent",
    # and a Lab running in the same process showed that ImportWarning (make test caught it).
    from interactive_hpo.study import curves

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert importlib.import_module("interactive_hpo.curves") is curves
    assert curves.__spec__.name == "interactive_hpo.study.curves"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImportWarning)
        exec("from . import core", dict(vars(curves)))  # a relative import, in the module's own namespace


def test_a_trial_and_a_view_pickled_before_the_read_only_records_moved_still_load():
    # Pickles name the function that rebuilds a read-only record by its module path; 0.1 wrote
    # interactive_hpo.views._rebuilt (protocol 0 spells the path as text, so it can be written as then).
    import pickle

    from interactive_hpo import Float, SearchSpace, Study

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    study.run(lambda p: p["x"], 2, progress=False)
    for record in (study.trials[0], study.history()):
        then = pickle.dumps(record, protocol=0).replace(b"interactive_hpo._readonly\n_rebuilt",
                                                         b"interactive_hpo.views\n_rebuilt")
        assert b"interactive_hpo.views\n_rebuilt" in then
        loaded = pickle.loads(then)
        assert repr(loaded) == repr(record)
    with pytest.raises(TypeError):
        loaded_trial = pickle.loads(pickle.dumps(study.trials[0], protocol=0).replace(
            b"interactive_hpo._readonly\n_rebuilt", b"interactive_hpo.views\n_rebuilt"))
        loaded_trial.params["x"] = 2.0  # still read-only
