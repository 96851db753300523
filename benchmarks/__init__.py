"""Benchmarks: interactive_hpo side by side with Optuna, scikit-optimize and random search.

``python -m benchmarks run --quick`` (a few minutes) or ``--full`` runs the suite in
``benchmarks/suite`` and writes ``results.json``, ``results.md`` and ``convergence.png``. The
``bench_*.py`` scripts are the focused benchmarks of single features (BO speed, multi-fidelity,
landscapes, the Lab, notebooks). Nothing here runs as a timed test.
"""
