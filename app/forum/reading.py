"""The topic page: which posts, in which order and nesting, on which page.

A hot read path: a light "skeleton" query (numbers and reply links of every
visible post) decides the order and the pages, then one Core select loads only the
page's posts with their authors and the names of the posts they answer. Nothing
is queried per post.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.accounts.models import User
from app.forum.likes import liked_post_ids
from app.forum.models import ForumPreference, Post, Topic, TopicView

PAGE_SIZE = 20
# Threads indent this many levels at most, so they stay readable on a phone.
MAX_DEPTH = 4


@dataclass
class PostView:
    id: int
    post_number: int
    reply_to_post_number: int | None
    reply_to_username: str | None
    user_id: int | None
    username: str | None
    display_name: str | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    like_count: int
    reply_count: int
    revision_count: int
    hidden: bool
    deleted: bool
    liked: bool = False
    depth: int = 0
    descendants: int = 0
    children: list["PostView"] = field(default_factory=list)
    body: str | None = None  # the Markdown source, loaded only for the API
    # Moderation: waiting for approval (shown to its author), why staff hid or deleted it
    # (shown to staff), and the reason of a staff edit (shown to all).
    held: bool = False
    hidden_reason: str = ""
    deleted_reason: str = ""
    staff_edit_reason: str = ""

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_DEPTH)


@dataclass
class Skeleton:
    """Every visible post of a topic as (number, parent), in both orders the views need."""

    numbers: list[int]
    parent: dict[int, int | None]
    depth: dict[int, int]
    descendants: dict[int, int]
    threaded: list[int]
    ids: dict[int, int]

    def order(self, view: TopicView) -> list[int]:
        return self.threaded if view == TopicView.THREADED else self.numbers

    def page_count(self) -> int:
        return max(1, math.ceil(len(self.numbers) / PAGE_SIZE))

    def page_of(self, view: TopicView, post_number: int) -> int:
        """The page showing `post_number`, or the nearest visible post before it."""
        order = self.order(view)
        if post_number in self.depth:
            return order.index(post_number) // PAGE_SIZE + 1
        earlier = [n for n in self.numbers if n < post_number]
        if not earlier:
            return 1
        return order.index(earlier[-1]) // PAGE_SIZE + 1

    def nearest(self, post_number: int) -> int | None:
        """`post_number` if visible, else the first visible post after it, else the last."""
        later = [n for n in self.numbers if n >= post_number]
        if later:
            return later[0]
        return self.numbers[-1] if self.numbers else None

    def first_after(self, post_number: int) -> int | None:
        return next((n for n in self.numbers if n > post_number), None)


def visible_condition(include_hidden: bool, viewer_id: int | None = None):
    """Posts a reader sees: all for staff, else the visible ones and their own held posts."""
    if include_hidden:
        return True
    visible = and_(Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    if viewer_id is None:
        return visible
    own_held = and_(Post.held.is_(True), Post.deleted_at.is_(None), Post.user_id == viewer_id)
    return or_(visible, own_held)


def load_skeleton(
    session: Session, topic: Topic, *, include_hidden: bool, viewer_id: int | None = None
) -> Skeleton:
    rows = session.execute(
        select(Post.post_number, Post.reply_to_post_number, Post.id)
        .where(Post.topic_id == topic.id, visible_condition(include_hidden, viewer_id))
        .order_by(Post.post_number)
    ).all()
    numbers = [row[0] for row in rows]
    ids = {row[0]: row[2] for row in rows}
    root = numbers[0] if numbers else None
    present = set(numbers)
    parent: dict[int, int | None] = {}
    children: dict[int, list[int]] = {n: [] for n in numbers}
    for number, reply_to, _id in rows:
        if number == root:
            parent[number] = None
            continue
        # A reply to a hidden or missing post hangs under the question.
        target = reply_to if reply_to in present and reply_to != number else root
        parent[number] = target
        children[target].append(number)
    threaded: list[int] = []
    depth: dict[int, int] = {}
    stack = [(root, 0)] if root is not None else []
    while stack:
        number, level = stack.pop()
        threaded.append(number)
        depth[number] = level
        stack.extend((child, level + 1) for child in reversed(children[number]))
    descendants = {n: 0 for n in numbers}
    for number in reversed(threaded):
        if parent[number] is not None:
            descendants[parent[number]] += descendants[number] + 1
    return Skeleton(numbers, parent, depth, descendants, threaded, ids)


# Made once: an alias built per request costs a proxy of every column of the table.
_ANSWERED = aliased(Post, name="answered")
_ANSWERED_AUTHOR = aliased(User, name="answered_author")


def load_posts(
    session: Session,
    topic: Topic,
    numbers: Iterable[int],
    *,
    viewer: User | None,
    with_source: bool = False,
) -> dict[int, PostView]:
    """The posts numbered `numbers` with their authors and the author of the post each answers."""
    numbers = list(numbers)
    if not numbers:
        return {}
    answered, answered_author = _ANSWERED, _ANSWERED_AUTHOR
    rows = session.execute(
        select(
            Post.id,
            Post.post_number,
            Post.reply_to_post_number,
            answered_author.username,
            Post.user_id,
            User.username,
            User.display_name,
            Post.body_html,
            Post.created_at,
            Post.edited_at,
            Post.like_count,
            Post.reply_count,
            Post.revision_count,
            Post.hidden_at.is_not(None),
            Post.deleted_at.is_not(None),
            Post.held,
            Post.hidden_reason,
            Post.deleted_reason,
            Post.staff_edit_reason,
            *([Post.body] if with_source else []),
        )
        .outerjoin(User, User.id == Post.user_id)
        .outerjoin(
            answered,
            and_(
                answered.topic_id == Post.topic_id,
                answered.post_number == Post.reply_to_post_number,
            ),
        )
        .outerjoin(answered_author, answered_author.id == answered.user_id)
        .where(Post.topic_id == topic.id, Post.post_number.in_(numbers))
    ).all()
    posts = {
        row[1]: PostView(
            *row[:15],
            held=row[15],
            hidden_reason=row[16],
            deleted_reason=row[17],
            staff_edit_reason=row[18],
            body=row[19] if with_source else None,
        )
        for row in rows
    }
    if viewer is not None:
        liked = liked_post_ids(session, user=viewer, post_ids=[p.id for p in posts.values()])
        for post in posts.values():
            post.liked = post.id in liked
    return posts


@dataclass
class TopicPage:
    view: TopicView
    page: int
    page_count: int
    # Chronological: in order; threaded: the page's branches. The question (post 1) apart.
    posts: list[PostView]
    question: PostView | None
    answer: PostView | None
    first_number: int | None
    last_number: int | None
    last_post_id: int | None
    is_last_page: bool
    post_total: int


def load_topic_page(
    session: Session,
    topic: Topic,
    *,
    view: TopicView,
    page: int,
    viewer: User | None,
    include_hidden: bool,
    skeleton: Skeleton | None = None,
    with_source: bool = False,
) -> TopicPage:
    """One page of `topic` as `viewer` sees it. Pages past the end show the last page."""
    skeleton = skeleton or load_skeleton(
        session, topic, include_hidden=include_hidden, viewer_id=viewer.id if viewer else None
    )
    page_count = skeleton.page_count()
    page = min(max(page, 1), page_count)
    order = skeleton.order(view)
    on_page = order[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    wanted = set(on_page)
    answer_number = topic.answer_post_number if topic.answer_post_number in skeleton.depth else None
    if page == 1 and answer_number is not None:
        wanted.add(answer_number)
    posts = load_posts(session, topic, wanted, viewer=viewer, with_source=with_source)
    for number, post in posts.items():
        post.depth = skeleton.depth.get(number, 0)
        post.descendants = skeleton.descendants.get(number, 0)
    page_posts = [posts[n] for n in on_page if n in posts]
    root = skeleton.numbers[0] if skeleton.numbers else None
    question = posts.get(root) if page == 1 and root == 1 else None
    if view == TopicView.THREADED:
        listed = _nest(page_posts, skeleton)
        if question is not None and listed and listed[0] is question:
            # The question stands above the page: its replies become the top-level branches.
            listed = question.children + listed[1:]
            question.children = []
    else:
        listed = [post for post in page_posts if post is not question]
    return TopicPage(
        view=view,
        page=page,
        page_count=page_count,
        posts=listed,
        question=question,
        answer=posts.get(answer_number) if page == 1 and answer_number else None,
        first_number=min(on_page) if on_page else None,
        last_number=max(on_page) if on_page else None,
        last_post_id=max((p.id for p in page_posts), default=None),
        is_last_page=page == page_count,
        post_total=len(skeleton.numbers),
    )


def _nest(page_posts: list[PostView], skeleton: Skeleton) -> list[PostView]:
    """Hang each post under its parent when the parent is on the same page."""
    by_number = {post.post_number: post for post in page_posts}
    roots = []
    for post in page_posts:
        parent = by_number.get(skeleton.parent.get(post.post_number))
        if parent is not None:
            parent.children.append(post)
        else:
            roots.append(post)
    return roots


def load_replies(
    session: Session, topic: Topic, post_number: int, *, viewer: User | None, include_hidden: bool
) -> list[PostView]:
    """The direct replies to one post, oldest first."""
    numbers = session.scalars(
        select(Post.post_number).where(
            Post.topic_id == topic.id,
            Post.reply_to_post_number == post_number,
            visible_condition(include_hidden),
        )
    ).all()
    posts = load_posts(session, topic, numbers, viewer=viewer)
    return [posts[n] for n in sorted(posts)]


def get_topic_view(session: Session, user: User | None) -> TopicView | None:
    """The member's chosen view, None when they never chose."""
    if user is None:
        return None
    return session.scalar(
        select(ForumPreference.topic_view).where(ForumPreference.user_id == user.id)
    )


def set_topic_view(session: Session, *, actor: User, view: TopicView) -> ForumPreference:
    preference = session.get(ForumPreference, actor.id)
    if preference is None:
        preference = ForumPreference(user_id=actor.id)
        session.add(preference)
    preference.topic_view = view
    return preference
