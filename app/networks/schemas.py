"""Inputs of the network forms and API."""

import re

from pydantic import BaseModel, EmailStr, Field, field_validator

from app.i18n import _
from app.networks.models import ContentVisibility, MembershipMode, RequestStatus, Role

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class NetworkSettings(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    purpose: str = Field(default="", max_length=5000)
    membership_mode: MembershipMode = MembershipMode.REQUEST
    content_visibility: ContentVisibility = ContentVisibility.MEMBERS

    @field_validator("name")
    @classmethod
    def name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("This field is required."))
        return value.strip()


class NetworkCreate(NetworkSettings):
    slug: str = Field(min_length=2, max_length=60)
    parent_slug: str = Field(default="", max_length=60)
    pilot_username: str = Field(min_length=1, max_length=30)

    @field_validator("slug")
    @classmethod
    def slug_shape(cls, value: str) -> str:
        if not SLUG_PATTERN.fullmatch(value):
            raise ValueError(_("Use lowercase letters, digits and single dashes."))
        return value


class JoinRequestCreate(BaseModel):
    message: str = Field(default="", max_length=2000)


class JoinRequestDecision(BaseModel):
    decision: RequestStatus
    message: str = Field(default="", max_length=2000)

    @field_validator("decision")
    @classmethod
    def decided(cls, value: RequestStatus) -> RequestStatus:
        if value == RequestStatus.PENDING:
            raise ValueError(_("Choose one of the options."))
        return value


class InvitationCreate(BaseModel):
    email: EmailStr = Field(max_length=254)


class RoleChange(BaseModel):
    role: Role


class CharterPublish(BaseModel):
    body: str = Field(min_length=1, max_length=50000)
    comment: str = Field(default="", max_length=200)


class LinkCreate(BaseModel):
    slug: str = Field(min_length=1, max_length=60)


class DirectoryFilter(BaseModel):
    skill: str = Field(default="", max_length=40)
    region: str = Field(default="", max_length=80)
    q: str = Field(default="", max_length=80)


class NetworkRef(BaseModel):
    slug: str
    name: str


class PersonRef(BaseModel):
    username: str
    display_name: str


class NetworkSummary(BaseModel):
    slug: str
    name: str
    purpose: str
    purpose_html: str
    membership_mode: MembershipMode
    content_visibility: ContentVisibility
    parent_slug: str | None
    # Your role when you are a member, else null.
    your_role: Role | None
    # Whether you may read the network's content (members-only networks: members).
    content_readable: bool


class NetworkStaff(BaseModel):
    pilots: list[PersonRef]
    copilots: list[PersonRef]
    animators: list[PersonRef]


class DirectoryMember(PersonRef):
    role: Role
    trade: str
    organisation: str


class NetworkDetail(NetworkSummary):
    charter_number: int
    member_count: int
    staff: NetworkStaff
    children: list[NetworkRef]
    linked_networks: list[NetworkRef]
    # The member directory: for the network's members only, else null.
    members: list[DirectoryMember] | None
