"""Every table of the application, imported once so the metadata (and Alembic) sees them all."""

from app.accounts.models import Skill, User, user_skill
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
from app.search.models import SearchOutbox

__all__ = [
    "CharterVersion",
    "Invitation",
    "JoinRequest",
    "MailOutbox",
    "Membership",
    "Network",
    "NetworkLink",
    "RateLimitHit",
    "SearchOutbox",
    "Skill",
    "User",
    "user_skill",
]
