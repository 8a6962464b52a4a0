"""Password hashing (Argon2) and the strength rule for new passwords."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import Invalid
from app.i18n import _

MIN_LENGTH = 10
_hasher = PasswordHasher()
# The most used passwords that pass the length rule; a longer list would add little here.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "0123456789", "motdepasse", "motdepasse1", "motdepasse123",
        "password12", "password123", "password1234", "azertyuiop", "qwertyuiop",
        "azerty1234", "qwerty1234", "1q2w3e4r5t", "iloveyou12", "soleil1234",
        "bonjour123", "maillage12", "maillage123", "administrateur", "changeme123",
    }
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_strength(password: str, *, username: str = "", email: str = "") -> None:
    """Raise Invalid (field `password`) when `password` is too weak to keep."""
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        raise Invalid(_("Use at least %(n)s characters.", n=MIN_LENGTH), field="password")
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise Invalid(_("This password is too easy to guess."), field="password")
    if username and username.lower() in lowered:
        raise Invalid(_("The password must not contain your username."), field="password")
    if email and email.split("@")[0].lower() in lowered:
        raise Invalid(_("The password must not contain your email address."), field="password")
