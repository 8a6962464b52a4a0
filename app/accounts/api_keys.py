"""API keys: a member's secret for the JSON API, shown once and stored as a SHA-256 hash.

A key is `mlg_` followed by 43 random URL-safe characters (256 bits), so a plain,
unsalted SHA-256 is enough: there is nothing to guess that a slow hash would protect.
Functions change rows in the caller's transaction and never commit.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import ApiKey, User
from app.db import utcnow
from app.errors import DomainError, Invalid, NotFound
from app.i18n import _
from app.ratelimit import check_limit, record_hit

KEY_PREFIX = "mlg_"
PREFIX_SHOWN = len(KEY_PREFIX) + 6
MAX_ACTIVE_KEYS = 20
FAILURE_WINDOW = timedelta(minutes=15)
# last_used_at is a hint for the owner, not an audit log: writing it on every request
# would turn every API read into a write.
LAST_USED_PRECISION = timedelta(minutes=5)


class InvalidApiKey(DomainError):
    status_code = 401
    code = "invalid_api_key"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def list_api_keys(session: Session, *, user_id: int) -> list[ApiKey]:
    """The member's keys, revoked ones included, newest first."""
    return list(
        session.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id.desc()))
    )


def get_api_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound()
    return key


def create_api_key(session: Session, *, actor: User, name: str) -> tuple[ApiKey, str]:
    """Create a key for `actor`; returns the row and the key itself, which is never stored.

    Raises Invalid past MAX_ACTIVE_KEYS keys still in use. Flushes for the id.
    """
    name = name.strip()
    if not name:
        raise Invalid(_("This field is required."), field="name")
    active = sum(1 for key in list_api_keys(session, user_id=actor.id) if key.revoked_at is None)
    if active >= MAX_ACTIVE_KEYS:
        raise Invalid(
            _("You already have %(n)s keys in use: revoke one first.", n=MAX_ACTIVE_KEYS),
            field="name",
        )
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(user_id=actor.id, name=name, prefix=plain[:PREFIX_SHOWN], key_hash=hash_key(plain))
    session.add(key)
    session.flush()
    return key, plain


def revoke_api_key(session: Session, *, key: ApiKey, now: datetime | None = None) -> None:
    """Revoke `key` (the policy checked it is the actor's); revoking twice changes nothing."""
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()


def authenticate(
    session: Session, *, presented: str, address: str, failures_per_address: int
) -> User:
    """The owner of the key `presented`, or InvalidApiKey for an unknown or revoked key.

    Each failure counts against the client address; past `failures_per_address`
    failures in 15 minutes every attempt from it is refused (RateLimited) before the
    key is looked at. Updates `last_used_at` at most every few minutes. The caller
    commits either way, so failures are remembered.
    """
    check_limit(
        session,
        scope="api-key-address",
        key=address,
        limit=failures_per_address,
        window=FAILURE_WINDOW,
    )
    digest = hash_key(presented.strip())
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    if key is None or key.revoked_at is not None:
        record_hit(session, scope="api-key-address", key=address)
        raise InvalidApiKey(_("This API key is not valid or has been revoked."))
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        key.last_used_at = now
    return key.user
