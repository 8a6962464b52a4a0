"""The forum's JSON API: with an API key, and with the session cookie and CSRF header."""

from sqlalchemy import func, select

from app.accounts import api_keys
from app.db import utcnow
from app.forum import posting
from app.forum.models import Post, PostLike, ReadAccess, Topic, TopicAccess
from tests.factories import CategoryFactory
from tests.forum_support import make_forum, reply, start_topic


def key_for(session, user) -> dict:
    return {"Authorization": f"Bearer {api_keys.create_api_key(session, actor=user, name='k')[1]}"}


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_list_categories_and_latest(client, session):
    forum = make_forum(session)
    CategoryFactory(network=forum.network, slug="equipe", read_access=ReadAccess.STAFF)
    start_topic(session, forum.alice, forum.category, title="Question", tags=["rgpd"])
    headers = key_for(session, forum.bob)
    slug = forum.network.slug
    categories = client.get(f"/api/v1/networks/{slug}/categories", headers=headers).json()
    assert [c["slug"] for c in categories] == ["questions"]
    latest = client.get(f"/api/v1/networks/{slug}/topics", headers=headers).json()
    assert latest["items"][0]["title"] == "Question" and latest["items"][0]["tags"] == ["rgpd"]
    assert latest["items"][0]["is_new"] is True and latest["has_more"] is False
    assert client.get(f"/api/v1/networks/{slug}/topics?kind=new", headers=headers).json()["items"]
    assert client.get(f"/api/v1/networks/{slug}/topics?tag=rgpd", headers=headers).json()["items"]
    unknown = client.get(f"/api/v1/networks/{slug}/topics?category=nope", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_create_read_reply_edit_like_with_a_key(client, session):
    forum = make_forum(session)
    alice, bob = key_for(session, forum.alice), key_for(session, forum.bob)
    created = client.post(
        f"/api/v1/networks/{forum.network.slug}/topics",
        headers=alice,
        json={
            "category": "questions",
            "title": "Par l'API",
            "body": "Bonjour **@bob**",
            "tags": ["API"],
        },
    )
    assert created.status_code == 201, created.text
    topic = created.json()
    assert topic["tags"] == ["api"] and topic["posts"][0]["body"] == "Bonjour **@bob**"
    first_post = topic["posts"][0]["id"]
    answer = client.post(
        f"/api/v1/topics/{topic['id']}/posts",
        headers=bob,
        json={"body": "Réponse", "reply_to_post_id": first_post},
    )
    assert answer.status_code == 201 and answer.json()["reply_to_post_number"] == 1
    read = client.get(f"/api/v1/topics/{topic['id']}", headers=bob).json()
    assert [p["post_number"] for p in read["posts"]] == [1, 2] and read["page_count"] == 1
    edited = client.patch(
        f"/api/v1/posts/{answer.json()['id']}", headers=bob, json={"body": "Réponse corrigée"}
    )
    assert edited.status_code == 200 and edited.json()["edited_at"]
    liked = client.post(f"/api/v1/posts/{first_post}/like", headers=bob)
    assert liked.json() == {"post_id": first_post, "like_count": 1, "liked": True}
    twice = client.post(f"/api/v1/posts/{first_post}/like", headers=bob)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_liked"
    assert client.delete(f"/api/v1/posts/{first_post}/like", headers=bob).json()["like_count"] == 0
    assert _count(session, PostLike) == 0


def test_api_errors_have_stable_codes_and_write_nothing(client, session):
    forum = make_forum(session)
    staff_only = CategoryFactory(
        network=forum.network, slug="annonces", topic_access=TopicAccess.STAFF
    )
    topic = start_topic(session, forum.alice, forum.category)
    other = start_topic(session, forum.alice, forum.category, title="Autre")
    bob = key_for(session, forum.bob)
    url = f"/api/v1/networks/{forum.network.slug}/topics"

    def error(response, status):
        assert response.status_code == status, response.text
        return response.json()["error"]["code"]

    assert (
        error(
            client.post(url, headers=bob, json={"category": "questions", "title": "", "body": "x"}),
            422,
        )
        == "invalid"
    )
    assert error(
        client.post(url, headers=bob, json={"category": "nope", "title": "Titre", "body": "x"}), 422
    ) == ("unknown_category")
    assert (
        error(
            client.post(
                url, headers=bob, json={"category": staff_only.slug, "title": "Titre", "body": "x"}
            ),
            403,
        )
        == "category_staff_only"
    )
    foreign = posting.get_post_by_number(session, other, 1).id
    assert (
        error(
            client.post(
                f"/api/v1/topics/{topic.id}/posts",
                headers=bob,
                json={"body": "x", "reply_to_post_id": foreign},
            ),
            422,
        )
        == "reply_to_other_topic"
    )
    alices_post = posting.get_post_by_number(session, topic, 1).id
    assert error(
        client.patch(f"/api/v1/posts/{alices_post}", headers=bob, json={"body": "Piraté"}), 403
    ) == ("forbidden")
    assert error(
        client.post(f"/api/v1/posts/{alices_post}/like", headers=key_for(session, forum.alice)), 422
    ) == ("own_post")
    outsider = key_for(session, forum.outsider)
    assert error(client.get(f"/api/v1/topics/{topic.id}", headers=outsider), 404) == "not_found"
    assert error(
        client.post(f"/api/v1/topics/{topic.id}/posts", headers=outsider, json={"body": "x"}), 404
    ) == ("not_found")
    topic.closed_at = utcnow()
    session.flush()
    assert error(
        client.post(f"/api/v1/topics/{topic.id}/posts", headers=bob, json={"body": "x"}), 409
    ) == ("topic_closed")
    assert error(client.get(f"/api/v1/topics/{topic.id}"), 401) == "not_authenticated"
    assert _count(session, Topic) == 2 and _count(session, Post) == 2


def test_api_rate_limit(client, session, settings):
    settings.posts_per_ten_minutes = 1
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    bob = key_for(session, forum.bob)
    assert (
        client.post(
            f"/api/v1/topics/{topic.id}/posts", headers=bob, json={"body": "Un"}
        ).status_code
        == 201
    )
    limited = client.post(f"/api/v1/topics/{topic.id}/posts", headers=bob, json={"body": "Deux"})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"


def test_private_messages_through_the_api_only_for_participants(client, session):
    forum = make_forum(session)
    topic = posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob],
        title="Confidentiel",
        body="Entre nous",
        posts_per_window=100,
    )
    session.flush()
    assert client.get(f"/api/v1/topics/{topic.id}", headers=key_for(session, forum.bob)).json()[
        "is_private"
    ]
    animator = key_for(session, forum.animator)
    assert client.get(f"/api/v1/topics/{topic.id}", headers=animator).status_code == 404
    latest = client.get(f"/api/v1/networks/{forum.network.slug}/topics", headers=animator).json()
    assert latest["items"] == []


def test_the_api_works_with_the_session_cookie_and_csrf_header(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    reply(session, forum.alice, topic)
    client.login(forum.bob)
    token = client.csrf_token()
    without = client.post(f"/api/v1/topics/{topic.id}/posts", json={"body": "Sans jeton"})
    assert without.status_code == 403 and without.json()["error"]["code"] == "csrf_failed"
    with_token = client.post(
        f"/api/v1/topics/{topic.id}/posts",
        json={"body": "Avec jeton"},
        headers={"X-CSRF-Token": token},
    )
    assert with_token.status_code == 201


def test_openapi_documents_the_forum_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/networks/{slug}/categories",
        "/api/v1/networks/{slug}/topics",
        "/api/v1/topics/{topic_id}",
        "/api/v1/topics/{topic_id}/posts",
        "/api/v1/posts/{post_id}",
        "/api/v1/posts/{post_id}/like",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/posts/{post_id}/like"]["post"]["responses"]
