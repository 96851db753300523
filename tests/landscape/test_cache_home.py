"""A landscape cache folder typed with ``~`` is the shell's: it was a folder named ``~`` in the
working folder (audit a460), where someone tidying with ``rm -rf ~`` would delete their home."""

from __future__ import annotations

import re

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace
from interactive_hpo.landscape import build_landscape, grid_of
from interactive_hpo.landscape.cache import cache_path
from interactive_hpo.objectives import FunctionObjective

SQUARE = FunctionObjective(lambda p: p["x"] ** 2, SearchSpace([Float("x", -1, 1)]), fingerprint="square-v1")


def test_a_cache_dir_under_home_is_written_there_and_read_again(home):
    land = build_landscape(SQUARE, resolution=3, cache_dir="~/cache")
    written = cache_path(SQUARE, grid_of(SQUARE.space, 3), None, "~/cache")
    assert written.parent == home / "cache" and written.exists()
    assert list(home.parent.joinpath("work").iterdir()) == []  # no folder "~" in the working folder
    again = build_landscape(SQUARE, resolution=3, cache_dir="~/cache")
    assert again.losses.tolist() == land.losses.tolist() and len(list((home / "cache").iterdir())) == 1


@pytest.mark.parametrize("cache_dir, rule", [
    (3, "a folder (a non-empty str or os.PathLike), or None; got 3."),
    ("", "a folder (a non-empty str or os.PathLike), or None; got ''."),
    ("s3://bucket/cache", "a folder, not a URL; got 's3://bucket/cache'."),
])
def test_a_cache_dir_that_names_no_folder_is_refused(cache_dir, rule, home):
    with pytest.raises(InvalidParameterError, match=re.escape(f"`cache_dir` of build_landscape must be {rule}")):
        build_landscape(SQUARE, resolution=3, cache_dir=cache_dir)
    assert list(home.parent.joinpath("work").iterdir()) == []
