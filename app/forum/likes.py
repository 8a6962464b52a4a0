"""Likes on posts, with the counts kept on the post and its topic."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import Conflict, Invalid
from app.forum.models import Post, PostLike, Topic
from app.forum.notifying import notify_like
from app.i18n import _


def has_liked(session: Session, *, user: User, post: Post) -> bool:
    return session.get(PostLike, (post.id, user.id)) is not None


def like_post(session: Session, *, actor: User, post: Post) -> Post:
    """Add the actor's like and notify the author. Assumes the policy allowed POST_LIKE.

    Raises Invalid for one's own post, Conflict (already_liked) for a second like.
    """
    if post.user_id == actor.id:
        raise Invalid(_("You cannot like your own post."), code="own_post")
    if has_liked(session, user=actor, post=post):
        raise Conflict(_("You already like this post."), code="already_liked")
    session.add(PostLike(post_id=post.id, user_id=actor.id, network_id=post.network_id))
    post.like_count = Post.like_count + 1
    post.topic.like_count = Topic.like_count + 1
    session.flush()
    notify_like(session, post=post, actor=actor)
    return post


def unlike_post(session: Session, *, actor: User, post: Post) -> Post:
    """Take the actor's like back. Raises Conflict (not_liked) when there was none."""
    removed = session.execute(
        delete(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == actor.id)
    ).rowcount
    if not removed:
        raise Conflict(_("You do not like this post."), code="not_liked")
    post.like_count = Post.like_count - 1
    post.topic.like_count = Topic.like_count - 1
    session.flush()
    return post


def liked_post_ids(session: Session, *, user: User, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    return set(
        session.scalars(
            select(PostLike.post_id).where(
                PostLike.user_id == user.id, PostLike.post_id.in_(post_ids)
            )
        )
    )
