"""Account pages through HTTP: sign-up, sign-in, limits, password reset, settings, profiles."""

import time
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.accounts import passwords
from app.accounts import service as accounts_service
from app.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

STRONG = "Une phrase de passe longue"


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read English messages; French stays the default elsewhere."""
    settings.language = "en"


def count_users(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(User))


def signup_data(**overrides) -> dict:
    return {
        "username": "odile",
        "display_name": "Odile Perrin",
        "email": "odile@example.org",
        "password": STRONG,
    } | overrides


def signed_in_as(client, display_name: str) -> bool:
    page = client.get("/")
    return display_name in page.text and '/logout"' in page.text


# --- sign up ---------------------------------------------------------------------------


def test_signup_page(client):
    page = client.get("/signup?next=/n/reseau")
    assert page.status_code == 200
    for name in ("username", "display_name", "email", "password", "csrf_token"):
        assert f'name="{name}"' in page.text
    assert 'value="/n/reseau"' in page.text


def test_signup_signs_in_and_goes_to_a_local_next(client, session):
    response = client.post_form("/signup", signup_data(next="/n/reseau?tab=1"))
    assert response.status_code == 303
    assert response.headers["location"] == "/n/reseau?tab=1"
    assert signed_in_as(client, "Odile Perrin")
    session.expire_all()
    user = session.scalar(select(User).where(User.username == "odile"))
    assert user.email == "odile@example.org"
    assert passwords.verify_password(user.password_hash, STRONG)


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "https://evil.example/",
        "http://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "evil.example",
    ],
)
def test_signup_never_redirects_off_site(client, next_url):
    response = client.post_form("/signup", signup_data(next=next_url))
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    htmx = client.post_form(
        "/signup",
        signup_data(username="paul", email="paul@example.org", next=next_url),
        headers={"HX-Request": "true"},
    )
    assert htmx.headers["hx-redirect"] == "/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"username": "ODILE", "email": "new@example.org"},
            "username",
            "This username is already taken.",
        ),
        (
            {"username": "paul", "email": "Odile@Example.org"},
            "email",
            "An account already uses this email address.",
        ),
        (
            {"username": "paul", "email": "paul@example.org", "password": "court"},
            "password",
            "Use at least 10 characters.",
        ),
        (
            {"username": "paul", "email": "paul@example.org", "password": "azertyuiop"},
            "password",
            "too easy to guess",
        ),
        (
            {"username": "paul", "email": "paul@example.org", "password": "paul-et-ses-amis"},
            "password",
            "username",
        ),
        ({"username": "a", "email": "paul@example.org"}, "username", "At least 3 characters."),
        ({"username": "paul paul", "email": "paul@example.org"}, "username", "Use only letters"),
        ({"username": "paul", "email": "not-an-email"}, "email", ""),
        (
            {"username": "paul", "email": "paul@example.org", "display_name": "   "},
            "display_name",
            "required",
        ),
    ],
)
def test_signup_errors_rerender_the_form_and_write_nothing(
    client, session, overrides, field, message
):
    UserFactory(username="odile", email="odile@example.org")
    before = count_users(session)
    response = client.post_form("/signup", signup_data(**overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    error_line = response.text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error_line
    assert 'aria-invalid="true"' in response.text
    # What was typed is kept, except the password.
    assert (
        f'value="{signup_data(**overrides)["display_name"]}"' in response.text
        or field == "display_name"
    )
    assert STRONG not in response.text
    assert count_users(session) == before
    assert not signed_in_as(client, "Odile Perrin")


def test_signup_is_rate_limited_per_address(client, settings, session):
    settings.signup_attempts_per_address = 2
    client.post_form("/signup", signup_data())
    client.post_form("/logout")
    client.post_form("/signup", signup_data(username="paul", email="paul@example.org"))
    client.post_form("/logout")
    before = count_users(session)
    response = client.post_form("/signup", signup_data(username="zoe", email="zoe@example.org"))
    assert response.status_code == 429
    assert count_users(session) == before


# --- sign in and out -------------------------------------------------------------------


def test_sign_in_by_username_or_email_then_sign_out(client, session):
    UserFactory(username="odile", display_name="Odile Perrin", email="odile@example.org")
    response = client.post_form(
        "/login", {"login": "odile", "password": DEFAULT_PASSWORD, "next": "/account"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    assert signed_in_as(client, "Odile Perrin")

    assert client.post_form("/logout").status_code == 303
    assert not signed_in_as(client, "Odile Perrin")
    assert (
        client.get("/account", follow_redirects=False)
        .headers["location"]
        .startswith("/login?next=")
    )

    response = client.post_form(
        "/login", {"login": "ODILE@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["location"] == "/"
    assert signed_in_as(client, "Odile Perrin")


def test_wrong_password_is_422_and_keeps_nothing_secret(client, session):
    UserFactory(username="odile", display_name="Odile Perrin")
    response = client.post_form("/login", {"login": "odile", "password": "not my password"})
    assert response.status_code == 422
    assert "Wrong username, email or password." in response.text
    assert "not my password" not in response.text
    assert 'value="odile"' in response.text
    assert not signed_in_as(client, "Odile Perrin")
    # An unknown account gets exactly the same answer.
    unknown = client.post_form("/login", {"login": "nobody", "password": "not my password"})
    assert unknown.status_code == 422
    assert "Wrong username, email or password." in unknown.text


def test_sign_in_rate_limit_answers_429(client, settings, session):
    settings.signin_attempts_per_account = 2
    UserFactory(username="odile", display_name="Odile Perrin")
    for _ in range(2):
        assert (
            client.post_form("/login", {"login": "odile", "password": "guess"}).status_code == 422
        )
    response = client.post_form("/login", {"login": "odile", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account" in response.text
    assert '<html lang="en">' in response.text
    assert not signed_in_as(client, "Odile Perrin")


def test_sign_in_rate_limit_per_address(client, settings, session):
    settings.signin_attempts_per_address = 3
    UserFactory(username="odile")
    for name in ("a", "b", "c"):
        client.post_form("/login", {"login": name, "password": "guess"})
    response = client.post_form("/login", {"login": "odile", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.text


# --- password reset --------------------------------------------------------------------


def reset_link(outbox, settings) -> str:
    body = outbox()[-1].body_text
    link = next(
        word for word in body.split() if word.startswith(settings.base_url + "/password/reset?")
    )
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_password_forgot_answers_the_same_for_unknown_addresses(client, session, outbox):
    UserFactory(email="odile@example.org")
    unknown = client.post_form("/password/forgot", {"email": "nobody@example.org"})
    unknown_page = client.get(unknown.headers["location"])
    assert outbox() == []
    known = client.post_form("/password/forgot", {"email": "Odile@example.org"})
    known_page = client.get(known.headers["location"])
    assert (unknown.status_code, unknown.headers["location"]) == (
        known.status_code,
        known.headers["location"],
    )
    assert "If an account uses this address, a reset link is on its way." in unknown_page.text
    assert "If an account uses this address, a reset link is on its way." in known_page.text
    [mail] = outbox()
    assert mail.to_address == "odile@example.org"


def test_password_forgot_with_a_broken_address(client, outbox):
    response = client.post_form("/password/forgot", {"email": "not an address"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert outbox() == []


def test_password_reset_through_the_mailed_link_works_once(
    client, make_client, session, settings, outbox
):
    user = UserFactory(display_name="Odile Perrin", email="odile@example.org")
    other_browser = make_client()
    other_browser.login(user)
    client.post_form("/password/forgot", {"email": "odile@example.org"})
    link = reset_link(outbox, settings)
    token = link.split("token=", 1)[1]

    page = client.get(link)
    assert page.status_code == 200
    weak = client.post_form("/password/reset", {"token": token, "password": "court"})
    assert weak.status_code == 422
    assert 'id="password-error"' in weak.text

    done = client.post_form("/password/reset", {"token": token, "password": STRONG})
    assert done.status_code == 303
    assert signed_in_as(client, "Odile Perrin")
    assert not signed_in_as(other_browser, "Odile Perrin")  # every other session ended
    session.expire_all()
    assert passwords.verify_password(session.get(User, user.id).password_hash, STRONG)

    used = client.get(link)
    assert used.status_code == 400
    assert "This reset link has already been used." in used.text
    assert 'name="password"' not in used.text
    again = client.post_form(
        "/password/reset", {"token": token, "password": "encore une autre phrase"}
    )
    assert again.status_code == 422
    assert "This reset link has already been used." in again.text
    session.expire_all()
    assert passwords.verify_password(session.get(User, user.id).password_hash, STRONG)


@pytest.mark.parametrize("token", ["", "forged", "eyJ1aWQiOjF9.forged.signature"])
def test_a_wrong_reset_token_gets_a_400_page(client, token):
    page = client.get(f"/password/reset?token={token}")
    assert page.status_code == 400
    assert "This reset link is not valid." in page.text
    assert 'name="password"' not in page.text
    response = client.post_form("/password/reset", {"token": token or "x", "password": STRONG})
    assert response.status_code == 422


def test_an_expired_reset_token(client, session, settings, monkeypatch):
    user = UserFactory()
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - 7200)
        token = accounts_service.make_reset_token(user, secret_key=settings.resolved_secret_key())
    page = client.get(f"/password/reset?token={token}")
    assert page.status_code == 400
    assert "This reset link has expired." in page.text
    response = client.post_form("/password/reset", {"token": token, "password": STRONG})
    assert response.status_code == 422
    session.expire_all()
    assert passwords.verify_password(session.get(User, user.id).password_hash, DEFAULT_PASSWORD)


# --- account settings ------------------------------------------------------------------


def test_change_password_signs_out_other_sessions(client, make_client, session):
    user = UserFactory(display_name="Odile Perrin")
    other_browser = make_client()
    other_browser.login(user)
    client.login(user)

    wrong = client.post_form(
        "/account/password", {"current_password": "wrong", "new_password": STRONG}
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.text
    assert signed_in_as(other_browser, "Odile Perrin")

    done = client.post_form(
        "/account/password", {"current_password": DEFAULT_PASSWORD, "new_password": STRONG}
    )
    assert done.status_code == 303
    assert signed_in_as(client, "Odile Perrin")
    assert not signed_in_as(other_browser, "Odile Perrin")
    assert (
        other_browser.get("/account", follow_redirects=False).status_code == 303
    )  # sent to sign in
    other_browser.login(user, password=STRONG)
    assert signed_in_as(other_browser, "Odile Perrin")


def test_change_email(client, session, outbox):
    user = UserFactory(email="odile@example.org")
    UserFactory(email="taken@example.org")
    client.login(user)

    taken = client.post_form(
        "/account/email", {"email": "taken@example.org", "password": DEFAULT_PASSWORD}
    )
    assert taken.status_code == 422
    assert 'id="email-error"' in taken.text
    wrong = client.post_form("/account/email", {"email": "new@example.org", "password": "wrong"})
    assert wrong.status_code == 422
    assert 'id="password-error"' in wrong.text
    assert outbox() == []

    done = client.post_form(
        "/account/email", {"email": "New@Example.org", "password": DEFAULT_PASSWORD}
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(User, user.id).email == "new@example.org"
    [mail] = outbox()
    assert mail.to_address == "odile@example.org"
    assert "new@example.org" in mail.body_text


def profile_data(**overrides) -> dict:
    return {
        "display_name": "Odile Perrin",
        "trade": "Responsable de la sécurité",
        "organisation": "Région Bretagne",
        "region": "Bretagne",
        "bio": "J'aime les réseaux.",
        "skills": "Cryptographie, PKI, cryptographie",
        "locale": "",
    } | overrides


def test_profile_edit_and_profile_page(client, make_client, session):
    user = UserFactory(username="odile")
    client.login(user)
    account = client.get("/account")
    assert account.status_code == 200
    response = client.post_form("/account/profile", profile_data())
    assert response.status_code == 303
    assert response.headers["location"] == "/u/odile"

    reader = make_client()
    reader.login(UserFactory())
    page = reader.get("/u/odile")
    assert page.status_code == 200
    for text in (
        "Odile Perrin",
        "Responsable de la sécurité",
        "Région Bretagne",
        "J&#39;aime les réseaux.",
    ):
        assert text in page.text
    assert page.text.count('class="tag"') == 2
    assert "Cryptographie" in page.text and "PKI" in page.text


def test_profile_pages_need_sign_in_and_unknown_is_404(client, session):
    UserFactory(username="odile")
    assert (
        client.get("/u/odile", follow_redirects=False).headers["location"] == "/login?next=/u/odile"
    )
    client.login(UserFactory())
    assert client.get("/u/nobody").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "x" * 81),
        ("display_name", ""),
        ("trade", "x" * 121),
        ("organisation", "x" * 121),
        ("region", "x" * 81),
        ("bio", "x" * 2001),
        ("skills", ", ".join(f"s{n}" for n in range(21))),
        ("locale", "de"),
    ],
)
def test_profile_edit_refuses_bad_values(client, session, field, value):
    user = UserFactory(display_name="Odile Perrin")
    client.login(user)
    response = client.post_form("/account/profile", profile_data(**{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    session.expire_all()
    saved = session.get(User, user.id)
    assert (saved.display_name, saved.trade, saved.skills) == ("Odile Perrin", "", [])


def test_account_pages_need_sign_in(client):
    assert client.get("/account", follow_redirects=False).status_code == 303
    response = client.post_form("/account/profile", profile_data())
    assert response.status_code == 401


def test_profile_language_follows_the_person_to_a_new_browser(client, session):
    user = UserFactory(locale="en")
    response = client.login(user)
    assert response.cookies.get("lang") == "en" or client.cookies.get("lang") == "en"
    assert 'lang="en"' in client.get("/").text
