"""Private messages over HTTP: only their participants ever see them."""

from sqlalchemy import func, select

from app.forum.models import Topic
from app.notifications.models import Notification, NotificationKind
from tests.forum_support import make_forum, reply


def test_send_read_and_answer_a_private_message(client, session, make_client):
    forum = make_forum(session)
    client.login(forum.alice)
    assert client.get(f"/n/{forum.network.slug}/messages/new?to=bob").status_code == 200
    response = client.post_form(
        f"/n/{forum.network.slug}/messages",
        {"recipients": "@bob", "title": "Déjeuner jeudi ?", "body": "On en parle en privé."},
    )
    assert response.status_code == 303
    topic = session.scalar(select(Topic))
    url = f"/t/{topic.slug}/{topic.id}"
    assert response.headers["location"] == url
    bob = make_client()
    bob.login(forum.bob)
    assert "Déjeuner jeudi ?" in bob.get("/messages").text
    assert "On en parle en privé." in bob.get(url).text
    assert bob.post_form(f"{url}/reply", {"body": "Avec plaisir"}).status_code == 303
    session.expire_all()
    kinds = session.scalars(
        select(Notification.kind).where(Notification.user_id == forum.alice.id)
    ).all()
    assert kinds == [NotificationKind.PRIVATE_MESSAGE]


def test_nobody_else_sees_a_private_message(client, session, make_client):
    forum = make_forum(session)
    from app.forum import posting

    topic = posting.send_message(
        session,
        actor=forum.alice,
        network=forum.network,
        recipients=[forum.bob],
        title="Secret",
        body="Entre nous deux",
        posts_per_window=100,
    )
    reply(session, forum.bob, topic, "D'accord")
    url = f"/t/{topic.slug}/{topic.id}"
    for person in (forum.animator, forum.outsider):
        other = make_client()
        other.login(person)
        assert other.get(url).status_code == 404
        assert other.get(f"{url}/1").status_code == 404
        assert other.get(f"{url}/1/history").status_code == 404
        assert other.get(f"{url}/feed.atom").status_code == 404
        assert other.post_form(f"{url}/reply", {"body": "Intrus"}).status_code == 404
        assert other.post_form(f"{url}/1/like").status_code == 404
        assert "Secret" not in other.get("/messages").text
    animator = make_client()
    animator.login(forum.animator)
    assert "Secret" not in animator.get(f"/n/{forum.network.slug}/forum").text
    assert "Secret" not in animator.get("/latest").text
    assert "Secret" not in animator.get(f"/n/{forum.network.slug}").text


def test_bad_recipients_get_a_clear_message(client, session):
    forum = make_forum(session)
    client.login(forum.alice)
    url = f"/n/{forum.network.slug}/messages"
    cases = [
        ("personne", "No member is called personne"),
        ("outsider", "Not members of this network: outsider"),
        ("alice", "Name at least one other member"),
    ]
    for recipients, message in cases:
        response = client.post_form(
            url, {"recipients": recipients, "title": "Sujet", "body": "Bonjour"}
        )
        assert response.status_code == 422 and message in response.text, recipients
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Topic)) == 0
