"""The journal's file helpers that are not about its lines."""

from __future__ import annotations

import pytest

from interactive_hpo.study.journal_files import BLOCK, first_line


@pytest.mark.parametrize("length", [0, 5, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 7])
def test_first_line_is_whole_where_its_newline_falls_among_the_blocks(tmp_path, length):
    # A line spanning several blocks, and a newline at a block's last byte or its first: the
    # line was joined block by block and the whole of it searched each time (a 40 MB header: 32 s).
    line = b"h" * length + b"\n"
    path = tmp_path / "journal.jsonl"
    path.write_bytes(line + b"second\n" + b"t" * BLOCK)
    with path.open("rb", buffering=0) as handle:
        assert first_line(handle) == line
        path.write_bytes(line[:-1])  # no newline: all of the file
        assert first_line(handle) == line[:-1]
