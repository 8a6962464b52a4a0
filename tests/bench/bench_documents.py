"""Co-authored documents on a file-backed SQLite database: saving a revision of a 50 KB
document that has 1,000 earlier revisions, and diffing two 50 KB revisions, through
app/documents/revisions.py as the pages use it (a session per save, committed)."""

import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import insert

from app.accounts.models import User
from app.benchseed.documents import BlockRenderer, edit_blocks, first_blocks
from app.benchtext import TextGenerator
from app.cli import alembic_config
from app.db import Database, utcnow
from app.documents import revisions
from app.documents.models import Document, DocumentKind, DocumentRevision
from app.networks.models import Network
from tests.bench.report import latency_summary, with_target

DOCUMENT_CHARS = 50_000
# Revisions this far apart differ by as many edited paragraphs: "compare with last week's".
DIFF_DISTANCE = 10


def _document_blocks(text: TextGenerator) -> list[str]:
    blocks: list[str] = []
    while len("\n\n".join(blocks)) < DOCUMENT_CHARS:
        blocks += first_blocks(text, sections=1)
    return blocks


def _seed(db: Database, earlier: int, rng: random.Random, text: TextGenerator):
    """A member, a network and a 50 KB document with `earlier` revisions; returns their ids
    and the newest text's blocks."""
    with db.session() as session:
        user = User(
            username="redactrice",
            display_name="Rédactrice",
            email="redactrice@banc.test",
            password_hash="-",  # noqa: S106  (never signs in)
        )
        network = Network(slug="banc-documents", name="Banc d'essai des documents")
        session.add_all([user, network])
        session.flush()
        blocks = _document_blocks(text)
        document = revisions.create_document(
            session,
            actor=user,
            network=network,
            folder=None,
            kind=DocumentKind.FREE,
            title="Document de 50 Ko",
            body="\n\n".join(blocks),
        )
        render = BlockRenderer()
        rows = []
        when = utcnow() - timedelta(days=earlier)
        for number in range(2, earlier + 1):
            blocks = edit_blocks(rng, text, blocks)
            rows.append(
                {
                    "document_id": document.id,
                    "network_id": network.id,
                    "number": number,
                    "title": document.title,
                    "body": revisions.normalize_text("\n\n".join(blocks)),
                    "body_html": render(blocks),
                    "comment": "Relecture",
                    "author_id": user.id,
                    "created_at": when + timedelta(days=number),
                    "base_number": number - 1,
                    "reverted_from_number": None,
                }
            )
        session.execute(insert(DocumentRevision.__table__), rows)
        document.head_number = earlier
        session.commit()
        return user.id, document.id, blocks


def _timed(seconds: list[float], cpu: list[float], began: float, cpu_began: float) -> None:
    seconds.append(time.perf_counter() - began)
    cpu.append(time.process_time() - cpu_began)


def _time_saves(db: Database, user_id: int, document_id: int, blocks, count, rng, text):
    seconds, cpu = [], []
    for index in range(count):
        blocks = edit_blocks(rng, text, blocks)
        body = "\n\n".join(blocks)
        began, cpu_began = time.perf_counter(), time.process_time()
        with db.session() as session:
            document = session.get(Document, document_id)
            revisions.save_revision(
                session,
                actor=session.get(User, user_id),
                document=document,
                base_number=document.head_number,
                title=document.title,
                body=body,
                comment=f"Enregistrement {index}",
            )
            session.commit()
        _timed(seconds, cpu, began, cpu_began)
    return seconds, cpu


def _time_diffs(db: Database, document_id: int, pairs: list[tuple[int, int]]):
    seconds, cpu = [], []
    for old, new in pairs:
        began, cpu_began = time.perf_counter(), time.process_time()
        with db.session() as session:
            diff = revisions.diff_revisions(session, session.get(Document, document_id), old, new)
        _timed(seconds, cpu, began, cpu_began)
        if diff.identical:
            raise RuntimeError(f"revisions {old} and {new} should differ")
    return seconds, cpu


def _summary(name: str, timings: tuple[list[float], list[float]]) -> dict:
    seconds, cpu = timings
    return {
        "name": name,
        "requests": len(seconds),
        **latency_summary(seconds),
        "cpu_ms_per_request": round(sum(cpu) * 1000 / len(cpu), 2),
    }


def run(quick: bool = False) -> dict:
    earlier, saves, diffs = (100, 10, 10) if quick else (1000, 50, 50)
    rng = random.Random(5)  # noqa: S311  (reproducible text, not secrets)
    text = TextGenerator(5)
    with tempfile.TemporaryDirectory(prefix="maillage-bench-documents-") as folder:
        url = f"sqlite:///{Path(folder) / 'documents.db'}"
        command.upgrade(alembic_config(url), "head")
        db = Database(url)
        try:
            user_id, document_id, blocks = _seed(db, earlier, rng, text)
            saves_timed = _time_saves(db, user_id, document_id, blocks, saves, rng, text)
            head = earlier + saves
            near = [(head - DIFF_DISTANCE - i, head - i) for i in range(diffs)]
            near_timed = _time_diffs(db, document_id, near)
            far_timed = _time_diffs(db, document_id, [(1, head)] * 3)
        finally:
            db.engine.dispose()
    return {
        "title": f"Documents: a 50 KB document with {earlier:,} earlier revisions (SQLite file)",
        "scenarios": [
            with_target(_summary("save a revision", saves_timed), [("p50_ms", "<", 20)]),
            with_target(
                _summary(f"diff two revisions {DIFF_DISTANCE} saves apart", near_timed),
                [("p50_ms", "<", 50)],
            ),
            {
                **_summary(f"diff revision 1 with revision {head}", far_timed),
                "target": "",
                "met": None,
            },
        ],
        "notes": [
            "Each save opens a session, locks the document, renders the Markdown and "
            "commits, as the edit page does; times include all of it."
        ],
    }
