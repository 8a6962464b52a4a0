"""HTML routes for sanctions and staff notes, and the moderation panel on a profile.

Staff act from the member's profile (each network they both belong to has a panel);
every form posts here and comes back to the panel.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app import policy
from app.accounts import service as accounts_service
from app.accounts.models import User
from app.db import utcnow
from app.errors import NotAuthenticated, NotFound
from app.i18n import _
from app.moderation import notes, sanctions
from app.moderation.sanction_models import MemberNote, MemberSanction, SanctionKind
from app.moderation.sanction_schemas import AccountSuspensionForm, LiftForm, NoteForm, SanctionForm
from app.networks import service as networks_service
from app.networks.models import Membership, Network
from app.policy import Action, Principal
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import apply_change, flash, redirect, render

router = APIRouter()


@dataclass(frozen=True)
class MemberPanel:
    """What staff of one network see of a member on their profile."""

    network: Network
    membership: Membership
    in_force: list[MemberSanction]
    history: list[MemberSanction]
    notes: list[MemberNote]


@dataclass(frozen=True)
class AccountPanel:
    """What a site admin sees of an account: its site-wide suspension."""

    in_force: MemberSanction | None
    history: list[MemberSanction]


def profile_panels(db: Session, viewer: Principal, person: User) -> dict:
    """The moderation panels of `person`'s profile for `viewer` (none for most viewers)."""
    now = utcnow()
    panels = []
    for network in networks_service.list_user_networks(db, person):
        if not policy.can(viewer, Action.MEMBER_SANCTION, network):
            continue
        history = sanctions.list_for_member(db, user=person, network=network)
        panels.append(
            MemberPanel(
                network=network,
                membership=networks_service.get_membership(db, network, person),
                in_force=[s for s in history if s.network_id == network.id and s.in_force(now)],
                history=[s for s in history if s.network_id == network.id],
                notes=notes.list_notes(db, network=network, user=person),
            )
        )
    account = None
    if policy.can(viewer, Action.ACCOUNT_SUSPEND):
        history = sanctions.list_for_member(db, user=person, network=None)
        history = [s for s in history if s.network_id is None]
        account = AccountPanel(
            in_force=next((s for s in history if s.in_force(now)), None), history=history
        )
    return {"moderation_panels": panels, "account_panel": account}


def _panel_url(request: Request, person: User, network: Network | None) -> str:
    anchor = f"#moderation-{network.slug}" if network else "#moderation-account"
    return str(request.app.url_path_for("profile", username=person.username)) + anchor


def _network_path(request: Request, network: Network) -> str:
    return str(request.app.url_path_for("network_standing", slug=network.slug))


def _first_error(form: FormResult) -> str:
    return next(iter(form.errors.values()), _("Some of what was sent is not valid."))


def _load(db: Session, viewer: Principal, slug: str, action: Action) -> Network:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, action, network)
    return network


@router.post("/n/{slug}/members/{username}/sanctions", name="member_sanction")
def member_sanction(
    request: Request,
    slug: str,
    username: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[SanctionForm], Depends(form_parser(SanctionForm))],
) -> Response:
    network = _load(db, viewer, slug, Action.MEMBER_SANCTION)
    member = accounts_service.get_user_by_username(db, username)
    if not form.ok:
        flash(request, _first_error(form), "error")
        return redirect(request, _panel_url(request, member, network))
    apply_change(
        request,
        db,
        lambda: sanctions.sanction_member(
            db,
            actor=viewer.user,
            network=network,
            member=member,
            kind=form.data.kind,
            until=form.data.until,
            reason=form.data.reason,
            network_url=_network_path(request, network),
        ),
        _("%(name)s is silenced; they have been told why.", name=member.display_name)
        if form.data.kind == SanctionKind.SILENCE
        else _("%(name)s is suspended; they have been told why.", name=member.display_name),
    )
    return redirect(request, _panel_url(request, member, network))


@router.post("/n/{slug}/sanctions/{sanction_id}/lift", name="member_sanction_lift")
def member_sanction_lift(
    request: Request,
    slug: str,
    sanction_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[LiftForm], Depends(form_parser(LiftForm))],
) -> Response:
    network = _load(db, viewer, slug, Action.MEMBER_SANCTION)
    sanction = sanctions.get_sanction(db, network=network, sanction_id=sanction_id)
    reason = form.data.reason if form.ok else ""
    apply_change(
        request,
        db,
        lambda: sanctions.lift_sanction(
            db,
            actor=viewer.user,
            sanction=sanction,
            reason=reason,
            network_url=_network_path(request, network),
        ),
        _("The sanction is lifted; %(name)s has been told.", name=sanction.user.display_name),
    )
    return redirect(request, _panel_url(request, sanction.user, network))


@router.post("/n/{slug}/members/{username}/notes", name="member_note_add")
def member_note_add(
    request: Request,
    slug: str,
    username: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[NoteForm], Depends(form_parser(NoteForm))],
) -> Response:
    network = _load(db, viewer, slug, Action.MEMBER_NOTE)
    member = accounts_service.get_user_by_username(db, username)
    if not form.ok:
        flash(request, _first_error(form), "error")
        return redirect(request, _panel_url(request, member, network))
    apply_change(
        request,
        db,
        lambda: notes.add_note(
            db, actor=viewer.user, network=network, user=member, body=form.data.body
        ),
        _("The note has been added."),
    )
    return redirect(request, _panel_url(request, member, network))


@router.post("/u/{username}/suspension", name="account_suspend")
def account_suspend(
    request: Request,
    username: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[AccountSuspensionForm], Depends(form_parser(AccountSuspensionForm))],
) -> Response:
    policy.require(viewer, Action.ACCOUNT_SUSPEND)
    person = accounts_service.get_user_by_username(db, username)
    if not form.ok:
        flash(request, _first_error(form), "error")
        return redirect(request, _panel_url(request, person, None))
    apply_change(
        request,
        db,
        lambda: sanctions.suspend_account(
            db, actor=viewer.user, user=person, until=form.data.until, reason=form.data.reason
        ),
        _("The account of %(name)s is suspended.", name=person.display_name),
    )
    return redirect(request, _panel_url(request, person, None))


@router.post("/u/{username}/suspension/{sanction_id}/lift", name="account_suspension_lift")
def account_suspension_lift(
    request: Request, username: str, sanction_id: int, db: DbSession, viewer: Viewer
) -> Response:
    policy.require(viewer, Action.ACCOUNT_SUSPEND)
    person = accounts_service.get_user_by_username(db, username)
    sanction = sanctions.get_sanction(db, network=None, sanction_id=sanction_id)
    if sanction.user_id != person.id:
        raise NotFound()
    apply_change(
        request,
        db,
        lambda: sanctions.lift_sanction(db, actor=viewer.user, sanction=sanction),
        _("The account of %(name)s is no longer suspended.", name=person.display_name),
    )
    return redirect(request, _panel_url(request, person, None))


@router.get("/n/{slug}/standing", name="network_standing")
def network_standing(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    """The signed-in person's standing in the network: suspended or silenced, until when, why."""
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_VIEW, network)
    if viewer.user is None:
        raise NotAuthenticated()
    seat = viewer.seats.get(network.id)
    return render(
        request,
        "moderation/member_standing.html",
        {
            "network": network,
            "suspended": viewer.suspended_from.get(network.id),
            "silenced": seat.silenced if seat else None,
        },
    )
