"""Pages and fragments from the same templates; the only code that reads htmx headers."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from sqlalchemy.orm import Session

from app import i18n
from app.errors import DomainError
from app.policy import ANONYMOUS, can
from app.web.csrf import csrf_token
from app.web.urls import url_for

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"
FLASH_KEY = "flash"


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def flash(request: Request, message: str, category: str = "success") -> None:
    """Keep a message for the next page this browser shows."""
    request.session.setdefault(FLASH_KEY, [])
    request.session[FLASH_KEY] = [*request.session[FLASH_KEY], [category, message]]


def apply_change(request: Request, db: Session, change: Callable[[], object], done: str) -> bool:
    """Make `change` in the request's transaction, then commit and flash `done`; when the
    domain refuses it, roll back and flash why. Returns whether the change was made."""
    try:
        change()
    except DomainError as error:
        db.rollback()
        flash(request, error.message, "error")
        return False
    db.commit()
    flash(request, done)
    return True


def _page_context(request: Request) -> dict:
    principal = getattr(request.state, "principal", ANONYMOUS)
    settings = request.app.state.settings
    return {
        "principal": principal,
        "current_user": principal.user,
        "csrf_token": csrf_token(request),
        # Only a full page shows flashes: a fragment (a polled counter) must not use them up.
        "flashes": [] if is_htmx(request) else request.session.pop(FLASH_KEY, []),
        # Counted with the principal in web/deps.py, for the header.
        "unread_notifications": getattr(request.state, "unread_notifications", 0),
        "moderation_waiting": getattr(request.state, "moderation_waiting", None),
        # Open, unassigned requests in the networks the person staffs (web/deps.py).
        "inbox_waiting": getattr(request.state, "inbox_waiting", 0),
        "language": i18n.get_language(),
        "languages": i18n.LANGUAGES,
        "site_timezone": settings.timezone,
        "can": lambda action, obj=None: can(principal, action, obj),
    }


def _format_datetime(value: datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    return _formatted_datetime(value, style, i18n.get_locale())


# Babel takes some 50 µs a date; a list page shows dozens, the same from one view to the next.
@lru_cache(maxsize=20_000)
def _formatted_datetime(value: datetime, style: str, locale) -> str:
    return format_datetime(value, style, tzinfo=ZoneInfo("Europe/Paris"), locale=locale)


def _format_date(value: datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo("Europe/Paris"))
    return format_date(local, style, locale=i18n.get_locale())


def _time_tag(value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(
        value.isoformat(), _format_datetime(value, "short")
    )


templates = Jinja2Blocks(directory=str(TEMPLATE_DIR), context_processors=[_page_context])
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
templates.env.filters["datetime"] = _format_datetime
templates.env.filters["date"] = _format_date
templates.env.filters["time_tag"] = _time_tag
templates.env.globals["url_for"] = url_for


def render(
    request: Request,
    template: str,
    context: dict | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """The full page, or only `block` of it when htmx asked for a fragment."""
    block_name = block if block and is_htmx(request) else None
    response = templates.TemplateResponse(
        request, template, dict(context or {}), status_code=status_code, block_name=block_name
    )
    response.headers["Vary"] = "HX-Request"
    return response


def redirect(request: Request, url: str) -> Response:
    """After a successful POST: 303 for a browser form, HX-Redirect for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url, "Vary": "HX-Request"})
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})
