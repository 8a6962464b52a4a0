"""Alembic migrations and models describe the same schema, and migrations run both ways."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, Table, inspect

from app import models  # noqa: F401  (every table registered)
from app.cli import alembic_config
from app.db import Base, include_object, make_engine


def test_migrations_match_the_models(engine):
    """Fails when a model changed without its migration (run `alembic revision --autogenerate`)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_comparison_sees_a_model_change_without_migration(engine):
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["user"].append_column(Column("shoe_size", Integer))
    Table("not_migrated", metadata, Column("id", Integer, primary_key=True))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    kinds = {(diff[0], getattr(diff[-1], "name", None)) for diff in differences}
    assert ("add_table", "not_migrated") in kinds
    assert ("add_column", "shoe_size") in kinds


def test_the_test_database_is_at_the_single_head(engine):
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)


def test_downgrade_to_base_then_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
