"""Moderation permissions as a table: every role x every moderation action x own or other
network. The outsider is staff (pilot) of ANOTHER network: rights there must not leak here.

Answers: `ok`, or the error `require` raises (404 NotFound, 403 Forbidden, 401 sign in).
"""

import pytest

from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.forum.models import Category, Post, ReadAccess, Topic
from app.networks.models import ContentVisibility, Network, Role
from app.policy import ANONYMOUS, Action, NetworkSeat, Principal, can, require

PEOPLE = ("anonymous", "outsider", "member", "animator", "copilot", "pilot", "site admin")
ROLES = {
    "member": Role.MEMBER,
    "animator": Role.ANIMATOR,
    "copilot": Role.COPILOT,
    "pilot": Role.PILOT,
}
OWN, OTHER = 1, 2
AUTHOR_ID = 999


def _principal(person: str) -> Principal:
    if person == "anonymous":
        return ANONYMOUS
    user = User(id=PEOPLE.index(person) + 10, username=person, is_site_admin=person == "site admin")
    if person == "outsider":
        return Principal(user=user, seats={OTHER: NetworkSeat(Role.PILOT, None)})
    if person in ROLES:
        return Principal(user=user, seats={OWN: NetworkSeat(ROLES[person], None)})
    return Principal(user=user)


def _network(visibility: ContentVisibility) -> Network:
    return Network(
        id=OWN, slug="reseau", name="Réseau", content_visibility=visibility, charter_number=0
    )


def _post(visibility: ContentVisibility, *, hidden=False, held=False, author=AUTHOR_ID) -> Post:
    network = _network(visibility)
    category = Category(id=5, network=network, network_id=OWN, read_access=ReadAccess.EVERYONE)
    topic = Topic(id=3, network=network, network_id=OWN, category=category, is_private=False)
    topic.private_members = []
    return Post(
        id=7,
        topic=topic,
        network_id=OWN,
        user_id=author,
        post_number=2,
        hidden_at=None if not hidden else object(),
        held=held,
    )


MEMBERS, PUBLIC = ContentVisibility.MEMBERS, ContentVisibility.PUBLIC

# fmt: off
TABLE = [
    # action                  object                       anon out mem ani cop pil adm
    (Action.MODERATE,            "members network",        "401 404 403 ok  ok  ok  ok"),
    (Action.MODERATE,            "public network",         "401 403 403 ok  ok  ok  ok"),
    (Action.MODERATION_LOG_VIEW, "members network",        "401 404 403 ok  ok  ok  ok"),
    (Action.MODERATION_LOG_VIEW, "public network",         "401 403 403 ok  ok  ok  ok"),
    (Action.POST_SEE_HIDDEN,     "members network",        "401 404 403 ok  ok  ok  ok"),
    (Action.POST_FLAG,           "members post",           "401 404 ok  ok  ok  ok  403"),
    (Action.POST_FLAG,           "public post",            "401 403 ok  ok  ok  ok  403"),
    (Action.POST_FLAG,           "own post",               "-   -   403 -   -   -   -"),
    (Action.POST_FLAG,           "hidden post",            "401 404 404 ok  ok  ok  403"),
    (Action.POST_READ,           "hidden post",            "401 404 404 ok  ok  ok  ok"),
    (Action.POST_READ,           "held post",              "401 404 404 ok  ok  ok  ok"),
    (Action.POST_READ,           "own held post",          "-   -   ok  -   -   -   -"),
]
# fmt: on

OBJECTS = {
    "members network": lambda: _network(MEMBERS),
    "public network": lambda: _network(PUBLIC),
    "members post": lambda: _post(MEMBERS),
    "public post": lambda: _post(PUBLIC),
    "own post": lambda: _post(MEMBERS, author=PEOPLE.index("member") + 10),
    "hidden post": lambda: _post(MEMBERS, hidden=True),
    "held post": lambda: _post(MEMBERS, hidden=True, held=True),
    "own held post": lambda: _post(
        MEMBERS, hidden=True, held=True, author=PEOPLE.index("member") + 10
    ),
}
ERRORS = {"404": NotFound, "403": Forbidden, "401": NotAuthenticated}


def _cases():
    for action, kind, answers in TABLE:
        for person, expected in zip(PEOPLE, answers.split(), strict=True):
            if expected != "-":
                yield pytest.param(action, kind, person, expected, id=f"{action}-{kind}-{person}")


@pytest.mark.parametrize(("action", "kind", "person", "expected"), list(_cases()))
def test_moderation_policy_table(action, kind, person, expected):
    principal, obj = _principal(person), OBJECTS[kind]()
    assert can(principal, action, obj) is (expected == "ok")
    if expected == "ok":
        require(principal, action, obj)
    else:
        with pytest.raises(ERRORS[expected]) as raised:
            require(principal, action, obj)
        assert type(raised.value) is ERRORS[expected]


def test_the_outsider_is_staff_elsewhere():
    """The table's outsider would moderate their own network: only the network differs."""
    outsider = _principal("outsider")
    elsewhere = Network(id=OTHER, slug="ailleurs", name="Ailleurs", content_visibility=MEMBERS)
    assert can(outsider, Action.MODERATE, elsewhere)
    assert not can(outsider, Action.MODERATE, _network(MEMBERS))
