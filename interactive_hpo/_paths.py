"""The files and folders a person names: the argument checks of a path they give, a file (a
study's or a search's journal, an export; :func:`check_path`) or a folder (``nested_cv``'s
journals, a landscape cache; :func:`check_folder`), and a file written whole in their place.

A path is refused where it is typed, with the uniform message of
:func:`~interactive_hpo._validation.fail`, when it cannot name a regular file that a writer can
make or replace: empty, a URL, a folder, a pipe, a socket or a device, or in a folder that is a
file (or, for a writer that makes none, in no folder yet); a folder, when it or a folder above it
is a file. Both read ``~`` as the shell does, so every later use (a glob, a mkdir) sees the path
the person meant: otherwise a folder named ``~`` was made in the working folder.

Every writer that replaces such a file (a journal, an export) writes the new one whole beside it
and renames it into place (:func:`replace_file`): through a symlink, with the permissions of the
file it replaces, leaving nothing behind when it fails.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ._validation import fail
from .exceptions import StorageError

_T = TypeVar("_T")


def check_path(path: Any, name: str, owner: str, example: str = "study.jsonl", *, new_folder: bool = True) -> Path:
    """``path`` (argument ``name`` of ``owner``) as a Path if it can name a file (a journal, or
    ``example`` for others): a non-empty str or PathLike, not a folder, a pipe, a socket or a
    device, in a folder that exists or can be made (``new_folder`` False: that exists, for a
    writer that makes none)."""
    typed = _typed(path, name, owner, "a file path", "",
                   f"That looks like an Optuna storage URL; ours is a file, for example {example!r}. "
                   "from_optuna(optuna.load_study(...)) reads an Optuna study, to_optuna(study, url) writes one.")
    if typed.endswith(("/", os.sep)):  # "results/": a folder meant, and a file named "results" made
        raise fail(name, owner, "a file path, not a folder", str(path),
                   hint=f"Name a file inside it, for example {str(Path(typed) / example)!r}.")
    # "~/study.jsonl" as the shell reads it: else a folder named "~" in the working folder, where
    # a resume found nothing and started over.
    resolved = Path(typed).expanduser()
    if resolved.is_dir():
        raise fail(name, owner, "a file path, not a folder", str(path),
                   hint=f"Name a file inside it, for example {str(resolved / example)!r}.")
    try:
        mode = os.stat(resolved).st_mode  # through symlinks: what a write would reach
    except (FileNotFoundError, NotADirectoryError):  # no file yet (a link to none), or a file as a folder: below
        mode = stat.S_IFREG
    except OSError as error:  # a symlink loop (pathlib's RuntimeError later), a name too long, ...
        raise fail(name, owner, "a path to a regular file", str(path), hint=f"{error.strerror}.") from None
    if not stat.S_ISREG(mode):
        # A journal or an export is written whole beside its path and renamed onto it: a device
        # (as root, /dev/null) became a regular file; a pipe was read for ever.
        raise fail(name, owner, "a path to a regular file (not a pipe, socket or device)", str(path),
                   hint=f"Name a file, for example {str(Path(example).absolute())!r}.")
    folder = next(folder for folder in resolved.absolute().parents if folder.exists())  # "/" at the latest
    if not folder.is_dir():
        raise fail(name, owner, "a file path inside a folder", str(path),
                   hint=f"{str(folder)!r} is a file, not a folder.")
    if not new_folder and folder != resolved.absolute().parent:
        # An export writes a hidden file beside its path first: its FileNotFoundError named that file.
        raise fail(name, owner, "a file path in an existing folder", str(path),
                   hint=f"There is no folder {str(resolved.absolute().parent)!r}: make it first.")
    return resolved


def write_failure(error: OSError) -> str:
    """Why a write failed, for a message: the system's words, and what they usually mean
    (``"No space left on device: a full disk, or a quota or file size limit"``)."""
    full = error.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
    return f"{error.strerror or error}{': a full disk, or a quota or file size limit' if full else ''}"


def _beside(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The file a write to ``path`` reaches (a symlink's target: the link keeps pointing at it) and a
    new hidden name beside it, with its suffix (a writer may choose the format by it)."""
    target = Path(os.path.realpath(path))
    return target, target.with_name(f".{target.stem}.{uuid.uuid4().hex}{target.suffix}")


def check_writable(path: str | os.PathLike[str], owner: str) -> None:
    """Refuse (a StorageError naming ``path`` and ``owner``) a path whose folder takes no new file
    (read-only, immutable, a read-only disk): found by making and removing a file beside it, as
    the write will, before a writer spends minutes on what it is to write (an export's frames)."""
    _, probe = _beside(path)
    try:
        with open(probe, "xb"):
            pass
        os.unlink(probe)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(probe)
        raise StorageError(f"{path}: {owner} cannot write there ({write_failure(error)}): a file is written "
                           f"beside it first, in {probe.parent}. Nothing was written; name a file in a "
                           "folder you may write to.") from error


def replace_file(path: str | os.PathLike[str], write: Callable[[Path], _T],
                 check: Callable[[], object] | None = None) -> _T:
    """Call ``write(temporary)`` on a new file beside ``path`` (a symlink's target: the link keeps
    pointing at it) with its suffix, give it the permissions and group of the file there if any (a
    private file stays private, a group's stays the group's), call ``check()`` (a last look at what
    is there) and rename it into place; return what ``write`` returned. A failure anywhere removes
    the temporary and re-raises: whatever was at ``path`` stays as it was.

    Over a file that is there, the temporary is made, empty, with no more permission than that
    file's before ``write`` opens it (which must take an existing file: "wb", not "xb"): a private
    journal or export was world-readable while written, and a kill left such a copy (review r469)."""
    target, temporary = _beside(path)
    try:
        kept: os.stat_result | None = os.stat(target)
    except FileNotFoundError:  # none there: a new file's permissions
        kept = None
    try:
        if kept is not None:
            os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, stat.S_IMODE(kept.st_mode)))
        result = write(temporary)
        if kept is not None:
            os.chmod(temporary, stat.S_IMODE(kept.st_mode))  # the bits the umask took off too
            with contextlib.suppress(OSError):  # only root or the owner in that group may: else the writer's
                os.chown(temporary, -1, kept.st_gid)
        if check is not None:
            check()
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return result


def check_folder(path: Any, name: str, owner: str, example: str, *, optional: bool = False) -> Path:
    """``path`` (argument ``name`` of ``owner``) as a Path, ``~`` expanded, if it can name a folder
    that is there or can be made (``example`` shows one in a refusal): a non-empty str or PathLike,
    not a URL, neither it nor a folder above it a file (or a pipe, a device). ``optional``: the
    argument may be None, which the caller handles (the rules then say so)."""
    alternative = ", or None" if optional else ""
    typed = _typed(path, name, owner, "a folder", alternative,
                   f"Name a folder on this machine, for example {example!r}.")
    resolved = Path(typed).expanduser()
    # Before anything is written: a file in the way was mkdir's FileExistsError after the work.
    try:
        blocker = next((part for part in (resolved, *resolved.absolute().parents)
                        if part.exists() and not part.is_dir()), None)
    except OSError as error:  # a folder above that this process may not look into, a name too long
        raise fail(name, owner, f"a folder this process can reach{alternative}", str(path),
                   hint=f"{error.strerror}.") from None
    if blocker is not None:
        raise fail(name, owner, f"a folder, not a file nor a path inside one{alternative}",
                   str(path), hint=f"{str(blocker)!r} is a file; name a folder, for example {example!r}.")
    return resolved


def _typed(path: Any, name: str, owner: str, what: str, alternative: str, url_hint: str) -> str:
    """``path`` as the str it spells, once it is what ``what`` ("a file path", "a folder") can be: a
    non-empty str or PathLike without a NUL, not a URL (refused with ``url_hint``). ``alternative``:
    ", or None" where the argument takes None too."""
    if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)).strip():
        raise fail(name, owner, f"{what} (a non-empty str or os.PathLike){alternative}", path)
    if "\0" in str(os.fspath(path)):  # no file system takes one: pathlib's "embedded null byte" at the first use
        raise fail(name, owner, f"{what} without a NUL character", path)
    if isinstance(path, str) and re.match(r"[A-Za-z][\w+.-]*://", path):  # Path() would make "sqlite:" a folder
        raise fail(name, owner, f"{what}, not a URL", path, hint=url_hint)
    return os.fsdecode(path)
