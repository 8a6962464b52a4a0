"""Inputs of the account forms and API."""

import re
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from app.i18n import _
from app.networks.models import Role

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


class SignUp(BaseModel):
    username: str = Field(min_length=3, max_length=30)
    display_name: str = Field(min_length=1, max_length=80)
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=200)

    @field_validator("username")
    @classmethod
    def username_characters(cls, value: str) -> str:
        if not re.fullmatch(USERNAME_PATTERN, value):
            raise ValueError(_("Use only letters, digits, dots, dashes and underscores."))
        return value

    @field_validator("display_name")
    @classmethod
    def display_name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("This field is required."))
        return value.strip()


class SignIn(BaseModel):
    login: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=200)
    next: str = ""


class PasswordResetRequest(BaseModel):
    email: EmailStr = Field(max_length=254)


class PasswordReset(BaseModel):
    token: str = Field(min_length=1, max_length=500)
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class EmailChange(BaseModel):
    password: str = Field(min_length=1, max_length=200)
    email: EmailStr = Field(max_length=254)


class ProfileEdit(BaseModel):
    display_name: str = Field(min_length=1, max_length=80)
    trade: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=80)
    bio: str = Field(default="", max_length=2000)
    skills: str = Field(default="", max_length=500)
    locale: str = Field(default="", max_length=5)

    @field_validator("locale")
    @classmethod
    def known_locale(cls, value: str) -> str:
        if value not in ("", "fr", "en"):
            raise ValueError(_("Choose one of the options."))
        return value


class LanguageChoice(BaseModel):
    language: Literal["fr", "en"]
    next: str = "/"


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class MembershipOut(BaseModel):
    slug: str
    name: str
    role: Role


class MeOut(BaseModel):
    username: str
    display_name: str
    email: str
    trade: str
    organisation: str
    region: str
    bio: str
    skills: list[str]
    networks: list[MembershipOut]
    unread_notifications: int
