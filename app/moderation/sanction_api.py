"""The JSON API for member sanctions and staff notes, under /api/v1.

Errors are JSON `{"error": {"code", "message"}}` with stable codes: `not_found`,
`forbidden`, `not_authenticated`, `invalid`, `not_a_member`, `member_is_staff`,
`own_account`, `not_in_force`, `account_suspended`, `rate_limited`.
"""

from fastapi import APIRouter, Request, Security

from app import policy
from app.accounts import service as accounts_service
from app.moderation import notes, sanctions
from app.moderation.sanction_models import SanctionKind
from app.moderation.sanction_schemas import LiftIn, NoteIn, NoteOut, SanctionIn, SanctionOut
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.deps import DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["moderation: members"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 403, 404, 429),
)


def _network(db, viewer: Principal, slug: str, action: Action = Action.MEMBER_SANCTION) -> Network:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, action, network)
    return network


def _standing_path(request: Request, network: Network) -> str:
    return str(request.app.url_path_for("network_standing", slug=network.slug))


@router.get("/networks/{slug}/sanctions", response_model=list[SanctionOut])
def list_sanctions(slug: str, db: DbSession, viewer: Viewer) -> list[SanctionOut]:
    """The network's sanctions in force, ending soonest first (staff only)."""
    network = _network(db, viewer, slug)
    return [SanctionOut.of(sanction) for sanction in sanctions.list_in_force(db, network=network)]


def _sanction(request, slug, username, body: SanctionIn, db, viewer, kind) -> SanctionOut:
    network = _network(db, viewer, slug)
    member = accounts_service.get_user_by_username(db, username)
    sanction = sanctions.sanction_member(
        db,
        actor=viewer.user,
        network=network,
        member=member,
        kind=kind,
        until=body.until,
        reason=body.reason,
        network_url=_standing_path(request, network),
    )
    db.commit()
    return SanctionOut.of(sanction)


@router.post(
    "/networks/{slug}/members/{username}/silence",
    response_model=SanctionOut,
    status_code=201,
    responses=api_error_responses(409, 422),
)
def silence_member(
    request: Request, slug: str, username: str, body: SanctionIn, db: DbSession, viewer: Viewer
) -> SanctionOut:
    """Silence a member until `until`: they may read but not post. They are told why."""
    return _sanction(request, slug, username, body, db, viewer, SanctionKind.SILENCE)


@router.post(
    "/networks/{slug}/members/{username}/suspend",
    response_model=SanctionOut,
    status_code=201,
    responses=api_error_responses(409, 422),
)
def suspend_member(
    request: Request, slug: str, username: str, body: SanctionIn, db: DbSession, viewer: Viewer
) -> SanctionOut:
    """Suspend a member from the network until `until`: meanwhile they are treated as a
    non-member. They are told why."""
    return _sanction(request, slug, username, body, db, viewer, SanctionKind.SUSPEND)


@router.post(
    "/networks/{slug}/sanctions/{sanction_id}/lift",
    response_model=SanctionOut,
    responses=api_error_responses(409, 422),
)
def lift_sanction(
    request: Request, slug: str, sanction_id: int, body: LiftIn, db: DbSession, viewer: Viewer
) -> SanctionOut:
    """End a sanction now; the member is told."""
    network = _network(db, viewer, slug)
    sanction = sanctions.get_sanction(db, network=network, sanction_id=sanction_id)
    sanctions.lift_sanction(
        db,
        actor=viewer.user,
        sanction=sanction,
        reason=body.reason,
        network_url=_standing_path(request, network),
    )
    db.commit()
    return SanctionOut.of(sanction)


@router.get("/networks/{slug}/members/{username}/notes", response_model=list[NoteOut])
def list_notes(slug: str, username: str, db: DbSession, viewer: Viewer) -> list[NoteOut]:
    """The staff notes on a member, newest first (staff only)."""
    network = _network(db, viewer, slug, Action.MEMBER_NOTE)
    member = accounts_service.get_user_by_username(db, username)
    return [NoteOut.of(note) for note in notes.list_notes(db, network=network, user=member)]


@router.post(
    "/networks/{slug}/members/{username}/notes",
    response_model=NoteOut,
    status_code=201,
    responses=api_error_responses(422),
)
def add_note(slug: str, username: str, body: NoteIn, db: DbSession, viewer: Viewer) -> NoteOut:
    """Add a staff note on a member; never shown to them."""
    network = _network(db, viewer, slug, Action.MEMBER_NOTE)
    member = accounts_service.get_user_by_username(db, username)
    note = notes.add_note(db, actor=viewer.user, network=network, user=member, body=body.body)
    db.commit()
    return NoteOut.of(note)
