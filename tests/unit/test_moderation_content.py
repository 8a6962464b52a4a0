"""Content moderation services: flags, the queue, post and topic actions, watched words,
new members' posts held, slow mode, and what each leaves in the log, notifications and search."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, Invalid, RateLimited
from app.forum import lists, reading
from app.forum.lists import ListKind
from app.forum.models import PinScope, Post, Topic
from app.moderation import flags, posts, queue, screening, settings, topics, watched
from app.moderation.content_models import FlagReason, WatchedAction
from app.moderation.models import ModerationLogEntry
from app.networks.models import Role
from app.notifications.models import Notification, NotificationKind
from app.search import indexer
from tests.factories import CategoryFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic
from tests.search_support import principal_of, search_as


@pytest.fixture
def forum(session):
    return make_forum(session)


def _actions(session, network) -> list[str]:
    return list(
        session.scalars(
            select(ModerationLogEntry.action)
            .where(ModerationLogEntry.network_id == network.id)
            .order_by(ModerationLogEntry.id)
        )
    )


def _notes(session, user) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == NotificationKind.MODERATION
            )
        )
    )


def _visible_numbers(session, topic, viewer) -> list[int]:
    return reading.load_skeleton(
        session, topic, include_hidden=False, viewer_id=viewer.id if viewer else None
    ).numbers


def test_fold_and_patterns():
    assert watched.fold("Sécurité") == "securite"
    assert watched.pattern_for("securite").search(watched.fold("La Sécurité, enfin"))
    assert watched.pattern_for("arnaque*").search("des arnaques partout")
    assert not watched.pattern_for("arnaque").search("des arnaques partout")


def test_a_flag_per_member_and_enough_flags_hide_the_post(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic)
    settings.update_settings(
        session, actor=forum.animator, network=forum.network, flags_to_hide=2, new_member_hold=0
    )
    flags.flag_post(session, actor=forum.bob, post=post, reason=FlagReason.SPAM)
    with pytest.raises(Conflict) as raised:
        flags.flag_post(session, actor=forum.bob, post=post, reason=FlagReason.OFF_TOPIC)
    assert raised.value.code == "already_flagged"
    assert post.is_visible
    carol = UserFactory(member_of=forum.network)
    flags.flag_post(session, actor=carol, post=post, reason="other", text="Hors charte")
    assert not post.is_visible and post.hidden_by_id is None
    assert _actions(session, forum.network)[-1] == "post.auto_hide"
    assert [item.post.id for item in queue.list_queue(session, forum.network).items] == [post.id]


def test_other_needs_a_text_and_system_reasons_are_refused(session, forum):
    post = start_topic(session, forum.alice, forum.category)
    first = session.scalar(select(Post).where(Post.topic_id == post.id))
    with pytest.raises(Invalid):
        flags.flag_post(session, actor=forum.bob, post=first, reason="other", text="  ")
    with pytest.raises(Invalid):
        flags.flag_post(session, actor=forum.bob, post=first, reason="watched_word")


def test_hide_restore_delete_undelete_tell_the_author_and_log(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic)
    flags.flag_post(session, actor=forum.bob, post=post, reason=FlagReason.SPAM)
    posts.hide_post(session, actor=forum.animator, post=post, reason="Publicité")
    assert not post.is_visible
    assert queue.list_queue(session, forum.network).items == []  # flags resolved
    assert _visible_numbers(session, topic, forum.bob) == [1]
    posts.restore_post(session, actor=forum.animator, post=post)
    assert post.is_visible
    posts.delete_post(session, actor=forum.animator, post=post, reason="Doublon")
    assert _visible_numbers(session, topic, forum.alice) == [1]
    posts.undelete_post(session, actor=forum.animator, post=post)
    assert post.is_visible
    with pytest.raises(Invalid):
        posts.hide_post(session, actor=forum.animator, post=post, reason=" ")
    assert [n.title for n in _notes(session, forum.alice)] == [
        "Your post was hidden",
        "Your post was deleted",
    ]
    assert _notes(session, forum.alice)[0].excerpt == "Publicité"
    assert _actions(session, forum.network) == [
        "post.flag",
        "post.hide",
        "post.restore",
        "post.delete",
        "post.undelete",
    ]


def test_hiding_the_first_post_hides_the_topic_from_lists(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    first = session.scalar(select(Post).where(Post.topic_id == topic.id, Post.post_number == 1))
    posts.hide_post(session, actor=forum.animator, post=first, reason="Hors sujet")
    assert topic.hidden_at is not None

    def listed(user):
        principal = principal_of(session, user)
        found = lists.list_topics(session, principal, [forum.network], kind=ListKind.LATEST)
        return [row.id for row in found.topics]

    assert listed(forum.bob) == []
    assert listed(forum.animator) == [topic.id]
    posts.restore_post(session, actor=forum.animator, post=first)
    assert listed(forum.bob) == [topic.id]


def test_staff_edit_shows_its_reason_and_warn_notifies(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic, body="Achetez ici")
    posts.edit_post(session, actor=forum.animator, post=post, body="[retiré]", reason="Publicité")
    assert post.body == "[retiré]" and post.staff_edit_reason == "Publicité"
    posts.warn_author(session, actor=forum.animator, post=post, reason="Dernier avertissement")
    assert [n.title for n in _notes(session, forum.alice)] == [
        "Your post was edited",
        "A warning about your post",
    ]


def test_new_members_posts_wait_for_approval(session, forum):
    settings.update_settings(
        session, actor=forum.animator, network=forum.network, flags_to_hide=3, new_member_hold=1
    )
    topic = start_topic(session, forum.animator, forum.category)  # staff are exempt
    held = reply(session, forum.bob, topic, body="Bonjour à tous")
    assert held.held and not held.is_visible
    assert _visible_numbers(session, topic, forum.alice) == [1]
    assert _visible_numbers(session, topic, forum.bob) == [1, 2]  # the author sees it
    assert [item.post.id for item in queue.list_queue(session, forum.network).items] == [held.id]
    posts.approve_post(session, actor=forum.animator, post=held)
    assert held.is_visible and not held.held
    assert not reply(session, forum.bob, topic, body="Encore").held  # one approved post is enough


def test_a_held_new_topic_is_hidden_until_approved(session, forum):
    settings.update_settings(
        session, actor=forum.animator, network=forum.network, flags_to_hide=3, new_member_hold=2
    )
    topic = start_topic(session, forum.bob, forum.category)
    assert topic.hidden_at is not None
    first = session.scalar(select(Post).where(Post.topic_id == topic.id))
    posts.approve_post(session, actor=forum.animator, post=first)
    assert topic.hidden_at is None


def test_watched_words_block_hold_and_flag(session, forum):
    for word, action in (
        ("arnaque*", WatchedAction.BLOCK),
        ("securite", WatchedAction.HOLD),
        ("concurrent", WatchedAction.FLAG),
    ):
        watched.add_word(
            session, actor=forum.animator, network=forum.network, word=word, action=action
        )
    topic = start_topic(session, forum.alice, forum.category)
    with pytest.raises(Invalid) as raised:
        reply(session, forum.bob, topic, body="Encore des Arnaques !")
    assert "arnaque*" in raised.value.message and raised.value.code == "watched_word_blocked"
    held = reply(session, forum.bob, topic, body="La Sécurité d'abord")
    assert held.held and "securite" in held.hidden_reason
    flagged = reply(session, forum.bob, topic, body="Chez le CONCURRENT")
    assert flagged.is_visible
    waiting = {item.post.id: item for item in queue.list_queue(session, forum.network).items}
    assert set(waiting) == {held.id, flagged.id}
    assert waiting[flagged.id].flags[0].reason == FlagReason.WATCHED_WORD
    with pytest.raises(Conflict):
        watched.add_word(
            session, actor=forum.animator, network=forum.network, word="SÉCURITÉ", action="flag"
        )
    # Edits are screened too.
    post = reply(session, forum.alice, topic, body="Rien à signaler")
    from app.forum import posting

    with pytest.raises(Invalid):
        posting.edit_post(session, actor=forum.alice, post=post, body="une arnaque")
    words = watched.list_words(session, forum.network)
    watched.remove_word(session, actor=forum.animator, network=forum.network, word=words[0])
    assert len(watched.list_words(session, forum.network)) == 2


def test_slow_mode_names_the_wait_and_spares_staff(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    topics.set_slow_mode(session, actor=forum.animator, topic=topic, minutes=10)
    reply(session, forum.bob, topic)
    with pytest.raises(RateLimited) as raised:
        reply(session, forum.bob, topic)
    assert raised.value.code == "slow_mode" and "10 minutes" in raised.value.message
    reply(session, forum.animator, topic)
    reply(session, forum.animator, topic)
    last = session.scalar(
        select(Post).where(Post.topic_id == topic.id, Post.user_id == forum.bob.id)
    )
    last.created_at -= timedelta(minutes=11)
    session.flush()
    reply(session, forum.bob, topic)


def test_close_archive_move_edit_pin(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    other = CategoryFactory(network=forum.network, slug="autre")
    topics.close_topic(session, actor=forum.animator, topic=topic, reason="Résolu")
    with pytest.raises(Conflict):
        reply(session, forum.bob, topic)
    topics.reopen_topic(session, actor=forum.animator, topic=topic)
    topics.archive_topic(session, actor=forum.animator, topic=topic)
    with pytest.raises(Conflict) as raised:
        reply(session, forum.bob, topic)
    assert raised.value.code == "topic_archived"
    principal = principal_of(session, forum.bob)
    assert lists.list_topics(session, principal, [forum.network], kind=ListKind.LATEST).topics == []
    topics.unarchive_topic(session, actor=forum.animator, topic=topic)
    topics.move_topic(session, actor=forum.animator, topic=topic, category=other)
    assert topic.category_id == other.id
    foreign = CategoryFactory()
    with pytest.raises(Invalid):
        topics.move_topic(session, actor=forum.animator, topic=topic, category=foreign)
    topics.edit_topic(
        session, actor=forum.animator, topic=topic, title="Nouveau titre", tags=["nis2"]
    )
    assert topic.slug == "nouveau-titre"
    topics.pin_topic(
        session, actor=forum.animator, topic=topic, scope=PinScope.CATEGORY, is_announcement=False
    )
    topics.pin_topic(
        session, actor=forum.animator, topic=topic, scope=PinScope.NONE, is_announcement=False
    )
    assert _actions(session, forum.network) == [
        "topic.close",
        "topic.reopen",
        "topic.archive",
        "topic.unarchive",
        "topic.move",
        "topic.edit",
        "topic.pin",
        "topic.unpin",
    ]


def test_split_and_merge(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    a = reply(session, forum.bob, topic, body="A")
    b = reply(session, forum.alice, topic, body="B", reply_to=a)
    reply(session, forum.bob, topic, body="C")
    new = topics.split_topic(
        session, actor=forum.animator, topic=topic, post_numbers=[2, 3], title="Sous-sujet"
    )
    assert (a.topic_id, a.post_number, b.post_number, b.reply_to_post_number) == (new.id, 1, 2, 1)
    assert topic.post_count == 2 and new.post_count == 2 and new.user_id == forum.bob.id
    with pytest.raises(Invalid):
        topics.split_topic(
            session, actor=forum.animator, topic=topic, post_numbers=[1], title="Non"
        )
    into = topics.merge_topic(session, actor=forum.animator, topic=new, into=topic)
    assert into is topic and new.merged_into_id == topic.id
    numbers = session.scalars(
        select(Post.post_number).where(Post.topic_id == topic.id).order_by(Post.post_number)
    ).all()
    assert numbers == [1, 4, 5, 6] and topic.post_count == 4
    assert session.scalar(select(Post).where(Post.topic_id == new.id)) is None


def test_hidden_posts_leave_search_for_members_not_for_staff(
    session, db, settings, search_backend, forum
):
    topic = start_topic(session, forum.alice, forum.category, body="Texte ordinaire")
    post = reply(session, forum.alice, topic, body="Le mot tourmaline")
    session.commit()
    while indexer.drain_outbox(db, settings):
        pass
    assert search_as(session, search_backend, forum.bob, "tourmaline").total == 1
    posts.hide_post(session, actor=forum.animator, post=post, reason="Hors sujet")
    session.commit()
    while indexer.drain_outbox(db, settings):
        pass
    assert search_as(session, search_backend, forum.bob, "tourmaline").total == 0
    assert search_as(session, search_backend, forum.animator, "tourmaline").total == 1


def test_queue_counts_for_the_header(session, forum):
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic)
    flags.flag_post(session, actor=forum.bob, post=post, reason=FlagReason.SPAM)
    assert queue.count_for(session, principal_of(session, forum.animator)) == 1
    assert queue.count_for(session, principal_of(session, forum.bob)) == 0
    other_staff = UserFactory(member_of=CategoryFactory().network, member_of__role=Role.PILOT)
    assert queue.count_for(session, principal_of(session, other_staff)) == 0


def test_staff_are_not_screened(session, forum):
    watched.add_word(
        session, actor=forum.animator, network=forum.network, word="interdit", action="block"
    )
    assert (
        screening.screen(
            session, actor=forum.animator, network=forum.network, text="interdit", new_post=True
        )
        == screening.Screening()
    )
    assert session.scalar(select(Topic.id)) is None


def test_a_hidden_post_leaves_the_digests_not_yet_sent(session, forum):
    topic = start_topic(session, forum.bob, forum.category)
    post = reply(session, forum.alice, topic, body="Une réponse")
    pending = select(Notification.mail_pending).where(
        Notification.user_id == forum.bob.id, Notification.post_id == post.id
    )
    assert session.scalar(pending) is True
    posts.hide_post(session, actor=forum.animator, post=post, reason="Hors sujet")
    session.flush()
    session.expire_all()
    assert session.scalar(pending) is False
