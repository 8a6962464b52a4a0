"""The forum in Chromium: write a topic, reply to a post, quote it, like it; the author
sees the notifications arrive without reloading, reads them, and the counts fall."""

import re

import pytest
from playwright.sync_api import expect

from app.networks.models import ContentVisibility, MembershipMode

pytestmark = pytest.mark.browser


def _unread_badge(page):
    return page.locator("#unread-count .badge")


def test_topic_reply_quote_like_and_notifications(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    author = seed.user("auteur", display_name="Aline Autrice")
    replier = seed.user("repond", display_name="Rémi Répondant")
    network = seed.network(
        pilot=author, name="Réseau des archivistes", purpose="Entraide.",
        membership_mode=MembershipMode.OPEN, content_visibility=ContentVisibility.MEMBERS,
    )
    seed.join(replier, network)
    category = seed.category(network, "Questions")

    alice = new_context().new_page()
    sign_in(alice, author)
    alice.goto(f"/n/{network.slug}/topics/new")
    alice.select_option("#category", category)
    alice.fill("#title", "Quelle durée de conservation pour les courriels ?")
    alice.fill("#body", "Bonjour,\n\nQuelle durée appliquez-vous aux **courriels** des élus ?")
    alice.get_by_role("button", name=re.compile("Publier le sujet|Publish the topic")).click()
    expect(alice.get_by_role("heading", name=re.compile("durée de conservation"))).to_be_visible()
    topic_url = alice.url
    expect(_unread_badge(alice)).to_have_count(0)

    bob = new_context().new_page()
    sign_in(bob, replier)
    bob.goto(topic_url)
    bob.locator("#post-1 .reply-link").click()
    bob.fill("#reply-body", f"Dix ans chez nous, @{author.username}, sauf pour les courriels de campagne.")
    bob.get_by_role("button", name=re.compile("Publier la réponse|Post the reply")).click()
    expect(bob.locator("#post-2")).to_contain_text("Dix ans chez nous")

    bob.locator("#post-1 .quote-link").click()
    expect(bob.locator("#reply-body")).to_have_value(re.compile(r"\[quote=.*post:1"))
    bob.locator("#reply-body").press("End")
    bob.locator("#reply-body").type("\n\nEt pour les pièces jointes, la même durée.")
    bob.get_by_role("button", name=re.compile("Publier la réponse|Post the reply")).click()
    quote = bob.locator("#post-3 aside")
    expect(quote).to_contain_text("courriels")
    expect(quote.locator("a").first).to_have_attribute("href", re.compile(r"/1$|#post-1|/1\b"))

    like = bob.locator("#post-1 .like-button")
    like.click()  # htmx swaps the button in place: no reload
    expect(bob.locator("#post-1 .like-button")).to_have_attribute("aria-pressed", "true")
    expect(bob.locator("#post-1 .like-count")).to_have_text("1")
    screenshot(bob, "forum-topic-after-reply-quote-like")

    # The author's header learns of the reply, mention, quote and like without a reload.
    alice.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(_unread_badge(alice)).to_be_visible()
    unread_before = int(_unread_badge(alice).inner_text())
    assert unread_before >= 3
    alice.goto("/notifications")
    screenshot(alice, "forum-notifications")
    alice.locator(".notification-title").first.click()
    expect(alice).to_have_url(re.compile(r"/t/"))
    # Reading the topic reads every notification about it: the count falls to nothing.
    expect(_unread_badge(alice)).to_have_count(0)
    alice.goto("/notifications")
    expect(alice.locator(".notification-unread")).to_have_count(0)
    expect(alice.locator(".notification")).to_have_count(unread_before)


def test_topic_page_on_a_phone(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    person = seed.user("mobile", display_name="Marie Mobile")
    network = seed.network(pilot=person, name="Réseau mobile", purpose="Sur le terrain.",
                           membership_mode=MembershipMode.OPEN)
    category = seed.category(network, "Terrain")
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, person)
    page.goto(f"/n/{network.slug}/topics/new")
    page.select_option("#category", category)
    page.fill("#title", "Un sujet lu sur un téléphone")
    page.fill("#body", "Le texte doit rester lisible, sans défilement horizontal.")
    page.get_by_role("button", name=re.compile("Publier le sujet|Publish the topic")).click()
    expect(page.get_by_role("heading", name=re.compile("téléphone"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "forum-topic-phone")
