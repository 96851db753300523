"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium per module.

Tests marked ``browser`` run whenever Debian's ``chromium`` and Python ``playwright`` are
present; otherwise they are skipped and the terminal summary says so in one clear line. Set
``IHPO_NO_BROWSER=1`` to skip them on purpose. ``playwright install`` is never needed: the
tests drive the system chromium through ``executable_path``.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._jupyter import JupyterLabServer, chromium_path
from .page_scripts import CHROMIUM_ARGS

_SKIPPED_KEY = pytest.StashKey[int]()
_SKIP_REASON_KEY = pytest.StashKey[str]()
_RAN_KEY = pytest.StashKey[int]()


def _why_no_browser() -> str | None:
    """The reason browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        if os.environ.get("IHPO_NO_BROWSER", "").strip() not in ("", "0"):
            return "IHPO_NO_BROWSER is set"
        return "chromium not found on PATH (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "python package playwright not installed (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if item.get_closest_marker("browser") is not None]
    reason = _why_no_browser() if browser_items else None
    if reason is None:
        return
    config.stash[_SKIP_REASON_KEY] = reason
    marker = pytest.mark.skip(reason=f"browser test: {reason}")
    for item in browser_items:
        item.add_marker(marker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # Counted from reports, not at collection, so tests deselected with -m/-k are not counted.
    if item.get_closest_marker("browser") is not None:
        stash = item.config.stash
        if report.when == "setup" and report.skipped and _SKIP_REASON_KEY in stash:
            stash[_SKIPPED_KEY] = stash.get(_SKIPPED_KEY, 0) + 1
        elif report.when == "call" and report.passed:
            stash[_RAN_KEY] = stash.get(_RAN_KEY, 0) + 1
    # On failure, keep what the browser showed and what the server said, while the page is alive.
    page = getattr(item, "_ihpo_page", None)
    if report.when == "call" and report.failed and page is not None:
        lines = []
        try:
            shot = Path(item._ihpo_artifacts) / "failure.png"  # type: ignore[attr-defined]
            page.screenshot(path=str(shot), full_page=True)
            lines.append(f"screenshot: {shot}")
        except Exception as error:  # noqa: BLE001 - diagnostics must not mask the failure
            lines.append(f"screenshot failed: {error!r}")
        server = getattr(item, "_ihpo_server", None)
        if server is not None:
            lines.append(f"JupyterLab log tail ({server.log_path}):\n{server.log_tail()}")
        report.sections.append(("browser diagnostics", "\n".join(lines)))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(_SKIPPED_KEY, 0)
    if skipped:
        reason = config.stash[_SKIP_REASON_KEY]
        terminalreporter.write_sep("=", "browser tests SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"SKIPPED {skipped} real-browser test(s): {reason}.", yellow=True, bold=True)
    elif config.stash.get(_RAN_KEY, 0):
        terminalreporter.write_line(
            f"browser tests: {config.stash[_RAN_KEY]} passed in Chromium ({chromium_path()})", green=True
        )


# ---------------------------------------------------------------------- fixtures


# Module scope, not session: playwright's sync API runs an asyncio loop on the main thread while
# it is open, and code under test elsewhere (the Lab's Run button) rightly behaves differently
# when it finds a running loop. All browser tests live in one module.
@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's root folder; each test writes its notebook here."""
    return tmp_path_factory.mktemp("lab-root")


@pytest.fixture(scope="module")
def jupyter_server(lab_root: Path) -> Iterator[JupyterLabServer]:
    server = JupyterLabServer(lab_root)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()  # kills the process group by PID, whatever happened


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(
    browser: Any, jupyter_server: JupyterLabServer, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Any]:
    """A fresh page (own context) that records uncaught JavaScript errors in ``page.ihpo_errors``."""
    # Tall enough that the app's figure is on screen without scrolling (screenshots compare it).
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.ihpo_errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda error: pg.ihpo_errors.append(str(error)))  # type: ignore[attr-defined]
    request.node._ihpo_page = pg
    request.node._ihpo_server = jupyter_server
    request.node._ihpo_artifacts = tmp_path
    started = time.monotonic()
    try:
        yield pg
    finally:
        request.node._ihpo_page = None
        context.close()
        request.node.user_properties.append(("browser_seconds", round(time.monotonic() - started, 1)))
