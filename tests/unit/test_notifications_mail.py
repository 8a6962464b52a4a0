"""The notification mail job: immediate mail, daily and weekly digests, idempotence, crashes."""

import socket
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select, update

from app.background import run_jobs_once
from app.notifications import mailing
from app.notifications import service as notifications_service
from app.notifications.delivery import deliver_pending_mail
from app.notifications.mailing import digest_slot, send_notification_mail
from app.notifications.models import (
    EmailMode,
    MailOutbox,
    Notification,
    NotificationKind,
    NotificationSetting,
)
from tests.factories import NotificationFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def outbox(session):
    session.expire_all()
    return list(session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


def choose(session, user, mode, kinds=("reply", "mention")):
    notifications_service.update_setting(
        session, user_id=user.id, email_mode=mode, email_kinds=kinds
    )
    session.flush()


# --- when -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "mode", "slot"),
    [
        (paris(2026, 12, 1, 8), EmailMode.DAILY, paris(2026, 12, 1, 7)),
        (paris(2026, 12, 1, 7), EmailMode.DAILY, paris(2026, 12, 1, 7)),
        (paris(2026, 12, 1, 6, 59), EmailMode.DAILY, paris(2026, 11, 30, 7)),
        # 2026-11-30 is a Monday
        (paris(2026, 12, 1, 8), EmailMode.WEEKLY, paris(2026, 11, 30, 7)),
        (paris(2026, 11, 30, 7), EmailMode.WEEKLY, paris(2026, 11, 30, 7)),
        (paris(2026, 11, 30, 6), EmailMode.WEEKLY, paris(2026, 11, 23, 7)),
        (paris(2026, 12, 6, 23), EmailMode.WEEKLY, paris(2026, 11, 30, 7)),
        # summer time starts on Sunday 2026-03-29: the digest stays at 7:00 on the wall clock
        (paris(2026, 3, 30, 6), EmailMode.DAILY, paris(2026, 3, 29, 7)),
        (paris(2026, 3, 29, 6), EmailMode.DAILY, paris(2026, 3, 28, 7)),
    ],
)
def test_digest_slots_follow_the_local_clock(now, mode, slot):
    assert digest_slot(mode, now, "Europe/Paris") == slot
    assert digest_slot(mode, now, "Europe/Paris").hour == 7


def test_summer_time_moves_the_slot_in_utc():
    winter = digest_slot(EmailMode.DAILY, paris(2026, 3, 28, 12), "Europe/Paris")
    summer = digest_slot(EmailMode.DAILY, paris(2026, 3, 29, 12), "Europe/Paris")
    assert (winter.utcoffset().total_seconds(), summer.utcoffset().total_seconds()) == (3600, 7200)


# --- immediate ----------------------------------------------------------------------------


def test_immediate_mail_with_unsubscribe_headers(session, db, settings):
    alice = UserFactory(email="alice@example.org")
    bob = UserFactory(display_name="Bob Martin")
    choose(session, alice, EmailMode.IMMEDIATE)
    notification = notifications_service.notify(
        session,
        recipient_id=alice.id,
        kind=NotificationKind.REPLY,
        actor_id=bob.id,
        network_id=None,
        title="Sauvegardes hors ligne",
        url="/t/4/sauvegardes#post-2",
        excerpt="Nous utilisons des bandes.",
        topic_id=4,
        post_id=2,
    )
    session.flush()

    assert send_notification_mail(db, settings) == 1
    [mail] = outbox(session)
    assert mail.to_address == "alice@example.org"
    assert "Sauvegardes hors ligne" in mail.subject
    assert "Bob Martin" in mail.body_text
    assert "http://testserver/t/4/sauvegardes#post-2" in mail.body_text
    assert "Nous utilisons des bandes." in mail.body_text
    unsubscribe = mailing.unsubscribe_url(settings, alice.id)
    assert unsubscribe in mail.body_text
    assert mail.headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    session.refresh(notification)
    assert notification.emailed_at is not None and notification.mail_pending is False

    assert send_notification_mail(db, settings) == 0
    assert len(outbox(session)) == 1


def test_one_immediate_mail_per_notification(session, db, settings):
    alice = UserFactory()
    choose(session, alice, EmailMode.IMMEDIATE)
    NotificationFactory.create_batch(3, user=alice, mail_pending=True)
    assert send_notification_mail(db, settings) == 1
    assert len(outbox(session)) == 3


def test_nothing_for_members_who_turned_mail_off(session, db, settings):
    alice, bob = UserFactory(), UserFactory()
    choose(session, alice, EmailMode.OFF)
    notifications_service.notify(
        session,
        recipient_id=alice.id,
        kind=NotificationKind.REPLY,
        actor_id=bob.id,
        network_id=None,
        title="Réponse",
        url="/t/1/x",
    )
    session.flush()
    assert send_notification_mail(db, settings, now=paris(2027, 1, 4, 8)) == 0
    assert outbox(session) == []


# --- digests ------------------------------------------------------------------------------


def test_daily_digest_goes_out_once_at_seven(session, db, settings):
    alice = UserFactory()
    choose(session, alice, EmailMode.DAILY)
    morning = NotificationFactory(
        user=alice, title="Premier", created_at=paris(2026, 12, 1, 9), mail_pending=True
    )
    evening = NotificationFactory(
        user=alice, title="Second", created_at=paris(2026, 12, 1, 15), mail_pending=True
    )

    assert send_notification_mail(db, settings, now=paris(2026, 12, 1, 20)) == 0
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 6, 59)) == 0
    assert outbox(session) == []

    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 1
    [digest] = outbox(session)
    assert "daily digest: 2 notifications" in digest.subject
    assert digest.body_text.index("Premier") < digest.body_text.index("Second")
    assert "List-Unsubscribe" in digest.headers

    # run again, at the same moment and later the same day: nothing more
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 0
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 18)) == 0
    assert len(outbox(session)) == 1
    session.refresh(morning)
    session.refresh(evening)
    assert morning.emailed_at == evening.emailed_at == paris(2026, 12, 2, 7)
    assert session.get(NotificationSetting, alice.id).last_digest_at == paris(2026, 12, 2, 7)

    # what happens after the 7:00 slot waits for the next one
    NotificationFactory(
        user=alice, title="Troisième", created_at=paris(2026, 12, 2, 10), mail_pending=True
    )
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 23)) == 0
    assert send_notification_mail(db, settings, now=paris(2026, 12, 3, 7, 5)) == 1
    mails = outbox(session)
    assert (
        len(mails) == 2
        and "Troisième" in mails[1].body_text
        and "Premier" not in mails[1].body_text
    )


def test_weekly_digest_is_the_default_and_waits_for_monday(session, db, settings):
    alice = UserFactory()
    assert session.get(NotificationSetting, alice.id) is None
    NotificationFactory(
        user=alice, title="Mardi", created_at=paris(2026, 12, 1, 9), mail_pending=True
    )
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 0  # a daily slot
    assert send_notification_mail(db, settings, now=paris(2026, 12, 6, 23)) == 0  # Sunday night
    assert send_notification_mail(db, settings, now=paris(2026, 12, 7, 7)) == 1  # Monday 7:00
    [digest] = outbox(session)
    assert "weekly digest: 1 notification" in digest.subject and "Mardi" in digest.body_text
    assert send_notification_mail(db, settings, now=paris(2026, 12, 7, 8)) == 0
    assert session.get(NotificationSetting, alice.id).last_digest_at == paris(2026, 12, 7, 7)


def test_digest_leaves_out_read_notifications_and_unwanted_kinds(session, db, settings):
    alice, bob = UserFactory(), UserFactory()
    choose(session, alice, EmailMode.DAILY, kinds=["reply", "like"])
    read = NotificationFactory(
        user=alice, title="Déjà lu", created_at=paris(2026, 12, 1, 9), mail_pending=True
    )
    notifications_service.mark_read(session, notification=read)
    like = NotificationFactory(
        user=alice,
        kind=NotificationKind.LIKE,
        title="Un j'aime",
        actor=bob,
        created_at=paris(2026, 12, 1, 9),
        mail_pending=True,
    )
    NotificationFactory(
        user=alice, title="Une réponse", created_at=paris(2026, 12, 1, 10), mail_pending=True
    )
    # the member stops wanting likes by mail after the like was made
    choose(session, alice, EmailMode.DAILY, kinds=["reply"])

    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 1
    [digest] = outbox(session)
    assert "Une réponse" in digest.body_text
    assert "Déjà lu" not in digest.body_text and "Un j'aime" not in digest.body_text
    session.refresh(like)
    assert like.mail_pending is False and like.emailed_at is None


def test_a_digest_with_nothing_wanted_sends_nothing(session, db, settings):
    alice = UserFactory()
    choose(session, alice, EmailMode.DAILY, kinds=["reply"])
    NotificationFactory(
        user=alice, kind=NotificationKind.LIKE, created_at=paris(2026, 12, 1, 9), mail_pending=True
    )
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 1
    assert outbox(session) == []
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7)) == 0


def test_a_crash_before_commit_loses_nothing_and_sends_once(session, db, settings, monkeypatch):
    alice = UserFactory()
    choose(session, alice, EmailMode.DAILY)
    notification = NotificationFactory(
        user=alice, created_at=paris(2026, 12, 1, 9), mail_pending=True
    )

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(notifications_service, "queue_mail", crash)
    with pytest.raises(OSError):
        send_notification_mail(db, settings, now=paris(2026, 12, 2, 7))
    session.refresh(notification)
    assert notification.mail_pending is True and notification.emailed_at is None
    assert outbox(session) == []
    assert session.get(NotificationSetting, alice.id).last_digest_at is None

    monkeypatch.undo()
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7, 1)) == 1
    assert send_notification_mail(db, settings, now=paris(2026, 12, 2, 7, 2)) == 0
    assert len(outbox(session)) == 1


def test_a_worker_that_loses_the_race_sends_nothing(session, db, settings):
    alice = UserFactory()
    choose(session, alice, EmailMode.IMMEDIATE)
    NotificationFactory(user=alice, mail_pending=True)
    claimed_elsewhere = []
    with db.session() as worker_session:

        @event.listens_for(worker_session, "do_orm_execute")
        def another_worker_claims_first(state):
            if state.is_update and not claimed_elsewhere:
                claimed_elsewhere.append(True)
                worker_session.connection().execute(
                    update(Notification)
                    .where(Notification.user_id == alice.id)
                    .values(mail_pending=False)
                )

        assert mailing._mail_member(worker_session, settings, alice.id, mailing.utcnow()) is False
    assert claimed_elsewhere
    assert outbox(session) == []


def test_the_background_jobs_compose_then_deliver(session, db, settings):
    alice = UserFactory()
    choose(session, alice, EmailMode.IMMEDIATE)
    NotificationFactory(user=alice, title="Arrivé", mail_pending=True)
    assert run_jobs_once(db, settings) == 2  # one member handled, one mail delivered
    assert outbox(session) == []
    [written] = list(settings.mail_dir.iterdir())
    message = message_from_bytes(written.read_bytes(), policy=default_policy)
    assert "Arrivé" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- end to end, through an SMTP server -----------------------------------------------------


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, smtp_session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def test_mail_reaches_an_smtp_server_and_its_one_click_link_works(
    session, db, settings, smtp_server, client
):
    controller, collector = smtp_server
    settings.smtp_host, settings.smtp_port = controller.hostname, controller.port
    alice = UserFactory(email="alice@example.org")
    NotificationFactory(
        user=alice, title="Digest du lundi", created_at=paris(2026, 12, 1, 9), mail_pending=True
    )

    assert send_notification_mail(db, settings, now=paris(2026, 12, 7, 7)) == 1
    assert deliver_pending_mail(db, settings) == 1
    [message] = collector.messages
    assert message["To"] == "alice@example.org"
    assert "weekly digest" in message["Subject"]
    assert "Digest du lundi" in message.get_content()
    link = message["List-Unsubscribe"].strip("<>")
    assert link in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail client POSTs the body below, with no cookie and no CSRF token
    response = client.post(
        link.removeprefix("http://testserver"),
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    assert notifications_service.get_setting(session, user_id=alice.id).email_mode == EmailMode.OFF
