"""HTML routes for writing outside a topic: a new topic, drafts saved as one types, and the
choice of topic view."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.accounts.views import safe_next
from app.db import utcnow
from app.errors import DomainError, NotAuthenticated
from app.forum import categories, drafts, posting, reading, schemas, text
from app.forum.drafts import DraftKind
from app.forum.web import (
    SESSION_VIEW_KEY,
    category_for_new_topic,
    check_can_announce,
    check_can_post,
    load_network,
    load_topic,
    topic_url,
)
from app.i18n import _
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, is_htmx, redirect, render

router = APIRouter()


def _new_topic_context(db, viewer: Principal, network: Network, form: FormResult) -> dict:
    options = categories.list_postable_categories(db, viewer, network)
    return {
        "network": network,
        "form": form,
        "category_options": [(c.slug, c.name) for c in options],
        "can_announce": policy.can(viewer, Action.TOPIC_ANNOUNCE, network),
        "draft_key": drafts.key_for_new_topic(network.slug),
    }


@router.get("/n/{slug}/topics/new", name="topic_new")
def topic_new(
    request: Request, slug: str, db: DbSession, viewer: Viewer, category: str = ""
) -> Response:
    network = load_network(db, viewer, slug)
    check_can_post(viewer, network)
    values = {"category": category}
    draft = drafts.get_draft(db, actor=viewer.user, key=drafts.key_for_new_topic(network.slug))
    if draft is not None:
        values.update(title=draft.title, body=draft.body)
    return render(
        request,
        "forum/topic_new.html",
        _new_topic_context(db, viewer, network, FormResult(values=values)),
    )


@router.post("/n/{slug}/topics", name="topic_create")
def topic_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.TopicCreate], Depends(form_parser(schemas.TopicCreate))],
) -> Response:
    network = load_network(db, viewer, slug)
    check_can_post(viewer, network)
    status = 422
    if form.ok:
        data = form.data
        try:
            category = category_for_new_topic(db, viewer, network, data.category)
            check_can_announce(viewer, network, data.pin_scope, data.is_announcement)
            topic = posting.create_topic(
                db,
                actor=viewer.user,
                category=category,
                title=data.title,
                body=data.body,
                tags=text.parse_tags(data.tags),
                pin_scope=data.pin_scope,
                is_announcement=data.is_announcement,
                posts_per_window=settings.posts_per_ten_minutes,
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            return redirect(request, topic_url(request, topic))
    db.rollback()
    return render(
        request,
        "forum/topic_new.html",
        _new_topic_context(db, viewer, network, form),
        status_code=status,
    )


@router.post("/drafts", name="draft_save")
def draft_save(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.DraftSave], Depends(form_parser(schemas.DraftSave))],
) -> Response:
    """Keep what the member is typing (htmx posts it after a pause; without JS, a button)."""
    if viewer.user is None:
        raise NotAuthenticated()
    if not form.ok:
        return render(
            request,
            "forum/_draft_status.html",
            {"error": next(iter(form.errors.values()))},
            status_code=422,
        )
    data = form.data
    kind, target = drafts.parse_key(data.key)
    if kind == DraftKind.REPLY:
        topic = load_topic(db, viewer, int(target), Action.TOPIC_REPLY)
        network_id, back = topic.network_id, topic_url(request, topic) + "?page=1#reply"
    else:
        network = load_network(db, viewer, target)
        policy.require(
            viewer,
            Action.MESSAGE_SEND if kind == DraftKind.MESSAGE else Action.NETWORK_POST,
            network,
        )
        network_id = network.id
        back = str(
            request.app.url_path_for(
                "message_new" if kind == DraftKind.MESSAGE else "topic_new", slug=network.slug
            )
        )
    drafts.save_draft(
        db,
        actor=viewer.user,
        network_id=network_id,
        key=data.key,
        title=data.title,
        body=data.body,
        reply_to_post_id=data.reply_to_post_id,
    )
    db.commit()
    if is_htmx(request):
        return render(request, "forum/_draft_status.html", {"saved_at": utcnow()})
    flash(request, _("Your draft has been saved."))
    return redirect(request, safe_next(data.next) if data.next else back)


@router.post("/forum/view", name="topic_view")
def topic_view(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.ViewChange], Depends(form_parser(schemas.ViewChange))],
) -> Response:
    """Remember how the member reads topics: for their account, or this browser when signed out."""
    if form.ok:
        if viewer.user is not None:
            reading.set_topic_view(db, actor=viewer.user, view=form.data.view)
            db.commit()
        else:
            request.session[SESSION_VIEW_KEY] = form.data.view.value
    return redirect(request, safe_next(form.values.get("next", "/")))
