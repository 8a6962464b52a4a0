"""Every table of the application, imported once so the metadata (and Alembic) sees them all."""

from app.accounts.models import Skill, User, user_skill
from app.documents.models import Document, DocumentRevision, FileVersion, Folder, StoredFile
from app.networks.models import (
    CharterVersion,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    NetworkLink,
)
from app.notifications.models import MailOutbox
from app.ratelimit import RateLimitHit

__all__ = [
    "CharterVersion",
    "Document",
    "DocumentRevision",
    "FileVersion",
    "Folder",
    "Invitation",
    "JoinRequest",
    "MailOutbox",
    "Membership",
    "Network",
    "NetworkLink",
    "RateLimitHit",
    "Skill",
    "StoredFile",
    "User",
    "user_skill",
]
