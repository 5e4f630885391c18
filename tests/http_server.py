"""A real ``corridor`` HTTP server for tests: uvicorn in a subprocess on a free localhost port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``corridor.server.app:create_app`` under uvicorn, ready when ``/health`` answers.

    Parameters
    ----------
    log_path : Path
        Where the server's output goes (appended); it is shown when the server fails to start.
    env : dict, optional
        Extra environment variables (``CORRIDOR_MAX_TABLE``, ``CORRIDOR_REPORTS_DB``...).
    timeout_s : float
        How long the server may take to load the network and answer.
    cwd : Path, optional
        Working folder of the server process.
    """

    def __init__(self, log_path: Path, env: dict | None = None, timeout_s: float = 180.0, cwd: Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "corridor.server.app:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--no-proxy-headers"],
            env={**os.environ, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server not ready in {timeout_s} s:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Terminate (then kill if it lingers) and close the log."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
