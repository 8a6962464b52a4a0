"""The search page, the header's search-as-you-type and the JSON API: bad input never fails."""

import pytest

from app.networks.models import ContentVisibility
from app.search import indexer
from tests.forum_support import make_forum, reply, start_topic


@pytest.fixture
def forum(session, db, settings):
    """A public network with a topic of three posts about backups, indexed."""
    forum = make_forum(session, visibility=ContentVisibility.PUBLIC)
    topic = start_topic(
        session,
        forum.alice,
        forum.category,
        title="Sauvegardes hors ligne",
        body="Quelle fréquence de sauvegarde ?",
    )
    reply(
        session,
        forum.bob,
        topic,
        body="Une sauvegarde complète chaque semaine, incrémentale chaque nuit.",
    )
    reply(session, forum.animator, topic, body="Pensez à tester la restauration de la sauvegarde.")
    session.commit()
    indexer.drain_outbox(db, settings)
    forum.topic = topic
    return forum


def test_search_page_groups_a_topic_into_one_result(client, forum):
    page = client.get("/search", params={"q": "restauration sauvegarde"})
    assert page.status_code == 200
    assert "1 result" in page.text
    topic = forum.topic
    # The topic's best post is shown, linked to the exact post, matched words marked.
    assert f'href="/t/{topic.slug}/{topic.id}/3"' in page.text
    assert "<mark>restauration</mark>" in page.text


def test_many_matching_posts_are_one_result_with_their_count(client, forum):
    found = client.get("/api/v1/search", params={"q": "sauvegarde"}).json()
    assert found["total"] == 1
    assert found["matches"] == 4  # the title and the three posts
    assert found["results"][0]["matches"] == 4
    kinds = {facet["label"]: facet["count"] for facet in found["kinds"]}
    assert kinds == {"Posts": 3, "Topics": 1}
    assert [facet["count"] for facet in found["networks"]] == [4]


def test_htmx_search_answers_the_results_fragment(client, forum):
    fragment = client.get("/search", params={"q": "sauvegarde"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="search-results"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


def test_empty_page_shows_the_query_help(client):
    page = client.get("/search")
    assert page.status_code == 200
    assert "search-help" in page.text


BROKEN = [
    "",
    "   ",
    "*",
    '"plan de',
    "((sauvegarde",
    "sauvegarde)",
    "couleur:rouge sauvegarde",
    "before:hier sauvegarde",
    "after:2026-99-99",
    "status:perdu",
    "network:inconnu sauvegarde",
    "@personne sauvegarde",
    "OR",
    "-sauvegarde",
    "<script>alert(1)</script>",
    "\x00",
    "sauvegarde " * 1000,
    "x" * 10_000,
]


@pytest.mark.parametrize("text", BROKEN)
def test_broken_queries_never_fail(client, forum, text):
    page = client.get("/search", params={"q": text})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    api = client.get("/api/v1/search", params={"q": text})
    assert api.status_code == 200
    assert isinstance(api.json()["results"], list)
    suggest = client.get("/search/suggest", params={"q": text})
    assert suggest.status_code == 200


def test_broken_syntax_is_searched_as_words_with_a_hint(client, forum):
    found = client.get("/api/v1/search", params={"q": '"sauvegarde complète'}).json()
    assert "open_quote" in {hint["code"] for hint in found["hints"]}
    assert found["total"] == 1
    page = client.get("/search", params={"q": "sauvegarde before:hier"})
    assert 'data-hint="bad_date_before"' in page.text


def test_unknown_network_or_author_says_so(client, forum):
    found = client.get("/api/v1/search", params={"q": "sauvegarde network:inconnu"}).json()
    assert found["total"] == 0
    assert "unknown_network" in {hint["code"] for hint in found["hints"]}
    found = client.get("/api/v1/search", params={"q": "@personne"}).json()
    assert "unknown_author" in {hint["code"] for hint in found["hints"]}


@pytest.mark.parametrize("page_number", ["2", "50", "51", "999999", "9999999999", "-1", "abc", "0"])
def test_pages_past_the_end_are_clear(client, forum, page_number):
    page = client.get("/search", params={"q": "sauvegarde", "page": page_number})
    assert page.status_code == 200
    api = client.get("/api/v1/search", params={"q": "sauvegarde", "page": page_number}).json()
    if page_number in ("2", "50", "51", "999999"):
        assert api["results"] == []
        assert "past_end" in {hint["code"] for hint in api["hints"]}
        assert 'data-hint="past_end"' in page.text
    else:  # not a page number: the first page
        assert api["page"] == 1 and len(api["results"]) == 1


def test_filters_narrow_results(client, forum):
    def total(q):
        return client.get("/api/v1/search", params={"q": q}).json()["total"]

    assert total("sauvegarde @bob") == 1
    assert total("sauvegarde @outsider") == 0
    assert total("sauvegarde #questions") == 1
    assert total("sauvegarde #ailleurs") == 0
    assert total("sauvegarde in:title") == 1
    assert total("restauration in:title") == 0
    assert total("sauvegarde in:documents") == 0
    assert total("sauvegarde status:open status:unanswered") == 1
    assert total("sauvegarde status:answered") == 0
    assert total("sauvegarde after:2020-01-01") == 1
    assert total("sauvegarde before:2020-01-01") == 0
    assert total(f"sauvegarde network:{forum.network.slug}") == 1
    assert total("sauvegarde -restauration") == 1  # other posts of the topic still match
    assert total("sauvegarde -sauvegardes") == 0


def test_suggestions_show_top_topics_as_typed(client, forum):
    fragment = client.get("/search/suggest", params={"q": "sauveg"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<mark>Sauvegardes</mark> hors ligne" in fragment.text
    assert fragment.text.count('class="suggestion-heading"') == 1
    api = client.get("/api/v1/search/suggest", params={"q": "sauveg"}).json()
    assert [s["kind_label"] for s in api] in (["Topics"], ["Posts"])


def test_search_rate_limit(client, forum, settings):
    settings.search_per_minute = 2
    assert client.get("/search", params={"q": "sauvegarde"}).status_code == 200
    assert client.get("/search", params={"q": "sauvegarde"}).status_code == 200
    assert client.get("/search", params={"q": "sauvegarde"}).status_code == 429
    assert client.get("/api/v1/search", params={"q": "sauvegarde"}).json()["error"]["code"]
