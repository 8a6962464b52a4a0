"""Member moderation in Chromium: a visitor writes to the animators, who see the header badge,
answer and close; an animator silences a member from the profile, and the member sees they
cannot post.

Selectors are ids, classes and form fields: the interface runs in French.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.db import utcnow
from app.moderation.sanctions import SITE_TIMEZONE
from app.networks.models import ContentVisibility, MembershipMode, Role

pytestmark = pytest.mark.browser


def test_request_inbox_and_silencing_a_member(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    pilot = seed.user("pilote", display_name="Paula Pilote")
    animator = seed.user("anim", display_name="Anne Animatrice")
    member = seed.user("membre", display_name="Marc Membre")
    visitor = seed.user("visite", display_name="Véra Visiteuse")
    network = seed.network(
        pilot=pilot,
        name="Réseau des DPO",
        purpose="Entraide.",
        membership_mode=MembershipMode.INVITATION,
        content_visibility=ContentVisibility.MEMBERS,
    )
    seed.join(animator, network, Role.ANIMATOR)
    seed.join(member, network)
    seed.category(network, "Questions")
    network_path = f"/n/{network.slug}"

    # A visitor writes to the animators from the network's page.
    vera = new_context().new_page()
    sign_in(vera, visitor)
    vera.goto(network_path)
    vera.locator("a.contact-staff").click()
    vera.wait_for_url(f"{live_server.url}{network_path}/contact")
    vera.select_option("#kind", "question")
    vera.fill("#subject", "Comment devenir membre ?")
    vera.fill("#body", "Bonjour, je suis DPO d'une **commune**. Comment vous rejoindre ?")
    vera.locator("main form button[type=submit]").click()
    vera.wait_for_url(re.compile(r"/requests/\d+$"))
    thread_url = vera.url
    expect(vera.locator(".inbox-message strong").last).to_have_text("commune")

    # The animator sees the badge in the header, opens the inbox, answers and closes.
    anne = new_context().new_page()
    sign_in(anne, animator)
    anne.goto("/")
    expect(anne.locator("#inbox-waiting")).to_have_text("1")
    anne.goto(f"{network_path}/inbox")
    row = anne.locator("li.inbox-row", has_text="Comment devenir membre ?")
    expect(row).to_be_visible()
    screenshot(anne, "member-moderation-inbox")
    row.locator("h3 a").click()
    anne.wait_for_url(thread_url)
    anne.fill(
        "#body", "Bienvenue ! Ce réseau fonctionne sur invitation : nous vous en envoyons une."
    )
    anne.locator("#reply form button[type=submit]").click()
    anne.wait_for_url(re.compile(r"/requests/\d+"))
    expect(anne.locator(".inbox-message-staff")).to_contain_text("Bienvenue")
    anne.select_option("#assignee", animator.username)
    anne.locator(".inbox-actions form[action$='/assign'] button").click()
    anne.wait_for_url(thread_url)
    anne.locator("button.close-request").click()
    anne.wait_for_url(thread_url)
    expect(anne.locator("form[action$='/reopen']")).to_be_visible()
    screenshot(anne, "member-moderation-thread")
    anne.goto("/")
    expect(anne.locator("#inbox-waiting")).to_have_count(0)

    vera.goto(thread_url)
    expect(vera.locator(".inbox-message-staff")).to_contain_text("Bienvenue")
    expect(vera.locator("#reply form")).to_have_count(0)  # closed: no more replies
    assert "Bienvenue" in live_server.mail_to(f"{visitor.username}@example.org")

    # The animator silences a member from the profile's moderation panel.
    anne.goto(f"/u/{member.username}")
    panel = anne.locator(f"#moderation-{network.slug}")
    expect(panel.locator(".no-sanction")).to_be_visible()
    panel.locator(".sanction-form-box summary").click()
    until = (utcnow() + timedelta(days=7)).astimezone(SITE_TIMEZONE).strftime("%Y-%m-%dT%H:%M")
    panel.locator("input[name=kind][value=silence]").check()
    panel.locator("input[name=until]").fill(until)
    panel.locator(".sanction-form textarea[name=reason]").fill("Messages agressifs répétés.")
    panel.locator(".sanction-form button[type=submit]").click()
    anne.wait_for_url(re.compile(rf"/u/{member.username}"))
    expect(anne.locator(".flash-success")).to_be_visible()
    panel = anne.locator(f"#moderation-{network.slug}")
    expect(panel.locator(".sanctions-in-force")).to_contain_text("Messages agressifs répétés.")
    panel.locator("textarea[name=body]").fill("Prévenu par téléphone le 1er décembre.")
    panel.locator(".note-form button[type=submit]").click()
    anne.wait_for_url(re.compile(rf"/u/{member.username}"))
    expect(anne.locator(".member-note")).to_contain_text("Prévenu par téléphone")
    screenshot(anne, "member-moderation-profile-panel")

    # The member is told, and cannot post.
    marc = new_context().new_page()
    sign_in(marc, member)
    marc.goto(network_path)
    expect(marc.locator(".member-silenced")).to_contain_text("Messages agressifs répétés.")
    refused = marc.goto(f"{network_path}/topics/new")
    assert refused.status == 403
    expect(marc.locator("main")).to_contain_text("Messages agressifs répétés.")
    screenshot(marc, "member-moderation-silenced")
    marc.goto(f"/u/{member.username}")
    expect(marc.locator(".moderation-panel")).to_have_count(0)
    assert "Messages agressifs" in live_server.mail_to(f"{member.username}@example.org")
