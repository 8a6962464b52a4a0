"""Sends what the mail outbox holds: by SMTP when configured, else as .eml files.

Runs outside any request (the background task or `maillage worker`); it receives
row ids, never objects of a request's session.
"""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from app.config import Settings
from app.db import Database, utcnow
from app.notifications.models import MailOutbox

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def build_message(settings: Settings, mail: MailOutbox) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="maillage.localhost")
    message["Date"] = mail.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body_text)
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    if not settings.smtp_host:
        settings.mail_dir.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = settings.mail_dir / f"{stamp}-{message['To'].split('@')[0][:40]}.eml"
        path.write_bytes(bytes(message))
        log.info("mail to %s written to %s", message["To"], path)
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def deliver_pending_mail(db: Database, settings: Settings, *, batch: int = 50) -> int:
    """Send up to `batch` queued mails in order; returns how many were sent."""
    sent = 0
    with db.session() as session:
        ids = session.scalars(
            select(MailOutbox.id)
            .where(MailOutbox.attempts < MAX_ATTEMPTS)
            .order_by(MailOutbox.id)
            .limit(batch)
        ).all()
    for mail_id in ids:
        with db.session() as session:
            mail = session.get(MailOutbox, mail_id)
            if mail is None:  # another process sent it meanwhile
                continue
            try:
                _send(settings, build_message(settings, mail))
            except (OSError, smtplib.SMTPException) as error:
                mail.attempts += 1
                mail.last_error = str(error)[:1000]
                log.warning("mail %s to %s failed: %s", mail.id, mail.to_address, error)
            else:
                session.delete(mail)
                sent += 1
            session.commit()
    return sent
