"""JSON routes about the person calling: who they are and where they belong."""

from fastapi import APIRouter, Security

from app.accounts.schemas import MembershipOut, MeOut
from app.networks import service as networks_service
from app.notifications import service as notifications_service
from app.web.deps import CurrentUser, DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["account"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 422, 429),
)


@router.get("/me", response_model=MeOut)
def me(db: DbSession, viewer: Viewer, user: CurrentUser) -> MeOut:
    """The member the API key (or session) belongs to, with their networks and roles."""
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        trade=user.trade,
        organisation=user.organisation,
        region=user.region,
        bio=user.bio,
        skills=[skill.label for skill in user.skills],
        networks=[
            MembershipOut(slug=network.slug, name=network.name, role=viewer.seats[network.id].role)
            for network in networks_service.list_user_networks(db, user)
        ],
        unread_notifications=notifications_service.count_unread(db, user_id=user.id),
    )
