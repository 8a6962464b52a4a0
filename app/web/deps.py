"""Request dependencies: the database session and the person acting."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import api_keys
from app.accounts.models import User
from app.config import Settings
from app.errors import DomainError, NotAuthenticated
from app.i18n import _
from app.inbox import service as inbox_service
from app.moderation import queue, sanctions
from app.networks.models import Membership
from app.notifications import service as notifications_service
from app.policy import ANONYMOUS, NetworkSeat, Principal
from app.storage import FileStorage
from app.web.csrf import API_PREFIX, uses_api_key

SESSION_USER_KEY = "uid"
SESSION_AUTH_VERSION_KEY = "av"

# Declared on the API routers so OpenAPI documents the bearer key; authentication
# itself happens in load_principal, for every route alike.
api_key_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="A key created on your account page: `Authorization: Bearer mlg_...`.",
)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"

def get_storage(request: Request) -> FileStorage:
    return request.app.state.storage


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; the route commits once, anything else is rolled back."""
    session = request.app.state.db.sessions()
    try:
        yield session
    finally:
        session.close()


def _principal_for(session: Session, user: User) -> Principal:
    """The person with their seats, as the sanctions in force leave them: silenced seats
    say so, suspended ones are left out. Raises AccountSuspended for a suspended account."""
    standing = sanctions.load_standing(session, user_id=user.id)
    if standing.account is not None:
        raise sanctions.account_refusal(standing.account)
    rows = session.execute(
        select(Membership.network_id, Membership.role, Membership.charter_accepted_number).where(
            Membership.user_id == user.id
        )
    )
    seats = {
        row.network_id: NetworkSeat(
            row.role, row.charter_accepted_number, standing.silenced.get(row.network_id)
        )
        for row in rows
        if row.network_id not in standing.suspended
    }
    return Principal(user=user, seats=seats, suspended_from=standing.suspended)


def _principal_from_api_key(request: Request, session: Session) -> Principal:
    """The key's owner. A key works only on the API: it never stands in for a browser
    session on a page or form, and the cookie is ignored when a key is sent."""
    if not request.url.path.startswith(API_PREFIX):
        raise api_keys.InvalidApiKey(_("API keys are accepted only by the API under /api/v1."))
    presented = request.headers["authorization"].partition(" ")[2]
    try:
        user = api_keys.authenticate(
            session,
            presented=presented,
            address=client_address(request),
            failures_per_address=request.app.state.settings.api_key_failures_per_address,
        )
    finally:
        session.commit()  # the failure count, or the key's last use
    return _principal_for(session, user)


def _principal_from_session(request: Request, session: Session) -> Principal:
    user_id = request.session.get(SESSION_USER_KEY)
    if user_id is None:
        return ANONYMOUS
    user = session.get(User, user_id)
    if user is None or user.auth_version != request.session.get(SESSION_AUTH_VERSION_KEY):
        request.session.clear()
        return ANONYMOUS
    try:
        principal = _principal_for(session, user)
    except sanctions.AccountSuspended:
        request.session.clear()  # a suspension ends the sessions already open
        return ANONYMOUS
    # For the header of every page; one indexed COUNT, as cheap as the seats above.
    request.state.unread_notifications = notifications_service.count_unread(
        session, user_id=user.id
    )
    # The review queue's count, for staff only (None hides the header's link).
    if queue.moderated_network_ids(principal) != []:
        request.state.moderation_waiting = queue.count_for(session, principal)
    request.state.inbox_waiting = inbox_service.count_waiting_for(session, principal)
    return principal


def load_principal(request: Request, session: Session) -> Principal:
    """The person acting (by API key or session cookie) with their memberships, or ANONYMOUS;
    cached on the request. Raises InvalidApiKey or RateLimited for a bad key."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if uses_api_key(request):
        try:
            principal = _principal_from_api_key(request, session)
        except DomainError:
            request.state.principal = ANONYMOUS  # the error page must not try the key again
            raise
    else:
        principal = _principal_from_session(request, session)
    request.state.principal = principal
    return principal


def get_principal(request: Request, session: Annotated[Session, Depends(get_db)]) -> Principal:
    return load_principal(request, session)


def require_user(principal: Annotated[Principal, Depends(get_principal)]) -> User:
    if principal.user is None:
        raise NotAuthenticated()
    return principal.user


DbSession = Annotated[Session, Depends(get_db)]
Viewer = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(require_user)]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppStorage = Annotated[FileStorage, Depends(get_storage)]
