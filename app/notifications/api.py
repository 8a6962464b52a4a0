"""JSON routes: the member's notifications, read through the same service as the pages."""

from typing import Annotated

from fastapi import APIRouter, Query, Security

from app import policy
from app.notifications import service
from app.notifications.mailing import NOTIFICATIONS_PATH
from app.notifications.schemas import MarkedRead, NotificationOut, NotificationPage
from app.policy import Action
from app.web.deps import CurrentUser, DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["notifications"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 422, 429),
)


@router.get(NOTIFICATIONS_PATH, response_model=NotificationPage)
def list_notifications(
    db: DbSession,
    user: CurrentUser,
    before: Annotated[int | None, Query(ge=1, description="Only those older than this id.")] = None,
    unread: Annotated[bool, Query(description="Only unread notifications.")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = service.PAGE_SIZE,
) -> NotificationPage:
    """Your notifications, newest first, with your unread count."""
    page = service.list_notifications(
        db, user_id=user.id, before_id=before, unread_only=unread, limit=limit
    )
    return NotificationPage(
        items=[NotificationOut.of(notification) for notification in page.items],
        unread_count=service.count_unread(db, user_id=user.id),
        next_before=page.next_before,
    )


@router.post(
    NOTIFICATIONS_PATH + "/{notification_id}/read",
    response_model=NotificationOut,
    responses=api_error_responses(404),
)
def mark_notification_read(
    notification_id: int, db: DbSession, viewer: Viewer, user: CurrentUser
) -> NotificationOut:
    """Mark one of your notifications read. Another member's notification is 404."""
    notification = service.get_notification(db, notification_id)
    policy.require(viewer, Action.NOTIFICATION_VIEW, notification)
    service.mark_read(db, notification=notification)
    db.commit()
    return NotificationOut.of(notification)


@router.post(NOTIFICATIONS_PATH + "/read-all", response_model=MarkedRead)
def mark_all_notifications_read(db: DbSession, user: CurrentUser) -> MarkedRead:
    """Mark all your notifications read."""
    marked = service.mark_all_read(db, actor_id=user.id)
    db.commit()
    return MarkedRead(marked=marked, unread_count=0)
