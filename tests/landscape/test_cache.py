"""The landscape cache never returns the losses of another computation: it is keyed by the
objective's fingerprint (a function edited under its name, two lambdas, two noise seeds, two
landscapes of one grid are four pairs of keys), refuses an objective without a reliable one, and
checks the key it stores in each file."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, StorageError
from interactive_hpo.landscape import LandscapeObjective, build_landscape
from interactive_hpo.objectives import Branin, FunctionObjective

RATE = SearchSpace([Float("lr", 1e-4, 1, log=True)])


def notebook_cell(source: str, **scope):
    """The function ``loss`` a notebook cell defines (its module is ``__main__``, as in Jupyter)."""
    namespace = {"__name__": "__main__", **scope}
    exec(source, namespace)
    return namespace["loss"]


def test_a_function_edited_under_its_name_is_evaluated_again_not_read_from_the_old_cache(tmp_path):
    """The fuzzer's case: the second build returned the first function's losses (one repr, one file)."""
    first = build_landscape(FunctionObjective(notebook_cell("def loss(p): return (p['lr'] - 0.01) ** 2"), RATE),
                            resolution=5, cache_dir=tmp_path)
    edited = build_landscape(FunctionObjective(notebook_cell("def loss(p): return -p['lr']"), RATE),
                             resolution=5, cache_dir=tmp_path)
    assert edited.losses.tolist() == pytest.approx([-1e-4, -1e-3, -1e-2, -0.1, -1.0])
    assert first.losses[2] == 0.0 and len(list(tmp_path.glob("landscape-*.json"))) == 2
    # A value it reads (a global, here) decides the key too, and the same function reads its own file.
    scaled = [build_landscape(FunctionObjective(notebook_cell("def loss(p): return SCALE * p['lr']", SCALE=scale),
                                                RATE), resolution=5, cache_dir=tmp_path).losses[-1] for scale in (2, 3)]
    again = build_landscape(FunctionObjective(notebook_cell("def loss(p): return -p['lr']"), RATE), resolution=5,
                            cache_dir=tmp_path)
    assert scaled == [2.0, 3.0] and again.losses.tolist() == edited.losses.tolist()
    assert len(list(tmp_path.glob("landscape-*.json"))) == 4


def test_two_lambdas_over_one_space_keep_two_caches(tmp_path):
    one = build_landscape(FunctionObjective(lambda p: p["lr"], RATE), resolution=3, cache_dir=tmp_path)
    two = build_landscape(FunctionObjective(lambda p: 2 * p["lr"], RATE), resolution=3, cache_dir=tmp_path)
    assert two.losses.tolist() == (2 * one.losses).tolist()


def test_noise_seeds_and_landscapes_of_one_grid_keep_their_own_caches(tmp_path):
    """Branin(noise_std=5, seed=7) read seed 0's noise; two LandscapeObjectives of one grid read one file."""
    seed0 = build_landscape(Branin(noise_std=5, seed=0), resolution=3, cache_dir=tmp_path)
    seed7 = build_landscape(Branin(noise_std=5, seed=7), resolution=3, cache_dir=tmp_path)
    uncached = build_landscape(Branin(noise_std=5, seed=7), resolution=3)
    assert seed7.losses.tolist() == uncached.losses.tolist() != seed0.losses.tolist()
    assert build_landscape(Branin(noise_std=5, seed=7), resolution=3, cache_dir=tmp_path).losses.tolist() == \
        uncached.losses.tolist()   # a fresh seed 7 reads its own file
    replays = [build_landscape(LandscapeObjective(land), resolution=3, cache_dir=tmp_path) for land in (seed0, seed7)]
    assert [replay.losses.tolist() for replay in replays] == [seed0.losses.tolist(), seed7.losses.tolist()]
    assert len(list(tmp_path.glob("landscape-*.json"))) == 4


def test_an_objective_that_cannot_be_keyed_is_refused_a_cache_before_any_evaluation(tmp_path):
    calls = []

    class Model:  # an object of the user's, whose repr (its address) does not decide its values
        weight = 3.0

    model = Model()
    objective = FunctionObjective(lambda p: calls.append(p) or model.weight * p["lr"], RATE)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`cache_dir` of build_landscape must be None for an objective whose values cannot be keyed reliably (by "
            f"its `fingerprint`); got '{tmp_path}'. FunctionObjective('<lambda>', direction='minimize') cannot be told "
            "apart from another function: the value `model` ") + ".*" + re.escape(
            "closes over is of type Model, neither plain data") + ".*" + re.escape(
            "Pass FunctionObjective(..., fingerprint='...'), a text you change whenever <lambda>'s results would. Or "
            "build it without a cache.")):
        build_landscape(objective, resolution=3, cache_dir=tmp_path)

    class Callable:  # a callable objective without a fingerprint: its repr is all a cache had
        space, direction = RATE, "minimize"

        def __call__(self, params, *, budget=None):
            return calls.append(params) or params["lr"]

    with pytest.raises(InvalidParameterError, match=r"`cache_dir` of build_landscape must be None .* has no "
                                                    r"`fingerprint`.* Give its class a `fingerprint` property, or wrap "
                                                    r"it: FunctionObjective\(objective, .*fingerprint='...'\)"):
        build_landscape(Callable(), resolution=3, cache_dir=tmp_path)
    assert calls == [] and list(tmp_path.iterdir()) == []
    named = FunctionObjective(lambda p: calls.append(p) or model.weight * p["lr"], RATE, fingerprint="weight 3")
    land = build_landscape(named, resolution=3, cache_dir=tmp_path)
    assert build_landscape(named, resolution=3, cache_dir=tmp_path).losses.tolist() == land.losses.tolist()
    assert len(calls) == 3   # the second build read the cache
    assert build_landscape(objective, resolution=3).losses.tolist() == land.losses.tolist()   # without a cache


def test_a_cache_file_of_another_key_is_refused_and_left_as_it_is(tmp_path):
    """A file copied (or renamed) onto another objective's name was read as that objective's losses."""
    build_landscape(FunctionObjective(lambda p: p["lr"], RATE), resolution=3, cache_dir=tmp_path)
    (theirs,) = tmp_path.glob("landscape-*.json")
    assert len(json.loads(theirs.read_text())["key"]) == 64
    mine = FunctionObjective(lambda p: -p["lr"], RATE)
    build_landscape(mine, resolution=3, cache_dir=tmp_path / "mine")
    (path,) = (tmp_path / "mine").glob("landscape-*.json")
    path.write_text(theirs.read_text())
    with pytest.raises(StorageError, match=re.escape(f"{path} holds the landscape of another computation "
                                                     "(\"FunctionObjective('<lambda>', direction='minimize')\", key ")
                       + r"[0-9a-f]{16}\.\.\.\), not of key [0-9a-f]{16}\.\.\.; it was left as it is"):
        build_landscape(mine, resolution=3, cache_dir=tmp_path / "mine")
    assert path.read_text() == theirs.read_text()


def test_a_cache_written_before_caches_held_their_key_is_evaluated_again_and_replaced(tmp_path):
    """Such a file may hold another function's losses under this one's name: not trusted."""
    calls = []
    objective = FunctionObjective(lambda p: calls.append(p) or p["lr"], RATE, fingerprint="lr")
    land = build_landscape(objective, resolution=3, cache_dir=tmp_path)
    (path,) = tmp_path.glob("landscape-*.json")
    old = json.loads(path.read_text())
    del old["key"]
    old["losses"]["valid"] = [7.0, 8.0, 9.0]   # another function's, as the repr key allowed
    path.write_text(json.dumps(old))
    again = build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert again.losses.tolist() == land.losses.tolist() and len(calls) == 6
    assert json.loads(path.read_text())["key"] and json.loads(path.read_text())["losses"]["valid"] == \
        land.losses.tolist()
    build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert len(calls) == 6 and np.array_equal(again.losses, land.losses)   # the replaced file is read
