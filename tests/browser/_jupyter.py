"""Start and stop a throwaway JupyterLab server for the browser tests (DESIGN.md section 6).

Nothing here imports playwright, so this module (and its doctest collection) works on machines
without a browser. The server is isolated from the user's own Jupyter set-up: fresh runtime,
config, settings and workspace folders, news and update checks off, its own token and port.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

__all__ = ["JupyterLabServer", "chromium_path", "write_notebook"]

# Disables the "receive official Jupyter news?" toast and the update check (both would try to
# reach the internet and can cover the notebook with a notification).
_NOTIFICATION_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}


def chromium_path() -> str | None:
    """Path of Debian's chromium, or None when absent or disabled with ``IHPO_NO_BROWSER=1``."""
    if os.environ.get("IHPO_NO_BROWSER", "").strip() not in ("", "0"):
        return None
    return shutil.which("chromium")


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write ``cells`` (code sources) as a notebook using the ``python3`` kernelspec.

    >>> import tempfile, nbformat
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nb = nbformat.read(write_notebook(Path(d) / "t.ipynb", ["1 + 1"]), as_version=4)
    >>> nb.cells[0].source, nb.metadata.kernelspec.name
    ('1 + 1', 'python3')
    """
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    # An explicit kernelspec: without it JupyterLab asks which kernel to use in a dialog.
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class JupyterLabServer:
    """A JupyterLab server in its own process group, serving ``root_dir``.

    Use :meth:`start` then :meth:`stop` (``stop`` is safe to call more than once and kills the
    whole process group by PID). ``url(path)`` gives an address carrying the token.
    """

    def __init__(self, root_dir: Path, *, startup_timeout: float = 60.0) -> None:
        self.root_dir = Path(root_dir)
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(16)
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._state = tempfile.TemporaryDirectory(prefix="ihpo-jupyter-state-")
        self.state_dir = Path(self._state.name)
        self.log_path = self.state_dir / "server.log"
        self._log_file = None

    # ------------------------------------------------------------------ addresses
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        """Call the REST API (``path`` like ``"api/status"``) and return the decoded JSON."""
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, n_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return ""

    # ------------------------------------------------------------------ lifecycle
    def _environment(self) -> dict[str, str]:
        dirs = {name: self.state_dir / name for name in ("runtime", "config", "settings", "workspaces", "ipython")}
        for d in dirs.values():
            d.mkdir(exist_ok=True)
        settings = dirs["settings"] / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(json.dumps(_NOTIFICATION_SETTINGS))
        env = dict(os.environ)
        env.update(
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTER_CONFIG_DIR=str(dirs["config"]),  # ignore the user's ~/.jupyter
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["ipython"]),  # no user startup files in the kernel
            # The python3 kernelspec says "python"; jupyter_client replaces that with the
            # server's sys.executable, and this PATH makes any other lookup find the venv too.
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        )
        env.pop("MPLBACKEND", None)  # the notebook chooses ipympl with %matplotlib widget
        env.pop("JUPYTER_PATH", None)
        return env

    def _command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",  # fail (and retry here) rather than move to a port we do not know
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--expose-app-in-browser",
            # If pytest dies without stop() (SIGKILL), the orphaned server culls its kernels and
            # exits by itself after ten idle minutes (kernels also exit with their parent).
            "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_interval=60",
            "--ServerApp.shutdown_no_activity_timeout=600",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self, attempts: int = 3) -> JupyterLabServer:
        env = self._environment()
        last_error = ""
        for _ in range(attempts):
            self.port = _free_port()
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self.proc = subprocess.Popen(
                self._command(),
                cwd=self.root_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() can kill it whole
            )
            if self._wait_ready():
                return self
            last_error = self.log_tail()
            self.stop()
        raise RuntimeError(f"JupyterLab did not start after {attempts} attempts; log tail:\n{last_error}")

    def _wait_ready(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # e.g. the port was taken between _free_port() and the bind
            try:
                self.api("api/status")
                return True
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                time.sleep(0.25)
        return False

    def _shutdown_kernels(self) -> None:
        # Kernels run in their own sessions (jupyter_client uses start_new_session), so killing
        # the server's group would orphan them: ask the server to stop them first.
        # All at once: each DELETE waits about a second for its kernel to exit.
        try:
            kernels = self.api("api/kernels")
            with concurrent.futures.ThreadPoolExecutor() as pool:
                list(pool.map(lambda kernel: self.api(f"api/kernels/{kernel['id']}", method="DELETE"),
                              kernels))  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - best effort; the server may already be gone
            pass

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                self._shutdown_kernels()
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(proc.pid, sig)  # the group id is the server's PID (start_new_session)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def cleanup(self) -> None:
        self.stop()
        self._state.cleanup()

    def __enter__(self) -> JupyterLabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
