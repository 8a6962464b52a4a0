"""Content moderation over HTTP: flags, the queue, post and topic actions, watched words,
settings and the log, as pages and forms; staff of another network get nothing."""

from sqlalchemy import func, select

from app.forum.models import Post, Topic
from app.moderation import flags
from app.moderation.content_models import Flag, WatchedWord
from app.moderation.models import ModerationLogEntry
from app.networks.models import Role
from app.notifications.models import Notification, NotificationKind
from tests.factories import CategoryFactory, NetworkFactory, UserFactory
from tests.forum_support import make_forum, reply, start_topic

HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _count(session, model, *conditions) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def _setup(session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.alice, topic, body="Une réponse à modérer")
    return forum, topic, post


def _moderation(forum) -> str:
    return f"/n/{forum.network.slug}/moderation"


def test_a_member_flags_a_post_and_staff_see_it_in_the_queue(client, make_client, session):
    forum, topic, post = _setup(session)
    client.login(forum.bob)
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert "flag-link" in page.text
    form = client.get(f"/t/{topic.slug}/{topic.id}/2/flag")
    assert form.status_code == 200 and 'value="off_topic"' in form.text
    missing = client.post_form(f"/t/{topic.slug}/{topic.id}/2/flag", {"reason": "other"})
    assert missing.status_code == 422
    done = client.post_form(
        f"/t/{topic.slug}/{topic.id}/2/flag", {"reason": "other", "text": SCRIPT}
    )
    assert done.status_code == 303
    again = client.post_form(f"/t/{topic.slug}/{topic.id}/2/flag", {"reason": "spam"})
    assert again.status_code == 409
    assert _count(session, Flag) == 1

    staff = make_client()
    staff.login(forum.animator)
    queue = staff.get(_moderation(forum))
    assert queue.status_code == 200
    assert f'id="queue-item-{post.id}"' in queue.text
    assert ESCAPED in queue.text and SCRIPT not in queue.text
    assert 'id="moderation-count"' in queue.text  # the header's badge
    assert client.get(_moderation(forum)).status_code == 403  # members are not staff


def test_hide_from_the_queue_with_htmx_tells_the_author_and_logs(client, session):
    forum, topic, post = _setup(session)
    flags.flag_post(session, actor=forum.bob, post=post, reason="spam")
    session.commit()
    client.login(forum.animator)
    response = client.post_form(
        f"{_moderation(forum)}/posts/{post.id}/hide",
        {"reason": f"Publicité {SCRIPT}", "next": _moderation(forum)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="queue"' in response.text and "queue-item" not in response.text
    assert 'id="queue-message"' in response.text
    session.expire_all()
    assert session.get(Post, post.id).hidden_at is not None
    note = session.scalar(
        select(Notification).where(
            Notification.user_id == forum.alice.id,
            Notification.kind == NotificationKind.MODERATION,
        )
    )
    assert note is not None and SCRIPT in note.excerpt
    log = client.get(f"{_moderation(forum)}/log")
    assert 'data-action="post.hide"' in log.text and ESCAPED in log.text and SCRIPT not in log.text
    filtered = client.get(f"{_moderation(forum)}/log?action=post.flag")
    assert 'data-action="post.flag"' in filtered.text
    assert 'data-action="post.hide"' not in filtered.text
    by_kind = client.get(f"{_moderation(forum)}/log?kind=topic")
    assert "Nothing in the log yet" in by_kind.text
    # Hidden for members, marked for staff.
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert "This post is hidden from members." in page.text
    member = client  # signing out and in again as a member
    member.post_form("/logout")
    member.login(forum.bob)
    assert "Une réponse à modérer" not in member.get(f"/t/{topic.slug}/{topic.id}").text


def test_each_post_action_from_the_post(client, session):
    forum, topic, post = _setup(session)
    client.login(forum.animator)
    base = f"{_moderation(forum)}/posts/{post.id}"
    back = f"/t/{topic.slug}/{topic.id}/2"
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert 'id="post-2-staff"' in page.text and 'id="staff-topic-menu"' in page.text
    refused = client.post_form(f"{base}/hide", {"reason": "", "next": back})
    assert refused.status_code == 303 and _count(session, Post, Post.hidden_at.is_not(None)) == 0
    for action, reason in (
        ("hide", "Hors sujet"),
        ("restore", ""),
        ("delete", "Doublon"),
        ("undelete", ""),
        ("warn", "Attention au ton"),
    ):
        response = client.post_form(f"{base}/{action}", {"reason": reason, "next": back})
        assert response.status_code == 303 and response.headers["location"] == back, action
    assert _count(session, ModerationLogEntry) == 5
    edit_page = client.get(f"{base}/edit")
    assert edit_page.status_code == 200
    edited = client.post_form(f"{base}/edit", {"body": "Texte revu", "reason": "Données perso"})
    assert edited.status_code == 303
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert "Edited by staff: Données perso" in page.text
    assert client.post_form(f"{base}/edit", {"body": "Encore", "reason": ""}).status_code == 422


def test_topic_actions_from_the_topic_page(client, session):
    forum, topic, post = _setup(session)
    other_category = CategoryFactory(network=forum.network, slug="autre", name="Autre")
    second = start_topic(session, forum.bob, forum.category, title="Un autre sujet")
    session.commit()
    client.login(forum.animator)
    base = f"{_moderation(forum)}/topics/{topic.id}"
    for path, data in (
        ("/state/close", {"reason": "Résolu"}),
        ("/state/reopen", {}),
        ("/state/archive", {}),
        ("/state/unarchive", {}),
        ("/move", {"category": "autre"}),
        ("/edit", {"title": "Titre revu", "tags": "nis2, crise"}),
        ("/slow-mode", {"minutes": "5"}),
    ):
        response = client.post_form(base + path, data)
        assert response.status_code == 303, path
    session.expire_all()
    topic = session.get(Topic, topic.id)
    assert topic.category_id == other_category.id and topic.title == "Titre revu"
    assert topic.slow_mode_minutes == 5
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert "Slow mode: one post per member every 5 minutes" in page.text
    assert client.get(f"{base}/split").status_code == 200
    split = client.post_form(f"{base}/split", {"post_numbers": "2", "title": "Détaché"})
    assert split.status_code == 303
    assert client.post_form(f"{base}/split", {"title": "Rien"}).status_code == 422
    merged = client.post_form(f"{base}/merge", {"into": str(second.id)})
    assert merged.status_code == 303
    redirect = client.get(f"/t/{topic.slug}/{topic.id}", follow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["location"].endswith(f"/{second.id}")
    pinned = client.post_form(f"/t/{second.slug}/{second.id}/pin", {"pin_scope": "category"})
    assert pinned.status_code == 303
    assert _count(session, ModerationLogEntry, ModerationLogEntry.action == "topic.pin") == 1


def test_watched_words_and_settings_pages(client, make_client, session):
    forum, topic, post = _setup(session)
    client.login(forum.animator)
    words = f"{_moderation(forum)}/words"
    assert client.get(words).status_code == 200
    assert client.post_form(words, {"word": "Sécurité", "action": "block"}).status_code == 303
    assert client.post_form(words, {"word": "securite", "action": "hold"}).status_code == 409
    assert client.post_form(words, {"word": SCRIPT, "action": "flag"}).status_code == 303
    page = client.get(words)
    assert "securite" in page.text and SCRIPT not in page.text
    member = make_client()
    member.login(forum.bob)
    refused = member.post_form(f"/t/{topic.slug}/{topic.id}/reply", {"body": "La SECURITE !"})
    assert refused.status_code == 422 and "securite" in refused.text
    word = session.scalar(select(WatchedWord).where(WatchedWord.word == "securite"))
    removed = client.post_form(f"{words}/{word.id}/delete")
    assert removed.status_code == 303 and _count(session, WatchedWord) == 1
    settings_url = f"{_moderation(forum)}/settings"
    assert client.get(settings_url).status_code == 200
    saved = client.post_form(settings_url, {"flags_to_hide": "2", "new_member_hold": "1"})
    assert saved.status_code == 303
    assert (
        client.post_form(settings_url, {"flags_to_hide": "-1", "new_member_hold": "1"}).status_code
        == 422
    )


def test_held_posts_are_marked_for_their_author(client, make_client, session):
    forum, topic, post = _setup(session)
    client.login(forum.animator)
    client.post_form(
        f"{_moderation(forum)}/settings", {"flags_to_hide": "3", "new_member_hold": "2"}
    )
    newcomer = UserFactory(member_of=forum.network)
    session.commit()
    author = make_client()
    author.login(newcomer)
    author.post_form(f"/t/{topic.slug}/{topic.id}/reply", {"body": "Mon premier message"})
    assert "Waiting for approval" in author.get(f"/t/{topic.slug}/{topic.id}").text
    other = make_client()
    other.login(forum.bob)
    assert "Mon premier message" not in other.get(f"/t/{topic.slug}/{topic.id}").text
    held = session.scalar(select(Post).where(Post.user_id == newcomer.id))
    approved = client.post_form(f"{_moderation(forum)}/posts/{held.id}/approve", {"reason": ""})
    assert approved.status_code == 303
    assert "Mon premier message" in other.get(f"/t/{topic.slug}/{topic.id}").text


def test_staff_of_another_network_get_nothing(client, session):
    forum, topic, post = _setup(session)
    elsewhere = NetworkFactory()
    foreign_staff = UserFactory(member_of=elsewhere, member_of__role=Role.PILOT)
    CategoryFactory(network=elsewhere)
    session.commit()
    client.login(foreign_staff)
    assert client.get(_moderation(forum)).status_code == 404
    hide = client.post_form(f"{_moderation(forum)}/posts/{post.id}/hide", {"reason": "x"})
    assert hide.status_code == 404
    # Their own network's address with this network's post id: not found either.
    guessed = client.post_form(
        f"/n/{elsewhere.slug}/moderation/posts/{post.id}/hide", {"reason": "Essai"}
    )
    assert guessed.status_code == 404
    guessed_topic = client.post_form(
        f"/n/{elsewhere.slug}/moderation/topics/{topic.id}/state/close", {"reason": "Essai"}
    )
    assert guessed_topic.status_code == 404
    assert _count(session, Post, Post.hidden_at.is_not(None)) == 0
    assert client.get(f"/n/{forum.network.slug}/moderation/log").status_code == 404
