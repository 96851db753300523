"""What changed in the Lab, as its controller reports it (:class:`LabEvent`)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LabEvent"]


class LabEvent(StrEnum):
    """What changed, as :meth:`LabController.on_change` reports it (a ``str``, so it compares
    equal to its value). The study's own events come through under their names."""

    TOLD = "told"  # a trial finished (or failed)
    ADDED = "added"  # a manual trial
    UNDONE = "undone"  # a manual trial withdrawn
    ENQUEUED = "enqueued"
    SWITCHED = "switched"  # another optimizer, or other settings
    REPORTED = "reported"  # an intermediate value
    OVERRIDE = "override"  # a human's stop or promote
    RESET = "reset"  # a new, empty study
    SPACE = "space"  # another search space: a new study over an edited space, or a branch over another
    BRANCH = "branch"  # another branch is steered (over the same space)
    TRAVEL = "travel"  # another step is viewed (or the present again)
    RUNNING = "running"  # trials started or finished on the workers
    NOTED = "noted"  # only the notes changed (a Reset with nothing to reset, an Apply of the same space)
