"""Members flag posts for staff review; enough flags hide the post until it is reviewed."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Invalid
from app.forum.models import Post
from app.i18n import _
from app.moderation.content_models import Flag, FlagReason
from app.moderation.notices import log_post
from app.moderation.settings import get_settings
from app.moderation.visibility import visibility_changed

TEXT_MAX = 500
MEMBER_REASONS = tuple(reason for reason in FlagReason if reason != FlagReason.WATCHED_WORD)


def reason_labels() -> dict[str, str]:
    return {
        FlagReason.OFF_TOPIC: _("Off topic"),
        FlagReason.INAPPROPRIATE: _("Inappropriate"),
        FlagReason.SPAM: _("Spam"),
        FlagReason.BREAKS_CHARTER: _("Breaks the charter"),
        FlagReason.OTHER: _("Something else"),
        FlagReason.WATCHED_WORD: _("Watched word"),
    }


def flag_post(session: Session, *, actor: User, post: Post, reason: str, text: str = "") -> Flag:
    """Record `actor`'s flag on `post`; when the network's threshold of open flags from
    distinct members is reached, hide the post until reviewed (logged with no actor).
    Assumes the policy allowed POST_FLAG. Raises Invalid for an unknown reason or a missing
    text with "other", Conflict (already_flagged) when the actor's earlier flag is open."""
    if reason not in MEMBER_REASONS:
        raise Invalid(_("Choose a reason."), code="invalid_reason", field="reason")
    text = " ".join(text.split())
    if reason == FlagReason.OTHER and not text:
        raise Invalid(_("Say what is wrong with this post."), field="text")
    if len(text) > TEXT_MAX:
        raise Invalid(_("At most %(n)s characters.", n=TEXT_MAX), field="text")
    open_flag = session.scalar(
        select(Flag.id).where(
            Flag.post_id == post.id, Flag.user_id == actor.id, Flag.resolved_at.is_(None)
        )
    )
    if open_flag is not None:
        raise Conflict(
            _("You have already flagged this post; the animators will review it."),
            code="already_flagged",
        )
    flag = Flag(
        network_id=post.network_id,
        post_id=post.id,
        user_id=actor.id,
        reason=FlagReason(reason),
        text=text,
        created_at=utcnow(),
    )
    session.add(flag)
    session.flush()  # counted just below
    label = reason_labels()[flag.reason]
    log_post(
        session,
        actor=actor,
        post=post,
        action="post.flag",
        reason=f"{label}: {text}" if text else label,
        flag=reason,
    )
    _hide_when_flagged_enough(session, post)
    return flag


def _hide_when_flagged_enough(session: Session, post: Post) -> None:
    threshold = get_settings(session, post.topic.network).flags_to_hide
    if not threshold or not post.is_visible:
        return
    flaggers = session.scalar(
        select(func.count(func.distinct(Flag.user_id))).where(
            Flag.post_id == post.id, Flag.resolved_at.is_(None), Flag.user_id.is_not(None)
        )
    )
    if flaggers < threshold:
        return
    reason = _("Hidden after %(n)s flags, until an animator reviews it.", n=flaggers)
    post.hidden_at = utcnow()
    post.hidden_by_id = None
    post.hidden_reason = reason
    visibility_changed(session, post)
    log_post(session, actor=None, post=post, action="post.auto_hide", reason=reason)


def resolve_flags(session: Session, *, post: Post, actor: User) -> int:
    """Close the post's open flags as reviewed by `actor`; returns how many were open."""
    result = session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def open_flags(session: Session, post_ids: list[int]) -> dict[int, list[Flag]]:
    """The open flags of each post, oldest first."""
    found: dict[int, list[Flag]] = {}
    if not post_ids:
        return found
    for flag in session.scalars(
        select(Flag)
        .where(Flag.post_id.in_(post_ids), Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)
    ):
        found.setdefault(flag.post_id, []).append(flag)
    return found
