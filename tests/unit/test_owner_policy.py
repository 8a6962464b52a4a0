"""Rules on objects that belong to one person, and following a category, as a table."""

from types import SimpleNamespace

import pytest

from app.accounts.models import User
from app.errors import NotAuthenticated, NotFound
from app.forum.models import Category, ReadAccess, TopicAccess
from app.networks.models import ContentVisibility, Network, Role
from app.policy import ANONYMOUS, Action, NetworkSeat, Principal, can, require

OWNER = Principal(user=User(id=1, username="owner", display_name="O", is_site_admin=False))
OTHER = Principal(user=User(id=2, username="other", display_name="X", is_site_admin=False))
ADMIN = Principal(user=User(id=3, username="admin", display_name="A", is_site_admin=True))
MEMBER = Principal(
    user=User(id=4, username="member", display_name="M", is_site_admin=False),
    seats={1: NetworkSeat(Role.MEMBER, 0)},
)
OWNED = SimpleNamespace(user_id=1)


def _category(visibility, read=ReadAccess.EVERYONE) -> Category:
    network = Network(id=1, slug="n", name="N", content_visibility=visibility, charter_number=0)
    return Category(id=5, network=network, network_id=1, read_access=read, topic_access=TopicAccess.MEMBERS)


@pytest.mark.parametrize("action", [Action.NOTIFICATION_VIEW, Action.API_KEY_REVOKE])
@pytest.mark.parametrize(
    ("who", "expected"),
    [(OWNER, None), (OTHER, NotFound), (ADMIN, NotFound), (ANONYMOUS, NotAuthenticated)],
)
def test_only_the_owner_sees_their_notifications_and_keys(action, who, expected):
    if expected is None:
        require(who, action, OWNED)
    else:
        with pytest.raises(expected):
            require(who, action, OWNED)


@pytest.mark.parametrize(
    ("who", "visibility", "expected"),
    [
        (ANONYMOUS, ContentVisibility.PUBLIC, False),  # reading is open, following needs an account
        (OTHER, ContentVisibility.PUBLIC, True),
        (OTHER, ContentVisibility.MEMBERS, False),
        (MEMBER, ContentVisibility.MEMBERS, True),
        (ADMIN, ContentVisibility.MEMBERS, True),
    ],
)
def test_following_a_category_needs_an_account_that_may_read_it(who, visibility, expected):
    assert can(who, Action.CATEGORY_FOLLOW, _category(visibility)) is expected
