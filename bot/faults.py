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
    "telegram.ext.AIORateLimiter",
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


def store_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) means the database cannot be reached or is locked,
    rather than a bug: the user is told to try again shortly."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
