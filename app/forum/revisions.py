"""A post's history: every revision, newest first, with what changed from the one before."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum.models import Post, PostRevision


@dataclass
class DiffLine:
    kind: str  # "added", "removed" or "same"
    text: str


@dataclass
class RevisionView:
    number: int
    title: str | None
    body_html: str
    comment: str
    created_at: datetime
    author_name: str | None
    changes: list[DiffLine]


def _diff(before: str, after: str) -> list[DiffLine]:
    lines = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        marker, text = line[:2], line[2:]
        if marker == "? ":
            continue
        kind = {"+ ": "added", "- ": "removed"}.get(marker, "same")
        lines.append(DiffLine(kind, text))
    return lines


def list_revisions(session: Session, post: Post) -> list[RevisionView]:
    """Every revision of `post`, newest first; revision 1 shows its whole text as added."""
    rows = session.execute(
        select(
            PostRevision.number,
            PostRevision.title,
            PostRevision.body,
            PostRevision.body_html,
            PostRevision.comment,
            PostRevision.created_at,
            User.display_name,
        )
        .outerjoin(User, User.id == PostRevision.user_id)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.number)
    ).all()
    views = []
    previous_body, previous_title = "", None
    for number, title, body, body_html, comment, created_at, author in rows:
        changes = _diff(previous_body, body)
        if title is not None and previous_title is not None and title != previous_title:
            changes = [DiffLine("removed", previous_title), DiffLine("added", title), *changes]
        views.append(RevisionView(number, title, body_html, comment, created_at, author, changes))
        previous_body, previous_title = body, title
    return list(reversed(views))
