"""The `maillage` command: every command documents itself, and the demo seeds once."""

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import cli
from app.db import Database
from app.networks.models import Network

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [["--help"], ["run", "--help"], ["db", "upgrade", "--help"], ["create-admin", "--help"], ["seed-demo", "--help"]]
)
def test_every_command_has_help(command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_upgrade_seed_demo_once_and_create_admin(tmp_path, monkeypatch):
    from app.config import get_settings

    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAILLAGE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        first = runner.invoke(cli, ["seed-demo", "--if-empty"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(cli, ["seed-demo", "--if-empty"])
        assert "no demo added" in second.output

        db = Database(f"sqlite:///{tmp_path / 'maillage.db'}")
        with db.session() as session:
            networks = session.scalars(select(Network).order_by(Network.slug)).all()
            assert [n.slug for n in networks] == ["rssi-occitanie", "rssi-public"]
            assert networks[0].parent_id == networks[1].id
            users_before = session.scalar(select(func.count()).select_from(User))

        created = runner.invoke(
            cli,
            ["create-admin", "--username", "root2", "--email", "root2@example.org", "--password", "une phrase assez longue"],
        )
        assert created.exit_code == 0, created.output
        weak = runner.invoke(
            cli, ["create-admin", "--username", "root3", "--email", "root3@example.org", "--password", "court"]
        )
        assert weak.exit_code == 1
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(User)) == users_before + 1
            assert session.scalar(select(User).where(User.username == "root2")).is_site_admin
        db.engine.dispose()
    finally:
        get_settings.cache_clear()
