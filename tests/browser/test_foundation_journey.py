"""Issue 2 in a real browser: sign up, ask to join, get accepted, accept the charter.

Selectors lean on form actions, field names and ids rather than on words, so the
tests hold whatever the French catalogue says; the language test checks words on purpose.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PURPOSE = "Entraide entre responsables de la sécurité des collectivités du Grand Ouest."
CHARTER = (
    "# Charte\n\n"
    "1. **Bienveillance.** Toutes les questions sont légitimes.\n"
    "2. **Confidentialité.** Ce qui est dit dans le réseau reste dans le réseau.\n"
)
CHARTER_SENTENCE = "Ce qui est dit dans le réseau reste dans le réseau."


@pytest.fixture
def network_on_request(live_server):
    pilot = live_server.seed.user("pilote", display_name="Pauline Pilote")
    network = live_server.seed.network(
        pilot=pilot,
        name=f"Réseau sécurité Grand Ouest {pilot.username[-4:]}",
        purpose=PURPOSE,
        charter=CHARTER,
    )
    return network, pilot


def test_new_member_joins_on_request_and_accepts_the_charter(
    live_server, new_context, sign_in, screenshot, network_on_request
):
    network, pilot = network_on_request
    network_path = f"/n/{network.slug}"

    # A newcomer signs up.
    newcomer = new_context().new_page()
    newcomer.goto("/signup")
    screenshot(newcomer, "01-signup")
    username = f"nina{network.slug[-6:]}"
    newcomer.fill("#username", username)
    newcomer.fill("#display_name", "Nina Nouvelle")
    newcomer.fill("#email", f"{username}@example.org")
    newcomer.fill("#password", "une-phrase-de-passe-solide")
    newcomer.locator("main form[action$='/signup'] button[type=submit]").click()
    newcomer.wait_for_url(f"{live_server.url}/")
    expect(newcomer.locator(".flash-success")).to_contain_text("Nina Nouvelle")
    expect(newcomer.locator(".site-nav")).to_contain_text("Nina Nouvelle")

    # ...finds the network in the directory of networks and asks to join with a message.
    screenshot(newcomer, "02-networks")
    newcomer.get_by_role("link", name=network.name).click()
    newcomer.wait_for_url(f"{live_server.url}{network_path}")
    request_form = newcomer.locator(f"form[action$='{network_path}/request']")
    request_form.locator("textarea[name=message]").fill("Bonjour, je suis RSSI à Rennes Métropole.")
    screenshot(newcomer, "03-network-before-request")
    request_form.locator("button[type=submit]").click()
    newcomer.wait_for_url(f"{live_server.url}{network_path}")
    expect(newcomer.locator(".flash-success")).to_be_visible()
    expect(newcomer.locator(f"form[action$='{network_path}/request']")).to_have_count(0)
    expect(newcomer.locator(".network-side .notice-inline")).to_be_visible()

    # A pilot, in another browser, opens the request inbox and accepts with a message.
    pilot_page = new_context().new_page()
    sign_in(pilot_page, pilot)
    pilot_page.goto(network_path)
    inbox_tab = pilot_page.locator(f".tabs a[href$='{network_path}/inbox']")
    expect(inbox_tab.locator(".badge")).to_have_text("1")
    inbox_tab.click()
    pilot_page.wait_for_url(f"{live_server.url}{network_path}/inbox")
    card = pilot_page.locator("li.inbox-row", has_text="Nina Nouvelle")
    screenshot(pilot_page, "04-request-inbox")
    card.locator("h3 a").click()
    pilot_page.wait_for_url(re.compile(r"/requests/\d+$"))
    thread_url = pilot_page.url
    expect(pilot_page.locator(".inbox-message .prose").first).to_have_text(
        "Bonjour, je suis RSSI à Rennes Métropole."
    )
    pilot_page.locator("#decision-message").fill(
        "Bienvenue Nina, présente-toi dans le fil d'accueil."
    )
    pilot_page.locator("button[name=decision][value=accepted]").click()
    pilot_page.wait_for_url(thread_url)
    expect(pilot_page.locator(".flash-success")).to_contain_text("Nina Nouvelle")
    expect(pilot_page.locator(".join-decision")).to_have_count(0)
    expect(pilot_page.locator(".inbox-message-staff")).to_contain_text("Bienvenue Nina")
    screenshot(pilot_page, "05-request-answered")
    assert "Bienvenue Nina" in live_server.mail_to(f"{username}@example.org")

    # The new member reloads: the network asks them to read and accept its charter.
    newcomer.reload()
    notice = newcomer.locator("section.notice")
    expect(notice).to_be_visible()
    screenshot(newcomer, "06-charter-notice")
    notice.locator(f"a[href$='{network_path}/charter']").click()
    newcomer.wait_for_url(f"{live_server.url}{network_path}/charter")
    expect(newcomer.locator("article .prose")).to_contain_text(CHARTER_SENTENCE)
    screenshot(newcomer, "07-charter")
    newcomer.locator("form.accept-charter button[type=submit]").click()
    newcomer.wait_for_url(f"{live_server.url}{network_path}")

    # The network page: purpose, charter and pilots, and no more notice.
    expect(newcomer.locator(".flash-success")).to_be_visible()
    expect(newcomer.locator("section.notice")).to_have_count(0)
    expect(newcomer.locator("section[aria-labelledby=purpose-title]")).to_contain_text(PURPOSE)
    expect(newcomer.locator("section[aria-labelledby=charter-title]")).to_contain_text(
        CHARTER_SENTENCE
    )
    steering = newcomer.locator("section[aria-labelledby=steering-title]")
    expect(steering.get_by_role("link", name="Pauline Pilote")).to_be_visible()
    screenshot(newcomer, "08-network-member")
    newcomer.set_viewport_size({"width": 390, "height": 844})
    screenshot(newcomer, "09-network-phone")
    # Nothing on a phone-sized screen is wider than the screen.
    assert newcomer.evaluate("document.documentElement.scrollWidth") <= 390


def test_sign_in_and_join_request_work_without_javascript(
    live_server, new_context, sign_in, network_on_request
):
    network, _pilot = network_on_request
    person = live_server.seed.user("sansjs", display_name="Simon Sans-Script")
    page = new_context(java_script_enabled=False).new_page()

    sign_in(page, person)
    expect(page.locator(".site-nav")).to_contain_text("Simon Sans-Script")
    expect(page.locator("html.js")).to_have_count(0)

    page.goto(f"/n/{network.slug}")
    form = page.locator(f"form[action$='/n/{network.slug}/request']")
    form.locator("textarea[name=message]").fill("Demande envoyée sans JavaScript.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/n/{network.slug}")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".network-side .notice-inline")).to_be_visible()


def test_language_switch_turns_the_interface_to_english_and_back(live_server, page):
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_text("Se connecter")

    page.locator(".language-switch button[value=en]").click()
    page.wait_for_url(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-switch button[value=en]")).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("main h1")).to_have_text("Sign in")
    expect(page.locator(".skip-link")).to_have_text("Skip to content")

    page.locator(".language-switch button[value=fr]").click()
    page.wait_for_url(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".language-switch button[value=fr]")).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("main h1")).to_have_text("Se connecter")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, screenshot):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, (
        "the focused skip link must be on screen"
    )
    screenshot(page, "10-keyboard-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next stop is inside main, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    screenshot(page, "11-keyboard-focus-in-main")
