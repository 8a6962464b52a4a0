"""Helpers of the moderation routes (HTML and API): loading what staff act on, in their
network only, so an id from another network is NotFound."""

from app import policy
from app.errors import NotFound
from app.forum.models import Post, Topic
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal


def load_moderated_network(db, viewer: Principal, slug: str) -> Network:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.MODERATE, network)
    return network


def load_post(db, network: Network, post_id: int) -> Post:
    """A post of `network` staff may act on (private conversations are out of reach)."""
    post = db.get(Post, post_id)
    if post is None or post.network_id != network.id or post.topic.is_private:
        raise NotFound()
    return post


def load_topic(db, network: Network, topic_id: int) -> Topic:
    topic = db.get(Topic, topic_id)
    if topic is None or topic.network_id != network.id or topic.is_private:
        raise NotFound()
    return topic


def safe_next(next_path: str, default: str) -> str:
    """A path on this site to go back to after an action, else `default`."""
    if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return default
