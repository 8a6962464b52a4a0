"""The topic page's order, nesting and pages, and the topic lists."""

from sqlalchemy import select

from app.db import utcnow
from app.forum import lists, member_state, posting, reading, tags
from app.forum.lists import ListKind
from app.forum.models import NotificationLevel, PinScope, ReadAccess, TopicView
from app.networks.models import ContentVisibility, Role
from app.policy import ANONYMOUS, NetworkSeat, Principal
from tests.factories import CategoryFactory, NetworkFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic


def _principal(user, network, role=Role.MEMBER) -> Principal:
    return Principal(user=user, seats={network.id: NetworkSeat(role, 0)})


def test_threaded_order_depth_and_descendants(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)  # 1
    a = reply(session, forum.bob, topic)  # 2 -> 1
    b = reply(session, forum.alice, topic, reply_to=a)  # 3 -> 2
    reply(session, forum.bob, topic)  # 4 -> 1
    reply(session, forum.bob, topic, reply_to=b)  # 5 -> 3
    skeleton = reading.load_skeleton(session, topic, include_hidden=False)
    assert skeleton.threaded == [1, 2, 3, 5, 4]
    assert skeleton.depth == {1: 0, 2: 1, 3: 2, 5: 3, 4: 1}
    assert skeleton.descendants[2] == 2 and skeleton.descendants[1] == 4


def test_threaded_page_nests_replies_under_their_post(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    a = reply(session, forum.bob, topic)
    reply(session, forum.alice, topic, reply_to=a)
    reply(session, forum.bob, topic)
    page = reading.load_topic_page(
        session, topic, view=TopicView.THREADED, page=1, viewer=forum.alice, include_hidden=False
    )
    assert page.question.post_number == 1
    assert [p.post_number for p in page.posts] == [2, 4]
    assert [c.post_number for c in page.posts[0].children] == [3]
    assert page.posts[0].children[0].reply_to_username == "bob"


def test_hidden_posts_are_left_out_except_for_staff_and_replies_hang_on(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    hidden = reply(session, forum.bob, topic, "À masquer")
    reply(session, forum.alice, topic, reply_to=hidden)
    hidden.hidden_at = utcnow()
    session.flush()
    members = reading.load_skeleton(session, topic, include_hidden=False)
    assert members.numbers == [1, 3] and members.parent[3] == 1
    assert reading.load_skeleton(session, topic, include_hidden=True).numbers == [1, 2, 3]


def test_pages_and_the_page_of_a_post(session, monkeypatch):
    monkeypatch.setattr(reading, "PAGE_SIZE", 3)
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    first = reply(session, forum.bob, topic)  # 2
    for _ in range(3):
        reply(session, forum.bob, topic)  # 3, 4, 5
    reply(session, forum.alice, topic, reply_to=first)  # 6 -> 2
    skeleton = reading.load_skeleton(session, topic, include_hidden=False)
    assert skeleton.page_count() == 2
    assert skeleton.page_of(TopicView.CHRONOLOGICAL, 6) == 2
    assert skeleton.page_of(TopicView.THREADED, 6) == 1  # right under post 2
    page = reading.load_topic_page(
        session, topic, view=TopicView.CHRONOLOGICAL, page=2, viewer=None, include_hidden=False
    )
    assert (
        [p.post_number for p in page.posts] == [4, 5, 6]
        and page.question is None
        and page.is_last_page
    )
    assert (
        reading.load_topic_page(
            session, topic, view=TopicView.CHRONOLOGICAL, page=99, viewer=None, include_hidden=False
        ).page
        == 2
    )


def test_replies_of_one_post(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    a = reply(session, forum.bob, topic)
    reply(session, forum.alice, topic, "Une", reply_to=a)
    reply(session, forum.animator, topic, "Deux", reply_to=a)
    replies = reading.load_replies(session, topic, 2, viewer=None, include_hidden=False)
    assert [r.post_number for r in replies] == [3, 4]


def test_latest_shows_only_what_the_reader_may_read(session):
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    staff_room = CategoryFactory(network=forum.network, read_access=ReadAccess.STAFF, slug="equipe")
    members_room = CategoryFactory(
        network=forum.network, read_access=ReadAccess.MEMBERS, slug="membres"
    )
    start_topic(session, forum.alice, forum.category, title="Public")
    start_topic(session, forum.animator, staff_room, title="Équipe")
    start_topic(session, forum.alice, members_room, title="Membres")
    posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob],
        title="Privé",
        body="Chut",
        posts_per_window=100,
    )
    session.flush()

    def titles(viewer):
        return {t.title for t in lists.list_topics(session, viewer, [forum.network]).topics}

    assert titles(ANONYMOUS) == {"Public"}
    assert titles(_principal(forum.bob, forum.network)) == {"Public", "Membres"}
    assert titles(_principal(forum.animator, forum.network, Role.ANIMATOR)) == {
        "Public",
        "Membres",
        "Équipe",
    }
    assert [
        t.title for t in lists.list_messages(session, _principal(forum.bob, forum.network)).topics
    ] == ["Privé"]
    assert (
        lists.list_messages(
            session, _principal(forum.animator, forum.network, Role.ANIMATOR)
        ).topics
        == []
    )


def test_latest_rows_carry_what_the_list_shows(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, tags=["rgpd"])
    reply(session, forum.bob, topic)
    row = lists.list_topics(session, _principal(forum.bob, forum.network), [forum.network]).topics[
        0
    ]
    assert (row.title, row.category_name, row.reply_count, row.tags) == (
        topic.title,
        "Questions",
        1,
        ["rgpd"],
    )
    assert {p.username for p in row.participants} == {"alice", "bob"}
    assert row.last_poster_name == "Bob Durand"


def test_pinned_topics_come_first_and_filters_apply(session):
    forum = make_forum(session)
    other = CategoryFactory(network=forum.network, slug="autre")
    pinned = start_topic(
        session, forum.animator, forum.category, title="Épinglé", pin_scope=PinScope.NETWORK
    )
    in_category = start_topic(
        session, forum.animator, other, title="Épinglé ici", pin_scope=PinScope.CATEGORY
    )
    start_topic(session, forum.alice, other, title="Récent", tags=["nis2"])
    viewer = _principal(forum.bob, forum.network)
    assert lists.list_topics(session, viewer, [forum.network]).topics[0].id == pinned.id
    in_other = lists.list_topics(session, viewer, [forum.network], category_ids=[other.id]).topics
    assert [t.title for t in in_other] == ["Épinglé ici", "Récent"] and in_other[
        0
    ].id == in_category.id
    tagged = lists.list_topics(
        session, viewer, [forum.network], tag=tags.get_tag(session, forum.network, "nis2")
    )
    assert [t.title for t in tagged.topics] == ["Récent"]


def test_new_and_unread(session):
    forum = make_forum(session)
    bob = _principal(forum.bob, forum.network)
    topic = start_topic(session, forum.alice, forum.category)
    assert [
        t.id for t in lists.list_topics(session, bob, [forum.network], kind=ListKind.NEW).topics
    ] == [topic.id]
    member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=1)
    session.flush()
    assert lists.count_topics(session, bob, [forum.network], kind=ListKind.NEW) == 0
    reply(session, forum.alice, topic)
    unread = lists.list_topics(session, bob, [forum.network], kind=ListKind.UNREAD).topics
    assert [(t.id, t.unread_count) for t in unread] == [(topic.id, 1)]
    member_state.set_topic_level(
        session, actor=forum.bob, topic=topic, level=NotificationLevel.MUTED
    )
    session.flush()
    assert lists.count_topics(session, bob, [forum.network], kind=ListKind.UNREAD) == 0
    # The author's own topic is never "new" to them.
    assert (
        lists.count_topics(
            session, _principal(forum.alice, forum.network), [forum.network], kind=ListKind.NEW
        )
        == 0
    )


def test_latest_across_networks_and_bookmarks(session):
    forum = make_forum(session)
    second = NetworkFactory()
    second_category = CategoryFactory(network=second)
    zoe = UserFactory(username="zoe", member_of=second)
    start_topic(session, forum.alice, forum.category, title="Ici")
    elsewhere = start_topic(session, zoe, second_category, title="Ailleurs")
    both = Principal(
        user=zoe,
        seats={
            forum.network.id: NetworkSeat(Role.MEMBER, 0),
            second.id: NetworkSeat(Role.MEMBER, 0),
        },
    )
    assert {t.title for t in lists.list_topics(session, both, [forum.network, second]).topics} == {
        "Ici",
        "Ailleurs",
    }
    bob = _principal(forum.bob, forum.network)
    assert [t.title for t in lists.list_topics(session, bob, [forum.network, second]).topics] == [
        "Ici"
    ]
    # Bob bookmarked it while he could read it; once he cannot, his list leaves it out.
    member_state.bookmark(
        session, actor=forum.bob, post=posting.get_post_by_number(session, elsewhere, 1)
    )
    member_state.bookmark(
        session,
        actor=forum.bob,
        post=posting.get_post_by_number(
            session, start_topic(session, forum.alice, forum.category, title="Gardé"), 1
        ),
    )
    session.flush()
    assert [t.title for t in lists.list_bookmarks(session, bob).topics] == ["Gardé"]


def test_a_read_position_added_meanwhile_by_another_request_is_kept(session, monkeypatch):
    # Two tabs of one member open a topic at once: both find no row, both insert.
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=1)
    session.commit()
    found_nothing = {"first": True}
    real_get = session.get

    def get(entity, key, **options):
        if entity is member_state.TopicUser and found_nothing.pop("first", False):
            return None  # what the second request saw before the first one committed
        return real_get(entity, key, **options)

    monkeypatch.setattr(session, "get", get)
    row = member_state.mark_read(session, user=forum.bob, topic=topic, up_to_post_number=1)
    session.commit()
    assert row.last_read_post_number == 1
    monkeypatch.undo()
    rows = session.scalars(select(member_state.TopicUser).filter_by(topic_id=topic.id)).all()
    assert sorted(r.user_id for r in rows) == sorted({forum.alice.id, forum.bob.id})
