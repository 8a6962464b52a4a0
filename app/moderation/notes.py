"""Staff notes on a member: per network, for that network's staff (and site admins) only.

Notes are written, never edited: like the log, they keep what staff knew and when.
Functions never commit; the policy (member:note) decides who may call them.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.errors import Invalid, NotFound
from app.i18n import _
from app.markup import render_markdown
from app.moderation import log
from app.moderation.sanction_models import MemberNote
from app.networks import service as networks_service
from app.networks.models import Network

NOTE_MAX = 5000


def list_notes(
    session: Session, *, network: Network, user: User, limit: int = 50
) -> list[MemberNote]:
    """The network's notes on `user`, newest first, with their authors."""
    return list(
        session.scalars(
            select(MemberNote)
            .where(MemberNote.network_id == network.id, MemberNote.user_id == user.id)
            .options(joinedload(MemberNote.author))
            .order_by(MemberNote.created_at.desc(), MemberNote.id.desc())
            .limit(limit)
        )
    )


def add_note(
    session: Session, *, actor: User, network: Network, user: User, body: str
) -> MemberNote:
    """Add a note on `user`, a member of `network` (NotFound otherwise); Invalid when empty.

    Flushes for the note's id, which the log names."""
    body = body.strip()
    if not body:
        raise Invalid(_("This field is required."), field="body")
    if len(body) > NOTE_MAX:
        raise Invalid(_("At most %(n)s characters.", n=NOTE_MAX), field="body")
    if networks_service.get_membership(session, network, user) is None:
        raise NotFound(_("This person is not a member of the network."), code="not_a_member")
    note = MemberNote(
        network_id=network.id,
        user_id=user.id,
        author_id=actor.id,
        body=body,
        body_html=render_markdown(body),
    )
    session.add(note)
    session.flush()
    log.record(
        session,
        network=network,
        actor=actor,
        action="member.note",
        target_kind="user",
        target_id=user.id,
        target_label=user.display_name,
        details={"note_id": note.id},
    )
    return note
