"""factory_boy factories; the test session is attached by the `session` fixture."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.documents.models import Folder
from app.forum.models import Category, ReadAccess, TopicAccess
from app.networks.models import (
    ContentVisibility,
    JoinRequest,
    Membership,
    MembershipMode,
    Network,
    Role,
)
from app.notifications.models import Notification, NotificationKind

DEFAULT_PASSWORD = "un mot de passe solide"  # noqa: S105
_DEFAULT_HASH: list[str] = []


def default_hash() -> str:
    if not _DEFAULT_HASH:
        _DEFAULT_HASH.append(hash_password(DEFAULT_PASSWORD))
    return _DEFAULT_HASH[0]


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    """A user; `member_of=network` (with `role=`) also makes them a member."""

    class Meta:
        model = User

    class Params:
        site_admin = factory.Trait(is_site_admin=True)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password_hash = factory.LazyFunction(default_hash)

    @factory.post_generation
    def member_of(self, create, network, **kwargs):
        if network is not None:
            MembershipFactory(network=network, user=self, role=kwargs.get("role", Role.MEMBER))


class NetworkFactory(BaseFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Réseau {n}")
    purpose = "Un réseau de test."
    purpose_html = "<p>Un réseau de test.</p>"
    membership_mode = MembershipMode.REQUEST
    content_visibility = ContentVisibility.MEMBERS


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class JoinRequestFactory(BaseFactory):
    """A pending request to join `network` from `user`."""

    class Meta:
        model = JoinRequest

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    message = "Bonjour, je souhaite rejoindre le réseau."


class NotificationFactory(BaseFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.REPLY
    title = factory.Sequence(lambda n: f"Notification {n}")
    url = factory.Sequence(lambda n: f"/t/{n}/sujet")



class CategoryFactory(BaseFactory):
    """A forum category; `network` defaults to a new one."""

    class Meta:
        model = Category

    network = factory.SubFactory(NetworkFactory)
    network_id = factory.SelfAttribute("network.id")
    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")
    description = "Une catégorie de test."
    colour = "#1d4f6e"
    position = factory.Sequence(lambda n: n)
    read_access = ReadAccess.EVERYONE
    topic_access = TopicAccess.MEMBERS
    topic_count = 0
    post_count = 0


class FolderFactory(BaseFactory):
    class Meta:
        model = Folder

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Dossier {n}")
    name_key = factory.LazyAttribute(lambda o: o.name.casefold())
    parent = None
    created_by = None


ALL_FACTORIES = [
    UserFactory,
    NetworkFactory,
    MembershipFactory,
    JoinRequestFactory,
    NotificationFactory,
    CategoryFactory,
    FolderFactory,
]
