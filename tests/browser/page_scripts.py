"""What the browser tests and the browser benchmark say to a JupyterLab page: chromium's
flags and the JavaScript snippets both use (no pytest here: ``benchmarks/bench_browser.py``
imports it as a plain module).

The snippets run through playwright's ``page.evaluate`` / ``page.wait_for_function``; they keep
the notebook's panel in ``window.ihpoPanel`` (set by :data:`FIND_PANEL_JS`) for the others.
"""

from __future__ import annotations

__all__ = ["CHROMIUM_ARGS", "FIND_PANEL_JS", "KERNEL_IDLE_JS", "MODEL_ERRORS_JS", "RUN_ALL_JS"]

#: Headless, no sandbox (containers run as root), and nothing that would reach the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Find the notebook's panel by its path (not shell.currentWidget, which another tab can take)
# and keep it in window.ihpoPanel for the snippets below.
FIND_PANEL_JS = """(path) => {
    const panel = Array.from(window.jupyterapp.shell.widgets('main'))
        .find(w => w.context && w.context.path === path && w.sessionContext);
    if (!panel) return false;
    window.ihpoPanel = panel;
    return true;
}"""

# Galata-style readiness: the notebook's kernel is connected and idle.
KERNEL_IDLE_JS = """() => {
    const panel = window.ihpoPanel;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# Run every cell, as the menu's Run All does (Galata's way).
RUN_ALL_JS = """async () => {
    window.jupyterapp.shell.activateById(window.ihpoPanel.id);
    return await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""

# Error outputs from the notebook model: complete even for cells scrolled out of the DOM.
MODEL_ERRORS_JS = """() => {
    const panel = window.ihpoPanel;
    const found = [];
    for (const cell of panel.content.model.cells) {
        if (cell.type !== 'code') continue;
        for (const out of cell.outputs.toJSON()) {
            if (out.output_type === 'error') found.push(out.ename + ': ' + out.evalue);
            if (out.output_type === 'stream' && out.name === 'stderr' && /Traceback/.test(out.text))
                found.push(String(out.text));
        }
    }
    return found;
}"""
