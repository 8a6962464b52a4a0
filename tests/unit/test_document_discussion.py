"""The discussion topic of a document: started through the forum's service, one per document."""

import pytest
from sqlalchemy import update

from app.documents import discussion, revisions
from app.documents.models import Document, DocumentKind
from app.errors import Conflict, Invalid, NotFound
from app.forum import posting as forum_posting
from app.forum.models import Topic
from tests.factories import CategoryFactory, NetworkFactory, UserFactory

NO_LIMIT = 1000


def setting(session):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    document = revisions.create_document(
        session,
        actor=lea,
        network=network,
        folder=None,
        kind=DocumentKind.MINUTES,
        title="Compte rendu de janvier",
        body="Texte.\n",
    )
    return network, lea, document, CategoryFactory(network=network)


def start(session, lea, document, category, **overrides):
    arguments = {"title": "Compte rendu de janvier", "body": "Vos remarques ?", **overrides}
    return discussion.start_discussion(
        session,
        actor=lea,
        document=document,
        category=category,
        posts_per_window=NO_LIMIT,
        **arguments,
    )


def test_starting_a_discussion_attaches_a_forum_topic(session):
    _network, lea, document, category = setting(session)
    assert discussion.get_discussion(session, document) is None
    topic = start(session, lea, document, category)
    assert isinstance(topic, Topic) and topic.category_id == category.id and topic.post_count == 1
    assert document.topic_id == topic.id
    session.expire_all()
    assert discussion.get_discussion(session, document).id == topic.id
    assert discussion.get_discussed_document(session, topic).id == document.id


def test_a_second_discussion_is_refused(session):
    _network, lea, document, category = setting(session)
    start(session, lea, document, category)
    with pytest.raises(Conflict) as error:
        start(session, lea, document, category, title="Encore un sujet")
    assert error.value.code == "discussion_exists"


def test_another_member_attaching_at_the_same_moment_is_refused(session):
    _network, lea, document, category = setting(session)
    other = forum_posting.create_topic(
        session,
        actor=lea,
        category=category,
        title="Sujet concurrent",
        body="Moi d'abord.",
        posts_per_window=NO_LIMIT,
    )
    # Attached by another request after this one loaded the document: its copy still says none.
    session.execute(
        update(Document).where(Document.id == document.id).values(topic_id=other.id),
        execution_options={"synchronize_session": False},
    )
    assert document.topic_id is None
    with pytest.raises(Conflict):
        start(session, lea, document, category)
    session.expire_all()
    assert discussion.get_discussion(session, document).id == other.id


def test_a_category_of_another_network_is_not_found(session):
    _network, lea, document, _category = setting(session)
    with pytest.raises(NotFound):
        start(session, lea, document, CategoryFactory(network=NetworkFactory()))
    assert document.topic_id is None


def test_the_forum_checks_title_and_body(session):
    _network, lea, document, category = setting(session)
    with pytest.raises(Invalid):
        start(session, lea, document, category, body="   ")


def test_opening_text_links_back_to_the_document():
    assert (
        discussion.opening_text("CR", "/n/r/documents/3")
        == "This topic discusses the document [CR](/n/r/documents/3)."
    )
