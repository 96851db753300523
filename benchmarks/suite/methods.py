"""One ask/tell interface over every optimizer in the comparison: ours, Optuna, scikit-optimize.

A method proposes a configuration (``ask`` -> params dict, and a budget in (0, 1] for
multi-fidelity methods), is told its loss (``tell``), and can be told losses of configurations
it did not propose (``observe``, used to grow the data before timing a proposal). Peers that are
not installed are left out of ``available_methods`` with the reason.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from typing import Any

from interactive_hpo import SearchSpace, Study

__all__ = ["Method", "METHODS", "BUDGETED", "available_methods", "make_method", "optuna_distributions",
           "skopt_dimensions"]


class Method:
    """``ask() -> (params, budget or None)``; ``tell(loss)`` for the last ask; ``observe(params, loss)``
    and ``observe_many(params_list, losses)`` for configurations it did not propose."""

    budgeted = False

    def observe_many(self, params_list: list[dict[str, Any]], losses: list[float]) -> None:
        for params, loss in zip(params_list, losses, strict=True):
            self.observe(params, loss)

    def ask(self) -> tuple[dict[str, Any], float | None]:
        raise NotImplementedError

    def tell(self, loss: float) -> None:
        raise NotImplementedError

    def observe(self, params: Mapping[str, Any], loss: float) -> None:
        raise NotImplementedError


class Ours(Method):
    def __init__(self, space: SearchSpace, seed: int, optimizer: str, settings: dict[str, Any] | None = None):
        self.study = Study(space, optimizer, seed=seed, optimizer_settings=settings)
        self.budgeted = optimizer in ("halving", "hyperband", "asha")
        self._pending: Any = None

    def ask(self) -> tuple[dict[str, Any], float | None]:
        self._pending = self.study.ask()
        return dict(self._pending.params), self._pending.budget

    def tell(self, loss: float) -> None:
        self.study.tell(self._pending, loss)

    def observe(self, params: Mapping[str, Any], loss: float) -> None:
        self.study.add_manual(dict(params), loss)


def optuna_distributions(space: SearchSpace) -> dict[str, Any]:
    """The search space in Optuna's terms (log scales and integer steps kept)."""
    import optuna

    out: dict[str, Any] = {}
    for param in space:
        if param.kind == "categorical":
            out[param.name] = optuna.distributions.CategoricalDistribution(list(param.choices))
        elif param.kind == "int":
            out[param.name] = optuna.distributions.IntDistribution(param.low, param.high, log=param.log)
        else:
            out[param.name] = optuna.distributions.FloatDistribution(param.low, param.high, log=param.log)
    return out


class OptunaMethod(Method):
    def __init__(self, space: SearchSpace, seed: int, sampler: str):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        samplers: dict[str, Callable[[], Any]] = {
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
            "gp": lambda: optuna.samplers.GPSampler(seed=seed),
            "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False),
            "random": lambda: optuna.samplers.RandomSampler(seed=seed),
        }
        self.study = optuna.create_study(sampler=samplers[sampler]())
        self.distributions = optuna_distributions(space)
        self._pending: Any = None

    def ask(self) -> tuple[dict[str, Any], float | None]:
        self._pending = self.study.ask(self.distributions)
        return dict(self._pending.params), None

    def tell(self, loss: float) -> None:
        self.study.tell(self._pending, loss)

    def observe(self, params: Mapping[str, Any], loss: float) -> None:
        import optuna

        self.study.add_trial(optuna.trial.create_trial(params=dict(params), distributions=self.distributions,
                                                       value=float(loss)))


def skopt_dimensions(space: SearchSpace) -> list[Any]:
    """The search space in scikit-optimize's terms (log priors kept)."""
    import skopt

    dims = []
    for param in space:
        if param.kind == "categorical":
            dims.append(skopt.space.Categorical(list(param.choices), name=param.name))
        elif param.kind == "int":
            dims.append(skopt.space.Integer(param.low, param.high, prior="log-uniform" if param.log else "uniform",
                                            name=param.name))
        else:
            dims.append(skopt.space.Real(param.low, param.high, prior="log-uniform" if param.log else "uniform",
                                         name=param.name))
    return dims


class SkoptMethod(Method):
    """``gp_minimize``'s optimizer, stepped: a GP with its default kernel, the "gp_hedge"
    acquisition and 10 random initial points. It refits inside ``tell`` (its design)."""

    def __init__(self, space: SearchSpace, seed: int):
        import skopt

        self.names = list(space.names)
        self.optimizer = skopt.Optimizer(skopt_dimensions(space), base_estimator="GP", acq_func="gp_hedge",
                                         n_initial_points=10, random_state=seed)
        self._pending: list[Any] = []

    def ask(self) -> tuple[dict[str, Any], float | None]:
        self._pending = self.optimizer.ask()
        return dict(zip(self.names, self._pending, strict=True)), None

    def tell(self, loss: float) -> None:
        self.optimizer.tell(self._pending, float(loss))

    def observe(self, params: Mapping[str, Any], loss: float) -> None:
        self.optimizer.tell([params[name] for name in self.names], float(loss))

    def observe_many(self, params_list: list[dict[str, Any]], losses: list[float]) -> None:
        # One tell with every point: scikit-optimize refits its GP (and re-optimizes the
        # acquisition) on each tell, so 500 single tells would cost 500 fits.
        if params_list:
            self.optimizer.tell([[p[name] for name in self.names] for p in params_list], [float(v) for v in losses])


#: Every method by name: (the modules it needs, space-separated; how to make it).
METHODS: dict[str, tuple[str, Callable[[SearchSpace, int], Method]]] = {
    "random": ("interactive_hpo", lambda space, seed: Ours(space, seed, "random")),
    "sobol": ("interactive_hpo", lambda space, seed: Ours(space, seed, "sobol")),
    "bo": ("botorch", lambda space, seed: Ours(space, seed, "bo")),
    "cmaes": ("interactive_hpo", lambda space, seed: Ours(space, seed, "cmaes")),
    "ga": ("interactive_hpo", lambda space, seed: Ours(space, seed, "ga")),
    "hyperband": ("interactive_hpo", lambda space, seed: Ours(space, seed, "hyperband", {"min_budget": 1 / 9})),
    "optuna-tpe": ("optuna", lambda space, seed: OptunaMethod(space, seed, "tpe")),
    "optuna-gp": ("optuna", lambda space, seed: OptunaMethod(space, seed, "gp")),
    "optuna-cmaes": ("optuna cmaes", lambda space, seed: OptunaMethod(space, seed, "cmaes")),
    "skopt-gp": ("skopt", lambda space, seed: SkoptMethod(space, seed)),
}


#: Multi-fidelity methods: they run only on tasks with budgets.
BUDGETED = frozenset({"hyperband"})


def available_methods() -> tuple[list[str], dict[str, str]]:
    """(names whose package imports, {name: why not} for the rest)."""
    here, missing = [], {}
    for name, (packages, _) in METHODS.items():
        absent = [p for p in packages.split() if importlib.util.find_spec(p) is None]
        if absent:
            missing[name] = f"{', '.join(absent)} not installed (pip install -e '.[bench]')"
        else:
            here.append(name)
    return here, missing


def make_method(name: str, space: SearchSpace, seed: int) -> Method:
    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose from {list(METHODS)}")
    return METHODS[name][1](space, seed)
