"""ASHA over a long run: each ask looks at a few configurations, not at every result so far
(a run of 5,000 trials took 20 ms an ask at its end), and promotes what its rule says."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from interactive_hpo import ASHA, Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.optimizers.multifidelity.rungs import Bracket

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def rounded(params, budget=None):
    """Ties (values rounded to 2 digits), and a failure in a corner of the space."""
    if params["x"] > 0.95:
        return math.nan
    return round((params["x"] - 0.3) ** 2 + params["y"] + 0.1 / budget, 2)


def reference_promotable(bracket):
    """ASHA's rule read off the bracket's tables, as it was computed afresh at every ask."""
    for rung in range(bracket.top - 1, -1, -1):
        done = {c: loss for c, loss in bracket.losses[rung].items() if math.isfinite(loss)}
        for config in sorted(done, key=lambda c: (done[c], c))[:len(bracket.losses[rung]) // bracket.eta]:
            if config not in bracket.entered[rung + 1] and bracket.human(rung, config) != "stop":
                return config, rung
    return None


def test_asha_promotes_what_its_rule_says_at_every_ask_with_jobs_out_of_order_and_overrides():
    asha = ASHA(SPACE, min_budget=1 / 9, seed=0)
    study = Study(SPACE, asha)
    rng = np.random.default_rng(0)
    running = []
    for step in range(400):
        if asha._brackets:
            bracket = asha._brackets[0]
            assert bracket.promotable() == reference_promotable(bracket), step
        running.append(study.ask())
        if len(running) > 3:  # four workers: the jobs finish in another order than asked
            trial = running.pop(int(rng.integers(len(running))))
            study.tell(trial, rounded(trial.params, trial.budget))
        if step % 23 == 22:  # a person stops one promotion and forces another
            done = [t for t in study.trials if t.state.is_finished]
            for action, trial in (("stop", done[-1]), ("promote", done[int(rng.integers(len(done)))])):
                try:
                    getattr(study, action)(trial)
                except InvalidParameterError:
                    pass
    assert Counter(row["human"] for row in asha.rung_table())["stop"] > 3


def test_an_asha_ask_ranks_no_rung_afresh_and_checks_a_few_configurations(monkeypatch):
    calls = Counter()
    for name in ("_rank", "_moved_on"):
        original = getattr(Bracket, name)

        def counted(self, *args, _name=name, _original=original):
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(Bracket, name, counted)
    study = Study(SPACE, "asha", seed=0, optimizer_settings={"min_budget": 1 / 27})
    study.run(rounded, n_trials=600)
    rungs = len(study.optimizer.budgets)
    # Each rung is ranked once, then kept in order as its results come in; before, every ask
    # ranked every rung and looked at up to a third of its configurations.
    assert calls["_rank"] <= rungs
    assert calls["_moved_on"] <= 2 * rungs * 600
