"""The journal's file operations that are not about its lines: an unbuffered file written whole,
its first line read in blocks, a rename made durable, and a failed write said in words
(:mod:`.journal` uses them under its lock)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import IO

__all__ = ["first_line", "sync_folder", "write_all", "write_failure"]


def write_failure(error: OSError) -> str:
    """Why a write failed, for a message: the system's words, and what they usually mean
    (``"No space left on device: a full disk, or a quota or file size limit"``)."""
    full = error.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
    return f"{error.strerror or error}{': a full disk, or a quota or file size limit' if full else ''}"


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere folders cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - not on the machines we test on
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_all(handle: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file: a write that a file size limit cuts short writes
    part and returns how much (the next one raises)."""
    done = 0
    while done < len(data):
        done += handle.write(data[done:])


#: How much :func:`first_line` reads at a time.
BLOCK = 1 << 16


def first_line(handle: IO[bytes]) -> bytes:
    """The file's first line with its newline (all of the file if it has none), read in blocks: an
    unbuffered file's ``readline`` reads a byte per call.

    Only each new block is searched, and the blocks are joined once: adding each to the line read
    so far and searching all of it took 32 s for a 40 MB header (0.3 s buffered).
    """
    handle.seek(0)
    blocks: list[bytes] = []
    while block := handle.read(BLOCK):
        end = block.find(b"\n")
        if end >= 0:
            blocks.append(block[:end + 1])
            break
        blocks.append(block)
    return b"".join(blocks)
