"""HTML routes that start the forum discussion of a document."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.documents import discussion
from app.documents.document_views import document_url, load_document
from app.documents.models import Document
from app.documents.schemas import DiscussionStart
from app.errors import DomainError
from app.forum import categories as forum_categories
from app.forum.web import category_for_new_topic, check_can_post, topic_url
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import redirect, render

router = APIRouter()


def _context(db, viewer: Principal, network: Network, document: Document, form: FormResult) -> dict:
    options = forum_categories.list_postable_categories(db, viewer, network)
    return {
        "network": network,
        "document": document,
        "form": form,
        "category_options": [(c.slug, c.name) for c in options],
    }


@router.get("/n/{slug}/documents/{document_id}/discussion", name="document_discussion")
def discussion_page(
    request: Request, slug: str, document_id: int, db: DbSession, viewer: Viewer
) -> Response:
    """The discussion when there is one, else the form that starts it."""
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    topic = discussion.get_discussion(db, document)
    if topic is not None:
        return redirect(request, topic_url(request, topic))
    check_can_post(viewer, network)
    values = {
        "title": document.title,
        "body": discussion.opening_text(document.title, document_url(request, network, document)),
    }
    return render(
        request,
        "documents/discussion_new.html",
        _context(db, viewer, network, document, FormResult(values=values)),
    )


@router.post("/n/{slug}/documents/{document_id}/discussion")
def discussion_start(
    request: Request,
    slug: str,
    document_id: int,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[DiscussionStart], Depends(form_parser(DiscussionStart))],
) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    check_can_post(viewer, network)
    status = 422
    if form.ok:
        try:
            category = category_for_new_topic(db, viewer, network, form.data.category)
            topic = discussion.start_discussion(
                db,
                actor=viewer.user,
                document=document,
                category=category,
                title=form.data.title,
                body=form.data.body,
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
        "documents/discussion_new.html",
        _context(db, viewer, network, document, form),
        status_code=status,
    )
