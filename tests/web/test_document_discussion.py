"""Starting the forum discussion of a document from its page, and the links both ways."""

import html

from app.forum.models import ReadAccess, TopicAccess
from app.networks.models import ContentVisibility
from tests.factories import CategoryFactory, UserFactory
from tests.web.documents_helpers import member_setting
from tests.web.test_document_editing import new_document


def discussion_url(network, document) -> str:
    return f"/n/{network.slug}/documents/{document.id}/discussion"


def test_start_a_discussion_and_follow_the_links_both_ways(client, session):
    network, lea, _bruno, _karim = member_setting()
    category = CategoryFactory(network=network, name="Réunions")
    document = new_document(session, network, lea)
    client.login(lea)
    page = client.get(f"/n/{network.slug}/documents/{document.id}").text
    assert "Start a discussion" in page and discussion_url(network, document) in page
    form = html.unescape(client.get(discussion_url(network, document)).text)
    assert 'value="Notes de réunion"' in form
    assert f"[Notes de réunion](/n/{network.slug}/documents/{document.id})" in form
    response = client.post_form(
        discussion_url(network, document),
        {"category": category.slug, "title": "Notes de réunion", "body": "Vos remarques ?"},
    )
    assert response.status_code == 303
    topic_path = response.headers["location"]
    topic_page = client.get(topic_path).text
    assert "Discussion of the document" in topic_page
    assert f'/n/{network.slug}/documents/{document.id}"' in topic_page
    document_page = client.get(f"/n/{network.slug}/documents/{document.id}").text
    assert f'{topic_path}"' in document_page and "Start a discussion" not in document_page
    again = client.get(discussion_url(network, document), follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == topic_path
    second = client.post_form(
        discussion_url(network, document),
        {"category": category.slug, "title": "Encore", "body": "Deux ?"},
    )
    assert second.status_code == 409 and "already has a discussion" in html.unescape(second.text)
    assert client.get(f"/api/v1/networks/{network.slug}/documents/{document.id}").json()[
        "topic_id"
    ] == int(topic_path.rsplit("/", 1)[1])


def test_bad_discussion_forms_create_nothing(client, session):
    network, lea, _bruno, _karim = member_setting()
    staff_only = CategoryFactory(network=network, name="Animation", topic_access=TopicAccess.STAFF)
    open_category = CategoryFactory(network=network)
    document = new_document(session, network, lea)
    client.login(lea)
    url = discussion_url(network, document)
    refused = client.post_form(
        url, {"category": staff_only.slug, "title": "Sujet", "body": "Texte"}
    )
    assert refused.status_code == 403 and "Only the network's animators" in html.unescape(
        refused.text
    )
    unknown = client.post_form(url, {"category": "nulle-part", "title": "Sujet", "body": "Texte"})
    assert unknown.status_code == 422 and "This category does not exist." in unknown.text
    blank = client.post_form(url, {"category": open_category.slug, "title": "Sujet", "body": "   "})
    assert blank.status_code == 422
    forged = client.post_form(
        url, {"category": open_category.slug, "title": "Sujet", "body": "Texte"}, csrf=False
    )
    assert forged.status_code == 403
    session.expire_all()
    assert document.topic_id is None and open_category.topic_count == 0


def test_readers_who_may_not_post_cannot_start_one(client, session):
    network, lea, _bruno, _karim = member_setting(ContentVisibility.PUBLIC)
    category = CategoryFactory(network=network)
    document = new_document(session, network, lea)
    client.login(UserFactory())
    assert "Start a discussion" not in client.get(f"/n/{network.slug}/documents/{document.id}").text
    assert client.get(discussion_url(network, document)).status_code == 403
    response = client.post_form(
        discussion_url(network, document),
        {"category": category.slug, "title": "Sujet", "body": "Texte"},
    )
    assert response.status_code == 403
    session.expire_all()
    assert document.topic_id is None


def test_a_discussion_in_a_staff_category_is_not_shown_to_members(client, session, make_client):
    network, lea, _bruno, karim = member_setting()
    staff_room = CategoryFactory(
        network=network, read_access=ReadAccess.STAFF, topic_access=TopicAccess.STAFF
    )
    document = new_document(session, network, lea)
    client.login(karim)
    response = client.post_form(
        discussion_url(network, document),
        {"category": staff_room.slug, "title": "Entre animateurs", "body": "Avis ?"},
    )
    assert response.status_code == 303
    assert "Entre animateurs" in client.get(f"/n/{network.slug}/documents/{document.id}").text
    member = make_client()
    member.login(lea)
    page = member.get(f"/n/{network.slug}/documents/{document.id}").text
    assert "Entre animateurs" not in page and "Start a discussion" not in page


def test_documents_of_another_network_cannot_be_discussed(client, session):
    network, lea, _bruno, _karim = member_setting()
    elsewhere, stranger, _b, _k = member_setting()
    document = new_document(session, network, lea)
    client.login(stranger)
    assert client.get(f"/n/{elsewhere.slug}/documents/{document.id}/discussion").status_code == 404
    assert client.get(discussion_url(network, document)).status_code == 403
