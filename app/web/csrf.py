"""CSRF protection: a per-session token checked on every state-changing request.

Forms carry it as `csrf_token`, htmx sends it as the `X-CSRF-Token` header (set
once on <body> with hx-headers). Requests authenticated by an API key carry no
cookie, so they cannot be forged from another site and need no token. Nor do
routes marked `@signed_link_route`: their URL holds a token signed by the site,
which is itself the proof that the request comes from the person it was sent to.
"""

import hmac
import secrets

from fastapi import Request

from app.errors import Forbidden
from app.i18n import _

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


API_PREFIX = "/api/"


def uses_api_key(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def _is_api_key_request(request: Request) -> bool:
    # Keys authenticate the API only (web/deps.py): elsewhere the header excuses nothing.
    return uses_api_key(request) and request.url.path.startswith(API_PREFIX)


def signed_link_route(endpoint):
    """Mark a route whose URL carries a signed token (one-click unsubscribe from a mail).

    Its handler must verify that token before changing anything; the session is not used.
    """
    endpoint.signed_link_route = True
    return endpoint


def _is_signed_link_route(request: Request) -> bool:
    return getattr(request.scope.get("endpoint"), "signed_link_route", False)


def streams_own_body(endpoint):
    """Mark a route that reads its body as a stream (uploads): it calls `check_token` itself,
    because reading the form here would take the whole body first."""
    endpoint.streams_own_body = True
    return endpoint


async def verify_csrf(request: Request) -> None:
    if (
        request.method in SAFE_METHODS
        or _is_api_key_request(request)
        or _is_signed_link_route(request)
    ):
        return
    if getattr(request.scope.get("endpoint"), "streams_own_body", False):
        return  # it calls check_token itself
    given = request.headers.get(HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = (await request.form()).get(FORM_FIELD)
    check_token(request, given)


def check_token(request: Request, given: object) -> None:
    """Raise Forbidden unless `given` is this session's token (API-key requests need none)."""
    if _is_api_key_request(request):
        return
    expected = request.session.get(SESSION_KEY)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise Forbidden(
            _("This form has expired or was not sent from Maillage. Reload the page and try again."),
            code="csrf_failed",
        )
