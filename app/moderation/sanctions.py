"""Silencing and suspending members, and lifting it; what is in force for one person.

A sanction is in force between its creation and `ends_at`, unless lifted: every
reader compares with the current time, so an expired sanction stops applying by
itself, with no job. Functions change rows, write the moderation log and tell the
person (notification and mail) in the caller's transaction; they never commit.
The policy decides who may call them (member:sanction, account:suspend).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app import i18n
from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import _
from app.moderation import log
from app.moderation.sanction_models import MemberSanction, SanctionKind
from app.networks import service as networks_service
from app.networks.models import STAFF_ROLES, Network
from app.notifications import service as notifications_service
from app.notifications.service import NotificationKind
from app.policy import Principal, Restriction

REASON_MAX = 2000
SITE_TIMEZONE = ZoneInfo("Europe/Paris")


class AccountSuspended(Forbidden):
    """The account is suspended site-wide: no sign-in, no session, no API key."""

    code = "account_suspended"


@dataclass(frozen=True)
class Standing:
    """The sanctions in force on one person, by network."""

    account: Restriction | None = None
    silenced: dict[int, Restriction] = field(default_factory=dict)
    suspended: dict[int, Restriction] = field(default_factory=dict)


def format_when(value: datetime) -> str:
    """A date for messages and mails, in the site's time zone and the current language."""
    return format_datetime(value, "medium", tzinfo=SITE_TIMEZONE, locale=i18n.get_locale())


def _in_force(now: datetime):
    return (
        MemberSanction.lifted_at.is_(None),
        MemberSanction.created_at <= now,
        MemberSanction.ends_at > now,
    )


def load_standing(session: Session, *, user_id: int, now: datetime | None = None) -> Standing:
    """What is in force on `user_id` at `now`; one indexed query (run for every request)."""
    now = now or utcnow()
    rows = session.scalars(
        select(MemberSanction)
        .where(MemberSanction.user_id == user_id, *_in_force(now))
        .order_by(MemberSanction.ends_at)
    )
    account, silenced, suspended = None, {}, {}
    for row in rows:  # ordered by end: the one ending last wins
        restriction = Restriction(until=row.ends_at, reason=row.reason)
        if row.network_id is None:
            account = restriction
        elif row.kind == SanctionKind.SILENCE:
            silenced[row.network_id] = restriction
        else:
            suspended[row.network_id] = restriction
    return Standing(account, silenced, suspended)


def network_suspensions(
    session: Session, *, user_ids: Iterable[int], now: datetime | None = None
) -> set[tuple[int, int]]:
    """(user id, network id) of the suspensions from a network in force among `user_ids`,
    in one query: who may read what is decided without the suspended seats."""
    now = now or utcnow()
    rows = session.execute(
        select(MemberSanction.user_id, MemberSanction.network_id).where(
            MemberSanction.user_id.in_(list(user_ids)),
            MemberSanction.network_id.is_not(None),
            MemberSanction.kind == SanctionKind.SUSPEND,
            *_in_force(now),
        )
    )
    return {(row.user_id, row.network_id) for row in rows}


def account_refusal(account: Restriction) -> AccountSuspended:
    """The error for a suspended account, naming the end date and the reason."""
    return AccountSuspended(
        _(
            "Your account is suspended until %(until)s. Reason: %(reason)s",
            until=format_when(account.until),
            reason=account.reason,
        )
    )


class MemberSilenced(Forbidden):
    code = "member_silenced"


def silence_refusal(silenced: Restriction) -> MemberSilenced:
    """The error for a silenced member who tries to post, naming the end date and the reason."""
    return MemberSilenced(
        _(
            "You are silenced in this network until %(until)s: you may read but not post. "
            "Reason: %(reason)s",
            until=format_when(silenced.until),
            reason=silenced.reason,
        )
    )


class MemberSuspended(Forbidden):
    code = "member_suspended"


def refuse_if_suspended(principal: Principal, network: Network) -> None:
    """Raise MemberSuspended, with the end date and the reason, when `principal` is suspended
    from `network`: said instead of a bare refusal where they used to read."""
    suspended = principal.suspended_from.get(network.id)
    if suspended is not None:
        raise MemberSuspended(
            _(
                "You are suspended from this network until %(until)s. Reason: %(reason)s",
                until=format_when(suspended.until),
                reason=suspended.reason,
            )
        )


def check_account(session: Session, *, user: User, now: datetime | None = None) -> None:
    """Raise AccountSuspended while the account is suspended site-wide."""
    account = load_standing(session, user_id=user.id, now=now).account
    if account is not None:
        raise account_refusal(account)


# --- reading ---------------------------------------------------------------------------


def list_in_force(
    session: Session, *, network: Network, now: datetime | None = None
) -> list[MemberSanction]:
    """The network's sanctions in force, ending soonest first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(MemberSanction)
            .where(MemberSanction.network_id == network.id, *_in_force(now))
            .options(joinedload(MemberSanction.user), joinedload(MemberSanction.created_by))
            .order_by(MemberSanction.ends_at, MemberSanction.id)
        )
    )


def list_for_member(
    session: Session, *, user: User, network: Network | None, limit: int = 20
) -> list[MemberSanction]:
    """The person's sanctions in `network` (and site-wide ones), newest first."""
    condition = MemberSanction.network_id.is_(None)
    if network is not None:
        condition = or_(condition, MemberSanction.network_id == network.id)
    return list(
        session.scalars(
            select(MemberSanction)
            .where(MemberSanction.user_id == user.id, condition)
            .options(joinedload(MemberSanction.created_by), joinedload(MemberSanction.lifted_by))
            .order_by(MemberSanction.created_at.desc(), MemberSanction.id.desc())
            .limit(limit)
        )
    )


def get_sanction(session: Session, *, network: Network | None, sanction_id: int) -> MemberSanction:
    """A sanction of `network` (None: a site-wide one); any other is NotFound."""
    sanction = session.get(MemberSanction, sanction_id)
    if sanction is None or sanction.network_id != (network.id if network else None):
        raise NotFound()
    return sanction


# --- writing ---------------------------------------------------------------------------


def _check_terms(until: datetime, reason: str, now: datetime) -> str:
    if until.tzinfo is None:
        raise Invalid(_("Give the end date with its time zone."), field="until")
    if until <= now:
        raise Invalid(_("The end date must be in the future."), field="until")
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Give a reason: the person will read it."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_("At most %(n)s characters.", n=REASON_MAX), field="reason")
    return reason


def _end_previous(session: Session, *, user: User, network: Network | None, kind, actor, now):
    """A new sanction replaces the one of the same kind in force (to shorten or extend it)."""
    network_condition = (
        MemberSanction.network_id.is_(None)
        if network is None
        else MemberSanction.network_id == network.id
    )
    for previous in session.scalars(
        select(MemberSanction).where(
            MemberSanction.user_id == user.id,
            MemberSanction.kind == kind,
            network_condition,
            *_in_force(now),
        )
    ):
        previous.lifted_at = now
        previous.lifted_by_id = actor.id


def _tell(
    session: Session,
    *,
    person: User,
    network: Network | None,
    title: str,
    body: str,
    url: str,
) -> None:
    """In-app notification and a mail at once, whatever the person's mail settings: a
    sanction is a service message, and a suspended account cannot read the site."""
    notification = notifications_service.notify(
        session,
        recipient_id=person.id,
        kind=NotificationKind.MODERATION,
        actor_id=None,
        network_id=network.id if network else None,
        title=title,
        excerpt=body,
        url=url,
    )
    if notification is not None:
        notification.mail_pending = False  # mailed below, not again by the mail job
    greeting = _("Hello %(name)s,", name=person.display_name)
    notifications_service.queue_mail(
        session, to_address=person.email, subject=title, body_text=f"{greeting}\n\n{body}\n"
    )


def _announce(kind: SanctionKind, network: Network | None, until: datetime, reason: str):
    when = format_when(until)
    if network is None:
        title = _("Your Maillage account is suspended")
        body = _(
            "Your account is suspended until %(until)s: you cannot sign in until then.\n\n"
            "Reason: %(reason)s",
            until=when,
            reason=reason,
        )
    elif kind == SanctionKind.SILENCE:
        title = _("You are silenced in %(network)s", network=network.name)
        body = _(
            "You can read %(network)s but not post there until %(until)s.\n\nReason: %(reason)s",
            network=network.name,
            until=when,
            reason=reason,
        )
    else:
        title = _("You are suspended from %(network)s", network=network.name)
        body = _(
            "You are suspended from %(network)s until %(until)s: meanwhile you cannot read "
            "its members' content or post there.\n\nReason: %(reason)s",
            network=network.name,
            until=when,
            reason=reason,
        )
    return title, body


def sanction_member(
    session: Session,
    *,
    actor: User,
    network: Network,
    member: User,
    kind: SanctionKind,
    until: datetime,
    reason: str,
    network_url: str,
    now: datetime | None = None,
) -> MemberSanction:
    """Silence or suspend a member of `network` until `until`, telling them why.

    Replaces a sanction of the same kind in force. Raises NotFound when `member` is not
    a member, Conflict for a member of staff (change their role first) or oneself,
    Invalid for a past date or an empty reason. Flushes for the sanction's id.
    """
    now = now or utcnow()
    reason = _check_terms(until, reason, now)
    membership = networks_service.get_membership(session, network, member)
    if membership is None:
        raise NotFound(_("This person is not a member of the network."), code="not_a_member")
    if member.id == actor.id:
        raise Conflict(_("You cannot sanction yourself."), code="own_account")
    if membership.role in STAFF_ROLES:
        raise Conflict(
            _(
                "%(name)s is on the network's staff: change their role first.",
                name=member.display_name,
            ),
            code="member_is_staff",
        )
    _end_previous(session, user=member, network=network, kind=kind, actor=actor, now=now)
    sanction = MemberSanction(
        network_id=network.id,
        user_id=member.id,
        kind=kind,
        reason=reason,
        ends_at=until,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(sanction)
    session.flush()  # the log names the sanction's id
    log.record(
        session,
        network=network,
        actor=actor,
        action=f"member.{kind.value}",
        target_kind="user",
        target_id=member.id,
        target_label=member.display_name,
        reason=reason,
        details={"sanction_id": sanction.id, "until": until.isoformat()},
    )
    title, body = _announce(kind, network, until, reason)
    _tell(session, person=member, network=network, title=title, body=body, url=network_url)
    return sanction


def suspend_account(
    session: Session,
    *,
    actor: User,
    user: User,
    until: datetime,
    reason: str,
    now: datetime | None = None,
) -> MemberSanction:
    """Suspend `user`'s account site-wide: no sign-in, sessions and API keys stop working.

    The moderation log of each of their networks records it. Raises Conflict for a site
    admin or oneself, Invalid for a past date or an empty reason.
    """
    now = now or utcnow()
    reason = _check_terms(until, reason, now)
    if user.id == actor.id or user.is_site_admin:
        raise Conflict(_("A site admin's account cannot be suspended."), code="member_is_staff")
    _end_previous(session, user=user, network=None, kind=SanctionKind.SUSPEND, actor=actor, now=now)
    sanction = MemberSanction(
        network_id=None,
        user_id=user.id,
        kind=SanctionKind.SUSPEND,
        reason=reason,
        ends_at=until,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(sanction)
    session.flush()  # the log names the sanction's id
    for network in networks_service.list_user_networks(session, user):
        log.record(
            session,
            network=network,
            actor=actor,
            action="account.suspend",
            target_kind="user",
            target_id=user.id,
            target_label=user.display_name,
            reason=reason,
            details={"sanction_id": sanction.id, "until": until.isoformat()},
        )
    title, body = _announce(SanctionKind.SUSPEND, None, until, reason)
    _tell(session, person=user, network=None, title=title, body=body, url="/login")
    return sanction


def lift_sanction(
    session: Session,
    *,
    actor: User,
    sanction: MemberSanction,
    reason: str = "",
    network_url: str = "/",
    now: datetime | None = None,
) -> MemberSanction:
    """End a sanction now and tell the person. Raises Conflict when it is no longer in force."""
    now = now or utcnow()
    if not sanction.in_force(now):
        raise Conflict(_("This sanction is no longer in force."), code="not_in_force")
    sanction.lifted_at = now
    sanction.lifted_by_id = actor.id
    person = sanction.user
    networks = (
        [sanction.network]
        if sanction.network
        else networks_service.list_user_networks(session, person)
    )
    for network in networks:
        log.record(
            session,
            network=network,
            actor=actor,
            action="member.lift" if sanction.network else "account.lift",
            target_kind="user",
            target_id=person.id,
            target_label=person.display_name,
            reason=reason.strip(),
            details={"sanction_id": sanction.id, "kind": sanction.kind.value},
        )
    if sanction.network is None:
        title = _("Your Maillage account is no longer suspended")
        body = _("You can sign in again.")
    elif sanction.kind == SanctionKind.SILENCE:
        title = _("You may post again in %(network)s", network=sanction.network.name)
        body = _("The network's staff lifted your silence early.")
    else:
        title = _("Your suspension from %(network)s is lifted", network=sanction.network.name)
        body = _("The network's staff lifted your suspension early.")
    _tell(
        session,
        person=person,
        network=sanction.network,
        title=title,
        body=body,
        url=network_url if sanction.network else "/login",
    )
    return sanction
