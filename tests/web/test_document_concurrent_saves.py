"""Two members save the same document at the same moment, for real.

The app runs in uvicorn (a subprocess on a free port, its own data folder migrated by
`maillage db upgrade`); two threads, each with its own HTTP connection and API key,
wait at a barrier and send their saves together, both from revision 1. Whatever
order the server puts them in, no edit may be lost: changes that do not overlap end
up merged in the newest revision, overlapping ones leave one saved and give the
other a 409 carrying both texts.
"""

import threading
from collections.abc import Iterator

import httpx
import pytest

from app.accounts import api_keys
from app.documents import revisions
from app.documents.models import DocumentKind
from tests.browser.live import LiveServer, running_server, unique

BASE = (
    "# Compte rendu\n\nOuverture de la séance.\n\nPoint sur les incidents.\n\n"
    "Questions diverses.\n\nClôture.\n"
)
ROUNDS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("concurrent")) as live:
        yield live


@pytest.fixture(scope="module")
def members(server):
    """Two members of one network (without a charter to accept) and an API key for each."""
    lea, bruno = server.seed.user("lea", "Léa Dubois"), server.seed.user("bruno", "Bruno Lefèvre")
    network = server.seed.network(
        pilot=lea, name=unique("Réseau "), purpose="Tester les sauvegardes."
    )
    server.seed.join(bruno, network)
    keys = []
    with server.seed.session() as session:
        for person in (lea, bruno):
            _key, secret = api_keys.create_api_key(
                session, actor=session.merge(person), name="concurrence"
            )
            keys.append(secret)
    return network, (lea, bruno), keys


def new_document(server, network, author) -> int:
    with server.seed.session() as session:
        document = revisions.create_document(
            session,
            actor=session.merge(author),
            network=session.merge(network),
            folder=None,
            kind=DocumentKind.MINUTES,
            title="Compte rendu",
            body=BASE,
        )
        session.flush()
        return document.id


def save_together(
    server, network, keys, document_id: int, bodies: list[str]
) -> list[httpx.Response]:
    """Each key saves its body from revision 1, released at the same instant."""
    url = f"{server.url}/api/v1/networks/{network.slug}/documents/{document_id}/revisions"
    # The server answers in French by default; the assertions read the English messages.
    clients = [
        httpx.Client(
            headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"}, timeout=20
        )
        for key in keys
    ]
    for client in clients:
        # Open the connections first, so the race starts at the request, not at the handshake.
        assert client.get(f"{url}/1").status_code == 200
    start = threading.Barrier(len(clients))
    responses: list[httpx.Response | None] = [None] * len(clients)

    def save(index: int) -> None:
        start.wait()
        responses[index] = clients[index].post(
            url,
            json={
                "base_number": 1,
                "title": "Compte rendu",
                "body": bodies[index],
                "comment": f"n°{index}",
            },
        )

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return responses


def current(server, network, keys, document_id: int) -> dict:
    response = httpx.get(
        f"{server.url}/api/v1/networks/{network.slug}/documents/{document_id}",
        headers={"Authorization": f"Bearer {keys[0]}"},
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_simultaneous_saves_that_do_not_overlap_are_both_kept(server, members, round_number):
    network, (lea, _bruno), keys = members
    document_id = new_document(server, network, lea)
    first = BASE.replace("Ouverture de la séance.", "Ouverture de la séance à 14 h.")
    second = BASE.replace("Clôture.", "Clôture à 16 h.")
    responses = save_together(server, network, keys, document_id, [first, second])
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    numbers = sorted(r.json()["revision"]["number"] for r in responses)
    assert numbers == [2, 3]
    later = next(r.json() for r in responses if r.json()["revision"]["number"] == 3)
    assert later["merged_revisions"] == [2] and "merged" in later["note"]
    document = current(server, network, keys, document_id)
    assert document["head_number"] == 3
    body = document["current"]["body"]
    assert "Ouverture de la séance à 14 h." in body and "Clôture à 16 h." in body


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_simultaneous_overlapping_saves_keep_one_and_return_the_other(
    server, members, round_number
):
    network, (lea, _bruno), keys = members
    document_id = new_document(server, network, lea)
    bodies = [
        BASE.replace("Point sur les incidents.", "Point sur les incidents de janvier."),
        BASE.replace("Point sur les incidents.", "Point sur les deux incidents graves."),
    ]
    responses = save_together(server, network, keys, document_id, bodies)
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    saved = next(index for index, r in enumerate(responses) if r.status_code == 201)
    refused = responses[1 - saved].json()
    assert refused["error"]["code"] == "edit_conflict"
    merge = refused["merge"]
    # Nothing lost: the refused text comes back whole, beside the one that was saved.
    assert merge["your_body"] == bodies[1 - saved] and merge["head_body"] == bodies[saved]
    assert merge["head_number"] == 2 and merge["conflicts"] == 1
    assert (
        "<<<<<<<" in merge["merged_body"]
        and "de janvier" in merge["merged_body"]
        and "graves" in merge["merged_body"]
    )
    document = current(server, network, keys, document_id)
    assert document["head_number"] == 2 and document["current"]["body"] == bodies[saved]
    resolved = BASE.replace(
        "Point sur les incidents.", "Point sur les deux incidents graves de janvier."
    )
    again = httpx.post(
        f"{server.url}/api/v1/networks/{network.slug}/documents/{document_id}/revisions",
        headers={"Authorization": f"Bearer {keys[1 - saved]}"},
        json={"base_number": merge["head_number"], "title": "Compte rendu", "body": resolved},
    )
    assert again.status_code == 201 and again.json()["revision"]["number"] == 3
    assert server.errors_logged_since(0) == ""
