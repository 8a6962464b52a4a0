"""The notification API: list, mark one read, mark all read; never another member's."""

import pytest

from app.accounts import api_keys
from app.db import utcnow
from app.notifications import service as notifications_service
from tests.factories import NotificationFactory, UserFactory


@pytest.fixture
def alice(session):
    return UserFactory()


@pytest.fixture
def headers(session, alice):
    return {"Authorization": f"Bearer {api_keys.create_api_key(session, actor=alice, name='k')[1]}"}


def test_list_with_unread_count_and_paging(client, session, alice, headers):
    bob = UserFactory(display_name="Bob Martin")
    read = NotificationFactory(user=alice, read_at=utcnow())
    made = [NotificationFactory(user=alice, actor=bob, topic_id=3, post_id=9) for _ in range(3)]
    NotificationFactory()
    body = client.get("/api/v1/notifications?limit=2", headers=headers).json()
    assert [item["id"] for item in body["items"]] == [made[2].id, made[1].id]
    assert body["unread_count"] == 3
    first = body["items"][0]
    assert first["actor_name"] == "Bob Martin" and first["kind"] == "reply"
    assert first["read_at"] is None and first["topic_id"] == 3 and first["post_id"] == 9
    assert set(first) == {
        "id",
        "kind",
        "title",
        "excerpt",
        "url",
        "actor_name",
        "network_id",
        "topic_id",
        "post_id",
        "created_at",
        "read_at",
    }
    rest = client.get(
        f"/api/v1/notifications?limit=2&before={body['next_before']}", headers=headers
    ).json()
    assert [item["id"] for item in rest["items"]] == [made[0].id, read.id]
    assert rest["next_before"] is None
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).json()
    assert read.id not in [item["id"] for item in unread["items"]]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "before=0", "before=x", "unread=maybe"])
def test_bad_list_parameters_are_422_with_a_code(client, session, headers, query):
    response = client.get(f"/api/v1/notifications?{query}", headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["details"]


def test_mark_one_read(client, session, alice, headers):
    notification = NotificationFactory(user=alice)
    response = client.post(f"/api/v1/notifications/{notification.id}/read", headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == notification.id and response.json()["read_at"] is not None
    assert notifications_service.count_unread(session, user_id=alice.id) == 0


def test_guessing_another_members_ids_finds_nothing(client, session, headers):
    others = NotificationFactory.create_batch(3)
    for notification in others:
        response = client.post(f"/api/v1/notifications/{notification.id}/read", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    session.expire_all()
    assert all(n.read_at is None for n in others)
    assert others[0].id not in [
        i["id"] for i in client.get("/api/v1/notifications", headers=headers).json()["items"]
    ]


def test_mark_all_read(client, session, alice, headers):
    NotificationFactory.create_batch(2, user=alice)
    other = NotificationFactory()
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {
        "marked": 2,
        "unread_count": 0,
    }
    assert notifications_service.count_unread(session, user_id=other.user_id) == 1


def test_anonymous_gets_401_json(client, session):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
