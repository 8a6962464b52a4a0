"""Staff actions on one post: hide and restore, delete and restore, edit with a visible
reason, approve (publish a held post, dismiss its flags), warn the author.

Every function assumes the policy allowed MODERATE on the post's network, writes the log
in the caller's transaction, re-queues search (a first post hides or shows its whole
topic), and tells the author when their post is hidden, deleted, edited or warned about.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Invalid
from app.forum import posting
from app.forum.models import Post
from app.forum.notifying import notify_new_post
from app.i18n import _
from app.moderation.flags import resolve_flags
from app.moderation.notices import log_post, tell_author
from app.moderation.visibility import visibility_changed

REASON_MAX = 500


def check_reason(reason: str, *, required: bool = True) -> str:
    reason = " ".join(reason.split())
    if required and not reason:
        raise Invalid(_("Give a reason: the author and the log will show it."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_("A reason has at most %(n)s characters.", n=REASON_MAX), field="reason")
    return reason


def hide_post(session: Session, *, actor: User, post: Post, reason: str) -> Post:
    """Hide `post` from members (staff still see it, marked). Raises Conflict
    (already_hidden) for a post already hidden by staff, Invalid without a reason."""
    reason = check_reason(reason)
    if post.hidden_at is not None and post.hidden_by_id is not None and not post.held:
        raise Conflict(_("This post is already hidden."), code="already_hidden")
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id
    post.hidden_reason = reason
    post.held = False
    resolve_flags(session, post=post, actor=actor)
    visibility_changed(session, post)
    log_post(session, actor=actor, post=post, action="post.hide", reason=reason)
    tell_author(session, actor=actor, post=post, title=_("Your post was hidden"), reason=reason)
    return post


def restore_post(session: Session, *, actor: User, post: Post, reason: str = "") -> Post:
    """Show a hidden post again. Raises Conflict (not_hidden) when it is not hidden."""
    reason = check_reason(reason, required=False)
    if post.hidden_at is None:
        raise Conflict(_("This post is not hidden."), code="not_hidden")
    was_held = post.held
    post.hidden_at = None
    post.hidden_by_id = None
    post.hidden_reason = ""
    post.held = False
    resolve_flags(session, post=post, actor=actor)
    visibility_changed(session, post)
    log_post(session, actor=actor, post=post, action="post.restore", reason=reason)
    if was_held:
        _announce(session, post)
    return post


def delete_post(session: Session, *, actor: User, post: Post, reason: str) -> Post:
    """Soft-delete `post`: kept for staff, marked; gone for everyone else.
    Raises Conflict (already_deleted), Invalid without a reason."""
    reason = check_reason(reason)
    if post.deleted_at is not None:
        raise Conflict(_("This post is already deleted."), code="already_deleted")
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    post.deleted_reason = reason
    resolve_flags(session, post=post, actor=actor)
    visibility_changed(session, post)
    log_post(session, actor=actor, post=post, action="post.delete", reason=reason)
    tell_author(session, actor=actor, post=post, title=_("Your post was deleted"), reason=reason)
    return post


def undelete_post(session: Session, *, actor: User, post: Post, reason: str = "") -> Post:
    """Bring a deleted post back (hidden if it was hidden before). Raises Conflict (not_deleted)."""
    reason = check_reason(reason, required=False)
    if post.deleted_at is None:
        raise Conflict(_("This post is not deleted."), code="not_deleted")
    post.deleted_at = None
    post.deleted_by_id = None
    post.deleted_reason = ""
    visibility_changed(session, post)
    log_post(session, actor=actor, post=post, action="post.undelete", reason=reason)
    return post


def approve_post(session: Session, *, actor: User, post: Post, reason: str = "") -> Post:
    """Publish a held post, or one hidden by flags, and dismiss its open flags.
    Raises Conflict (nothing_to_approve) when the post waits for nothing."""
    reason = check_reason(reason, required=False)
    publish = post.held or (post.hidden_at is not None and post.hidden_by_id is None)
    flags = resolve_flags(session, post=post, actor=actor)
    if not publish and not flags:
        raise Conflict(_("This post waits for no review."), code="nothing_to_approve")
    was_held = post.held
    if publish:
        post.hidden_at = None
        post.hidden_reason = ""
        post.held = False
        visibility_changed(session, post)
    log_post(session, actor=actor, post=post, action="post.approve", reason=reason, flags=flags)
    if was_held:
        _announce(session, post)
    return post


def _announce(session: Session, post: Post) -> None:
    """A held post just published: notify as posting would have (replies, watchers)."""
    rendered = posting.render_body(session, post.body, topic_id=post.topic_id)
    reply_to = None
    if post.reply_to_post_number:
        reply_to = session.scalar(
            select(Post).where(
                Post.topic_id == post.topic_id, Post.post_number == post.reply_to_post_number
            )
        )
    notify_new_post(
        session, topic=post.topic, post=post, actor=post.user, rendered=rendered, reply_to=reply_to
    )


def edit_post(
    session: Session,
    *,
    actor: User,
    post: Post,
    body: str,
    reason: str,
    title: str | None = None,
    tags: list[str] | None = None,
) -> Post:
    """Replace the post's text as staff; the reason is shown on the post ("edited by
    staff: reason") and kept as the revision's comment. Raises Invalid, Conflict (unchanged)."""
    reason = check_reason(reason)
    posting.edit_post(
        session, actor=actor, post=post, body=body, title=title, tags=tags, comment=reason[:200]
    )
    post.staff_edit_reason = reason
    log_post(session, actor=actor, post=post, action="post.edit", reason=reason)
    tell_author(session, actor=actor, post=post, title=_("Your post was edited"), reason=reason)
    return post


def warn_author(session: Session, *, actor: User, post: Post, reason: str) -> Post:
    """Send the author a warning about `post`. Raises Invalid without a reason or author."""
    reason = check_reason(reason)
    if post.user_id is None:
        raise Invalid(_("This post has no author to warn any more."), code="no_author")
    log_post(session, actor=actor, post=post, action="post.warn", reason=reason)
    tell_author(
        session, actor=actor, post=post, title=_("A warning about your post"), reason=reason
    )
    return post
