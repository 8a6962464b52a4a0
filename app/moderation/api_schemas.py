"""Inputs and outputs of the moderation JSON API (documented in OpenAPI)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.forum.models import PinScope
from app.forum.posting import TITLE_MAX
from app.moderation.content_models import WatchedAction
from app.moderation.posts import REASON_MAX


class ReasonIn(BaseModel):
    reason: str = Field(
        default="",
        max_length=REASON_MAX,
        description="Required to hide, delete, edit and warn; shown to the author and logged.",
    )


class TopicEditIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    tags: list[str] = Field(default_factory=list, max_length=5)
    reason: str = Field(default="", max_length=REASON_MAX)


class PinIn(BaseModel):
    pin_scope: PinScope = PinScope.NONE
    is_announcement: bool = False


class SettingsIn(BaseModel):
    flags_to_hide: int = Field(ge=0, le=100, description="Open flags that hide a post (0: never).")
    new_member_hold: int = Field(
        ge=0, le=100, description="First posts of a new member held for approval (0: off)."
    )


class FlagOut(BaseModel):
    id: int
    post_id: int
    reason: str
    text: str
    by: str | None = Field(description="The member's username; null for a watched word.")
    created_at: datetime


class ModeratedPostOut(BaseModel):
    id: int
    topic_id: int
    post_number: int
    author: str | None
    body: str
    url: str
    hidden: bool
    held: bool
    deleted: bool
    hidden_reason: str
    deleted_reason: str
    staff_edit_reason: str


class QueueItemOut(BaseModel):
    post: ModeratedPostOut
    topic_title: str
    flags: list[FlagOut]


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    page: int
    has_more: bool


class ModeratedTopicOut(BaseModel):
    id: int
    title: str
    slug: str
    url: str
    category_slug: str | None
    tags: list[str]
    closed: bool
    archived: bool
    hidden: bool
    pin_scope: PinScope
    is_announcement: bool
    slow_mode_minutes: int
    merged_into_id: int | None
    post_count: int


class WatchedWordIn(BaseModel):
    word: str = Field(
        min_length=1, max_length=100, description="A word or pattern; `*` stands for any letters."
    )
    action: WatchedAction


class WatchedWordOut(BaseModel):
    id: int
    word: str
    action: WatchedAction
    created_at: datetime


class SettingsOut(BaseModel):
    flags_to_hide: int
    new_member_hold: int


class LogEntryOut(BaseModel):
    id: int
    action: str
    label: str
    actor: str | None = Field(description="The staff member's username; null for the system.")
    target_kind: str
    target_id: int | None
    target_label: str
    target_url: str | None
    reason: str
    details: dict[str, Any]
    created_at: datetime


class LogOut(BaseModel):
    entries: list[LogEntryOut]
    page: int
    has_more: bool
