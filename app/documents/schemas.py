"""Inputs of the document space forms and API, and the API's outputs."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.documents.models import DocumentKind
from app.documents.space import FILE_KIND, SORTS
from app.forum.posting import BODY_MAX, TITLE_MAX, TITLE_MIN
from app.i18n import _
from app.web.errors import ErrorDetail


def _optional_int(value):
    # Forms send "" for "none chosen".
    return None if value in ("", None) else value


class FolderCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    parent_id: int | None = None

    _parent = field_validator("parent_id", mode="before")(_optional_int)


class FolderRename(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class DocumentCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: DocumentKind = DocumentKind.FREE
    folder_id: int | None = None
    body: str = Field(default="", max_length=500_000)
    comment: str = Field(default="", max_length=200)

    _folder = field_validator("folder_id", mode="before")(_optional_int)


class RevisionSubmit(BaseModel):
    base_number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=500_000)
    comment: str = Field(default="", max_length=200)


class RevertRequest(BaseModel):
    number: int = Field(ge=1)
    comment: str = Field(default="", max_length=200)


class DiscussionStart(BaseModel):
    category: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)


class Preview(BaseModel):
    body: str = Field(default="", max_length=500_000)


class SpaceQuery(BaseModel):
    kind: str = ""
    folder: int | None = None
    author: int | None = None
    since: date | None = None
    until: date | None = None
    sort: str = "recent"
    page: int = Field(default=1, ge=1, le=10_000)

    _blank = field_validator("folder", "author", "since", "until", mode="before")(_optional_int)

    @field_validator("kind")
    @classmethod
    def known_kind(cls, value: str) -> str:
        if value and value != FILE_KIND and value not in DocumentKind.__members__.values():
            raise ValueError(_("Choose one of the options."))
        return value

    @field_validator("sort")
    @classmethod
    def known_sort(cls, value: str) -> str:
        return value if value in SORTS else "recent"


class DiffQuery(BaseModel):
    # "from" is a Python keyword: the query names are kept, the fields are renamed.
    model_config = ConfigDict(populate_by_name=True)

    old: int = Field(ge=1, alias="from")
    new: int = Field(ge=1, alias="to")
    view: str = "inline"


# --- API outputs -------------------------------------------------------------------


class FolderOut(BaseModel):
    id: int
    name: str
    parent_id: int | None
    created_at: datetime


class FileVersionOut(BaseModel):
    number: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None
    created_at: datetime
    download_url: str


class FileOut(BaseModel):
    id: int
    name: str
    folder_id: int | None
    version_count: int
    updated_at: datetime
    latest: FileVersionOut


class FileDetailOut(FileOut):
    versions: list[FileVersionOut]


class RevisionOut(BaseModel):
    number: int
    title: str
    comment: str
    author: str | None
    created_at: datetime
    base_number: int | None
    reverted_from_number: int | None


class RevisionDetailOut(RevisionOut):
    body: str
    body_html: str


class ContributorOut(BaseModel):
    username: str
    display_name: str
    revisions: int
    last_at: datetime


class DocumentOut(BaseModel):
    id: int
    title: str
    kind: DocumentKind
    folder_id: int | None
    head_number: int
    created_at: datetime
    updated_at: datetime
    updated_by: str | None
    # The forum topic where the document is discussed, if one was started.
    topic_id: int | None


class DocumentDetailOut(DocumentOut):
    current: RevisionDetailOut
    contributors: list[ContributorOut]


class SaveOut(BaseModel):
    revision: RevisionDetailOut
    merged_revisions: list[int]
    note: str


class MergeConflictOut(BaseModel):
    head_number: int
    head_title: str
    head_body: str
    your_title: str
    your_body: str
    merged_title: str
    merged_body: str
    conflicts: int


class ConflictOut(BaseModel):
    error: ErrorDetail
    merge: MergeConflictOut


class SpaceItemOut(BaseModel):
    type: str
    id: int
    title: str
    kind: str
    folder_id: int | None
    folder_name: str | None
    updated_at: datetime
    updated_by: str | None
    size: int | None
    content_type: str | None


class SpacePageOut(BaseModel):
    items: list[SpaceItemOut]
    page: int
    has_more: bool


class DiffSegmentOut(BaseModel):
    op: str
    text: str


class DiffLineOut(BaseModel):
    kind: str
    old_number: int | None
    new_number: int | None
    old: list[DiffSegmentOut]
    new: list[DiffSegmentOut]


class DiffHunkOut(BaseModel):
    skipped_before: int
    lines: list[DiffLineOut]


class DiffOut(BaseModel):
    old_number: int
    new_number: int
    added: int
    removed: int
    skipped_after: int
    hunks: list[DiffHunkOut]
