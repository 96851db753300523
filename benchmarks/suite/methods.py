"""One ask/tell interface over every optimizer in the comparison: ours, Optuna, scikit-optimize
and SMAC3.

A method proposes a configuration (``ask`` -> params dict, and a budget in (0, 1] for
multi-fidelity methods), is told its loss (``tell``), and can be told losses of configurations
it did not propose (``observe``, used to grow the data before timing a proposal). Peers that are
not installed are left out of ``available_methods`` with the reason.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from interactive_hpo import SearchSpace, Study

__all__ = ["Method", "METHODS", "BUDGETED", "available_methods", "make_method", "optuna_distributions",
           "skopt_dimensions", "smac_configspace"]


class Method:
    """``ask() -> (params, budget or None)``; ``tell(loss)`` for the last ask; ``observe(params, loss)``
    and ``observe_many(params_list, losses)`` for configurations it did not propose.

    ``n_trials`` is the number of full evaluations the run will take, or None when unknown
    (``make_method`` sets it; only a method whose defaults depend on the budget reads it).
    ``proposals_per_fit`` is how many proposals a method makes from one fit of its model (1 for
    all but SMAC): the proposal timing averages over that many.
    """

    budgeted = False
    n_trials: int | None = None
    proposals_per_fit = 1

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


def _label(choice: Any) -> str:
    """The string ConfigSpace holds for a categorical choice: a str itself, anything else its repr."""
    return str(choice) if isinstance(choice, str) else repr(choice)


def smac_configspace(space: SearchSpace, seed: int) -> tuple[Any, dict[str, dict[str, Any]]]:
    """The search space in ConfigSpace's terms (log scales kept), and for each categorical the map
    from the string ConfigSpace holds to the choice: choices may be None, bools or numbers, and
    are handed to ConfigSpace as strings (the choice itself for a str, its repr otherwise)."""
    import ConfigSpace as cs

    hyperparameters: list[Any] = []
    labels: dict[str, dict[str, Any]] = {}
    for param in space:
        if param.kind == "categorical":
            labels[param.name] = {_label(choice): choice for choice in param.choices}
            if len(labels[param.name]) < len(param.choices):
                raise ValueError(f"{param.name}: two choices have the same label in {list(labels[param.name])}")
            hyperparameters.append(cs.Categorical(param.name, list(labels[param.name])))
        elif param.kind == "int":
            hyperparameters.append(cs.Integer(param.name, (param.low, param.high), log=param.log))
        else:
            hyperparameters.append(cs.Float(param.name, (param.low, param.high), log=param.log))
    configspace = cs.ConfigurationSpace(seed=seed)
    configspace.add(hyperparameters)
    return configspace, labels


def _default(function: Callable[..., Any], parameter: str) -> Any:
    return inspect.signature(function).parameters[parameter].default


class SmacMethod(Method):
    """SMAC3's ``HyperparameterOptimizationFacade`` at its defaults (a random forest on log-scaled
    costs, expected improvement, local and sorted random search, a Sobol initial design; 20% of
    the proposals random), stepped through ask and tell, with ``deterministic=True`` (one seed per
    configuration, so no configuration is evaluated twice).

    - Its scenario says 10,000 trials, more than any run takes; ask and tell never stop by
      themselves (only ``optimize`` reads the count). The count also caps the initial design at
      a quarter of it, so the initial design is sized here as SMAC's defaults size it for a run of
      ``n_trials``: 10 per hyperparameter, at most a quarter of the trials (12 Sobol points in a
      50-trial run). Configurations it was told before its first ask (``observe``) count toward
      it, as they do toward Optuna's and scikit-optimize's random start; SMAC itself would still
      propose its whole design.
    - It refits its model once per 8 proposals (``proposals_per_fit``, its config selector's
      ``retrain_after``): the other 7 come from the same model.
    - Its random forest uses every core through joblib's threads (``n_jobs=-1``); the runner
      caps joblib at one (``LOKY_MAX_CPU_COUNT``), like BLAS and OpenMP. Results do not change:
      each tree has its own seed.
    - It orders local-search starts through a set, so its runs depend on the hash seed: the
      runner starts each method's process with ``PYTHONHASHSEED=0``.
    - Nothing is written to the repository: its output directory is a temporary one, and the
      run history is not saved after each ``tell`` (``save=False``; saving is bookkeeping, not
      optimization, and would grow with the run). Its logging is silenced.
    """

    #: The scenario's trial count: ask and tell never reach it.
    SCENARIO_TRIALS = 10_000

    def __init__(self, space: SearchSpace, seed: int):
        from smac import HyperparameterOptimizationFacade

        logging.getLogger("smac").setLevel(logging.ERROR)
        self.space, self.seed = space, seed
        self.configspace, self.labels = smac_configspace(space, seed)
        self.proposals_per_fit = _default(HyperparameterOptimizationFacade.get_config_selector, "retrain_after")
        self._directory = tempfile.TemporaryDirectory(prefix="smac3-")
        self._facade: Any = None  # made at the first ask, when the observed configurations are known
        self._observed: list[tuple[Any, float]] = []
        self._pending: Any = None
        self._trial_seed = 0  # SMAC takes the seed it finds in its run history; after that, its own

    def _start(self) -> None:
        from smac import HyperparameterOptimizationFacade as Facade
        from smac import Scenario

        scenario = Scenario(self.configspace, deterministic=True, n_trials=self.SCENARIO_TRIALS, seed=self.seed,
                            output_directory=Path(self._directory.name) / "run")
        per_hyperparameter = _default(Facade.get_initial_design, "n_configs_per_hyperparameter")
        ratio = _default(Facade.get_initial_design, "max_ratio")
        budget = self.SCENARIO_TRIALS if self.n_trials is None else self.n_trials
        size = int(max(1, min(per_hyperparameter * len(self.space), ratio * budget)))
        design = Facade.get_initial_design(scenario, n_configs=max(size - len(self._observed), 0))
        self._facade = Facade(scenario, target_function=None, initial_design=design, overwrite=True,
                              logging_level=False)
        for config, loss in self._observed:
            self._tell(config, loss)

    def _tell(self, config: Any, loss: float) -> None:
        from smac.runhistory.dataclasses import TrialInfo, TrialValue

        self._facade.tell(TrialInfo(config, seed=self._trial_seed), TrialValue(cost=float(loss)), save=False)

    def ask(self) -> tuple[dict[str, Any], float | None]:
        if self._facade is None:
            self._start()
        self._pending = self._facade.ask()
        self._trial_seed = self._pending.seed
        config = self._pending.config
        params: dict[str, Any] = {}
        for param in self.space:
            value = config[param.name]
            params[param.name] = (self.labels[param.name][str(value)] if param.kind == "categorical"
                                  else int(value) if param.kind == "int" else float(value))
        return params, None

    def tell(self, loss: float) -> None:
        from smac.runhistory.dataclasses import TrialValue

        self._facade.tell(self._pending, TrialValue(cost=float(loss)), save=False)

    def observe(self, params: Mapping[str, Any], loss: float) -> None:
        from ConfigSpace import Configuration

        values = {param.name: _label(params[param.name]) if param.kind == "categorical"
                  else int(params[param.name]) if param.kind == "int" else float(params[param.name])
                  for param in self.space}
        config = Configuration(self.configspace, values=values)
        if self._facade is None:
            self._observed.append((config, float(loss)))
        else:
            self._tell(config, loss)


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
    "smac": ("smac ConfigSpace", lambda space, seed: SmacMethod(space, seed)),
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


def make_method(name: str, space: SearchSpace, seed: int, n_trials: int | None = None) -> Method:
    """A fresh ``name`` on ``space``; ``n_trials``: the full evaluations its run will take, if known."""
    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose from {list(METHODS)}")
    method = METHODS[name][1](space, seed)
    method.n_trials = n_trials
    return method
