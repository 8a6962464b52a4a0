from datetime import timedelta

import pytest

from app.db import utcnow
from app.errors import Invalid
from app.notifications import service as notifications_service
from app.notifications.models import EmailMode, Notification, NotificationSetting
from app.notifications.service import NotificationKind
from tests.factories import NetworkFactory, NotificationFactory, UserFactory


def notify(session, recipient, actor, **overrides):
    values = {
        "recipient_id": recipient.id,
        "kind": NotificationKind.REPLY,
        "actor_id": actor.id if actor else None,
        "network_id": None,
        "title": "Réponse à votre sujet",
        "url": "/t/1/sujet#post-2",
        "excerpt": "Bonjour",
        "topic_id": 1,
        "post_id": 2,
    }
    values.update(overrides)
    notification = notifications_service.notify(session, **values)
    session.flush()
    return notification


def test_notify_writes_an_unread_notification_waiting_for_the_weekly_digest(session):
    network = NetworkFactory()
    alice, bob = UserFactory(member_of=network), UserFactory(member_of=network)
    notification = notify(session, alice, bob, network_id=network.id)
    assert isinstance(notification, Notification)
    assert notification.user_id == alice.id and notification.actor_id == bob.id
    assert notifications_service.count_unread(session, user_id=alice.id) == 1
    assert notifications_service.count_unread(session, user_id=bob.id) == 0
    assert notification.mail_pending is True
    setting = notifications_service.get_setting(session, user_id=alice.id)
    assert setting.email_mode == EmailMode.WEEKLY
    assert "like" not in setting.email_kinds and "reply" in setting.email_kinds


def test_no_notification_for_your_own_action(session):
    alice = UserFactory()
    assert notify(session, alice, alice) is None
    assert notifications_service.count_unread(session, user_id=alice.id) == 0


def test_same_kind_for_the_same_post_notifies_once_but_another_kind_does(session):
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    assert notify(session, alice, bob, kind=NotificationKind.LIKE) is not None
    assert notify(session, alice, carol, kind=NotificationKind.LIKE) is None
    assert notify(session, alice, bob, kind=NotificationKind.MENTION) is not None
    assert notify(session, alice, bob, kind=NotificationKind.LIKE, post_id=3) is not None
    assert notifications_service.count_unread(session, user_id=alice.id) == 3


def test_notify_without_a_post_is_never_deduplicated(session):
    alice, bob = UserFactory(), UserFactory()
    notify(session, alice, bob, kind=NotificationKind.MODERATION, post_id=None)
    notify(session, alice, bob, kind=NotificationKind.MODERATION, post_id=None)
    assert notifications_service.count_unread(session, user_id=alice.id) == 2


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "t/1", "/\\evil"]
)
def test_notify_refuses_links_off_the_site(session, url):
    alice, bob = UserFactory(), UserFactory()
    with pytest.raises(Invalid):
        notify(session, alice, bob, url=url)


def test_title_and_excerpt_are_flattened_and_shortened(session):
    alice, bob = UserFactory(), UserFactory()
    notification = notify(
        session, alice, bob, title="A" * 500, excerpt="ligne\n\n  suite " + "b" * 400
    )
    assert len(notification.title) == 200 and notification.title.endswith("…")
    assert notification.excerpt.startswith("ligne suite ")
    assert len(notification.excerpt) == 300


@pytest.mark.parametrize(
    ("mode", "kinds", "kind", "pending"),
    [
        (EmailMode.OFF, ["reply"], NotificationKind.REPLY, False),
        (EmailMode.IMMEDIATE, ["reply"], NotificationKind.REPLY, True),
        (EmailMode.DAILY, ["reply"], NotificationKind.REPLY, True),
        (EmailMode.WEEKLY, ["reply"], NotificationKind.LIKE, False),
        (EmailMode.IMMEDIATE, ["reply", "like"], NotificationKind.LIKE, True),
    ],
)
def test_mail_is_wanted_per_the_member_settings(session, mode, kinds, kind, pending):
    alice, bob = UserFactory(), UserFactory()
    notifications_service.update_setting(
        session, user_id=alice.id, email_mode=mode, email_kinds=kinds
    )
    assert notify(session, alice, bob, kind=kind).mail_pending is pending


def test_mark_read_for_topic_up_to_a_post(session):
    alice, bob = UserFactory(), UserFactory()
    first = notify(session, alice, bob, topic_id=7, post_id=10)
    second = notify(session, alice, bob, topic_id=7, post_id=12)
    other_topic = notify(session, alice, bob, topic_id=8, post_id=11)
    notifications_service.mark_read_for_topic(
        session, user_id=alice.id, topic_id=7, up_to_post_id=11
    )
    session.expire_all()
    assert first.read_at is not None and first.mail_pending is False
    assert second.read_at is None and second.mail_pending is True
    notifications_service.mark_read_for_topic(session, user_id=alice.id, topic_id=7)
    session.expire_all()
    assert second.read_at is not None
    assert other_topic.read_at is None
    assert notifications_service.count_unread(session, user_id=alice.id) == 1


def test_mark_read_for_topic_leaves_other_members_alone(session):
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    for_bob = notify(session, bob, carol, topic_id=7)
    notifications_service.mark_read_for_topic(session, user_id=alice.id, topic_id=7)
    session.expire_all()
    assert for_bob.read_at is None


def test_mark_read_and_mark_all_read(session):
    alice, bob = UserFactory(), UserFactory()
    first = notify(session, alice, bob, post_id=1)
    notify(session, alice, bob, post_id=2)
    notify(session, bob, alice, post_id=3)
    notifications_service.mark_read(session, notification=first)
    assert first.read_at is not None and first.mail_pending is False
    assert notifications_service.count_unread(session, user_id=alice.id) == 1
    assert notifications_service.mark_all_read(session, actor_id=alice.id) == 1
    assert notifications_service.count_unread(session, user_id=alice.id) == 0
    assert notifications_service.count_unread(session, user_id=bob.id) == 1


def test_list_pages_newest_first(session):
    alice = UserFactory()
    made = [NotificationFactory(user=alice) for _ in range(5)]
    NotificationFactory()  # someone else's
    page = notifications_service.list_notifications(session, user_id=alice.id, limit=2)
    assert [n.id for n in page.items] == [made[4].id, made[3].id]
    page = notifications_service.list_notifications(
        session, user_id=alice.id, limit=2, before_id=page.next_before
    )
    assert [n.id for n in page.items] == [made[2].id, made[1].id]
    last = notifications_service.list_notifications(
        session, user_id=alice.id, limit=2, before_id=page.next_before
    )
    assert [n.id for n in last.items] == [made[0].id] and last.next_before is None


def test_list_unread_only(session):
    alice = UserFactory()
    NotificationFactory(user=alice, read_at=utcnow() - timedelta(hours=1))
    unread = NotificationFactory(user=alice)
    page = notifications_service.list_notifications(session, user_id=alice.id, unread_only=True)
    assert page.items == [unread]


def test_turning_mail_off_drops_waiting_digest_mail(session):
    alice, bob = UserFactory(), UserFactory()
    waiting = notify(session, alice, bob)
    assert waiting.mail_pending
    notifications_service.update_setting(
        session, user_id=alice.id, email_mode=EmailMode.DAILY, email_kinds=["reply"]
    )
    session.refresh(waiting)
    assert waiting.mail_pending, "weekly to daily keeps it for the next digest"
    notifications_service.unsubscribe(session, user_id=alice.id)
    session.refresh(waiting)
    assert waiting.mail_pending is False
    setting = session.get(NotificationSetting, alice.id)
    assert setting.email_mode == EmailMode.OFF
    assert setting.email_kinds == ["reply"]


def test_unsubscribe_twice_is_harmless(session):
    alice = UserFactory()
    notifications_service.unsubscribe(session, user_id=alice.id)
    notifications_service.unsubscribe(session, user_id=alice.id)
    session.flush()
    assert notifications_service.get_setting(session, user_id=alice.id).email_mode == EmailMode.OFF
