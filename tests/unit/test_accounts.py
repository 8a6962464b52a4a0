"""Account services against a real database: sign-up rules, sign-in limits, resets, profiles."""

import time

import pytest
from itsdangerous import TimestampSigner

from app.accounts import passwords, service
from app.accounts.models import Skill
from app.errors import Conflict, Invalid, RateLimited
from tests.factories import DEFAULT_PASSWORD, UserFactory

SECRET = "unit-test-secret"
RESET_URL = "http://testserver/password/reset"
STRONG = "Une phrase de passe longue"


def new_user(session, **overrides):
    data = {
        "username": "alice",
        "display_name": "Alice Martin",
        "email": "alice@example.org",
        "password": STRONG,
    } | overrides
    return service.create_user(session, **data)


# --- create_user ---------------------------------------------------------------------


def test_create_user_normalises_and_hashes(session):
    user = new_user(session, username="Alice", email="  Alice@Example.ORG ")
    assert user.id is not None
    assert user.username == "alice"
    assert user.email == "alice@example.org"
    assert user.password_hash != STRONG
    assert passwords.verify_password(user.password_hash, STRONG)
    assert not user.is_site_admin


@pytest.mark.parametrize("username", ["alice", "ALICE", "Alice"])
def test_create_user_refuses_a_taken_username_whatever_its_case(session, username):
    new_user(session)
    with pytest.raises(Conflict) as raised:
        new_user(session, username=username, email="other@example.org")
    assert raised.value.field == "username"


@pytest.mark.parametrize("email", ["alice@example.org", "ALICE@example.org", " Alice@EXAMPLE.org"])
def test_create_user_refuses_a_taken_email_whatever_its_case(session, email):
    new_user(session)
    with pytest.raises(Conflict) as raised:
        new_user(session, username="bob", email=email)
    assert raised.value.field == "email"


@pytest.mark.parametrize(
    "password",
    [
        "court1",  # too short
        "azertyuiop",  # common
        "aaaaaaaaaaaa",  # too few different characters
        "xx-alice-2024-xx",  # contains the username
        "contact-alice.m-99",  # contains the local part of the email
    ],
)
def test_create_user_refuses_weak_passwords(session, password):
    with pytest.raises(Invalid) as raised:
        new_user(session, email="alice.m@example.org", password=password)
    assert raised.value.field == "password"
    assert raised.value.message


# --- authenticate ----------------------------------------------------------------------


def sign_in(session, login, password, *, address="198.51.100.7", per_account=3, per_address=50):
    return service.authenticate(
        session,
        login=login,
        password=password,
        address=address,
        per_account=per_account,
        per_address=per_address,
    )


def test_authenticate_by_username_or_email_any_case(session):
    user = UserFactory(username="odile", email="odile@example.org")
    assert sign_in(session, "odile", DEFAULT_PASSWORD) == user
    assert sign_in(session, "ODILE@Example.org", DEFAULT_PASSWORD) == user
    assert sign_in(session, " odile ", DEFAULT_PASSWORD) == user


def test_authenticate_refuses_a_wrong_password_or_an_unknown_account(session):
    UserFactory(username="odile")
    assert sign_in(session, "odile", "not the right one") is None
    assert sign_in(session, "nobody", DEFAULT_PASSWORD) is None


def test_authenticate_locks_an_account_after_too_many_failures(session):
    UserFactory(username="odile")
    for _ in range(3):
        assert sign_in(session, "odile", "wrong password") is None
    # Even the right password is refused now, from any address: guessing cannot go on.
    with pytest.raises(RateLimited) as raised:
        sign_in(session, "odile", DEFAULT_PASSWORD, address="203.0.113.9")
    assert "15 minutes" in raised.value.message
    # Another account is not affected.
    UserFactory(username="paul")
    assert sign_in(session, "paul", DEFAULT_PASSWORD) is not None


def test_authenticate_limits_attempts_per_address(session):
    UserFactory(username="odile")
    for name in ("a", "b", "c"):
        assert sign_in(session, name, "guess", per_address=3) is None
    with pytest.raises(RateLimited):
        sign_in(session, "odile", DEFAULT_PASSWORD, per_address=3)
    # Another address still gets in.
    assert (
        sign_in(session, "odile", DEFAULT_PASSWORD, per_address=3, address="192.0.2.1") is not None
    )


def test_a_successful_sign_in_clears_the_account_failures(session):
    user = UserFactory(username="odile")
    for _ in range(2):
        sign_in(session, "odile", "wrong password")
    assert sign_in(session, "odile", DEFAULT_PASSWORD) == user
    for _ in range(2):
        assert sign_in(session, "odile", "wrong password") is None
    assert sign_in(session, "odile", DEFAULT_PASSWORD) == user


# --- password reset --------------------------------------------------------------------


def reset_token_made(monkeypatch, user, *, seconds_ago: int) -> str:
    """A reset token as if made `seconds_ago`."""
    with monkeypatch.context() as patch:
        patch.setattr(
            TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - seconds_ago
        )
        return service.make_reset_token(user, secret_key=SECRET)


def check(session, token, max_age=3600):
    return service.user_for_reset_token(
        session, token=token, secret_key=SECRET, max_age_seconds=max_age
    )


def test_reset_token_names_its_account(session):
    user = UserFactory()
    assert check(session, service.make_reset_token(user, secret_key=SECRET)) == user


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "nonsense",
        lambda token: "",
    ],
)
def test_a_forged_reset_token_is_refused(session, forge):
    user = UserFactory()
    with pytest.raises(Invalid) as raised:
        check(session, forge(service.make_reset_token(user, secret_key=SECRET)))
    assert raised.value.code == "token_invalid"


def test_a_reset_token_signed_with_another_key_is_refused(session):
    user = UserFactory()
    with pytest.raises(Invalid) as raised:
        check(session, service.make_reset_token(user, secret_key="another key"))
    assert raised.value.code == "token_invalid"


def test_an_expired_reset_token_is_refused(session, monkeypatch):
    user = UserFactory()
    token = reset_token_made(monkeypatch, user, seconds_ago=3601)
    with pytest.raises(Invalid) as raised:
        check(session, token, max_age=3600)
    assert raised.value.code == "token_expired"
    assert (
        check(session, reset_token_made(monkeypatch, user, seconds_ago=3500), max_age=3600) == user
    )


def test_a_reset_token_works_once(session):
    user = UserFactory()
    token = service.make_reset_token(user, secret_key=SECRET)
    version = user.auth_version
    service.reset_password(
        session, token=token, password=STRONG, secret_key=SECRET, max_age_seconds=60
    )
    assert user.auth_version == version + 1
    assert passwords.verify_password(user.password_hash, STRONG)
    with pytest.raises(Invalid) as raised:
        service.reset_password(
            session,
            token=token,
            password="encore une autre phrase",
            secret_key=SECRET,
            max_age_seconds=60,
        )
    assert raised.value.code == "token_used"
    assert passwords.verify_password(user.password_hash, STRONG)


def test_reset_password_refuses_a_weak_password_and_keeps_the_token(session):
    user = UserFactory()
    token = service.make_reset_token(user, secret_key=SECRET)
    with pytest.raises(Invalid) as raised:
        service.reset_password(
            session, token=token, password="court", secret_key=SECRET, max_age_seconds=60
        )
    assert raised.value.field == "password"
    assert check(session, token) == user


def test_request_password_reset_mails_a_link_for_a_known_address_only(session, outbox):
    user = UserFactory(email="odile@example.org")
    service.request_password_reset(
        session,
        email="nobody@example.org",
        secret_key=SECRET,
        reset_url=RESET_URL,
        max_age_seconds=3600,
    )
    assert outbox() == []
    service.request_password_reset(
        session,
        email="ODILE@example.org",
        secret_key=SECRET,
        reset_url=RESET_URL,
        max_age_seconds=3600,
    )
    [mail] = outbox()
    assert mail.to_address == "odile@example.org"
    link = next(word for word in mail.body_text.split() if word.startswith(RESET_URL))
    token = link.split("token=", 1)[1]
    assert check(session, token) == user


# --- change password and email ---------------------------------------------------------


def test_change_password(session):
    user = UserFactory()
    version = user.auth_version
    with pytest.raises(Invalid) as raised:
        service.change_password(session, actor=user, current_password="wrong", new_password=STRONG)
    assert raised.value.field == "current_password"
    with pytest.raises(Invalid) as raised:
        service.change_password(
            session, actor=user, current_password=DEFAULT_PASSWORD, new_password="court"
        )
    assert raised.value.field == "new_password"
    assert user.auth_version == version

    service.change_password(
        session, actor=user, current_password=DEFAULT_PASSWORD, new_password=STRONG
    )
    assert passwords.verify_password(user.password_hash, STRONG)
    assert user.auth_version == version + 1


def test_change_email(session, outbox):
    user = UserFactory(email="odile@example.org")
    UserFactory(email="taken@example.org")
    with pytest.raises(Invalid) as raised:
        service.change_email(session, actor=user, password="wrong", email="new@example.org")
    assert raised.value.field == "password"
    with pytest.raises(Conflict) as raised:
        service.change_email(
            session, actor=user, password=DEFAULT_PASSWORD, email="TAKEN@example.org"
        )
    assert raised.value.field == "email"
    assert user.email == "odile@example.org"
    assert outbox() == []

    service.change_email(session, actor=user, password=DEFAULT_PASSWORD, email="New@Example.org")
    assert user.email == "new@example.org"
    [mail] = outbox()
    assert mail.to_address == "odile@example.org"
    assert "new@example.org" in mail.body_text


# --- profile and skills ----------------------------------------------------------------


def test_parse_skills_folds_case_accents_and_spaces():
    assert service.parse_skills(
        "Sécurité  réseau, securite reseau, SÉCURITÉ RÉSEAU, , PKI,pki "
    ) == [
        "Sécurité réseau",
        "PKI",
    ]
    assert service.skill_key("  Sécurité   Réseau ") == "securite reseau"
    assert service.parse_skills("") == []


def test_parse_skills_allows_twenty_at_most():
    assert len(service.parse_skills(", ".join(f"skill {n}" for n in range(20)))) == 20
    with pytest.raises(Invalid) as raised:
        service.parse_skills(", ".join(f"skill {n}" for n in range(21)))
    assert raised.value.field == "skills"
    # Duplicates do not count twice.
    assert len(service.parse_skills(", ".join(["Réseau", "reseau"] * 15))) == 1


def test_update_profile_shares_skills_between_people(session):
    odile = UserFactory()
    paul = UserFactory()
    profile = {
        "trade": " RSSI ",
        "organisation": "Région",
        "region": "Bretagne",
        "bio": "Bio",
        "locale": "",
    }
    service.update_profile(
        session,
        actor=odile,
        display_name=" Odile ",
        skills=service.parse_skills("Cryptographie, PKI"),
        **profile,
    )
    service.update_profile(
        session,
        actor=paul,
        display_name="Paul",
        skills=service.parse_skills("cryptographie, Réseaux"),
        **profile,
    )
    session.flush()
    assert odile.display_name == "Odile"
    assert odile.trade == "RSSI"
    assert odile.locale is None
    assert [skill.name for skill in odile.skills] == ["cryptographie", "pki"]
    assert {skill.name for skill in paul.skills} == {"cryptographie", "reseaux"}
    crypto = [skill for skill in odile.skills if skill.name == "cryptographie"]
    assert crypto == [skill for skill in paul.skills if skill.name == "cryptographie"]
    assert session.query(Skill).filter(Skill.name == "cryptographie").count() == 1

    service.update_profile(session, actor=odile, display_name="Odile", skills=[], **profile)
    session.flush()
    session.expire_all()
    assert odile.skills == []
