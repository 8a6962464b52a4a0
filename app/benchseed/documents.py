"""Folders, co-authored documents with their revisions, and a few uploads, for the benchmark.

Revisions are full texts, each a small edit of the one before (a paragraph rewritten,
added or removed), as members save them. Their HTML is rendered block by block with
the application's Markdown renderer and cached: revisions share most of their blocks.
The uploads go through the documents service itself, so their type check, text
extraction and storage are the real ones.
"""

import hashlib
import random
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.accounts.models import User
from app.benchseed.bulk import BulkWriter
from app.benchseed.people import NetworkPlan
from app.benchtext import TextGenerator
from app.db import Database
from app.documents import files
from app.documents.filetypes import name_key
from app.documents.models import Document, DocumentKind, DocumentRevision, Folder
from app.documents.revisions import normalize_text
from app.markup import render_markdown
from app.networks.models import Network
from app.storage import FileStorage

FOLDERS = ["Comptes rendus", "Modèles", "Veille réglementaire"]
REVISION_COUNTS = [1, 2, 3, 5, 8, 12, 20, 40]
REVISION_WEIGHTS = [10, 15, 20, 20, 15, 10, 6, 4]
COMMENTS = [
    "Relecture",
    "Ajout d'une section",
    "Corrections",
    "Précisions après la réunion",
    "",
    "",
]
KINDS = [DocumentKind.FREE, DocumentKind.MINUTES, DocumentKind.AGENDA]
KIND_WEIGHTS = [5, 3, 2]


@dataclass
class DocumentCounts:
    documents: int = 0
    revisions: int = 0
    uploads: int = 0


class BlockRenderer:
    """Markdown blocks (a heading or a paragraph) rendered once each: the HTML of a text
    made of blank-line separated blocks is the HTML of its blocks, one after the other."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, blocks: list[str]) -> str:
        parts = []
        for block in blocks:
            rendered = self.cache.get(block)
            if rendered is None:
                rendered = self.cache[block] = render_markdown(block)
            parts.append(rendered)
        return "".join(parts)


def _paragraph(text: TextGenerator) -> str:
    return " ".join(text.sentences(text.random.randint(2, 5)))


def first_blocks(text: TextGenerator, sections: int | None = None) -> list[str]:
    """A document's first text as Markdown blocks: sections, each a heading and paragraphs."""
    blocks = []
    for _section in range(sections or text.random.randint(4, 12)):
        blocks.append(f"## {text.title()}")
        blocks += [_paragraph(text) for _ in range(text.random.randint(1, 3))]
    return blocks


def edit_blocks(rng: random.Random, text: TextGenerator, blocks: list[str]) -> list[str]:
    """The next revision: one paragraph rewritten, added or removed."""
    blocks = blocks[:]
    paragraphs = [index for index, block in enumerate(blocks) if not block.startswith("#")]
    action = rng.random()
    if action < 0.5 and paragraphs:
        blocks[rng.choice(paragraphs)] = _paragraph(text)
    elif action < 0.85 or len(paragraphs) < 2:
        blocks.insert(rng.randint(1, len(blocks)), _paragraph(text))
    else:
        del blocks[rng.choice(paragraphs)]
    return blocks


def _title(rng: random.Random, text: TextGenerator, kind: DocumentKind, when: datetime) -> str:
    day = when.strftime("%d/%m/%Y")
    if kind == DocumentKind.MINUTES:
        return f"Compte rendu de la réunion du {day}"
    if kind == DocumentKind.AGENDA:
        return f"Ordre du jour de la réunion du {day}"
    return text.title()


def seed_documents(
    bulk: BulkWriter,
    rng: random.Random,
    text: TextGenerator,
    plans: list[NetworkPlan],
    *,
    documents: int,
    start: datetime,
    end: datetime,
) -> tuple[DocumentCounts, dict[int, dict[str, int]]]:
    """Insert folders and `documents` documents spread over the networks; returns the
    counts and each network's folder ids by name."""
    counts = DocumentCounts()
    folders: dict[int, dict[str, int]] = {}
    folder_rows = []
    for plan in plans:
        ids = bulk.new_ids(Folder.__table__, len(FOLDERS))
        folders[plan.id] = dict(zip(FOLDERS, ids, strict=True))
        folder_rows += [
            {
                "id": folder_id,
                "network_id": plan.id,
                "parent_id": None,
                "name": name,
                "name_key": name_key(name),
                "created_by_id": plan.staff_ids[0] if plan.staff_ids else None,
                "created_at": start,
            }
            for name, folder_id in folders[plan.id].items()
        ]
    bulk.insert(Folder.__table__, folder_rows)
    render = BlockRenderer()
    span = (end - start).total_seconds()
    document_rows, revision_rows = [], []
    for document_id in bulk.new_ids(Document.__table__, documents):
        plan = plans[document_id % len(plans)]
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        authors = [plan.pick_member(rng) for _ in range(rng.randint(2, 6))]
        created_at = start + timedelta(seconds=rng.uniform(0, span * 0.9))
        title = _title(rng, text, kind, created_at)
        blocks = first_blocks(text)
        when = created_at
        revisions = rng.choices(REVISION_COUNTS, weights=REVISION_WEIGHTS)[0]
        author = authors[0]
        for number in range(1, revisions + 1):
            if number > 1:
                blocks = edit_blocks(rng, text, blocks)
                when += timedelta(seconds=rng.expovariate(1 / 86400))
                author = rng.choice(authors)
            revision_rows.append(
                {
                    "document_id": document_id,
                    "network_id": plan.id,
                    "number": number,
                    "title": title,
                    "body": normalize_text("\n\n".join(blocks)),
                    "body_html": render(blocks),
                    "comment": "Première version" if number == 1 else rng.choice(COMMENTS),
                    "author_id": author,
                    "created_at": when,
                    "base_number": number - 1 or None,
                    "reverted_from_number": None,
                }
            )
        folder_name = (
            "Comptes rendus" if kind != DocumentKind.FREE else rng.choice([*FOLDERS, None])
        )
        document_rows.append(
            {
                "id": document_id,
                "network_id": plan.id,
                "folder_id": folders[plan.id].get(folder_name),
                "kind": kind,
                "title": title,
                "head_number": revisions,
                "created_by_id": authors[0],
                "created_at": created_at,
                "updated_at": when,
                "updated_by_id": author,
            }
        )
        counts.documents += 1
        counts.revisions += revisions
    bulk.insert(Document.__table__, document_rows)
    bulk.insert(DocumentRevision.__table__, revision_rows)
    bulk.commit()
    return counts, folders


def seed_uploads(
    db: Database,
    storage: FileStorage,
    text: TextGenerator,
    plans: list[NetworkPlan],
    folders: dict[int, dict[str, int]],
) -> int:
    """Two text notes per network in its watch folder, the first with a second version,
    uploaded through the documents service; returns the versions stored."""
    uploads = 0
    with db.session() as session, tempfile.TemporaryDirectory() as scratch:
        for plan in plans:
            actor = session.get(User, plan.staff_ids[0] if plan.staff_ids else plan.member_ids[0])
            network = session.get(Network, plan.id)
            folder = session.get(Folder, folders[plan.id]["Veille réglementaire"])
            for filename, versions in (
                (f"note-de-veille-{plan.slug}.txt", 2),
                (f"synthese-{plan.slug}.md", 1),
            ):
                for _version in range(versions):
                    content = "\n\n".join(_paragraph(text) for _ in range(8)).encode()
                    source = Path(scratch) / filename
                    source.write_bytes(content)
                    files.upload_file(
                        session,
                        storage=storage,
                        actor=actor,
                        network=network,
                        folder=folder,
                        source=source,
                        filename=filename,
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                    )
                    uploads += 1
        session.commit()
    return uploads
