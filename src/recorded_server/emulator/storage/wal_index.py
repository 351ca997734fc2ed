"""Whether a WAL database has changed, without a query: the wal-index header in its ``-shm`` file.

A kept read (:meth:`~.sqlite.Storage.get`) is valid while nothing was committed since it was
made. ``PRAGMA data_version`` says so, but it is a statement in its own read transaction, and a
WAL read transaction takes and drops a shared lock on the ``-shm`` file: two ``fcntl`` system
calls, which cost a GET of a kept profile about a tenth of its CPU under load. SQLite keeps the
wal-index header at the start of that file, mapped into the memory of every connection, and
rewrites it at the end of every commit, as the step that makes the commit visible to readers
(`the WAL file format <https://www.sqlite.org/walformat.html>`_, section 2.1: ``iChange``, a
counter of transactions, ``mxFrame``, the last valid frame, and the salts change with every
commit and every WAL restart). Reading its first copy from a read-only mapping of the file is
a memory read: a header that differs from the last one seen means something was committed (by
this server or any other process), and the kept reads are dropped.
"""

from __future__ import annotations

import mmap
import os

__all__ = ["HEADER_SIZE", "WalIndexHeader"]

HEADER_SIZE = 48
"""Bytes of one copy of the wal-index header (``WalIndexHdr``); SQLite writes the second copy,
then this first one, at the end of a commit."""


class WalIndexHeader:
    """A read-only mapping of the first page of a WAL database's ``-shm`` file."""

    __slots__ = ("_map",)

    def __init__(self, database_path: str) -> None:
        """Map ``database_path + "-shm"``; :class:`OSError` or :class:`ValueError` when it
        cannot be (no such file yet, a file shorter than the header, no ``mmap``)."""
        fd = os.open(database_path + "-shm", os.O_RDONLY)
        try:
            if os.fstat(fd).st_size < HEADER_SIZE:
                raise ValueError("the -shm file holds no wal-index header yet")
            self._map = mmap.mmap(fd, HEADER_SIZE, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)  # the mapping keeps the file

    def snapshot(self) -> bytes:
        """The header as it is now: different from an earlier snapshot iff a commit (or a WAL
        restart) came in between."""
        return self._map[:HEADER_SIZE]

    def close(self) -> None:
        self._map.close()
