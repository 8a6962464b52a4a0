"""Categories: a network's sections, managed by its animators.

Functions change rows in the caller's transaction and never commit; the policy
decides who may call the writing ones.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.forum.models import Category, ReadAccess, Topic, TopicAccess
from app.forum.posting import queue_topics
from app.i18n import _
from app.networks.models import Network
from app.policy import Action, Principal, can, category_read_access


def get_category(session: Session, network: Network, slug: str) -> Category:
    category = session.scalar(
        select(Category).where(Category.network_id == network.id, Category.slug == slug)
    )
    if category is None:
        raise NotFound()
    return category


def find_category(session: Session, network: Network, slug: str) -> Category:
    """The category named in a form or an API call; unknown is a field error, not a 404."""
    try:
        return get_category(session, network, slug)
    except NotFound:
        raise Invalid(
            _("This category does not exist."), code="unknown_category", field="category"
        ) from None


@dataclass(frozen=True)
class CategoryRow:
    id: int
    parent_id: int | None
    name: str
    slug: str
    description: str
    colour: str
    position: int
    read_access: ReadAccess
    topic_access: TopicAccess
    topic_count: int
    post_count: int
    last_posted_at: datetime | None


def list_categories(session: Session, viewer: Principal, network: Network) -> list[CategoryRow]:
    """The categories `viewer` may read, parents first, each followed by its children."""
    levels = category_read_access(viewer, network)
    if not levels:
        return []
    rows = session.execute(
        select(
            Category.id,
            Category.parent_id,
            Category.name,
            Category.slug,
            Category.description,
            Category.colour,
            Category.position,
            Category.read_access,
            Category.topic_access,
            Category.topic_count,
            Category.post_count,
            Category.last_posted_at,
        )
        .where(Category.network_id == network.id, Category.read_access.in_(levels))
        .order_by(Category.position, Category.name)
    )
    categories = [CategoryRow(*row) for row in rows]
    ids = {c.id for c in categories}
    ordered: list[CategoryRow] = []
    for parent in categories:
        if parent.parent_id is not None and parent.parent_id in ids:
            continue
        ordered.append(parent)
        ordered.extend(c for c in categories if c.parent_id == parent.id)
    return ordered


def list_parent_options(
    session: Session, network: Network, *, exclude: Category | None = None
) -> list[Category]:
    """Top-level categories that may hold sub-categories (one level only)."""
    query = select(Category).where(Category.network_id == network.id, Category.parent_id.is_(None))
    if exclude is not None:
        query = query.where(Category.id != exclude.id)
    return list(session.scalars(query.order_by(Category.position, Category.name)))


def _check_slug_free(
    session: Session, network: Network, slug: str, *, current: Category | None
) -> None:
    query = select(Category.id).where(Category.network_id == network.id, Category.slug == slug)
    if current is not None:
        query = query.where(Category.id != current.id)
    if session.scalar(query) is not None:
        raise Conflict(_("Another category of this network uses this address."), field="slug")


def _check_parent(network: Network, parent: Category | None, current: Category | None) -> None:
    if parent is None:
        return
    if parent.network_id != network.id:
        raise Invalid(_("Choose one of the options."), field="parent")
    if parent.parent_id is not None:
        raise Invalid(_("A sub-category cannot hold sub-categories."), field="parent")
    if current is not None and parent.id == current.id:
        raise Invalid(_("A category cannot be its own parent."), field="parent")


def create_category(
    session: Session,
    *,
    network: Network,
    name: str,
    slug: str,
    description: str = "",
    colour: str = "#1d4f6e",
    position: int = 0,
    parent: Category | None = None,
    read_access: ReadAccess = ReadAccess.EVERYONE,
    topic_access: TopicAccess = TopicAccess.MEMBERS,
) -> Category:
    """Add a category to `network`. Raises Conflict for a slug in use, Invalid for a bad parent."""
    _check_slug_free(session, network, slug, current=None)
    _check_parent(network, parent, None)
    category = Category(
        network_id=network.id,
        network=network,
        name=name,
        slug=slug,
        description=description,
        colour=colour,
        position=position,
        parent=parent,
        read_access=read_access,
        topic_access=topic_access,
    )
    session.add(category)
    session.flush()  # the id is needed for the category's address and its topics
    return category


def update_category(
    session: Session,
    *,
    category: Category,
    name: str,
    slug: str,
    description: str,
    colour: str,
    position: int,
    parent: Category | None,
    read_access: ReadAccess,
    topic_access: TopicAccess,
) -> Category:
    """Change a category's settings; same checks as create_category, and a parent with
    sub-categories of its own cannot become a sub-category."""
    network = category.network
    _check_slug_free(session, network, slug, current=category)
    _check_parent(network, parent, category)
    if parent is not None and session.scalar(
        select(Category.id).where(Category.parent_id == category.id).limit(1)
    ):
        raise Invalid(_("This category holds sub-categories: it stays at the top."), field="parent")
    # Topics and posts carry the category's name, address and readers in the index.
    searchable_change = (name, slug, read_access) != (
        category.name,
        category.slug,
        category.read_access,
    )
    category.name = name
    category.slug = slug
    category.description = description
    category.colour = colour
    category.position = position
    category.parent = parent
    category.read_access = read_access
    category.topic_access = topic_access
    if searchable_change:
        queue_topics(session, select(Topic.id).where(Topic.category_id == category.id))
    return category


def delete_category(session: Session, *, category: Category) -> None:
    """Remove an empty category; its sub-categories move to the top.

    Raises Conflict while it holds topics.
    """
    has_topics = session.scalar(
        select(func.count()).select_from(Topic).where(Topic.category_id == category.id)
    )
    if has_topics:
        raise Conflict(_("Only an empty category can be deleted: move or delete its topics first."))
    session.delete(category)


def list_postable_categories(
    session: Session, viewer: Principal, network: Network
) -> list[Category]:
    """The categories where `viewer` may start a topic, in the network's order."""
    rows = session.scalars(
        select(Category)
        .where(Category.network_id == network.id)
        .order_by(Category.position, Category.name)
    )
    return [category for category in rows if can(viewer, Action.TOPIC_CREATE, category)]
