"""Categories managed by animators, notification levels, pins, drafts and the view choice."""

from sqlalchemy import select

from app.forum import drafts
from app.forum.models import Category, CategoryUser, NotificationLevel, PinScope, Topic, TopicUser
from tests.forum_support import make_forum, start_topic

HTMX = {"HX-Request": "true"}


def test_animators_create_edit_and_delete_categories(client, session, make_client):
    forum = make_forum(session)
    slug = forum.network.slug
    member = make_client()
    member.login(forum.bob)
    assert member.get(f"/n/{slug}/categories/new").status_code == 403
    assert member.post_form(f"/n/{slug}/categories", {"name": "X", "slug": "x"}).status_code == 403
    client.login(forum.animator)
    assert client.get(f"/n/{slug}/categories/new").status_code == 200
    response = client.post_form(
        f"/n/{slug}/categories",
        {
            "name": "Annonces",
            "slug": "annonces",
            "description": "Les nouvelles du réseau",
            "colour": "#AA3300",
            "position": "1",
            "parent": "",
            "read_access": "everyone",
            "topic_access": "staff",
        },
    )
    assert response.status_code == 303
    category = session.scalar(select(Category).where(Category.slug == "annonces"))
    assert (category.colour, category.topic_access.value, category.network_id) == (
        "#aa3300",
        "staff",
        forum.network.id,
    )
    bad = client.post_form(
        f"/n/{slug}/categories", {"name": "Doublon", "slug": "annonces", "colour": "rouge"}
    )
    assert bad.status_code == 422 and "A colour is written #rrggbb" in bad.text
    bad = client.post_form(
        f"/n/{slug}/categories", {"name": "Doublon", "slug": "annonces", "colour": "#000000"}
    )
    assert bad.status_code == 422 and "uses this address" in bad.text
    edit = client.post_form(
        f"/n/{slug}/c/annonces/edit",
        {
            "name": "Annonces officielles",
            "slug": "annonces",
            "colour": "#aa3300",
            "position": "0",
            "parent": "questions",
            "read_access": "members",
            "topic_access": "staff",
        },
    )
    assert edit.status_code == 303
    session.expire_all()
    assert category.name == "Annonces officielles" and category.parent_id == forum.category.id
    assert client.post_form(f"/n/{slug}/c/annonces/delete").status_code == 303
    session.expire_all()
    assert session.scalar(select(Category).where(Category.slug == "annonces")) is None


def test_staff_only_category_for_announcements(client, session, make_client):
    forum = make_forum(session)
    from app.forum.models import TopicAccess
    from tests.factories import CategoryFactory

    CategoryFactory(
        network=forum.network, slug="annonces", name="Annonces", topic_access=TopicAccess.STAFF
    )
    member = make_client()
    member.login(forum.bob)
    assert 'value="annonces"' not in member.get(f"/n/{forum.network.slug}/topics/new").text
    client.login(forum.animator)
    response = client.post_form(
        f"/n/{forum.network.slug}/topics",
        {
            "category": "annonces",
            "title": "Assemblée générale",
            "body": "Le 12 mars.",
            "pin_scope": "network",
            "is_announcement": "true",
        },
    )
    assert response.status_code == 303
    topic = session.scalar(select(Topic))
    assert topic.pin_scope == PinScope.NETWORK and topic.is_announcement
    # Members may still answer an announcement.
    assert (
        member.post_form(f"/t/{topic.slug}/{topic.id}/reply", {"body": "Merci"}).status_code == 303
    )


def test_pin_and_unpin_by_staff_only(client, session, make_client):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    url = f"/t/{topic.slug}/{topic.id}/pin"
    member = make_client()
    member.login(forum.alice)
    assert member.post_form(url, {"pin_scope": "category"}).status_code == 403
    client.login(forum.animator)
    assert client.post_form(url, {"pin_scope": "category"}).status_code == 303
    session.expire_all()
    assert topic.pin_scope == PinScope.CATEGORY and not topic.is_announcement


def test_notification_levels_for_a_topic_and_a_category(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.bob)
    token = client.csrf_token()
    fragment = client.post(
        f"/t/{topic.slug}/{topic.id}/level",
        data={"level": "watching"},
        headers={**HTMX, "X-CSRF-Token": token},
    )
    assert (
        fragment.status_code == 200 and "Saved." in fragment.text and "<html" not in fragment.text
    )
    assert (
        client.post_form(
            f"/n/{forum.network.slug}/c/questions/level", {"level": "muted"}
        ).status_code
        == 303
    )
    assert (
        client.post_form(f"/t/{topic.slug}/{topic.id}/level", {"level": "loud"}).status_code == 303
    )
    session.expire_all()
    assert (
        session.get(TopicUser, (topic.id, forum.bob.id)).notification_level
        == NotificationLevel.WATCHING
    )
    assert (
        session.get(CategoryUser, (forum.category.id, forum.bob.id)).notification_level
        == NotificationLevel.MUTED
    )
    page = client.get(f"/n/{forum.network.slug}/c/questions").text
    assert '<option value="muted" selected>' in page


def test_drafts_are_saved_as_you_type_and_restored(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.bob)
    token = client.csrf_token()
    saved = client.post(
        "/drafts",
        data={"key": drafts.key_for_reply(topic.id), "body": "Je commence à écrire"},
        headers={**HTMX, "X-CSRF-Token": token},
    )
    assert saved.status_code == 200 and "Draft saved" in saved.text
    page = client.get(f"/t/{topic.slug}/{topic.id}?page=1").text
    assert ">Je commence à écrire</textarea>" in page
    # Without JavaScript, the "Save as draft" button posts the form and comes back.
    back = client.post_form(
        "/drafts",
        {
            "key": drafts.key_for_new_topic(forum.network.slug),
            "title": "Brouillon",
            "body": "Idée",
            "next": f"/n/{forum.network.slug}/topics/new",
        },
    )
    assert (
        back.status_code == 303
        and back.headers["location"] == f"/n/{forum.network.slug}/topics/new"
    )
    assert 'value="Brouillon"' in client.get(f"/n/{forum.network.slug}/topics/new").text
    # Posting the reply drops its draft.
    client.post_form(
        f"/t/{topic.slug}/{topic.id}/reply", {"body": "Je commence à écrire, puis je publie"}
    )
    session.expire_all()
    assert drafts.get_draft(session, actor=forum.bob, key=drafts.key_for_reply(topic.id)) is None


def test_drafts_cannot_point_where_one_may_not_write(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.outsider)
    response = client.post_form("/drafts", {"key": drafts.key_for_reply(topic.id), "body": "x"})
    assert response.status_code == 404
    assert client.post_form("/drafts", {"key": "nimporte:quoi", "body": "x"}).status_code == 422
    assert client.post_form("/drafts", {"key": "x", "body": "y"}, csrf=False).status_code == 403


def test_view_choice_is_kept_for_signed_out_visitors_too(client, session):
    from app.networks.models import ContentVisibility

    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    topic = start_topic(session, forum.alice, forum.category)
    client.post_form("/forum/view", {"view": "threaded", "next": f"/t/{topic.slug}/{topic.id}"})
    assert "topic-view-threaded" in client.get(f"/t/{topic.slug}/{topic.id}").text
    response = client.post_form(
        "/forum/view", {"view": "threaded", "next": "https://evil.example/"}
    )
    assert response.headers["location"] == "/"
