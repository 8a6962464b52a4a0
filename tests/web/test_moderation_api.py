"""The moderation JSON API with API keys: the queue, flags, post and topic actions, watched
words, settings and the log, with stable error codes; staff of another network get 404."""

from sqlalchemy import select

from app.forum.models import Post
from app.networks.models import Role
from tests.factories import CategoryFactory, NetworkFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic
from tests.web.test_forum_api import key_for


def _setup(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic, body="À revoir")
    return forum, topic, post


def test_flag_then_review_from_the_queue(client, session):
    forum, topic, post = _setup(session)
    bob, staff = key_for(session, forum.bob), key_for(session, forum.animator)
    base = f"/api/v1/networks/{forum.network.slug}/moderation"
    flagged = client.post(f"/api/v1/posts/{post.id}/flags", headers=bob, json={"reason": "spam"})
    assert flagged.status_code == 201 and flagged.json()["by"] == "bob"
    again = client.post(f"/api/v1/posts/{post.id}/flags", headers=bob, json={"reason": "spam"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_flagged"
    bad = client.post(f"/api/v1/posts/{post.id}/flags", headers=bob, json={"reason": "nope"})
    assert bad.status_code == 422
    queue = client.get(f"{base}/queue", headers=staff).json()
    assert [item["post"]["id"] for item in queue["items"]] == [post.id]
    assert queue["items"][0]["flags"][0]["reason"] == "spam"
    assert client.get(f"{base}/queue", headers=bob).status_code == 403
    no_reason = client.post(f"{base}/posts/{post.id}/hide", headers=staff, json={})
    assert no_reason.status_code == 422
    hidden = client.post(f"{base}/posts/{post.id}/hide", headers=staff, json={"reason": "Pub"})
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    twice = client.post(f"{base}/posts/{post.id}/hide", headers=staff, json={"reason": "Pub"})
    assert twice.json()["error"]["code"] == "already_hidden"
    for action, reason in (
        ("restore", ""),
        ("delete", "Doublon"),
        ("undelete", ""),
        ("warn", "Ton"),
    ):
        answer = client.post(
            f"{base}/posts/{post.id}/{action}", headers=staff, json={"reason": reason}
        )
        assert answer.status_code == 200, (action, answer.text)
    nothing = client.post(f"{base}/posts/{post.id}/approve", headers=staff, json={})
    assert nothing.json()["error"]["code"] == "nothing_to_approve"
    edited = client.post(
        f"{base}/posts/{post.id}/edit", headers=staff, json={"body": "Revu", "reason": "Données"}
    )
    assert edited.json()["staff_edit_reason"] == "Données"
    log = client.get(f"{base}/log", headers=staff).json()
    assert log["entries"][0]["action"] == "post.edit" and log["entries"][0]["actor"] == "anim"
    assert log["entries"][0]["target_url"].endswith(f"/{topic.id}/2")
    only_flags = client.get(f"{base}/log?action=post.flag", headers=staff).json()
    assert [entry["actor"] for entry in only_flags["entries"]] == ["bob"]
    by_actor = client.get(f"{base}/log?actor=bob&kind=post", headers=staff).json()
    assert len(by_actor["entries"]) == 1
    assert client.get(f"{base}/log", headers=bob).status_code == 403


def test_topic_actions(client, session):
    forum, topic, post = _setup(session)
    CategoryFactory(network=forum.network, slug="autre")
    other = start_topic(session, forum.bob, forum.category, title="Autre sujet")
    staff = key_for(session, forum.animator)
    base = f"/api/v1/networks/{forum.network.slug}/moderation/topics/{topic.id}"
    assert client.post(f"{base}/state/close", headers=staff, json={}).json()["closed"] is True
    closed = client.post(f"{base}/state/close", headers=staff, json={})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "already_closed"
    assert client.post(f"{base}/state/reopen", headers=staff, json={}).json()["closed"] is False
    assert client.post(f"{base}/state/archive", headers=staff, json={}).json()["archived"] is True
    client.post(f"{base}/state/unarchive", headers=staff, json={})
    pinned = client.post(f"{base}/pin", headers=staff, json={"pin_scope": "network"})
    assert pinned.json()["pin_scope"] == "network"
    moved = client.post(f"{base}/move", headers=staff, json={"category": "autre"})
    assert moved.json()["category_slug"] == "autre"
    unknown = client.post(f"{base}/move", headers=staff, json={"category": "nulle-part"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_category"
    edited = client.post(f"{base}/edit", headers=staff, json={"title": "Titre", "tags": ["RGPD"]})
    assert edited.json()["tags"] == ["rgpd"]
    slow = client.post(f"{base}/slow-mode", headers=staff, json={"minutes": 3})
    assert slow.json()["slow_mode_minutes"] == 3
    split = client.post(f"{base}/split", headers=staff, json={"post_numbers": [2], "title": "Fil"})
    assert split.status_code == 200 and split.json()["post_count"] == 1
    merged = client.post(f"{base}/merge", headers=staff, json={"into": other.id})
    assert merged.json()["id"] == other.id and merged.json()["post_count"] == 2


def test_watched_words_and_settings(client, session):
    forum, topic, post = _setup(session)
    staff = key_for(session, forum.animator)
    base = f"/api/v1/networks/{forum.network.slug}/moderation"
    created = client.post(
        f"{base}/words", headers=staff, json={"word": "Arnaque*", "action": "block"}
    )
    assert created.status_code == 201 and created.json()["word"] == "arnaque*"
    duplicate = client.post(
        f"{base}/words", headers=staff, json={"word": "ARNAQUE*", "action": "flag"}
    )
    assert duplicate.json()["error"]["code"] == "already_watched"
    assert [w["word"] for w in client.get(f"{base}/words", headers=staff).json()] == ["arnaque*"]
    blocked = client.post(
        f"/api/v1/topics/{topic.id}/posts",
        headers=key_for(session, forum.bob),
        json={"body": "Des arnaques"},
    )
    assert blocked.status_code == 422 and blocked.json()["error"]["code"] == "watched_word_blocked"
    removed = client.delete(f"{base}/words/{created.json()['id']}", headers=staff)
    assert removed.status_code == 204
    assert client.put(
        f"{base}/settings", headers=staff, json={"flags_to_hide": 1, "new_member_hold": 0}
    ).json() == {"flags_to_hide": 1, "new_member_hold": 0}
    assert client.get(f"{base}/settings", headers=staff).json()["flags_to_hide"] == 1
    client.post(
        f"/api/v1/posts/{post.id}/flags",
        headers=key_for(session, forum.bob),
        json={"reason": "spam"},
    )
    session.expire_all()
    assert session.get(Post, post.id).hidden_at is not None  # one flag is enough now


def test_staff_of_another_network_get_404(client, session):
    forum, topic, post = _setup(session)
    elsewhere = NetworkFactory()
    outsider = UserFactory(member_of=elsewhere, member_of__role=Role.PILOT)
    key = key_for(session, outsider)
    base = f"/api/v1/networks/{forum.network.slug}/moderation"
    assert client.get(f"{base}/queue", headers=key).status_code == 404
    hide = client.post(f"{base}/posts/{post.id}/hide", headers=key, json={"reason": "x"})
    assert hide.status_code == 404 and hide.json()["error"]["code"] == "not_found"
    guessed = client.post(
        f"/api/v1/networks/{elsewhere.slug}/moderation/posts/{post.id}/hide",
        headers=key,
        json={"reason": "x"},
    )
    assert guessed.status_code == 404
    assert (
        client.post(
            f"/api/v1/posts/{post.id}/flags", headers=key, json={"reason": "spam"}
        ).status_code
        == 404
    )
    session.expire_all()
    assert session.scalar(select(Post.hidden_at).where(Post.id == post.id)) is None


def test_hidden_posts_leave_the_forum_api_for_members(client, session):
    forum, topic, post = _setup(session)
    staff = key_for(session, forum.animator)
    client.post(
        f"/api/v1/networks/{forum.network.slug}/moderation/posts/{post.id}/hide",
        headers=staff,
        json={"reason": "Hors sujet"},
    )
    member_view = client.get(
        f"/api/v1/topics/{topic.id}", headers=key_for(session, forum.bob)
    ).json()
    assert [p["post_number"] for p in member_view["posts"]] == [1]
    staff_view = client.get(f"/api/v1/topics/{topic.id}", headers=staff).json()
    assert [p["post_number"] for p in staff_view["posts"]] == [1, 2]


def test_the_api_is_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/networks/{slug}/moderation/queue" in paths
    assert "/api/v1/posts/{post_id}/flags" in paths
    assert "/api/v1/networks/{slug}/moderation/log" in paths
