"""HTML routes: the notification list, the header count, email settings and unsubscribe."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import policy
from app.accounts import service as accounts_service
from app.i18n import _
from app.notifications import service
from app.notifications.mailing import (
    NOTIFICATIONS_PATH,
    SETTINGS_PATH,
    UNSUBSCRIBE_PATH,
    InvalidToken,
    read_unsubscribe_token,
)
from app.notifications.models import EmailMode
from app.notifications.schemas import NotificationSettingsEdit
from app.policy import Action
from app.web.csrf import signed_link_route
from app.web.deps import AppSettings, CurrentUser, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render

router = APIRouter()


@router.get(NOTIFICATIONS_PATH, name="notifications")
def notifications_page(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    before: Annotated[int | None, Query(ge=1)] = None,
    unread: bool = False,
) -> Response:
    page = service.list_notifications(db, user_id=user.id, before_id=before, unread_only=unread)
    context = {"page": page, "unread_only": unread, "kind_labels": service.kind_labels()}
    return render(request, "notifications/list.html", context, block="notification_list")


@router.get(NOTIFICATIONS_PATH + "/count", name="notifications_count")
def notifications_count(request: Request, viewer: Viewer) -> Response:
    """The header's unread count alone, polled by htmx; empty for someone signed out."""
    response = render(request, "notifications/_unread_count.html")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post(NOTIFICATIONS_PATH + "/{notification_id}/open", name="notification_open")
def notification_open(
    request: Request, notification_id: int, db: DbSession, viewer: Viewer
) -> Response:
    notification = service.get_notification(db, notification_id)
    policy.require(viewer, Action.NOTIFICATION_VIEW, notification)
    service.mark_read(db, notification=notification)
    db.commit()
    return redirect(request, notification.url)


@router.post(NOTIFICATIONS_PATH + "/read-all", name="notifications_read_all")
def notifications_read_all(request: Request, db: DbSession, user: CurrentUser) -> Response:
    marked = service.mark_all_read(db, actor_id=user.id)
    db.commit()
    if marked:
        flash(request, _("All your notifications are marked as read."))
    return redirect(request, request.app.url_path_for("notifications"))


def _settings_context(setting, form: FormResult | None = None) -> dict:
    values = {"email_mode": setting.email_mode.value}
    return {
        "form": form or FormResult(values=values),
        "chosen_kinds": set(setting.email_kinds),
        "setting": setting,
        "modes": [
            (EmailMode.OFF, _("Off"), _("No notification mail; you still see them here.")),
            (EmailMode.IMMEDIATE, _("At once"), _("One mail for each notification.")),
            (
                EmailMode.DAILY,
                _("Daily digest"),
                _("One mail a day, at 7:00, if anything happened."),
            ),
            (
                EmailMode.WEEKLY,
                _("Weekly digest"),
                _("One mail on Monday mornings, if anything happened."),
            ),
        ],
        "kinds": [(kind, label) for kind, label in service.kind_labels().items()],
    }


@router.get(SETTINGS_PATH, name="notification_settings")
def notification_settings_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    setting = service.get_setting(db, user_id=user.id)
    return render(request, "notifications/settings.html", _settings_context(setting))


@router.post(SETTINGS_PATH)
def notification_settings(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    form: Annotated[
        FormResult[NotificationSettingsEdit], Depends(form_parser(NotificationSettingsEdit))
    ],
) -> Response:
    if form.ok:
        service.update_setting(
            db, user_id=user.id, email_mode=form.data.email_mode, email_kinds=form.data.email_kinds
        )
        db.commit()
        flash(request, _("Your notification settings have been saved."))
        return redirect(request, request.app.url_path_for("notification_settings"))
    setting = service.get_setting(db, user_id=user.id)
    context = _settings_context(setting, form)
    return render(request, "notifications/settings.html", context, status_code=422)


@router.get(UNSUBSCRIBE_PATH, name="unsubscribe")
def unsubscribe_page(
    request: Request, token: str, db: DbSession, settings: AppSettings
) -> Response:
    """Confirm before unsubscribing: link scanners in mail systems follow every GET."""
    try:
        user_id = read_unsubscribe_token(settings.resolved_secret_key(), token)
    except InvalidToken as error:
        context = {"error": error.message}
        return render(request, "notifications/unsubscribe.html", context, status_code=400)
    member = accounts_service.get_user(db, user_id)
    return render(request, "notifications/unsubscribe.html", {"member": member, "token": token})


@router.post(UNSUBSCRIBE_PATH)
@signed_link_route
def unsubscribe(request: Request, token: str, db: DbSession, settings: AppSettings) -> Response:
    """The one-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click`
    here without cookies; the signed token is the proof, so no CSRF token is asked for."""
    user_id = read_unsubscribe_token(settings.resolved_secret_key(), token)
    accounts_service.get_user(db, user_id)
    service.unsubscribe(db, user_id=user_id)
    db.commit()
    return redirect(request, request.app.url_path_for("unsubscribed"))


@router.get(NOTIFICATIONS_PATH + "/unsubscribed", name="unsubscribed")
def unsubscribed_page(request: Request) -> Response:
    return render(request, "notifications/unsubscribed.html")
