"""Who hears about what: replies, mentions, quotes, likes, watched topics and categories,
private messages; muted topics and unreadable ones stay silent."""

from sqlalchemy import select

from app.forum import likes, member_state, posting
from app.forum.models import NotificationLevel, ReadAccess
from app.markup import quote_block
from app.notifications.models import Notification, NotificationKind
from tests.factories import CategoryFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic


def _received(session, user) -> list[tuple[NotificationKind, str]]:
    session.flush()
    return [
        (n.kind, n.url)
        for n in session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def test_a_reply_notifies_the_author_of_the_post_it_answers(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    answer = reply(session, forum.bob, topic)
    assert _received(session, forum.alice) == [
        (NotificationKind.REPLY, f"/t/{topic.slug}/{topic.id}/2")
    ]
    reply(session, forum.alice, topic, "Précision", reply_to=answer)
    assert _received(session, forum.bob) == [
        (NotificationKind.REPLY, f"/t/{topic.slug}/{topic.id}/3")
    ]


def test_mentions_notify_readers_only(session):
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, body="Qu'en pensent @bob et @outsider ?")
    assert _received(session, forum.bob)[0][0] == NotificationKind.MENTION
    assert _received(session, forum.outsider) == []  # not a member: may not read the topic


def test_a_quote_notifies_the_quoted_author(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    bob_post = reply(session, forum.bob, topic, "Une phrase de Bob")
    reply(
        session,
        forum.animator,
        topic,
        quote_block("bob", bob_post.post_number, topic.id, "Une phrase") + "D'accord.",
    )
    assert (NotificationKind.QUOTE, f"/t/{topic.slug}/{topic.id}/3") in _received(
        session, forum.bob
    )


def test_one_post_notifies_each_person_once(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    reply(session, forum.bob, topic, "Je réponds à @alice")
    assert [kind for kind, _url in _received(session, forum.alice)] == [NotificationKind.MENTION]


def test_watchers_of_a_topic_or_category_hear_every_post(session):
    forum = make_forum(session)
    member_state.set_category_level(
        session, actor=forum.animator, category=forum.category, level=NotificationLevel.WATCHING
    )
    topic = start_topic(session, forum.alice, forum.category)
    assert [kind for kind, _ in _received(session, forum.animator)] == [NotificationKind.WATCHING]
    member_state.set_topic_level(
        session, actor=forum.bob, topic=topic, level=NotificationLevel.WATCHING
    )
    reply(session, forum.alice, topic, "Suite")
    assert [kind for kind, _ in _received(session, forum.bob)] == [NotificationKind.WATCHING]
    # A topic level of its own beats the category's.
    member_state.set_topic_level(
        session, actor=forum.animator, topic=topic, level=NotificationLevel.NORMAL
    )
    reply(session, forum.alice, topic, "Encore")
    assert [url[-2:] for _, url in _received(session, forum.animator)] == ["/1", "/2"]


def test_muted_topics_stay_silent(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    member_state.set_topic_level(
        session, actor=forum.alice, topic=topic, level=NotificationLevel.MUTED
    )
    post = reply(session, forum.bob, topic, "Bonjour @alice")
    likes.like_post(session, actor=forum.bob, post=posting.get_post_by_number(session, topic, 1))
    assert _received(session, forum.alice) == []
    assert post.post_number == 2


def test_a_like_notifies_the_author(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    likes.like_post(session, actor=forum.bob, post=posting.get_post_by_number(session, topic, 1))
    assert [kind for kind, _ in _received(session, forum.alice)] == [NotificationKind.LIKE]


def test_staff_only_categories_notify_staff_only(session):
    forum = make_forum(session)
    staff_room = CategoryFactory(network=forum.network, read_access=ReadAccess.STAFF, slug="equipe")
    start_topic(session, forum.animator, staff_room, body="Entre animateurs, pas @bob")
    assert _received(session, forum.bob) == []


def test_private_messages_notify_every_participant(session):
    forum = make_forum(session)
    carol = UserFactory(username="carol", member_of=forum.network)
    topic = posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob, carol],
        title="Réunion",
        body="Êtes-vous disponibles ?",
        posts_per_window=100,
    )
    for person in (forum.bob, carol):
        assert [kind for kind, _ in _received(session, person)] == [
            NotificationKind.PRIVATE_MESSAGE
        ]
    reply(session, forum.bob, topic, "Oui")
    assert [kind for kind, _ in _received(session, carol)] == [NotificationKind.PRIVATE_MESSAGE] * 2
    assert _received(session, forum.animator) == []


def test_an_edit_notifies_newly_mentioned_members(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, body="Sans mention")
    post = posting.get_post_by_number(session, topic, 1)
    posting.edit_post(session, actor=forum.alice, post=post, body="Avec @bob")
    posting.edit_post(session, actor=forum.alice, post=post, body="Avec @bob, encore")
    assert [kind for kind, _ in _received(session, forum.bob)] == [NotificationKind.MENTION]
