"""HTML routes for networks: pages, settings, membership, roles, requests, invitations, charter."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app import policy
from app.accounts import service as accounts_service
from app.errors import DomainError, NotAuthenticated, NotFound
from app.forum import lists as forum_lists
from app.i18n import _
from app.inbox import service as inbox_service
from app.networks import charter, schemas, service
from app.networks.models import Network, RequestStatus, Role
from app.policy import Action
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render

router = APIRouter()
# The network's home shows this many of its latest topics.
HOME_TOPICS = 6


def network_url(request: Request, network: Network) -> str:
    return str(request.app.url_path_for("network", slug=network.slug))


def absolute(settings, path: str) -> str:
    return settings.base_url.rstrip("/") + path


@router.get("/", name="home")
def home(request: Request, db: DbSession, viewer: Viewer) -> Response:
    mine = service.list_user_networks(db, viewer.user) if viewer.user else []
    mine_ids = {n.id for n in mine}
    others = [n for n in service.list_networks(db) if n.id not in mine_ids]
    return render(request, "networks/home.html", {"my_networks": mine, "other_networks": others})


def _settings_form_context(db, network: Network | None, form: FormResult) -> dict:
    parents = [("", _("None"))] + [(n.slug, n.name) for n in service.list_networks(db)]
    return {"network": network, "form": form, "parent_options": parents}


@router.get("/networks/new", name="network_new")
def network_new(request: Request, db: DbSession, viewer: Viewer) -> Response:
    policy.require(viewer, Action.NETWORK_CREATE)
    form = FormResult(values={"membership_mode": "request", "content_visibility": "members"})
    return render(request, "networks/create.html", _settings_form_context(db, None, form))


@router.post("/networks", name="network_create")
def network_create(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.NetworkCreate], Depends(form_parser(schemas.NetworkCreate))],
) -> Response:
    policy.require(viewer, Action.NETWORK_CREATE)
    if form.ok:
        data = form.data
        try:
            pilot = accounts_service.get_user_by_username(db, data.pilot_username)
        except DomainError:
            form.errors["pilot_username"] = _("No account has this username.")
        parent = None
        if data.parent_slug:
            try:
                parent = service.get_network(db, data.parent_slug)
            except DomainError:
                form.errors["parent_slug"] = _("Choose one of the options.")
        if not form.errors:
            try:
                network = service.create_network(
                    db,
                    actor=viewer.user,
                    name=data.name,
                    slug=data.slug,
                    purpose=data.purpose,
                    membership_mode=data.membership_mode,
                    content_visibility=data.content_visibility,
                    pilot=pilot,
                    parent=parent,
                )
            except DomainError as error:
                form.add_error(error)
            else:
                db.commit()
                flash(request, _("The network %(name)s has been created.", name=network.name))
                return redirect(request, network_url(request, network))
    db.rollback()
    return render(request, "networks/create.html", _settings_form_context(db, None, form), status_code=422)


def _network_page(request: Request, db, viewer, network: Network) -> dict:
    membership = service.get_membership(db, network, viewer.user) if viewer.user else None
    return {
        "network": network,
        "membership": membership,
        "staff": service.list_staff(db, network),
        "member_count": service.count_members(db, network),
        "charter": charter.get_current_charter(db, network),
        "linked_networks": service.list_linked_networks(db, network),
        "children": service.list_children(db, network),
        "pending_request": service.get_pending_request(db, network, viewer.user) if viewer.user else None,
        "pending_request_count": (
            inbox_service.count_waiting(db, [network.id])
            if policy.can(viewer, Action.INBOX_MANAGE, network)
            else 0
        ),
        "can_read": policy.can(viewer, Action.NETWORK_READ, network),
        "latest_topics": (
            forum_lists.list_topics(db, viewer, [network], page_size=HOME_TOPICS).topics
            if policy.can(viewer, Action.NETWORK_READ, network)
            else []
        ),
        "request_form": FormResult(values={}),
    }


@router.get("/n/{slug}", name="network")
def network_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_VIEW, network)
    return render(request, "networks/network.html", _network_page(request, db, viewer, network))


@router.get("/n/{slug}/settings", name="network_settings")
def network_settings_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_EDIT, network)
    values = {
        "name": network.name,
        "purpose": network.purpose,
        "membership_mode": network.membership_mode.value,
        "content_visibility": network.content_visibility.value,
    }
    context = _settings_form_context(db, network, FormResult(values=values))
    context["linked_networks"] = service.list_linked_networks(db, network)
    return render(request, "networks/settings.html", context)


@router.post("/n/{slug}/settings")
def network_settings(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.NetworkSettings], Depends(form_parser(schemas.NetworkSettings))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_EDIT, network)
    if form.ok:
        service.update_network(db, network=network, **form.data.model_dump())
        db.commit()
        flash(request, _("The settings have been saved."))
        return redirect(request, network_url(request, network))
    context = _settings_form_context(db, network, form)
    context["linked_networks"] = service.list_linked_networks(db, network)
    return render(request, "networks/settings.html", context, status_code=422)


@router.post("/n/{slug}/links", name="network_link")
def network_link(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.LinkCreate], Depends(form_parser(schemas.LinkCreate))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_LINK, network)
    if form.ok:
        other = service.get_network(db, form.data.slug)
        service.link_networks(db, network=network, other=other)
        db.commit()
        flash(request, _("%(name)s is now a sister network.", name=other.name))
    return redirect(request, str(request.app.url_path_for("network_settings", slug=network.slug)))


@router.post("/n/{slug}/links/{other_slug}/delete", name="network_unlink")
def network_unlink(request: Request, slug: str, other_slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_LINK, network)
    other = service.get_network(db, other_slug)
    service.unlink_networks(db, network=network, other=other)
    db.commit()
    flash(request, _("The link with %(name)s has been removed.", name=other.name))
    return redirect(request, str(request.app.url_path_for("network_settings", slug=network.slug)))


@router.post("/n/{slug}/join", name="network_join")
def network_join(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_JOIN, network)
    service.join_network(db, actor=viewer.user, network=network)
    db.commit()
    flash(request, _("You are now a member of %(name)s.", name=network.name))
    return redirect(request, network_url(request, network))


@router.post("/n/{slug}/request", name="network_request")
def network_request(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.JoinRequestCreate], Depends(form_parser(schemas.JoinRequestCreate))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_REQUEST_JOIN, network)
    if form.ok:
        try:
            inbox_service.file_join_request(db, actor=viewer.user, network=network, message=form.data.message)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("Your request has been sent to the network's animators."))
            return redirect(request, network_url(request, network))
    context = _network_page(request, db, viewer, network)
    context["request_form"] = form
    return render(request, "networks/network.html", context, status_code=422)


@router.post("/n/{slug}/leave", name="network_leave")
def network_leave(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_LEAVE, network)
    service.leave_network(db, actor=viewer.user, network=network)
    db.commit()
    flash(request, _("You have left %(name)s.", name=network.name))
    return redirect(request, network_url(request, network))


@router.get("/n/{slug}/requests", name="join_requests")
def join_requests(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    """Join requests are handled in the network's inbox now, with every other request."""
    network = service.get_network(db, slug)
    policy.require(viewer, Action.JOIN_REQUEST_REVIEW, network)
    inbox_path = request.app.url_path_for("inbox", slug=network.slug)
    return RedirectResponse(f"{inbox_path}?kind=join", status_code=303)


@router.post("/n/{slug}/requests/{request_id}", name="join_request_decide")
def join_request_decide(
    request: Request,
    slug: str,
    request_id: int,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.JoinRequestDecision], Depends(form_parser(schemas.JoinRequestDecision))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.JOIN_REQUEST_REVIEW, network)
    join_request = service.get_join_request(db, network, request_id)
    if not form.ok:
        flash(request, _("Choose to accept or decline the request."), "error")
    else:
        inbox_service.decide_join(
            db,
            actor=viewer.user,
            request=inbox_service.get_request_for_join(db, join_request.id),
            join_request=join_request,
            decision=form.data.decision,
            message=form.data.message,
            network_url=absolute(settings, network_url(request, network)),
        )
        db.commit()
        if form.data.decision == RequestStatus.ACCEPTED:
            flash(request, _("%(name)s is now a member.", name=join_request.user.display_name))
        else:
            flash(request, _("The request of %(name)s has been declined.", name=join_request.user.display_name))
    return redirect(request, str(request.app.url_path_for("join_requests", slug=network.slug)))


@router.get("/n/{slug}/invitations", name="invitations")
def invitations_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_INVITE, network)
    return render(
        request,
        "networks/invitations.html",
        {"network": network, "form": FormResult(values={}), "invitations": service.list_open_invitations(db, network)},
    )


@router.post("/n/{slug}/invitations")
def invitations_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.InvitationCreate], Depends(form_parser(schemas.InvitationCreate))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_INVITE, network)
    if form.ok:
        service.invite(
            db,
            actor=viewer.user,
            network=network,
            email=form.data.email,
            accept_url=absolute(settings, "/invitations"),
            max_age_days=settings.invitation_max_age_days,
        )
        db.commit()
        flash(request, _("An invitation has been sent to %(email)s.", email=form.data.email))
        return redirect(request, str(request.app.url_path_for("invitations", slug=network.slug)))
    return render(
        request,
        "networks/invitations.html",
        {"network": network, "form": form, "invitations": service.list_open_invitations(db, network)},
        status_code=422,
    )


@router.get("/invitations/{token}", name="invitation")
def invitation_page(request: Request, token: str, db: DbSession, viewer: Viewer) -> Response:
    invitation = service.get_invitation(db, token)
    return render(request, "networks/invitation.html", {"invitation": invitation, "token": token})


@router.post("/invitations/{token}")
def invitation_accept(request: Request, token: str, db: DbSession, viewer: Viewer) -> Response:
    if viewer.user is None:
        raise NotAuthenticated()
    network = service.accept_invitation(db, actor=viewer.user, token=token).network
    db.commit()
    flash(request, _("You are now a member of %(name)s.", name=network.name))
    return redirect(request, network_url(request, network))


@router.get("/n/{slug}/members", name="directory")
def directory(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    filters: Annotated[schemas.DirectoryFilter, Depends()],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.DIRECTORY_VIEW, network)
    skills, regions = service.list_directory_facets(db, network)
    members = service.list_members(db, network, skill=filters.skill, region=filters.region, text=filters.q)
    return render(
        request,
        "networks/directory.html",
        {
            "network": network,
            "members": members,
            "skills": skills,
            "regions": regions,
            "filters": filters,
            "roles": list(Role),
        },
        block="results",
    )


@router.post("/n/{slug}/members/{username}/role", name="member_role")
def member_role(
    request: Request,
    slug: str,
    username: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.RoleChange], Depends(form_parser(schemas.RoleChange))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.ROLE_ASSIGN, network)
    member = accounts_service.get_user_by_username(db, username)
    membership = service.get_membership(db, network, member)
    if membership is None:
        raise NotFound()
    if form.ok:
        if Role.PILOT in (form.data.role, membership.role):
            policy.require(viewer, Action.ROLE_ASSIGN_PILOT, network)
        try:
            service.set_role(db, network=network, member=member, role=form.data.role)
        except DomainError as error:
            flash(request, error.message, "error")
        else:
            db.commit()
            flash(request, _("The role of %(name)s has been changed.", name=member.display_name))
    return redirect(request, str(request.app.url_path_for("directory", slug=network.slug)))


@router.get("/n/{slug}/charter", name="charter")
def charter_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_VIEW, network)
    membership = service.get_membership(db, network, viewer.user) if viewer.user else None
    return render(
        request,
        "networks/charter.html",
        {
            "network": network,
            "charter": charter.get_current_charter(db, network),
            "versions": charter.list_charter_versions(db, network),
            "membership": membership,
        },
    )


@router.get("/n/{slug}/charter/v/{number}", name="charter_version")
def charter_version_page(request: Request, slug: str, number: int, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_VIEW, network)
    return render(
        request,
        "networks/charter_version.html",
        {"network": network, "version": charter.get_charter_version(db, network, number)},
    )


@router.get("/n/{slug}/charter/edit", name="charter_edit")
def charter_edit_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.CHARTER_EDIT, network)
    current = charter.get_current_charter(db, network)
    form = FormResult(values={"body": current.body if current else ""})
    return render(request, "networks/charter_edit.html", {"network": network, "form": form})


@router.post("/n/{slug}/charter/edit")
def charter_edit(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.CharterPublish], Depends(form_parser(schemas.CharterPublish))],
) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.CHARTER_EDIT, network)
    if form.ok:
        try:
            charter.publish_charter(db, actor=viewer.user, network=network, body=form.data.body, comment=form.data.comment)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The new charter version is published; members will be asked to accept it."))
            return redirect(request, str(request.app.url_path_for("charter", slug=network.slug)))
    db.rollback()
    return render(request, "networks/charter_edit.html", {"network": network, "form": form}, status_code=422)


@router.post("/n/{slug}/charter/accept", name="charter_accept")
def charter_accept(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = service.get_network(db, slug)
    policy.require(viewer, Action.CHARTER_ACCEPT, network)
    charter.accept_charter(db, actor=viewer.user, network=network)
    db.commit()
    flash(request, _("Thank you: you have accepted the charter of %(name)s.", name=network.name))
    return redirect(request, network_url(request, network))
