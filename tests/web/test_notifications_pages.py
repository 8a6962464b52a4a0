"""The notification pages: list, open, mark all read, the header count, settings."""

import re

import pytest
from sqlalchemy import event

from app.db import utcnow
from app.notifications import service as notifications_service
from app.notifications.models import EmailMode, NotificationKind
from tests.factories import NotificationFactory, UserFactory


@pytest.fixture
def alice(session):
    return UserFactory(display_name="Alice Durand")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/notifications"
    assert client.get("/notifications/settings", follow_redirects=False).status_code == 303


def test_the_list_marks_unread_ones(client, session, alice):
    bob = UserFactory(display_name="Bob Martin")
    NotificationFactory(user=alice, title="Lu depuis", read_at=utcnow())
    unread = NotificationFactory(user=alice, title="Pas encore lu", actor=bob)
    NotificationFactory(title="Pour quelqu'un d'autre")
    client.login(alice)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Lu depuis" in page.text and "Pas encore lu" in page.text
    assert "Pour quelqu&#39;un d&#39;autre" not in page.text and "autre" not in page.text
    item = re.search(
        rf'<li id="notification-{unread.id}" class="([^"]+)">(.*?)</li>', page.text, re.S
    )
    assert "notification-unread" in item.group(1)
    assert "Unread" in item.group(2) or "Non lu" in item.group(2)
    assert "Bob Martin" in item.group(2)


def test_unread_filter_and_paging(client, session, alice):
    read = NotificationFactory(user=alice, title="Ancienne lue", read_at=utcnow())
    for number in range(notifications_service.PAGE_SIZE + 2):
        NotificationFactory(user=alice, title=f"Numéro {number}")
    client.login(alice)
    first = client.get("/notifications")
    assert "Numéro 31" in first.text and "Numéro 1<" not in first.text
    older = re.search(r'href="[^"]*(/notifications\?before=\d+)"', first.text).group(1)
    second = client.get(older)
    assert "Numéro 1<" in second.text and "Ancienne lue" in second.text
    unread_only = client.get("/notifications?unread=true")
    assert "Ancienne lue" not in unread_only.text
    assert read.title not in client.get(older + "&unread=true").text


def test_the_list_as_an_htmx_fragment(client, session, alice):
    NotificationFactory(user=alice, title="Lue", read_at=utcnow())
    NotificationFactory(user=alice, title="Nouvelle")
    client.login(alice)
    fragment = client.get("/notifications?unread=true", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["vary"]
    assert fragment.text.lstrip().startswith('<div id="notification-list">')
    assert "<html" not in fragment.text
    assert "Nouvelle" in fragment.text and "Lue" not in fragment.text
    assert re.search(r'\?unread=true"[^>]*\s+aria-current="page"', fragment.text)


def test_bad_paging_input_is_refused(client, session, alice):
    client.login(alice)
    assert client.get("/notifications?before=abc").status_code == 422
    assert client.get("/notifications?before=-3").status_code == 422


def test_opening_marks_read_and_goes_to_the_page(client, session, alice):
    notification = NotificationFactory(user=alice, url="/t/9/sujet#post-3")
    client.login(alice)
    response = client.post_form(f"/notifications/{notification.id}/open")
    assert response.status_code == 303
    assert response.headers["location"] == "/t/9/sujet#post-3"
    session.expire_all()
    assert notification.read_at is not None


def test_opening_with_htmx_redirects_the_page(client, session, alice):
    notification = NotificationFactory(user=alice, url="/t/9/sujet")
    client.login(alice)
    response = client.post_form(
        f"/notifications/{notification.id}/open", headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/t/9/sujet"


def test_another_members_notification_is_not_found(client, session, alice):
    theirs = NotificationFactory(title="Privé")
    client.login(alice)
    response = client.post_form(f"/notifications/{theirs.id}/open")
    assert response.status_code == 404
    assert client.post_form("/notifications/999999/open").status_code == 404
    session.expire_all()
    assert theirs.read_at is None


def test_opening_needs_the_csrf_token(client, session, alice):
    notification = NotificationFactory(user=alice)
    client.login(alice)
    assert client.post_form(f"/notifications/{notification.id}/open", csrf=False).status_code == 403
    session.expire_all()
    assert notification.read_at is None


def test_mark_all_read(client, session, alice):
    NotificationFactory.create_batch(3, user=alice)
    theirs = NotificationFactory()
    client.login(alice)
    response = client.post_form("/notifications/read-all")
    assert response.status_code == 303 and response.headers["location"] == "/notifications"
    assert notifications_service.count_unread(session, user_id=alice.id) == 0
    assert notifications_service.count_unread(session, user_id=theirs.user_id) == 1
    assert client.post_form("/notifications/read-all", csrf=False).status_code == 403


def test_the_header_shows_the_unread_count_in_a_live_region(client, session, alice):
    NotificationFactory.create_batch(2, user=alice)
    client.login(alice)
    page = client.get("/")
    region = re.search(r'<span id="unread-count"([^>]*)>(.*?)</span></a>', page.text, re.S)
    assert 'aria-live="polite"' in region.group(1)
    assert 'hx-get="http://testserver/notifications/count"' in region.group(1)
    assert "every 45s" in region.group(1)
    assert '<span class="badge">2</span>' in region.group(2)


def test_the_count_fragment_follows_new_notifications(client, session, alice):
    client.login(alice)
    empty = client.get("/notifications/count", headers={"HX-Request": "true"})
    assert empty.status_code == 200 and "badge" not in empty.text
    assert empty.headers["cache-control"] == "no-store"
    NotificationFactory(user=alice)
    fragment = client.get("/notifications/count", headers={"HX-Request": "true"})
    assert '<span class="badge">1</span>' in fragment.text
    assert "<html" not in fragment.text


def test_the_count_fragment_is_empty_when_signed_out(client, session):
    response = client.get("/notifications/count", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.text.strip() == ""


def test_polling_the_count_does_not_eat_a_flash_message(client, session, alice):
    NotificationFactory(user=alice)
    client.login(alice)
    client.post_form("/notifications/read-all")
    client.get("/notifications/count", headers={"HX-Request": "true"})
    assert "All your notifications are marked as read." in client.get("/notifications").text


def test_the_header_count_is_one_query(client, session, engine, alice):
    NotificationFactory.create_batch(3, user=alice)
    client.login(alice)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/notifications/count")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if "FROM notification" in s]) == 1


def test_the_list_page_query_count_does_not_grow(client, session, engine, alice):
    client.login(alice)
    actors = UserFactory.create_batch(3)

    def queries_for_list() -> int:
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/notifications").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    NotificationFactory(user=alice, actor=actors[0])
    few = queries_for_list()
    for actor in actors * 5:
        NotificationFactory(user=alice, actor=actor)
    assert queries_for_list() == few


def test_script_in_a_title_is_shown_as_text(client, session, alice):
    NotificationFactory(
        user=alice, title="<script>alert(1)</script>", excerpt="<img src=x onerror=alert(1)>"
    )
    client.login(alice)
    page = client.get("/notifications").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


# --- settings -------------------------------------------------------------------------------


def test_settings_show_the_quiet_defaults(client, session, alice):
    client.login(alice)
    page = client.get("/notifications/settings").text
    assert re.search(r'value="weekly"\s+aria-describedby="[^"]+"\s+checked', page)
    assert re.search(r'id="email_kinds-reply"[^>]*checked', page)
    assert not re.search(r'id="email_kinds-like"[^>]*checked', page)


def test_account_page_links_to_the_settings(client, session, alice):
    client.login(alice)
    assert 'href="http://testserver/notifications/settings"' in client.get("/account").text


def test_save_settings(client, session, alice):
    client.login(alice)
    response = client.post(
        "/notifications/settings",
        data={
            "csrf_token": client.csrf_token(),
            "email_mode": "daily",
            "email_kinds": ["mention", "private_message"],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    setting = notifications_service.get_setting(session, user_id=alice.id)
    assert setting.email_mode == EmailMode.DAILY
    assert setting.email_kinds == ["mention", "private_message"]
    page = client.get("/notifications/settings").text
    assert "Your notification settings have been saved." in page
    assert re.search(r'value="daily"\s+aria-describedby="[^"]+"\s+checked', page)


def test_no_kind_ticked_means_none_by_mail(client, session, alice):
    client.login(alice)
    client.post_form("/notifications/settings", {"email_mode": "immediate"})
    session.expire_all()
    setting = notifications_service.get_setting(session, user_id=alice.id)
    assert setting.email_mode == EmailMode.IMMEDIATE and setting.email_kinds == []
    notification = notifications_service.notify(
        session,
        recipient_id=alice.id,
        kind=NotificationKind.REPLY,
        actor_id=None,
        network_id=None,
        title="x",
        url="/x",
    )
    assert notification.mail_pending is False


@pytest.mark.parametrize(
    "data",
    [
        {"email_mode": "hourly"},
        {"email_mode": "daily", "email_kinds": "everything"},
        {},
    ],
)
def test_invalid_settings_are_refused_and_nothing_changes(client, session, alice, data):
    client.login(alice)
    response = client.post_form("/notifications/settings", data)
    assert response.status_code == 422
    assert "Choose one of the options." in response.text or "required" in response.text
    session.expire_all()
    assert (
        notifications_service.get_setting(session, user_id=alice.id).email_mode == EmailMode.WEEKLY
    )


def test_settings_need_the_csrf_token(client, session, alice):
    client.login(alice)
    response = client.post_form("/notifications/settings", {"email_mode": "off"}, csrf=False)
    assert response.status_code == 403
    session.expire_all()
    assert (
        notifications_service.get_setting(session, user_id=alice.id).email_mode == EmailMode.WEEKLY
    )
