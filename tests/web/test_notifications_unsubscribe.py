"""One-click unsubscribe: a signed link, a confirmation page, a POST that needs no session."""

import pytest

from app.notifications import service as notifications_service
from app.notifications.mailing import make_unsubscribe_token, read_unsubscribe_token
from app.notifications.models import EmailMode
from tests.factories import UserFactory

ONE_CLICK = {
    "content": "List-Unsubscribe=One-Click",
    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
}


def mode_of(session, user):
    session.expire_all()
    return notifications_service.get_setting(session, user_id=user.id).email_mode


def test_the_link_shows_a_confirmation_and_changes_nothing(client, session, settings):
    alice = UserFactory(username="alice")
    token = make_unsubscribe_token(settings.resolved_secret_key(), alice.id)
    page = client.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200
    assert "@alice" in page.text
    assert f'action="http://testserver/notifications/unsubscribe/{token}"' in page.text
    assert mode_of(session, alice) == EmailMode.WEEKLY


def test_one_click_post_without_cookie_or_csrf_token(client, session, settings):
    alice = UserFactory()
    token = make_unsubscribe_token(settings.resolved_secret_key(), alice.id)
    response = client.post(
        f"/notifications/unsubscribe/{token}", follow_redirects=False, **ONE_CLICK
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/notifications/unsubscribed"
    assert mode_of(session, alice) == EmailMode.OFF
    assert "no more notification mail" in client.get("/notifications/unsubscribed").text


def test_the_confirmation_button_works_in_a_browser_session(client, session, settings):
    alice, bob = UserFactory(), UserFactory()
    client.login(bob)  # whoever holds the link, signed in as someone else or not
    token = make_unsubscribe_token(settings.resolved_secret_key(), alice.id)
    response = client.post(
        f"/notifications/unsubscribe/{token}",
        data={"List-Unsubscribe": "One-Click"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert mode_of(session, alice) == EmailMode.OFF
    assert mode_of(session, bob) == EmailMode.WEEKLY


def tampered(token: str) -> list[str]:
    payload, _dot, signature = token.partition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        payload + "." + flipped,
        payload + "x." + signature,
        payload,
        "not-a-token",
    ]


@pytest.mark.parametrize("variant", range(4))
def test_an_altered_token_is_refused(client, session, settings, variant):
    alice = UserFactory()
    token = tampered(make_unsubscribe_token(settings.resolved_secret_key(), alice.id))[variant]
    page = client.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 400
    assert "not valid" in page.text
    response = client.post(
        f"/notifications/unsubscribe/{token}", follow_redirects=False, **ONE_CLICK
    )
    assert response.status_code == 400
    assert mode_of(session, alice) == EmailMode.WEEKLY


def test_a_token_for_one_member_cannot_be_turned_into_another(client, session, settings):
    alice, bob = UserFactory(), UserFactory()
    token = make_unsubscribe_token(settings.resolved_secret_key(), alice.id)
    forged = make_unsubscribe_token("another-site-secret", bob.id)
    payload_for_bob = forged.partition(".")[0]
    signature_for_alice = token.partition(".")[2]
    response = client.post(
        f"/notifications/unsubscribe/{payload_for_bob}.{signature_for_alice}",
        follow_redirects=False,
        **ONE_CLICK,
    )
    assert response.status_code == 400
    assert (
        client.post(
            f"/notifications/unsubscribe/{forged}", follow_redirects=False, **ONE_CLICK
        ).status_code
        == 400
    )
    assert mode_of(session, bob) == EmailMode.WEEKLY


def test_tokens_are_read_back(settings):
    token = make_unsubscribe_token(settings.resolved_secret_key(), 42)
    assert read_unsubscribe_token(settings.resolved_secret_key(), token) == 42


def test_a_token_of_a_deleted_account_is_not_found(client, session, settings):
    token = make_unsubscribe_token(settings.resolved_secret_key(), 987654)
    assert client.get(f"/notifications/unsubscribe/{token}").status_code == 404
    assert (
        client.post(
            f"/notifications/unsubscribe/{token}", follow_redirects=False, **ONE_CLICK
        ).status_code
        == 404
    )


def test_only_the_signed_link_route_skips_csrf(client, session):
    """The exemption is the route's, not a path prefix: its neighbours still need the token."""
    alice = UserFactory()
    client.login(alice)
    assert (
        client.post("/notifications/read-all", follow_redirects=False, **ONE_CLICK).status_code
        == 403
    )
    assert (
        client.post("/notifications/settings", follow_redirects=False, **ONE_CLICK).status_code
        == 403
    )
