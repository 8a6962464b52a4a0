"""`maillage seed-bench`: a large, realistic French dataset for the benchmarks, built fast.

Several networks (public and members-only, one a sub-network), their members, roles and
charter; categories (one for staff only), tags, threads of varying length with replies
to earlier posts, likes, a few edited posts; documents with revisions; a few uploads.
The same seed gives the same data. Rows are inserted in bulk with Core (see bulk.py),
then the search index is rebuilt from the database by the search package itself.
"""

import random
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.benchseed.bulk import BulkWriter
from app.benchseed.documents import seed_documents, seed_uploads
from app.benchseed.forum import ForumSeeder
from app.benchseed.people import BENCH_PASSWORD, BENCH_USERNAME, seed_people
from app.benchtext import TextGenerator
from app.config import Settings
from app.db import Database
from app.search import indexer
from app.search.kinds import KINDS
from app.storage import storage_for

__all__ = ["BENCH_PASSWORD", "BENCH_USERNAME", "SeedError", "SeedReport", "seed_bench"]

# Fixed, so that a seed gives the same dates whenever it runs.
START = datetime(2024, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
# One co-authored document per this many posts (at least two per network).
POSTS_PER_DOCUMENT = 1000

# Posts draw their sentences from a pool of this size (see TextGenerator.use_sentence_pool);
# smaller datasets get about one fresh sentence per sentence drawn.
SENTENCE_POOL = 65_536
SENTENCES_PER_POST = 7

Progress = Callable[[str, int, int], None]


class SeedError(Exception):
    """The dataset cannot be seeded here (the database already holds accounts)."""


@dataclass
class SeedReport:
    members: int
    networks: int
    topics: int
    posts: int
    post_revisions: int
    likes: int
    documents: int
    document_revisions: int
    uploads: int
    forum_seconds: float
    posts_per_second: float
    # Posts per second of this process's CPU time: what the load reaches on an idle core.
    posts_per_cpu_second: float
    total_seconds: float
    indexed: int = 0
    index_seconds: float = 0.0
    indexed_per_second: float = 0.0
    indexed_kinds: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _peak_rss_mb() -> float:
    """The peak memory of this process or of the largest of its indexing processes."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def seed_bench(
    db: Database,
    settings: Settings,
    *,
    topics: int,
    posts_per_topic: int,
    members: int,
    seed: int = 1,
    index: bool = True,
    progress: Progress = lambda stage, done, total: None,
) -> SeedReport:
    """Fill an empty, migrated database with the benchmark dataset and index it.

    Raises SeedError when the database already has accounts, ValueError for sizes
    below one topic, one post per topic or two members.
    """
    if topics < 1 or posts_per_topic < 1 or members < 2:
        raise ValueError("seed-bench needs at least one topic, one post per topic and two members")
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise SeedError(
                "The database already holds accounts: seed-bench fills an empty database."
            )
    began = time.perf_counter()
    rng = random.Random(f"maillage-bench-{seed}")  # noqa: S311  (reproducible data, not secrets)
    text = TextGenerator(seed)
    total_posts = topics * posts_per_topic
    with db.engine.connect() as connection, BulkWriter(connection) as bulk:
        progress("members", 0, members)
        plans = seed_people(
            bulk, rng, members=members, password_hash=hash_password(BENCH_PASSWORD), start=START
        )
        bulk.commit()
        progress("members", members, members)
        forum_began, forum_cpu_began = time.perf_counter(), time.process_time()
        text.use_sentence_pool(min(SENTENCE_POOL, total_posts * SENTENCES_PER_POST))
        forum = ForumSeeder(bulk, rng, text, plans).seed(
            topics=topics,
            posts_per_topic=posts_per_topic,
            start=START,
            end=END,
            progress=lambda done: progress("posts", done, total_posts),
        )
        forum_seconds = time.perf_counter() - forum_began
        forum_cpu_seconds = time.process_time() - forum_cpu_began
        document_count = max(2 * len(plans), total_posts // POSTS_PER_DOCUMENT)
        progress("documents", 0, document_count)
        documents, folders = seed_documents(
            bulk, rng, text, plans, documents=document_count, start=START, end=END
        )
        progress("documents", document_count, document_count)
        bulk.finish()
    uploads = seed_uploads(db, storage_for(settings), text, plans, folders)
    report = SeedReport(
        members=members,
        networks=len(plans),
        topics=forum.topics,
        posts=forum.posts,
        post_revisions=forum.post_revisions,
        likes=forum.likes,
        documents=documents.documents,
        document_revisions=documents.revisions,
        uploads=uploads,
        forum_seconds=round(forum_seconds, 3),
        posts_per_second=round(forum.posts / forum_seconds, 1),
        posts_per_cpu_second=round(forum.posts / max(forum_cpu_seconds, 1e-9), 1),
        total_seconds=0.0,
    )
    if index:
        searchable = indexer.count_searchable(db)
        index_began = time.perf_counter()
        report.indexed = indexer.reindex(
            db, settings, progress=lambda done: progress("index", done, searchable)
        )
        report.index_seconds = round(time.perf_counter() - index_began, 3)
        report.indexed_per_second = round(report.indexed / max(report.index_seconds, 1e-9), 1)
        report.indexed_kinds = sorted(KINDS)
    report.total_seconds = round(time.perf_counter() - began, 3)
    report.peak_rss_mb = round(_peak_rss_mb(), 1)
    return report
