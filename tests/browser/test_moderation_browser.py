"""Moderation in Chromium: a member flags a post, the animator sees it in the review queue
(the header's badge), hides it with a reason using the keyboard, the author is told by a
notification, and the log shows it."""

import re

import pytest
from playwright.sync_api import expect

from app.networks.models import ContentVisibility, MembershipMode, Role

pytestmark = pytest.mark.browser


def test_flag_review_hide_notify_log(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    author = seed.user("vendeur", display_name="Victor Vendeur")
    flagger = seed.user("vigilante", display_name="Valérie Vigilante")
    animator = seed.user("animatrice", display_name="Anne Animatrice")
    network = seed.network(
        pilot=seed.user("pilote", display_name="Paul Pilote"), name="Réseau des RSSI", purpose="Entraide.",
        membership_mode=MembershipMode.OPEN, content_visibility=ContentVisibility.MEMBERS,
    )
    seed.join(author, network)
    seed.join(flagger, network)
    seed.join(animator, network, Role.ANIMATOR)
    category = seed.category(network, "Questions")

    victor = new_context().new_page()
    sign_in(victor, author)
    victor.goto(f"/n/{network.slug}/topics/new")
    victor.select_option("#category", category)
    victor.fill("#title", "Retours sur les audits de configuration")
    victor.fill("#body", "Qui a fait auditer ses pare-feu cette année ?")
    victor.get_by_role("button", name=re.compile("Publier le sujet|Publish the topic")).click()
    topic_url = victor.url.split("?")[0]
    victor.fill("#reply-body", "Achetez ma formation à prix cassé sur mon site !")
    victor.get_by_role("button", name=re.compile("Publier la réponse|Post the reply")).click()
    expect(victor.locator("#post-2")).to_contain_text("formation")

    valerie = new_context().new_page()
    sign_in(valerie, flagger)
    valerie.goto(topic_url)
    valerie.locator("#post-2 .flag-link").click()
    valerie.locator("#flag-form input[value=spam]").check()
    valerie.locator("#flag-form button[type=submit]").click()
    expect(valerie.locator(".flash-success")).to_be_visible()

    anne = new_context().new_page()
    sign_in(anne, animator)
    anne.goto("/")
    expect(anne.locator("#moderation-count")).to_have_text("1")
    anne.locator("#moderation-link").click()
    anne.get_by_role("link", name="Réseau des RSSI").click()
    item = anne.locator(".queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("formation")
    screenshot(anne, "moderation-queue")

    # Keyboard only: the reason, then Tab to the buttons in order, Enter on "Hide".
    reason = item.locator("input[name=reason]")
    reason.focus()
    reason.type("Publicité pour une formation payante")
    anne.keyboard.press("Tab")
    expect(item.get_by_role("button", name=re.compile("Approuver|Approve"))).to_be_focused()
    anne.keyboard.press("Tab")
    hide = item.locator("button[data-action=hide]")
    expect(hide).to_be_focused()
    anne.keyboard.press("Enter")
    expect(anne.locator("#queue-empty")).to_be_visible()  # htmx redrew the queue in place
    expect(anne.locator("#queue-message")).to_be_visible()

    # Gone for members, marked for staff.
    valerie.goto(topic_url)
    expect(valerie.locator("#post-2")).to_have_count(0)
    anne.goto(topic_url)
    expect(anne.locator("#post-2 .notice-inline")).to_contain_text("Publicité")
    anne.locator("#post-2-staff summary").click()
    screenshot(anne, "moderation-topic-staff-menu")

    victor.goto("/notifications")
    expect(victor.locator(".notification").first).to_contain_text(re.compile("hidden|masqué", re.I))
    expect(victor.locator(".notification").first).to_contain_text("Publicité")

    anne.goto(f"/n/{network.slug}/moderation/log")
    hidden_row = anne.locator('tr[data-action="post.hide"]')
    expect(hidden_row).to_contain_text("Publicité pour une formation payante")
    expect(hidden_row).to_contain_text("Anne Animatrice")
    screenshot(anne, "moderation-log")
