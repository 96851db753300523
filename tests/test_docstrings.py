"""Docstrings as a reader meets them in ``help()``.

Every public docstring example runs as copied into a fresh session: doctest's usual namespace is
the module's globals, so an example that forgets an import (``np``, ``Float``, a sibling's
``build_landscape``) passes ``--doctest-modules`` and fails for the reader. Each example here gets
only the name of the object it documents (a reader of ``help(Float)`` holds ``Float``), nothing
for a module's own docstring. Examples marked ``+SKIP`` are skipped by doctest as usual.

This is the suite's one run of the package's examples: pyproject.toml's ``testpaths`` leave
``interactive_hpo/`` out, where ``--doctest-modules`` ran every example a second time, in the
module's globals (a looser check of the same lines). An example of a private module or name, which
no reader meets in ``help()``, runs here in its module's globals, as doctest runs it.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import pytest

import interactive_hpo

#: Examples (doctest names) left out, with why (none today: add one only with its reason).
OWNED_ELSEWHERE: dict[str, str] = {}


def _public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def package_examples() -> list[tuple[doctest.DocTest, dict]]:
    """Each docstring of the package with examples, and the namespace it runs in: a fresh one
    for a public example, its module's globals (doctest's own) for a private one."""
    found = []
    names = {info.name for info in pkgutil.walk_packages(interactive_hpo.__path__, "interactive_hpo.")}
    for module_name in sorted(names | {"interactive_hpo"}):
        module = importlib.import_module(module_name)
        for test in doctest.DocTestFinder().find(module, module_name):
            if not test.examples:
                continue
            inner = test.name[len(module_name) + 1:]
            if not (_public(module_name) and _public(inner)):
                found.append((test, dict(test.globs)))  # the finder's copy of the module's globals
                continue
            documented = inner.split(".")[0]  # a method's example gets its class
            found.append((test, {"__name__": "__main__",
                                 **({documented: getattr(module, documented)} if documented else {})}))
    return found


def test_every_example_runs_and_a_public_one_in_a_fresh_namespace(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib").use("Agg")
    monkeypatch.chdir(tmp_path)  # examples that write a journal write it here
    broken = []
    examples = package_examples()
    for test, names in examples:
        if test.name in OWNED_ELSEWHERE:
            continue
        test.globs = names
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)  # pytest's default flags
        runner.run(test, out=report.append, clear_globs=True)
        if runner.failures:
            missing = sorted(set(re.findall(r"NameError: name '(\w+)' is not defined", "".join(report))))
            broken.append(f"{test.name}: " + (f"not defined: {missing}" if missing else "".join(report)[-400:]))
    assert len(examples) > 100  # every room was searched
    assert [name for name in OWNED_ELSEWHERE if name not in {test.name for test, _ in examples}] == []
    assert broken == []


def test_study_names_the_optimizers_that_serve_several_objectives():
    """The Study docstring's list of optimizers for several objectives is the registry's."""
    pytest.importorskip("botorch")  # without it the Bayesian ones are left out of the registry's list
    from interactive_hpo import Study
    from interactive_hpo.optimizers.registry import optimizers_serving_several

    doc = Study.__doc__ or ""
    paragraph = doc[doc.index("    directions :"):doc.index("    seed :")]
    assert "optimizers_serving_several()" in paragraph
    assert sorted(re.findall(r'"(\w+)"', paragraph)) == sorted(optimizers_serving_several())


def test_every_registered_optimizer_carries_an_example():
    """DESIGN: public classes carry a short runnable example (grid and Sobol search had none)."""
    from interactive_hpo.optimizers.registry import available_optimizers, optimizer_class

    pytest.importorskip("botorch")  # the Bayesian optimizers' classes import it
    bare = [name for name in available_optimizers()
            if not any(test.examples for test in doctest.DocTestFinder(recurse=False).find(optimizer_class(name)))]
    assert bare == []


@pytest.mark.parametrize("name", ["Float", "Int", "Categorical"])
def test_parameter_types_describe_every_argument(name):
    """``help(Float)`` says what ``log`` and ``condition`` take, not only the module docstring."""
    import inspect

    cls = getattr(interactive_hpo, name)
    described = {arg for line in re.findall(r"^    (\w+(?:, \w+)*) :", cls.__doc__ or "", flags=re.MULTILINE)
                 for arg in line.split(", ")}
    assert set(inspect.signature(cls).parameters) - described == set()
