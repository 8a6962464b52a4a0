"""Every page of the foundation, as each kind of person sees it: accessible, within the
Content-Security-Policy, readable on a phone, and the htmx enhancement on the directory.

Each visited page is screenshotted into tests/artifacts/ (pages-<who>-<page>.png) and
checked by a11y.js (contrast, labels, landmarks, one h1, nothing wider than the window).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.networks.models import Role
from tests.browser.live import PHONE

pytestmark = pytest.mark.browser

A11Y_CHECK = (Path(__file__).parent / "a11y.js").read_text()


@pytest.fixture(scope="module")
def community(live_server):
    """A national network and its regional sub-network, with people in every role."""
    seed = live_server.seed
    admin = seed.user("admin", display_name="Agnès Admin", is_site_admin=True)
    pilot = seed.user(
        "pilote",
        display_name="Claire Martin",
        trade="RSSI",
        organisation="Ministère de l'Intérieur",
        region="Île-de-France",
        skills="Gouvernance, ISO 27001, RGPD",
    )
    animator = seed.user(
        "anim",
        display_name="Karim Benali",
        trade="Animateur de communauté",
        organisation="DINUM",
        region="Île-de-France",
        skills="Animation, Sensibilisation",
    )
    member = seed.user(
        "membre",
        display_name="Léa Dubois",
        trade="Chargée de sécurité",
        organisation="Région Occitanie",
        region="Occitanie",
        skills="Sensibilisation, RGPD",
    )
    applicant = seed.user("candidat", display_name="Thomas Roux", trade="Ingénieur sécurité")
    national = seed.network(
        pilot=pilot,
        name="Réseau national des RSSI publics",
        purpose="Partager les pratiques et **s'entraider** face aux incidents.",
        charter="# Charte du réseau\n\n1. **Bienveillance.** Toute question est légitime.\n",
    )
    regional = seed.network(
        pilot=pilot, name="RSSI d'Occitanie", purpose="Le réseau régional.", parent=national
    )
    seed.join(animator, national, role=Role.ANIMATOR)
    seed.join(member, national)
    seed.request_to_join(applicant, national, "Je rejoins la DSI de Toulouse Métropole.")
    return {
        "admin": admin,
        "pilot": pilot,
        "member": member,
        "national": national,
        "regional": regional,
    }


def visit(page, screenshot, path: str, name: str, status: int = 200) -> list[str]:
    """Opens `path`, checks its status, screenshots it and returns what a11y.js found."""
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    screenshot(page, f"pages-{name}")
    return [f"{path}: {problem}" for problem in page.evaluate(A11Y_CHECK)]


def test_pages_seen_by_a_pilot(community, new_context, sign_in, screenshot, page_problems):
    page = new_context().new_page()
    sign_in(page, community["pilot"])
    national = f"/n/{community['national'].slug}"
    pages = {
        "/": "pilot-home",
        national: "pilot-network",
        f"{national}/charter": "pilot-charter",
        f"{national}/charter/v/1": "pilot-charter-version",
        f"{national}/charter/edit": "pilot-charter-edit",
        f"{national}/members": "pilot-directory",
        f"{national}/inbox": "pilot-inbox",
        f"{national}/invitations": "pilot-invitations",
        f"{national}/settings": "pilot-settings",
        f"/n/{community['regional'].slug}": "pilot-subnetwork",
        "/account": "pilot-account",
        f"/u/{community['pilot'].username}": "pilot-profile",
    }
    problems = [
        problem for path, name in pages.items() for problem in visit(page, screenshot, path, name)
    ]
    assert problems == []
    assert page_problems.csp == []


def test_pages_seen_by_a_visitor_and_a_member(
    community, new_context, sign_in, screenshot, page_problems
):
    visitor = new_context().new_page()
    national = f"/n/{community['national'].slug}"
    problems = []
    for path, name, status in [
        ("/", "visitor-home", 200),
        ("/login", "visitor-login", 200),
        ("/signup", "visitor-signup", 200),
        ("/password/forgot", "visitor-password-forgot", 200),
        ("/password/reset?token=forged", "visitor-password-reset-forged", 400),
        (national, "visitor-network", 200),
        ("/n/no-such-network", "visitor-404", 404),
    ]:
        problems += visit(visitor, screenshot, path, name, status)

    # A sign-in that fails and a sign-up with mistakes: the form comes back with its errors.
    visitor.goto("/login")
    visitor.fill("#login", "personne")
    visitor.fill("#password", "pas-le-bon-mot-de-passe")
    visitor.locator("main form[action$='/login'] button[type=submit]").click()
    expect(visitor.locator(".form-error[role=alert]")).to_be_visible()
    screenshot(visitor, "pages-visitor-login-failed")
    problems += [f"/login (failed): {p}" for p in visitor.evaluate(A11Y_CHECK)]
    visitor.goto("/signup")
    visitor.fill("#username", "x")
    visitor.fill("#email", "pas-une-adresse")
    visitor.fill("#password", "court")
    visitor.locator("main form[action$='/signup'] button[type=submit]").click()
    expect(visitor.locator("#username[aria-invalid=true]")).to_be_visible()
    expect(visitor.locator("#username-error")).to_be_visible()
    screenshot(visitor, "pages-visitor-signup-invalid")
    problems += [f"/signup (invalid): {p}" for p in visitor.evaluate(A11Y_CHECK)]

    member = new_context().new_page()
    sign_in(member, community["member"])
    problems += visit(member, screenshot, f"{national}/settings", "member-403", 403)
    problems += visit(member, screenshot, national, "member-network")
    assert problems == []
    assert page_problems.csp == []


def test_site_admin_creates_networks_from_an_accessible_form(
    community, new_context, sign_in, screenshot
):
    page = new_context().new_page()
    sign_in(page, community["admin"])
    problems = visit(page, screenshot, "/", "admin-home")
    page.locator("a[href$='/networks/new']").click()
    problems += [f"/networks/new: {p}" for p in page.evaluate(A11Y_CHECK)]
    screenshot(page, "pages-admin-network-new")
    assert problems == []


def test_pages_on_a_phone(community, new_context, sign_in, screenshot):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    national = f"/n/{community['national'].slug}"
    problems = visit(page, screenshot, "/", "phone-visitor-home")
    sign_in(page, community["pilot"])
    for path, name in [
        ("/", "phone-pilot-home"),
        (national, "phone-pilot-network"),
        (f"{national}/members", "phone-pilot-directory"),
        (f"{national}/inbox", "phone-pilot-inbox"),
        ("/account", "phone-pilot-account"),
    ]:
        problems += visit(page, screenshot, path, name)
    assert problems == []


def test_directory_filters_in_place_with_htmx(community, page, sign_in, live_server):
    sign_in(page, community["pilot"])
    directory = f"/n/{community['national'].slug}/members"
    page.goto(directory)
    cards = page.locator("#directory-results .member-card")
    expect(cards).to_have_count(3)
    # With JavaScript the filters apply as one types: the extra submit button is hidden.
    expect(page.locator(".filters button.js-hidden")).to_be_hidden()
    page.evaluate("window.stillTheSamePage = true")
    page.fill("#q", "dubois")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Léa Dubois")
    page.wait_for_url(f"{live_server.url}{directory}?*q=dubois*")
    assert page.evaluate("window.stillTheSamePage") is True, (
        "the page was reloaded instead of updated"
    )
    page.select_option("#skill", label="Sensibilisation")
    page.fill("#q", "")
    expect(cards).to_have_count(2)


def test_the_csp_watcher_reports_violations(page, page_problems):
    """The guard every other test relies on: an inline style must be caught."""
    page.goto("/login")
    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
    )
    page.wait_for_timeout(200)
    assert page_problems.csp, (
        "an inline style went unnoticed: the CSP checks of the other tests would be blind"
    )
    page_problems.csp.clear()  # made on purpose here: the fixture must not fail this test for it
