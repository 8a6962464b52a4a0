"""The moderation log keeps every entry as written: no update, no delete."""

import pytest

from app.moderation import log
from tests.factories import NetworkFactory, UserFactory


def test_an_entry_is_written_then_never_changed(session):
    network = NetworkFactory()
    animator = UserFactory()
    entry = log.record(
        session,
        network=network,
        actor=animator,
        action="post.hide",
        target_kind="post",
        target_id=7,
        target_label="Horaires d'été",
        reason="hors sujet",
    )
    session.flush()
    assert session.scalars(log.entries_query(network, action="post.hide")).all() == [entry]
    assert session.scalars(log.entries_query(network, action="post.delete")).all() == []

    entry.reason = "autre chose"
    with pytest.raises(RuntimeError, match="cannot be changed"):
        session.flush()
    session.rollback()


def test_an_entry_cannot_be_deleted(session):
    network = NetworkFactory()
    entry = log.record(
        session,
        network=network,
        actor=None,
        action="topic.close",
        target_kind="topic",
        target_id=1,
    )
    session.flush()
    session.delete(entry)
    with pytest.raises(RuntimeError, match="cannot be changed"):
        session.flush()
    session.rollback()
