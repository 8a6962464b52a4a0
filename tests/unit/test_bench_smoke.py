"""The benchmark tooling: `seed-bench` leaves consistent data (every denormalised counter
equal to a count of rows), the same seed gives the same data, and the harness's pure
parts (percentiles, targets, table and JSON) work. Times are never asserted."""

import json
from io import StringIO

import pytest
from alembic import command
from rich.console import Console
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.benchseed import SeedError, seed_bench
from app.cli import alembic_config
from app.config import Settings
from app.db import Database
from app.documents.models import Document, DocumentRevision, FileVersion
from app.forum.models import Category, Post, PostLike, PostRevision, Tag, Topic, TopicTag, TopicUser
from app.markup import render_markdown, render_post
from tests.bench import __main__ as bench_main
from tests.bench.report import (
    check,
    latency_summary,
    percentile,
    print_result,
    with_target,
    write_results,
)

SIZES = {"topics": 12, "posts_per_topic": 5, "members": 12}


def _seeded(folder, seed: int = 3, index: bool = True):
    folder.mkdir()
    settings = Settings(_env_file=None, data_dir=folder, secret_key="test", database_url="")
    command.upgrade(alembic_config(settings.sqlalchemy_url), "head")
    db = Database(settings.sqlalchemy_url)
    report = seed_bench(db, settings, seed=seed, index=index, **SIZES)
    return db, settings, report


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db, settings, report = _seeded(tmp_path_factory.mktemp("bench") / "data")
    with db.session() as session:
        yield session, report, db, settings
    db.engine.dispose()


def test_seed_counts_match_the_report(seeded):
    session, report, _db, _settings = seeded
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(User) == report.members == SIZES["members"]
    assert count(Topic) == report.topics == SIZES["topics"]
    assert count(Post) == report.posts == SIZES["topics"] * SIZES["posts_per_topic"]
    assert count(PostRevision) == report.post_revisions >= report.posts
    assert count(PostLike) == report.likes
    assert count(Document) == report.documents > 0
    assert count(DocumentRevision) == report.document_revisions >= report.documents
    assert count(FileVersion) == report.uploads > 0
    assert report.indexed > report.posts
    assert "post" in report.indexed_kinds
    assert session.execute(text("PRAGMA foreign_key_check")).all() == []


def test_topic_and_post_counters_equal_the_rows(seeded):
    session, *_ = seeded
    for topic in session.scalars(select(Topic)):
        posts = session.scalars(
            select(Post).where(Post.topic_id == topic.id).order_by(Post.post_number)
        ).all()
        assert [post.post_number for post in posts] == list(range(1, len(posts) + 1))
        assert topic.post_count == topic.highest_post_number == len(posts)
        assert topic.participant_count == len({post.user_id for post in posts})
        assert topic.like_count == sum(post.like_count for post in posts)
        assert topic.last_posted_at == posts[-1].created_at
        assert topic.last_poster_id == posts[-1].user_id
        assert topic.user_id == posts[0].user_id
        participants = session.scalars(
            select(TopicUser.user_id).where(TopicUser.topic_id == topic.id, TopicUser.posted)
        ).all()
        assert sorted(participants) == sorted({post.user_id for post in posts})
        for post in posts:
            likes = session.scalar(select(func.count()).where(PostLike.post_id == post.id))
            replies = [p for p in posts if p.reply_to_post_number == post.post_number]
            history = session.scalars(
                select(PostRevision)
                .where(PostRevision.post_id == post.id)
                .order_by(PostRevision.number)
            ).all()
            assert post.like_count == likes
            assert post.reply_count == len(replies)
            assert [r.number for r in history] == list(range(1, post.revision_count + 1))
            assert history[-1].body == post.body
            assert (history[0].title == topic.title) == (post.post_number == 1)
            assert (post.edited_at is not None) == (post.revision_count > 1)
            assert post.body_html == render_post(post.body).html


def test_category_tag_and_document_counters_equal_the_rows(seeded):
    session, *_ = seeded
    for category in session.scalars(select(Category)):
        topics = session.scalars(select(Topic).where(Topic.category_id == category.id)).all()
        assert category.topic_count == len(topics)
        assert category.post_count == sum(topic.post_count for topic in topics)
        assert category.last_posted_at == max((t.last_posted_at for t in topics), default=None)
    for tag in session.scalars(select(Tag)):
        assert tag.topic_count == session.scalar(
            select(func.count()).where(TopicTag.tag_id == tag.id)
        )
    for document in session.scalars(select(Document)):
        head = session.scalar(
            select(DocumentRevision)
            .where(DocumentRevision.document_id == document.id)
            .order_by(DocumentRevision.number.desc())
            .limit(1)
        )
        assert head.number == document.head_number
        assert head.title == document.title
        assert head.body_html == render_markdown(head.body)


def test_the_same_seed_gives_the_same_data_and_a_filled_database_is_refused(tmp_path, seeded):
    session, _report, db, settings = seeded
    again, _settings, _ = _seeded(tmp_path / "again", index=False)
    rows = lambda s: s.execute(  # noqa: E731
        select(Topic.title, Post.body, Post.user_id).join(Post.topic).order_by(Post.id)
    ).all()
    with again.session() as other:
        assert rows(other) == rows(session)
    again.engine.dispose()
    with pytest.raises(SeedError):
        seed_bench(db, settings, **SIZES)


def test_percentiles_targets_table_and_json(tmp_path):
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(101)), 0.95) == 95
    assert latency_summary([0.001, 0.002, 0.003]) == {"p50_ms": 2.0, "p95_ms": 2.9, "p99_ms": 2.98}
    conditions = [("p50_ms", "<", 10), ("rps", ">=", 500)]
    assert check({"p50_ms": 4, "rps": 800}, conditions) is True
    assert check({"p50_ms": 4, "rps": 300}, conditions) is False
    assert check({"p50_ms": 4, "rps": None}, conditions) is None
    assert check({}, []) is None
    entry = with_target(
        {"name": "topic page", "requests": 10, "p50_ms": 12.5, "rps": 900}, conditions
    )
    assert entry["target"] == "p50_ms < 10, rps >= 500" and entry["met"] is False
    result = {
        "title": "Essai",
        "scenarios": [entry],
        "figures": [
            with_target(
                {"name": "débit", "value": 25_000, "unit": "posts/s"}, [("value", ">=", 20_000)]
            )
        ],
        "notes": ["une note"],
    }
    console = Console(file=StringIO(), width=200, record=True)
    print_result(console, result)
    printed = console.export_text()
    assert "topic page" in printed and "missed" in printed and "met" in printed
    assert "25,000" in printed and "une note" in printed
    path = tmp_path / "results" / "latest.json"
    write_results(path, {"modules": {"essai": result}})
    assert json.loads(path.read_text())["modules"]["essai"]["figures"][0]["met"] is True
    assert {"bench_documents", "bench_http"} <= set(bench_main.discover())


def test_seed_bench_command_writes_its_report_once(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import get_settings

    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAILLAGE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        arguments = ["seed-bench", "--topics", "3", "--posts-per-topic", "2", "--members", "3"]
        first = runner.invoke(cli, [*arguments, "--report", str(tmp_path / "seed.json")])
        assert first.exit_code == 0, first.output
        assert json.loads((tmp_path / "seed.json").read_text())["posts"] == 6
        second = runner.invoke(cli, arguments)
        assert second.exit_code == 1
        assert "already holds accounts" in second.output
    finally:
        get_settings.cache_clear()
