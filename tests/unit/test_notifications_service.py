from app.notifications import service as notifications_service
from app.notifications.models import EmailMode, Notification
from app.notifications.service import NotificationKind
from tests.factories import NetworkFactory, UserFactory


def _notify(recipient, actor, **overrides):
    values = dict(
        recipient_id=recipient.id,
        kind=NotificationKind.REPLY,
        actor_id=actor.id if actor else None,
        network_id=None,
        title="Réponse à votre sujet",
        url="/t/1/sujet#post-2",
        excerpt="Bonjour",
        topic_id=1,
        post_id=2,
    )
    values.update(overrides)
    return notifications_service.notify(session_of(recipient), **values)


def session_of(obj):
    from sqlalchemy.orm import object_session

    return object_session(obj)


def test_notify_writes_an_unread_notification(session):
    network = NetworkFactory()
    alice, bob = UserFactory(member_of=network), UserFactory(member_of=network)
    notification = _notify(alice, bob, network_id=network.id)
    session.flush()
    assert isinstance(notification, Notification)
    assert notifications_service.count_unread(session, user_id=alice.id) == 1
    assert notifications_service.count_unread(session, user_id=bob.id) == 0
    # weekly digest by default: the notification waits for a mail
    assert notification.mail_pending is True
    assert notifications_service.get_setting(session, user_id=alice.id).email_mode == EmailMode.WEEKLY
