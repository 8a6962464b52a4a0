"""The request inbox over HTTP: writing to staff, the staff inbox and its badge, a thread,
replies, assignment, closing, and the same through the API."""

import pytest
from sqlalchemy import func, select

from app.inbox.models import InboxMessage, InboxRequest, RequestStatus
from app.moderation import log
from app.networks.models import MembershipMode, Role
from tests.factories import NetworkFactory, UserFactory
from tests.web.test_forum_api import key_for

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def world(session):
    network = NetworkFactory(
        slug="reseau", name="Réseau Cyber", membership_mode=MembershipMode.REQUEST
    )
    animator = UserFactory(
        username="anim",
        display_name="Anne Animatrice",
        member_of=network,
        member_of__role=Role.ANIMATOR,
    )
    pilot = UserFactory(username="pilot", member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(username="marc", member_of=network)
    visitor = UserFactory(username="vera", display_name="Véra Visiteuse", email="vera@example.org")
    outsider = UserFactory(
        username="autre", member_of=NetworkFactory(slug="autre"), member_of__role=Role.PILOT
    )
    return {
        "network": network,
        "animator": animator,
        "pilot": pilot,
        "member": member,
        "visitor": visitor,
        "outsider": outsider,
    }


def _send(client, subject="Une question", kind="question", body="Comment **adhérer** ?"):
    return client.post_form("/n/reseau/contact", {"kind": kind, "subject": subject, "body": body})


def test_visitor_writes_staff_answer_assign_and_close(client, make_client, session, world, outbox):
    client.login(world["visitor"])
    assert client.get("/n/reseau/contact").status_code == 200
    sent = _send(client)
    assert sent.status_code == 303
    request = session.scalar(select(InboxRequest))
    assert sent.headers["location"] == f"/requests/{request.id}"
    assert "Une question" in client.get("/requests").text
    assert "<strong>adhérer</strong>" in client.get(f"/requests/{request.id}").text

    staff = make_client()
    staff.login(world["animator"])
    home = staff.get("/").text
    assert 'id="inbox-waiting"' in home and ">1</span>" in home
    inbox = staff.get("/n/reseau/inbox").text
    assert "Une question" in inbox and "Véra Visiteuse" in inbox
    replied = staff.post_form(f"/requests/{request.id}/reply", {"body": "Voici comment faire."})
    assert replied.status_code == 303
    [mail] = outbox()
    assert mail.to_address == "vera@example.org" and "Voici comment faire." in mail.body_text
    assert "Voici comment faire." in client.get(f"/requests/{request.id}").text

    assert (
        staff.post_form(f"/requests/{request.id}/assign", {"assignee": "anim"}).status_code == 303
    )
    assert 'id="inbox-waiting"' not in staff.get("/").text
    assert "Une question" in staff.get("/n/reseau/inbox?show=mine").text
    assert staff.post_form(f"/requests/{request.id}/close").status_code == 303
    assert "Une question" in staff.get("/n/reseau/inbox?show=closed").text
    assert "Une question" not in staff.get("/n/reseau/inbox").text

    # Closed: the sender may no longer reply; staff may reopen.
    assert client.post_form(f"/requests/{request.id}/reply", {"body": "Encore"}).status_code == 403
    assert staff.post_form(f"/requests/{request.id}/reopen").status_code == 303
    assert client.post_form(f"/requests/{request.id}/reply", {"body": "Merci"}).status_code == 303
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(InboxMessage)) == 3
    actions = sorted(e.action for e in session.scalars(log.entries_query(world["network"])))
    assert actions == ["request.assign", "request.close", "request.reopen", "request.reply"]


def test_a_kind_filter_and_a_fragment_for_htmx(client, session, world):
    client.login(world["member"])
    _send(client, subject="Signalement d'un message", kind="report")
    _send(client, subject="Simple question")
    client.login(world["animator"])
    reports = client.get("/n/reseau/inbox?kind=report")
    assert "Signalement" in reports.text and "Simple question" not in reports.text
    fragment = client.get("/n/reseau/inbox?kind=report", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Signalement" in fragment.text


def test_invalid_request_is_refused_with_errors_next_to_fields(client, session, world):
    client.login(world["visitor"])
    response = _send(client, subject="", body="")
    assert response.status_code == 422
    assert 'id="subject-error"' in response.text and 'id="body-error"' in response.text
    assert (
        client.post_form(
            "/n/reseau/contact", {"kind": "spam", "subject": "S", "body": "B"}
        ).status_code
        == 422
    )
    assert session.scalar(select(func.count()).select_from(InboxRequest)) == 0


@pytest.mark.parametrize("who", ["member", "outsider", "other visitor"])
def test_nobody_else_reads_or_answers_a_request(client, make_client, session, world, who):
    sender = make_client()
    sender.login(world["visitor"])
    _send(sender)
    request = session.scalar(select(InboxRequest))
    person = {
        "member": world["member"],
        "outsider": world["outsider"],
        "other visitor": UserFactory(),
    }[who]
    client.login(person)
    assert client.get(f"/requests/{request.id}").status_code == 404
    assert client.post_form(f"/requests/{request.id}/reply", {"body": "Intrus"}).status_code == 404
    assert client.post_form(f"/requests/{request.id}/close").status_code == 404
    assert (
        client.get(f"/api/v1/requests/{request.id}", headers=key_for(session, person)).status_code
        == 404
    )
    assert client.get("/n/reseau/inbox").status_code in (403, 404)
    session.expire_all()
    assert session.get(InboxRequest, request.id).status == RequestStatus.OPEN


def test_the_sender_cannot_manage_their_own_request(client, session, world):
    client.login(world["visitor"])
    _send(client)
    request = session.scalar(select(InboxRequest))
    assert client.post_form(f"/requests/{request.id}/close").status_code == 404
    assert (
        client.post_form(f"/requests/{request.id}/assign", {"assignee": "vera"}).status_code == 404
    )


def test_script_in_subject_and_body_is_escaped(client, make_client, session, world):
    client.login(world["visitor"])
    _send(client, subject=SCRIPT, body=SCRIPT)
    request = session.scalar(select(InboxRequest))
    staff = make_client()
    staff.login(world["animator"])
    staff.post_form(f"/requests/{request.id}/reply", {"body": SCRIPT})
    for browser, path in (
        (staff, "/n/reseau/inbox"),
        (staff, f"/requests/{request.id}"),
        (client, "/requests"),
        (client, f"/requests/{request.id}"),
    ):
        page = browser.get(path)
        assert page.status_code == 200 and SCRIPT not in page.text, path


def test_join_request_from_the_inbox_form_is_decided_there(
    client, make_client, session, world, outbox
):
    client.login(world["visitor"])
    assert _send(client, subject="Je veux rejoindre", kind="join").status_code == 303
    request = session.scalar(select(InboxRequest))
    assert request.join_request is not None
    staff = make_client()
    staff.login(world["pilot"])
    assert "Je veux rejoindre" in staff.get("/n/reseau/inbox?kind=join").text
    assert 'name="decision"' in staff.get(f"/requests/{request.id}").text
    decided = staff.post_form(
        f"/requests/{request.id}/decision", {"decision": "declined", "message": "Pas encore"}
    )
    assert decided.status_code == 303
    assert "Pas encore" in outbox()[-1].body_text
    assert "join.decline" in [
        e.action for e in session.scalars(log.entries_query(world["network"]))
    ]


# --- API -------------------------------------------------------------------------------------


def test_api_sender_and_staff_work_a_request(client, session, world, outbox):
    visitor, staff = key_for(session, world["visitor"]), key_for(session, world["animator"])
    created = client.post(
        "/api/v1/networks/reseau/requests",
        headers=visitor,
        json={"kind": "question", "subject": "Par l'API", "body": "Bonjour"},
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    assert created.json()["messages"][0]["body"] == "Bonjour"
    assert [r["id"] for r in client.get("/api/v1/requests", headers=visitor).json()] == [request_id]

    inbox = client.get("/api/v1/networks/reseau/inbox", headers=staff).json()
    assert [r["subject"] for r in inbox] == ["Par l'API"] and inbox[0]["message_count"] == 1
    assert client.get("/api/v1/networks/reseau/inbox?kind=report", headers=staff).json() == []
    reply = client.post(
        f"/api/v1/requests/{request_id}/messages", headers=staff, json={"body": "Réponse"}
    )
    assert reply.status_code == 201 and reply.json()["from_staff"] is True
    assert outbox()[-1].to_address == "vera@example.org"
    assigned = client.post(
        f"/api/v1/requests/{request_id}/assign", headers=staff, json={"assignee": "anim"}
    )
    assert assigned.json()["assigned_to"]["username"] == "anim"
    assert [
        r["id"] for r in client.get("/api/v1/networks/reseau/inbox?show=mine", headers=staff).json()
    ] == [request_id]
    bad = client.post(
        f"/api/v1/requests/{request_id}/assign", headers=staff, json={"assignee": "vera"}
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "not_staff"
    assert (
        client.post(f"/api/v1/requests/{request_id}/close", headers=staff).json()["status"]
        == "closed"
    )
    closed_again = client.post(f"/api/v1/requests/{request_id}/close", headers=staff)
    assert (
        closed_again.status_code == 409 and closed_again.json()["error"]["code"] == "request_closed"
    )
    late = client.post(
        f"/api/v1/requests/{request_id}/messages", headers=visitor, json={"body": "Encore"}
    )
    assert late.status_code == 403
    assert (
        client.post(f"/api/v1/requests/{request_id}/reopen", headers=staff).json()["status"]
        == "open"
    )
    thread = client.get(f"/api/v1/requests/{request_id}", headers=visitor).json()
    assert [m["body"] for m in thread["messages"]] == ["Bonjour", "Réponse"]
    not_join = client.post(
        f"/api/v1/requests/{request_id}/decision", headers=staff, json={"decision": "accepted"}
    )
    assert not_join.status_code == 422 and not_join.json()["error"]["code"] == "not_a_join_request"


def test_api_inbox_is_staff_only(client, session, world):
    assert (
        client.get(
            "/api/v1/networks/reseau/inbox", headers=key_for(session, world["member"])
        ).status_code
        == 403
    )
    outsider = client.get(
        "/api/v1/networks/reseau/inbox", headers=key_for(session, world["outsider"])
    )
    assert outsider.status_code == 404 and outsider.json()["error"]["code"] == "not_found"
    member = client.post(
        "/api/v1/networks/reseau/requests",
        headers=key_for(session, world["member"]),
        json={"kind": "join", "subject": "S", "body": "B"},
    )
    assert member.status_code == 422 and member.json()["error"]["code"] == "already_member"
