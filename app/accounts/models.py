"""People: accounts, profiles and skills."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

user_skill = Table(
    "user_skill",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped when the password changes: signed sessions and reset links made before are void.
    auth_version: Mapped[int] = mapped_column(default=1)
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trade: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(80), default="", index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(5))

    skills: Mapped[list["Skill"]] = relationship(
        secondary=user_skill, back_populates="users", order_by="Skill.name"
    )


class Skill(Base):
    """A free tag a member puts on their profile; `name` is the normalised form."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(40))

    users: Mapped[list[User]] = relationship(secondary=user_skill, back_populates="skills")


class ApiKey(Base):
    """A member's key for the JSON API; only the SHA-256 of the key is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The key's first characters, shown so its owner can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
