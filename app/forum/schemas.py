"""Inputs of the forum forms and API.

Lengths and shapes are checked here; what depends on the database (the category
exists, the answered post is in the topic) is checked by the services.
"""

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, field_validator

from app.forum.models import NotificationLevel, PinScope, ReadAccess, TopicAccess, TopicView
from app.forum.posting import BODY_MAX, TITLE_MAX, TITLE_MIN
from app.i18n import _

COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _empty_to_none(value):
    return None if value == "" else value


OptionalId = Annotated[int | None, BeforeValidator(_empty_to_none)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("This field is required."))
    return value


class TopicCreate(BaseModel):
    category: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    tags: str = Field(default="", max_length=200)
    pin_scope: PinScope = PinScope.NONE
    is_announcement: bool = False

    _blank_title = field_validator("title")(_not_blank)
    _blank_body = field_validator("body")(_not_blank)


class ReplyCreate(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX)
    reply_to_post_id: OptionalId = None

    _blank_body = field_validator("body")(_not_blank)


class PostEdit(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX)
    title: str | None = Field(default=None, min_length=TITLE_MIN, max_length=TITLE_MAX)
    tags: str | None = Field(default=None, max_length=200)
    comment: str = Field(default="", max_length=200)

    _blank_body = field_validator("body")(_not_blank)


class MessageCreate(BaseModel):
    recipients: str = Field(min_length=1, max_length=1000)
    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)

    _blank_title = field_validator("title")(_not_blank)
    _blank_body = field_validator("body")(_not_blank)

    @property
    def usernames(self) -> list[str]:
        names = re.split(r"[\s,;]+", self.recipients)
        return list(dict.fromkeys(name.lstrip("@").lower() for name in names if name.lstrip("@")))


class CategoryForm(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    slug: str = Field(min_length=2, max_length=60)
    description: str = Field(default="", max_length=1000)
    colour: str = Field(default="#1d4f6e", max_length=7)
    position: int = Field(default=0, ge=0, le=10000)
    parent: str = Field(default="", max_length=60)
    read_access: ReadAccess = ReadAccess.EVERYONE
    topic_access: TopicAccess = TopicAccess.MEMBERS

    _blank_name = field_validator("name")(_not_blank)

    @field_validator("slug")
    @classmethod
    def slug_shape(cls, value: str) -> str:
        if not SLUG_PATTERN.fullmatch(value):
            raise ValueError(_("Use lowercase letters, digits and single dashes."))
        return value

    @field_validator("colour")
    @classmethod
    def colour_shape(cls, value: str) -> str:
        if not COLOUR_PATTERN.fullmatch(value):
            raise ValueError(_("A colour is written #rrggbb."))
        return value.lower()


class LevelChange(BaseModel):
    level: NotificationLevel


class PinChange(BaseModel):
    pin_scope: PinScope = PinScope.NONE
    is_announcement: bool = False


class ViewChange(BaseModel):
    view: TopicView
    next: str = Field(default="", max_length=500)


class DraftSave(BaseModel):
    key: str = Field(min_length=1, max_length=60)
    title: str = Field(default="", max_length=TITLE_MAX)
    body: str = Field(default="", max_length=BODY_MAX)
    reply_to_post_id: OptionalId = None
    next: str = Field(default="", max_length=500)


class ListFilter(BaseModel):
    category: str = Field(default="", max_length=60)
    tag: str = Field(default="", max_length=30)
    page: int = Field(default=1, ge=1, le=100000)
