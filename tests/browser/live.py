"""The real server in a subprocess, the data tests seed into it, and what pages complain about.

The server is uvicorn running `app.main:app` on a SQLite file migrated by `maillage db
upgrade` in a fresh data folder. Tests write the people and networks they need with
the app's own services, straight into that file, before the browser starts.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.db import Database
from app.inbox import service as inbox_service
from app.networks import charter as charter_service
from app.networks import service as networks_service
from app.networks.models import ContentVisibility, MembershipMode, Network, Role

PASSWORD = "tisser-le-maillage-42"  # noqa: S105  (a throwaway account on a throwaway server)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique(prefix: str) -> str:
    """A short name no other test of the session uses (usernames allow 30 characters)."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class Seeder:
    """Writes test data with the app's services, straight into the server's database."""

    def __init__(self, database_url: str) -> None:
        self.db = Database(database_url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.db.session() as session:
            yield session
            session.commit()

    def user(
        self,
        prefix: str = "user",
        display_name: str = "",
        *,
        is_site_admin: bool = False,
        **profile: str,
    ) -> User:
        """An account whose password is PASSWORD.

        `profile` may give trade, organisation, region, bio and skills (comma-separated).
        """
        username = unique(prefix)
        with self.session() as session:
            user = accounts_service.create_user(
                session,
                username=username,
                display_name=display_name or username,
                email=f"{username}@example.org",
                password=PASSWORD,
                is_site_admin=is_site_admin,
            )
            if profile:
                accounts_service.update_profile(
                    session,
                    actor=user,
                    display_name=user.display_name,
                    trade=profile.get("trade", ""),
                    organisation=profile.get("organisation", ""),
                    region=profile.get("region", ""),
                    bio=profile.get("bio", ""),
                    skills=accounts_service.parse_skills(profile.get("skills", "")),
                    locale=None,
                )
        return user

    def network(
        self,
        *,
        pilot: User,
        name: str,
        purpose: str,
        charter: str = "",
        membership_mode: MembershipMode = MembershipMode.REQUEST,
        content_visibility: ContentVisibility = ContentVisibility.MEMBERS,
        parent: Network | None = None,
    ) -> Network:
        """A network piloted by `pilot`, with a first charter version when `charter` is given."""
        with self.session() as session:
            pilot = session.merge(pilot)
            network = networks_service.create_network(
                session,
                actor=pilot,
                name=name,
                slug=unique("reseau-"),
                purpose=purpose,
                membership_mode=membership_mode,
                content_visibility=content_visibility,
                pilot=pilot,
                parent=session.merge(parent) if parent else None,
            )
            if charter:
                charter_service.publish_charter(
                    session, actor=pilot, network=network, body=charter, comment="Première version"
                )
        return network

    def join(self, user: User, network: Network, role: Role = Role.MEMBER) -> None:
        with self.session() as session:
            user, network = session.merge(user), session.merge(network)
            networks_service.join_network(session, actor=user, network=network)
            if role != Role.MEMBER:
                session.flush()
                networks_service.set_role(session, network=network, member=user, role=role)

    def category(self, network: Network, name: str) -> str:
        """A forum category of `network` open to its members; returns its slug."""
        from app.forum import categories

        slug = unique("cat-")
        with self.session() as session:
            categories.create_category(session, network=session.merge(network), name=name, slug=slug)
        return slug

    def request_to_join(self, user: User, network: Network, message: str) -> None:
        with self.session() as session:
            inbox_service.file_join_request(
                session, actor=session.merge(user), network=session.merge(network), message=message
            )


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    seed: Seeder
    log_path: Path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def errors_logged_since(self, offset: int) -> str:
        """The server's log from `offset` on when it holds a traceback, else an empty string."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
        return text if "Traceback" in text else ""

    def mail_to(self, address: str, *, timeout: float = 5.0) -> str:
        """The body of the first mail to `address` (without SMTP the server writes .eml files)."""
        mail_dir = self.data_dir / "mail"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []:
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if message["To"] == address:
                    return message.get_content()
            time.sleep(0.1)
        raise AssertionError(f"no mail to {address} within {timeout} s")


def _server_env(data_dir: Path, base_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAILLAGE_")}
    env.update(
        MAILLAGE_DATA_DIR=str(data_dir),
        MAILLAGE_BASE_URL=base_url,
        # Every sign-in of the session comes from 127.0.0.1; the per-address limits are
        # tested elsewhere, not here.
        MAILLAGE_SIGNIN_ATTEMPTS_PER_ADDRESS="1000",
        MAILLAGE_SIGNUP_ATTEMPTS_PER_ADDRESS="1000",
    )
    return env


def _wait_until_up(process: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server stopped at start-up:\n{log_path.read_text(errors='replace')}"
            )
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    log = log_path.read_text(errors="replace")
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s:\n{log}")


@contextmanager
def running_server(root: Path) -> Iterator[LiveServer]:
    """Migrates a database in `root`/data, serves it on a free port, stops the server on exit."""
    data_dir = root / "data"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir, url)
    # Run from the temporary folder, so no developer's .env file leaks into the server.
    subprocess.run(
        [str(Path(sys.executable).parent / "maillage"), "db", "upgrade"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    seeder = Seeder(f"sqlite:///{data_dir / 'maillage.db'}")
    try:
        _wait_until_up(process, url, log_path)
        yield LiveServer(url=url, data_dir=data_dir, seed=seeder, log_path=log_path)
    finally:
        seeder.db.engine.dispose()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class PageProblems:
    """What the browser complained about while a test ran."""

    csp: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        def on_console(message) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.csp.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
