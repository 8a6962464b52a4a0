"""Writing in the forum: numbering, counters, revisions, tags, private messages, limits."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.errors import Conflict, Invalid, RateLimited
from app.forum import categories, drafts, likes, member_state, posting, revisions, tags, topic_state
from app.forum.models import (
    Category,
    NotificationLevel,
    Post,
    PostRevision,
    ReadAccess,
    Topic,
    TopicAccess,
    TopicUser,
)
from app.networks.models import Role
from app.policy import NetworkSeat, Principal
from app.ratelimit import RateLimitHit
from tests.factories import CategoryFactory
from tests.forum_support import make_forum, reply, start_topic


def test_a_topic_and_its_replies_are_numbered_and_counted(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, tags=["rgpd", "nis2"])
    first = reply(session, forum.bob, topic)
    second = reply(session, forum.alice, topic, "Merci !", reply_to=first)
    session.expire_all()
    assert [first.post_number, second.post_number] == [2, 3]
    assert second.reply_to_post_number == 2
    assert (topic.post_count, topic.participant_count, topic.highest_post_number) == (3, 2, 3)
    assert topic.last_poster_id == forum.alice.id and topic.reply_count == 2
    assert first.reply_count == 1
    category = session.get(Category, forum.category.id)
    assert (category.topic_count, category.post_count) == (1, 3)
    assert tags.list_topic_tags(session, topic) == ["nis2", "rgpd"]
    assert all(row.network_id == forum.network.id for row in session.scalars(select(Post)))


def test_the_author_watches_their_topic_and_repliers_track_it(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    reply(session, forum.bob, topic)
    levels = dict(session.execute(select(TopicUser.user_id, TopicUser.notification_level)).all())
    assert levels == {
        forum.alice.id: NotificationLevel.WATCHING,
        forum.bob.id: NotificationLevel.TRACKING,
    }


def test_bad_titles_and_bodies_change_nothing(session):
    forum = make_forum(session)
    for title, body in [
        ("  ", "texte"),
        ("ab", "texte"),
        ("x" * 201, "texte"),
        ("Bon titre", "   "),
        ("Bon titre", "x" * 30001),
    ]:
        with pytest.raises(Invalid):
            posting.create_topic(
                session,
                actor=forum.alice,
                category=forum.category,
                title=title,
                body=body,
                posts_per_window=100,
            )
    assert session.scalar(select(func.count()).select_from(Topic)) == 0


def test_replying_to_a_post_of_another_topic_is_refused(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    other = start_topic(session, forum.bob, forum.category, title="Un autre sujet")
    foreign = posting.get_post_by_number(session, other, 1)
    with pytest.raises(Invalid) as error:
        posting.create_reply(
            session,
            actor=forum.bob,
            topic=topic,
            body="Réponse",
            reply_to=foreign,
            posts_per_window=100,
        )
    assert error.value.code == "reply_to_other_topic"
    session.expire_all()
    assert topic.post_count == 1


def test_a_closed_topic_refuses_replies(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    topic.closed_at = utcnow()
    with pytest.raises(Conflict) as error:
        posting.create_reply(
            session, actor=forum.bob, topic=topic, body="Réponse", posts_per_window=100
        )
    assert error.value.code == "topic_closed" and "closed" in error.value.message


def test_posting_is_rate_limited_per_member(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    for _ in range(2):
        posting.create_reply(
            session, actor=forum.bob, topic=topic, body="Encore", posts_per_window=2
        )
    with pytest.raises(RateLimited) as error:
        posting.create_reply(session, actor=forum.bob, topic=topic, body="Trop", posts_per_window=2)
    assert "wait" in error.value.message
    # Another member is not slowed down by Bob.
    posting.create_reply(session, actor=forum.alice, topic=topic, body="Moi", posts_per_window=2)


def test_an_edit_keeps_every_revision(session):
    forum = make_forum(session)
    topic = start_topic(
        session, forum.alice, forum.category, title="Titre d'origine", body="Première version"
    )
    post = posting.get_post_by_number(session, topic, 1)
    posting.edit_post(
        session,
        actor=forum.alice,
        post=post,
        body="Deuxième version",
        title="Titre corrigé",
        tags=["rgpd"],
        comment="coquille",
    )
    session.flush()
    assert post.body == "Deuxième version" and post.revision_count == 2 and post.edited_at
    assert topic.title == "Titre corrigé" and topic.slug == "titre-corrige"
    history = revisions.list_revisions(session, post)
    assert [r.number for r in history] == [2, 1]
    assert history[0].comment == "coquille"
    assert {(line.kind, line.text) for line in history[0].changes} >= {
        ("removed", "Première version"),
        ("added", "Deuxième version"),
        ("added", "Titre corrigé"),
    }
    assert session.scalar(select(func.count()).select_from(PostRevision)) == 2
    with pytest.raises(Conflict):
        posting.edit_post(session, actor=forum.alice, post=post, body="Deuxième version")


def test_likes_count_once(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    post = posting.get_post_by_number(session, topic, 1)
    likes.like_post(session, actor=forum.bob, post=post)
    with pytest.raises(Conflict) as error:
        likes.like_post(session, actor=forum.bob, post=post)
    assert error.value.code == "already_liked"
    with pytest.raises(Invalid):
        likes.like_post(session, actor=forum.alice, post=post)
    session.expire_all()
    assert post.like_count == 1 and topic.like_count == 1
    likes.unlike_post(session, actor=forum.bob, post=post)
    session.expire_all()
    assert post.like_count == 0
    with pytest.raises(Conflict):
        likes.unlike_post(session, actor=forum.bob, post=post)


def test_tags_are_normalised_and_counted(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, tags=["gestion-de-crise"])
    start_topic(
        session, forum.bob, forum.category, title="Autre", tags=["gestion-de-crise", "rgpd"]
    )
    assert [(t.name, t.topic_count) for t in tags.list_tags(session, forum.network)] == [
        ("gestion-de-crise", 2),
        ("rgpd", 1),
    ]
    tags.set_topic_tags(session, topic=topic, names=[])
    session.expire_all()
    assert [(t.name, t.topic_count) for t in tags.list_tags(session, forum.network)] == [
        ("gestion-de-crise", 1),
        ("rgpd", 1),
    ]


def test_mark_answered_takes_a_reply_of_the_same_topic(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    answer = reply(session, forum.bob, topic)
    other = start_topic(session, forum.bob, forum.category, title="Ailleurs")
    with pytest.raises(Invalid):
        topic_state.mark_answered(
            session, topic=topic, post=posting.get_post_by_number(session, topic, 1)
        )
    with pytest.raises(Invalid):
        topic_state.mark_answered(
            session, topic=topic, post=posting.get_post_by_number(session, other, 1)
        )
    topic_state.mark_answered(session, topic=topic, post=answer)
    assert topic.answer_post_number == 2


def test_a_private_message_is_between_its_participants(session):
    forum = make_forum(session)
    topic = posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob],
        title="Entre nous",
        body="Bonjour Bob",
        posts_per_window=100,
    )
    session.flush()
    assert topic.is_private and topic.category_id is None
    assert {row.user_id for row in topic.private_members} == {forum.alice.id, forum.bob.id}
    with pytest.raises(Invalid) as error:
        posting.send_message(
            session,
            actor=forum.alice,
            network=forum.network,
            recipients=[forum.outsider],
            title="Sujet",
            body="Bonjour",
            posts_per_window=100,
        )
    assert "outsider" in error.value.message
    with pytest.raises(Invalid):
        posting.send_message(
            session,
            actor=forum.alice,
            network=forum.network,
            recipients=[forum.alice],
            title="Seule",
            body="Moi",
            posts_per_window=100,
        )


def test_recipients_must_exist(session):
    with pytest.raises(Invalid) as error:
        posting.find_recipients(session, ["personne"])
    assert "personne" in error.value.message


def test_drafts_are_kept_per_form_and_dropped_once_posted(session):
    forum = make_forum(session)
    key = drafts.key_for_new_topic(forum.network.slug)
    drafts.save_draft(
        session, actor=forum.alice, network_id=forum.network.id, key=key, title="T", body="B"
    )
    session.flush()
    assert drafts.get_draft(session, actor=forum.alice, key=key).body == "B"
    start_topic(session, forum.alice, forum.category)
    assert drafts.get_draft(session, actor=forum.alice, key=key) is None
    assert (
        drafts.save_draft(session, actor=forum.alice, network_id=forum.network.id, key=key) is None
    )
    with pytest.raises(Invalid):
        drafts.parse_key("reply:abc")
    assert drafts.parse_key("reply:12") == (drafts.DraftKind.REPLY, "12")


def test_read_position_only_moves_forward(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    for _ in range(3):
        reply(session, forum.alice, topic)
    member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=3)
    member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=2)
    member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=99)
    assert (
        member_state.get_topic_user(session, user=forum.bob, topic=topic).last_read_post_number == 4
    )


def test_one_bookmark_per_topic(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    second = reply(session, forum.bob, topic)
    member_state.bookmark(
        session, actor=forum.bob, post=posting.get_post_by_number(session, topic, 1)
    )
    member_state.bookmark(session, actor=forum.bob, post=second)
    assert (
        member_state.get_topic_user(session, user=forum.bob, topic=topic).bookmarked_post_number
        == 2
    )
    member_state.remove_bookmark(session, actor=forum.bob, topic=topic)
    assert (
        member_state.get_topic_user(session, user=forum.bob, topic=topic).bookmarked_post_number
        is None
    )


def test_categories_check_slugs_and_parents(session):
    forum = make_forum(session)
    with pytest.raises(Conflict):
        categories.create_category(session, network=forum.network, name="Doublon", slug="questions")
    parent = categories.create_category(
        session, network=forum.network, name="Parent", slug="parent"
    )
    child = categories.create_category(
        session, network=forum.network, name="Enfant", slug="enfant", parent=parent
    )
    with pytest.raises(Invalid):
        categories.create_category(
            session, network=forum.network, name="Petit", slug="petit", parent=child
        )
    with pytest.raises(Invalid):
        categories.update_category(
            session,
            category=parent,
            name="Parent",
            slug="parent",
            description="",
            colour="#000000",
            position=0,
            parent=forum.category,
            read_access=ReadAccess.EVERYONE,
            topic_access=TopicAccess.MEMBERS,
        )
    other_network_category = CategoryFactory()
    with pytest.raises(Invalid):
        categories.create_category(
            session, network=forum.network, name="X", slug="x", parent=other_network_category
        )
    start_topic(session, forum.alice, forum.category)
    with pytest.raises(Conflict):
        categories.delete_category(session, category=forum.category)
    categories.delete_category(session, category=child)
    session.flush()
    assert {c.slug for c in categories.list_categories(session, _staff(forum), forum.network)} == {
        "questions",
        "parent",
    }


def _staff(forum):
    return Principal(user=forum.animator, seats={forum.network.id: NetworkSeat(Role.ANIMATOR, 0)})


def test_rate_window_forgets_old_posts(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    session.add(
        RateLimitHit(scope="post", key=str(forum.bob.id), created_at=utcnow() - timedelta(hours=1))
    )
    posting.create_reply(session, actor=forum.bob, topic=topic, body="Ça passe", posts_per_window=1)
