"""Attacks and hardening: forged forms, script injection, error pages, headers, cookies."""

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.testclient import TestClient

from app.accounts import api_keys
from app.accounts import service as accounts_service
from app.db import Base
from app.main import create_app
from app.networks import charter, service
from app.networks.models import JoinRequest, MembershipMode, Role
from app.notifications.models import MailOutbox
from app.web.deps import DbSession, Viewer
from tests.conftest import WebClient
from tests.factories import (
    DEFAULT_PASSWORD,
    JoinRequestFactory,
    MembershipFactory,
    NetworkFactory,
    UserFactory,
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STRONG = "Une phrase de passe longue"
PAYLOAD = '"><script>alert(1)</script>'
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def snapshot(session) -> dict[str, list]:
    """Every row of every table, to prove a refused request changed nothing."""
    session.expire_all()
    return {
        table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
        for table in Base.metadata.sorted_tables
    }


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def world(session, settings):
    """Objects for every path parameter, and an actor (site admin, pilot) who may do everything."""
    settings.signin_attempts_per_address = 10_000
    admin = UserFactory(username="admin", display_name="Ada Admin", site_admin=True)
    alpha = NetworkFactory(slug="alpha", membership_mode=MembershipMode.REQUEST)
    beta = NetworkFactory(slug="beta", membership_mode=MembershipMode.REQUEST)
    NetworkFactory(slug="gamma", membership_mode=MembershipMode.OPEN)
    for user, role in (
        (admin, Role.PILOT),
        (UserFactory(), Role.PILOT),
        (UserFactory(username="marc"), Role.MEMBER),
    ):
        MembershipFactory(network=alpha, user=user, role=role)
    join_request = JoinRequestFactory(network=alpha)
    service.link_networks(session, network=alpha, other=beta)
    charter.publish_charter(session, actor=admin, network=alpha, body="Charte", comment="")
    service.invite(
        session,
        actor=admin,
        network=alpha,
        email="guest@example.org",
        accept_url="http://testserver/invitations",
        max_age_days=14,
    )
    session.flush()
    invitation_token = _token_in_last_mail(session, "/invitations/")
    reset_token = accounts_service.make_reset_token(
        admin, secret_key=settings.resolved_secret_key()
    )
    api_key, _secret = api_keys.create_api_key(session, actor=admin, name="script")
    session.flush()
    return {
        "admin": admin,
        "path": {
            "key_id": api_key.id,
            "slug": "alpha",
            "other_slug": "beta",
            "request_id": join_request.id,
            "username": "marc",
            "token": invitation_token,
            "number": 1,
        },
        "form": {
            "username": "newcomer",
            "display_name": "Newcomer",
            "email": "newcomer@example.org",
            "password": DEFAULT_PASSWORD,
            "login": "admin",
            "current_password": DEFAULT_PASSWORD,
            "new_password": STRONG,
            "token": reset_token,
            "next": "/",
            "language": "en",
            "trade": "RSSI",
            "skills": "PKI",
            "name": "Nouveau réseau",
            "slug": "new-network",
            "purpose": "Un but.",
            "membership_mode": "open",
            "content_visibility": "public",
            "pilot_username": "admin",
            "message": "Bonjour",
            "decision": "accepted",
            "role": "animator",
            "body": "Nouvelle charte",
            "comment": "",
        },
    }


def _token_in_last_mail(session, marker: str) -> str:
    body = session.scalars(select(MailOutbox).order_by(MailOutbox.id.desc())).first().body_text
    link = next(word for word in body.split() if marker in word)
    return link.rsplit("/", 1)[1]


# Where the generic values would not make the request succeed for the admin.
PATH_OVERRIDES = {
    "/n/{slug}/join": {"slug": "gamma"},  # open, and the admin is not a member yet
    "/n/{slug}/request": {"slug": "beta"},  # on request, the admin is not a member yet
}
FORM_OVERRIDES = {
    "/n/{slug}/links": {"slug": "gamma"},  # beta is linked already; its removal is checked too
    "/password/forgot": {"email": "admin@example.org"},
}
# Routes that change the session or send mail rather than rows.
NO_ROW_CHANGE = {"/logout", "/language"}
PATH_PARAMETER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def _walk(routes, prefix: str = ""):
    """(path template, route) for every route, inside included routers too (FastAPI keeps
    those behind `_IncludedRouter`, out of `app.routes`)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + (route.include_context.prefix or ""))


def state_changing_routes(app, *, modules: tuple[str, ...] = (), with_routes: bool = False):
    """(method, path template) of every route that is not GET, sorted; only those whose
    endpoint lives in `modules` when given; with the route itself when asked."""
    unique = {
        (method, template): route
        for template, route in _walk(app.router.routes)
        for method in route.methods
        if method not in SAFE_METHODS and (not modules or route.endpoint.__module__ in modules)
    }
    found = [(method, template, unique[method, template]) for method, template in sorted(unique)]
    return found if with_routes else [(method, template) for method, template, _route in found]


# The routes the `world` fixture can drive to success (the control test).
FOUNDATION_MODULES = ("app.accounts.views", "app.networks.views")


def request_for(world, template: str) -> tuple[str, dict]:
    values = world["path"] | PATH_OVERRIDES.get(template, {})
    # An id the world does not know is still a well-formed one: the CSRF check comes first.
    path = PATH_PARAMETER.sub(lambda match: str(values.get(match.group(1), 1)), template)
    return path, world["form"] | FORM_OVERRIDES.get(template, {})


def test_the_app_has_state_changing_routes_to_check(app):
    templates = {template for _method, template in state_changing_routes(app)}
    assert {
        "/signup",
        "/login",
        "/logout",
        "/account/profile",
        "/networks",
        "/n/{slug}/join",
    } <= templates
    assert "/n/{slug}/charter/accept" in templates


@pytest.mark.parametrize(
    ("variant", "token"),
    [
        ("no token", None),
        ("wrong token", "forged-token"),
        ("wrong header", "forged-token"),
        ("empty", ""),
    ],
)
def test_forged_requests_are_refused_and_change_nothing(
    app, session, make_client, world, variant, token
):
    browser = make_client()
    browser.login(world["admin"])
    refused = []
    for method, template, route in state_changing_routes(app, with_routes=True):
        if getattr(route.endpoint, "signed_link_route", False):
            continue  # the signed token in its URL is the proof (tested with the unsubscribe link)
        path, data = request_for(world, template)
        headers = {}
        if variant == "wrong header":
            headers["X-CSRF-Token"] = token
        elif token is not None:
            data = data | {"csrf_token": token}
        before = snapshot(session)
        response = browser.request(method, path, data=data, headers=headers, follow_redirects=False)
        if response.status_code != 403 or snapshot(session) != before or "lang" in response.cookies:
            refused.append(f"{method} {path}: {response.status_code}")
    assert refused == []
    # The forged logout and language switch did nothing to the session either.
    page = browser.get("/")
    assert "Ada Admin" in page.text
    assert browser.cookies.get("lang") is None


def test_the_same_requests_with_the_token_go_through(app, connection, session, make_client, world):
    """The control: each route would have done its work, so the refusal above is the CSRF check."""
    failed = []
    for method, template in state_changing_routes(app, modules=FOUNDATION_MODULES):
        path, data = request_for(world, template)
        attempt = connection.begin_nested()
        browser = make_client()
        browser.login(world["admin"])
        before = snapshot(session)
        response = browser.request(
            method, path, data=data | {"csrf_token": browser.csrf_token()}, follow_redirects=False
        )
        changed = snapshot(session) != before or template in NO_ROW_CHANGE
        if response.status_code >= 400 or not changed:
            failed.append(f"{method} {path}: {response.status_code}")
        attempt.rollback()
        session.expire_all()
    assert failed == []


def test_htmx_header_token_is_accepted(client, session):
    network = NetworkFactory(slug="ouvert", membership_mode=MembershipMode.OPEN)
    user = UserFactory()
    client.login(user)
    response = client.post(
        "/n/ouvert/join", headers={"X-CSRF-Token": client.csrf_token(), "HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/n/ouvert"
    assert service.get_membership(session, network, user) is not None


def test_a_token_from_another_session_is_refused(client, make_client, session):
    NetworkFactory(slug="ouvert", membership_mode=MembershipMode.OPEN)
    attacker = make_client()
    stolen = attacker.csrf_token()
    client.login(UserFactory())
    response = client.post_form("/n/ouvert/join", {"csrf_token": stolen})
    assert response.status_code == 403


# --- script injection ------------------------------------------------------------------------


def test_script_in_text_fields_is_always_escaped(client, make_client, session, settings):
    settings.language = "en"
    admin = UserFactory(username="admin", site_admin=True)
    author = UserFactory(username="auteur")
    client.login(author)
    response = client.post_form(
        "/account/profile",
        {
            "display_name": PAYLOAD,
            "trade": PAYLOAD,
            "organisation": PAYLOAD,
            "region": PAYLOAD,
            "bio": PAYLOAD,
            "skills": f"{PAYLOAD[:30]}, <img src=x onerror=alert(1)>",
        },
    )
    assert response.status_code == 303

    staff = make_client()
    staff.login(admin)
    created = staff.post_form(
        "/networks",
        {
            "name": PAYLOAD,
            "slug": "cible",
            "purpose": f"{PAYLOAD}\n\n[lien](javascript:alert(1)) <img src=x onerror=alert(1)>",
            "membership_mode": "request",
            "content_visibility": "members",
            "pilot_username": "admin",
        },
    )
    assert created.status_code == 303
    assert (
        staff.post_form("/n/cible/charter/edit", {"body": PAYLOAD, "comment": PAYLOAD}).status_code
        == 303
    )
    assert client.post_form("/n/cible/request", {"message": PAYLOAD}).status_code == 303
    assert (
        staff.post_form("/n/cible/invitations", {"email": "guest@example.org"}).status_code == 303
    )
    request_id = session.scalar(select(JoinRequest.id))
    assert (
        staff.post_form(
            f"/n/cible/requests/{request_id}", {"decision": "accepted", "message": PAYLOAD}
        ).status_code
        == 303
    )

    pages = {
        staff: [
            "/",
            "/n/cible",
            "/n/cible/charter",
            "/n/cible/charter/v/1",
            "/n/cible/members",
            "/n/cible/requests",
            "/n/cible/settings",
            "/n/cible/invitations",
            "/n/cible/charter/edit",
            "/u/auteur",
        ],
        client: ["/", "/n/cible", "/account", "/u/auteur", "/n/cible/members"],
    }
    shown_escaped = 0
    for browser, paths in pages.items():
        for path in paths:
            page = browser.get(path)
            assert page.status_code == 200, path
            assert SCRIPT not in page.text, path
            assert "onerror" not in page.text.replace("onerror=alert(1)&gt;", ""), path
            assert 'href="javascript' not in page.text, path
            shown_escaped += ESCAPED in page.text
    assert shown_escaped >= 12

    # Re-rendered forms give the typed values back escaped too.
    back = make_client().post_form(
        "/signup",
        {"username": "x y", "display_name": PAYLOAD, "email": "x@example.org", "password": "court"},
    )
    assert back.status_code == 422
    assert SCRIPT not in back.text
    assert "&#34;&gt;" + ESCAPED in back.text


def test_script_in_urls_is_not_reflected(client, session):
    for path in (
        f"/n/{SCRIPT}",
        f"/login?next={SCRIPT}",
        f"/signup?next={PAYLOAD}",
        f"/password/reset?token={SCRIPT}",
    ):
        page = client.get(path)
        assert SCRIPT not in page.text, path


# --- error pages -------------------------------------------------------------------------------


def assert_in_layout_without_traceback(response):
    text = response.text
    assert '<html lang="' in text
    assert 'class="site-header"' in text and 'class="site-footer"' in text
    assert "Traceback" not in text and 'File "' not in text


@pytest.fixture
def failing_app(app):
    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.get("/api/test-only/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    @app.get("/test-only/boom-after-rollback")
    def boom_after_rollback(db: DbSession, viewer: Viewer):
        db.rollback()  # as a failed flush leaves it: the signed-in person's row is expired
        raise RuntimeError("secret internal detail")

    return app


def test_error_pages_use_the_layout(client, session):
    cases = [
        (client.get("/no/such/page"), 404),
        (client.get("/n/nowhere"), 404),
        (client.get("/logout"), 405),
        (client.post_form("/signup", {"username": "x"}), 422),
        (client.get("/n/x/members", params={"q": "x" * 500}), 422),
        (client.post_form("/n/nowhere/join"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status
        assert_in_layout_without_traceback(response)
        assert "nosniff" == response.headers["x-content-type-options"]


def test_unexpected_errors_show_a_plain_500_page(failing_app, session, caplog):
    with TestClient(failing_app, raise_server_exceptions=False) as browser:
        response = browser.get("/test-only/boom")
        assert response.status_code == 500
        assert_in_layout_without_traceback(response)
        assert "secret internal detail" not in response.text
        assert "RuntimeError" not in response.text
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        api = browser.get("/api/test-only/boom")
        assert api.status_code == 500
        assert api.json()["error"]["code"] == "internal_error"
        assert "secret" not in api.text
    assert "secret internal detail" in caplog.text  # logged for the operator


def test_the_500_page_of_a_signed_in_person_after_a_rollback(failing_app, session, caplog):
    user = UserFactory(display_name="Camille Durand")
    session.commit()
    with WebClient(failing_app, base_url="http://testserver", raise_server_exceptions=False) as web:
        web.login(user)
        response = web.get("/test-only/boom-after-rollback")
    assert response.status_code == 500
    assert_in_layout_without_traceback(response)
    assert "Camille Durand" in response.text
    assert "DetachedInstanceError" not in caplog.text


def test_api_paths_get_json_errors(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- headers and cookies ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/login", "/no/such/page", "/static/css/maillage.css"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client, session):
    client.login(UserFactory(site_admin=True))
    for path in ("/", "/login", "/signup", "/account", "/networks/new"):
        text = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert " style=" not in text and "<style" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path


def session_cookie(response) -> str:
    header = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("maillage_session=")
    )
    return header.lower()


def test_session_cookie_is_httponly_and_lax(client, session):
    response = client.login(UserFactory())
    cookie = session_cookie(response)
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


def test_session_cookie_is_secure_behind_https(settings, db, session):
    settings.base_url = "https://maillage.example"
    user = UserFactory()
    with WebClient(create_app(settings, database=db), base_url="https://testserver") as browser:
        cookie = session_cookie(browser.login(user))
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_a_session_cookie_cannot_be_forged(client, session):
    UserFactory(display_name="Odile Perrin")
    client.cookies.set("maillage_session", "eyJ1aWQiOiAxLCAiYXYiOiAxfQ==.forged.signature")
    assert "Odile Perrin" not in client.get("/").text


# --- language ------------------------------------------------------------------------------


def test_language_from_accept_language_then_the_switch(client, settings):
    settings.language = "fr"  # the product's default
    assert '<html lang="fr">' in client.get("/").text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in english.text
    assert english.headers["content-language"] == "en"
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "de, fr;q=0.3"}).text

    response = client.post_form("/language", {"language": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "lang=en" in response.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).text

    client.post_form("/language", {"language": "fr", "next": "//evil.example"})
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "en"}).text
    unknown = client.post_form("/language", {"language": "xx", "next": "/"})
    assert unknown.status_code == 303
    assert "set-cookie" not in unknown.headers or "lang=xx" not in unknown.headers["set-cookie"]


def test_language_switch_is_saved_on_the_profile(client, session):
    user = UserFactory()
    client.login(user)
    client.post_form("/language", {"language": "en", "next": "/"})
    session.expire_all()
    assert session.get(type(user), user.id).locale == "en"
