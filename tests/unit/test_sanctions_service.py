"""Silencing, suspending and lifting: what is in force when, the log, what the person is told."""

from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.forum.notifying import load_principals
from app.moderation import log, notes, sanctions
from app.moderation.sanction_models import SanctionKind
from app.networks.models import Role
from app.notifications.delivery import deliver_pending_mail
from app.notifications.models import Notification, NotificationKind
from tests.factories import MembershipFactory, NetworkFactory, UserFactory


@pytest.fixture
def people(session):
    network = NetworkFactory(slug="reseau", name="Réseau Cyber")
    animator = UserFactory(username="anim", member_of=network, member_of__role=Role.ANIMATOR)
    member = UserFactory(username="marc", email="marc@example.org", member_of=network)
    return network, animator, member


def _sanction(
    session,
    network,
    animator,
    member,
    kind=SanctionKind.SILENCE,
    days=7,
    now=None,
    reason="Propos blessants",
):
    now = now or utcnow()
    return sanctions.sanction_member(
        session,
        actor=animator,
        network=network,
        member=member,
        kind=kind,
        until=now + timedelta(days=days),
        reason=reason,
        network_url="/n/reseau/standing",
        now=now,
    )


def test_silence_is_in_force_until_its_end_then_stops_by_itself(session, people):
    network, animator, member = people
    now = utcnow()
    _sanction(session, network, animator, member, now=now)

    during = sanctions.load_standing(session, user_id=member.id, now=now + timedelta(days=6))
    assert during.silenced[network.id].reason == "Propos blessants"
    assert not during.suspended and during.account is None
    after = sanctions.load_standing(
        session, user_id=member.id, now=now + timedelta(days=7, seconds=1)
    )
    assert after.silenced == {}
    assert sanctions.list_in_force(session, network=network, now=now + timedelta(days=8)) == []


def test_a_sanction_is_logged_and_told_by_notification_and_mail(session, people, outbox):
    network, animator, member = people
    sanction = _sanction(session, network, animator, member, kind=SanctionKind.SUSPEND)

    [entry] = session.scalars(log.entries_query(network)).all()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "member.suspend",
        animator.id,
        member.id,
    )
    assert entry.reason == "Propos blessants"
    assert entry.details["sanction_id"] == sanction.id
    notification = session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert notification.kind == NotificationKind.MODERATION
    assert notification.url == "/n/reseau/standing"
    assert notification.mail_pending is False  # mailed at once below, not again in a digest
    [mail] = outbox()
    assert mail.to_address == "marc@example.org"
    assert "suspended from Réseau Cyber" in mail.subject
    assert "Propos blessants" in mail.body_text
    assert str(sanction.ends_at.year) in mail.body_text


def test_the_mail_is_written_to_disk(session, db, settings, people):
    network, animator, member = people
    _sanction(session, network, animator, member)
    session.flush()
    assert deliver_pending_mail(db, settings) == 1
    [written] = list(settings.mail_dir.iterdir())
    message = message_from_bytes(written.read_bytes(), policy=default_policy)
    assert message["To"] == "marc@example.org"
    assert "Propos blessants" in message.get_content()


def test_a_new_sanction_replaces_the_one_in_force(session, people):
    network, animator, member = people
    now = utcnow()
    first = _sanction(session, network, animator, member, days=30, now=now)
    second = _sanction(session, network, animator, member, days=2, now=now + timedelta(seconds=1))
    assert first.lifted_at is not None
    assert [
        s.id
        for s in sanctions.list_in_force(session, network=network, now=now + timedelta(minutes=1))
    ] == [second.id]


def test_lift_ends_it_now_logs_and_tells(session, people, outbox):
    network, animator, member = people
    sanction = _sanction(session, network, animator, member)
    sanctions.lift_sanction(
        session, actor=animator, sanction=sanction, reason="Excuses faites", network_url="/n/reseau"
    )
    assert sanctions.load_standing(session, user_id=member.id).silenced == {}
    assert [e.action for e in session.scalars(log.entries_query(network))] == [
        "member.lift",
        "member.silence",
    ]
    assert "You may post again" in outbox()[-1].subject
    with pytest.raises(Conflict):
        sanctions.lift_sanction(session, actor=animator, sanction=sanction)


@pytest.mark.parametrize(
    ("until_days", "reason", "field"),
    [(-1, "Raison", "until"), (0, "Raison", "until"), (3, "   ", "reason")],
)
def test_bad_terms_are_refused(session, people, until_days, reason, field):
    network, animator, member = people
    with pytest.raises(Invalid) as raised:
        _sanction(session, network, animator, member, days=until_days, reason=reason)
    assert raised.value.field == field


def test_staff_oneself_and_strangers_cannot_be_sanctioned(session, people):
    network, animator, _member = people
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    with pytest.raises(Conflict) as raised:
        _sanction(session, network, pilot, animator)
    assert raised.value.code == "member_is_staff"
    with pytest.raises(Conflict):
        _sanction(session, network, animator, animator)
    with pytest.raises(NotFound):
        _sanction(session, network, animator, UserFactory())


def test_account_suspension_is_logged_in_each_network_of_the_person(session, people, outbox):
    network, _animator, member = people
    other = NetworkFactory()
    UserFactory(member_of=other)  # someone else, not the member
    admin = UserFactory(site_admin=True)
    now = utcnow()
    sanction = sanctions.suspend_account(
        session, actor=admin, user=member, until=now + timedelta(days=3), reason="Spam", now=now
    )
    assert sanction.network_id is None
    assert sanctions.load_standing(session, user_id=member.id, now=now).account.reason == "Spam"
    with pytest.raises(sanctions.AccountSuspended) as raised:
        sanctions.check_account(session, user=member, now=now)
    assert "Spam" in raised.value.message
    assert [e.action for e in session.scalars(log.entries_query(network))] == ["account.suspend"]
    assert list(session.scalars(log.entries_query(other))) == []
    assert "account is suspended" in outbox()[-1].subject
    sanctions.check_account(session, user=member, now=now + timedelta(days=3, seconds=1))


def test_notes_newest_first_logged_and_kept_per_network(session, people):
    network, animator, member = people
    other = NetworkFactory()
    other_staff = UserFactory(member_of=other, member_of__role=Role.PILOT)
    MembershipFactory(network=other, user=member)
    notes.add_note(
        session, actor=animator, network=network, user=member, body="Premier *avertissement*"
    )
    notes.add_note(
        session, actor=animator, network=network, user=member, body="<script>x</script>Deuxième"
    )
    notes.add_note(session, actor=other_staff, network=other, user=member, body="Ailleurs")
    listed = notes.list_notes(session, network=network, user=member)
    assert [n.body for n in listed] == ["<script>x</script>Deuxième", "Premier *avertissement*"]
    assert "<script>" not in listed[0].body_html
    assert "<em>avertissement</em>" in listed[1].body_html
    assert [e.action for e in session.scalars(log.entries_query(network))] == [
        "member.note",
        "member.note",
    ]
    with pytest.raises(Invalid):
        notes.add_note(session, actor=animator, network=network, user=member, body="  ")


def test_a_suspended_member_hears_nothing_of_the_networks_content(session, people):
    network, animator, member = people
    _sanction(session, network, animator, member, kind=SanctionKind.SUSPEND)
    principals = load_principals(session, [member, animator])
    assert network.id not in principals[member.id].seats
    assert network.id in principals[animator.id].seats
