"""Development convenience: apply changed bank files to the running app without a restart.

On at most one request every few seconds, the YAML files' sizes and times are
compared with the last look; when they changed, the bank is loaded and, only if
it is valid, synced in one transaction. A bad edit is recorded and the last
good bank keeps being served. Turned on by `studyapp serve` (BANK_AUTO_SYNC).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app

from studyapp.bank import files, load, sync
from studyapp.db import new_session
from studyapp.errors import BankError

CHECK_EVERY_SECONDS = 2.0


def files_stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What identifies the current state of the bank files."""
    files = (p for p in directory.rglob("*") if p.suffix.lower() in load.SUFFIXES and p.is_file())
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


class BankWatcher:
    """Remembers the files' stamp and syncs when it changes."""

    def __init__(self, directory: Path, interval: float = CHECK_EVERY_SECONDS) -> None:
        self.directory = directory
        self.interval = interval
        self.stamp = files_stamp(directory)
        self.checked_at = time.monotonic()
        self.lock = threading.Lock()

    def check(self) -> None:
        """Sync the bank if its files changed since the last look (called before requests)."""
        if time.monotonic() - self.checked_at < self.interval or not self.lock.acquire(blocking=False):
            return
        try:
            self.checked_at = time.monotonic()
            stamp = files_stamp(self.directory)
            if stamp != self.stamp:
                self.stamp = stamp
                apply_files(current_app)
        finally:
            self.lock.release()


def apply_files(app: Flask) -> sync.SyncReport | None:
    """Sync the configured bank from its files; on problems log them (the sync records them) and change nothing."""
    try:  # in a session and transaction of its own: the request's may be a page view's, reading in autocommit
        with new_session() as session:
            report = files.sync_files(session, Path(app.config["QUESTIONS_DIR"]), app.config.get("SOURCE_TEXT"),
                                      datetime.now(timezone.utc))
    except BankError as error:
        app.logger.warning("bank not synced, %d problems:\n%s", len(error.problems), error)
        return None
    app.logger.info("bank synced: %s", report.summary())
    return report


def init_app(app: Flask) -> None:
    """Watch the questions folder when BANK_AUTO_SYNC is on."""
    if not app.config.get("BANK_AUTO_SYNC"):
        return
    watcher = BankWatcher(Path(app.config["QUESTIONS_DIR"]), float(app.config.get("BANK_CHECK_SECONDS", CHECK_EVERY_SECONDS)))
    app.before_request(watcher.check)
