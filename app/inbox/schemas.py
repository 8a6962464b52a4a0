"""Inputs and outputs of the request inbox's forms and API."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.inbox.models import RequestKind, RequestStatus
from app.inbox.service import BODY_MAX, SUBJECT_MAX
from app.networks.models import RequestStatus as JoinStatus


class RequestCreate(BaseModel):
    kind: RequestKind = RequestKind.QUESTION
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")


class MessageCreate(BaseModel):
    body: str = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")


class AssignForm(BaseModel):
    assignee: str = Field(
        default="", max_length=30, description="A staff member's username; empty: nobody."
    )


class JoinDecision(BaseModel):
    decision: JoinStatus
    message: str = Field(default="", max_length=2000, description="Sent to the person.")


class PersonOut(BaseModel):
    username: str
    display_name: str

    @classmethod
    def of(cls, user) -> "PersonOut | None":
        return cls(username=user.username, display_name=user.display_name) if user else None


class MessageOut(BaseModel):
    id: int
    author: PersonOut | None
    from_staff: bool
    body: str
    body_html: str
    created_at: datetime

    @classmethod
    def of(cls, message) -> "MessageOut":
        return cls(
            id=message.id,
            author=PersonOut.of(message.author),
            from_staff=message.from_staff,
            body=message.body,
            body_html=message.body_html,
            created_at=message.created_at,
        )


class RequestOut(BaseModel):
    id: int
    network_slug: str
    kind: RequestKind
    subject: str
    status: RequestStatus
    sender: PersonOut | None
    assigned_to: PersonOut | None
    join_request_status: JoinStatus | None = Field(description="For a request to join, its answer.")
    created_at: datetime
    last_message_at: datetime
    closed_at: datetime | None
    message_count: int | None = None
    url: str

    @classmethod
    def of(cls, request, message_count: int | None = None) -> "RequestOut":
        return cls(
            id=request.id,
            network_slug=request.network.slug,
            kind=request.kind,
            subject=request.subject,
            status=request.status,
            sender=PersonOut.of(request.sender),
            assigned_to=PersonOut.of(request.assigned_to),
            join_request_status=request.join_request.status if request.join_request else None,
            created_at=request.created_at,
            last_message_at=request.last_message_at,
            closed_at=request.closed_at,
            message_count=message_count,
            url=f"/requests/{request.id}",
        )


class ThreadOut(RequestOut):
    messages: list[MessageOut]
