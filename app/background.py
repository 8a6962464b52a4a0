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
from app.search.indexer import drain_outbox, maintain_index, warm_index

log = logging.getLogger(__name__)

Job = Callable[[Database, Settings], int]
# The search drain first: a new post should be findable within a second. Notification
# mail is composed into the outbox before the outbox is delivered. Index merges last, so
# they never delay the other work.
JOBS: list[Job] = [drain_outbox, send_notification_mail, deliver_pending_mail, maintain_index]
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


def run_forever(
    db: Database, settings: Settings, stop: threading.Event, *, poll_seconds: float = 0.25
) -> None:
    """`maillage worker`: the same jobs outside the server, polling since no commit of
    another process can wake it; it starts by catching up on whatever is waiting."""
    while not stop.is_set():
        if run_jobs_once(db, settings) == 0:
            stop.wait(poll_seconds)


class BackgroundWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.wake = threading.Event()
        event.listen(db.sessions, "after_commit", lambda _session: self.wake.set())

    async def run(self) -> None:
        try:
            await anyio.to_thread.run_sync(warm_index, self.db, self.settings)
        except Exception:
            log.exception("warming the search index failed")
        waited = IDLE_SECONDS
        while True:
            if self.wake.is_set() or waited >= IDLE_SECONDS:
                self.wake.clear()
                waited = 0.0
                await anyio.to_thread.run_sync(run_jobs_once, self.db, self.settings)
            await asyncio.sleep(TICK_SECONDS)
            waited += TICK_SECONDS
