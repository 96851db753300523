"""What an optimizer that must wait says: the error :meth:`~.base.Optimizer.ask` raises while the
optimizer is :attr:`~.base.Optimizer.waiting` (synchronous successive halving at the end of a rung, a
descent's step), naming the trials it waits for: those of this study, to tell, and those another
study on the same journal is evaluating, to wait for (:mod:`interactive_hpo.study.waiting` is how a
run waits for them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._validation import shown
from ..exceptions import TrialStateError

__all__ = ["numbered", "waiting_refusal"]


def waiting_refusal(optimizer: str, why: str, n: int, numbers: Sequence[int], elsewhere: Mapping[int, str]
                  ) -> TrialStateError:
    """The error of ``optimizer`` (its class name) waiting because ``why``, with ``n`` of its own asks
    pending: ``numbers``, the RUNNING trials it waits for, named by number; ``elsewhere``, who holds
    those of them another study on its journal is evaluating (number -> "process 12 on host 'h'"):
    they are named as that study's, to wait for, not to tell here."""
    mine = [number for number in numbers if number not in elsewhere]
    theirs = [number for number in numbers if number in elsewhere]
    one = n == 1
    text = f"{optimizer} is waiting: {why}, and {n} {'is' if one else 'are'} still running"
    if not theirs:
        return TrialStateError(f"{text}{numbered(mine, ' (', ')')}. Tell {'its' if one else 'their'} "
                               f"result{'' if one else 's'} first (state FAILED for one that will not finish), "
                               "then ask again.")
    holders: dict[str, list[int]] = {}
    for number in theirs:
        holders.setdefault(elsewhere[number], []).append(number)
    held = next(iter(holders)) if len(holders) == 1 else \
        "; ".join(f"{numbered(numbers)}: {holder}" for holder, numbers in holders.items())
    yours = (f"{numbered(mine)} of this study, and " if mine else "")
    first = (f" Tell the result{'s' if len(mine) > 1 else ''} of {numbered(mine)} first (state FAILED for one "
             "that will not finish)." if mine else "")
    it = "it" if len(theirs) == 1 else "them"
    return TrialStateError(f"{text}: {yours}{numbered(theirs)}, which another study on this journal is "
                           f"evaluating ({held}) and will tell.{first} Ask again once that study has told "
                           f"{it} (study.refresh() reads the journal); Study.run waits for {it} by itself.")


def numbered(numbers: Sequence[int], before: str = "", after: str = "") -> str:
    """"trial 8" or "trials [5, 6]" between ``before`` and ``after``; "" for none."""
    if not numbers:
        return ""
    return f"{before}{f'trial {numbers[0]}' if len(numbers) == 1 else f'trials {shown(list(numbers))}'}{after}"
