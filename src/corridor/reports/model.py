"""A data-error report: what a reader selected, where, what they said, and what became of it.

Everything a reader sends goes through :func:`validate` first, which checks types, lengths
and characters and returns the fields to store verbatim (no trimming, no rewriting): what
is stored is exactly what was sent, or nothing is stored and the error says why.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from corridor.errors import CorridorError

STATUSES = ("new", "resolved", "rejected")
"""A report starts ``new``; a maintainer ``resolve``\\ s it (the data was wrong) or ``reject``\\ s it."""

LIMITS = {
    "selected_text": 500,
    "context_before": 1000,
    "context_after": 1000,
    "comment": 2000,
    "source_url": 500,
    "page": 500,
    "query": 1000,
    "data_version": 64,
}
"""Maximum length, in characters, of each field a reader sends."""

NOTE_LIMIT = 2000
"""Maximum length of a maintainer's resolution note."""

MAX_BODY_BYTES = 16 * 1024
"""Largest request body accepted (all limits above fit in it with room for UTF-8 and JSON)."""

# C0 controls except tab, newline and carriage return; DEL; C1 controls. They are refused
# rather than stripped: NUL cannot be stored in PostgreSQL text, and escape sequences would
# reach a maintainer's terminal through ``corridor reports show``.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_VERSION = re.compile(r"[A-Za-z0-9._:+-]*")


class ReportError(CorridorError):
    """A report that cannot be accepted or a review action that cannot be done.

    Parameters
    ----------
    code : str
        Machine-readable reason: ``too_long``, ``invalid``, ``missing``, ``not_found``,
        ``unavailable``, ``rate_limited`` or ``misconfigured``.
    message : str
        What is wrong and how to fix it, for a person.
    field : str, optional
        The offending input field, when there is one.
    """

    def __init__(self, code: str, message: str, field: str | None = None):
        self.code = code
        self.field = field
        super().__init__(message)

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """``4`` when the store cannot be reached, ``2`` for anything the user can change."""
        return 4 if self.code == "unavailable" else 2

    def to_dict(self) -> dict:
        """The error as the JSON object the HTTP API returns."""
        out = {"code": self.code, "message": str(self)}
        if self.field:
            out["field"] = self.field
        return out


@dataclass(frozen=True)
class Report:
    """One stored report.

    Attributes
    ----------
    id : int
        Assigned by the store.
    created_at : str
        UTC time stamp, ISO 8601 with seconds (``2026-11-27T21:30:00Z``).
    status : str
        One of :data:`STATUSES`.
    selected_text, context_before, context_after : str
        The text the reader selected and what surrounded it on the page.
    comment : str
        What the reader says is wrong (may be empty: the selection alone is a report).
    source_url : str
        An http(s) link backing the correction, or empty.
    page : str
        The page the text was on (its URL, or the file name of an offline report).
    query : str
        The query that produced the page, e.g. ``?from=PECHY&to=CNSHA``.
    data_version : str
        Fingerprint of the compiled network the page was made from.
    client : str
        A salted hash of the sender's address (never the address itself).
    resolution : str
        The maintainer's note or correction when resolved or rejected.
    resolved_at : str or None
        When it was resolved or rejected.
    """

    id: int
    created_at: str
    status: str
    selected_text: str
    context_before: str
    context_after: str
    comment: str
    source_url: str
    page: str
    query: str
    data_version: str
    client: str
    resolution: str
    resolved_at: str | None

    def to_dict(self) -> dict:
        """All fields, for JSON."""
        return asdict(self)


def utc_now() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def client_hash(address: str, salt: str) -> str:
    """A short salted hash of a client address, to group reports by sender without storing who.

    Parameters
    ----------
    address : str
        The client's IP address.
    salt : str
        The store's secret salt (:meth:`corridor.reports.store.ReportStore.salt`).

    Returns
    -------
    str
        16 hex digits.
    """
    return hashlib.sha256(f"{salt}\n{address}".encode()).hexdigest()[:16]


def _check_text(name: str, value, limit: int) -> str:
    if not isinstance(value, str):
        raise ReportError("invalid", f"{name} must be a string", name)
    if len(value) > limit:
        raise ReportError("too_long", f"{name} is {len(value)} characters long; the limit is {limit}", name)
    if _CONTROL.search(value):
        raise ReportError("invalid", f"{name} contains control characters (only tab and newline are allowed)",
                          name)
    return value


def validate(payload) -> dict:
    """Check what a reader sent and return the fields to store.

    Parameters
    ----------
    payload : dict
        ``selected_text`` (required, non-blank) and optionally ``context_before``,
        ``context_after``, ``comment``, ``source_url``, ``page``, ``query`` and
        ``data_version``; all strings within :data:`LIMITS`.

    Returns
    -------
    dict
        Every field of :data:`LIMITS`, missing ones as empty strings, values unchanged.

    Raises
    ------
    ReportError
        ``too_long`` when a field exceeds its limit, ``missing`` when there is no selected
        text, ``invalid`` for anything else (unknown field, wrong type, control characters,
        a source link that is not http(s), a malformed data version).
    """
    if not isinstance(payload, dict):
        raise ReportError("invalid", "the report must be a JSON object")
    unknown = sorted(set(payload) - set(LIMITS))
    if unknown:
        raise ReportError("invalid", f"unknown field(s): {', '.join(map(str, unknown))[:200]}; "
                                     f"accepted: {', '.join(LIMITS)}", str(unknown[0])[:100])
    out = {name: _check_text(name, payload.get(name, ""), limit) for name, limit in LIMITS.items()}
    if not out["selected_text"].strip():
        raise ReportError("missing", "selected_text is empty: select or type the text that is wrong",
                          "selected_text")
    if out["source_url"]:
        parts = urlsplit(out["source_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in out["source_url"]):
            raise ReportError("invalid", "source_url must be an http:// or https:// link", "source_url")
    if not _VERSION.fullmatch(out["data_version"]):
        raise ReportError("invalid", "data_version may only contain letters, digits and . _ : + -",
                          "data_version")
    return out


def validate_note(note) -> str:
    """Check a maintainer's resolution note (a string of at most :data:`NOTE_LIMIT` characters)."""
    return _check_text("note", "" if note is None else note, NOTE_LIMIT)
