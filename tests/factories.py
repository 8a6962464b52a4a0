"""factory_boy factories; the test session is attached by the `session` fixture."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.documents.models import Folder
from app.networks.models import ContentVisibility, Membership, MembershipMode, Network, Role

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


class FolderFactory(BaseFactory):
    class Meta:
        model = Folder

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Dossier {n}")
    name_key = factory.LazyAttribute(lambda o: o.name.casefold())
    parent = None
    created_by = None


ALL_FACTORIES = [UserFactory, NetworkFactory, MembershipFactory, FolderFactory]
