"""Checks on what members write, called by the forum's posting functions: slow mode,
watched words, and the first posts of new members held for approval.

The network's staff are exempt: they are the ones who review. Nothing here queues search
work: the posting function that calls it queues the post (and its topic) afterwards.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Invalid, RateLimited
from app.forum.models import Post, Topic
from app.i18n import _
from app.moderation import log
from app.moderation.content_models import Flag, FlagReason, WatchedAction
from app.moderation.settings import get_settings
from app.moderation.watched import find_match
from app.networks.models import STAFF_ROLES, Membership, Network


@dataclass(frozen=True)
class Screening:
    """What to do with a post once written: hold it (with this reason), flag it (this word)."""

    hold_reason: str = ""
    flag_word: str = ""


def is_staff(session: Session, user: User, network_id: int) -> bool:
    if user.is_site_admin:
        return True
    role = session.scalar(
        select(Membership.role).where(
            Membership.network_id == network_id, Membership.user_id == user.id
        )
    )
    return role in STAFF_ROLES


def check_slow_mode(session: Session, *, actor: User, topic: Topic) -> None:
    """Raise RateLimited (slow_mode), naming the wait, when `actor` posted in `topic` too
    recently for its slow mode."""
    if not topic.slow_mode_minutes or is_staff(session, actor, topic.network_id):
        return
    last = session.scalar(
        select(func.max(Post.created_at)).where(Post.topic_id == topic.id, Post.user_id == actor.id)
    )
    if last is None:
        return
    ready_at = last + timedelta(minutes=topic.slow_mode_minutes)
    now = utcnow()
    if now >= ready_at:
        return
    wait = max(1, math.ceil((ready_at - now).total_seconds() / 60))
    raise RateLimited(
        _(
            "This topic is in slow mode: one post every %(n)s minutes. "
            "You may post again in %(wait)s minutes.",
            n=topic.slow_mode_minutes,
            wait=wait,
        ),
        code="slow_mode",
    )


def screen(
    session: Session, *, actor: User, network: Network, text: str, new_post: bool
) -> Screening:
    """Check `text` (a title and body) against the network's watched words, and a new post
    against the new-member hold. Raises Invalid (watched_word_blocked) naming a blocked word.
    """
    if is_staff(session, actor, network.id):
        return Screening()
    match = find_match(session, network.id, text)
    if match is not None and match.action == WatchedAction.BLOCK:
        raise Invalid(
            _(
                "Your message contains “%(word)s”, which this network does not accept. "
                "Please rephrase it.",
                word=match.word,
            ),
            code="watched_word_blocked",
            field="body",
        )
    hold_reason = ""
    if match is not None and match.action == WatchedAction.HOLD:
        hold_reason = _("Watched word: %(word)s", word=match.word)
    elif new_post and _is_new_member(session, actor, network):
        hold_reason = _("First posts of a new member")
    flag_word = match.word if match is not None and match.action == WatchedAction.FLAG else ""
    return Screening(hold_reason=hold_reason, flag_word=flag_word)


def _is_new_member(session: Session, actor: User, network: Network) -> bool:
    """Fewer published posts in the network than the new-member hold asks for."""
    hold = get_settings(session, network).new_member_hold
    if not hold:
        return False
    published = session.scalar(
        select(func.count(Post.id)).where(
            Post.network_id == network.id,
            Post.user_id == actor.id,
            Post.held.is_(False),
            Post.deleted_at.is_(None),
        )
    )
    return published < hold


def apply(session: Session, *, post: Post, screening: Screening) -> bool:
    """Hold or flag the written `post` as `screening` says; True when it is now held.
    A held first post hides its topic too. Logged with no actor (the system)."""
    topic = post.topic
    if screening.flag_word:
        session.add(
            Flag(
                network_id=post.network_id,
                post_id=post.id,
                user_id=None,
                reason=FlagReason.WATCHED_WORD,
                text=screening.flag_word,
                created_at=utcnow(),
            )
        )
        _log(session, post, "post.auto_flag", screening.flag_word)
    if not screening.hold_reason:
        return post.held
    now = utcnow()
    post.hidden_at = now
    post.held = True
    post.hidden_by_id = None
    post.hidden_reason = screening.hold_reason
    if post.post_number == 1:
        topic.hidden_at = now
    _log(session, post, "post.hold", screening.hold_reason)
    return True


def _log(session: Session, post: Post, action: str, reason: str) -> None:
    log.record(
        session,
        network=post.topic.network,
        actor=None,
        action=action,
        target_kind="post",
        target_id=post.id,
        target_label=f"{post.topic.title} #{post.post_number}",
        reason=reason,
    )
