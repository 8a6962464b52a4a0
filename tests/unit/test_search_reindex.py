"""Rebuilding the index: into a new folder, swapped in at once, searches answering meanwhile;
and the `maillage reindex` and `maillage worker` commands."""

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import cli
from app.search import indexer
from app.search import service as search_service
from app.search.models import SearchOutbox
from tests.search_support import bodies, doc, find

runner = CliRunner()


@pytest.mark.parametrize("command", [["reindex", "--help"], ["worker", "--help"]])
def test_commands_have_help(command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_rebuild_swaps_while_searches_answer(settings, committed_db):
    backend = search_service.get_backend(settings, committed_db)
    with backend.writer_lock(5):
        backend.apply([doc("ancien granit")], [])
    seen_during_rebuild = []

    def batches():
        yield [doc("nouveau granit")]
        # The rebuild is half done: searches still answer, from the previous index.
        seen_during_rebuild.extend(bodies(find(backend, "granit")))
        yield [doc("nouveau basalte")]

    with backend.writer_lock(5):
        assert list(backend.rebuild(batches())) == [1, 2]
    assert seen_during_rebuild == ["ancien granit"]
    assert bodies(find(backend, "granit")) == ["nouveau granit"]
    assert bodies(find(backend, "basalte")) == ["nouveau basalte"]


def test_failed_rebuild_keeps_the_previous_index(settings, search_backend, index_documents):
    index_documents(doc("ancien granit"))

    def batches():
        yield [doc("nouveau granit")]
        raise OSError("disk full")

    with search_backend.writer_lock(5), pytest.raises(OSError):
        list(search_backend.rebuild(batches()))
    assert bodies(find(search_backend, "granit")) == ["ancien granit"]
    if search_backend.name == "whoosh":
        assert not list(settings.search_dir.glob("build-*"))


def test_reindex_rebuilds_from_the_database(session, db, settings, search_backend, index_documents):
    from tests.forum_support import make_forum, start_topic

    forum = make_forum(session)
    start_topic(session, forum.alice, forum.category, title="Homologation des applications")
    session.commit()
    index_documents(doc("un reste périmé", kind="post", object_id=999_999))
    counts = []
    total = indexer.reindex(db, settings, progress=counts.append)
    assert total == indexer.count_searchable(db) == counts[-1]
    assert find(search_backend, "homologation").total_groups == 1
    assert find(search_backend, "périmé").total_groups == 0


@pytest.fixture
def demo_data_dir(tmp_path, monkeypatch):
    from app.config import get_settings

    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAILLAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAILLAGE_SEARCH_BACKEND", raising=False)
    get_settings.cache_clear()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def test_seed_demo_is_searchable_then_reindex_and_worker(demo_data_dir):
    from app.config import get_settings
    from app.db import Database
    from app.main import create_app
    from tests.conftest import WebClient

    seeded = runner.invoke(cli, ["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    with WebClient(
        create_app(settings.model_copy(update={"background_tasks": False}), database=db)
    ) as client:
        suggestions = client.get("/api/v1/search/suggest", params={"q": "charte"}).json()
        assert 1 <= len(suggestions) <= 5
        assert client.get("/api/v1/search", params={"q": "réseau"}).json()["total"] > 0
        before = (settings.search_dir / "current").readlink()

        rebuilt = runner.invoke(cli, ["reindex"])
        assert rebuilt.exit_code == 0, rebuilt.output
        assert "Search index rebuilt" in rebuilt.output
        assert (settings.search_dir / "current").readlink() != before
        assert client.get("/api/v1/search", params={"q": "réseau"}).json()["total"] > 0

    with db.session() as session:
        search_service.enqueue(session, kind="network", object_id=1)
        session.commit()
    drained = runner.invoke(cli, ["worker", "--once"])
    assert drained.exit_code == 0, drained.output
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    db.engine.dispose()
