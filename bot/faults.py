"""Faults the bot rides out: the Bot API server failing (429, 500, timeouts, dropped
connections) and the store being unavailable for a while.

PTB retries polling on its own, and the error handler reports each failure; while the server
is down that is one log line per retry. `LogFloodFilter` lets one line of a kind through per
interval and says how many it held back, so the log stays readable through an outage.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Literal

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# The loggers that report Bot API and store failures: the error handler (bot.app), PTB's
# polling loop and rate limiter, the notifier's job, the job queue.
FLOOD_PRONE_LOGGERS: tuple[str, ...] = (
    "bot.app",
    "bot.notify",
    "telegram.ext",
    "telegram.ext.Updater",
    "telegram.ext.Application",
    "bot.pacing",
    "telegram.ext.JobQueue",
    "httpx",
)


_PLACEHOLDER = re.compile(r"%[-#0-9. +]*[a-zA-Z]")


class LogFloodFilter(logging.Filter):
    """One record of a kind per `interval` seconds; the next one let through carries the count.

    A kind is (logger, level, message template): "Nätverksfel mot Bot API: %s" is one kind
    whatever the error text, so a server that fails differently on every retry still gives one
    line a minute.
    """

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[tuple[str, int, str], float] = {}
        self._held: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            self._last[key] = now
            held = self._held.pop(key, 0)
            if len(self._last) > 1000:  # kinds seen long ago are forgotten
                cutoff = now - self.interval
                self._last = {k: t for k, t in self._last.items() if t >= cutoff}
        if held:
            record.msg = f"{record.msg} [{held} likadana meddelanden undertryckta senaste {self.interval:g} s]"
        return True

    def report_held(self) -> None:
        """Log what is still held back (at shutdown): no failure goes uncounted."""
        with self._lock:
            held, self._held = self._held, {}
        for (name, level, msg), count in held.items():
            # Formatted here, without args: each kind's summary is a kind of its own.
            text = f"{_PLACEHOLDER.sub('…', msg)} [{count} likadana meddelanden undertryckta]"
            logging.getLogger(name).log(level, text)


_installed: LogFloodFilter | None = None


def remove_log_flood_filter() -> None:
    """Report what is held back and detach the filter (at shutdown): the next Application in
    this process, a test's or a restarted one's, starts with a clean slate."""
    global _installed
    if _installed is None:
        return
    _installed.report_held()
    for name in FLOOD_PRONE_LOGGERS:
        logging.getLogger(name).removeFilter(_installed)
    _installed = None


def install_log_flood_filter(
    interval: float = 60.0, loggers: Iterable[str] = FLOOD_PRONE_LOGGERS
) -> LogFloodFilter:
    """Attach one shared filter to the flood-prone loggers (once per process)."""
    global _installed
    if _installed is None:
        _installed = LogFloodFilter(interval)
    for name in loggers:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
    return _installed


StoreFault = Literal["conflict", "busy", "connection", "limit"]
"""What a store error is, when it is not a bug:

- ``conflict``: this transaction lost a race (SQLite's snapshot moved under a deferred
  transaction that then wrote; PostgreSQL serialization failure or deadlock). Running the whole
  transaction again succeeds.
- ``busy``: another writer held the lock longer than we wait (SQLite's busy timeout, a
  PostgreSQL lock or statement timeout). The store is up; trying again shortly works.
- ``connection``: the store cannot be reached (refused, dropped, the file cannot be opened).
- ``limit``: the store is up but has hit a limit (disk full, too many connections, the pool
  exhausted, out of memory).

Anything else (no such table, a constraint, bad SQL) is a bug and is reported as one.
"""

# PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_PG_CONFLICT = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_PG_BUSY = {"55P03", "57014"}  # lock_not_available, query_canceled (statement/lock timeout)
_PG_CONNECTION_CLASSES = ("08", "57P")  # connection exception; admin/crash shutdown, cannot connect now
_PG_LIMIT_CLASSES = ("53",)  # insufficient resources: disk full, out of memory, too many connections
# SQLite result codes (https://www.sqlite.org/rescode.html): the primary code is the low byte
_SQLITE_BUSY_SNAPSHOT = 517
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_CONNECTION = {10, 14, 26}  # IOERR, CANTOPEN, NOTADB
_SQLITE_LIMIT = {7, 13, 18}  # NOMEM, FULL, TOOBIG


def _classify_driver_error(orig: BaseException) -> StoreFault | None:
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        if code == _SQLITE_BUSY_SNAPSHOT:
            return "conflict"
        primary = code & 0xFF
        if primary in _SQLITE_BUSY:
            return "busy"
        if primary in _SQLITE_CONNECTION:
            return "connection"
        if primary in _SQLITE_LIMIT:
            return "limit"
        return None
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        if sqlstate in _PG_CONFLICT:
            return "conflict"
        if sqlstate in _PG_BUSY:
            return "busy"
        if sqlstate.startswith(_PG_CONNECTION_CLASSES):
            return "connection"
        if sqlstate.startswith(_PG_LIMIT_CLASSES):
            return "limit"
        return None
    # psycopg raises OperationalError without a SQLSTATE when it never got a server to talk to
    if type(orig).__name__ in ("OperationalError", "InterfaceError"):
        return "connection"
    return None


def store_fault(exc: BaseException | None) -> StoreFault | None:
    """What kind of store failure ``exc`` (or what caused it) is, or None for a bug."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, PoolTimeoutError):
            return "limit"
        if isinstance(exc, DBAPIError):
            if exc.connection_invalidated:
                return "connection"
            if exc.orig is not None:
                kind = _classify_driver_error(exc.orig)
                if kind is not None or isinstance(exc, OperationalError | InterfaceError):
                    return kind
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def store_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the store failing (any `StoreFault`) rather than a bug: the user is
    told what happened and to try again, without a traceback in the log."""
    return store_fault(exc) is not None
