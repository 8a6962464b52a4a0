"""HTML routes of categories: the list, and their management by the network's animators."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.errors import DomainError
from app.forum import categories, member_state, schemas
from app.forum.models import Category
from app.forum.web import forum_nav_context, load_network
from app.i18n import _
from app.networks.models import Network
from app.policy import Action
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, is_htmx, redirect, render

router = APIRouter()


def _categories_url(request: Request, network: Network) -> str:
    return str(request.app.url_path_for("categories", slug=network.slug))


@router.get("/n/{slug}/categories", name="categories")
def categories_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = load_network(db, viewer, slug)
    context = {
        "network": network,
        "categories": categories.list_categories(db, viewer, network),
        **forum_nav_context(db, viewer, network),
    }
    return render(request, "forum/categories.html", context)


def _form_context(db, network: Network, form: FormResult, category: Category | None) -> dict:
    parents = categories.list_parent_options(db, network, exclude=category)
    return {
        "network": network,
        "form": form,
        "category": category,
        "parent_options": [("", _("None (top level)"))] + [(c.slug, c.name) for c in parents],
    }


def _save(db, network: Network, data: schemas.CategoryForm, category: Category | None) -> Category:
    parent = categories.get_category(db, network, data.parent) if data.parent else None
    fields = data.model_dump(exclude={"parent"})
    if category is None:
        return categories.create_category(db, network=network, parent=parent, **fields)
    return categories.update_category(db, category=category, parent=parent, **fields)


@router.get("/n/{slug}/categories/new", name="category_new")
def category_new(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = load_network(db, viewer, slug, Action.CATEGORY_MANAGE)
    form = FormResult(
        values={
            "colour": "#1d4f6e",
            "position": "0",
            "read_access": "everyone",
            "topic_access": "members",
        }
    )
    return render(request, "forum/category_form.html", _form_context(db, network, form, None))


@router.post("/n/{slug}/categories", name="category_create")
def category_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.CategoryForm], Depends(form_parser(schemas.CategoryForm))],
) -> Response:
    network = load_network(db, viewer, slug, Action.CATEGORY_MANAGE)
    if form.ok:
        try:
            category = _save(db, network, form.data, None)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The category %(name)s has been created.", name=category.name))
            return redirect(request, _categories_url(request, network))
    db.rollback()
    return render(
        request, "forum/category_form.html", _form_context(db, network, form, None), status_code=422
    )


@router.get("/n/{slug}/c/{category_slug}/edit", name="category_edit")
def category_edit_page(
    request: Request, slug: str, category_slug: str, db: DbSession, viewer: Viewer
) -> Response:
    network = load_network(db, viewer, slug, Action.CATEGORY_MANAGE)
    category = categories.get_category(db, network, category_slug)
    values = {
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "colour": category.colour,
        "position": str(category.position),
        "parent": category.parent.slug if category.parent else "",
        "read_access": category.read_access.value,
        "topic_access": category.topic_access.value,
    }
    return render(
        request,
        "forum/category_form.html",
        _form_context(db, network, FormResult(values=values), category),
    )


@router.post("/n/{slug}/c/{category_slug}/edit")
def category_edit(
    request: Request,
    slug: str,
    category_slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.CategoryForm], Depends(form_parser(schemas.CategoryForm))],
) -> Response:
    network = load_network(db, viewer, slug, Action.CATEGORY_MANAGE)
    category = categories.get_category(db, network, category_slug)
    if form.ok:
        try:
            _save(db, network, form.data, category)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The category %(name)s has been saved.", name=category.name))
            return redirect(request, _categories_url(request, network))
    db.rollback()
    return render(
        request,
        "forum/category_form.html",
        _form_context(db, network, form, category),
        status_code=422,
    )


@router.post("/n/{slug}/c/{category_slug}/delete", name="category_delete")
def category_delete(
    request: Request, slug: str, category_slug: str, db: DbSession, viewer: Viewer
) -> Response:
    network = load_network(db, viewer, slug, Action.CATEGORY_MANAGE)
    category = categories.get_category(db, network, category_slug)
    try:
        categories.delete_category(db, category=category)
    except DomainError as error:
        db.rollback()
        flash(request, error.message, "error")
    else:
        db.commit()
        flash(request, _("The category %(name)s has been deleted.", name=category.name))
    return redirect(request, _categories_url(request, network))


@router.post("/n/{slug}/c/{category_slug}/level", name="category_level")
def category_level(
    request: Request,
    slug: str,
    category_slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.LevelChange], Depends(form_parser(schemas.LevelChange))],
) -> Response:
    network = load_network(db, viewer, slug)
    category = categories.get_category(db, network, category_slug)
    policy.require(viewer, Action.CATEGORY_FOLLOW, category)
    page = str(request.app.url_path_for("category", slug=network.slug, category_slug=category.slug))
    if not form.ok:
        flash(request, _("Choose one of the options."), "error")
        return redirect(request, page)
    member_state.set_category_level(db, actor=viewer.user, category=category, level=form.data.level)
    db.commit()
    if is_htmx(request):
        return render(
            request,
            "forum/_level_form.html",
            {
                "action": request.app.url_path_for(
                    "category_level", slug=network.slug, category_slug=category.slug
                ),
                "level": form.data.level,
                "saved": True,
                "form_id": "category-level",
            },
        )
    flash(request, _("Your notification level for this category has been saved."))
    return redirect(request, page)
