from tests.factories import NetworkFactory, UserFactory


def test_home_lists_networks(client, session):
    NetworkFactory(name="Réseau des archivistes")
    response = client.get("/")
    assert response.status_code == 200
    assert "Réseau des archivistes" in response.text
    assert "HX-Request" in response.headers["vary"]


def test_sign_in_and_see_own_name(client, session):
    user = UserFactory(display_name="Odile Perrin")
    client.login(user)
    assert "Odile Perrin" in client.get("/").text
