"""Test databases: a fresh SQLite file, or a fresh PostgreSQL database, migrated with Alembic."""

import os
import uuid

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("MAILLAGE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def postgres_answers() -> bool:
    try:
        engine = create_engine(postgres_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def backend() -> str:
    return os.environ.get("MAILLAGE_TEST_BACKEND", "sqlite")


def create_postgres_database() -> tuple[str, callable]:
    """A new empty database on the test server; returns its URL and a function that drops it."""
    admin_url = make_url(postgres_admin_url())
    name = f"maillage_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def enable_sqlite_savepoints(engine: Engine) -> None:
    """Let pysqlite nest SAVEPOINTs inside the outer test transaction (SQLAlchemy's recipe)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _explicit_begin(connection):
        connection.exec_driver_sql("BEGIN")
