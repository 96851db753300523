"""The sealed test split, as :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` opens it:
:class:`SealedTestAccess`, its base, holds the one look at the end (``test_score``), the other
reads of the split (``landscape_scores``, recorded with ``record_test_read``), what has been seen
(``test_looks``, ``test_reads``) and the looks kept with a journaled study (``keep_test_looks``).
How the split is cut is :mod:`.splitting`'s; the record of looks and the warning, :mod:`.sealed`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..space import SearchSpace
from .sealed import LookKeeper, SealedRecord, SealedTestLook
from .sklearn_checks import ignoring

__all__ = ["SealedTestAccess"]


class SealedTestAccess:
    """Base of :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`: every look at and read
    of its sealed test split, and the record of them (``_sealed``, shared by the tasks of
    ``with_seed`` that seal the same rows)."""

    # Set by the task: the split, the record, and how a configuration is fitted and scored.
    name: str
    space: SearchSpace
    ignore_warnings: tuple[type[Warning], ...]
    _sealed: SealedRecord
    _scorer: Callable[..., float]
    _X_train: Any
    _y_train: Any
    _X_test: Any
    _y_test: Any
    _configured: Callable[..., Any]
    _cross_validate: Callable[..., tuple[float | None, Any, list[Any], dict[str, Any]]]

    if TYPE_CHECKING:  # the task's read-only properties
        @property
        def _owner(self) -> str: ...

        @property
        def fingerprint(self) -> str: ...

    @property
    def test_looks(self) -> tuple[SealedTestLook, ...]:
        """Every look at the sealed test split so far (a tuple: read-only), oldest first."""
        return tuple(self._sealed.looks)

    @property
    def test_reads(self) -> tuple[str, ...]:
        """Every read of the sealed test split other than :meth:`test_score` (a tuple), oldest first."""
        return tuple(self._sealed.reads)

    def record_test_read(self, reader: str) -> None:
        """Record that ``reader`` (who read what: "build_landscape: the test scores of 25
        configurations") read the sealed test split: from then on every :meth:`test_score` warns,
        naming it, for a choice made on what it read makes the test score optimistic."""
        self._sealed.read(reader, f"{self._owner}.record_test_read")

    def keep_test_looks(self, keeper: LookKeeper) -> None:
        """Keep the looks at the sealed test split with a journaled study (``keeper``; ``Study.run``,
        ``Study.step`` and ``Study.add_evaluated`` give it): the looks it journaled of this task
        (same :attr:`fingerprint`) count in :attr:`test_looks`, and every later look is journaled."""
        if not self._sealed.kept_with(keeper):  # each Step of a Lab binds again
            self._sealed.keep_with(keeper, self.fingerprint)

    def test_score(self, params: Mapping[str, Any]) -> float:
        """Fit ``params`` on the whole training split and score it on the sealed test split.

        Use it once, for the configuration you finally chose. Every look is recorded in
        :attr:`test_looks`; from the second look on a :class:`SealedTestSetWarning` is issued,
        because choosing between configurations by their test scores turns the test split into
        a validation split, and the score you report becomes optimistic (biased upwards). So is
        every look after another read of the test split (:attr:`test_reads`: a landscape's test
        losses), on which ``params`` may have been chosen. Once a study with a journal has run
        this task, each look is written to its journal too, and a later session counts it.

        Parameters
        ----------
        params : dict
            One value per name of ``space``.

        Returns
        -------
        float
            The score on the sealed test split (greater is better).
        """
        params = self.space.validate(params, owner=f"{self._owner}.test_score")
        model = self._configured(params)
        with ignoring(self.ignore_warnings):
            model.fit(self._X_train, self._y_train)
            score = float(self._scorer(model, self._X_test, self._y_test))
        self._sealed.look(params, score, self.name, "CV")
        return score

    def landscape_scores(self, params: Mapping[str, Any], *, budget: float | None = None) -> dict[str, float]:
        """Validation, training and test scores of ``params``, for landscape analysis.

        One cross-validation gives all three: ``"valid"`` is the score :meth:`__call__` returns,
        ``"train"`` the mean score of the fold models on their own training samples, and
        ``"test"`` the mean score of the same fold models on the sealed test split (no extra fit).

        This opens the sealed test split for every configuration it is called on: use it to
        *study* a landscape (do training, validation and test losses agree? where do they part?),
        never to choose a configuration. It records nothing itself (it runs once per
        configuration, often in worker processes); :func:`~interactive_hpo.landscape.build_landscape`,
        which calls it, records its read with :meth:`record_test_read` (as should any other caller),
        so that the next :meth:`test_score` warns.

        Returns
        -------
        dict
            ``{"valid": float, "train": float, "test": float}``, greater is better.
        """
        _, _, _, result = self._cross_validate(params, budget, f"{self._owner}.landscape_scores", detail=True)
        return {"valid": float(np.mean(result["test_score"])), "train": float(np.mean(result["train_score"])),
                "test": float(np.mean(result["sealed_score"]))}
