"""Fingerprints (the landscape cache's keys): what decides an objective's values changes them, a
new process gives the same, and a value that cannot be hashed reliably is named, not guessed."""

from __future__ import annotations

import functools
import importlib
import os
import re
import subprocess
import sys
import types

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace
from interactive_hpo.objectives import Branin, FunctionObjective, MultiFidelity, fingerprints
from interactive_hpo.objectives.fingerprints import Unfingerprintable, function_fingerprint

LINE = SearchSpace([Float("x", 0.0, 1.0)])


def cell(source: str, **scope):
    """The function ``loss`` a notebook cell defines (module ``__main__``), reading ``scope``."""
    namespace = {"__name__": "__main__", "np": np, **scope}
    exec(source, namespace)
    return namespace["loss"]


@pytest.mark.parametrize(("one", "other"), [
    (cell("def loss(p): return p['x'] ** 2"), cell("def loss(p): return -p['x']")),   # the code
    (cell("def loss(p): return p['x'] + 1"), cell("def loss(p): return p['x'] + 2")),   # a constant
    (cell("def loss(p, k=1): return k * p['x']"), cell("def loss(p, k=2): return k * p['x']")),   # a default
    (cell("def loss(p): return K * p['x']", K=1), cell("def loss(p): return K * p['x']", K=2)),   # a global
    # the middle of a large array, which its repr elides
    (cell("def loss(p): return DATA.sum() * p['x']", DATA=np.zeros(5000)),
     cell("def loss(p): return DATA.sum() * p['x']", DATA=np.eye(1, 5000, 2500)[0])),
    (cell("def loss(p): return OPTIONS['scale'] * p['x']", OPTIONS={"scale": 1}),
     cell("def loss(p): return OPTIONS['scale'] * p['x']", OPTIONS={"scale": 2})),   # a dict it reads
    # a helper of the notebook's, edited: the function calling it is unchanged
    (cell("def helper(v): return v\ndef loss(p): return helper(p['x'])"),
     cell("def helper(v): return -v\ndef loss(p): return helper(p['x'])")),
    # a class of the notebook's, whose method was edited
    (cell("class M:\n    def f(self, v): return v\ndef loss(p): return M().f(p['x'])"),
     cell("class M:\n    def f(self, v): return 2 * v\ndef loss(p): return M().f(p['x'])")),
    (cell("class M:\n    def __init__(self): self.k = 1\ndef loss(p): return M().k * p['x']"),
     cell("class M:\n    def __init__(self): self.k = 2\ndef loss(p): return M().k * p['x']")),
    (functools.partial(lambda p, k: k * p["x"], k=1), functools.partial(lambda p, k: k * p["x"], k=2)),
    # a value closed over, and a generator's state (its next draws)
    (cell("def make(k):\n    return lambda p: k * p['x']\nloss = make(1)"),
     cell("def make(k):\n    return lambda p: k * p['x']\nloss = make(2)")),
    (cell("def loss(p): return RNG.random() + p['x']", RNG=np.random.default_rng(0)),
     cell("def loss(p): return RNG.random() + p['x']", RNG=np.random.default_rng(1))),
], ids=["code", "constant", "default", "global", "large array", "dict", "helper", "class", "__init__", "partial",
        "closure", "generator"])
def test_what_decides_a_functions_values_changes_its_fingerprint(one, other):
    assert FunctionObjective(one, LINE).fingerprint != FunctionObjective(other, LINE).fingerprint
    assert FunctionObjective(one, LINE).fingerprint == FunctionObjective(one, LINE).fingerprint


def test_a_data_frame_read_is_keyed_by_its_values():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "text": ["x", "y"]}, index=pd.date_range("2026-01-01", periods=2))
    reads = "def loss(p): return DATA['a'].sum() * p['x']"
    assert FunctionObjective(cell(reads, DATA=frame), LINE).fingerprint == \
        FunctionObjective(cell(reads, DATA=frame.copy()), LINE).fingerprint
    assert FunctionObjective(cell(reads, DATA=frame), LINE).fingerprint != \
        FunctionObjective(cell(reads, DATA=frame.assign(text=["x", "z"])), LINE).fingerprint
    looped: list = []
    looped.append(looped)
    with pytest.raises(Unfingerprintable, match=re.escape("a value loss reads holds itself")):
        function_fingerprint(cell("def loss(p): return LOOP", LOOP=looped))


def test_the_space_and_the_direction_change_a_fingerprint_and_a_name_does_not():
    square = cell("def loss(p): return p['x'] ** 2")
    base = FunctionObjective(square, LINE).fingerprint
    assert FunctionObjective(square, SearchSpace([Float("x", 0.0, 2.0)])).fingerprint != base
    assert FunctionObjective(square, LINE, direction="maximize").fingerprint != base
    assert FunctionObjective(square, LINE, name="another name").fingerprint == base
    assert FunctionObjective(square, LINE, fingerprint="v1").fingerprint != \
        FunctionObjective(square, LINE, fingerprint="v2").fingerprint


def test_a_fingerprint_is_the_same_in_a_new_process():
    """The cache outlives the kernel: a hash of addresses or of a set's order (the hash seed) would miss."""
    source = ("import numpy as np\nfrom interactive_hpo import Float, SearchSpace\n"
              "from interactive_hpo.objectives import FunctionObjective\n"
              "TAGS = {'a', 'b', 'c'}\nDATA = np.arange(3000.0)\n"
              "def helper(v): return 2 * v\n"
              "def loss(p, scale=1.0): return helper(p['x']) * scale + DATA[0] + len(TAGS) + ('a' in {'a', 'q'})\n"
              "print(FunctionObjective(loss, SearchSpace([Float('x', 0.0, 1.0)])).fingerprint)\n")
    prints = {subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(prints) == 1 and re.fullmatch(r"[0-9a-f]{16}\n", prints.pop())


@pytest.mark.parametrize(("fn", "named"), [
    (cell("def loss(p): return MODEL.weight * p['x']", MODEL=type("Model", (), {"weight": 1.0})()),
     "the global `MODEL` loss reads is of type Model"),
    (cell("def make(m):\n    return lambda p: m.weight * p['x']\nloss = make(SimpleNamespace(weight=1))",
          SimpleNamespace=types.SimpleNamespace),
     "the value `m` make.<locals>.<lambda> closes over is of type SimpleNamespace"),
])
def test_a_function_reading_a_value_that_cannot_be_hashed_reliably_has_no_fingerprint(fn, named):
    objective = FunctionObjective(fn, LINE)
    with pytest.raises(Unfingerprintable, match=re.escape(named) + ".*" + re.escape(
            "Pass FunctionObjective(..., fingerprint='...'), a text you change whenever")):
        objective.fingerprint  # noqa: B018
    with pytest.raises(Unfingerprintable, match="is of type"):
        function_fingerprint(fn)
    assert re.fullmatch("[0-9a-f]{16}", FunctionObjective(fn, LINE, fingerprint="model v1").fingerprint)


@pytest.mark.parametrize("fingerprint", ["", 3])
def test_a_fingerprint_given_must_be_a_non_empty_str(fingerprint):
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`fingerprint` of FunctionObjective must be a non-empty str that changes whenever fn's results would, or "
            f"None (a hash of fn); got {fingerprint!r}.")):
        FunctionObjective(lambda p: p["x"], LINE, fingerprint=fingerprint)


def test_a_noisy_synthetic_function_shows_and_keys_its_seed():
    """Branin(noise_std=5, seed=0) and seed=7 shared a repr, so a cache file: seed 7 read seed 0's noise."""
    assert repr(Branin(noise_std=5, seed=7)) == "Branin(dim=2, noise_std=5.0, seed=7)"
    assert repr(Branin(seed=7)) == "Branin(dim=2, noise_std=0.0)"   # without noise the seed decides nothing
    assert repr(Branin(noise_std=1, seed=np.random.default_rng(0))) == \
        "Branin(dim=2, noise_std=1.0, seed=Generator(PCG64))"
    assert Branin(noise_std=5, seed=0).fingerprint != Branin(noise_std=5, seed=7).fingerprint
    assert Branin(noise_std=5, seed=0).fingerprint == Branin(noise_std=5, seed=0).fingerprint
    assert Branin(noise_std=5, seed=0).fingerprint != Branin(noise_std=4, seed=0).fingerprint
    assert Branin(seed=0).fingerprint == Branin(seed=7).fingerprint   # noiseless: the same values
    drawn = Branin(noise_std=5, seed=0)
    drawn({"x0": 0.0, "x1": 0.0})   # its noise moved on: the next values differ from a fresh seed 0's
    assert drawn.fingerprint != Branin(noise_std=5, seed=0).fingerprint
    assert MultiFidelity(Branin(), noise_std=2, seed=0).fingerprint != \
        MultiFidelity(Branin(), noise_std=2, seed=1).fingerprint
    assert MultiFidelity(Branin(noise_std=1, seed=0)).fingerprint != \
        MultiFidelity(Branin(noise_std=1, seed=1)).fingerprint
    assert repr(MultiFidelity(Branin(), noise_std=2, seed=3)) == \
        "MultiFidelity(Branin(dim=2, noise_std=0.0), bias=1.0, noise_std=2.0, seed=3)"


def test_a_helper_in_another_module_of_yours_is_keyed_by_its_code(tmp_path, monkeypatch):
    """A helpers.py beside the notebook was keyed by its name: edited, the cache returned its old values."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)   # a reload within the second reads the source
    source = tmp_path / "fp_user_helpers.py"
    source.write_text("SCALE = 1\ndef loss(x):\n    return SCALE * x\n")
    try:
        helpers = importlib.import_module("fp_user_helpers")
        by_module = cell("def loss(p): return helpers.loss(p['x'])", helpers=helpers)
        imported = cell("def loss(p): return helper(p['x'])", helper=helpers.loss)   # from helpers import loss
        before = function_fingerprint(by_module), function_fingerprint(imported)
        helpers.SCALE = 2   # set as it runs, unedited
        assert function_fingerprint(by_module) != before[0]
        assert function_fingerprint(imported) != before[1]
        source.write_text("SCALE = 1\ndef loss(x):\n    return SCALE * x ** 2\n")
        importlib.reload(helpers)
        assert by_module({"x": 0.5}) == 0.25
        edited = function_fingerprint(by_module), function_fingerprint(cell("def loss(p): return helper(p['x'])",
                                                                            helper=helpers.loss))
        assert edited[0] not in before and edited[1] not in before
    finally:
        sys.modules.pop("fp_user_helpers", None)
    # a library's by its name and version: an upgrade may change its values (numpy 2's functions are not
    # Python functions: `from numpy import mean` was refused a cache)
    reads_numpy = cell("def loss(p): return np.sum(p['x']) + mean(p['x'])", mean=np.mean)
    installed = function_fingerprint(reads_numpy)
    monkeypatch.setattr(np, "__version__", "0.0.0")
    fingerprints._version.cache_clear()
    try:
        assert function_fingerprint(reads_numpy) != installed
    finally:
        fingerprints._version.cache_clear()
    made = types.ModuleType("made_here")
    with pytest.raises(Unfingerprintable, match=re.escape(
            "the global `made` loss reads is the module `made_here`, which has no file")):
        function_fingerprint(cell("def loss(p): return made.f(p['x'])", made=made))


def test_a_categorical_column_is_keyed_by_its_categories_and_their_order():
    pd = pytest.importorskip("pandas")
    reads = "def loss(p): return DATA['a'].cat.codes.sum() * p['x']"

    def keyed(categories, ordered=False):
        frame = pd.DataFrame({"a": pd.Categorical(["x", "y"], categories=categories, ordered=ordered)})
        return function_fingerprint(cell(reads, DATA=frame))

    assert keyed(["x", "y"]) == keyed(["x", "y"])
    assert len({keyed(["x", "y"]), keyed(["y", "x"]), keyed(["x", "y", "z"]), keyed(["x", "y"], ordered=True)}) == 4


@pytest.mark.parametrize(("source", "before", "after"), [
    ("import abc\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def f(self, v): ...\n"
     "class Impl(Base):\n    def f(self, v): return v\ndef loss(p): return Impl().f(p['x'])", "return v", "return -v"),
    ("import typing\nclass Scales(typing.Protocol):\n    def f(self, v): return v\n"
     "def loss(p): return isinstance(p, Scales) + p['x']", "return v", "return -v"),
    ("import typing\nclass Options(typing.NamedTuple):\n    scale: int = 1\n    shift: int = 0\n"
     "def loss(p): return Options().scale * p['x']", "scale: int = 1", "scale: int = 2"),
    ("class Slotted:\n    __slots__ = ('k',)\n    def __init__(self): self.k = 1\n"
     "def loss(p): return Slotted().k * p['x']", "self.k = 1", "self.k = 2"),
    ("import functools\n@functools.lru_cache\ndef helper(v): return v\ndef loss(p): return helper(p['x'])",
     "return v", "return -v"),
    ("import functools\nclass Lazy:\n    @functools.cached_property\n    def k(self): return 1\n"
     "def loss(p): return Lazy().k * p['x']", "return 1", "return 2"),
], ids=["abc", "protocol", "namedtuple", "slots", "lru_cache", "cached_property"])
def test_common_classes_and_decorators_of_yours_are_keyed_by_their_code(source, before, after):
    """Each was refused a cache (an ABC's `_abc_impl`, a slot's descriptor, an lru_cache wrapper...)."""
    first = function_fingerprint(cell(source))
    assert first == function_fingerprint(cell(source))
    assert first != function_fingerprint(cell(source.replace(before, after)))


def test_what_cannot_be_hashed_in_a_class_or_a_dict_is_named_readably():
    model = type("Model", (), {})()
    with pytest.raises(Unfingerprintable, match=re.escape(
            "the attribute `model` of class `Impl` (a base of class `Child` (the global `Child` loss reads)) "
            "is of type Model")):
        function_fingerprint(cell("class Impl:\n    model = MODEL\nclass Child(Impl): pass\n"
                                  "def loss(p): return Child().model", MODEL=model))
    with pytest.raises(Unfingerprintable, match=re.escape(
            "the item 'model' of the global `OPTIONS` helper reads (the global `helper` loss reads) is of type Model")):
        function_fingerprint(cell("def helper(): return OPTIONS['model']\ndef loss(p): return helper()",
                                  OPTIONS={"model": model}))
