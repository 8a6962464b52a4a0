"""Inputs of the notification forms and the shapes of the notification API."""

from datetime import datetime

from pydantic import BaseModel

from app.notifications.models import EmailMode, Notification, NotificationKind


class NotificationSettingsEdit(BaseModel):
    email_mode: EmailMode
    email_kinds: list[NotificationKind] = []


class NotificationOut(BaseModel):
    id: int
    kind: NotificationKind
    title: str
    excerpt: str
    url: str
    actor_name: str | None
    network_id: int | None
    topic_id: int | None
    post_id: int | None
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> "NotificationOut":
        return cls(
            id=notification.id,
            kind=notification.kind,
            title=notification.title,
            excerpt=notification.excerpt,
            url=notification.url,
            actor_name=notification.actor.display_name if notification.actor else None,
            network_id=notification.network_id,
            topic_id=notification.topic_id,
            post_id=notification.post_id,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    unread_count: int
    # Pass as `before` to get the next, older page; null on the last page.
    next_before: int | None


class MarkedRead(BaseModel):
    marked: int
    unread_count: int
