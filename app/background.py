"""Background work inside the server process: drains outbox tables after commits.

Each job takes (db, settings), does a bounded batch and returns how much it did;
it runs in a worker thread because SMTP and the search index block. A commit on
any session of the app wakes the loop at once; otherwise it looks every few
seconds, which also picks up rows written by other processes or left by a crash.
"""

import asyncio
import logging
import threading
from collections.abc import Callable

import anyio
from sqlalchemy import event

from app.config import Settings
from app.db import Database
from app.notifications.delivery import deliver_pending_mail
from app.notifications.mailing import send_notification_mail

log = logging.getLogger(__name__)

Job = Callable[[Database, Settings], int]
# Notification mail is composed into the outbox before the outbox is delivered.
JOBS: list[Job] = [send_notification_mail, deliver_pending_mail]
IDLE_SECONDS = 5.0
TICK_SECONDS = 0.1


def run_jobs_once(db: Database, settings: Settings) -> int:
    """Run every job until none has anything left; returns the work done."""
    done = 0
    for job in JOBS:
        try:
            while (count := job(db, settings)) > 0:
                done += count
        except Exception:
            log.exception("background job %s failed", job.__name__)
    return done


class BackgroundWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.wake = threading.Event()
        event.listen(db.sessions, "after_commit", lambda _session: self.wake.set())

    async def run(self) -> None:
        waited = IDLE_SECONDS
        while True:
            if self.wake.is_set() or waited >= IDLE_SECONDS:
                self.wake.clear()
                waited = 0.0
                await anyio.to_thread.run_sync(run_jobs_once, self.db, self.settings)
            await asyncio.sleep(TICK_SECONDS)
            waited += TICK_SECONDS
