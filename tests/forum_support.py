"""Helpers for forum tests: a small network with people, and topics written through the services."""

from dataclasses import dataclass

from app.accounts.models import User
from app.forum import posting
from app.forum.models import Category, Post, Topic
from app.networks.models import ContentVisibility, Network, Role
from tests.factories import CategoryFactory, NetworkFactory, UserFactory

NO_LIMIT = 10_000


@dataclass
class Forum:
    network: Network
    category: Category
    alice: User
    bob: User
    animator: User
    outsider: User


def make_forum(session, *, visibility: ContentVisibility = ContentVisibility.MEMBERS) -> Forum:
    network = NetworkFactory(content_visibility=visibility)
    category = CategoryFactory(network=network, name="Questions", slug="questions")
    alice = UserFactory(username="alice", display_name="Alice Martin", member_of=network)
    bob = UserFactory(username="bob", display_name="Bob Durand", member_of=network)
    animator = UserFactory(
        username="anim",
        display_name="Anne Animatrice",
        member_of=network,
        member_of__role=Role.ANIMATOR,
    )
    outsider = UserFactory(username="outsider", display_name="Olivier Dehors")
    session.flush()
    return Forum(network, category, alice, bob, animator, outsider)


def start_topic(
    session,
    author: User,
    category: Category,
    title: str = "Une question sur NIS 2",
    body: str = "Qui a déjà fait l'exercice ?",
    **options,
) -> Topic:
    topic = posting.create_topic(
        session,
        actor=author,
        category=category,
        title=title,
        body=body,
        posts_per_window=NO_LIMIT,
        **options,
    )
    session.flush()
    return topic


def reply(
    session,
    author: User,
    topic: Topic,
    body: str = "Oui, nous l'avons fait.",
    reply_to: Post | None = None,
) -> Post:
    post = posting.create_reply(
        session, actor=author, topic=topic, body=body, reply_to=reply_to, posts_per_window=NO_LIMIT
    )
    session.flush()
    return post
