"""A conditional space of three model families, shared by the tests of what crosses its
branches (ablation paths, slices): an SVM with C, a kernel and (for rbf) gamma; a forest and
boosting with n_estimators and max_depth, boosting with a learning rate; and a scale for all."""

from __future__ import annotations

from interactive_hpo import Categorical, Float, Int, SearchSpace

MODELS = SearchSpace([
    Categorical("model", ["svm", "forest", "boosting"]),
    Float("C", 1e-3, 1e3, log=True, condition=("model", "svm")),
    Categorical("kernel", ["linear", "rbf"], condition=("model", "svm")),
    Float("gamma", 1e-4, 10, log=True, condition=("kernel", "rbf")),
    Int("n_estimators", 10, 500, log=True, condition=("model", ["forest", "boosting"])),
    Int("max_depth", 1, 12, condition=("model", ["forest", "boosting"])),
    Float("lr", 1e-3, 1.0, log=True, condition=("model", "boosting")),
    Float("scale", 0.0, 1.0),
])
