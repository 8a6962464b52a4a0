"""API keys: created and revoked on the account page, accepted as bearer tokens by the API only."""

import re

import pytest

from app.accounts import api_keys
from app.accounts.models import ApiKey
from app.notifications import service as notifications_service
from tests.factories import NotificationFactory, UserFactory


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(session):
    return UserFactory(username="alice", display_name="Alice Durand")


@pytest.fixture
def alice_key(session, alice):
    return api_keys.create_api_key(session, actor=alice, name="script")[1]


# --- the account page -----------------------------------------------------------------------


def test_create_a_key_shown_once(client, session, alice):
    client.login(alice)
    response = client.post_form("/account/api-keys", {"name": "Tableau de bord"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    plain = re.search(r'<p class="secret" id="new-api-key">(mlg_[^<]+)</p>', response.text).group(1)
    session.expire_all()
    [key] = api_keys.list_api_keys(session, user_id=alice.id)
    assert key.name == "Tableau de bord" and key.key_hash == api_keys.hash_key(plain)

    page = client.get("/account").text
    assert plain not in page
    assert "Tableau de bord" in page and f"{key.prefix}…" in page
    assert client.get("/api/v1/me", headers=bearer(plain)).json()["username"] == "alice"


def test_a_key_needs_a_name(client, session, alice):
    client.login(alice)
    response = client.post_form("/account/api-keys", {"name": ""})
    assert response.status_code == 422
    assert "This field is required." in response.text or "obligatoire" in response.text
    assert api_keys.list_api_keys(session, user_id=alice.id) == []


def test_creating_a_key_needs_csrf_and_a_session(client, session, alice):
    assert client.post_form("/account/api-keys", {"name": "x"}).status_code == 401
    client.login(alice)
    assert client.post_form("/account/api-keys", {"name": "x"}, csrf=False).status_code == 403
    assert session.query(ApiKey).count() == 0


def test_script_in_a_key_name_is_shown_as_text(client, session, alice):
    client.login(alice)
    response = client.post_form("/account/api-keys", {"name": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in client.get("/account").text


def test_revoke_a_key(client, session, alice, alice_key):
    [key] = api_keys.list_api_keys(session, user_id=alice.id)
    client.login(alice)
    response = client.post_form(f"/account/api-keys/{key.id}/revoke")
    assert response.status_code == 303 and response.headers["location"] == "/account#api-keys"
    session.expire_all()
    assert key.revoked_at is not None
    assert "Revoked" in client.get("/account").text or "Révoquée" in client.get("/account").text
    failed = client.get("/api/v1/me", headers=bearer(alice_key))
    assert failed.status_code == 401
    assert failed.json()["error"]["code"] == "invalid_api_key"


def test_another_member_cannot_revoke_your_key(client, session, alice, alice_key):
    [key] = api_keys.list_api_keys(session, user_id=alice.id)
    client.login(UserFactory())
    assert client.post_form(f"/account/api-keys/{key.id}/revoke").status_code == 404
    assert client.post_form("/account/api-keys/999999/revoke").status_code == 404
    session.expire_all()
    assert key.revoked_at is None


# --- bearer authentication ------------------------------------------------------------------


def test_a_key_authenticates_the_api(client, session, alice, alice_key):
    response = client.get("/api/v1/me", headers=bearer(alice_key))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("header", ["Bearer mlg_wrong", "Bearer ", "bearer mlg_nope"])
def test_invalid_keys_get_401_json(client, session, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_an_invalid_key_fails_even_where_anonymous_access_is_fine(client, session):
    assert client.get("/api/v1/networks").status_code == 200
    response = client.get("/api/v1/networks", headers=bearer("mlg_wrong"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"


def test_failed_key_attempts_are_rate_limited_per_address(
    client, session, settings, alice, alice_key
):
    settings.api_key_failures_per_address = 3
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer("mlg_guess")).status_code == 401
    limited = client.get("/api/v1/me", headers=bearer(alice_key))
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"


def test_the_key_wins_over_the_session_cookie(client, session, alice, alice_key):
    client.login(UserFactory(username="bob"))
    assert client.get("/api/v1/me").json()["username"] == "bob"
    assert client.get("/api/v1/me", headers=bearer(alice_key)).json()["username"] == "alice"


def test_a_key_never_opens_a_page_or_a_form(client, session, alice, alice_key):
    page = client.get("/account", headers=bearer(alice_key), follow_redirects=False)
    assert page.status_code == 401
    assert "Alice Durand" not in page.text


def test_a_bearer_header_does_not_let_a_cookie_session_skip_csrf(client, session, alice, alice_key):
    NotificationFactory(user=alice)
    client.login(alice)
    for header in (bearer(alice_key), bearer("mlg_anything")):
        response = client.post("/notifications/read-all", headers=header, follow_redirects=False)
        assert response.status_code == 403
        response = client.post_form("/notifications/read-all", headers=header)
        assert response.status_code == 401
    assert notifications_service.count_unread(session, user_id=alice.id) == 1


def test_api_writes_with_a_key_need_no_csrf_token(client, session, alice, alice_key):
    NotificationFactory(user=alice)
    response = client.post("/api/v1/notifications/read-all", headers=bearer(alice_key))
    assert response.status_code == 200 and response.json() == {"marked": 1, "unread_count": 0}


def test_api_writes_with_a_session_cookie_still_need_csrf(client, session, alice):
    NotificationFactory(user=alice)
    client.login(alice)
    refused = client.post("/api/v1/notifications/read-all")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    accepted = client.post(
        "/api/v1/notifications/read-all", headers={"X-CSRF-Token": client.csrf_token()}
    )
    assert accepted.status_code == 200


def test_the_last_use_is_recorded(client, session, alice, alice_key):
    client.get("/api/v1/me", headers=bearer(alice_key))
    session.expire_all()
    [key] = api_keys.list_api_keys(session, user_id=alice.id)
    assert key.last_used_at is not None
