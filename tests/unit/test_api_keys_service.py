from datetime import timedelta

import pytest

from app.accounts import api_keys
from app.accounts.models import ApiKey
from app.db import utcnow
from app.errors import Invalid, RateLimited
from tests.factories import UserFactory


def test_a_key_is_stored_only_as_its_hash(session):
    alice = UserFactory()
    key, plain = api_keys.create_api_key(session, actor=alice, name="  Script de rapport ")
    assert plain.startswith("mlg_") and len(plain) > 40
    assert key.name == "Script de rapport"
    assert key.prefix == plain[:10] and plain.startswith(key.prefix)
    assert key.key_hash == api_keys.hash_key(plain) and plain not in key.key_hash
    assert all(plain not in str(value) for value in vars(key).values())


def test_keys_differ(session):
    alice = UserFactory()
    plains = {api_keys.create_api_key(session, actor=alice, name=f"k{i}")[1] for i in range(5)}
    assert len(plains) == 5


def test_a_name_is_required(session):
    with pytest.raises(Invalid):
        api_keys.create_api_key(session, actor=UserFactory(), name="   ")


def test_keys_in_use_are_capped_but_revoked_ones_do_not_count(session):
    alice = UserFactory()
    keys = [
        api_keys.create_api_key(session, actor=alice, name=f"k{i}")[0]
        for i in range(api_keys.MAX_ACTIVE_KEYS)
    ]
    with pytest.raises(Invalid):
        api_keys.create_api_key(session, actor=alice, name="one too many")
    api_keys.revoke_api_key(session, key=keys[0])
    api_keys.create_api_key(session, actor=alice, name="now fine")


def test_authenticate_returns_the_owner(session):
    alice = UserFactory()
    key, plain = api_keys.create_api_key(session, actor=alice, name="k")
    assert (
        api_keys.authenticate(session, presented=plain, address="10.0.0.1", failures_per_address=5)
        == alice
    )
    assert key.last_used_at is not None


def test_last_use_is_written_at_most_every_few_minutes(session):
    alice = UserFactory()
    key, plain = api_keys.create_api_key(session, actor=alice, name="k")
    recent = utcnow() - timedelta(minutes=1)
    key.last_used_at = recent
    api_keys.authenticate(session, presented=plain, address="a", failures_per_address=5)
    assert key.last_used_at == recent
    key.last_used_at = utcnow() - timedelta(minutes=10)
    api_keys.authenticate(session, presented=plain, address="a", failures_per_address=5)
    assert key.last_used_at > recent


def test_revoked_and_unknown_keys_fail(session):
    alice = UserFactory()
    key, plain = api_keys.create_api_key(session, actor=alice, name="k")
    api_keys.revoke_api_key(session, key=key)
    revoked_at = key.revoked_at
    api_keys.revoke_api_key(session, key=key)
    assert key.revoked_at == revoked_at
    for presented in (plain, "mlg_unknown", ""):
        with pytest.raises(api_keys.InvalidApiKey) as caught:
            api_keys.authenticate(
                session, presented=presented, address="a", failures_per_address=50
            )
        assert caught.value.code == "invalid_api_key" and caught.value.status_code == 401


def test_failures_per_address_are_limited_even_for_a_good_key(session):
    alice = UserFactory()
    _key, plain = api_keys.create_api_key(session, actor=alice, name="k")
    for _ in range(3):
        with pytest.raises(api_keys.InvalidApiKey):
            api_keys.authenticate(
                session, presented="mlg_guess", address="10.0.0.9", failures_per_address=3
            )
    with pytest.raises(RateLimited):
        api_keys.authenticate(session, presented=plain, address="10.0.0.9", failures_per_address=3)
    # another address is not affected
    assert (
        api_keys.authenticate(session, presented=plain, address="10.0.0.10", failures_per_address=3)
        == alice
    )


def test_list_keys_newest_first_and_only_yours(session):
    alice, bob = UserFactory(), UserFactory()
    first, _ = api_keys.create_api_key(session, actor=alice, name="a")
    second, _ = api_keys.create_api_key(session, actor=alice, name="b")
    api_keys.create_api_key(session, actor=bob, name="c")
    assert api_keys.list_api_keys(session, user_id=alice.id) == [second, first]
    assert session.query(ApiKey).count() == 3
