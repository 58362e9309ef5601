"""A real `streamlit run dashboard.py` for end-to-end tests and benchmarks.

Starts the server on a free localhost port, in its own process group, with REPUTATION_DB
pointing at the given database and (optionally) a secrets file of its own, waits until
/_stcore/health answers, and stops the whole group at the end.

Secrets: the server is always given `--secrets.files <private file>` (an empty one when no
password is wanted), so a developer's own .streamlit/secrets.toml never changes what a test sees.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class StreamlitServer:
    """One `streamlit run` process; use as a context manager or call start()/stop()."""

    def __init__(self, db: os.PathLike | None, *, password: str | None = None,
                 script: os.PathLike | str = ROOT / "dashboard.py", port: int | None = None,
                 extra_env: dict | None = None, startup_timeout: float = 90):
        self.db = Path(db) if db is not None else None
        self.password = password
        self.script = Path(script)
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="e2e-streamlit-")
        self.log_path = Path(self._dir.name) / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str = "") -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> StreamlitServer:
        secrets = Path(self._dir.name) / "secrets.toml"
        secrets.write_text(f"password = {_toml_string(self.password)}\n" if self.password else "")
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.extra_env)
        if self.db is not None:
            env["REPUTATION_DB"] = str(self.db)
        command = [sys.executable, "-m", "streamlit", "run", str(self.script),
                   "--server.port", str(self.port), "--server.address", "127.0.0.1",
                   "--server.headless", "true", "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none", "--server.runOnSave", "false",
                   "--secrets.files", str(secrets)]
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"streamlit not healthy after {self.startup_timeout} s:\n{self.log()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._dir.cleanup()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
