"""Browser tests: the real app served by uvicorn on a free port, driven by Chromium.

The server uses its own migrated SQLite file for the whole run (a browser cannot share
the rolled-back test transaction); each test makes its own people, so tests stay
independent. `live.session()` gives a session whose factories write to that database;
commit before the browser looks.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn
from alembic import command
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.factories import ALL_FACTORIES, DEFAULT_PASSWORD

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    db: Database
    settings: Settings

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for setting up data; the factories write through it."""
        with self.db.session() as session:
            previous = [factory._meta.sqlalchemy_session for factory in ALL_FACTORIES]
            for factory in ALL_FACTORIES:
                factory._meta.sqlalchemy_session = session
            try:
                yield session
            finally:
                for factory, earlier in zip(ALL_FACTORIES, previous, strict=True):
                    factory._meta.sqlalchemy_session = earlier


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{data_dir / 'live.db'}"
    command.upgrade(alembic_config(database_url), "head")
    port = _free_port()
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        secret_key="browser-test-secret",
        base_url=f"http://127.0.0.1:{port}",
        background_tasks=False,
    )
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield LiveServer(url=settings.base_url, db=app.state.db, settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live):
    """A page in a fresh browser profile, with JavaScript."""
    context = browser.new_context(base_url=live.url, locale="en-GB")
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser, live):
    """A page in a fresh browser profile with JavaScript off: everything must still work."""
    context = browser.new_context(base_url=live.url, locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#login", username)
    page.fill("#password", password)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_load_state()
