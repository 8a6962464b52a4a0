"""Silencing, suspending, lifting and staff notes over HTTP: from the profile page and the API."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.forum.models import Post
from app.moderation import sanctions
from app.moderation.sanction_models import MemberNote, MemberSanction, SanctionKind
from app.networks.models import Role
from tests.factories import NetworkFactory, UserFactory
from tests.forum_support import make_forum, start_topic
from tests.web.test_forum_api import key_for

SCRIPT = "<script>alert(1)</script>"


def _until(days: int = 7) -> str:
    """A browser's datetime-local value, in the site's time."""
    return (
        (utcnow() + timedelta(days=days))
        .astimezone(sanctions.SITE_TIMEZONE)
        .strftime("%Y-%m-%dT%H:%M")
    )


def _silence(session, forum, kind=SanctionKind.SILENCE, reason="Propos blessants"):
    return sanctions.sanction_member(
        session,
        actor=forum.animator,
        network=forum.network,
        member=forum.alice,
        kind=kind,
        until=utcnow() + timedelta(days=7),
        reason=reason,
        network_url="/",
    )


def test_animator_silences_from_the_profile_and_lifts(client, session, outbox):
    forum = make_forum(session)
    client.login(forum.animator)
    profile = client.get("/u/alice")
    assert f'id="moderation-{forum.network.slug}"' in profile.text
    response = client.post_form(
        f"/n/{forum.network.slug}/members/alice/sanctions",
        {"kind": "silence", "until": _until(), "reason": "Propos blessants"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/u/alice#moderation-{forum.network.slug}"
    sanction = session.scalar(select(MemberSanction))
    assert sanction.kind == SanctionKind.SILENCE and sanction.created_by_id == forum.animator.id
    page = client.get("/u/alice").text
    assert "Propos blessants" in page and "Lift now" in page
    assert outbox()[-1].to_address == forum.alice.email

    lifted = client.post_form(f"/n/{forum.network.slug}/sanctions/{sanction.id}/lift")
    assert lifted.status_code == 303
    session.expire_all()
    assert session.get(MemberSanction, sanction.id).lifted_at is not None
    assert "You may post again" in outbox()[-1].subject


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, session):
    forum = make_forum(session)
    client.login(forum.animator)
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for data in (
        {"kind": "silence", "until": past, "reason": "Raison"},
        {"kind": "silence", "until": _until(), "reason": ""},
        {"kind": "ban", "until": _until(), "reason": "Raison"},
    ):
        response = client.post_form(
            f"/n/{forum.network.slug}/members/alice/sanctions", data, follow_redirects=True
        )
        assert response.status_code == 200
        assert 'class="flash flash-error"' in response.text
    staff = client.post_form(
        f"/n/{forum.network.slug}/members/anim/sanctions",
        {"kind": "silence", "until": _until(), "reason": "R"},
        follow_redirects=True,
    )
    assert "change their role first" in staff.text
    assert session.scalar(select(func.count()).select_from(MemberSanction)) == 0


@pytest.mark.parametrize("who", ["member", "outsider staff", "anonymous"])
def test_only_the_networks_staff_may_sanction_or_note(client, session, who):
    forum = make_forum(session)
    if who == "member":
        client.login(forum.bob)
        expected = 403
    elif who == "outsider staff":
        client.login(UserFactory(member_of=NetworkFactory(), member_of__role=Role.PILOT))
        expected = 404
    else:
        expected = 401
    slug = forum.network.slug
    data = {"kind": "suspend", "until": _until(), "reason": "R", "body": "Note"}
    assert client.post_form(f"/n/{slug}/members/alice/sanctions", data).status_code == expected
    assert client.post_form(f"/n/{slug}/members/alice/notes", data).status_code == expected
    assert session.scalar(select(func.count()).select_from(MemberSanction)) == 0
    assert session.scalar(select(func.count()).select_from(MemberNote)) == 0
    if who != "anonymous":
        assert "moderation-panel" not in client.get("/u/alice").text


def test_silenced_member_cannot_post_and_is_told_why(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.bob, forum.category)
    _silence(session, forum)
    client.login(forum.alice)
    page = client.get(f"/t/{topic.slug}/{topic.id}")
    assert page.status_code == 200  # still reads
    assert "You are silenced in this network until" in page.text and "Propos blessants" in page.text
    refused = client.post_form(f"/t/{topic.slug}/{topic.id}/reply", {"body": "Je parle quand même"})
    assert refused.status_code == 403
    assert "silenced" in refused.text and "Propos blessants" in refused.text
    new_topic = client.post_form(
        f"/n/{forum.network.slug}/new",
        {"category": "questions", "title": "Un sujet neuf", "body": "Texte"},
    )
    assert new_topic.status_code in (403, 404, 405)

    api = client.post(
        f"/api/v1/topics/{topic.id}/posts",
        headers=key_for(session, forum.alice),
        json={"body": "Par l'API"},
    )
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "member_silenced"
    assert session.scalar(select(func.count()).select_from(Post)) == 1


def test_silence_ends_by_itself(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.bob, forum.category)
    sanction = _silence(session, forum)
    sanction.created_at -= timedelta(days=10)
    sanction.ends_at = utcnow() - timedelta(seconds=1)
    session.flush()
    client.login(forum.alice)
    assert (
        client.post_form(f"/t/{topic.slug}/{topic.id}/reply", {"body": "De retour"}).status_code
        == 303
    )


def test_suspended_member_is_treated_as_a_non_member_and_told_why(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.bob, forum.category)
    _silence(session, forum, kind=SanctionKind.SUSPEND, reason="Harcèlement")
    client.login(forum.alice)
    assert client.get(f"/t/{topic.slug}/{topic.id}").status_code in (403, 404)
    assert client.get(f"/n/{forum.network.slug}/members").status_code == 404
    home = client.get(f"/n/{forum.network.slug}")
    assert "You are suspended from this network until" in home.text and "Harcèlement" in home.text
    standing = client.get(f"/n/{forum.network.slug}/standing")
    assert "Harcèlement" in standing.text
    forum_page = client.get(f"/n/{forum.network.slug}/forum")
    assert forum_page.status_code == 403 and "Harcèlement" in forum_page.text
    topics = client.get(
        f"/api/v1/networks/{forum.network.slug}/topics", headers=key_for(session, forum.alice)
    )
    assert topics.status_code == 403 and topics.json()["error"]["code"] == "member_suspended"
    api = client.get(f"/api/v1/topics/{topic.id}", headers=key_for(session, forum.alice))
    assert api.status_code in (403, 404)


def test_suspended_account_cannot_sign_in_and_sessions_stop(client, make_client, session):
    forum = make_forum(session)
    admin = UserFactory(site_admin=True)
    other_browser = make_client()
    other_browser.login(forum.alice)
    key = key_for(session, forum.alice)
    client.login(admin)
    response = client.post_form(
        "/u/alice/suspension", {"until": _until(3), "reason": "Spam répété"}
    )
    assert response.status_code == 303
    assert "Account suspended until" in client.get("/u/alice").text

    assert "Sign in" in other_browser.get("/").text  # the open session ended
    refused = make_client().post_form(
        "/login", {"login": "alice", "password": "un mot de passe solide"}
    )
    assert refused.status_code == 403
    assert "suspended until" in refused.text and "Spam répété" in refused.text
    api = client.get("/api/v1/requests", headers=key)
    assert api.status_code == 403 and api.json()["error"]["code"] == "account_suspended"

    sanction = session.scalar(select(MemberSanction))
    assert client.post_form(f"/u/alice/suspension/{sanction.id}/lift").status_code == 303
    make_client().login(forum.alice)


def test_only_a_site_admin_suspends_an_account(client, session):
    forum = make_forum(session)
    client.login(forum.animator)
    assert (
        client.post_form("/u/alice/suspension", {"until": _until(), "reason": "R"}).status_code
        == 403
    )
    assert "moderation-account" not in client.get("/u/alice").text


def test_notes_are_for_staff_only_and_escaped(client, make_client, session):
    forum = make_forum(session)
    client.login(forum.animator)
    slug = forum.network.slug
    assert (
        client.post_form(
            f"/n/{slug}/members/alice/notes", {"body": f"Premier {SCRIPT}"}
        ).status_code
        == 303
    )
    assert client.post_form(f"/n/{slug}/members/alice/notes", {"body": "Second"}).status_code == 303
    page = client.get("/u/alice").text
    assert SCRIPT not in page
    assert page.index("Second") < page.index("Premier")  # newest first
    _silence(session, forum, reason=SCRIPT)
    assert SCRIPT not in client.get("/u/alice").text

    member = make_client()
    member.login(forum.alice)
    assert "Premier" not in member.get("/u/alice").text
    assert SCRIPT not in member.get(f"/n/{slug}").text
    bob = make_client()
    bob.login(forum.bob)
    assert "Premier" not in bob.get("/u/alice").text


def test_lifting_another_networks_sanction_is_404(client, session):
    forum = make_forum(session)
    sanction = _silence(session, forum)
    other = NetworkFactory(slug="autre")
    client.login(UserFactory(member_of=other, member_of__role=Role.PILOT))
    assert client.post_form(f"/n/autre/sanctions/{sanction.id}/lift").status_code == 404
    session.expire_all()
    assert session.get(MemberSanction, sanction.id).lifted_at is None


def test_staff_see_a_moderation_link_on_post_authors(client, session):
    forum = make_forum(session)
    topic = start_topic(session, forum.alice, forum.category)
    client.login(forum.animator)
    assert (
        f'/u/alice#moderation-{forum.network.slug}"'
        in client.get(f"/t/{topic.slug}/{topic.id}").text
    )
    client.login(forum.bob)
    assert "#moderation-" not in client.get(f"/t/{topic.slug}/{topic.id}").text


# --- API -------------------------------------------------------------------------------------


def test_api_silence_list_lift_and_notes(client, session, outbox):
    forum = make_forum(session)
    key = key_for(session, forum.animator)
    slug = forum.network.slug
    until = (utcnow() + timedelta(days=2)).isoformat()
    created = client.post(
        f"/api/v1/networks/{slug}/members/alice/silence",
        headers=key,
        json={"until": until, "reason": "R1"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "silence" and created.json()["person"]["username"] == "alice"
    suspended = client.post(
        f"/api/v1/networks/{slug}/members/bob/suspend",
        headers=key,
        json={"until": until, "reason": "R2"},
    )
    assert suspended.status_code == 201
    listed = client.get(f"/api/v1/networks/{slug}/sanctions", headers=key).json()
    assert {(s["person"]["username"], s["kind"]) for s in listed} == {
        ("alice", "silence"),
        ("bob", "suspend"),
    }
    lifted = client.post(
        f"/api/v1/networks/{slug}/sanctions/{created.json()['id']}/lift", headers=key, json={}
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    again = client.post(
        f"/api/v1/networks/{slug}/sanctions/{created.json()['id']}/lift", headers=key, json={}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_in_force"

    note = client.post(
        f"/api/v1/networks/{slug}/members/alice/notes", headers=key, json={"body": "À suivre"}
    )
    assert note.status_code == 201
    notes = client.get(f"/api/v1/networks/{slug}/members/alice/notes", headers=key).json()
    assert [n["body"] for n in notes] == ["À suivre"]


def test_api_errors_have_stable_codes(client, session):
    forum = make_forum(session)
    slug = forum.network.slug
    staff, member = key_for(session, forum.animator), key_for(session, forum.bob)
    outsider = key_for(session, UserFactory(member_of=NetworkFactory(), member_of__role=Role.PILOT))
    until = (utcnow() + timedelta(days=2)).isoformat()
    body = {"until": until, "reason": "R"}
    assert (
        client.post(
            f"/api/v1/networks/{slug}/members/alice/silence", headers=member, json=body
        ).json()["error"]["code"]
        == "forbidden"
    )
    assert (
        client.post(
            f"/api/v1/networks/{slug}/members/alice/silence", headers=outsider, json=body
        ).json()["error"]["code"]
        == "not_found"
    )
    assert (
        client.get(f"/api/v1/networks/{slug}/members/alice/notes", headers=outsider).status_code
        == 404
    )
    staff_member = client.post(
        f"/api/v1/networks/{slug}/members/anim/silence", headers=staff, json=body
    )
    assert staff_member.status_code == 409 and staff_member.json()["error"]["code"] == "own_account"
    stranger = client.post(
        f"/api/v1/networks/{slug}/members/outsider/silence", headers=staff, json=body
    )
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "not_a_member"
    naive = client.post(
        f"/api/v1/networks/{slug}/members/alice/silence",
        headers=staff,
        json={"until": "2030-01-01T00:00", "reason": "R"},
    )
    assert naive.status_code == 422
    past = client.post(
        f"/api/v1/networks/{slug}/members/alice/silence",
        headers=staff,
        json={"until": "2020-01-01T00:00:00Z", "reason": "R"},
    )
    assert past.status_code == 422 and past.json()["error"]["code"] == "invalid"


def test_openapi_documents_the_member_moderation_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/networks/{slug}/sanctions",
        "/api/v1/networks/{slug}/members/{username}/silence",
        "/api/v1/networks/{slug}/members/{username}/suspend",
        "/api/v1/networks/{slug}/sanctions/{sanction_id}/lift",
        "/api/v1/networks/{slug}/members/{username}/notes",
        "/api/v1/networks/{slug}/inbox",
        "/api/v1/requests/{request_id}",
    ):
        assert path in paths


def test_the_directory_links_staff_to_each_members_panel(client, session):
    forum = make_forum(session)
    client.login(forum.animator)
    assert (
        f'/u/alice#moderation-{forum.network.slug}"'
        in client.get(f"/n/{forum.network.slug}/members").text
    )
    client.login(forum.bob)
    assert "#moderation-" not in client.get(f"/n/{forum.network.slug}/members").text
