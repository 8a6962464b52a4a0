"""Durability of the index: outbox rows written with the change, drained in order by one writer."""

import contextlib

import pytest
from sqlalchemy import func, select, text

from app.background import run_jobs_once
from app.search import indexer
from app.search import service as search_service
from app.search.models import OutboxOp, SearchOutbox
from app.search.postgres_backend import WRITER_LOCK_KEY
from app.search.whoosh_backend import WhooshBackend
from tests.forum_support import make_forum, reply, start_topic
from tests.search_support import search_as, urls_of


def pending(session) -> list[tuple[str, str]]:
    session.expire_all()
    return [
        (row.kind, row.op)
        for row in session.execute(
            select(SearchOutbox.kind, SearchOutbox.op).order_by(SearchOutbox.id)
        )
    ]


def test_changes_write_outbox_rows_in_their_transaction(session):
    forum = make_forum(session)
    savepoint = session.begin_nested()
    start_topic(session, forum.alice, forum.category)
    assert pending(session) == [("topic", "upsert"), ("post", "upsert")]
    savepoint.rollback()
    # The change rolled back: so did its outbox rows, nothing stale waits for the index.
    assert pending(session) == []


def test_drain_applies_rows_and_deletes_them(session, db, settings, search_backend):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, title="Inventaire des certificats")
    reply(session, forum.bob, topic, body="Nous utilisons un tableur partagé.")
    session.commit()
    assert len(pending(session)) == 3
    assert search_as(session, search_backend, forum.alice, "certificats").total == 0

    assert indexer.drain_outbox(db, settings) == 3
    assert pending(session) == []
    assert indexer.drain_outbox(db, settings) == 0
    found = search_as(session, search_backend, forum.alice, "tableur")
    assert urls_of(found) == [f"/t/{topic.slug}/{topic.id}/2"]


def test_drain_is_batched_and_keeps_order(session, db, settings, search_backend):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, title="Veille des vulnérabilités")
    for number in range(5):
        reply(session, forum.bob, topic, body=f"Bulletin numéro {number} du CERT")
    session.commit()
    assert indexer.drain_outbox(db, settings, batch=3) == 3
    assert len(pending(session)) == 4
    assert indexer.drain_outbox(db, settings, batch=3) == 3
    assert indexer.drain_outbox(db, settings, batch=3) == 1
    assert search_as(session, search_backend, forum.alice, "bulletin").matches == 5


def test_delete_row_and_missing_object_leave_the_index(session, db, settings, search_backend):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, title="Audit des sauvegardes")
    session.commit()
    indexer.drain_outbox(db, settings)
    assert search_as(session, search_backend, forum.alice, "sauvegardes").total == 1
    search_service.enqueue(session, kind="topic", object_id=topic.id, op=OutboxOp.DELETE)
    # An object the loader no longer finds (purged) leaves the index like a delete.
    search_service.enqueue(session, kind="post", object_id=10_000_000)
    session.commit()
    assert indexer.drain_outbox(db, settings) == 2
    assert search_as(session, search_backend, forum.alice, "sauvegardes").total == 0
    # The topic's first post is still there (it was not deleted).
    found = search_as(session, search_backend, forum.alice, "exercice")
    assert [result.kind for result in found.results] == ["post"]


def test_unknown_kind_is_refused_at_enqueue(session):
    with pytest.raises(ValueError, match="not a searchable kind"):
        search_service.enqueue(session, kind="meeting", object_id=1)


def test_rows_left_by_a_crash_are_drained_by_the_next_run(session, db, settings, search_backend):
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Plan de reprise après sinistre")
    session.commit()
    # The process "died" after the commit, before any drain: the rows wait in the table.
    assert len(pending(session)) == 2
    assert run_jobs_once(db, settings) >= 2
    assert pending(session) == []
    assert search_as(session, search_backend, forum.bob, "sinistre").total == 1


@contextlib.contextmanager
def lock_held_elsewhere(settings, engine):
    """The writer lock, held by another process (its own index handle or its own connection)."""
    if settings.search_backend == "postgres":
        with engine.connect() as other:
            assert other.scalar(text(f"select pg_try_advisory_lock({WRITER_LOCK_KEY})"))
            try:
                yield
            finally:
                other.execute(text(f"select pg_advisory_unlock({WRITER_LOCK_KEY})"))
                other.commit()
    else:
        other = WhooshBackend(settings.search_dir.resolve())
        with other.writer_lock(0) as locked:
            assert locked
            yield
        other.close()


def test_one_drainer_at_a_time(session, db, settings, engine, search_backend, monkeypatch):
    monkeypatch.setattr(indexer, "LOCK_WAIT_SECONDS", 0.1)
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Durcissement des postes")
    session.commit()
    with lock_held_elsewhere(settings, engine):
        # The second drainer gives up at once and leaves every row to the one writing.
        assert indexer.drain_outbox(db, settings) == 0
        assert len(pending(session)) == 2
        assert indexer.maintain_index(db, settings) == 0
    assert indexer.drain_outbox(db, settings) == 2
    assert search_as(session, search_backend, forum.alice, "durcissement").total == 1


def test_outbox_count_matches_enqueues(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    search_service.enqueue_many(session, kind="topic", object_ids=[topic.id, topic.id])
    search_service.enqueue_many(session, kind="topic", object_ids=[])
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 4
