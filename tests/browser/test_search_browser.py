"""Search in Chromium: a topic written in the browser is suggested as one types in the
header (htmx, debounced), then found on the search page with its words highlighted;
broken syntax gives results and a hint, never an error page."""

import re

import pytest
from playwright.sync_api import expect

from app.networks.models import ContentVisibility, MembershipMode

pytestmark = pytest.mark.browser


def test_written_topic_is_suggested_then_found(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    author = seed.user("chercheuse", display_name="Chloé Chercheuse")
    network = seed.network(
        pilot=author, name="Réseau des documentalistes", purpose="Entraide.",
        membership_mode=MembershipMode.OPEN, content_visibility=ContentVisibility.MEMBERS,
    )
    category = seed.category(network, "Questions")
    page = new_context().new_page()
    sign_in(page, author)
    page.goto(f"/n/{network.slug}/topics/new")
    page.select_option("#category", category)
    page.fill("#title", "Numérisation des registres paroissiaux")
    page.fill("#body", "Quel prestataire pour la **numérisation** des registres ? Référence RGPD-2024.")
    page.get_by_role("button", name=re.compile("Publier le sujet|Publish the topic")).click()
    expect(page.get_by_role("heading", name=re.compile("registres paroissiaux"))).to_be_visible()

    # Typed without accents: the analyser folds them; the server drains its outbox itself.
    page.fill("#header-search-q", "numerisation paroissiaux")
    suggestion = page.locator("#header-suggestions a", has_text="registres paroissiaux")
    expect(suggestion).to_be_visible(timeout=5000)

    page.locator("#header-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark").first).to_be_visible()
    screenshot(page, "search-results")

    page.goto("/search?q=" + "RGPD-2024")
    expect(page.locator("ol.search-results > li")).to_have_count(1)

    page.goto('/search?q="registres (paroissiaux')
    expect(page.locator("ol.search-results > li")).to_have_count(1)
    expect(page.locator(".search-hint, [role=status]").first).to_be_visible()
