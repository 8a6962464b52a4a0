"""Settings from the environment (MAILLAGE_*), read once into one object."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    language: str = "fr"
    timezone: str = "Europe/Paris"
    environment: str = "development"

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Maillage <noreply@maillage.localhost>"

    password_reset_max_age_seconds: int = 3600
    invitation_max_age_days: int = 14
    signin_attempts_per_account: int = Field(default=5, description="per 15 minutes")
    signin_attempts_per_address: int = Field(default=20, description="per 15 minutes")
    signup_attempts_per_address: int = Field(default=10, description="per hour")
    api_key_failures_per_address: int = Field(default=20, description="per 15 minutes")
    posts_per_ten_minutes: int = Field(default=20, description="per member, topics and replies")
    background_tasks: bool = True
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, gt=0, description="per uploaded file")

    # "whoosh": an index in the data folder (one machine); "postgres": PostgreSQL full-text
    # search in the database itself, shared by every app server (needs a PostgreSQL database).
    search_backend: Literal["whoosh", "postgres"] = "whoosh"
    search_per_minute: int = Field(default=60, description="searches per address or member; 0: no limit")
    suggest_per_minute: int = Field(default=240, description="search-as-you-type requests; 0: no limit")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'maillage.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def search_dir(self) -> Path:
        return self.data_dir / "search"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once into the data folder.

        Generating it keeps secrets out of the code while letting a fresh
        checkout run with no set-up; the file is readable by its owner only.
        """
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
