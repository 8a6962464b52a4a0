"""The forum's permission rules as tables: (who, object state, action) -> allowed."""

import pytest

from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.forum.models import Category, Post, ReadAccess, Topic, TopicAccess, TopicUser
from app.networks.models import ContentVisibility, Network, Role
from app.policy import ANONYMOUS, Action, NetworkSeat, Principal, can, category_read_access, require


def _network(visibility=ContentVisibility.MEMBERS, charter=0) -> Network:
    return Network(id=1, slug="n", name="N", content_visibility=visibility, charter_number=charter)


def _person(role: Role | None, *, accepted: int | None = 0, user_id: int = 10) -> Principal:
    user = User(id=user_id, username=f"u{user_id}", display_name="U", is_site_admin=False)
    seats = {1: NetworkSeat(role, accepted)} if role else {}
    return Principal(user=user, seats=seats)


WHO = {
    "anonymous": ANONYMOUS,
    "outsider": _person(None),
    "member": _person(Role.MEMBER),
    "animator": _person(Role.ANIMATOR),
}


def _category(
    read=ReadAccess.EVERYONE, topics=TopicAccess.MEMBERS, visibility=ContentVisibility.MEMBERS
):
    network = _network(visibility)
    return Category(id=5, network=network, network_id=1, read_access=read, topic_access=topics)


@pytest.mark.parametrize(
    ("who", "visibility", "read", "expected"),
    [
        ("anonymous", ContentVisibility.PUBLIC, ReadAccess.EVERYONE, True),
        ("anonymous", ContentVisibility.PUBLIC, ReadAccess.MEMBERS, False),
        ("anonymous", ContentVisibility.MEMBERS, ReadAccess.EVERYONE, False),
        ("outsider", ContentVisibility.PUBLIC, ReadAccess.EVERYONE, True),
        ("outsider", ContentVisibility.MEMBERS, ReadAccess.EVERYONE, False),
        ("member", ContentVisibility.MEMBERS, ReadAccess.EVERYONE, True),
        ("member", ContentVisibility.MEMBERS, ReadAccess.MEMBERS, True),
        ("member", ContentVisibility.MEMBERS, ReadAccess.STAFF, False),
        ("animator", ContentVisibility.MEMBERS, ReadAccess.STAFF, True),
    ],
)
def test_category_read(who, visibility, read, expected):
    assert can(WHO[who], Action.CATEGORY_READ, _category(read, visibility=visibility)) is expected


@pytest.mark.parametrize(
    ("who", "topics", "expected"),
    [
        ("anonymous", TopicAccess.MEMBERS, False),
        ("outsider", TopicAccess.MEMBERS, False),
        ("member", TopicAccess.MEMBERS, True),
        ("member", TopicAccess.STAFF, False),
        ("animator", TopicAccess.STAFF, True),
    ],
)
def test_topic_create(who, topics, expected):
    assert can(WHO[who], Action.TOPIC_CREATE, _category(topics=topics)) is expected


def test_topic_create_needs_the_current_charter():
    category = _category()
    category.network.charter_number = 2
    assert not can(_person(Role.MEMBER, accepted=1), Action.TOPIC_CREATE, category)
    assert can(_person(Role.MEMBER, accepted=2), Action.TOPIC_CREATE, category)


def _topic(*, private=False, author=10, participants=(), read=ReadAccess.EVERYONE) -> Topic:
    category = _category(read)
    topic = Topic(
        id=3,
        network=category.network,
        network_id=1,
        category=None if private else category,
        is_private=private,
        user_id=author,
    )
    topic.private_members = [
        TopicUser(topic_id=3, user_id=uid, is_private_participant=True) for uid in participants
    ]
    return topic


@pytest.mark.parametrize(
    ("who", "private", "participants", "action", "expected"),
    [
        ("member", False, (), Action.TOPIC_READ, True),
        ("member", False, (), Action.TOPIC_REPLY, True),
        ("outsider", False, (), Action.TOPIC_REPLY, False),
        ("member", True, (), Action.TOPIC_READ, False),
        ("animator", True, (), Action.TOPIC_READ, False),
        ("member", True, (10,), Action.TOPIC_READ, True),
        ("member", True, (10,), Action.TOPIC_REPLY, True),
        ("member", False, (), Action.TOPIC_PIN, False),
        ("animator", False, (), Action.TOPIC_PIN, True),
        ("animator", True, (10,), Action.TOPIC_PIN, False),
        ("member", False, (), Action.TOPIC_ANSWER, True),  # the author
        ("animator", False, (), Action.TOPIC_ANSWER, True),
        ("member", True, (10,), Action.TOPIC_ANSWER, False),
        ("anonymous", False, (), Action.TOPIC_FOLLOW, False),
    ],
)
def test_topic_rules(who, private, participants, action, expected):
    assert can(WHO[who], action, _topic(private=private, participants=participants)) is expected


def test_only_the_author_or_staff_marks_the_answer():
    topic = _topic(author=99)
    assert not can(_person(Role.MEMBER), Action.TOPIC_ANSWER, topic)
    assert can(_person(Role.ANIMATOR), Action.TOPIC_ANSWER, topic)


@pytest.mark.parametrize(
    ("who", "post_author", "hidden", "action", "expected"),
    [
        ("member", 10, False, Action.POST_EDIT, True),
        ("member", 99, False, Action.POST_EDIT, False),
        ("animator", 99, False, Action.POST_EDIT, False),
        ("member", 99, False, Action.POST_LIKE, True),
        ("member", 99, True, Action.POST_READ, False),
        ("animator", 99, True, Action.POST_READ, True),
        ("anonymous", 99, False, Action.POST_LIKE, False),
    ],
)
def test_post_rules(who, post_author, hidden, action, expected):
    from app.db import utcnow

    post = Post(id=1, topic=_topic(), user_id=post_author, hidden_at=utcnow() if hidden else None)
    assert can(WHO[who], action, post) is expected


def test_a_private_message_is_not_found_for_others_and_asks_anonymous_to_sign_in():
    topic = _topic(private=True, participants=(10,))
    with pytest.raises(NotFound):
        require(_person(Role.MEMBER, user_id=11), Action.TOPIC_READ, topic)
    with pytest.raises(NotAuthenticated):
        require(ANONYMOUS, Action.TOPIC_READ, topic)


def test_editing_another_members_post_is_forbidden_not_hidden():
    post = Post(id=1, topic=_topic(), user_id=99)
    with pytest.raises(Forbidden):
        require(_person(Role.MEMBER), Action.POST_EDIT, post)


def test_read_levels_for_lists():
    network = _network(ContentVisibility.PUBLIC)
    assert category_read_access(ANONYMOUS, network) == {ReadAccess.EVERYONE}
    assert category_read_access(WHO["member"], network) == {ReadAccess.EVERYONE, ReadAccess.MEMBERS}
    assert category_read_access(WHO["animator"], network) == set(ReadAccess)
    assert category_read_access(ANONYMOUS, _network()) == set()
