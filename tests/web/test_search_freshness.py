"""Freshness: with the server's background task running, a commit becomes searchable and a
hidden or deleted post disappears, with no one draining the outbox by hand.

The one-second target is measured by the benchmark (post-to-searchable delay); here the
deadline is wide, so that a busy machine never fails the suite, yet a drain that never
runs still does."""

import time

import pytest

from app.db import utcnow
from app.forum import posting
from app.main import create_app
from app.networks.models import ContentVisibility
from app.search import service as search_service
from tests.conftest import WebClient
from tests.factories import ALL_FACTORIES
from tests.forum_support import make_forum, reply, start_topic

DEADLINE_SECONDS = 15.0


def seconds_until(client, word: str, *, total: int) -> float:
    """How long until a search for `word` counts `total` results (fails after the deadline)."""
    started = time.monotonic()
    while True:
        found = client.get("/api/v1/search", params={"q": word}).json()
        elapsed = time.monotonic() - started
        if found["total"] == total:
            return elapsed
        assert elapsed < DEADLINE_SECONDS, (
            f"{word!r}: {found['total']} results after {elapsed:.2f} s"
        )
        time.sleep(0.02)


@pytest.fixture
def live(settings, committed_db):
    """A running app (lifespan and background task) on a database whose commits are real."""
    live_settings = settings.model_copy(update={"background_tasks": True, "search_per_minute": 0})
    app = create_app(live_settings, database=committed_db)
    with committed_db.session() as session:
        for factory in ALL_FACTORIES:
            factory._meta.sqlalchemy_session = session
        with WebClient(app, base_url="http://testserver") as client:
            yield session, client


def test_posts_appear_and_disappear_by_themselves(live):
    session, client = live
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    topic = start_topic(session, forum.alice, forum.category, title="Gestion des correctifs")
    session.commit()
    seconds_until(client, "correctifs", total=1)

    post = reply(
        session, forum.bob, topic, body="Nous appliquons les correctifs critiques sous 48 heures."
    )
    session.commit()
    seconds_until(client, "critiques", total=1)

    posting.edit_post(session, actor=forum.bob, post=post, body="Sous une semaine, en pratique.")
    session.commit()
    seconds_until(client, "critiques", total=0)
    seconds_until(client, "pratique", total=1)

    # Moderation hides or deletes, and queues the post in the same transaction.
    post.hidden_at = utcnow()
    search_service.enqueue(session, kind="post", object_id=post.id)
    session.commit()
    seconds_until(client, "pratique", total=0)

    first = posting.get_post_by_number(session, topic, 1)
    first.deleted_at = utcnow()
    search_service.enqueue(session, kind="post", object_id=first.id)
    session.commit()
    seconds_until(client, "exercice", total=0)
