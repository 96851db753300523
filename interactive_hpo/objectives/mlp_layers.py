"""An MLP of one to three hidden layers as a conditional search space: the width of layer k exists
only with at least k layers, ``momentum`` only for the SGD solver. :func:`mlp_layers_space` builds
the space, :func:`mlp_layers_params` turns its params into ``MLPClassifier`` settings (the widths
become ``hidden_layer_sizes``). The task :func:`~interactive_hpo.objectives.tasks.mlp_layers_digits`
tunes it on the digits; both are importable from :mod:`~interactive_hpo.objectives.tasks` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import check_int, fail, is_int
from ..space import Categorical, Float, Int, SearchSpace

__all__ = ["mlp_layers_params", "mlp_layers_space"]


def mlp_layers_space(min_width: int, max_width: int) -> SearchSpace:
    """An MLP's conditional space: ``n_layers`` in 1..3, ``width_k`` (log) for each layer there is,
    ``solver`` adam or sgd, ``momentum`` for sgd only, ``learning_rate_init`` and ``alpha`` (log).

    ``min_width`` and ``max_width`` are ints, 1 <= min_width < max_width <= 2**53 - 1 (the
    widths' bounds; they were refused as `low` of Int('width_1'), which the person never typed)."""
    min_width = check_int(min_width, "min_width", "mlp_layers_space", 1, 2**53 - 2)
    max_width = check_int(max_width, "max_width", "mlp_layers_space", min_width + 1, 2**53 - 1)
    return SearchSpace([
        Int("n_layers", 1, 3),
        Int("width_1", min_width, max_width, log=True),
        Int("width_2", min_width, max_width, log=True, condition=("n_layers", [2, 3])),
        Int("width_3", min_width, max_width, log=True, condition=("n_layers", 3)),
        Categorical("solver", ["adam", "sgd"]),
        Float("momentum", 0.0, 0.99, condition=("solver", "sgd")),
        Float("learning_rate_init", 1e-4, 0.3, log=True),
        Float("alpha", 1e-6, 0.1, log=True),
    ])


def mlp_layers_params(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Params of :func:`mlp_layers_space` as ``MLPClassifier.set_params`` arguments: the widths
    become ``hidden_layer_sizes``; ``prefix`` (a str) names the step in a pipeline (``"mlpclassifier__"``)."""
    if not isinstance(prefix, str):  # 3 became the keys '3hidden_layer_sizes', ...
        raise fail("prefix", "mlp_layers_params", "a str (a pipeline step's name and '__', or '')", prefix)
    # A KeyError or TypeError came from inside for params without n_layers or a width.
    layers: Any = params.get("n_layers") if isinstance(params, Mapping) else None
    n_layers = int(layers) if is_int(layers) and 1 <= layers <= 3 else 0
    missing = [f"width_{k}" for k in range(1, n_layers + 1) if not is_int(params.get(f"width_{k}"))]
    if not n_layers or missing:
        raise fail("params", "mlp_layers_params", "a configuration of mlp_layers_space: n_layers in 1..3 and an "
                   "int width_k for each layer", params, hint=f"Missing: {', '.join(missing)}." if missing else None)
    widths = tuple(int(params[f"width_{k}"]) for k in range(1, n_layers + 1))
    rest = {f"{prefix}{name}": value for name, value in params.items()
            if name != "n_layers" and not name.startswith("width_")}
    return {f"{prefix}hidden_layer_sizes": widths, **rest}
