"""SQLite errors said plainly: what is wrong with the database and what to do about it.

SQLite's own messages ("database disk image is malformed", "file is not a database", "cannot
rollback - no transaction is active") name a symptom, not a cause or a remedy. The storage
turns each error it meets, at start or while running, into one of these sentences.
"""

from __future__ import annotations

__all__ = ["describe", "foreign_tables_problem"]

_BY_CODE = {
    "SQLITE_FULL": (
        "the disk (or the database's size limit) is full",
        "free some space on the disk that holds the database, then retry or restart",
    ),
    "SQLITE_CORRUPT": (
        "the database file is corrupted",
        "restore it from a backup, or move it away to start with an empty store",
    ),
    "SQLITE_NOTADB": (
        "the file is not a SQLite database",
        "pass --db a new path or a recorded-server database (this file was left untouched)",
    ),
    "SQLITE_READONLY": (
        "the database is read-only",
        "give the server write access to the file and its folder, or pass another --db",
    ),
    "SQLITE_CANTOPEN": (
        "the database file cannot be opened",
        "check that its folder exists and is writable, or pass another --db",
    ),
    "SQLITE_IOERR": (
        "the disk failed to read or write the database",
        "check the disk (and free space on it), then restart",
    ),
    "SQLITE_BUSY": (
        "another process holds a lock on the database",
        "stop the other server using this file, or pass another --db",
    ),
    "SQLITE_LOCKED": (
        "the database is locked",
        "stop the other server using this file, or pass another --db",
    ),
    "SQLITE_PERM": (
        "the operating system refused access to the database",
        "check the file's permissions, or pass another --db",
    ),
}


def _code(exc: BaseException) -> str:
    name = getattr(exc, "sqlite_errorname", None) or ""
    # Extended codes (SQLITE_IOERR_WRITE, SQLITE_CORRUPT_VTAB, ...) share their primary's remedy.
    for code in _BY_CODE:
        if name == code or name.startswith(code + "_"):
            return code
    text = str(exc).lower()
    if "disk is full" in text or "no space" in text:
        return "SQLITE_FULL"
    if "malformed" in text:
        return "SQLITE_CORRUPT"
    if "not a database" in text:
        return "SQLITE_NOTADB"
    return ""


def describe(exc: BaseException, path: str) -> str:
    """One sentence for ``exc`` met on the database at ``path``: the cause, then the remedy."""
    code = _code(exc)
    if not code:
        return f"database {path}: {exc}"
    cause, remedy = _BY_CODE[code]
    return f"database {path}: {cause} (SQLite: {exc}); {remedy}"


def foreign_tables_problem(
    path: str, tables: dict[str, str | None], version: int, ours: int
) -> str | None:
    """Why the database at ``path`` is not one of ours (so must not be touched), or None.

    ``tables`` maps each table's name to its ``CREATE`` statement; ``version`` is the file's
    ``user_version``. An empty file is ours to create; a file stamped with our version and
    holding our ``profiles`` table is ours; anything else is someone else's.
    """
    if not tables and version == 0:
        return None
    if version > ours:
        return (
            f"database {path}: schema version {version} is newer than this recorded-server "
            f"understands ({ours}); upgrade recorded-server or pass another --db"
        )
    profiles = tables.get("profiles") or ""
    known = all(column in profiles for column in ("profile_id", "customer_user_id", "document"))
    if version == ours and known:
        return None
    names = ", ".join(sorted(tables)) or "none"
    return (
        f"database {path}: not a recorded-server database (tables: {names}; user_version "
        f"{version}); pass --db a new path (the file was left untouched)"
    )
