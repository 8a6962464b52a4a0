"""Helpers shared by the forum's HTML routes: loading what a route acts on, and addresses."""

from fastapi import Request

from app import policy
from app.accounts.models import User
from app.errors import Forbidden, Invalid, NotAuthenticated
from app.forum import categories, lists, posting, reading
from app.forum.lists import ListKind
from app.forum.models import Category, PinScope, Post, Topic, TopicView
from app.i18n import _
from app.moderation.sanctions import refuse_if_suspended, silence_refusal
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal

SESSION_VIEW_KEY = "topic_view"


def load_network(db, viewer: Principal, slug: str, action: Action = Action.NETWORK_READ) -> Network:
    network = networks_service.get_network(db, slug)
    if not policy.can(viewer, action, network):
        refuse_if_suspended(viewer, network)
    policy.require(viewer, action, network)
    return network


def load_topic(db, viewer: Principal, topic_id: int, action: Action = Action.TOPIC_READ) -> Topic:
    topic = posting.get_topic(db, topic_id)
    policy.require(viewer, Action.TOPIC_READ, topic)
    if action != Action.TOPIC_READ:
        policy.require(viewer, action, topic)
    return topic


def load_post(
    db, viewer: Principal, topic: Topic, post_number: int, action: Action = Action.POST_READ
) -> Post:
    post = posting.get_post_by_number(db, topic, post_number)
    policy.require(viewer, Action.POST_READ, post)
    if action != Action.POST_READ:
        policy.require(viewer, action, post)
    return post


def chosen_view(request: Request, db, user: User | None) -> TopicView:
    """The member's remembered view (or this browser's, signed out); chronological by default."""
    saved = reading.get_topic_view(db, user)
    if saved is None:
        saved = request.session.get(SESSION_VIEW_KEY)
    return TopicView(saved) if saved in list(TopicView) else TopicView.CHRONOLOGICAL


def topic_url(request: Request, topic: Topic) -> str:
    return str(request.app.url_path_for("topic", slug=topic.slug, topic_id=topic.id))


def post_url(request: Request, topic: Topic, post_number: int) -> str:
    return str(
        request.app.url_path_for(
            "post", slug=topic.slug, topic_id=topic.id, post_number=post_number
        )
    )


def absolute(request: Request, path: str) -> str:
    return request.app.state.settings.base_url.rstrip("/") + path


def forum_nav_context(db, viewer: Principal, network: Network) -> dict:
    """What the forum's sub-navigation shows: new and unread counts for members."""
    member = viewer.user is not None and network.id in viewer.seats
    return {
        "new_count": lists.count_topics(db, viewer, [network], kind=ListKind.NEW) if member else 0,
        "unread_count": lists.count_topics(db, viewer, [network], kind=ListKind.UNREAD)
        if member
        else 0,
        "is_member": member,
        "can_post": policy.can(viewer, Action.NETWORK_POST, network),
    }


def check_can_post(viewer: Principal, network: Network) -> None:
    """Raise a clear error when the viewer may read but not post in `network`."""
    if policy.can(viewer, Action.NETWORK_POST, network):
        return
    policy.require(viewer, Action.NETWORK_READ, network)
    if viewer.user is None:
        raise NotAuthenticated()
    silenced = viewer.seats[network.id].silenced if network.id in viewer.seats else None
    if silenced is not None:
        raise silence_refusal(silenced)
    if network.id in viewer.seats:
        raise Forbidden(
            _("Please accept the network's current charter before you post."),
            code="charter_not_accepted",
        )
    raise Forbidden(_("Only members of the network may post here."), code="not_a_member")


def category_for_new_topic(db, viewer: Principal, network: Network, slug: str) -> Category:
    """The category named by a new-topic form or API call, if the viewer may start a topic there.

    A category the viewer may not read is reported as unknown, so its existence stays hidden.
    """
    check_can_post(viewer, network)
    category = categories.find_category(db, network, slug)
    if not policy.can(viewer, Action.CATEGORY_READ, category):
        raise Invalid(_("This category does not exist."), code="unknown_category", field="category")
    if not policy.can(viewer, Action.TOPIC_CREATE, category):
        raise Forbidden(
            _("Only the network's animators may start topics in %(name)s.", name=category.name),
            code="category_staff_only",
            field="category",
        )
    return category


def check_can_announce(
    viewer: Principal, network: Network, pin_scope: PinScope, is_announcement: bool
) -> None:
    if pin_scope == PinScope.NONE and not is_announcement:
        return
    if not policy.can(viewer, Action.TOPIC_ANNOUNCE, network):
        raise Forbidden(_("Only the network's animators may pin topics or make announcements."))
