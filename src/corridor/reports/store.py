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
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path

from corridor.extras import require
from corridor.reports.model import STATUSES, Report, ReportError, utc_now, validate_note

# Ordered migrations: (version, what it does, DDL with {id_column}). Applied at start, each
# once, in order, in one transaction with its row in schema_version; never edit a released step,
# add the next one. Step 1 is the schema from before versioning (IF NOT EXISTS), so a database
# made by an older corridor is adopted as version 1 and then upgraded.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "reports and report_meta tables", """
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
"""),
    # a maintainer cleaning up one sender's spam selects by the hashed client address
    (2, "index reports by sender", "CREATE INDEX IF NOT EXISTS reports_by_client ON reports (client, id)"),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
POOL_MAX_CONNECTIONS = 8  # PostgreSQL connections per server process (its threadpool runs the requests)
_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                  "description TEXT NOT NULL, applied_at TEXT NOT NULL)")


def _statements(ddl: str):
    """The statements of a migration's DDL (no placeholders, so splitting on ';' is safe)."""
    return [s for s in (part.strip() for part in ddl.split(";")) if s]


COLUMNS = ("id", "created_at", "status", "selected_text", "context_before", "context_after", "comment",
           "source_url", "page", "query", "data_version", "client", "resolution", "resolved_at")
_INSERTED = COLUMNS[3:12]
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM reports"
_INSERT = (f"INSERT INTO reports (created_at, status, {', '.join(_INSERTED)}) "
           f"VALUES (?, 'new', {', '.join('?' * len(_INSERTED))}) RETURNING {', '.join(COLUMNS)}")


class ReportStore(ABC):
    """The reports database. Safe to share between threads; every method is one transaction.

    Subclasses supply :meth:`_transaction` and :meth:`close`, and call :meth:`_migrate` once open.
    """

    url: str
    """Where the store is (a file path or a PostgreSQL URL without its password)."""

    _ID_COLUMN: str
    """The id column's DDL in this backend."""

    _MIGRATION_LOCK: str | None = None
    """A statement run first in the migration transaction so two processes never migrate at once."""

    def __init__(self):
        self._salt: str | None = None

    @abstractmethod
    def _transaction(self, write: bool = True) -> AbstractContextManager[Callable[[str, tuple], list[tuple]]]:
        """A context in one transaction, committed on exit (rolled back on an exception); it gives
        ``execute(sql, params) -> rows`` with ``?`` placeholders. ``write=False`` promises only reads."""

    @abstractmethod
    def close(self) -> None:
        """Close the connections; the store cannot be used afterwards."""

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Execute ``sql`` (``?`` placeholders) in its own transaction, commit, return the rows."""
        with self._transaction(write=not sql.startswith("SELECT")) as execute:
            return execute(sql, params)

    def schema_version(self) -> int:
        """The highest migration applied to this database."""
        return self._run("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0]

    def _migrate(self) -> None:
        """Apply the :data:`MIGRATIONS` this database has not had yet, in order, in one transaction."""
        with self._transaction() as execute:
            if self._MIGRATION_LOCK:
                execute(self._MIGRATION_LOCK, ())
            execute(_VERSION_TABLE, ())
            current = execute("SELECT COALESCE(MAX(version), 0) FROM schema_version", ())[0][0]
            if current > SCHEMA_VERSION:
                raise ReportError("unavailable", f"the reports database {self.url} has schema version {current}, "
                                                 f"newer than this corridor knows ({SCHEMA_VERSION}); upgrade corridor")
            for version, description, ddl in MIGRATIONS:
                if version > current:
                    for statement in _statements(ddl.format(id_column=self._ID_COLUMN)):
                        execute(statement, ())
                    execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                            (version, description, utc_now()))

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

    One connection under a lock: SQLite takes one writer at a time anyway.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created.
    """

    _ID_COLUMN = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, path: str | os.PathLike):
        super().__init__()
        self._lock = threading.Lock()
        self.path = Path(path).expanduser()
        self.url = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        except (OSError, sqlite3.Error) as e:
            raise ReportError("unavailable", f"cannot open the reports database {self.path}: {e}") from e
        self._migrate()

    @contextmanager
    def _transaction(self, write=True):
        with self._lock:
            try:
                # a write takes the lock up front, so waiting writers queue instead of failing
                self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield lambda sql, params: self._db.execute(sql, params).fetchall()
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as e:
                raise ReportError("unavailable", f"reports database {self.path}: {e}") from e

    def close(self):
        with self._lock:
            self._db.close()


class PostgresStore(ReportStore):
    """Reports in a PostgreSQL database (tables created or upgraded at start), through psycopg 3.

    A pool of connections (psycopg_pool), so requests run side by side; a connection the
    server dropped is noticed when taken from the pool and replaced.

    Parameters
    ----------
    url : str
        A libpq URL, ``postgresql://user:password@host:port/dbname``.
    max_connections : int
        The pool's largest size.
    """

    _ID_COLUMN = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    _MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(7305431876253271)"  # any fixed number, corridor's own
    CONNECT_TIMEOUT_S = 10

    def __init__(self, url: str, *, max_connections: int = POOL_MAX_CONNECTIONS):
        super().__init__()
        psycopg = require("psycopg", "postgres", "A postgresql:// reports database")
        pool = require("psycopg_pool", "postgres", "A postgresql:// reports database")
        self._errors = (psycopg.Error, pool.PoolTimeout)
        info = psycopg.conninfo.conninfo_to_dict(url)
        self.url = f"postgresql://{info.get('user') or ''}@{info.get('host') or ''}:{info.get('port') or 5432}/" \
                   f"{info.get('dbname') or ''}"
        options = {"autocommit": True, "connect_timeout": self.CONNECT_TIMEOUT_S}
        self._pool = pool.ConnectionPool(url, min_size=1, max_size=max_connections, open=False, kwargs=options,
                                         timeout=self.CONNECT_TIMEOUT_S, check=pool.ConnectionPool.check_connection,
                                         name="corridor-reports")
        # migrate on one plain connection first: an unreachable server fails at once with its own
        # error, where the pool would retry until its timeout
        self._connection = partial(psycopg.connect, url, **options)
        self._migrate()
        self._pool.open(wait=False)
        self._connection = self._pool.connection

    @contextmanager
    def _transaction(self, write=True):
        try:
            with self._connection() as db, db.transaction(), db.cursor() as cur:
                def execute(sql, params):
                    cur.execute(sql.replace("?", "%s"), params)
                    return cur.fetchall() if cur.description else []

                yield execute
        except self._errors as e:
            raise ReportError("unavailable", f"reports database {self.url}: {e}".strip()) from e

    def close(self):
        self._pool.close()


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
