"""Drafts: what a member is writing, saved as they type and restored when they come back.

A draft's key names the form it belongs to: a new topic or a new private message in
a network, or a reply in a topic. One draft per member and key.
"""

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Invalid
from app.forum.models import Draft
from app.i18n import _


class DraftKind(enum.StrEnum):
    TOPIC = "topic"  # a new topic in a network (keyed by the network's slug)
    MESSAGE = "message"  # a new private message in a network (keyed by the network's slug)
    REPLY = "reply"  # a reply in a topic (keyed by the topic's id)


def key_for_new_topic(network_slug: str) -> str:
    return f"{DraftKind.TOPIC}:{network_slug}"


def key_for_message(network_slug: str) -> str:
    return f"{DraftKind.MESSAGE}:{network_slug}"


def key_for_reply(topic_id: int) -> str:
    return f"{DraftKind.REPLY}:{topic_id}"


def parse_key(key: str) -> tuple[DraftKind, str]:
    """The form a draft key names, and the network slug or topic id it points to."""
    kind, _sep, target = key.partition(":")
    if kind not in list(DraftKind) or not target:
        raise Invalid(_("This draft belongs to no form."), field="key")
    if kind == DraftKind.REPLY and not target.isdigit():
        raise Invalid(_("This draft belongs to no form."), field="key")
    return DraftKind(kind), target


def get_draft(session: Session, *, actor: User, key: str) -> Draft | None:
    return session.scalar(select(Draft).where(Draft.user_id == actor.id, Draft.key == key))


def save_draft(
    session: Session,
    *,
    actor: User,
    network_id: int,
    key: str,
    title: str = "",
    body: str = "",
    reply_to_post_id: int | None = None,
) -> Draft | None:
    """Keep the member's text for `key`; an empty draft is removed instead (returns None).

    Assumes the caller checked the member may write where `key` points.
    """
    draft = get_draft(session, actor=actor, key=key)
    if not title.strip() and not body.strip():
        if draft is not None:
            session.delete(draft)
        return None
    if draft is None:
        draft = Draft(user_id=actor.id, network_id=network_id, key=key)
        session.add(draft)
    elif draft.network_id != network_id:
        raise Invalid(_("This draft belongs elsewhere."))
    draft.title = title
    draft.body = body
    draft.reply_to_post_id = reply_to_post_id
    draft.updated_at = utcnow()
    return draft


def discard_draft(session: Session, *, actor: User, key: str) -> None:
    draft = get_draft(session, actor=actor, key=key)
    if draft is not None:
        session.delete(draft)
