"""Who finds what: every kind of searcher against every kind of content, on the backend the
settings select (Whoosh on the SQLite run, PostgreSQL full-text on the PostgreSQL run).

Each piece of content holds one word no other holds; a searcher finds it, and counts it in
the facets, only when the policy lets them read it now.
"""

import hashlib
from dataclasses import dataclass

import pytest

from app.db import utcnow
from app.documents import files, revisions
from app.documents.models import DocumentKind
from app.forum import posting
from app.forum.models import ReadAccess
from app.networks.models import ContentVisibility, Role
from app.search import indexer
from app.search import service as search_service
from app.storage import LocalStorage
from tests import samples
from tests.factories import CategoryFactory, MembershipFactory, NetworkFactory, UserFactory
from tests.forum_support import NO_LIMIT, reply, start_topic
from tests.search_support import principal_of, search_as

CONTENT = {
    "public_post": "basalte",
    "members_post": "granite",
    "restricted_post": "ardoise",
    "hidden_post": "calcaire",
    "deleted_post": "schiste",
    "private_message": "obsidienne",
    "document": "porphyre",
    "file": "quartzite",
}

# searcher -> the content they may read (everything else must stay invisible to them)
VISIBLE = {
    "anonymous": {"public_post"},
    "outsider": {"public_post"},
    "member": {"public_post", "members_post", "document", "file"},
    "staff": {
        "public_post",
        "members_post",
        "restricted_post",
        "hidden_post",
        "deleted_post",
        "document",
        "file",
    },
    "participant": {"public_post", "members_post", "private_message", "document", "file"},
    "site_admin": {
        "public_post",
        "members_post",
        "restricted_post",
        "hidden_post",
        "deleted_post",
        "document",
        "file",
    },
}


@dataclass
class World:
    people: dict  # searcher name -> User (None: an anonymous visitor)


def hide_or_delete(session, post, attribute):
    # Moderation writes the state and queues the post, like any change to searchable content.
    setattr(post, attribute, utcnow())
    search_service.enqueue(session, kind="post", object_id=post.id)


@pytest.fixture
def world(session, db, settings, tmp_path) -> World:
    public = NetworkFactory(content_visibility=ContentVisibility.PUBLIC)
    closed = NetworkFactory(content_visibility=ContentVisibility.MEMBERS)
    open_section = CategoryFactory(network=public, slug="general")
    staff_section = CategoryFactory(network=public, slug="bureau", read_access=ReadAccess.STAFF)
    closed_section = CategoryFactory(network=closed, slug="echanges")
    people = {
        "anonymous": None,
        "outsider": UserFactory(),
        "member": UserFactory(member_of=public),
        "staff": UserFactory(member_of=public, member_of__role=Role.ANIMATOR),
        "participant": UserFactory(member_of=closed),
        "site_admin": UserFactory(site_admin=True),
    }
    member, staff = people["member"], people["staff"]
    MembershipFactory(user=member, network=closed)
    MembershipFactory(user=staff, network=closed, role=Role.ANIMATOR)
    session.flush()

    start_topic(
        session, member, open_section, title="Sujet ouvert", body=f"Roche {CONTENT['public_post']}"
    )
    start_topic(
        session,
        member,
        closed_section,
        title="Sujet fermé",
        body=f"Roche {CONTENT['members_post']}",
    )
    start_topic(
        session,
        staff,
        staff_section,
        title="Sujet du bureau",
        body=f"Roche {CONTENT['restricted_post']}",
    )
    topic = start_topic(session, member, open_section, title="Sujet modéré", body="Premier message")
    hide_or_delete(
        session, reply(session, member, topic, body=f"Roche {CONTENT['hidden_post']}"), "hidden_at"
    )
    hide_or_delete(
        session,
        reply(session, member, topic, body=f"Roche {CONTENT['deleted_post']}"),
        "deleted_at",
    )
    correspondent = UserFactory(member_of=closed)
    posting.send_message(
        session,
        actor=people["participant"],
        network=closed,
        recipients=[correspondent],
        title="Entre nous",
        body=f"Roche {CONTENT['private_message']}",
        posts_per_window=NO_LIMIT,
    )
    revisions.create_document(
        session,
        actor=member,
        network=closed,
        folder=None,
        kind=DocumentKind.FREE,
        title="Compte rendu",
        body=f"Roche {CONTENT['document']}",
    )
    data = samples.pdf(f"Roche {CONTENT['file']}")
    source = tmp_path / "incoming.pdf"
    source.write_bytes(data)
    files.upload_file(
        session,
        storage=LocalStorage(tmp_path / "files"),
        actor=member,
        network=closed,
        folder=None,
        source=source,
        filename="inventaire.pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.commit()
    while indexer.drain_outbox(db, settings):
        pass
    return World(people)


@pytest.mark.parametrize("searcher", list(VISIBLE))
def test_who_finds_what(session, search_backend, world, searcher):
    """Row by row of the table: found, counted in facets and suggested exactly when visible."""
    person = world.people[searcher]
    found, counted, suggested = set(), set(), set()
    for content, word in CONTENT.items():
        results = search_as(session, search_backend, person, word)
        if results.total:
            found.add(content)
        if sum(f.count for f in results.kind_facets) or sum(
            f.count for f in results.network_facets
        ):
            counted.add(content)
        if search_service.suggest(
            session, search_backend, principal=principal_of(session, person), text=word
        ):
            suggested.add(content)
    assert found == VISIBLE[searcher]
    assert counted == VISIBLE[searcher]
    assert suggested == VISIBLE[searcher]


@pytest.mark.parametrize("searcher", list(VISIBLE))
def test_facets_count_only_what_the_searcher_may_read(session, search_backend, world, searcher):
    everything = " OR ".join(CONTENT.values())
    found = search_as(session, search_backend, world.people[searcher], everything)
    visible = VISIBLE[searcher]
    assert found.matches == len(visible)
    kinds = {facet.label: facet.count for facet in found.kind_facets}
    expected_posts = len(visible - {"document", "file"})
    assert kinds.get("Posts", 0) == expected_posts
    assert kinds.get("Documents", 0) == (1 if "document" in visible else 0)
    assert kinds.get("Files", 0) == (1 if "file" in visible else 0)
    assert sum(kinds.values()) == len(visible)


def test_private_messages_never_appear_in_public_results(session, search_backend, world):
    found = search_as(session, search_backend, world.people["participant"], "entre nous in:title")
    assert found.total == 1
    assert found.results[0].url.startswith("/t/entre-nous/")
    for searcher in ("anonymous", "outsider", "member", "staff", "site_admin"):
        assert (
            search_as(session, search_backend, world.people[searcher], "entre nous in:title").total
            == 0
        )
