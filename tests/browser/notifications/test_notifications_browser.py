"""Journeys in Chromium: the header count arriving without a reload, reading notifications,
email settings, API keys and unsubscribing, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from app.notifications import service as notifications_service
from app.notifications.mailing import unsubscribe_url
from app.notifications.models import EmailMode, NotificationKind
from tests.browser.notifications.conftest import sign_in
from tests.factories import NetworkFactory, UserFactory

pytestmark = pytest.mark.browser


def people(live, *names):
    with live.session() as session:
        network = NetworkFactory()
        users = [
            UserFactory(
                username=f"{name}{network.id}", display_name=name.title(), member_of=network
            )
            for name in names
        ]
        session.commit()
        return network.slug, [(user.id, user.username) for user in users]


def notify(live, recipient_id, actor_id, title, url):
    with live.session() as session:
        notifications_service.notify(
            session,
            recipient_id=recipient_id,
            kind=NotificationKind.REPLY,
            actor_id=actor_id,
            network_id=None,
            title=title,
            url=url,
        )
        session.commit()


def test_the_count_arrives_without_a_reload_and_falls_when_read(page, live):
    slug, [(alice_id, alice), (bob_id, _bob)] = people(live, "alice", "bob")
    sign_in(page, alice)
    count = page.locator("#unread-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count.locator(".badge")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")

    notify(live, alice_id, bob_id, "Bob a répondu", f"/n/{slug}")
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # htmx polls on focus, and every 45 s
    expect(count.locator(".badge")).to_have_text("1")
    expect(count).to_contain_text("1 unread")
    assert page.evaluate("window.stillTheSamePage") is True

    page.click("a.notifications-link")
    item = page.locator(".notification-unread")
    expect(item).to_contain_text("Bob a répondu")
    expect(item).to_contain_text("Bob")
    item.get_by_role("button", name="Bob a répondu").click()
    expect(page).to_have_url(re.compile(rf"/n/{slug}$"))
    expect(page.locator("#unread-count .badge")).to_have_count(0)


def test_mark_all_read(page, live):
    slug, [(alice_id, alice), (bob_id, _bob)] = people(live, "alice", "bob")
    for number in range(3):
        notify(live, alice_id, bob_id, f"Réponse {number}", f"/n/{slug}")
    sign_in(page, alice)
    expect(page.locator("#unread-count .badge")).to_have_text("3")
    page.goto("/notifications")
    expect(page.locator(".notification-unread")).to_have_count(3)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="Unread only").click()  # htmx swaps the list in place
    expect(page).to_have_url(re.compile(r"/notifications\?unread=true$"))
    expect(page.get_by_role("link", name="Unread only")).to_have_attribute("aria-current", "page")
    assert page.evaluate("window.stillTheSamePage") is True
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".flash")).to_contain_text("All your notifications are marked as read.")
    expect(page.locator(".notification-unread")).to_have_count(0)
    page.get_by_role("link", name="All", exact=True).click()
    expect(page.locator(".notification")).to_have_count(3)
    expect(page.locator("#unread-count .badge")).to_have_count(0)


def test_reading_and_settings_without_javascript(page_without_js, live):
    page = page_without_js
    slug, [(alice_id, alice), (bob_id, _bob)] = people(live, "alice", "bob")
    notify(live, alice_id, bob_id, "Sans JavaScript", f"/n/{slug}")
    sign_in(page, alice)
    expect(page.locator("#unread-count .badge")).to_have_text("1")
    page.click("a.notifications-link")
    page.get_by_role("button", name="Sans JavaScript").click()
    expect(page).to_have_url(re.compile(rf"/n/{slug}$"))
    expect(page.locator("#unread-count .badge")).to_have_count(0)

    page.goto("/account")
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_label("Weekly digest")).to_be_checked()
    page.get_by_label("Daily digest").check()
    page.get_by_label("Mention").uncheck()
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".flash")).to_contain_text("Your notification settings have been saved.")
    expect(page.get_by_label("Daily digest")).to_be_checked()
    expect(page.get_by_label("Mention")).not_to_be_checked()
    with live.session() as session:
        setting = notifications_service.get_setting(session, user_id=alice_id)
        assert setting.email_mode == EmailMode.DAILY and "mention" not in setting.email_kinds


def test_api_key_created_shown_once_used_and_revoked_without_javascript(page_without_js, live):
    page = page_without_js
    _slug, [(_alice_id, alice)] = people(live, "alice")
    sign_in(page, alice)
    page.goto("/account")
    page.get_by_label("Name of a new key").fill("Tableau de bord")
    page.get_by_role("button", name="Create a key").click()
    key = page.locator("#new-api-key").inner_text()
    assert key.startswith("mlg_")

    answer = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 200 and answer.json()["username"] == alice

    page.goto("/account")
    expect(page.locator("#new-api-key")).to_have_count(0)
    expect(page.locator("#api-keys")).not_to_contain_text(key)
    page.get_by_role("button", name="Revoke Tableau de bord").click()
    expect(page.locator(".flash")).to_contain_text("has been revoked")
    refused = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert refused.status == 401 and refused.json()["error"]["code"] == "invalid_api_key"


def test_unsubscribe_from_a_mail_link_without_signing_in(page, live):
    _slug, [(alice_id, alice)] = people(live, "alice")
    page.goto(unsubscribe_url(live.settings, alice_id))
    expect(page.locator("main")).to_contain_text(f"@{alice}")
    page.get_by_role("button", name="Stop notification mail").click()
    expect(page.locator("h1")).to_have_text("You will receive no more notification mail")
    with live.session() as session:
        assert (
            notifications_service.get_setting(session, user_id=alice_id).email_mode == EmailMode.OFF
        )
