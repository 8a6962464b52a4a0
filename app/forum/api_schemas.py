"""Inputs and outputs of the forum's JSON API (documented in OpenAPI)."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.forum.models import PinScope, ReadAccess, TopicAccess
from app.forum.posting import BODY_MAX, TITLE_MAX, TITLE_MIN


class TopicIn(BaseModel):
    category: str = Field(min_length=1, max_length=60, description="The category's slug.")
    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")
    tags: list[str] = Field(default_factory=list, max_length=5)


class ReplyIn(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")
    reply_to_post_id: int | None = Field(
        default=None, description="The post this reply answers (a post of the same topic)."
    )


class PostEditIn(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")
    title: str | None = Field(
        default=None, min_length=TITLE_MIN, max_length=TITLE_MAX, description="First post only."
    )
    tags: list[str] | None = Field(default=None, max_length=5, description="First post only.")
    comment: str = Field(default="", max_length=200, description="Why it changed.")


class Person(BaseModel):
    username: str
    display_name: str


class CategoryOut(BaseModel):
    slug: str
    name: str
    description: str
    colour: str
    position: int
    parent_slug: str | None
    read_access: ReadAccess
    topic_access: TopicAccess
    topic_count: int
    post_count: int
    last_posted_at: datetime | None
    url: str


class TopicSummaryOut(BaseModel):
    id: int
    title: str
    slug: str
    url: str
    network_slug: str
    category_slug: str | None
    tags: list[str]
    reply_count: int
    like_count: int
    participant_count: int
    created_at: datetime
    last_posted_at: datetime
    last_poster: str | None = Field(description="Display name of the last poster.")
    pin_scope: PinScope
    is_announcement: bool
    closed: bool
    answered: bool
    is_new: bool = Field(description="You never opened it (always false when signed out).")
    unread_count: int


class TopicListOut(BaseModel):
    items: list[TopicSummaryOut]
    page: int
    has_more: bool


class PostOut(BaseModel):
    id: int
    topic_id: int
    post_number: int
    reply_to_post_number: int | None
    author: Person | None
    body: str = Field(description="The Markdown source.")
    body_html: str = Field(description="Sanitised HTML, rendered when the post was saved.")
    created_at: datetime
    edited_at: datetime | None
    like_count: int
    reply_count: int
    liked: bool = Field(description="You like this post.")
    url: str


class TopicOut(BaseModel):
    id: int
    title: str
    slug: str
    url: str
    network_slug: str
    category_slug: str | None
    is_private: bool
    tags: list[str]
    closed: bool
    pin_scope: PinScope
    is_announcement: bool
    answer_post_number: int | None
    post_count: int
    participant_count: int
    like_count: int
    created_at: datetime
    last_posted_at: datetime
    page: int
    page_count: int
    posts: list[PostOut] = Field(description="The page's posts, in chronological order.")


class LikeOut(BaseModel):
    post_id: int
    like_count: int
    liked: bool
