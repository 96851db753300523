"""Max-value entropy search with categories in the kernel draws its max values as it does on a
numeric space (and as BoTorch's ``qMaxValueEntropy`` does by default): a Gumbel fitted to the
per-point posterior marginals on its candidates, never a joint sample over them."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("botorch")

import torch  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.bayes.model import one_thread  # noqa: E402

SETTINGS = {"acquisition": "mes", "n_initial": 4, "num_restarts": 2, "raw_samples": 32}
SPACES = {"categorical": SearchSpace([Float("x", 0.0, 1.0), Categorical("c", ["a", "b", "c"]), Int("n", 1, 6)]),
          "numeric": SearchSpace([Float("x", 0.0, 1.0), Int("c", 0, 2), Int("n", 1, 6)])}


def loss(params):
    return (params["x"] - 0.3) ** 2 + 0.1 * params["n"] + (0.5 if params["c"] in ("b", 1) else 0.0)


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES)
def test_max_values_come_from_marginals_not_a_joint_sample(space, monkeypatch):
    study = Study(space, "bo", seed=0, optimizer_settings=SETTINGS)
    study.run(loss, n_trials=5, progress=False)
    bo = study.optimizer
    model = bo._fitted(bo._stream(bo.n_seen)).model
    factored = []
    real = torch.linalg.cholesky_ex

    def recording(matrix, *args, **kwargs):
        factored.append(matrix.shape[-1])
        return real(matrix, *args, **kwargs)

    monkeypatch.setattr(torch.linalg, "cholesky_ex", recording)
    with torch.random.fork_rng(), one_thread():
        torch.manual_seed(0)
        mes = bo._acquisition(model, seed=0)
    assert max(factored, default=0) <= len(study.trials)  # the training data's factor, no candidates'
    assert mes.use_gumbel and len(mes.candidate_set) == 1000 + len(study.trials)
