"""Helpers for the data-error report tests: a real throwaway PostgreSQL server, store URLs
for both backends, and a real ``corridor`` HTTP server in a subprocess.

The PostgreSQL server is started once per test session (``initdb`` + ``pg_ctl`` from
Debian's postgresql package, as the ``postgres`` user when the tests run as root), on a
free localhost port, in a temporary folder removed afterwards. Each test gets a fresh
database in it. ``.ci/run`` installs the package; without its binaries the PostgreSQL
variants are skipped with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from http_server import ServerProcess, free_port

BACKENDS = ("sqlite", "postgresql")


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class PostgresCluster:
    """A PostgreSQL server in a temporary folder, trust authentication, 127.0.0.1 only."""

    def __init__(self):
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not (initdb and pg_ctl):
            pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
        self.pg_ctl = pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="corridor-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200"
        try:
            self._cmd([initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            self._cmd([pg_ctl, "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "-t", "60",
                       "start"])
        except BaseException:
            self.stop()
            raise
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, args: list[str]) -> None:
        # cwd: the postgres user must be able to enter it, and it must exist whatever the tests did
        proc = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120, cwd=self.root)
        if proc.returncode:
            log = self.root / "log"
            raise RuntimeError(f"{args[0]} failed: {proc.stdout}{proc.stderr}"
                               f"{log.read_text() if log.exists() else ''}")

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: PostgresCluster | None = None
_failure: str | None = None


def postgres_cluster(config) -> PostgresCluster:
    """The session's PostgreSQL server, started on first use and stopped when pytest ends.

    A server that failed to start is not tried again: later tests fail at once with the
    same error.
    """
    global _cluster, _failure
    if _failure:
        raise RuntimeError(_failure)
    if _cluster is None:
        try:
            _cluster = PostgresCluster()
        except RuntimeError as e:
            _failure = f"the test PostgreSQL server did not start: {e}"
            raise
        config.add_cleanup(_stop_cluster)
    return _cluster


def _stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def store_url(request, tmp_path: Path, backend: str) -> str:
    """A fresh, empty reports database for ``backend``: a SQLite file or a PostgreSQL database."""
    if backend == "sqlite":
        return str(tmp_path / "reports.sqlite3")
    return postgres_cluster(request.config).new_database()


class Server(ServerProcess):
    """The real server for report tests: ``env`` (``CORRIDOR_REPORTS_DB``, ``CORRIDOR_ADMIN_TOKEN``...)
    and a log beside the test's files, in the test's own working folder."""

    def __init__(self, env: dict, log_path: Path):
        super().__init__(log_path, env=env, timeout_s=120, cwd=log_path.parent)
