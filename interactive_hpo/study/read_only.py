"""Journals a study reads but does not write, and why: one opened read-only on purpose
(``Study.load(path, read_only=True)``), one this process cannot write (a read-only mount, an
archive, a colleague's folder), and the journal of an ``HPOSearchCV`` search opened by anything
but that search (its trials are the search's cross-validated scores: a trial written by a plain
study would be taken for one, and chosen as the best).

Everything that reads works on such a study (trials, plots, analyses, replays); the first write
is refused by the journal (:meth:`~.journal.Journal.check_writable`) before anything changes, with
a :class:`~interactive_hpo.exceptions.StorageError` naming the file, why, and how to go on. Nor is
such a journal mended: a last write a crash cut off is skipped, with a warning that says it is left
in the file (a study that writes the journal cuts it off).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .._validation import warn_user
from ..exceptions import StorageError

__all__ = ["ReadOnly", "cannot_write", "on_purpose", "opening", "opening_as", "search_journal", "warn_read_only"]


@dataclass(frozen=True)
class ReadOnly:
    """Why a journal is not written (``why``: a clause after its path) and how to go on (``advice``)."""

    why: str
    advice: str

    def refusal(self, path: Path) -> StorageError:
        """The error of a write to the journal at ``path``."""
        return StorageError(f"{path} {self.why}. Nothing was written: the study reads as it is (trials, best, "
                            f"plots, analyses). {self.advice}")


#: How a Study made in this context opens its journal: (read_only, as_search).
_OPENING: ContextVar[tuple[bool, bool]] = ContextVar("interactive_hpo_journal_opening", default=(False, False))


@contextlib.contextmanager
def opening_as(*, read_only: bool = False, search: bool = False) -> Iterator[None]:
    """Within, the journals opened (by a :class:`~interactive_hpo.study.Study` being made) are read-only
    (``Study.load(path, read_only=True)``), or the search's own (``HPOSearchCV``'s study, which may
    write the journal a search started). A context variable, so the Study's signature stays the
    person's and another thread's studies are not concerned."""
    outer = _OPENING.get()  # within another (Study.load within a search's): both hold
    token = _OPENING.set((read_only or outer[0], search or outer[1]))
    try:
        yield
    finally:
        _OPENING.reset(token)


def opening() -> tuple[bool, bool]:
    """``(read_only, search)`` as :func:`opening_as` set them here (both False elsewhere)."""
    return _OPENING.get()


def on_purpose() -> ReadOnly:
    """A journal opened read-only on purpose."""
    return ReadOnly("was opened read-only (Study.load(path, read_only=True))",
                    "Study.load(path) opens it to write; study.save(new_path) copies it to go on elsewhere.")


def cannot_write(reason: str) -> ReadOnly:
    """A journal this process may read but not write (``reason``: the system's words)."""
    return ReadOnly(f"cannot be written by this process ({reason}), so it was opened read-only",
                    "To go on, copy it to a folder you may write to, study.save(new_path), and "
                    "Study.load(new_path) there (or ask for write access).")


def warn_read_only(path: Path, reason: str) -> None:
    """Warn, as a study opens the journal at ``path``, that this process cannot write it (``reason``)."""
    warn_user(f"{path} cannot be written by this process ({reason}): it was opened read-only. Its trials, plots "
              "and analyses read as usual; study.save(new_path) copies it to go on elsewhere.", RuntimeWarning)


def search_journal(path: Path) -> ReadOnly:
    """The journal at ``path`` of an HPOSearchCV search, opened by anything but the search."""
    return ReadOnly("belongs to an HPOSearchCV search (its header holds the search's record): its trials are "
                    "that search's cross-validated scores, and one written by anything else would be taken "
                    "for one (and could be chosen as the best)",
                    f"To go on with the search, fit it again with the same settings: HPOSearchCV(..., "
                    f"storage={str(path)!r}).fit(X, y). For a study of your own from its trials, copy them to a "
                    "new journal: fork_study(study, len(study.trials), storage=new_path) (from "
                    "interactive_hpo.study.branching).")
