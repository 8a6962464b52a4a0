"""HTML routes of topic lists: a network's latest, new and unread topics, by category or tag;
the latest across the member's networks; bookmarks; Atom feeds."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.errors import NotAuthenticated
from app.forum import categories, feeds, lists, member_state, schemas, tags
from app.forum.lists import ListKind
from app.forum.models import Category, Tag
from app.forum.web import absolute, forum_nav_context, load_network, load_topic
from app.i18n import _
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.deps import DbSession, Viewer
from app.web.render import render

router = APIRouter()
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _forum_page(
    request: Request,
    db,
    viewer: Principal,
    network: Network,
    *,
    kind: ListKind,
    page: int,
    category: Category | None = None,
    tag: Tag | None = None,
) -> Response:
    category_ids = lists.category_ids_with_children(db, category) if category else None
    topic_list = lists.list_topics(
        db, viewer, [network], kind=kind, category_ids=category_ids, tag=tag, page=page
    )
    context = {
        "network": network,
        "kind": kind,
        "topic_list": topic_list,
        "category": category,
        "tag": tag,
        "categories": categories.list_categories(db, viewer, network),
        "tags": tags.list_tags(db, network),
        "announcements": lists.list_announcements(db, viewer, network)
        if kind == ListKind.LATEST
        else [],
        "category_level": None,
        **forum_nav_context(db, viewer, network),
    }
    if category is not None and viewer.user is not None:
        context["category_level"] = member_state.get_category_level(
            db, user=viewer.user, category=category
        )
    return render(request, "forum/latest.html", context, block="topic_list")


@router.get("/n/{slug}/forum", name="forum")
def forum_latest(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    filters: Annotated[schemas.ListFilter, Depends()],
) -> Response:
    network = load_network(db, viewer, slug)
    category = categories.get_category(db, network, filters.category) if filters.category else None
    if category is not None:
        policy.require(viewer, Action.CATEGORY_READ, category)
    tag = tags.get_tag(db, network, filters.tag) if filters.tag else None
    return _forum_page(
        request,
        db,
        viewer,
        network,
        kind=ListKind.LATEST,
        page=filters.page,
        category=category,
        tag=tag,
    )


def _member_list(
    request: Request, slug: str, db, viewer: Principal, kind: ListKind, page: int
) -> Response:
    if viewer.user is None:
        raise NotAuthenticated()
    network = load_network(db, viewer, slug)
    return _forum_page(request, db, viewer, network, kind=kind, page=page)


@router.get("/n/{slug}/forum/new", name="forum_new")
def forum_new(
    request: Request, slug: str, db: DbSession, viewer: Viewer, page: int = 1
) -> Response:
    return _member_list(request, slug, db, viewer, ListKind.NEW, page)


@router.get("/n/{slug}/forum/unread", name="forum_unread")
def forum_unread(
    request: Request, slug: str, db: DbSession, viewer: Viewer, page: int = 1
) -> Response:
    return _member_list(request, slug, db, viewer, ListKind.UNREAD, page)


@router.get("/n/{slug}/c/{category_slug}", name="category")
def category_page(
    request: Request, slug: str, category_slug: str, db: DbSession, viewer: Viewer, page: int = 1
) -> Response:
    network = load_network(db, viewer, slug)
    category = categories.get_category(db, network, category_slug)
    policy.require(viewer, Action.CATEGORY_READ, category)
    return _forum_page(
        request, db, viewer, network, kind=ListKind.LATEST, page=page, category=category
    )


@router.get("/n/{slug}/tags", name="tags")
def tags_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = load_network(db, viewer, slug)
    context = {
        "network": network,
        "tags": tags.list_tags(db, network),
        **forum_nav_context(db, viewer, network),
    }
    return render(request, "forum/tags.html", context)


@router.get("/n/{slug}/tags/{name}", name="tag")
def tag_page(
    request: Request, slug: str, name: str, db: DbSession, viewer: Viewer, page: int = 1
) -> Response:
    network = load_network(db, viewer, slug)
    tag = tags.get_tag(db, network, name)
    return _forum_page(request, db, viewer, network, kind=ListKind.LATEST, page=page, tag=tag)


@router.get("/latest", name="latest_all")
def latest_all(request: Request, db: DbSession, viewer: Viewer, page: int = 1) -> Response:
    """The latest topics of every network the member belongs to."""
    if viewer.user is None:
        raise NotAuthenticated()
    networks = networks_service.list_user_networks(db, viewer.user)
    topic_list = lists.list_topics(db, viewer, networks, page=page)
    return render(
        request,
        "forum/latest_all.html",
        {"topic_list": topic_list, "networks": networks},
        block="topic_list",
    )


@router.get("/bookmarks", name="bookmarks")
def bookmarks_page(request: Request, db: DbSession, viewer: Viewer, page: int = 1) -> Response:
    if viewer.user is None:
        raise NotAuthenticated()
    return render(
        request, "forum/bookmarks.html", {"topic_list": lists.list_bookmarks(db, viewer, page=page)}
    )


@router.get("/n/{slug}/c/{category_slug}/feed.atom", name="category_feed")
def category_feed(
    request: Request, slug: str, category_slug: str, db: DbSession, viewer: Viewer
) -> Response:
    network = load_network(db, viewer, slug)
    category = categories.get_category(db, network, category_slug)
    policy.require(viewer, Action.CATEGORY_READ, category)
    topic_rows = lists.list_topics(
        db,
        viewer,
        [network],
        category_ids=lists.category_ids_with_children(db, category),
        page_size=feeds.FEED_SIZE,
    ).topics
    topic_rows.sort(key=lambda row: row.created_at, reverse=True)
    openings = feeds.first_posts(db, topic_rows)
    entries = []
    for row in topic_rows:
        html, edited_at = openings.get(row.id, ("", None))
        url = absolute(
            request, str(request.app.url_path_for("topic", slug=row.slug, topic_id=row.id))
        )
        entries.append(
            feeds.FeedEntry(
                id=url,
                title=row.title,
                url=url,
                author=row.author_name or "—",
                published=row.created_at,
                updated=edited_at or row.created_at,
                html=html,
            )
        )
    page_url = absolute(
        request,
        str(request.app.url_path_for("category", slug=network.slug, category_slug=category.slug)),
    )
    body = feeds.build_feed(
        feed_id=page_url,
        title=f"{category.name} · {network.name}",
        subtitle=category.description,
        self_url=absolute(request, request.url.path),
        page_url=page_url,
        entries=entries,
        updated=max((e.updated for e in entries), default=category.created_at),
    )
    return Response(body, media_type=ATOM_TYPE)


@router.get("/t/{slug}/{topic_id:int}/feed.atom", name="topic_feed")
def topic_feed(
    request: Request, slug: str, topic_id: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    topic_path = str(request.app.url_path_for("topic", slug=topic.slug, topic_id=topic.id))
    entries = []
    for post in feeds.newest_posts(db, topic):
        url = absolute(
            request,
            str(
                request.app.url_path_for(
                    "post", slug=topic.slug, topic_id=topic.id, post_number=post.post_number
                )
            ),
        )
        entries.append(
            feeds.FeedEntry(
                id=url,
                title=_("%(title)s, post %(n)s", title=topic.title, n=post.post_number),
                url=url,
                author=post.author,
                published=post.created_at,
                updated=post.edited_at or post.created_at,
                html=post.body_html,
            )
        )
    body = feeds.build_feed(
        feed_id=absolute(request, topic_path),
        title=topic.title,
        self_url=absolute(request, request.url.path),
        page_url=absolute(request, topic_path),
        entries=entries,
        updated=max((e.updated for e in entries), default=topic.created_at),
    )
    return Response(body, media_type=ATOM_TYPE)
