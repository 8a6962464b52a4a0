"""Addresses of forum pages, for services that link without a request (notifications, feeds,
quotes). They follow the routes in views.py; a test checks both agree."""

from urllib.parse import quote


def topic_path(slug: str, topic_id: int) -> str:
    return f"/t/{quote(slug)}/{topic_id}"


def post_path(slug: str, topic_id: int, post_number: int) -> str:
    return f"{topic_path(slug, topic_id)}/{post_number}"


def profile_path(username: str) -> str:
    return f"/u/{quote(username)}"


def category_path(network_slug: str, category_slug: str) -> str:
    return f"/n/{quote(network_slug)}/c/{quote(category_slug)}"
