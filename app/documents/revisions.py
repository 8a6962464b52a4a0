"""Co-authored documents: revisions, saves against a base, three-way merge, diff and revert.

Every save appends a revision with the full text; nothing is ever rewritten. A save
names the revision its author started from. The save first locks the document row
(see `_lock_head`) until commit, so two saves are put in line and the second sees
the first one's revision as the head. If the base is no longer the head, the
author's changes are merged three-way (merge3) into the head: changes that do not
overlap are kept from both sides; overlapping ones raise `EditConflict` with the
marked text and nothing is written.
The unique (document_id, number) constraint stays as the last guard.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from merge3 import Merge3
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.db import utcnow
from app.documents import search as documents_search
from app.documents.diff import TextDiff, diff_texts
from app.documents.models import Document, DocumentKind, DocumentRevision, Folder
from app.errors import Conflict, Invalid, NotFound
from app.i18n import _
from app.markup import render_markdown
from app.networks.models import Network
from app.search import service as search_service

MAX_BODY_CHARS = 500_000
_CONFLICT_START = re.compile(r"^<{7}( |$)", re.MULTILINE)
_CONFLICT_END = re.compile(r"^>{7}( |$)", re.MULTILINE)


class EditConflict(Conflict):
    """Someone saved changes that overlap the author's since their base revision."""

    code = "edit_conflict"

    def __init__(
        self, *, head: DocumentRevision, merged_text: str, title: str, mine_text: str, mine_title: str, conflicts: int
    ) -> None:
        super().__init__(
            _(
                "%(name)s saved revision %(n)s while you were editing, and some of their changes "
                "overlap yours. Both versions are shown between conflict markers: keep what "
                "should stay, remove the markers, then save again.",
                name=head.author.display_name if head.author else _("someone"),
                n=head.number,
            )
        )
        self.head = head
        self.merged_text = merged_text
        self.title = title
        self.mine_text = mine_text
        self.mine_title = mine_title
        self.conflicts = conflicts


@dataclass(frozen=True)
class SaveResult:
    revision: DocumentRevision
    # Revisions saved by others after the author's base, merged into this one.
    merged: list[DocumentRevision]


@dataclass(frozen=True)
class Contributor:
    user: User
    revisions: int
    last_at: datetime


@dataclass(frozen=True)
class RevisionSummary:
    number: int
    title: str
    comment: str
    author_name: str | None
    created_at: datetime
    base_number: int | None
    reverted_from_number: int | None
    size: int


def normalize_text(body: str) -> str:
    """One line ending (browsers send CRLF), one final newline: merges and diffs see lines."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return f"{body}\n" if body else ""


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise Invalid(_("This field is required."), field="title")
    return title


# --- reading -----------------------------------------------------------------------


def get_document(session: Session, network: Network, document_id: int) -> Document:
    document = session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(joinedload(Document.network), joinedload(Document.folder), joinedload(Document.updated_by))
    )
    if document is None or document.network_id != network.id:
        raise NotFound()
    return document


def list_documents(session: Session, network: Network) -> list[Document]:
    """The documents of `network`, last changed first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.network_id == network.id)
            .options(joinedload(Document.updated_by))
            .order_by(Document.updated_at.desc(), Document.id.desc())
        )
    )


def get_revision(session: Session, document: Document, number: int | None = None) -> DocumentRevision:
    """Revision `number` of `document`, or its newest one; NotFound when there is none."""
    revision = session.scalar(
        select(DocumentRevision)
        .where(
            DocumentRevision.document_id == document.id,
            DocumentRevision.number == (document.head_number if number is None else number),
        )
        .options(joinedload(DocumentRevision.author))
    )
    if revision is None:
        raise NotFound(_("This document has no revision %(n)s.", n=number), code="unknown_revision")
    return revision


def list_revisions(session: Session, document: Document) -> list[RevisionSummary]:
    """The history, newest first, without the texts."""
    rows = session.execute(
        select(
            DocumentRevision.number,
            DocumentRevision.title,
            DocumentRevision.comment,
            User.display_name,
            DocumentRevision.created_at,
            DocumentRevision.base_number,
            DocumentRevision.reverted_from_number,
            func.length(DocumentRevision.body),
        )
        .outerjoin(User, User.id == DocumentRevision.author_id)
        .where(DocumentRevision.document_id == document.id)
        .order_by(DocumentRevision.number.desc())
    )
    return [RevisionSummary(*row) for row in rows]


def list_contributors(session: Session, document: Document) -> list[Contributor]:
    """Everyone who saved a revision, most revisions first."""
    counts = (
        select(
            DocumentRevision.author_id,
            func.count().label("revisions"),
            func.max(DocumentRevision.created_at).label("last_at"),
        )
        .where(DocumentRevision.document_id == document.id, DocumentRevision.author_id.is_not(None))
        .group_by(DocumentRevision.author_id)
        .subquery()
    )
    rows = session.execute(
        select(User, counts.c.revisions, counts.c.last_at)
        .join(counts, counts.c.author_id == User.id)
        .order_by(counts.c.revisions.desc(), User.display_name)
    )
    return [Contributor(user, revisions, last_at) for user, revisions, last_at in rows]


def diff_revisions(session: Session, document: Document, old_number: int, new_number: int) -> TextDiff:
    old = get_revision(session, document, old_number)
    new = get_revision(session, document, new_number)
    return diff_texts(old.body, new.body)


# --- writing -----------------------------------------------------------------------


def _add_revision(
    session: Session,
    *,
    actor: User,
    document: Document,
    number: int,
    title: str,
    body: str,
    comment: str,
    base_number: int | None,
    reverted_from_number: int | None = None,
) -> DocumentRevision:
    revision = DocumentRevision(
        document_id=document.id,
        network_id=document.network_id,
        number=number,
        title=title,
        body=body,
        body_html=render_markdown(body),
        comment=comment.strip(),
        author_id=actor.id,
        author=actor,
        base_number=base_number,
        reverted_from_number=reverted_from_number,
    )
    session.add(revision)
    document.title = title
    document.head_number = number
    document.updated_at = revision.created_at = utcnow()
    document.updated_by_id = actor.id
    session.flush()
    search_service.enqueue(session, kind=documents_search.DOCUMENT.name, object_id=document.id)
    return revision


def create_document(
    session: Session,
    *,
    actor: User,
    network: Network,
    folder: Folder | None,
    kind: DocumentKind,
    title: str,
    body: str,
    comment: str = "",
) -> Document:
    """A new document with its first revision; flushes for the ids."""
    if folder is not None and folder.network_id != network.id:
        raise NotFound()
    title = _clean_title(title)
    body = _checked_body(body)
    document = Document(
        network_id=network.id,
        network=network,
        folder_id=folder.id if folder else None,
        kind=kind,
        title=title,
        head_number=0,
        created_by_id=actor.id,
        updated_by_id=actor.id,
    )
    session.add(document)
    session.flush()
    _add_revision(
        session, actor=actor, document=document, number=1, title=title, body=body,
        comment=comment or _("First version"), base_number=None,
    )
    return document


def _checked_body(body: str) -> str:
    body = normalize_text(body)
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(_("At most %(n)s characters.", n=MAX_BODY_CHARS), field="body")
    if _CONFLICT_START.search(body) and _CONFLICT_END.search(body):
        raise Invalid(
            _("The text still has conflict markers (<<<<<<< and >>>>>>>): keep what should stay and remove them."),
            code="unresolved_conflict",
            field="body",
        )
    return body


def _lock_head(session: Session, document: Document) -> int:
    """Lock `document` until the transaction ends and return its current head number.

    A no-op UPDATE is the one portable lock: it takes the row lock on PostgreSQL and
    the write lock on SQLite (which has no SELECT ... FOR UPDATE). A concurrent save
    waits here, then reads the head this save wrote. Nothing changes, so a save that
    ends in a conflict leaves the transaction as it found it.
    """
    head_number = session.execute(
        update(Document)
        .where(Document.id == document.id)
        .values(head_number=Document.head_number)
        .returning(Document.head_number),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    document.head_number = head_number
    return head_number


def _merge_title(base: str, mine: str, head: str) -> str | None:
    if mine in (base, head):
        return head
    if head == base:
        return mine
    return None


def merge_texts(base: str, mine: str, head: str, *, mine_label: str, head_label: str) -> tuple[str, int]:
    """Three-way merge of line-based texts; returns the text (with markers) and the conflict count."""
    merger = Merge3(base.splitlines(True), mine.splitlines(True), head.splitlines(True))
    conflicts = sum(1 for region in merger.merge_regions() if region[0] == "conflict")
    text = "".join(merger.merge_lines(name_a=mine_label, name_b=head_label))
    return text, conflicts


def save_revision(
    session: Session,
    *,
    actor: User,
    document: Document,
    base_number: int,
    title: str,
    body: str,
    comment: str,
) -> SaveResult:
    """Save `body` written from revision `base_number` as the next revision.

    When others saved since the base, their changes and the author's are merged.
    Raises Invalid for a base that does not exist, a text with conflict markers left in
    or a save that changes nothing; EditConflict when the changes overlap (the caller
    rolls back: nothing is saved).
    """
    if not 1 <= base_number <= document.head_number:
        raise Invalid(
            _("Revision %(n)s of this document does not exist.", n=base_number),
            code="unknown_revision",
            field="base_number",
        )
    title = _clean_title(title)
    body = _checked_body(body)
    head = get_revision(session, document, _lock_head(session, document))
    number = head.number + 1
    merged: list[DocumentRevision] = []
    if base_number != head.number:
        base = get_revision(session, document, base_number)
        merged_text, conflicts = merge_texts(
            base.body, body, head.body,
            mine_label=_("your version"),
            head_label=_("revision %(n)s", n=head.number),
        )
        merged_title = _merge_title(base.title, title, head.title)
        if conflicts or merged_title is None:
            raise EditConflict(
                head=head, merged_text=merged_text, title=head.title if merged_title is None else merged_title,
                mine_text=body, mine_title=title, conflicts=conflicts + (merged_title is None),
            )
        body, title = merged_text, merged_title
        merged = _revisions_between(session, document, base_number, head.number)
    if body == head.body and title == head.title:
        raise Invalid(
            _("Nothing to save: the text is the same as revision %(n)s.", n=head.number),
            code="no_change",
            field="body",
        )
    revision = _add_revision(
        session, actor=actor, document=document, number=number, title=title, body=body,
        comment=comment, base_number=base_number,
    )
    return SaveResult(revision=revision, merged=merged)


def _revisions_between(session: Session, document: Document, after: int, up_to: int) -> list[DocumentRevision]:
    return list(
        session.scalars(
            select(DocumentRevision)
            .where(
                DocumentRevision.document_id == document.id,
                DocumentRevision.number > after,
                DocumentRevision.number <= up_to,
            )
            .options(joinedload(DocumentRevision.author))
            .order_by(DocumentRevision.number)
        )
    )


def revert_document(session: Session, *, actor: User, document: Document, number: int, comment: str = "") -> DocumentRevision:
    """Make revision `number`'s title and text the newest again, as a new revision.

    History is never rewritten. Raises NotFound for an unknown revision, Invalid when
    it is already the current text.
    """
    target = get_revision(session, document, number)
    head = get_revision(session, document, _lock_head(session, document))
    new_number = head.number + 1
    if target.body == head.body and target.title == head.title:
        raise Invalid(
            _("Revision %(n)s is the same as the current text: nothing to revert.", n=number), code="no_change"
        )
    return _add_revision(
        session, actor=actor, document=document, number=new_number, title=target.title, body=target.body,
        comment=comment.strip() or _("Back to revision %(n)s", n=number),
        base_number=head.number, reverted_from_number=number,
    )
