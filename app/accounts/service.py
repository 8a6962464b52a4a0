"""Accounts: sign-up, sign-in, password reset and change, email change, profiles.

Functions change rows and queue mail in the caller's transaction; they never commit.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.models import Skill, User
from app.errors import Conflict, Invalid, NotFound, RateLimited
from app.i18n import _
from app.notifications import service as notifications_service
from app.ratelimit import check_limit, clear_hits, record_hit

SIGNIN_WINDOW = timedelta(minutes=15)
SIGNUP_WINDOW = timedelta(hours=1)
RESET_SALT = "password-reset"
MAX_SKILLS = 20


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def get_user_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise NotFound()
    return user


def map_user_ids(session: Session, usernames: Iterable[str]) -> dict[str, int]:
    """{username: id} of the accounts among `usernames` (unknown names are left out)."""
    names = {name.lower() for name in usernames}
    if not names:
        return {}
    return dict(session.execute(select(User.username, User.id).where(User.username.in_(names))).all())


def map_display_names(session: Session, user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{id: (username, display name)} of these accounts, in one query."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username, User.display_name).where(User.id.in_(ids)))
    return {row.id: (row.username, row.display_name) for row in rows}


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def find_user_by_login(session: Session, login: str) -> User | None:
    """The account whose username or email is `login`."""
    login = login.strip().lower()
    return session.scalar(select(User).where((User.username == login) | (User.email == login)))


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    email: str,
    password: str,
    is_site_admin: bool = False,
) -> User:
    """Create an account. Raises Conflict for a taken username or email, Invalid for a weak password."""
    username = username.lower()
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(_("This username is already taken."), field="username")
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_("An account already uses this email address."), field="email")
    passwords.check_strength(password, username=username, email=email)
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email,
        password_hash=passwords.hash_password(password),
        is_site_admin=is_site_admin,
    )
    session.add(user)
    session.flush()  # the id is needed by the caller (session cookie, memberships)
    return user


def check_signup_rate(session: Session, *, address: str, limit: int) -> None:
    """Count one sign-up attempt from `address`; raise RateLimited past `limit` an hour."""
    check_limit(session, scope="signup", key=address, limit=limit, window=SIGNUP_WINDOW)
    record_hit(session, scope="signup", key=address)


def authenticate(
    session: Session,
    *,
    login: str,
    password: str,
    address: str,
    per_account: int,
    per_address: int,
) -> User | None:
    """The user whose username or email is `login` and whose password matches, else None.

    Every attempt counts against the client address and every failure against the
    account; past either limit the attempt is refused with RateLimited before the
    password is even checked, so guessing cannot go on. The caller commits either way.
    """
    check_limit(session, scope="signin-address", key=address, limit=per_address, window=SIGNIN_WINDOW)
    record_hit(session, scope="signin-address", key=address)
    user = find_user_by_login(session, login)
    account_key = str(user.id) if user else login.strip().lower()[:200]
    try:
        check_limit(
            session, scope="signin-account", key=account_key, limit=per_account, window=SIGNIN_WINDOW
        )
    except RateLimited:
        raise RateLimited(
            _("Too many failed sign-ins for this account. Try again in 15 minutes, or reset your password.")
        ) from None
    if user is None or not passwords.verify_password(user.password_hash, password):
        record_hit(session, scope="signin-account", key=account_key)
        return None
    clear_hits(session, scope="signin-account", key=account_key)
    return user


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def make_reset_token(user: User, *, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"uid": user.id, "av": user.auth_version})


def request_password_reset(
    session: Session, *, email: str, secret_key: str, reset_url: str, max_age_seconds: int
) -> None:
    """Mail a signed reset link when an account has `email`; say nothing either way.

    The link holds the account's auth version, so it stops working once used
    (the password change bumps the version) and after `max_age_seconds`.
    """
    user = find_user_by_email(session, email)
    if user is None:
        return
    token = make_reset_token(user, secret_key=secret_key)
    minutes = max_age_seconds // 60
    notifications_service.queue_mail(
        session,
        to_address=user.email,
        subject=_("Reset your Maillage password"),
        body_text=_(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your Maillage account "
            "(%(username)s). To choose a new password, open this link within %(minutes)s minutes:\n\n"
            "%(url)s\n\nIf you did not ask for it, ignore this message: your password stays as it is.\n",
            name=user.display_name,
            username=user.username,
            minutes=minutes,
            url=f"{reset_url}?token={token}",
        ),
    )


def user_for_reset_token(session: Session, *, token: str, secret_key: str, max_age_seconds: int) -> User:
    """The account a valid reset token names. Raises Invalid when expired, forged or used."""
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise Invalid(_("This reset link has expired. Ask for a new one."), code="token_expired") from None
    except BadSignature:
        raise Invalid(_("This reset link is not valid."), code="token_invalid") from None
    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.auth_version != data.get("av"):
        raise Invalid(_("This reset link has already been used."), code="token_used")
    return user


def _set_password(user: User, password: str) -> None:
    passwords.check_strength(password, username=user.username, email=user.email)
    user.password_hash = passwords.hash_password(password)
    user.auth_version += 1


def reset_password(
    session: Session, *, token: str, password: str, secret_key: str, max_age_seconds: int
) -> User:
    """Set a new password from a reset link; every other session of the account ends."""
    user = user_for_reset_token(
        session, token=token, secret_key=secret_key, max_age_seconds=max_age_seconds
    )
    _set_password(user, password)
    return user


def change_password(session: Session, *, actor: User, current_password: str, new_password: str) -> None:
    """Raises Invalid (field current_password) when the current password is wrong."""
    if not passwords.verify_password(actor.password_hash, current_password):
        raise Invalid(_("The current password is not right."), field="current_password")
    try:
        _set_password(actor, new_password)
    except Invalid as error:
        raise Invalid(error.message, field="new_password") from None


def change_email(session: Session, *, actor: User, password: str, email: str) -> None:
    """Change the sign-in address after checking the password; the old address is told."""
    if not passwords.verify_password(actor.password_hash, password):
        raise Invalid(_("The password is not right."), field="password")
    email = normalize_email(email)
    if email == actor.email:
        return
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_("An account already uses this email address."), field="email")
    notifications_service.queue_mail(
        session,
        to_address=actor.email,
        subject=_("Your Maillage email address was changed"),
        body_text=_(
            "Hello %(name)s,\n\nThe email address of your Maillage account is now %(email)s.\n"
            "If you did not make this change, reset your password at once.\n",
            name=actor.display_name,
            email=email,
        ),
    )
    actor.email = email


def skill_key(label: str) -> str:
    """Case, accents and spacing folded, so "Sécurité  réseau" and "securite reseau" are one skill."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", folded).strip()


def parse_skills(text: str) -> list[str]:
    labels = [re.sub(r"\s+", " ", part).strip()[:40] for part in text.split(",")]
    unique: dict[str, str] = {}
    for label in labels:
        if label and skill_key(label) not in unique:
            unique[skill_key(label)] = label
    if len(unique) > MAX_SKILLS:
        raise Invalid(_("At most %(n)s skills.", n=MAX_SKILLS), field="skills")
    return list(unique.values())


def update_profile(
    session: Session,
    *,
    actor: User,
    display_name: str,
    trade: str,
    organisation: str,
    region: str,
    bio: str,
    skills: list[str],
    locale: str | None,
) -> User:
    actor.display_name = display_name.strip()
    actor.trade = trade.strip()
    actor.organisation = organisation.strip()
    actor.region = region.strip()
    actor.bio = bio.strip()
    actor.locale = locale or None
    actor.skills = [_get_or_create_skill(session, label) for label in skills]
    return actor


def set_locale(session: Session, *, actor: User, locale: str) -> None:
    actor.locale = locale


def _get_or_create_skill(session: Session, label: str) -> Skill:
    key = skill_key(label)
    skill = session.scalar(select(Skill).where(Skill.name == key))
    if skill is None:
        skill = Skill(name=key, label=label)
        session.add(skill)
    return skill


def list_skills(session: Session, *, limit: int = 200) -> list[Skill]:
    return list(session.scalars(select(Skill).order_by(func.lower(Skill.label)).limit(limit)))
