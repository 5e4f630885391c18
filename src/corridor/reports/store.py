"""Where reports are kept: SQLite by default, PostgreSQL for a shared deployment.

Both backends use the same schema and the same parameterised statements; only the id
column's type and the placeholder style differ. :meth:`ReportStore.add` returns only after
the row is committed (SQLite in WAL mode with ``synchronous=FULL``; PostgreSQL with its
default synchronous commit), so a report whose id was handed back survives a crash of the
process that stored it.

Choose the store with :func:`open_store`: no URL means the ``CORRIDOR_REPORTS_DB``
environment variable, or else ``reports.sqlite3`` in the user data folder.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from abc import ABC, abstractmethod
from pathlib import Path

from corridor.extras import require
from corridor.reports.model import STATUSES, Report, ReportError, utc_now, validate_note

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id {id_column},
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'resolved', 'rejected')),
    selected_text TEXT NOT NULL,
    context_before TEXT NOT NULL DEFAULT '',
    context_after TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT '',
    page TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL DEFAULT '',
    data_version TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS reports_by_status ON reports (status, id);
CREATE TABLE IF NOT EXISTS report_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

COLUMNS = ("id", "created_at", "status", "selected_text", "context_before", "context_after", "comment",
           "source_url", "page", "query", "data_version", "client", "resolution", "resolved_at")
_INSERTED = COLUMNS[3:12]
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM reports"
_INSERT = (f"INSERT INTO reports (created_at, status, {', '.join(_INSERTED)}) "
           f"VALUES (?, 'new', {', '.join('?' * len(_INSERTED))}) RETURNING {', '.join(COLUMNS)}")


class ReportStore(ABC):
    """The reports database. Safe to share between threads; every method is one transaction.

    Subclasses supply :meth:`_run` (execute one statement and commit) and :meth:`close`.
    """

    url: str
    """Where the store is (a file path or a PostgreSQL URL without its password)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._salt: str | None = None

    @abstractmethod
    def _run(self, sql: str, params: tuple = (), *, script: bool = False) -> list[tuple]:
        """Execute ``sql`` (``?`` placeholders) in its own transaction, commit, return the rows."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def salt(self) -> str:
        """The store's secret salt for :func:`corridor.reports.model.client_hash`, made on first use."""
        if self._salt is None:
            self._run("INSERT INTO report_meta (key, value) VALUES ('client_salt', ?) ON CONFLICT (key) DO NOTHING",
                      (secrets.token_hex(16),))
            self._salt = self._run("SELECT value FROM report_meta WHERE key = 'client_salt'")[0][0]
        return self._salt

    def add(self, fields: dict, client: str = "") -> Report:
        """Store a new report and return it once committed.

        Parameters
        ----------
        fields : dict
            The output of :func:`corridor.reports.model.validate`.
        client : str
            The sender's hashed address (:func:`corridor.reports.model.client_hash`).

        Returns
        -------
        Report
            The stored report, with its id.
        """
        values = {**fields, "client": client}
        row = self._run(_INSERT, (utc_now(), *(values[c] for c in _INSERTED)))[0]
        return Report(*row)

    def get(self, report_id: int) -> Report:
        """The report with this id.

        Raises
        ------
        ReportError
            ``not_found`` when there is none.
        """
        rows = self._run(f"{_SELECT} WHERE id = ?", (self._id(report_id),))
        if not rows:
            raise ReportError("not_found", f"no report with id {report_id} in {self.url}")
        return Report(*rows[0])

    def _id(self, report_id: int) -> int:
        """``report_id`` if a stored id could have it (a 64-bit positive integer), else ``not_found``."""
        if not 0 < int(report_id) < 2**63:
            raise ReportError("not_found", f"no report with id {report_id} in {self.url}")
        return int(report_id)

    def list(self, status: str | None = None, *, limit: int = 100, offset: int = 0) -> list[Report]:
        """Reports, newest first.

        Parameters
        ----------
        status : str, optional
            Only reports with this status (one of :data:`~corridor.reports.model.STATUSES`).
        limit, offset : int
            Page through the list.
        """
        if status is not None and status not in STATUSES:
            raise ReportError("invalid", f"status must be one of {', '.join(STATUSES)}", "status")
        where, params = ("WHERE status = ? ", (status,)) if status else ("", ())
        rows = self._run(f"{_SELECT} {where}ORDER BY id DESC LIMIT ? OFFSET ?", (*params, int(limit), int(offset)))
        return [Report(*r) for r in rows]

    def count(self, status: str | None = None) -> int:
        """How many reports there are (with ``status``, if given)."""
        if status:
            return self._run("SELECT COUNT(*) FROM reports WHERE status = ?", (status,))[0][0]
        return self._run("SELECT COUNT(*) FROM reports")[0][0]

    def review(self, report_id: int, status: str, note: str = "") -> Report:
        """Mark a report ``resolved`` or ``rejected``, recording the maintainer's note or correction.

        A report already reviewed may be reviewed again (the last decision stands).

        Raises
        ------
        ReportError
            ``invalid`` for another status or a bad note, ``not_found`` for an unknown id.
        """
        if status not in ("resolved", "rejected"):
            raise ReportError("invalid", "a report can only be resolved or rejected", "status")
        note = validate_note(note)
        rows = self._run(f"UPDATE reports SET status = ?, resolution = ?, resolved_at = ? WHERE id = ? "
                         f"RETURNING {', '.join(COLUMNS)}", (status, note, utc_now(), self._id(report_id)))
        if not rows:
            raise ReportError("not_found", f"no report with id {report_id} in {self.url}")
        return Report(*rows[0])


class SqliteStore(ReportStore):
    """Reports in a SQLite file (WAL mode, ``synchronous=FULL``), created if missing.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created.
    """

    def __init__(self, path: str | os.PathLike):
        super().__init__()
        self.path = Path(path).expanduser()
        self.url = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        except (OSError, sqlite3.Error) as e:
            raise ReportError("unavailable", f"cannot open the reports database {self.path}: {e}") from e
        self._run(SCHEMA.format(id_column="INTEGER PRIMARY KEY AUTOINCREMENT"), script=True)

    def _run(self, sql, params=(), *, script=False):
        with self._lock:
            try:
                if script:
                    self._db.executescript(sql)
                    return []
                # a write takes the lock up front, so waiting writers queue instead of failing
                self._db.execute("BEGIN" if sql.startswith("SELECT") else "BEGIN IMMEDIATE")
                try:
                    rows = self._db.execute(sql, params).fetchall()
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                return rows
            except sqlite3.Error as e:
                raise ReportError("unavailable", f"reports database {self.path}: {e}") from e

    def close(self):
        with self._lock:
            self._db.close()


class PostgresStore(ReportStore):
    """Reports in a PostgreSQL database (tables created if missing), through psycopg 3.

    One connection shared under a lock; it is opened again if the server dropped it.

    Parameters
    ----------
    url : str
        A libpq URL, ``postgresql://user:password@host:port/dbname``.
    """

    def __init__(self, url: str):
        super().__init__()
        psycopg = require("psycopg", "postgres", "A postgresql:// reports database")
        self._psycopg = psycopg
        self._dsn = url
        info = psycopg.conninfo.conninfo_to_dict(url)
        self.url = f"postgresql://{info.get('user') or ''}@{info.get('host') or ''}:{info.get('port') or 5432}/" \
                   f"{info.get('dbname') or ''}"
        self._db = None
        self._run(SCHEMA.format(id_column="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"), script=True)

    def _connect(self):
        if self._db is None or self._db.closed or self._db.broken:
            self._db = self._psycopg.connect(self._dsn, autocommit=True, connect_timeout=10)
        return self._db

    def _run(self, sql, params=(), *, script=False):
        psycopg = self._psycopg
        with self._lock:
            try:
                db = self._connect()
                with db.transaction(), db.cursor() as cur:
                    if script:
                        # DDL only, no placeholders: one statement at a time
                        for statement in filter(str.strip, sql.split(";")):
                            cur.execute(statement)
                        return []
                    cur.execute(sql.replace("?", "%s"), params)
                    rows = cur.fetchall() if cur.description else []
                return rows
            except psycopg.Error as e:
                raise ReportError("unavailable", f"reports database {self.url}: {e}".strip()) from e

    def close(self):
        with self._lock:
            if self._db is not None:
                self._db.close()


def default_location() -> str:
    """``CORRIDOR_REPORTS_DB`` if set, else ``reports.sqlite3`` in the user data folder."""
    env = os.environ.get("CORRIDOR_REPORTS_DB")
    if env:
        return env
    import platformdirs

    return str(Path(platformdirs.user_data_dir("corridor")) / "reports.sqlite3")


def open_store(url: str | None = None) -> ReportStore:
    """Open the reports store at ``url``.

    Parameters
    ----------
    url : str, optional
        ``postgresql://...`` (or ``postgres://...``) for PostgreSQL; ``sqlite:///PATH`` or a
        plain file path for SQLite. Default: :func:`default_location`.

    Returns
    -------
    ReportStore
        Ready to use; tables are created if missing.

    Raises
    ------
    ReportError
        ``unavailable`` when the database cannot be opened or reached.
    """
    url = url or default_location()
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise ReportError("invalid", f"unsupported reports database {url.split('://')[0]}://; "
                                     "use a file path, sqlite:///PATH or postgresql://...")
    return SqliteStore(url)
