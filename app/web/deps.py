"""Request dependencies: the database session and the person acting."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.config import Settings
from app.errors import NotAuthenticated
from app.networks.models import Membership
from app.policy import ANONYMOUS, NetworkSeat, Principal
from app.storage import FileStorage

SESSION_USER_KEY = "uid"
SESSION_AUTH_VERSION_KEY = "av"


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_storage(request: Request) -> FileStorage:
    return request.app.state.storage


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; the route commits once, anything else is rolled back."""
    session = request.app.state.db.sessions()
    try:
        yield session
    finally:
        session.close()


def load_principal(request: Request, session: Session) -> Principal:
    """The signed-in person with their memberships, or ANONYMOUS; cached on the request."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    user_id = request.session.get(SESSION_USER_KEY)
    if user_id is not None:
        user = session.get(User, user_id)
        if user is not None and user.auth_version == request.session.get(SESSION_AUTH_VERSION_KEY):
            rows = session.execute(
                select(
                    Membership.network_id, Membership.role, Membership.charter_accepted_number
                ).where(Membership.user_id == user.id)
            )
            seats = {row.network_id: NetworkSeat(row.role, row.charter_accepted_number) for row in rows}
            principal = Principal(user=user, seats=seats)
        else:
            request.session.clear()
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
