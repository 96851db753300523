"""Whether a run that starts local processes is started from a script's top level without
``if __name__ == "__main__":``, told in the study's process, where it is sure, before any process starts.

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

__all__ = ["REPORT_SERVER", "UNGUARDED", "WORKERS", "check_main_guard", "unguarded"]

#: What a run starts on local processes, as the refusals name it: a pool's worker processes, or
#: the report queues' server (:class:`~.reports.LocalReports`, which an objective that takes
#: ``report`` needs on threads as well).
WORKERS = "local worker processes (Study.run(n_workers=...), a Lab's parallel run)"
REPORT_SERVER = ("the process that carries the objective's reports to the study (the report server a run "
                 "needs when its objective takes `report`, for pruning)")


def unguarded(what: str) -> str:
    """The refusal of a run that starts ``what`` (:data:`WORKERS`, :data:`REPORT_SERVER`) from the
    top level of a script without the guard."""
    return (f"interactive_hpo cannot start {what} from the top level of a script: a local process "
            "starts by running the main script again, and this one starts a run at its top level, which "
            "each process would run again. Put the run under `if __name__ == \"__main__\":` in the script "
            "(a notebook needs nothing).")


#: What a process running the script again (:class:`~.worker._QuietStart`) says: it cannot tell
#: which of a run's processes it is.
UNGUARDED = unguarded("local processes (a run's worker processes, or the report server an objective "
                      "that takes `report` needs)")

#: Names whose mention in a statement makes it (or a part of it) a guard: a worker runs the script
#: as ``__mp_main__``, and multiprocessing tells its processes apart by these as well.
_GUARD_NAMES = frozenset({"__name__", "parent_process", "current_process"})
#: Statements that run whatever they hold each time the module runs: no block of statements, no
#: test that could be a guard (``IS_MAIN = ...`` then ``if IS_MAIN:`` is a guard seen by no parser).
_SIMPLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign)
#: Blocks whose statements run each time the module runs, whatever its name, when their headers
#: test no guard name: a top-level ``for seed in ...:``, ``with mlflow.start_run():`` or ``try:``
#: around a run hung with a large objective (review r424). Not ``if``/``match`` (a guard may hide
#: in a variable), nor ``while`` (its test may be one), a function or a class.
_RUN_ANYWAY = (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Try, ast.TryStar)


def check_main_guard(what: str = WORKERS) -> None:
    """Raise :class:`~interactive_hpo.exceptions.WorkerStartError` (:func:`unguarded`, naming
    ``what``) when this call surely comes from the top level of the main script (``python
    script.py``, ``python -m module``), outside any ``if __name__ == "__main__":``.

    Refused only when sure, as a refusal of a script that runs well is worse than none (a
    worker's own check, :class:`~.worker._QuietStart`, still tells): the innermost frame running
    the main script's module code is on a simple statement (a call, an assignment) of the
    script's top level, or inside top-level ``for``, ``with`` or ``try`` blocks (no ``if``), that
    mentions no ``__name__``, and, read from the file
    as it is now, calls a function that this call comes through (``main()``, ``study.run(...)``).
    A line of a script edited since it started, or a launcher's ``exec(open("exp.py").read())``,
    calls others, or none. Nothing is refused either when there is no main script (a notebook, a
    REPL, ``python -c``), when the call does not come from the script's module code (a thread,
    a function called later), or when the script cannot be read or parsed.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(getattr(main, "__spec__", None), "name", "")
    # A package's __main__.py (python -m package, python folder/) is never run again by a
    # spawned process (multiprocessing.spawn skips a main module of that name): nothing to refuse.
    if not isinstance(path, str) or spec == "__main__" or str(spec).endswith(".__main__"):
        return
    found = _top_level_call(path)
    if found is None:
        return
    line, through = found
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), filename=path)
    except (OSError, SyntaxError, ValueError):  # gone, a zip app's member, not Python source
        return
    if _unguarded_call(tree.body, line, through):
        raise WorkerStartError(unguarded(what))


def _top_level_call(path: str) -> tuple[int | None, set[str]] | None:
    """The line of the innermost frame of this thread's stack running the module code of the file
    ``path``, and the names of the functions this call comes through from there; None when there
    is no such frame.

    All of them, not only the one that frame called: that one may be a decorator's wrapper
    (``Study.run``'s is named ``checked``).
    """
    wanted = _same_file_key(path)
    through: set[str] = set()
    frame: FrameType | None = sys._getframe(2)  # the caller of check_main_guard
    while frame is not None:
        code = frame.f_code
        if code.co_name == "<module>" and _same_file_key(code.co_filename) == wanted:
            return frame.f_lineno, through
        through.add(code.co_name)
        frame = frame.f_back
    return None


def _same_file_key(path: str) -> str:
    """``path`` as a comparable key (a script run by a relative path may name itself either way)."""
    return os.path.normcase(os.path.abspath(path))


def _unguarded_call(statements: list[ast.stmt], line: int | None, through: set[str]) -> bool:
    """Whether ``line`` is surely an unguarded call of one of the functions named ``through``
    among ``statements`` (a module's body): every statement on it is a simple one
    (:data:`_SIMPLE`) that mentions no guard name, and one of them calls one of ``through``
    (``main()``, ``study.run(...)``), at the top level or inside blocks that run whatever the
    module's name (:data:`_RUN_ANYWAY`: a ``for`` over seeds, a ``with`` around a run) and whose
    headers mention no guard name. A line in no statement (None: Python does not know it; past
    the end of a file edited since) is not."""
    if line is None:
        return False
    on_line = [statement for statement in statements
               if statement.lineno <= line <= (statement.end_lineno or statement.lineno)]
    if len(on_line) == 1 and isinstance(on_line[0], _RUN_ANYWAY):
        block = on_line[0]
        headers = [node for name, node in ast.iter_fields(block)
                   if name not in ("body", "orelse", "finalbody", "handlers") and isinstance(node, ast.AST)]
        headers += [item for item in getattr(block, "items", [])]  # a with's context managers
        inner = [*block.body, *getattr(block, "orelse", []), *getattr(block, "finalbody", []),
                 *[statement for handler in getattr(block, "handlers", []) for statement in handler.body]]
        return not any(_names(node, _GUARD_NAMES) for node in headers) and _unguarded_call(inner, line, through)
    return (bool(on_line) and all(isinstance(statement, _SIMPLE) and not _names(statement, _GUARD_NAMES)
                                  for statement in on_line)
            and any(_calls(statement, through) for statement in on_line))


def _names(node: ast.AST, names: set[str] | frozenset[str]) -> bool:
    """Whether ``node`` mentions one of ``names``: as a name, or an attribute (``mp.parent_process``)."""
    return any(_name(inner) in names for inner in ast.walk(node))


def _calls(node: ast.AST, names: set[str]) -> bool:
    """Whether ``node`` calls a function named one of ``names`` (``name()``, ``obj.name()``)."""
    return any(isinstance(inner, ast.Call) and _name(inner.func) in names for inner in ast.walk(node))


def _name(node: ast.AST) -> str | None:
    """The name ``node`` reads, if it is a name (``x``) or an attribute (``obj.x``)."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
