"""Inputs of the moderation forms and API; lengths and shapes only (services check the rest)."""

from typing import Literal

from pydantic import BaseModel, Field

from app.forum.posting import BODY_MAX, TITLE_MAX
from app.moderation.content_models import WatchedAction
from app.moderation.flags import TEXT_MAX
from app.moderation.posts import REASON_MAX
from app.moderation.settings import MAX_SETTING
from app.moderation.topics import SLOW_MODE_MAX

FlagReasonIn = Literal["off_topic", "inappropriate", "spam", "breaks_charter", "other"]
PostActionName = Literal["hide", "restore", "delete", "undelete", "approve", "warn"]
TopicStateName = Literal["close", "reopen", "archive", "unarchive"]


class FlagCreate(BaseModel):
    reason: FlagReasonIn
    text: str = Field(default="", max_length=TEXT_MAX)


class ReasonForm(BaseModel):
    reason: str = Field(default="", max_length=REASON_MAX)
    # Where to go back to after the action (a path on this site); the queue by default.
    next: str = Field(default="", max_length=500)


class StaffEdit(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX)
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class TopicMove(BaseModel):
    category: str = Field(min_length=1, max_length=60)
    reason: str = Field(default="", max_length=REASON_MAX)


class TopicEdit(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    tags: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=REASON_MAX)


class SlowMode(BaseModel):
    minutes: int = Field(ge=0, le=SLOW_MODE_MAX)


class TopicSplit(BaseModel):
    post_numbers: list[int] = Field(min_length=1, max_length=500)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    reason: str = Field(default="", max_length=REASON_MAX)


class TopicMerge(BaseModel):
    into: int = Field(ge=1)
    reason: str = Field(default="", max_length=REASON_MAX)


class WordCreate(BaseModel):
    word: str = Field(min_length=1, max_length=100)
    action: WatchedAction


class SettingsForm(BaseModel):
    flags_to_hide: int = Field(ge=0, le=MAX_SETTING)
    new_member_hold: int = Field(ge=0, le=MAX_SETTING)


class LogFilter(BaseModel):
    action: str = Field(default="", max_length=40)
    actor: str = Field(default="", max_length=60)
    kind: str = Field(default="", max_length=20)
    page: int = Field(default=1, ge=1, le=100000)
