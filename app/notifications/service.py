"""Writes notification work to outbox tables; delivery happens after commit."""

from sqlalchemy.orm import Session

from app.notifications.models import MailOutbox


def queue_mail(session: Session, *, to_address: str, subject: str, body_text: str) -> MailOutbox:
    """Add a mail to the outbox in the caller's transaction."""
    mail = MailOutbox(to_address=to_address, subject=subject, body_text=body_text)
    session.add(mail)
    return mail
