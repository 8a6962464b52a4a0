"""The topic pages over HTTP: writing, reading, the two views, pages, edits, likes, answers."""

import re

from sqlalchemy import func, select

from app.db import utcnow
from app.forum import posting
from app.forum.models import Post, PostLike, ReadAccess, Topic, TopicAccess, TopicUser
from app.networks.models import ContentVisibility
from tests.factories import CategoryFactory
from tests.forum_support import make_forum, reply, start_topic

HTMX = {"HX-Request": "true"}


def _topic_url(topic) -> str:
    return f"/t/{topic.slug}/{topic.id}"


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_start_a_topic_with_the_form(client, session):
    forum = make_forum(session)
    client.login(forum.alice)
    page = client.get(f"/n/{forum.network.slug}/topics/new")
    assert page.status_code == 200 and 'value="questions"' in page.text
    response = client.post_form(
        f"/n/{forum.network.slug}/topics",
        {
            "category": "questions",
            "title": "Exercice de crise : qui l'a fait ?",
            "tags": "Gestion de crise, nis2",
            "body": "Bonjour @bob, **vos retours** ?",
        },
    )
    assert response.status_code == 303
    topic = session.scalar(select(Topic))
    assert response.headers["location"] == f"/t/exercice-de-crise-qui-l-a-fait/{topic.id}"
    page = client.get(response.headers["location"])
    assert "<strong>vos retours</strong>" in page.text
    assert 'href="/u/bob" class="mention"' in page.text
    assert "gestion-de-crise" in page.text


def test_bad_topic_input_gets_clear_messages_and_writes_nothing(client, session):
    forum = make_forum(session)
    staff_only = CategoryFactory(
        network=forum.network, slug="annonces", name="Annonces", topic_access=TopicAccess.STAFF
    )
    hidden = CategoryFactory(network=forum.network, slug="equipe", read_access=ReadAccess.STAFF)
    client.login(forum.alice)
    url = f"/n/{forum.network.slug}/topics"
    cases = [
        ({"category": "questions", "title": "", "body": "x"}, 422, "At least 3 characters"),
        ({"category": "questions", "title": "x" * 201, "body": "x"}, 422, "At most 200 characters"),
        ({"category": "questions", "title": "Titre", "body": "   "}, 422, "This field is required"),
        ({"category": "questions", "title": "Titre", "body": "x" * 30001}, 422, "At most 30000"),
        (
            {"category": "inconnue", "title": "Titre", "body": "x"},
            422,
            "This category does not exist",
        ),
        (
            {"category": hidden.slug, "title": "Titre", "body": "x"},
            422,
            "This category does not exist",
        ),
        (
            {"category": staff_only.slug, "title": "Titre", "body": "x"},
            403,
            "Only the network&#39;s animators",
        ),
        (
            {"category": "questions", "title": "Titre", "body": "x", "pin_scope": "network"},
            403,
            "pin topics",
        ),
        (
            {"category": "questions", "title": "Titre", "body": "x", "tags": "a, b, c, d, e, f"},
            422,
            "At most 5 tags",
        ),
    ]
    for data, status, message in cases:
        response = client.post_form(url, data)
        assert response.status_code == status, (data, response.status_code)
        assert message in response.text, (data, response.text[:500])
    assert _count(session, Topic) == 0


def test_members_who_have_not_accepted_the_charter_are_told_so(client, session):
    forum = make_forum(session)
    forum.network.charter_number = 1
    session.flush()
    client.login(forum.alice)
    response = client.post_form(
        f"/n/{forum.network.slug}/topics", {"category": "questions", "title": "Titre", "body": "x"}
    )
    assert response.status_code == 403 and "accept the network" in response.text
    assert _count(session, Topic) == 0


def test_outsiders_and_anonymous_visitors(client, session, make_client):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    anonymous = client.get(_topic_url(topic), follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    outsider = make_client()
    outsider.login(forum.outsider)
    assert outsider.get(_topic_url(topic)).status_code == 404
    response = outsider.post_form(f"{_topic_url(topic)}/reply", {"body": "Intrus"})
    assert response.status_code == 404
    assert _count(session, Post) == 1


def test_a_public_network_is_readable_signed_out_but_not_writable(client, session):
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    topic = start_topic(session, forum.alice, forum.category, title="Sujet public")
    page = client.get(_topic_url(topic))
    assert (
        page.status_code == 200 and "Sujet public" in page.text and "Sign in to reply" in page.text
    )


def test_reply_to_a_post_and_see_in_reply_to(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    first = reply(session, forum.bob, topic, "Première réponse")
    client.login(forum.alice)
    response = client.post_form(
        f"{_topic_url(topic)}/reply", {"body": "Je précise", "reply_to_post_id": first.id}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{_topic_url(topic)}/3"
    assert client.get(response.headers["location"], follow_redirects=False).headers["location"] == (
        f"{_topic_url(topic)}?page=1#post-3"
    )
    page = client.get(f"{_topic_url(topic)}?page=1")
    assert f'{_topic_url(topic)}/2">in reply to bob #2' in page.text


def test_replying_to_a_post_of_another_topic_is_refused(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    other = start_topic(session, forum.bob, forum.category, title="Autre")
    foreign = posting.get_post_by_number(session, other, 1)
    client.login(forum.alice)
    response = client.post_form(
        f"{_topic_url(topic)}/reply", {"body": "Réponse", "reply_to_post_id": foreign.id}
    )
    assert response.status_code == 422 and "belongs to another topic" in response.text
    assert "Réponse" in response.text  # the text is kept
    response = client.post_form(
        f"{_topic_url(topic)}/reply", {"body": "Réponse", "reply_to_post_id": 999999}
    )
    assert response.status_code == 422 and "does not exist" in response.text
    assert _count(session, Post) == 2


def test_a_closed_topic_refuses_replies_with_a_message(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    topic.closed_at = utcnow()
    session.flush()
    client.login(forum.bob)
    page = client.get(_topic_url(topic))
    assert "This topic is closed" in page.text and 'id="reply-form"' not in page.text
    response = client.post_form(f"{_topic_url(topic)}/reply", {"body": "Trop tard"})
    assert response.status_code == 409 and "This topic is closed" in response.text
    assert _count(session, Post) == 1


def test_posting_is_rate_limited(client, session, settings):
    settings.posts_per_ten_minutes = 2
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.bob)
    for n in range(2):
        assert (
            client.post_form(f"{_topic_url(topic)}/reply", {"body": f"Message {n}"}).status_code
            == 303
        )
    response = client.post_form(f"{_topic_url(topic)}/reply", {"body": "Un de trop"})
    assert (
        response.status_code == 429
        and "wait a few minutes" in response.text
        and "Un de trop" in response.text
    )
    assert _count(session, Post) == 3


def test_forged_reply_without_csrf_token_is_refused(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.bob)
    response = client.post_form(f"{_topic_url(topic)}/reply", {"body": "Forgé"}, csrf=False)
    assert response.status_code == 403
    assert _count(session, Post) == 1


def test_scripts_in_titles_tags_and_bodies_never_run(client, session):
    forum = make_forum(session)
    client.login(forum.alice)
    client.post_form(
        f"/n/{forum.network.slug}/topics",
        {
            "category": "questions",
            "title": "<script>alert('titre')</script>",
            "tags": "ok",
            "body": "<img src=x onerror=alert(1)> [x](javascript:alert(2))",
        },
    )
    topic = session.scalar(select(Topic))
    page = client.get(_topic_url(topic)).text + client.get(f"/n/{forum.network.slug}/forum").text
    assert "<script>alert" not in page and "onerror=alert" not in page.replace(
        "&lt;img src=x onerror=alert(1)&gt;", ""
    )
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt;" in page


def test_edit_own_post_only_and_see_the_history(client, session, make_client):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, body="Version 1")
    client.login(forum.alice)
    edit_url = f"{_topic_url(topic)}/1/edit"
    assert "Version 1" in client.get(edit_url).text
    response = client.post_form(
        edit_url, {"body": "Version 2", "title": topic.title, "tags": "", "comment": "mise à jour"}
    )
    assert response.status_code == 303
    history = client.get(f"{_topic_url(topic)}/1/history")
    assert (
        "Revision 2" in history.text
        and "mise à jour" in history.text
        and "Version 1" in history.text
    )
    assert client.post_form(edit_url, {"body": " ", "title": topic.title}).status_code == 422
    bob = make_client()
    bob.login(forum.bob)
    assert bob.get(edit_url).status_code == 403
    assert bob.post_form(edit_url, {"body": "Piraté", "title": topic.title}).status_code == 403
    session.expire_all()
    assert posting.get_post_by_number(session, topic, 1).body == "Version 2"


def test_like_with_htmx_and_liking_twice(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.bob)
    token = client.csrf_token()
    response = client.post(f"{_topic_url(topic)}/1/like", headers={**HTMX, "X-CSRF-Token": token})
    assert response.status_code == 200
    assert (
        'aria-pressed="true"' in response.text
        and '<span class="like-count">1</span>' in response.text
    )
    again = client.post_form(f"{_topic_url(topic)}/1/like")
    assert again.status_code == 409 and "You already like this post" in again.text
    assert _count(session, PostLike) == 1
    assert client.post_form(f"{_topic_url(topic)}/1/unlike").status_code == 303
    assert _count(session, PostLike) == 0


def test_cannot_like_own_post(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.alice)
    response = client.post_form(f"{_topic_url(topic)}/1/like")
    assert response.status_code == 422 and "your own post" in response.text


def test_mark_answered_by_the_author_shows_it_under_the_question(client, session, make_client):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    reply(session, forum.animator, topic, "La réponse collective")
    bob = make_client()
    bob.login(forum.bob)
    assert bob.post_form(f"{_topic_url(topic)}/2/answer").status_code == 403
    client.login(forum.alice)
    assert client.post_form(f"{_topic_url(topic)}/2/answer").status_code == 303
    page = client.get(f"{_topic_url(topic)}?page=1").text
    assert 'class="answer-box"' in page and page.index("answer-box") < page.index('id="post-2"')
    listing = client.get(f"/n/{forum.network.slug}/forum").text
    assert "topic-flag-answered" in listing
    assert client.post_form(f"{_topic_url(topic)}/answer/delete").status_code == 303
    session.expire_all()
    assert session.get(Topic, topic.id).answer_post_number is None


def test_threaded_view_is_remembered_and_nests_replies(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    first = reply(session, forum.bob, topic, "Branche A")
    reply(session, forum.alice, topic, "Réponse dans A", reply_to=first)
    reply(session, forum.animator, topic, "Branche B")
    client.login(forum.bob)
    chrono = client.get(f"{_topic_url(topic)}?page=1").text
    assert "topic-view-chronological" in chrono and "<details" not in chrono
    assert (
        client.post_form("/forum/view", {"view": "threaded", "next": _topic_url(topic)}).status_code
        == 303
    )
    threaded = client.get(f"{_topic_url(topic)}?page=1").text
    assert "topic-view-threaded" in threaded
    branch = threaded[threaded.index('id="post-2"') : threaded.index('id="post-4"')]
    assert '<details class="thread-branch" open>' in branch and 'id="post-3"' in branch


def test_indentation_stops_after_four_levels(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    parent = None
    for n in range(6):
        parent = reply(
            session, forum.bob if n % 2 else forum.alice, topic, f"Niveau {n + 1}", reply_to=parent
        )
    client.login(forum.bob)
    client.post_form("/forum/view", {"view": "threaded", "next": "/"})
    page = client.get(f"{_topic_url(topic)}?page=1").text
    assert page.count('class="thread-children thread-flat"') == 2  # under levels 4 and 5
    assert (
        "in reply to" in page[page.index('id="post-7"') :]
    )  # the parent named once indentation stops


def test_expand_a_posts_replies_in_the_chronological_view(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    first = reply(session, forum.bob, topic, "Question annexe")
    reply(session, forum.alice, topic, "Réponse annexe", reply_to=first)
    client.login(forum.bob)
    page = client.get(f"{_topic_url(topic)}?page=1").text
    assert f'{_topic_url(topic)}/2/replies" hx-target="#post-2-replies"' in page
    fragment = client.get(f"{_topic_url(topic)}/2/replies", headers=HTMX)
    assert "Réponse annexe" in fragment.text and "<html" not in fragment.text
    full = client.get(f"{_topic_url(topic)}/2/replies")
    assert "<html" in full.text and "Réponse annexe" in full.text


def test_pages_and_links_to_a_post(client, session, monkeypatch):
    from app.forum import reading

    monkeypatch.setattr(reading, "PAGE_SIZE", 3)
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    for n in range(6):
        reply(session, forum.bob, topic, f"Réponse {n}")
    client.login(forum.alice)
    link = client.get(f"{_topic_url(topic)}/6", follow_redirects=False)
    assert (
        link.status_code == 302 and link.headers["location"] == f"{_topic_url(topic)}?page=2#post-6"
    )
    page = client.get(f"{_topic_url(topic)}?page=2").text
    assert 'id="post-6"' in page and 'id="post-1"' not in page and 'aria-current="page">2<' in page
    wrong_slug = client.get(f"/t/autre-chose/{topic.id}?page=2", follow_redirects=False)
    assert (
        wrong_slug.status_code == 301
        and wrong_slug.headers["location"] == f"{_topic_url(topic)}?page=2"
    )


def test_a_topic_opens_at_the_first_unread_post(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    reply(session, forum.alice, topic)
    client.login(forum.bob)
    assert (
        client.get(_topic_url(topic), follow_redirects=False).status_code == 200
    )  # first visit: the top
    session.expire_all()
    state = session.get(TopicUser, (topic.id, forum.bob.id))
    assert state.last_read_post_number == 2
    reply(session, forum.alice, topic, "Nouveau")
    response = client.get(_topic_url(topic), follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].endswith("?page=1#post-3")


def test_bookmark_a_post_and_list_it(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, title="À garder")
    reply(session, forum.alice, topic)
    client.login(forum.bob)
    assert client.post_form(f"{_topic_url(topic)}/2/bookmark").status_code == 303
    page = client.get("/bookmarks").text
    assert "À garder" in page and f'{_topic_url(topic)}/2"' in page
    assert client.post_form(f"{_topic_url(topic)}/bookmark/delete").status_code == 303
    assert "À garder" not in client.get("/bookmarks").text


def test_hidden_and_deleted_posts_are_shown_to_staff_only(client, session, make_client):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    post = reply(session, forum.bob, topic, "Message masqué")
    post.hidden_at = utcnow()
    session.flush()
    client.login(forum.alice)
    assert "Message masqué" not in client.get(f"{_topic_url(topic)}?page=1").text
    assert client.post_form(f"{_topic_url(topic)}/2/like").status_code == 404
    animator = make_client()
    animator.login(forum.animator)
    page = animator.get(f"{_topic_url(topic)}?page=1").text
    assert "Message masqué" in page and "hidden from members" in page


def test_quote_link_without_javascript_prefills_the_reply(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category, body="Une phrase à citer")
    client.login(forum.bob)
    page = client.get(f"{_topic_url(topic)}?page=1&quote=1").text
    assert (
        f"[quote=&#34;alice, post:1, topic:{topic.id}&#34;]\nUne phrase à citer\n[/quote]" in page
    )
    post_id = re.search(r'name="reply_to_post_id" id="reply_to_post_id" value="(\d+)"', page).group(
        1
    )
    assert int(post_id) == posting.get_post_by_number(session, topic, 1).id
