"""Notifications: what other domains call to tell a member something, and the member's choices.

Functions change rows in the caller's transaction and never commit. Mail is not
composed here: `notify` marks a notification as waiting for a mail, and the mail
job (app/notifications/mailing.py) turns waiting rows into outbox mail after commit,
immediately or in a digest, so nothing is lost in a crash and nothing needs the
site's address or secret inside a request's service call.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.db import utcnow
from app.errors import Invalid, NotFound
from app.i18n import _
from app.notifications.models import (
    DEFAULT_EMAIL_KINDS,
    DEFAULT_EMAIL_MODE,
    DIGEST_MODES,
    EmailMode,
    MailOutbox,
    Notification,
    NotificationKind,
    NotificationSetting,
)

__all__ = [
    "EmailMode",
    "NotificationKind",
    "count_unread",
    "get_notification",
    "get_setting",
    "kind_labels",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "mark_read_for_topic",
    "notify",
    "queue_mail",
    "unsubscribe",
    "update_setting",
]

TITLE_LENGTH = 200
EXCERPT_LENGTH = 300
PAGE_SIZE = 30


def queue_mail(
    session: Session,
    *,
    to_address: str,
    subject: str,
    body_text: str,
    headers: dict[str, str] | None = None,
) -> MailOutbox:
    """Add a mail to the outbox in the caller's transaction."""
    mail = MailOutbox(
        to_address=to_address, subject=subject, body_text=body_text, headers=dict(headers or {})
    )
    session.add(mail)
    return mail


def kind_labels() -> dict[NotificationKind, str]:
    """What each kind is called in the interface and in mails."""
    return {
        NotificationKind.REPLY: _("Reply"),
        NotificationKind.MENTION: _("Mention"),
        NotificationKind.QUOTE: _("Quote"),
        NotificationKind.LIKE: _("Like"),
        NotificationKind.WATCHING: _("Watched activity"),
        NotificationKind.PRIVATE_MESSAGE: _("Private message"),
        NotificationKind.MODERATION: _("Moderation"),
    }


# --- settings -------------------------------------------------------------------------


def get_setting(session: Session, *, user_id: int) -> NotificationSetting:
    """The member's email choices; a transient row with the defaults when they chose nothing."""
    setting = session.get(NotificationSetting, user_id)
    if setting is None:
        setting = NotificationSetting(
            user_id=user_id, email_mode=DEFAULT_EMAIL_MODE, email_kinds=list(DEFAULT_EMAIL_KINDS)
        )
    return setting


def _wants_mail(setting: NotificationSetting, kind: NotificationKind) -> bool:
    return setting.email_mode != EmailMode.OFF and kind.value in setting.email_kinds


def update_setting(
    session: Session,
    *,
    user_id: int,
    email_mode: EmailMode,
    email_kinds: Iterable[NotificationKind],
) -> NotificationSetting:
    """Store the member's email choices.

    Leaving a digest mode drops the notifications that were waiting for that digest
    (they stay in the in-app list): a member who turns mail off gets none afterwards,
    and one who switches to immediate mail is not sent a backlog at once.
    """
    setting = session.get(NotificationSetting, user_id)
    if setting is None:
        setting = NotificationSetting(user_id=user_id)
        session.add(setting)
    previous_mode = setting.email_mode or DEFAULT_EMAIL_MODE
    setting.email_mode = email_mode
    setting.email_kinds = sorted({NotificationKind(kind).value for kind in email_kinds})
    setting.updated_at = utcnow()
    if previous_mode in DIGEST_MODES and email_mode not in DIGEST_MODES:
        _drop_pending_mail(session, user_id=user_id)
    return setting


def unsubscribe(session: Session, *, user_id: int) -> NotificationSetting:
    """Stop every notification mail to the member (the one-click unsubscribe); idempotent."""
    setting = get_setting(session, user_id=user_id)
    return update_setting(
        session, user_id=user_id, email_mode=EmailMode.OFF, email_kinds=setting.email_kinds
    )


def _drop_pending_mail(session: Session, *, user_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.mail_pending.is_(True))
        .values(mail_pending=False)
    )


# --- writing --------------------------------------------------------------------------


_SPACES = re.compile(r"\s+")


def _shorten(text: str, length: int) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _check_site_path(url: str) -> None:
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        raise Invalid(_("A notification links to a page of this site."), code="invalid_url")


def notify(
    session: Session,
    *,
    recipient_id: int,
    kind: NotificationKind,
    actor_id: int | None,
    network_id: int | None,
    title: str,
    url: str,
    excerpt: str = "",
    topic_id: int | None = None,
    post_id: int | None = None,
) -> Notification | None:
    """Write one in-app notification for `recipient_id`, and mark it for mail per their settings.

    Writes nothing (returns None) when the recipient is the actor, or when a
    notification of the same kind for the same post already exists (a like taken
    back and given again notifies once). `url` must be a path on this site (Invalid
    otherwise); `title` and `excerpt` are plain text, shortened to fit. Whether a
    mail follows (at once or in a digest) is decided here from the recipient's
    settings; the mail job composes it after commit. Never commits.
    """
    if actor_id is not None and recipient_id == actor_id:
        return None
    kind = NotificationKind(kind)
    _check_site_path(url)
    if post_id is not None:
        duplicate = session.scalar(
            select(Notification.id).where(
                Notification.user_id == recipient_id,
                Notification.post_id == post_id,
                Notification.kind == kind,
            )
        )
        if duplicate is not None:
            return None
    setting = get_setting(session, user_id=recipient_id)
    notification = Notification(
        user_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        network_id=network_id,
        topic_id=topic_id,
        post_id=post_id,
        title=_shorten(title, TITLE_LENGTH),
        excerpt=_shorten(excerpt, EXCERPT_LENGTH),
        url=url,
        created_at=utcnow(),
        mail_pending=_wants_mail(setting, kind),
    )
    session.add(notification)
    return notification


def mark_read(session: Session, *, notification: Notification) -> None:
    """Mark a notification read (the policy checked it is the actor's); no mail will
    mention it any more."""
    if notification.read_at is None:
        notification.read_at = utcnow()
    notification.mail_pending = False


def mark_all_read(session: Session, *, actor_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; returns how many changed.

    One UPDATE: Notification objects already loaded in the session are not refreshed."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow(), mail_pending=False)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def mark_read_for_topic(
    session: Session, *, user_id: int, topic_id: int, up_to_post_id: int | None = None
) -> None:
    """Mark the member's notifications about a topic read, those up to `up_to_post_id` only
    when given (post ids grow with time, so that is what the member has seen).

    One UPDATE: Notification objects already loaded in the session are not refreshed."""
    condition = [
        Notification.user_id == user_id,
        Notification.topic_id == topic_id,
        Notification.read_at.is_(None),
    ]
    if up_to_post_id is not None:
        condition.append(or_(Notification.post_id.is_(None), Notification.post_id <= up_to_post_id))
    session.execute(
        update(Notification)
        .where(*condition)
        .values(read_at=utcnow(), mail_pending=False)
        .execution_options(synchronize_session=False)
    )


# --- reading --------------------------------------------------------------------------


def count_unread(session: Session, *, user_id: int) -> int:
    """One indexed COUNT: cheap enough for every page's header."""
    return session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def get_notification(session: Session, notification_id: int) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound()
    return notification


@dataclass(frozen=True)
class NotificationList:
    items: list[Notification]
    # The id to pass as `before_id` for the next, older page; None on the last page.
    next_before: int | None


def list_notifications(
    session: Session,
    *,
    user_id: int,
    before_id: int | None = None,
    unread_only: bool = False,
    limit: int = PAGE_SIZE,
) -> NotificationList:
    """One page of the member's notifications with who caused them, newest first,
    older than `before_id`; one query."""
    query = (
        select(Notification)
        .options(joinedload(Notification.actor))
        .where(Notification.user_id == user_id)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    items = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    if len(items) > limit:
        return NotificationList(items[:limit], items[limit - 1].id)
    return NotificationList(items, None)


def withdraw_pending_mail(session: Session, *, post_id: int | None, topic_id: int | None) -> None:
    """Take notifications about a post (or a whole topic) out of mails not yet sent, when
    moderation hides it: a digest must not carry its excerpt. Moderation notices stay."""
    about = []
    if post_id is not None:
        about.append(Notification.post_id == post_id)
    if topic_id is not None:
        about.append(Notification.topic_id == topic_id)
    session.execute(
        update(Notification)
        .where(
            or_(*about),
            Notification.mail_pending.is_(True),
            Notification.kind != NotificationKind.MODERATION,
        )
        .values(mail_pending=False)
        .execution_options(synchronize_session=False)
    )
