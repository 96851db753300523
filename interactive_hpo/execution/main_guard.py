"""Whether a run that starts local processes is started from a script's top level without
``if __name__ == "__main__":``, told in the study's process before any process starts.

A local process starts by running the main script again (the spawn start method, see
:func:`~.worker.local_context`); without the guard it reaches the run too, and dies of the
refusal :class:`~.worker._QuietStart` gives there. The study's process saw only that its
workers were lost: every trial FAILED ("worker lost"), a traceback per process on stderr, and
the run ended normally. With a large objective (a scikit-learn task, its data inside) it hung
for good: CPython's spawn writes the objective's bytes to a pipe whose reading end the study's
process holds until the write ends, so a worker that died before reading them all left the
write waiting.
"""

from __future__ import annotations

import ast
import os
import sys
from types import FrameType

from ..exceptions import WorkerStartError

__all__ = ["UNGUARDED", "check_main_guard"]

#: What both the study's process (:func:`check_main_guard`) and a worker running the script again
#: (:class:`~.worker._QuietStart`) say.
UNGUARDED = (
    "interactive_hpo cannot start local worker processes (Study.run(n_workers=...), a Lab's parallel "
    "run) from the top level of a script: a local process starts by running the main script again, "
    "and this one starts a run at its top level, which each process would run again. Put the run "
    "under `if __name__ == \"__main__\":` in the script (a notebook needs nothing).")

#: Names whose mention in an ``if`` test makes it a guard: a worker runs the script as
#: ``__mp_main__``, and multiprocessing tells its processes apart by these as well. Read
#: generously: a guard not seen here is a refusal of a script that runs well.
_GUARD_NAMES = frozenset({"__name__", "parent_process", "current_process"})


def check_main_guard() -> None:
    """Raise :class:`~interactive_hpo.exceptions.WorkerStartError` when this call comes from the
    top level of the main script (``python script.py``, ``python -m module``) outside an
    ``if __name__ == "__main__":`` block (at any depth of the statements around the call).

    Nothing is refused when there is no main script (a notebook, a REPL, ``python -c``), when the
    call does not come from the script's top level (a thread, a function called later), or when
    the script cannot be read or parsed: a worker's own check (:class:`~.worker._QuietStart`)
    still tells then.
    """
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not isinstance(path, str):
        return
    frame = _top_level_frame(path)
    if frame is None:
        return
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), filename=path)
    except (OSError, SyntaxError, ValueError):  # gone, a zip app's member, not Python source
        return
    if not _guarded(tree.body, frame.f_lineno):
        raise WorkerStartError(UNGUARDED)


def _top_level_frame(path: str) -> FrameType | None:
    """The innermost frame of this thread's stack running the module code of the file ``path``,
    or None."""
    wanted = _same_file_key(path)
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "<module>" and _same_file_key(code.co_filename) == wanted:
            return frame
        frame = frame.f_back
    return None


def _same_file_key(path: str) -> str:
    """``path`` as a comparable key (a script run by a relative path may name itself either way)."""
    return os.path.normcase(os.path.abspath(path))


def _guarded(statements: list[ast.stmt], line: int | None) -> bool:
    """Whether ``line`` lies inside an ``if`` guard among ``statements`` (a block of the module)
    or the blocks nested in the statement holding it. A line in no statement (None: Python does
    not know it) is taken as guarded: nothing is refused on a guess."""
    if line is None:
        return True
    for statement in statements:
        decorators = getattr(statement, "decorator_list", [])
        first = min([statement.lineno] + [d.lineno for d in decorators])
        if not first <= line <= (statement.end_lineno or statement.lineno):
            continue
        if isinstance(statement, ast.If) and _is_guard(statement.test):
            return True
        inner = [node for node in ast.iter_child_nodes(statement) if isinstance(node, ast.stmt)]
        # An ExceptHandler or match case holds statements one level down.
        inner += [node for child in ast.iter_child_nodes(statement) if not isinstance(child, ast.stmt)
                  for node in ast.iter_child_nodes(child) if isinstance(node, ast.stmt)]
        return _guarded(inner, line)
    return False


def _is_guard(test: ast.expr) -> bool:
    """Whether an ``if`` test tells the main process from a worker: it mentions ``__name__``
    (``__name__ == "__main__"``, ``"__main__" == __name__``) or multiprocessing's ways of telling."""
    for node in ast.walk(test):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in _GUARD_NAMES:
            return True
    return False
