"""Turns notifications waiting for a mail into outbox mail: at once, or in a daily or weekly digest.

A background job (app/background.py). Each member is handled in one transaction that
claims their waiting notifications, writes the mail to the outbox, records what was
sent (`emailed_at`, `last_digest_at`) and commits; the delivery job sends the outbox
afterwards. A crash before the commit leaves everything waiting for the next run, a
crash after it leaves a mail in the outbox: no mail is composed twice, none is lost.
Two workers racing for the same member: the second one's claim changes fewer rows
than it read, so it rolls back.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app import i18n
from app.accounts.models import User
from app.config import Settings
from app.db import Database, utcnow
from app.errors import DomainError
from app.i18n import _, ngettext
from app.notifications import service as notifications_service
from app.notifications.models import EmailMode, Notification, NotificationSetting

UNSUBSCRIBE_SALT = "notification-unsubscribe"
# Paths of the pages a mail links to; the routes in views.py are declared with the same strings.
UNSUBSCRIBE_PATH = "/notifications/unsubscribe/{token}"
SETTINGS_PATH = "/notifications/settings"
NOTIFICATIONS_PATH = "/notifications"
# Digests go out from this local hour: daily every day, weekly on Mondays.
DIGEST_HOUR = 7
DIGEST_WEEKDAY = 0
MEMBERS_PER_RUN = 50


# --- unsubscribe tokens -----------------------------------------------------------------


class InvalidToken(DomainError):
    status_code = 400
    code = "invalid_token"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(secret_key: str, user_id: int) -> str:
    """A signed token naming the member. It does not expire: an old mail's link must still work."""
    return _serializer(secret_key).dumps({"u": user_id})


def read_unsubscribe_token(secret_key: str, token: str) -> int:
    """The member a token names; InvalidToken when it was not signed by this site or was altered."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        raise InvalidToken(
            _("This unsubscribe link is not valid. Change your mail settings from your account.")
        ) from None
    return data["u"]


def unsubscribe_url(settings: Settings, user_id: int) -> str:
    token = make_unsubscribe_token(settings.resolved_secret_key(), user_id)
    return settings.base_url.rstrip("/") + UNSUBSCRIBE_PATH.format(token=token)


# --- when digests are due ---------------------------------------------------------------


def digest_slot(mode: EmailMode, now: datetime, timezone: str) -> datetime:
    """The latest moment at or before `now` when a digest of `mode` was due.

    Computed on the local wall clock, so a digest stays at 7:00 across daylight saving.
    """
    local = now.astimezone(ZoneInfo(timezone))
    slot = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if mode == EmailMode.WEEKLY:
        slot -= timedelta(days=(slot.weekday() - DIGEST_WEEKDAY) % 7)
    return slot


def _cutoff(mode: EmailMode, now: datetime, timezone: str) -> datetime:
    """Notifications made up to this moment go into the mail sent `now`."""
    return now if mode == EmailMode.IMMEDIATE else digest_slot(mode, now, timezone)


# --- composing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    subject: str
    body_text: str


def _footer(settings: Settings, user_id: int) -> str:
    base = settings.base_url.rstrip("/")
    return "\n".join(
        [
            "-- ",
            _(
                "You receive this mail because of your notification settings: %(url)s",
                url=base + SETTINGS_PATH,
            ),
            _(
                "Stop all notification mail with one click: %(url)s",
                url=unsubscribe_url(settings, user_id),
            ),
        ]
    )


def _describe(notification: Notification, base: str) -> list[str]:
    label = notifications_service.kind_labels()[notification.kind]
    actor = notification.actor.display_name if notification.actor else None
    lines = [f"{label}{f' · {actor}' if actor else ''}: {notification.title}"]
    if notification.excerpt:
        lines.append(f"  {notification.excerpt}")
    lines.append(f"  {base}{notification.url}")
    return lines


def compose_immediate(settings: Settings, notification: Notification) -> Mail:
    base = settings.base_url.rstrip("/")
    body = [
        *_describe(notification, base),
        "",
        _footer(settings, notification.user_id),
    ]
    return Mail(subject=f"[Maillage] {notification.title}"[:200], body_text="\n".join(body) + "\n")


def compose_digest(
    settings: Settings,
    user_id: int,
    mode: EmailMode,
    notifications: list[Notification],
) -> Mail:
    base = settings.base_url.rstrip("/")
    count = len(notifications)
    if mode == EmailMode.DAILY:
        subject = ngettext(
            "Your daily digest: %(num)s notification",
            "Your daily digest: %(num)s notifications",
            count,
        )
    else:
        subject = ngettext(
            "Your weekly digest: %(num)s notification",
            "Your weekly digest: %(num)s notifications",
            count,
        )
    body = [_("Here is what happened for you on Maillage since the last digest."), ""]
    for notification in notifications:
        body.extend(_describe(notification, base))
        body.append("")
    body.append(_("All your notifications: %(url)s", url=base + NOTIFICATIONS_PATH))
    body.extend(["", _footer(settings, user_id)])
    return Mail(subject=f"[Maillage] {subject}"[:200], body_text="\n".join(body) + "\n")


def mail_headers(settings: Settings, user_id: int) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button that POSTs."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(settings, user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- the job ---------------------------------------------------------------------------


def _members_due(session: Session, now: datetime, timezone: str, limit: int) -> list[int]:
    mode = NotificationSetting.email_mode
    due = or_(
        mode == EmailMode.IMMEDIATE,
        and_(
            mode == EmailMode.DAILY,
            Notification.created_at <= digest_slot(EmailMode.DAILY, now, timezone),
        ),
        and_(
            or_(mode == EmailMode.WEEKLY, mode.is_(None)),
            Notification.created_at <= digest_slot(EmailMode.WEEKLY, now, timezone),
        ),
    )
    return list(
        session.scalars(
            select(Notification.user_id)
            .outerjoin(NotificationSetting, NotificationSetting.user_id == Notification.user_id)
            .where(Notification.mail_pending.is_(True), due)
            .group_by(Notification.user_id)
            .order_by(Notification.user_id)
            .limit(limit)
        )
    )


def _mail_member(session: Session, settings: Settings, user_id: int, now: datetime) -> bool:
    """Claim, compose and queue one member's due mail; False when there was none to send
    (another worker had it first, or the member turned mail off meanwhile)."""
    setting = notifications_service.get_setting(session, user_id=user_id)
    if setting.email_mode == EmailMode.OFF:
        return False
    waiting = list(
        session.scalars(
            select(Notification)
            .options(joinedload(Notification.actor))
            .where(
                Notification.user_id == user_id,
                Notification.mail_pending.is_(True),
                Notification.created_at <= _cutoff(setting.email_mode, now, settings.timezone),
            )
            .order_by(Notification.id)
        )
    )
    if not waiting:
        return False
    claimed = session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n in waiting]), Notification.mail_pending.is_(True))
        .values(mail_pending=False)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != len(waiting):
        session.rollback()
        return False
    # Kinds the member stopped wanting by mail since are dropped from the mail, not kept waiting.
    wanted = [n for n in waiting if n.kind.value in setting.email_kinds]
    user = session.get(User, user_id)
    i18n.set_language(user.locale or settings.language)
    if setting.email_mode == EmailMode.IMMEDIATE:
        mails = [compose_immediate(settings, n) for n in wanted]
    else:
        mails = [compose_digest(settings, user_id, setting.email_mode, wanted)] if wanted else []
        setting.last_digest_at = now
        session.add(setting)  # the defaults become a row once a digest was sent
    headers = mail_headers(settings, user_id)
    for mail in mails:
        notifications_service.queue_mail(
            session,
            to_address=user.email,
            subject=mail.subject,
            body_text=mail.body_text,
            headers=headers,
        )
    for notification in wanted:
        notification.emailed_at = now
    session.commit()
    return True


def send_notification_mail(
    db: Database, settings: Settings, *, now: datetime | None = None, limit: int = MEMBERS_PER_RUN
) -> int:
    """Queue the mail of up to `limit` members whose immediate mail or digest is due.

    Returns how many members were handled; the caller runs it again until 0.
    """
    now = now or utcnow()
    language = i18n.get_language()
    with db.session() as session:
        members = _members_due(session, now, settings.timezone, limit)
    handled = 0
    try:
        for user_id in members:
            with db.session() as session:
                handled += _mail_member(session, settings, user_id, now)
    finally:
        i18n.set_language(language)
    return handled
