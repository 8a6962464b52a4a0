"""The /api/v1 routes reached with API keys: me, networks, the OpenAPI document, errors."""

import pytest

from app.accounts import api_keys
from app.networks.models import ContentVisibility, MembershipMode, Role
from tests.factories import MembershipFactory, NetworkFactory, NotificationFactory, UserFactory


def key_for(session, user) -> dict:
    return {"Authorization": f"Bearer {api_keys.create_api_key(session, actor=user, name='k')[1]}"}


@pytest.fixture
def networks(session):
    national = NetworkFactory(
        slug="rssi", name="RSSI de France", content_visibility=ContentVisibility.PUBLIC
    )
    regional = NetworkFactory(
        slug="rssi-bretagne",
        name="RSSI de Bretagne",
        parent=national,
        membership_mode=MembershipMode.INVITATION,
    )
    return national, regional


def test_me(client, session, networks):
    national, regional = networks
    alice = UserFactory(
        username="alice", display_name="Alice Durand", trade="RSSI", member_of=regional
    )
    MembershipFactory(network=national, user=alice, role=Role.ANIMATOR)
    UserFactory(member_of=national)  # someone else's membership stays out
    NotificationFactory(user=alice)
    body = client.get("/api/v1/me", headers=key_for(session, alice)).json()
    assert (
        body["username"] == "alice"
        and body["display_name"] == "Alice Durand"
        and body["trade"] == "RSSI"
    )
    assert body["networks"] == [
        {"slug": "rssi-bretagne", "name": "RSSI de Bretagne", "role": "member"},
        {"slug": "rssi", "name": "RSSI de France", "role": "animator"},
    ]
    assert body["unread_notifications"] == 1
    assert "password_hash" not in body and "auth_version" not in body


def test_networks_list_for_anyone(client, session, networks):
    body = client.get("/api/v1/networks").json()
    by_slug = {n["slug"]: n for n in body}
    assert by_slug["rssi-bretagne"]["parent_slug"] == "rssi"
    assert by_slug["rssi-bretagne"]["content_readable"] is False
    assert by_slug["rssi"]["content_readable"] is True
    assert by_slug["rssi"]["your_role"] is None
    assert by_slug["rssi-bretagne"]["membership_mode"] == "invitation"


def test_network_detail_hides_the_directory_from_non_members(client, session, networks):
    _national, regional = networks
    pilot = UserFactory(username="pilote", member_of=regional, member_of__role=Role.PILOT)
    UserFactory(username="membre", member_of=regional)
    outsider = UserFactory()
    seen_by_outsider = client.get(
        "/api/v1/networks/rssi-bretagne", headers=key_for(session, outsider)
    ).json()
    assert seen_by_outsider["members"] is None
    assert seen_by_outsider["content_readable"] is False
    assert seen_by_outsider["member_count"] == 2
    assert [p["username"] for p in seen_by_outsider["staff"]["pilots"]] == ["pilote"]
    anonymous = client.get("/api/v1/networks/rssi-bretagne").json()
    assert anonymous["members"] is None

    seen_by_member = client.get(
        "/api/v1/networks/rssi-bretagne", headers=key_for(session, pilot)
    ).json()
    assert seen_by_member["your_role"] == "pilot" and seen_by_member["content_readable"] is True
    assert sorted(m["username"] for m in seen_by_member["members"]) == ["membre", "pilote"]


def test_network_detail_of_the_parent_lists_its_children(client, session, networks):
    body = client.get("/api/v1/networks/rssi").json()
    assert body["children"] == [{"slug": "rssi-bretagne", "name": "RSSI de Bretagne"}]
    assert body["parent_slug"] is None


def test_unknown_network_is_404_json(client, session):
    response = client.get("/api/v1/networks/nowhere")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": response.json()["error"]["message"]}
    }


def test_openapi_lists_the_routes_with_tags_and_the_key_scheme(client):
    spec = client.get("/api/openapi.json").json()
    expected = {
        ("/api/v1/me", "get", "account"),
        ("/api/v1/networks", "get", "networks"),
        ("/api/v1/networks/{slug}", "get", "networks"),
        ("/api/v1/notifications", "get", "notifications"),
        ("/api/v1/notifications/{notification_id}/read", "post", "notifications"),
        ("/api/v1/notifications/read-all", "post", "notifications"),
    }
    for path, method, tag in expected:
        operation = spec["paths"][path][method]
        assert tag in operation["tags"]
        assert operation["security"] == [{"ApiKey": []}]
        errors = {
            status: answer for status, answer in operation["responses"].items() if status >= "400"
        }
        assert {"401", "429"} <= set(errors)
        for answer in errors.values():
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert not any(
        path.startswith(("/login", "/account", "/notifications")) for path in spec["paths"]
    )
    assert client.get("/api/docs").status_code == 200


API_ERRORS = [
    ("get", "/api/v1/me", {}, 401, "not_authenticated"),
    ("get", "/api/v1/me", {"Authorization": "Bearer mlg_x"}, 401, "invalid_api_key"),
    ("get", "/api/v1/nothing-here", {}, 404, "not_found"),
    ("get", "/api/v1/networks/nowhere", {}, 404, "not_found"),
    ("delete", "/api/v1/me", {}, 405, "method_not_allowed"),
    ("post", "/api/v1/notifications/read-all", {}, 403, "csrf_failed"),
    (
        "post",
        "/api/v1/notifications/abc/read",
        {"Authorization": "Bearer mlg_x"},
        401,
        "invalid_api_key",
    ),
    ("get", "/api/v1/notifications?limit=1000", {}, 401, "not_authenticated"),
]


@pytest.mark.parametrize(("method", "path", "headers", "status", "code"), API_ERRORS)
def test_every_api_error_is_json_with_a_code(client, session, method, path, headers, status, code):
    response = client.request(method, path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code and isinstance(error["message"], str)


def test_validation_errors_for_a_signed_in_caller(client, session):
    headers = key_for(session, UserFactory())
    response = client.post("/api/v1/notifications/abc/read", headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["details"][0]["field"] == "notification_id"
