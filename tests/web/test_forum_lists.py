"""Topic lists, tags, feeds, the network home, and the query counts of the hot pages."""

import contextlib
from xml.etree import ElementTree

import pytest
from sqlalchemy import event

from app.forum import likes
from app.forum.models import PinScope, ReadAccess
from app.networks.models import ContentVisibility
from tests.factories import CategoryFactory, NetworkFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic

ATOM = "{http://www.w3.org/2005/Atom}"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def count_queries(connection):
    """A context manager counting the SQL statements run on the test connection."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(connection, "before_cursor_execute", record)

    return counting


def test_forum_tab_lists_the_latest_with_filters(client, session):
    forum = make_forum(session)
    other = CategoryFactory(network=forum.network, name="Outils", slug="outils")
    start_topic(session, forum.alice, forum.category, title="Question RGPD", tags=["rgpd"])
    start_topic(session, forum.bob, other, title="Quel outil de sauvegarde ?", tags=["sauvegarde"])
    client.login(forum.bob)
    slug = forum.network.slug
    page = client.get(f"/n/{slug}/forum").text
    assert "Question RGPD" in page and "Quel outil de sauvegarde" in page
    assert f'/n/{slug}/forum" aria-current="page"' in page  # the network tab
    by_category = client.get(f"/n/{slug}/forum?category=outils", headers=HTMX)
    assert "Quel outil" in by_category.text and "Question RGPD" not in by_category.text
    assert "<html" not in by_category.text
    by_tag = client.get(f"/n/{slug}/tags/rgpd").text
    assert "Question RGPD" in by_tag and "Quel outil" not in by_tag
    assert client.get(f"/n/{slug}/forum?category=inconnue").status_code == 404
    tags_page = client.get(f"/n/{slug}/tags").text
    assert "rgpd" in tags_page and "sauvegarde" in tags_page


def test_new_and_unread_counts_fall_as_topics_are_read(client, session):
    forum = make_forum(session)
    first = start_topic(session, forum.alice, forum.category, title="Premier")
    start_topic(session, forum.alice, forum.category, title="Second")
    client.login(forum.bob)
    slug = forum.network.slug
    assert 'id="new-count">2<' in client.get(f"/n/{slug}/forum").text
    client.get(f"/t/{first.slug}/{first.id}")
    assert 'id="new-count">1<' in client.get(f"/n/{slug}/forum").text
    reply(session, forum.alice, first, "Du nouveau")
    page = client.get(f"/n/{slug}/forum/unread").text
    assert 'id="unread-topics-count">1<' in page and "Premier" in page and "1 unread" in page
    client.get(f"/t/{first.slug}/{first.id}?page=1")
    assert "unread-topics-count" not in client.get(f"/n/{slug}/forum").text


def test_categories_page_hides_staff_categories_from_members(client, session):
    forum = make_forum(session)
    CategoryFactory(
        network=forum.network,
        name="Salle des animateurs",
        slug="equipe",
        read_access=ReadAccess.STAFF,
    )
    client.login(forum.bob)
    page = client.get(f"/n/{forum.network.slug}/categories").text
    assert "Questions" in page and "Salle des animateurs" not in page
    assert client.get(f"/n/{forum.network.slug}/c/equipe").status_code == 404


def test_latest_across_my_networks(client, session):
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Dans mon réseau")
    elsewhere = make_forum_elsewhere(session)
    start_topic(session, elsewhere[1], elsewhere[0], title="Ailleurs")
    client.login(forum.bob)
    page = client.get("/latest").text
    assert "Dans mon réseau" in page and "Ailleurs" not in page
    assert client.get("/latest", follow_redirects=False).status_code == 200


def make_forum_elsewhere(session):
    network = NetworkFactory()
    return CategoryFactory(network=network), UserFactory(member_of=network)


def test_network_home_shows_its_latest_topics(client, session):
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    start_topic(session, forum.alice, forum.category, title="Sujet récent du réseau")
    page = client.get(f"/n/{forum.network.slug}").text
    assert "Sujet récent du réseau" in page


def test_pinned_and_announcement_topics(client, session):
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Ordinaire")
    start_topic(
        session,
        forum.animator,
        forum.category,
        title="Règles du forum",
        pin_scope=PinScope.NETWORK,
        is_announcement=True,
    )
    start_topic(session, forum.alice, forum.category, title="Plus récent")
    client.login(forum.bob)
    page = client.get(f"/n/{forum.network.slug}/forum").text
    assert 'class="announcement"' in page
    listing = page[page.index('id="topic-list"') :]
    assert (
        listing.index("Règles du forum") < listing.index("Plus récent") < listing.index("Ordinaire")
    )


def _parse_atom(text: str):
    root = ElementTree.fromstring(text.encode())
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "author/" + ATOM + "name", "content"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert (
            entry.find(f"{ATOM}link[@rel='alternate']")
            .get("href")
            .startswith("http://testserver/t/")
        )
    return root


def test_atom_feeds_of_a_public_category_and_topic(client, session):
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    topic = start_topic(
        session, forum.alice, forum.category, title="Sujet <public> & ouvert", body="Texte **gras**"
    )
    reply(session, forum.bob, topic, "Une réponse")
    response = client.get(f"/n/{forum.network.slug}/c/questions/feed.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/atom+xml"
    )
    root = _parse_atom(response.text)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Sujet <public> & ouvert"
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert "<strong>gras</strong>" in entry.find(f"{ATOM}content").text
    topic_feed = _parse_atom(client.get(f"/t/{topic.slug}/{topic.id}/feed.atom").text)
    assert len(topic_feed.findall(f"{ATOM}entry")) == 2


def test_feeds_of_members_only_content_need_a_reader(client, session):
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    members_only = CategoryFactory(
        network=forum.network, slug="membres", read_access=ReadAccess.MEMBERS
    )
    topic = start_topic(session, forum.alice, members_only, title="Réservé")
    assert (
        client.get(
            f"/n/{forum.network.slug}/c/membres/feed.atom", follow_redirects=False
        ).status_code
        == 303
    )
    assert (
        client.get(f"/t/{topic.slug}/{topic.id}/feed.atom", follow_redirects=False).status_code
        == 303
    )
    category, author = make_forum_elsewhere(session)
    hidden = start_topic(session, author, category)
    assert (
        client.get(f"/t/{hidden.slug}/{hidden.id}/feed.atom", follow_redirects=False).status_code
        == 303
    )


def _make_posts(session, forum, topic, count):
    """Replies from three people, some answering the previous one, some liked."""
    parent = None
    for n in range(count):
        author = (forum.alice, forum.bob, forum.animator)[n % 3]
        parent = reply(
            session, author, topic, f"Réponse {n} à @alice", reply_to=parent if n % 2 else None
        )
        if n % 4 == 0:
            likes.like_post(
                session, actor=forum.alice if author == forum.bob else forum.bob, post=parent
            )


@pytest.mark.parametrize("view", ["chronological", "threaded"])
def test_topic_page_query_count_does_not_grow_with_posts(client, session, count_queries, view):
    forum = make_forum(session)
    small = start_topic(session, forum.alice, forum.category, title="Petit", tags=["a"])
    _make_posts(session, forum, small, 2)
    large = start_topic(session, forum.alice, forum.category, title="Grand", tags=["a", "b"])
    _make_posts(session, forum, large, 19)
    client.login(forum.bob)
    client.post_form("/forum/view", {"view": view, "next": "/"})
    for topic in (small, large):
        client.get(f"/t/{topic.slug}/{topic.id}?page=1")  # the first visit creates the read state
    with count_queries() as few:
        assert client.get(f"/t/{small.slug}/{small.id}?page=1").status_code == 200
    with count_queries() as many:
        assert client.get(f"/t/{large.slug}/{large.id}?page=1").status_code == 200
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 25


def test_latest_list_query_count_does_not_grow_with_topics(client, session, count_queries):
    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Seul", tags=["x"])
    client.login(forum.bob)
    with count_queries() as few:
        assert client.get(f"/n/{forum.network.slug}/forum").status_code == 200
    for n in range(12):
        topic = start_topic(
            session,
            (forum.alice, forum.animator)[n % 2],
            forum.category,
            title=f"Sujet {n}",
            tags=[f"t{n}", "x"],
        )
        reply(session, forum.bob, topic)
    with count_queries() as many:
        assert client.get(f"/n/{forum.network.slug}/forum").status_code == 200
    assert len(many) == len(few), "\n".join(many)
    with count_queries() as across:
        assert client.get("/latest").status_code == 200
    assert len(across) <= 12
