"""Forum and documents in the index: what each change re-indexes, grouping and links."""

import hashlib

import pytest

from app.documents import files, revisions
from app.documents.models import DocumentKind
from app.forum import categories, posting, topic_state
from app.forum.models import ReadAccess
from app.networks.models import ContentVisibility
from app.search import indexer
from app.storage import LocalStorage
from tests import samples
from tests.forum_support import make_forum, reply, start_topic
from tests.search_support import search_as, urls_of


@pytest.fixture
def drain(session, db, settings):
    def run():
        session.commit()
        while indexer.drain_outbox(db, settings):
            pass
        session.expire_all()

    return run


@pytest.fixture
def forum(session):
    return make_forum(session, visibility=ContentVisibility.MEMBERS)


def test_post_text_is_indexed_as_plain_text(session, search_backend, forum, drain):
    topic = start_topic(
        session,
        forum.alice,
        forum.category,
        title="Mise en forme",
        body="Un mot **gras** et `code`",
    )
    drain()
    assert search_as(session, search_backend, forum.bob, "gras").total == 1
    assert search_as(session, search_backend, forum.bob, "strong").total == 0
    assert urls_of(search_as(session, search_backend, forum.bob, "gras")) == [
        f"/t/{topic.slug}/{topic.id}/1"
    ]


def test_topic_with_many_matching_posts_is_one_result_with_its_best_post(
    session, search_backend, forum, drain
):
    topic = start_topic(
        session, forum.alice, forum.category, title="Chiffrement des disques", body="Quel outil ?"
    )
    for _number in range(30):
        reply(session, forum.bob, topic, body="Le chiffrement, encore le chiffrement.")
    best = reply(
        session, forum.animator, topic, body="BitLocker avec chiffrement matériel désactivé."
    )
    other = start_topic(
        session, forum.bob, forum.category, title="Autre sujet", body="Du chiffrement ailleurs"
    )
    drain()
    found = search_as(session, search_backend, forum.alice, "chiffrement bitlocker")
    assert found.total == 1
    assert found.results[0].url == f"/t/{topic.slug}/{topic.id}/{best.post_number}"
    assert found.results[0].heading.striptags() == "Chiffrement des disques"
    everything = search_as(session, search_backend, forum.alice, "chiffrement")
    assert everything.total == 2
    assert everything.matches == 33  # the title and 31 replies, and the other topic's post
    # Each result is the topic itself or one of its posts, whichever matched best.
    paths = sorted(r.url for r in everything.results)
    assert paths[0].startswith(f"/t/{other.slug}/{other.id}")
    assert paths[1].startswith(f"/t/{topic.slug}/{topic.id}")


def test_editing_a_post_replaces_its_words(session, search_backend, forum, drain):
    topic = start_topic(
        session, forum.alice, forum.category, title="Procédure", body="Appeler le cyberviseur"
    )
    drain()
    first_post = posting.get_post_by_number(session, topic, 1)
    posting.edit_post(session, actor=forum.alice, post=first_post, body="Appeler la permanence")
    drain()
    assert search_as(session, search_backend, forum.bob, "cyberviseur").total == 0
    assert search_as(session, search_backend, forum.bob, "permanence").total == 1


def test_new_title_and_tags_reach_every_post(session, search_backend, forum, drain):
    topic = start_topic(
        session, forum.alice, forum.category, title="Ancien titre", body="Texte premier"
    )
    reply(session, forum.bob, topic, body="Réponse seconde")
    drain()
    first_post = posting.get_post_by_number(session, topic, 1)
    posting.edit_post(
        session,
        actor=forum.alice,
        post=first_post,
        body="Texte premier",
        title="Nouveau titre",
        tags=["rgpd"],
    )
    drain()
    assert search_as(session, search_backend, forum.bob, "ancien in:title").total == 0
    found = search_as(session, search_backend, forum.bob, "seconde tag:rgpd")
    assert found.total == 1
    assert found.results[0].heading.striptags() == "Nouveau titre"
    assert search_as(session, search_backend, forum.bob, "rgpd").total == 1  # tags are words too


def test_answered_status_is_searchable(session, search_backend, forum, drain):
    topic = start_topic(
        session,
        forum.alice,
        forum.category,
        title="Question de journalisation",
        body="Combien de temps ?",
    )
    answer = reply(session, forum.bob, topic, body="Un an de journaux.")
    drain()
    assert search_as(session, search_backend, forum.bob, "journaux status:unanswered").total == 1
    topic_state.mark_answered(session, topic=topic, post=answer)
    drain()
    assert search_as(session, search_backend, forum.bob, "journaux status:answered").total == 1
    assert search_as(session, search_backend, forum.bob, "journaux status:unanswered").total == 0
    assert search_as(session, search_backend, forum.bob, "journaux status:open").total == 1
    topic_state.unmark_answered(session, topic=topic)
    drain()
    assert search_as(session, search_backend, forum.bob, "journaux status:answered").total == 0


def test_category_changes_reach_its_topics(session, search_backend, forum, drain):
    start_topic(
        session, forum.alice, forum.category, title="Inventaire", body="Liste des serveurs exposés"
    )
    drain()
    category = forum.category
    categories.update_category(
        session,
        category=category,
        name="Bureau",
        slug="bureau",
        description="",
        colour="#1d4f6e",
        position=0,
        parent=None,
        read_access=ReadAccess.STAFF,
        topic_access=category.topic_access,
    )
    drain()
    assert search_as(session, search_backend, forum.bob, "serveurs").total == 0
    found = search_as(session, search_backend, forum.animator, "serveurs #bureau")
    assert found.total == 1
    assert found.results[0].category_label == "Bureau"


def test_private_message_replies_stay_with_participants(session, search_backend, forum, drain):
    conversation = posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob],
        title="Entre nous",
        body="Un sujet délicat",
        posts_per_window=10_000,
    )
    reply(session, forum.bob, conversation, body="Réponse confidentielle")
    drain()
    assert search_as(session, search_backend, forum.bob, "confidentielle").total == 1
    assert search_as(session, search_backend, forum.alice, "confidentielle").total == 1
    assert search_as(session, search_backend, forum.animator, "confidentielle").total == 0


def test_documents_are_found_by_title_and_current_text(session, search_backend, forum, drain):
    document = revisions.create_document(
        session,
        actor=forum.alice,
        network=forum.network,
        folder=None,
        kind=DocumentKind.MINUTES,
        title="Compte rendu de mars",
        body="Décision : adopter la politique de mots de passe.",
    )
    drain()
    url = f"/n/{forum.network.slug}/documents/{document.id}"
    assert urls_of(search_as(session, search_backend, forum.bob, "politique in:documents")) == [url]
    assert urls_of(search_as(session, search_backend, forum.bob, "mars in:title")) == [url]
    revisions.save_revision(
        session,
        actor=forum.bob,
        document=document,
        base_number=1,
        title="Compte rendu de mars",
        body="Décision : reporter le sujet.",
        comment="",
    )
    drain()
    assert search_as(session, search_backend, forum.bob, "politique").total == 0
    assert urls_of(search_as(session, search_backend, forum.bob, "reporter")) == [url]
    assert search_as(session, search_backend, forum.outsider, "reporter").total == 0


def test_files_are_found_by_name_and_extracted_text(
    session, search_backend, forum, drain, tmp_path
):
    storage = LocalStorage(tmp_path / "files")

    def upload(text):
        data = samples.pdf(text)
        source = tmp_path / "incoming.pdf"
        source.write_bytes(data)
        return files.upload_file(
            session,
            storage=storage,
            actor=forum.alice,
            network=forum.network,
            folder=None,
            source=source,
            filename="cartographie.pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )

    first = upload("Cartographie des flux sortants")
    drain()
    url = f"/n/{forum.network.slug}/documents/files/{first.version.file_id}"
    assert urls_of(search_as(session, search_backend, forum.bob, "sortants in:files")) == [url]
    assert urls_of(search_as(session, search_backend, forum.bob, "cartographie.pdf")) == [url]
    upload("Version deux : flux entrants")
    drain()
    assert search_as(session, search_backend, forum.bob, "sortants").total == 0
    assert urls_of(search_as(session, search_backend, forum.bob, "entrants")) == [url]
