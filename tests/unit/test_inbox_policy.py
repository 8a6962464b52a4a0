"""The request inbox in the permission policy, as a table.

Objects: a network (who manages its inbox, who may write to it) and requests: one sent
by the acting person ("own"), one by someone else in the network ("other's"), one in the
outsider's network ("elsewhere"), open or closed. Someone who may not read a request gets
404: guessing ids reveals nothing. The "outsider" is a pilot of ANOTHER network.
"""

from datetime import UTC, datetime

import pytest

from app import policy
from app.inbox.models import InboxRequest, RequestKind, RequestStatus
from app.networks.models import Network
from app.policy import Action
from tests.unit.test_sanctions_policy import (
    ERRORS,
    OTHER_NETWORK_ID,
    PEOPLE,
    make_network,
    make_principal,
)

SOMEONE_ELSE = 999

# fmt: off
TABLE = [
    # action           object                   anon out mem sil sus ani cop pil adm
    (Action.INBOX_MANAGE,   "members/request",       "401 404 403 403 404 ok  ok  ok  ok"),
    (Action.INBOX_MANAGE,   "public/open",           "401 403 403 403 403 ok  ok  ok  ok"),
    # Members and visitors write; a suspended member too (to ask why, or appeal).
    (Action.REQUEST_SEND,   "members/request",       "401 ok  ok  ok  ok  ok  ok  ok  ok"),
    (Action.REQUEST_SEND,   "public/open",           "401 ok  ok  ok  ok  ok  ok  ok  ok"),

    (Action.REQUEST_READ,   "own open",              "-   ok  ok  ok  ok  ok  ok  ok  ok"),
    (Action.REQUEST_READ,   "other's open",          "401 404 404 404 404 ok  ok  ok  ok"),
    (Action.REQUEST_READ,   "elsewhere open",        "401 ok  404 404 404 404 404 404 ok"),

    (Action.REQUEST_REPLY,  "own open",              "-   ok  ok  ok  ok  ok  ok  ok  ok"),
    (Action.REQUEST_REPLY,  "own closed",            "-   403 403 403 403 ok  ok  ok  ok"),
    (Action.REQUEST_REPLY,  "other's open",          "401 404 404 404 404 ok  ok  ok  ok"),
    (Action.REQUEST_REPLY,  "other's closed",        "401 404 404 404 404 ok  ok  ok  ok"),
    (Action.REQUEST_REPLY,  "elsewhere closed",      "401 ok  404 404 404 404 404 404 ok"),
]
# fmt: on


def make_request(kind: str, principal) -> InboxRequest:
    whose, state = kind.split(" ")
    network = make_network("members/request")
    sender_id = SOMEONE_ELSE
    if whose == "own":
        sender_id = principal.user.id
    elif whose == "elsewhere":
        network = Network(
            id=OTHER_NETWORK_ID,
            slug="autre",
            name="Autre",
            content_visibility=network.content_visibility,
            membership_mode=network.membership_mode,
            charter_number=0,
        )
    return InboxRequest(
        id=7,
        network=network,
        network_id=network.id,
        sender_id=sender_id,
        kind=RequestKind.QUESTION,
        subject="Une question",
        status=RequestStatus(state),
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def cases() -> list:
    return [
        pytest.param(action, kind, person, expected, id=f"{action}-{kind}-{person}")
        for action, kind, answers in TABLE
        for person, expected in zip(PEOPLE, answers.split(), strict=True)
        if expected != "-"
    ]


@pytest.mark.parametrize(("action", "kind", "person", "expected"), cases())
def test_inbox_policy_table(action, kind, person, expected):
    principal = make_principal(person)
    obj = make_network(kind) if "/" in kind else make_request(kind, principal)

    assert policy.can(principal, action, obj) is (expected == "ok")
    if expected == "ok":
        policy.require(principal, action, obj)
    else:
        with pytest.raises(ERRORS[expected]) as raised:
            policy.require(principal, action, obj)
        assert type(raised.value) is ERRORS[expected]
