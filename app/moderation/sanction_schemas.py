"""Inputs and outputs of the member sanction and staff note forms and API."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from app.moderation.notes import NOTE_MAX
from app.moderation.sanction_models import SanctionKind
from app.moderation.sanctions import REASON_MAX, SITE_TIMEZONE


def _local(value: datetime) -> datetime:
    # A browser's datetime-local field has no zone: it is the site's time.
    return value.replace(tzinfo=SITE_TIMEZONE) if value.tzinfo is None else value


class AccountSuspensionForm(BaseModel):
    until: datetime
    reason: str = Field(min_length=1, max_length=REASON_MAX)

    @field_validator("until")
    @classmethod
    def until_in_site_time(cls, value: datetime) -> datetime:
        return _local(value)


class SanctionForm(AccountSuspensionForm):
    kind: SanctionKind


class LiftForm(BaseModel):
    reason: str = Field(default="", max_length=REASON_MAX)


class NoteForm(BaseModel):
    body: str = Field(min_length=1, max_length=NOTE_MAX)


# --- API ----------------------------------------------------------------------------------


class SanctionIn(BaseModel):
    until: AwareDatetime = Field(description="When it ends, with its time zone (ISO 8601).")
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="Sent to the person.")


class LiftIn(BaseModel):
    reason: str = Field(default="", max_length=REASON_MAX)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=NOTE_MAX, description="Markdown.")


class PersonOut(BaseModel):
    username: str
    display_name: str

    @classmethod
    def of(cls, user) -> "PersonOut":
        return cls(username=user.username, display_name=user.display_name)


class SanctionOut(BaseModel):
    id: int
    network_slug: str | None
    person: PersonOut
    kind: SanctionKind
    reason: str
    created_at: datetime
    ends_at: datetime
    lifted_at: datetime | None
    created_by: PersonOut | None

    @classmethod
    def of(cls, sanction) -> "SanctionOut":
        return cls(
            id=sanction.id,
            network_slug=sanction.network.slug if sanction.network else None,
            person=PersonOut.of(sanction.user),
            kind=sanction.kind,
            reason=sanction.reason,
            created_at=sanction.created_at,
            ends_at=sanction.ends_at,
            lifted_at=sanction.lifted_at,
            created_by=PersonOut.of(sanction.created_by) if sanction.created_by else None,
        )


class NoteOut(BaseModel):
    id: int
    author: PersonOut | None
    body: str
    body_html: str
    created_at: datetime

    @classmethod
    def of(cls, note) -> "NoteOut":
        return cls(
            id=note.id,
            author=PersonOut.of(note.author) if note.author else None,
            body=note.body,
            body_html=note.body_html,
            created_at=note.created_at,
        )
