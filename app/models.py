"""Every table of the application, imported once so the metadata (and Alembic) sees them all."""

from app.accounts.models import ApiKey, Skill, User, user_skill
from app.forum.models import (
    Category,
    CategoryUser,
    Draft,
    ForumPreference,
    Post,
    PostLike,
    PostRevision,
    Tag,
    Topic,
    TopicTag,
    TopicUser,
)
from app.documents.models import Document, DocumentRevision, FileVersion, Folder, StoredFile
from app.moderation.content_models import Flag, ModerationSetting, WatchedWord
from app.moderation.models import ModerationLogEntry
from app.moderation.sanction_models import MemberNote, MemberSanction
from app.inbox.models import InboxMessage, InboxRequest
from app.networks.models import (
    CharterVersion,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    NetworkLink,
)
from app.notifications.models import MailOutbox, Notification, NotificationSetting
from app.ratelimit import RateLimitHit
from app.search.models import SearchOutbox

__all__ = [
    "ApiKey",
    "Category",
    "CategoryUser",
    "Draft",
    "ForumPreference",
    "Post",
    "PostLike",
    "PostRevision",
    "Tag",
    "Topic",
    "TopicTag",
    "TopicUser",
    "CharterVersion",
    "Document",
    "DocumentRevision",
    "FileVersion",
    "Flag",
    "Folder",
    "Invitation",
    "JoinRequest",
    "MailOutbox",
    "ModerationLogEntry",
    "ModerationSetting",
    "Membership",
    "Network",
    "NetworkLink",
    "Notification",
    "NotificationSetting",
    "RateLimitHit",
    "SearchOutbox",
    "Skill",
    "StoredFile",
    "User",
    "WatchedWord",
    "user_skill",
    "MemberNote",
    "MemberSanction",
    "InboxMessage",
    "InboxRequest",
]
