"""Atom 1.0 feeds of a category (its newest topics) and of a topic (its newest posts).

Built with ElementTree, so every feed is well-formed XML whatever members wrote;
post HTML goes in as escaped `type="html"` content, the form feed readers expect.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum.lists import TopicRow
from app.forum.models import Post, Topic
from app.forum.reading import visible_condition

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20
ElementTree.register_namespace("", ATOM)


@dataclass
class FeedEntry:
    id: str
    title: str
    url: str
    author: str
    published: datetime
    updated: datetime
    html: str


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _text(
    parent: ElementTree.Element, name: str, text: str, **attributes: str
) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, _tag(name), attributes)
    element.text = text
    return element


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    entries: Sequence[FeedEntry],
    updated: datetime,
    subtitle: str = "",
) -> bytes:
    """The Atom document; `feed_id` and the entries' ids are absolute URLs (stable, unique)."""
    feed = ElementTree.Element(_tag("feed"))
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", _stamp(updated))
    ElementTree.SubElement(
        feed, _tag("link"), {"rel": "self", "type": "application/atom+xml", "href": self_url}
    )
    ElementTree.SubElement(
        feed, _tag("link"), {"rel": "alternate", "type": "text/html", "href": page_url}
    )
    author = ElementTree.SubElement(feed, _tag("author"))
    _text(author, "name", "Maillage")
    _text(feed, "generator", "Maillage")
    for item in entries:
        entry = ElementTree.SubElement(feed, _tag("entry"))
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "published", _stamp(item.published))
        _text(entry, "updated", _stamp(item.updated))
        ElementTree.SubElement(
            entry, _tag("link"), {"rel": "alternate", "type": "text/html", "href": item.url}
        )
        entry_author = ElementTree.SubElement(entry, _tag("author"))
        _text(entry_author, "name", item.author)
        _text(entry, "content", item.html, type="html")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def first_posts(
    session: Session, topics: Sequence[TopicRow]
) -> dict[int, tuple[str, datetime | None]]:
    """The opening post's HTML and edit time of each topic, in one query."""
    if not topics:
        return {}
    rows = session.execute(
        select(Post.topic_id, Post.body_html, Post.edited_at).where(
            Post.topic_id.in_([topic.id for topic in topics]),
            Post.post_number == 1,
            visible_condition(False),
        )
    )
    return {topic_id: (html, edited_at) for topic_id, html, edited_at in rows}


@dataclass
class FeedPost:
    post_number: int
    author: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None


def newest_posts(session: Session, topic: Topic) -> list[FeedPost]:
    """The topic's newest visible posts (the public ones: a feed has no reader to trust)."""
    rows = session.execute(
        select(Post.post_number, User.display_name, Post.body_html, Post.created_at, Post.edited_at)
        .outerjoin(User, User.id == Post.user_id)
        .where(Post.topic_id == topic.id, visible_condition(False))
        .order_by(Post.post_number.desc())
        .limit(FEED_SIZE)
    )
    return [
        FeedPost(number, author or "—", html, created, edited)
        for number, author, html, created, edited in rows
    ]
