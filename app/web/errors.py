"""Every error becomes a page in the site's layout or a JSON error with a stable code."""

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import DomainError, NotAuthenticated
from app.i18n import _
from app.web.deps import load_principal
from app.web.render import render

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict] | None = None


class ErrorBody(BaseModel):
    """What every API error looks like; `code` is stable, `message` is for people."""

    error: ErrorDetail


# OpenAPI descriptions are English, like the rest of the API documentation.
API_ERROR_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in, or an invalid or revoked API key (code invalid_api_key)",
    403: "Not allowed",
    404: "Not found, or not visible to you",
    409: "Conflict",
    422: "Invalid input",
    429: "Too many attempts",
}


def api_error_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI documentation of the error answers of API routes (`responses=`)."""
    return {
        status: {"model": ErrorBody, "description": API_ERROR_DESCRIPTIONS[status]}
        for status in statuses
    }


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Sign-in needed"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        413: _("Too large"),
        422: _("Invalid input"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def _default_messages() -> dict[int, str]:
    return {
        401: _("Please sign in to continue."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This address does not accept this kind of request."),
        422: _("Some of what was sent is not valid."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("An unexpected error happened. It has been logged; please try again later."),
    }


def error_response(
    request: Request, status: int, code: str, message: str = "", details: list | None = None
) -> Response:
    message = message or _default_messages().get(status, "")
    if wants_json(request):
        body = {"error": {"code": code, "message": message}}
        if details:
            body["error"]["details"] = details
        return JSONResponse(body, status_code=status)
    db = getattr(request.app.state, "db", None)
    if db is not None and getattr(request.state, "principal", None) is None:
        try:
            with db.session() as session:
                load_principal(request, session)
        except Exception:  # an error page must render even when the database is down
            log.exception("could not load the person for an error page")
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": _titles().get(status, _("Error")), "message": message},
        status_code=status,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        if (
            isinstance(error, NotAuthenticated)
            and not wants_json(request)
            and request.method == "GET"
        ):
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return error_response(request, error.status_code, error.code, error.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        message = error.detail if error.status_code not in (404, 405) else ""
        if message in ("Not Found", "Method Not Allowed"):
            message = ""
        return error_response(
            request, error.status_code, codes.get(error.status_code, "http_error"), str(message or "")
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        details = [
            {"field": ".".join(str(part) for part in item["loc"][1:]), "message": item["msg"]}
            for item in error.errors()
        ]
        return error_response(request, 422, "invalid", details=details)

    # Innermost, so the 500 page goes out through the session, language and security
    # headers middleware. (Starlette calls an `Exception` handler from its outermost
    # layer, outside all of them: the page would lose its Content-Security-Policy.)
    app.user_middleware.append(Middleware(UnexpectedErrorMiddleware))


class UnexpectedErrorMiddleware:
    """Turns an error no handler took into the 500 page, logged, with no traceback shown."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            if started:  # too late for an error page: the server closes the connection
                raise
            request = Request(scope, receive)
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            # The failed request's session is gone, and with it what its objects could load:
            # the error page loads the person again.
            request.state.principal = None
            await error_response(request, 500, "internal_error")(scope, receive, send)
