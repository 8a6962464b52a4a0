"""Mail delivery: real SMTP to a local aiosmtpd server, .eml files without SMTP, nothing lost."""

import email
import socket
from email import policy as email_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from app.background import run_jobs_once
from tests.factories import UserFactory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=email_policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def ask_reset(client, address: str) -> None:
    response = client.post_form("/password/forgot", {"email": address})
    assert response.status_code == 303


def test_reset_mail_goes_through_smtp_and_its_link_works(
    client, session, db, settings, smtp_server, outbox
):
    controller, collector = smtp_server
    settings.smtp_host = controller.hostname
    settings.smtp_port = controller.port
    UserFactory(username="odile", display_name="Odile Perrin", email="odile@example.org")

    ask_reset(client, "odile@example.org")
    assert len(outbox()) == 1
    assert run_jobs_once(db, settings) == 1

    [(recipients, message)] = collector.messages
    assert recipients == ["odile@example.org"]
    assert message["To"] == "odile@example.org"
    assert message["From"] == settings.mail_from
    assert message["Subject"]
    body = message.get_content()
    assert "Odile Perrin" in body and "odile" in body
    assert outbox() == []  # sent mail leaves the outbox

    link = next(
        word for word in body.split() if word.startswith(settings.base_url + "/password/reset?")
    )
    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert 'name="password"' in page.text


def test_without_smtp_mail_is_written_as_eml_files(client, session, db, settings, outbox):
    assert not settings.smtp_host
    UserFactory(email="odile@example.org")
    ask_reset(client, "odile@example.org")
    assert run_jobs_once(db, settings) == 1
    [path] = list(settings.mail_dir.glob("*.eml"))
    assert path.is_relative_to(settings.data_dir)
    message = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
    assert message["To"] == "odile@example.org"
    assert "/password/reset?token=" in message.get_content()
    assert outbox() == []


def test_when_smtp_is_down_the_mail_stays_in_the_outbox(client, session, db, settings, outbox):
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = free_port()  # nothing listens there
    UserFactory(email="odile@example.org")
    ask_reset(client, "odile@example.org")

    assert run_jobs_once(db, settings) == 0
    [mail] = outbox()
    assert mail.attempts == 1
    assert mail.last_error
    assert mail.to_address == "odile@example.org"

    assert run_jobs_once(db, settings) == 0
    assert outbox()[0].attempts == 2
    assert not settings.mail_dir.exists() or not list(settings.mail_dir.iterdir())


def test_mail_waits_for_the_server_to_come_back(client, session, db, settings, smtp_server, outbox):
    controller, collector = smtp_server
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = free_port()
    UserFactory(email="odile@example.org")
    ask_reset(client, "odile@example.org")
    run_jobs_once(db, settings)
    assert outbox()[0].attempts == 1

    settings.smtp_port = controller.port
    assert run_jobs_once(db, settings) == 1
    assert [recipients for recipients, _message in collector.messages] == [["odile@example.org"]]
    assert outbox() == []
