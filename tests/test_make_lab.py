"""`make lab`, the README's first command, starts JupyterLab on any machine, as root too."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_starts_jupyterlab_and_says_where(tmp_path):
    venv_python = ROOT / ".venv" / "bin" / "python"
    if Path(sys.executable).resolve() != venv_python.resolve() or \
            subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT).returncode != 0:
        pytest.skip("runs in the environment `make test` built (the lab target would install first)")
    port, token = free_port(), secrets.token_hex(8)
    state = {name: str(tmp_path / name) for name in ("config", "data", "runtime", "workspaces", "settings")}
    env = {**os.environ, "JUPYTER_CONFIG_DIR": state["config"], "JUPYTER_RUNTIME_DIR": state["runtime"],
           "JUPYTERLAB_WORKSPACES_DIR": state["workspaces"], "JUPYTERLAB_SETTINGS_DIR": state["settings"]}
    flags = (f"--port={port} --ServerApp.port_retries=0 --no-browser --IdentityProvider.token={token} "
             "--LabApp.news_url=None")
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(["make", "lab", f"LAB_FLAGS={flags}"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not answers(f"http://127.0.0.1:{port}/api/status?token={token}"):
            assert process.poll() is None, f"make lab exited with {process.returncode}:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"JupyterLab did not answer within 90 s:\n{log.read_text()}"
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = log.read_text()
    assert "open the http" in text and f"127.0.0.1:{port}/lab?token=" in text  # the token itself is masked
    if os.geteuid() == 0:
        assert "--allow-root" in text
