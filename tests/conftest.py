"""Shared fixtures: one migrated database per run, each test inside a rolled-back transaction.

`MAILLAGE_TEST_BACKEND=postgres` runs the same tests on a fresh PostgreSQL database.
Objects made through `session` are visible to the app's requests (same connection);
after a request changed them, call `session.expire_all()` before reading them again.
"""

import re

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import select
from starlette.testclient import TestClient

from app import i18n
from app.accounts import passwords
from app.cli import alembic_config
from app.config import Settings
from app.db import Database, make_engine
from app.main import create_app
from app.notifications.models import MailOutbox
from tests import databases
from tests.factories import ALL_FACTORIES, DEFAULT_PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def pytest_collection_modifyitems(config, items):
    if databases.backend() == "postgres":
        for item in items:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 at its lowest cost: the tests check behaviour, not hashing strength."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called outside a request (services, mail) translates into the context's language,
    French by default: the assertions read the English message ids, as with `settings`."""
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if databases.backend() == "postgres":
        if not databases.postgres_answers():
            pytest.exit("PostgreSQL does not answer: the PostgreSQL run is skipped.", returncode=0)
        url, drop = databases.create_postgres_database()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url):
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")
    engine = make_engine(database_url)
    if engine.dialect.name == "sqlite":
        databases.enable_sqlite_savepoints(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def db(connection) -> Database:
    return Database(bind=connection)


@pytest.fixture
def session(db):
    with db.sessions() as session:
        for factory in ALL_FACTORIES:
            factory._meta.sqlalchemy_session = session
        yield session


@pytest.fixture
def outbox(session):
    """The mail waiting to be sent, oldest first (reads fresh rows after requests)."""

    def read() -> list[MailOutbox]:
        session.expire_all()
        return list(session.scalars(select(MailOutbox).order_by(MailOutbox.id)))

    return read


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key",
        base_url="http://testserver",
        background_tasks=False,
        # Assertions read the English message ids; tests of the French default set "fr".
        language="en",
        # The same search tests run on Whoosh (SQLite run) and PostgreSQL full-text search.
        search_backend="postgres" if databases.backend() == "postgres" else "whoosh",
    )


@pytest.fixture
def app(settings, db) -> FastAPI:
    return create_app(settings, database=db)


class WebClient(TestClient):
    """A browser-like client: keeps cookies and sends the CSRF token with forms."""

    def csrf_token(self) -> str:
        page = self.get("/login")
        match = CSRF_PATTERN.search(page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        return self.post(
            url, data=data, follow_redirects=kwargs.pop("follow_redirects", False), **kwargs
        )

    def login(self, user, password: str = DEFAULT_PASSWORD):
        response = self.post_form("/login", {"login": user.username, "password": password})
        assert response.status_code == 303, response.text
        return response


@pytest.fixture
def client(app) -> WebClient:
    with WebClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def make_client(app):
    """More browsers for tests with several people."""
    clients = []

    def make() -> WebClient:
        client = WebClient(app, base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def search_backend(settings, db):
    """The backend the settings select (Whoosh here, PostgreSQL on the PostgreSQL run)."""
    from app.search import service as search_service

    backend = search_service.get_backend(settings, db)
    yield backend
    if hasattr(backend, "close"):
        backend.close()


@pytest.fixture
def index_documents(search_backend):
    """index_documents(doc, ...): put SearchDocuments straight into the index."""

    def index(*documents):
        with search_backend.writer_lock(5) as locked:
            assert locked
            search_backend.apply(list(documents), [])

    return index


@pytest.fixture
def committed_db(tmp_path):
    """A database of its own, migrated, whose commits are real: for background threads and
    several connections, which the rolled-back test transaction cannot serve."""
    from alembic import command

    drop = None
    if databases.backend() == "postgres":
        url, drop = databases.create_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'committed.db'}"
    command.upgrade(alembic_config(url), "head")
    database = Database(url)
    yield database
    database.engine.dispose()
    if drop is not None:
        drop()
